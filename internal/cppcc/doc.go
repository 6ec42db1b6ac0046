// Package cppcc keeps the proposals (提案) of CPPCC committees (政协), on
// the committees, members and rules of internal/committee: a proposal from
// the draft to the proposer's evaluation, with its states as one table of
// transitions (Steps), the co-signers' answers and the handling units'
// parts, their clocks, the 交办函 and 答复函, the catalogue, and each
// committee's figures maintained with the rows they count. It holds what
// the domains built on it share: the statutory clocks and the calendar,
// receipt codes, the proof of work spent, the moderators' samples for the
// classifier, text fingerprints, the public history, the numbering of a
// year's issues and the public channel's figures as read.
//
// Arrows: cppcc imports committee, and none of the domains built on it
// (duties, letters, opinion, forum) nor consultation, which puts them
// together; a proposal not filed goes into another channel through
// Service.Intake, which consultation.New supplies.
//
// # Who sees what
//
// What a caller reaches is decided where the rows are read (visible), by the
// View the route takes: the office sees every proposal of its committees but
// drafts; a member their own (drafts included), those they are asked to
// co-sign, and the public ones once filed; a unit those with a part of its own
// that has not been moved to another unit. Anything else is not found.
//
// # Steps
//
// Steps is one flow.Table of every allowed step of a proposal (submit, submit a
// joint one to its co-signers, end the signing, withdraw, return, file, reject,
// merge, assign, replied, evaluate, dissatisfied, close), of a co-signer's
// answer (confirm, decline, lapse, and a comment once answered that changes no
// state) and of a unit's part (object, keep, reassign, ask for an extension,
// extend, refuse, opinion, reply, rehandle, and 催办, remind, which changes no
// state), each with who takes it and its rule; GET /api/v1/cppcc/steps
// publishes it with the public channel's tables (consultation.Steps). Each step
// is a compare-and-set on the state it was read in (store.Swap), written to the
// proposal's history (proposal_events) and the audit trail in its
// transaction. TestEveryCell tries every action in every one of the twelve
// states against the table; TestStepTakenOnce sends one step four times at once
// on every engine. A key proposal is an attribute of a filed proposal (is_key,
// key_lead), not a state: marked once, by a leader, audited and in the history.
//
// Each unit's part runs on a clock of its own (object 'part': the reply's
// period or the co-handler's opinion's), started at assignment with the part's
// due date, moved by an extension, stopped by the opinion, the reply or a
// reassignment, started again for re-handling, every change audited. A unit's
// reply may carry its 答复函 (.pdf, .docx, .doc, .ofd, at most 10 MB, checked by
// work.CheckFile), kept in cppcc_files in the reply's transaction and read back
// through the proposal (Service.Letter). The 交办函 and 答复函 are written by
// WriteAssignLetter and WriteReplyLetter (package report's layout).
//
// # Figures
//
// cppcc_stats(province_id, committee_id, k, n) holds, per committee, the
// proposals' figures by the month first submitted (p|yyyymm|key) and by the
// year (y|yyyy|key), and per handling unit (u|…, v|…); a change of a proposal
// moves the difference of its keys (FigureKeys) in its transaction. A period is
// read from its whole years' rows and its other months' (spans): about 50 rows
// a year. Overdue parts depend on today and are counted when read, from the
// index on (committee, state, due date). The domains keep their own prefixes
// in the same table (duties, letters c:, opinion o:, forum f:). Recount and
// Check take each domain's Recounter (consultation.Check passes them all);
// dangjian check reports a difference as "政协 N 的统计项 …".
//
// Not yet built: a picker with search for co-signers and attendees in a
// committee of several hundred members (a list for now); pages for a
// committee's lists, periods and points (the API for now); the parts' clocks as
// a table on the proposal's page.
package cppcc
