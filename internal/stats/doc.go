// Package stats owns the maintained figures: org_stats(province_id, org_id, k,
// n) holds, for every organisation, the figures of its whole subtree. Each
// change adds a delta to the rows of every organisation on the changed row's
// path, in the changing transaction, so that reading the figures of any
// organisation is one indexed read; Recount and Check prove them against the
// raw rows. It imports store (and date, vocab); org, member, work, dues and
// the consultative work call it; it knows no Excel (the tables are
// stats/tables).
//
// # Keeping them
//
// Every change computes the keys a row contributes before and after
// (PersonKeys, OrgKeys, UnitKeys, plus the mobile and letter keys) and adds
// the difference to every organisation on the row's path that holds figures
// (Holders), writing in (org, key) order so that concurrent writers lock in
// the same order. A write costs (number of holders) × changed keys upserts;
// reading a province's or a branch's figures is one primary-key range read of
// about 150 rows on one worker, whatever the number of members beneath it.
// The figures are kept by Go code rather than triggers, so the schema stays
// plain SQL that a Citus cluster runs too. Every write bumps Changes, which
// in-process caches (the API's figures, the pages' header count) watch.
//
// Age changes with the calendar, so it is not stored as a band: members are
// counted by birth year and the view derives the bands of the Party's
// statistical tables, age being the statistical year minus the birth year
// (the age reached by 31 December, as the annual report counts it).
//
// # The root (WholeAtRoot)
//
// On SQLite and one PostgreSQL the root's row is its whole subtree too, marked
// by the key "whole" (n = 1), so the country's figures are one primary-key
// read. It is one more row every write locks, first (the root is first on
// every path); on SQLite writers are one at a time anyway, on PostgreSQL it
// orders the writers of the same keys. On a Citus cluster figures stop at the
// province: a root keeps only what sits at itself, and its figures are summed
// at read from its row and its children's, 31 rows a key (ReadEach, ReadAll),
// since the root's row would otherwise be a hot spot on one shard that every
// write in the country updates across nodes. The ids are read from the tree
// first and the rows then by the primary key, from those provinces' shards
// alone (a subquery would be broadcast: 3.1 s against 0.17 s at 10 M).
//
// A read decides by the data, not the engine: a root's rows with "whole" are
// its figures; without it they are its own part and its children's are added.
// So a database of an earlier version, whose root row is its own part, reads
// right as it is: the first change counted at such a root (ApplyPath) inserts
// the mark (ON CONFLICT DO NOTHING) and, when it was the one to insert it,
// adds the children's rows to the root's in the same transaction; a
// concurrent writer's insert of the mark waits for that transaction.
//
// # Recount and Check
//
// Recount recomputes every figure from the raw rows (each row's keys at its
// own organisation, rolled up each path from the province down, and to the
// root where its row is marked whole), with a Source per domain that keeps
// figures of its own (work, dues, …); Check compares, in one transaction, the
// maintained and the recounted sets. dangjian check prints each mismatch and
// exits 1 if there is one, beside store.CheckPlacement; every integration test
// that changes figures ends by asserting there is neither, and a random walk
// of accepted and refused writes (TestFiguresSurviveRandomWrites, FuzzFigures
// in package api) recounts after each step. RecountAnnual walks each person's
// history for the period tables of stats/tables.
package stats
