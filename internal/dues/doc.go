// Package dues owns the Party dues (党费) of the organisation tree: each
// member's monthly base for a year and the amount the rule gives for it,
// the member's account (党费交到, arrears), the payments a branch takes or a
// member reports, the branch's remittance (上缴) upward with each level's
// balance, and the year's report of any subtree.
//
// The rule is 《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号),
// whose articles are named where they apply (rule.go), read with the
// Central Organisation Department's notice 《关于进一步规范党费工作的通知》
// (组电明字〔2017〕5号): 第一条 and 第二条 (members in work: the after-tax
// fixed wage, four bands), 第三条 (annual salaries), 第四条 (the
// self-employed: the last quarter's monthly average), 第五条 (retired
// members: two bands of the pension), 第六条 (farmers 0.2 to 1 yuan;
// students, the unemployed, those living on relief or on the minimum
// living allowance 0.2 yuan), 第七条 (less or none, approved by the
// committee above), 第八条 (a probationary member pays from the day the
// branch meeting admits them), 第十条 (a new wage from the month it is
// paid), 第十一条 (voluntary extra payments; 1,000 yuan or more at once goes
// to the Centre), 第十二条 (monthly; quarterly or through a relative when
// the branch agrees; catching up generally within six months), 第十三条
// (six months unpaid without good reason: 自行脱党, the branch's decision),
// 第十四条 (no paying for a member, no deducting), 第十五条 (each province's
// 5 % to the Centre). The notice adds: 年初核定, 年内一般不变动, and at most
// 1,000 yuan a month as the amount set.
//
// Money is integer fen everywhere. A base is set by the branch and counts
// once the member has confirmed it (or the branch records the member's
// signed confirmation); a payment recorded by the branch counts at once, one
// the member reports counts once the branch confirms it; a wrong payment is
// voided (冲销), the member's latest first. A remittance is entered by one
// user and approved by another, and moves the money from the remitting
// organisation's ledger to the receiving one's, never below zero (as a
// fund's disbursement in internal/work). Every state change is a step of
// Steps, a compare-and-set on the state it was read in, audited in its
// transaction with its figures.
//
// Figures (org_stats, by the month as work's): at the organisation where
// money moves — dues received, extras, payments, remittances out and in,
// the balance, claims and remittances waiting — and, following the member
// while they are an active Party member (member.Ledger moves them with a
// transfer or a change of standing), their months due and unpaid, their
// 党费交到, the years they have a base for and their bases waiting for
// confirmation. Recount counts them all from the rows for dangjian check;
// Check compares every ledger's balance and every account's 党费交到 with
// the rows.
//
// Tables (migration 00029, provincial on a cluster): dues_bases (a member's
// base for a year from a month, the month's amount the rule gives, its state)
// and dues_accounts (the month paid to when the ledger opened, and 党费交到)
// follow the member; dues_payments (months from..through, the dues, an extra,
// the method, a receipt number unique in the branch among live payments, the
// member's name kept with it) and dues_remittances stay with the organisation
// that took or sent the money, dues_ledgers (CHECK (balance_fen >= 0)) with
// its organisation. Months are integers yyyymm. Steps is published at
// GET /api/v1/dues/rule. A payment moves 党费交到 by a compare-and-set on the
// month it was read at, so two payments at once cannot both start from it.
//
// The figure keys: by the month where money moves (dues_paid_fen@,
// dues_extra_fen@, dues_large_fen@, dues_payments@, dues_remit_out_fen@,
// dues_remit_in_fen@) and now (dues_balance_fen, dues_claims,
// dues_remits_pending); at the member's organisation dues_due_fen@,
// dues_unpaid_fen@ and dues_paid_to:yyyymm, from which the months behind are
// read as ages are from birth years. The roster's transfer, undo and change of
// standing move them with the person's own figures (member.Ledger, which app
// wires: dues imports member, never the reverse). The transfer letter carries
// 党费交到 (Ledger.PaidTo) and refuses a typed month that differs from it.
//
// A member's rows are read through the member's organisation in scope, a
// payment through the branch that took it, a remittance through the remitting
// one; a member's ledger, a branch's list, a report and a payment or remittance
// recorded each run on one worker (TestHotPathsStayInOneProvince). A member's
// ledger lists the payments of their province; a branch of another province
// they left keeps listing its own. The rule's choices where it says nothing
// (rounding to the fen, the advance limit) are in docs/dues.md.
//
// A base is personal (a wage or a pension) but is not sealed: the monthly
// amount the branch must see to collect it, and which the figures add up,
// tells the base to within 0.2 yuan, so sealing the base alone would hide
// nothing. Both are read only within the member's own organisation's scope
// (member.read) or by the member themselves, never in the figures, which
// are subtree totals.
package dues
