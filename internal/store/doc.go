// Package store owns the database: it opens SQLite or PostgreSQL (a Citus
// coordinator included), applies the embedded migrations, lays the tables out
// on a cluster, and gives the domain packages what every query of theirs
// takes: the Scope of the caller, transactions (Tx, with Retry), the
// compare-and-set of a state (Swap), pages (Page, List), dynamic WHERE clauses
// and LIKE patterns (Where, Contains, Prefix), bulk writes (CopyFrom, BulkTx)
// and the placement of rows by province. It imports nothing of the project but
// apperr; every domain package imports it.
//
// # Scope
//
// Every domain function takes a Scope, the path of the caller's subtree root
// (or a union of several), and puts its range into the SQL it runs: an object
// outside the scope is not found, exactly like a missing one. A union (Union)
// keeps the outermost subtrees; its Range is the interval under their deepest
// common ancestor, so that the index on path is used, and every query adds
// Exact, which keeps exactly the rows under one of the parts (the paths are
// the system's own, digits and slashes, checked when the union is made and
// written into the condition). A path is a materialised path of ids, "/1/7/42/"
// (see package org), so a subtree is one index range: PathRange gives
// path >= '/1/7/' AND path < '/1/70', "0" sorting right after "/". Where a
// scope comes from is package auth's part.
//
// # Migrations
//
// The migrations are one numbered set, migrations/NNNNN_name.sql, written once
// for both engines (a new one takes the next number, the same on both). Each
// file is a Go text/template that Migrate renders for the database's dialect
// before goose applies it. Most of a file is SQL both engines take as it is;
// what differs is written with these placeholders:
//
//	{{id}}     an id column: INTEGER PRIMARY KEY AUTOINCREMENT (SQLite),
//	           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY (PostgreSQL)
//	{{int}}    a 64-bit integer: INTEGER, BIGINT
//	{{time}}   a point in time: TIMESTAMP, TIMESTAMPTZ
//	{{bytes}}  a file's bytes: BLOB, BYTEA
//	{{flag}}   a flag of 00001 and 00002: INTEGER NOT NULL DEFAULT 0,
//	           BOOLEAN NOT NULL DEFAULT FALSE (later ones write the latter,
//	           which both engines take)
//	{{ctext}}  text compared byte by byte (paths, names searched by prefix):
//	           TEXT, TEXT COLLATE "C"
//
// and a statement only one engine has (a trigger, a search index, a data
// migration written with each engine's functions) stands in a block
// {{if sqlite}} … {{else}} … {{end}} (or {{if postgres}} … {{end}}). A file
// that renders to nothing for a dialect is not one of its migrations
// (00005 and 00006, the search indexes' order and autovacuum, are PostgreSQL's
// only). The work kinds' migrations (00003, 00010) are generated from their
// declarations (package work) as one template too.
//
// Until this set, SQLite had a set of its own without 00005 and 00006, in
// which 00007 to 00028 were numbered 00005 to 00026: Migrate renumbers, once
// and in one transaction, what such a database recorded in goose_db_version
// (renumberSQLite; a recorded 00005 can only be of the old numbering, since
// 00005 renders to nothing for SQLite now), so that every version recorded
// names the same migration on both engines. TestUpgradeFromADialectsOwnSet
// keeps the last release's two sets frozen (testdata/dialect-sets.zip),
// migrates a database of each engine (SQLite, PostgreSQL, a Citus cluster laid
// out; SQLite also part way, at its 00004 and 00014) with its dialect's set,
// writes rows, and upgrades it with the one set plus a test-only 00029: only
// the pending migrations run, the versions recorded are those of a new
// database, the schema equals a new database's (tables, columns, types,
// defaults, indexes, keys, triggers) and the rows are kept.
//
// # Tables on a Citus cluster
//
// The same schema and migrations run on SQLite, PostgreSQL and a Citus cluster
// (a coordinator and workers). Open detects the extension on the coordinator
// (DB.Citus); Migrate then lays out every table not yet laid out by its Role,
// declared in one list (Tables; TestEveryTableHasARole fails for a table
// missing there, and on a cluster checks the layout). On a cluster already laid
// out, each pending migration is applied with its own layout, its foreign keys
// added after it (upgrade.go, docs/DEPLOY.md "Upgrading a cluster",
// TestUpgradeALaidOutCluster). The roles:
//
//   - Reference: a copy on every node, joined to anything by any column — the
//     organisation tree and units, users, grants, sessions, API tokens,
//     settings, the audit trail's old head and its keying mark, the
//     summaries' templates of both trees and their drafts, the committees'
//     tree and lists, terms and sessions, the calendar and the moderators'
//     samples.
//   - Provincial: distributed by province_id, all colocated, so that a
//     province's rows of every table are on one worker — members (the anchor)
//     and everything that grows with them: org_stats, the history, requests,
//     transfers, mobile records, the audit entries and their chains' heads,
//     attachments, reminders, the work records, the dues, the library, and the
//     consultative work's rows by the province of their committee's path
//     (Table.CommitteeCol, or the row they follow, Table.Parent).
//   - Keyed: id_numbers, distributed by id_hash; the spent proofs of work by
//     their salt.
//
// Every provincial row carries province_id, the top-level organisation below
// the root of its organisation's path (ProvinceOf): a work record, a reminder,
// an attachment or a mobile record that of its organisation; a member's
// history, requests and letters that of the member (a letter from outside the
// system: its receiving side); an audit entry that of the path it names (0 for
// none). CheckPlacement, run by dangjian check, counts the rows kept in another
// province than their organisation's (or committee's) and the provinces whose
// registry of ID numbers does not hold as many numbers as their roster.
//
// The tree is a reference table because it is read with every request (scope
// ranges, names and parents for every list, pickers), joined to every
// provincial table on org_id, and written rarely; distributed by province it
// would need the province in every join and every scope check, and the
// country's top levels would still be read by everyone. At national scale it
// is 5.2 M rows of about 200 bytes with its indexes, 1–1.5 GB on every node;
// its writes are two-phase commits over all nodes (docs/BENCHMARKS.md,
// organisation creation). Units follow the tree for the same reasons.
//
// What the layout costs and gives:
//
//   - Unique keys. Citus requires a distributed table's unique keys to include
//     its distribution column: the layout prepends province_id to every primary
//     and unique key of a provincial table and keeps a plain index on the key's
//     own columns, so that a member read by id alone reads an index on each
//     shard rather than scanning it (keysWith). Ids stay unique in the country
//     (one sequence each, on the coordinator); a letter number is unique within
//     its province.
//   - One ID number in the country: id_numbers(id_hash, province_id), written
//     in the same distributed transaction as the member it registers (created,
//     renumbered, re-keyed in a rotation, moved). A new person's number is
//     inserted first (ON CONFLICT DO NOTHING): a number already there, in any
//     province, is refused. The same table is used the same way on SQLite and
//     PostgreSQL, so the rule is proven by the same tests everywhere; it also
//     routes a look-up by ID number to the province's worker.
//   - Foreign keys to reference tables are kept; the others (a work record's
//     member, a letter's member, a user's member) are dropped, every reference
//     being checked inside the request within the caller's scope.
//   - A row never changes province in place (Citus refuses to update a
//     distribution column): a person received in another province takes their
//     record, history, requests, letters and open out-flow registration along
//     (MoveMember: copied with their ids and deleted, in the receipt's
//     transaction); a subtree moved to another province takes every provincial
//     row of its organisations (Rehome). On SQLite and PostgreSQL the same
//     functions update the column.
//   - Routing: every query of a provincial table within a scope that lies in one
//     province carries province_id = N (Scope.ProvinceParam, ProvinceIs), which
//     Citus routes to one worker; joins between provincial tables are on the
//     province too. TestHotPathsStayInOneProvince runs the daily requests
//     through connections that refuse any statement planned on more than one
//     shard (citus.multi_task_query_log_level = error). The multi-shard reads
//     are those of the whole country or a root (its figures: 31 rows a key; a
//     search over the whole tree, bounded by its page) and a letter looked at by
//     its receiving side in another province.
//   - Transactions on the cluster take one connection per worker
//     (citus.multi_shard_modify_mode = sequential, set in DB.Tx), so that a
//     transaction may write the tree after reading many shards.
//   - The audit trail's append-only guard is a trigger that raises an error; the
//     layout distributes it with citus.enable_unsafe_triggers so that it runs
//     on every shard.
//   - Bulk writes on PostgreSQL and Citus use COPY (CopyFrom): the national
//     generator's batches and an import's new people (their ids drawn from the
//     sequence first, BulkTx).
//
// # Conflicts and errors
//
// A state change is a compare-and-set (Swap: an UPDATE whose WHERE names the
// state it was read in and that must change one row), so a step sent twice at
// once is taken once. A request the database cancels for a conflict (a
// deadlock, also one Citus finds between nodes or with a shard being moved; a
// serialization failure) is run again whole, up to five times, by the API and
// the pages' wrapper (Retry); past that the user is told to try again (503, in
// Chinese). Errors leave DB.Tx wrapped with what failed ("begin transaction",
// "commit transaction"); Explain finds, through the wrapping, the Chinese
// message a user reads (a lost compare-and-set, SQLite busy past its timeout).
// A session's last use is written with TryExec, which skips the write while
// another writer holds SQLite, so that a read never waits for a writer.
package store
