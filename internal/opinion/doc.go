// Package opinion keeps a committee's 社情民意信息: the items members send
// (or the office enters), the office's 核稿 keeping the original, the
// numbered issues of the 专刊 they are compiled into and forwarded upward,
// and each adoption or instruction at a level, with their steps (Steps)
// and figures ("o:…" in cppcc_stats, counted again by Recount).
//
// Arrows: opinion imports committee (the committees, the members, the
// audit) and cppcc (the figures, the public history) and never
// consultation or another domain; cppcc does not import it, and takes a
// proposal not filed into an item through the Intake that consultation.New
// wires to FromProposal (the members' performance records count the items
// from their rows).
//
// An item (opinions) is one matter of at most 1,500 characters, from a member
// (their own page) or entered by the office for a member or for someone else.
// The office's 核稿 sets the title (it must read 关于…的建议), the text and the
// 签发人, keeping the text as submitted (original); it may return the item or
// decline it. Edited items are compiled into the year's next numbered issue of
// the 专刊 (opinion_issues, 第N期, 单篇 or 综合; the number read in the issuing
// transaction, a unique index refusing a second writer), written as .docx by
// WriteIssue in package report's layout, forwarded upward (recorded), and each
// adoption or instruction at a level (县/市/省/全国) is a row of
// opinion_adoptions. Figures (o:…): items submitted and by state, issues by
// mode, adoptions and instructions by level.
package opinion
