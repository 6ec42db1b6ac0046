// Package audit owns the audit trail: who did what, when, from where, to
// which object, with the changed fields before and after (the JSON of the
// object, its personal fields masked by their types). It imports store;
// every service that changes something records through it, and package
// auditview puts the trail into words.
//
// Every change writes its entry inside its own transaction (Record), so a
// change without its entry cannot exist, and entries are only ever appended
// (a trigger refuses an update or a delete). The trail is a chain a province
// (chain 0: the system's and the whole country's entries, logins, users): an
// entry is numbered (seq) within its province's chain under a lock of that
// province (an advisory lock on PostgreSQL; SQLite's single writer), its id
// comes from one sequence, and each chain's head (audit_chains, kept with the
// province's rows on a cluster) holds its last number and hash. So a change
// within a province waits only for that province's writers and is, on a Citus
// cluster, a transaction of one worker. The entries written before migration
// 00025 stay the single chain they were, numbered by id and ending at
// audit_head, and verify as they did.
//
// Each entry hashes its fields with the previous entry's hash under an
// HMAC-SHA256 key derived from the master key ("a<key id>:…", so rotations
// keep older entries checkable): whoever owns the database but not the key
// cannot write the chain anew. An installation whose trail began unkeyed
// records, at its first start, where the unkeyed entries end (audit_keyed);
// an unkeyed entry after that is a problem. The heads show a removal of a
// chain's newest entries: "dangjian audit anchor" prints them all on one line
// (序号:哈希,…) for keeping outside the system, and "audit verify --anchor"
// checks each (Verify, chain.go).
package audit
