// Package committee keeps the CPPCC committees (政协) themselves: the
// committees, their lower committees and their handling units (承办单位, to
// which the handlers' accounts are granted) as a tree of their own beside
// the Party organisations'; terms (届) and sessions (次会议); a committee's
// lists (界别, proposal categories) and the parties and groups its members
// belong to; its rules (the proposals' and the letters' periods, the
// performance record's points); the members (委员), their phones sealed
// (Seal and UnderEveryKey serve every sealed field of the consultative
// work) and their accounts linked, and their list in and out of Excel; and
// the audit of the consultative work's changes, kept by committee.
//
// Arrows: committee imports no part of the consultative work; cppcc (the
// proposals) builds on it, and through cppcc every domain of the
// consultative work.
//
// # A tree of its own
//
// Committees are not Party organisations, so they do not live in orgs (whose
// figures count organisations): committees is a second tree with the same
// materialised paths, whose nodes are committees (全国 / 省 / 市 / 县) and, below
// each, its handling units (kind = 'unit'). A committee has its lists
// (cppcc_lists: 界别 — the 34 of the 14th National Committee by default —, proposal
// categories), terms and sessions, and its Rules (the periods, each with its
// source named in rules.go; the performance record's points, Items and
// DefaultPoints), set through the API (PUT …/committees/{id}/lists/{list},
// …/rules), bounded and audited. Every row of the consultative work carries
// the province of its committee's path (store.ProvinceOf), so that a Citus
// cluster keeps a committee's members, proposals, parts, history and figures
// on one worker; store.CheckPlacement checks them by their committee
// (Table.CommitteeCol) or the row they follow (Table.Parent). A provincial
// committee's work is answered by its province's worker
// (TestCommitteeWorkStaysInOneProvince); a root committee's office reads its
// own lists on its worker and lists spanning the committees below on every
// worker. Audit entries of the consultative work name no organisation path (a
// committee's path is of the other tree) and carry the committee in their
// detail.
//
// Four roles (cppcc_office, cppcc_leader, cppcc_member, handler) are granted on
// a node of this tree (grants.committee_id), never on an organisation, and only
// by a security administrator of the whole system; their permissions
// (cppcc.read, cppcc.write, cppcc.lead, cppcc.self, cppcc.handle) are carried by
// no role of the organisation tree and the reverse. A handler's scope is its
// unit's path; the office's and a leader's the committee's subtree. The grant
// form lists the first MaxNodes committees and units; the API and dangjian
// user grant --committee N take any.
//
// The office's member list exports with the headers an office uses (姓名, 性别,
// 界别, 党派, 专门委员会, 活动组, 职务, 联系电话; phones masked) and imports from .xlsx
// or .csv through spreadsheet.FindHeaderOf: every row checked first, each wrong
// cell named, nothing written if any is wrong; a member of the term with the
// same name (and phone, when both have one) is updated, and a masked phone
// keeps the stored one, so the export imported back changes nothing.
package committee
