// Package duties keeps how a committee's members do their duties (履职):
// the committee's activities (meetings, inspections, research, the
// supervision of key proposals) with the members' attendance, their
// documents and the instructions received, the 《政协简报》, the honours
// given, and each member's performance record (履职档案) with the year's
// ranking, with their figures (in cppcc_stats, counted again by Recount).
//
// Arrows: duties imports committee (the committees, the members, the
// record's points, Items) and cppcc (the proposals, the figures) and never
// consultation or another domain (the record reads the 社情民意 items from
// their rows); neither committee nor cppcc imports it.
//
// cppcc_activities records what a committee does besides proposals: the
// supervision of key proposals, inspections, research, recommendations, the
// meetings E4 counts (plenary, standing committee, chair meeting, 专题议政会,
// 专题协商会, 座谈会) and speeches, each with its attendance (cppcc_attendance:
// present, on leave, absent), its documents (cppcc_activity_files, checked by
// their first bytes) and the instructions received (cppcc_instructions); their
// figures are kept by the month held (act:<kind>, reports:<kind>,
// instructions, attend:<status>, 人次). The 《政协简报》 (cppcc_briefs) is numbered
// per committee and year like the 专刊 (the next number read in the issuing
// transaction, a unique index refusing a second writer), optionally naming the
// meeting it reports, counted as brief by the month issued. The year's 优秀提案
// and 履职积极分子 are recorded once each (cppcc_honours) and enter the records
// (excellent, 5 points by default; active, named without points).
//
// A member's performance record is computed when read, from the records
// themselves (their proposals as first proposer, confirmed co-signatures,
// filings, key proposals, attendance, 社情民意 items sent, adopted and
// instructed on), with the committee's points and yearly caps
// (committee.Rules.Points, DefaultPoints otherwise); the year's list (Ranking)
// counts the same items with grouped queries and scores them with the same
// function, and TestKeyProposalActivitiesAndRecord checks every member's record
// against the list. Activities are not yet in the national-scale generator.
package duties
