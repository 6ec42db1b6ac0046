// Package member owns the roster: Party members and the people in the
// development pipeline, their mobile (流动) records, the change requests they
// send, the transfer letters of their organisation relation, and the search.
// Every function takes the caller's scope. It imports org, stats, store,
// secret (sealed fields), cnid and pinyin; spreadsheet (the import), dues
// (through Ledger, which app wires) and the handlers build on it.
//
// # People and their steps
//
// A person has one row and one organisation (members.org_id). Every state
// machine is a table of allowed moves (package flow) and every state change a
// compare-and-set on the state it was read in (store.Swap), so that a step
// sent twice at once is taken once and its figures move once: letters
// (letterSteps: pending → received or cancelled, and unreceive), mobile
// registrations (mobileSteps: open → ended), change requests (requestSteps),
// and a person's own state (stage, status, flowing out), written by setPerson
// only while it is still what the step read. The development stages and the
// changes of standing (death, expel, remove, withdraw, suspend, and restore,
// which only a suspended member takes) are one table, Transitions: each row
// has the stage it starts from, the stage it leads to, the rule it checks
// (quoting the regulation) and what it records in stage_events; anything not
// in the table is refused. Creating someone directly at a later stage (a roster
// being entered) requires that stage's date and the joining date, and checks
// the order of the dates given and the age of eighteen.
//
// A step that takes another back (the receipt's unreceive) is a row of the same
// table, allowed within UndoWindow (24 hours) of the last change; a receipt is
// not taken back once the person has been changed or issued another letter.
// A batch of the roster (at most MaxSelection people) is read within the
// caller's scope, so a tick outside it is as if never made; letters are issued
// one per person, each whole, and the result names who was not issued one.
// Probations ending soon (the to-do's) are read from a partial index
// (members_probation_due).
//
// # Transfer letters
//
// A letter inside the system leaves the member in the old organisation until
// the receiving side receives it; receiving moves the member, their open
// out-flow registration, their figures and their dues ledger's figures
// (Ledger.Figures) in one transaction, to another province's worker too
// (store.MoveMember). A letter to outside is closed by recording the receipt
// (回执), when the person leaves the roster; a letter from outside adds the
// person in the letter's transaction. "One pending letter per member" is a
// partial unique index. A letter carries the ledger's 党费交到 (Ledger.PaidTo).
// Letters are visible to both sides; the receiving organisation may be
// anywhere in the system, which is only checked for existence.
//
// A pending letter past its own 有效期 is a 口袋党员 risk, with the days since:
// the 有效期 runs from the day after issue (Civil Code art. 201), so a letter of
// 30 days issued on 1 June is valid through 1 July (expires_on) and at risk
// from 2 July. A letter issued before the 有效期 was kept (valid_days 0) is at
// risk once older than PocketMonths (default three). Both are worked out at
// read time by one rule in Go (scanTransfer) and in SQL (riskSQL).
//
// # Search
//
// Names are stored with their full pinyin and initials (package pinyin). A
// query is an ID number (exact, via the keyed hash), Latin letters (a prefix of
// the initials or the full pinyin) or Chinese (a name substring); SQLite's FTS5
// does not split Chinese, so no full-text index is used for names. A pinyin
// search in the default order runs in two parts, each read straight from its
// index in order with a limit: the people whose initials start with the text
// (index (name_initials, name_pinyin)), then those whose full pinyin does and
// whose initials do not; pages run across both and the count stops at
// SearchCountCap ("200+": type another letter). Over a scope of more than
// 50,000 people a Chinese query matches the beginning of names (an index
// range); below that anywhere in the name (130 ms for 100,000 people).
//
// A page is ordered by the indexed column and then by id, so that people of
// one name keep one order from page to page: SQLite ends every index entry
// with the rowid; on PostgreSQL the search indexes end with id explicitly
// (migration 00005; without it each page sorted every person of the last name
// seen, 48–199 ms instead of 5–11 ms at 10 M). PostgreSQL keeps a rolled-back
// import's rows as dead rows until vacuumed, so members and audit_log are
// vacuumed after 1 % dead rows (migration 00006).
//
// # Imports
//
// The roster import (package spreadsheet) checks each row as far as that needs
// no write lock (Check: the same field rules a form goes through, the ID number
// hashed and sealed, the audit detail encoded) and writes the checked rows 500
// at a time (AddNew: one multi-row INSERT … ON CONFLICT (id_hash) DO NOTHING
// RETURNING, so that the unique index itself tells who is on the roster
// already, with the figures and audit entries written once per organisation);
// a person on the roster is brought up to date under a savepoint (UpdateRow),
// so a refused update leaves no trace. Export streams Each (one query).
package member
