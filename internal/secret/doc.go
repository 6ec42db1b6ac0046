// Package secret owns the sealing of personal data: it encrypts fields at
// rest with AES-256-GCM (a random nonce per value) and makes keyed hashes
// (HMAC-SHA256) of them, so that an exact value can be found and kept unique
// without being stored in the clear. It imports nothing of the project; app
// loads the ring, and member, committee, letters and audit seal with it.
//
// Citizen ID numbers and phones are sealed under a key derived from the
// master key; id_hash is an HMAC under a second derived key, unique, so a
// number is unique across the system and searchable by exact value. Free text
// that may carry a phone (a mobile member's contact, a requested change, a
// letter's sender) is sealed too. The master key comes from
// DANGJIAN_SECRET_KEY or a 0600 file created at first start. What leaves the
// system is masked by its type (110105************, 138****5678, a birth date
// as its month, every run of seven or more digits in free text); what the
// masks leave is argued in docs/SECURITY.md.
//
// Keys form a ring: every sealed value names the key it was sealed with
// ("k2:…"), new values are sealed with the newest key, and values sealed with
// an older key still open. A ring read from a key file is re-read when the
// file changes, so that a running server picks up a key added by
// "dangjian keys rotate" within two seconds; the command then re-encrypts
// every row in short transactions (store.Reseal), and look-ups try the hash
// under every key of the ring while a rotation runs.
package secret
