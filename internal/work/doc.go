// Package work owns the records of grassroots work the essays describe:
// responsibility links, visits, pairings with two-way commitment letters,
// special funds, co-building, posts and zones, volunteer activities, training
// and remote-education sites, cadre exchange, the three cultivations and the
// talent pool of Party-affairs workers with two-way selection, and their
// attachments. It imports org, stats, store and audit; dues, report,
// spreadsheet, stats/tables and the handlers build on it, and its CheckFile
// checks every upload of the system.
//
// # One engine over declared kinds
//
// Written one by one, the 21 record kinds would be near-copies of the same
// CRUD, scope, audit, figure, page and export code, each a place to forget the
// scope or the figures. So each kind is declared once (kinds.go) as a Kind with
// typed fields (text, note, date, enum, money in fen, integer, member,
// organisation, reference to another kind, file), its parent kind (a
// commitment item belongs to a pairing and lives in its organisation), its
// state column and the Actions that move it, its Figures, and hooks for the few
// rules that are its own (Check, Prepare, After, Lock). One engine (service.go)
// then:
//
//   - stores each kind in its own table with typed columns and foreign keys;
//     the migrations (00003, and a column added later names its migration in
//     Field.Added) are generated from the declarations, and TestMigrations
//     fails when they differ (schema_test.go);
//   - scopes every read and write by the record's organisation path in the
//     SQL; a member or organisation named in a field is looked up by id or by
//     exact name within the caller's scope (two people of one name: the user
//     is asked for the number);
//   - validates all fields at once, each message naming its field; a form's
//     value the pages already found wrong (an amount in yuan, an upload)
//     travels as Bad and is reported with the rest;
//   - takes a step only from its From states with a compare-and-set, so two
//     users acting at once cannot both succeed; a Checker step (a fund's
//     approval) must be taken by another user than the record's maker; a step
//     that takes another back (Action.Undoes) is allowed within UndoWindow;
//   - writes the audit entry and the figure delta in the same transaction;
//     when a parent changes, the children whose figures depend on it
//     (participants counted in the activity's month) move too.
//
// # Figures
//
// Each kind adds keys to org_stats along its organisation's path. Figures
// "for any period" are kept per month (visits@2026-03) and a period is the sum
// of its months (Summarize); Compare sets the months asked beside the period
// before them and the same months a year earlier (present counts are not
// compared). What depends on today's date (commitments overdue or due within a
// week, branches no one is linked to now) is counted when read (LiveFigures),
// which equals a recount by construction. Recount is a stats.Source of
// dangjian check.
//
// # Funds, selection, attachments
//
// funds.balance_fen carries CHECK (balance_fen >= 0), and an approval lowers it
// with UPDATE … SET balance_fen = balance_fen - $amount WHERE id = $fund AND
// balance_fen >= $amount: on PostgreSQL the second of two racing updates
// re-evaluates the condition after the first's row lock and finds the money
// gone; SQLite serialises writers. A budget change moves the balance by the
// difference the same way (TestFundRace, TestFundApprovalsOverHTTP).
//
// Two-way selection is recommended → chosen (by the enterprise) → accepted (by
// the candidate) → appointed, or declined from any of the first three; the
// appointment asks for the pay grade, the employment contract and the
// target-responsibility letter. A candidate appointed elsewhere, or already put
// forward to the same enterprise, cannot be put forward again. The report-back
// weighs the three audiences' scores (weights summing to 100) and recommends
// renewal at 60 or above.
//
// Attachments are kept in the database (attachments.data), so every backup
// holds them and they follow the records' scope. Only PDF, Word, Excel, OFD,
// JPG and PNG up to 10 MB are taken, their first bytes matching the extension
// (CheckFile); they are served as application/octet-stream with
// Content-Disposition: attachment and X-Content-Type-Options: nosniff, so no
// browser renders an upload in the site's origin.
package work
