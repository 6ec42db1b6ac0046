// Package org owns the organisation tree (党委, 党工委, 党总支, 党支部, …) and the
// units (单位) registered with it and their coverage. Every function takes the
// caller's store.Scope and sees nothing outside it. It imports store, stats
// (an organisation's figures move with it) and audit; member, work, dues,
// spreadsheet and the handlers build on it.
//
// # The tree
//
// Each organisation stores its affiliation parent and a materialised path of
// ids, "/1/7/42/". A subtree is one index range (path >= '/1/7/' AND path <
// '/1/70'), and an organisation's ancestors are read off its own path without
// a query; PostgreSQL declares the column COLLATE "C" so that the range is a
// byte range. Moving a subtree rewrites the paths under it in one
// UPDATE … SET path = new || substr(path, n), a cost the size of what is
// moved; its figures leave the old holders above it and join the new ones
// (stats.ApplyAbove), and a subtree moved to another province takes its rows
// along (store.Rehome). The territorial manager (属地) is a separate reference
// that does not change the affiliation tree.
//
// Organisations are never deleted: dissolving sets dissolved_at, and only once
// the organisation has no live sub-organisation, nobody on its roster, no
// registered or covered unit and no pending letter. Ids come from AUTOINCREMENT
// (SQLite) and identity columns (PostgreSQL), so they are never reused.
//
// An organisation is found by name, by the initials of its name's pinyin
// (orgs.name_initials, filled at start for older rows) or by its code, for the
// pickers of the pages.
//
// # Terms (换届)
//
// orgs.term_years, elected_on and the derived term_ends_on (indexed) are kept
// by Create and Update in the same statement; the default lengths are those of
// the 2020 election regulations (a basic-level committee five years, a general
// branch or branch committee three). DueTerms lists the terms ending, as the
// to-do counts them.
package org
