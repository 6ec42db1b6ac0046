// Package letters keeps the letters of a committee's mailboxes (委员信箱,
// 民意信箱) and its letters-and-visits cases (信访): the public form's and
// the office's intake with its repeats, the office's decisions and the
// units' handling on the statutory clocks, the sender's receipt code and
// their steps with it, with its steps (Steps) and figures ("c:…" in
// cppcc_stats, counted again by Recount).
//
// Arrows: letters imports committee (the committees, their periods, the
// audit, the sealed fields) and cppcc (the clocks, the figures, the receipt
// codes and the public history) and never consultation; the forum imports
// letters (the letter it publishes, the notice to its sender); cppcc does
// not, and takes a proposal not filed into a letter through the Intake that
// consultation.New wires to FromProposal.
//
// # Cases
//
// A letter to the 委员信箱, the 民意信箱 or the 信访 box is one row of cases
// whatever its channel (来信, 来访, 来电, 网上, 上级转送, 领导批示交办): the office
// registers the others, the public form (package public) takes the online
// ones, with up to three images or PDF files of 5 MB each (case_files, checked
// by work.CheckFile, kept in the letter's transaction, read back through the
// case by the office and the unit it was routed to). Steps is published at
// GET /api/v1/cppcc/steps/public; each step is a compare-and-set on the state,
// in the case's history (public_events) and the audit trail: 受理 / 不予受理
// (with the reason) / 转送 (to the competent body) / 垃圾信息; 转办 or 交办 to a
// unit; the unit's one extension (at most 30 days, the approving head named)
// and its written reply; the sender's rating; 复查 and 复核 requested within
// their windows, decided by the office, a 复核 hearing pausing its clock; 办结.
// The steps the sender is told of are marked (notice) and are what the
// receipt code shows. 督办 (a step that changes no state) may be of any case
// still running and not held. A sender is sealed like a member's data (name,
// phone, ID number), masked in every list (赵**, 138****5678), read in clear
// only by the office through GET …/cases/{id}/person, each reading audited.
//
// Repeats (判重): a new letter is linked to the latest earlier one of the
// committee within the repeat period (committee.Rules.RepeatDays, 180 by
// default) from the same phone or ID number (their keyed hashes), or else with
// a near-duplicate text (the SimHash of its normalised text within
// cppcc.NearDuplicate bits of one of the period's last 2,000 letters); an
// anonymous letter is compared with anonymous ones only, so that a link never
// names an anonymous sender. A letter repeating a matter whose case ended in
// 复核 cannot be accepted (《信访工作条例》: the same facts and reasons are not
// accepted again).
//
// Every period of a case is a row of clocks (its start, its base due date, days
// added by extensions and pauses, a running pause, when it stopped), changed in
// the transaction of the step that changes it, each change audited with the
// clock before and after; package clock counts them. The defaults, each
// configurable per committee (committee.Rules.CasePeriods) and named with its
// article: 受理告知 15 days (第二十四条、第二十五条), 办理 60 days from 受理 (第三十二条),
// an extension up to 30 days (第三十二条), 复查 requested within 30 days of the
// reply and decided within 30 (第三十五条), 复核 likewise, hearings not counted
// (第三十六条). The article numbers are those of the 2022 regulation as
// recalled; the periods' wording was matched to provincial 信访局 answers
// published online (广东, 攀枝花), but an office should check each number against
// its copy. A clock is due soon 5 days before its date and overdue after it;
// the overdue clocks of the office's and the units' periods (not the sender's
// windows) are counted when read, flag the case and fill the office's to-do.
//
// Figures (c:… in cppcc_stats, by the month s|yyyymm|… and the year t|yyyy|…):
// letters by box, channel and state, accepted / not accepted / transferred,
// replied on time or late, extended, satisfaction, 复查 and 复核, repeats,
// collective visits (more than five people), held and released, and by
// handling unit.
package letters
