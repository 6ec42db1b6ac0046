package dues

import (
	"context"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/member"
	"dangjian/internal/store"
)

// Ledger is a member's dues as their branch and they read them.
type Ledger struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	// Open tells that a dues account is kept: opened when the member had
	// paid to OpenedTo, paid to PaidTo now (党费交到).
	Open     bool   `json:"open"`
	OpenedTo string `json:"opened_to"`
	PaidTo   string `json:"paid_to"`
	// MonthlyFen is this month's dues (0 without a confirmed base).
	MonthlyFen int64 `json:"monthly_fen"`
	// ArrearsMonths and ArrearsFen are the months due after 党费交到 up to
	// this month and their dues; Behind is the months since 党费交到 (at six
	// without good reason: 自行脱党, 第十三条).
	ArrearsMonths int   `json:"arrears_months"`
	ArrearsFen    int64 `json:"arrears_fen"`
	Behind        int   `json:"behind"`
	// AdvanceTo is the last month that may be paid now (AdvanceMonths).
	AdvanceTo string `json:"advance_to"`
	// Months are the months of this year and any unpaid before it, each
	// with its dues; Bases and Payments the member's, the latest payments first.
	Months   []MonthDue `json:"months,omitempty"`
	Bases    []Base     `json:"bases,omitempty"`
	Payments []Payment  `json:"payments,omitempty"`
}

// MonthDue is a month of a member's ledger.
type MonthDue struct {
	Month  string `json:"month"`
	DueFen int64  `json:"due_fen"`
	// Based tells the month has a confirmed base; Paid that it is paid.
	Based bool `json:"based"`
	Paid  bool `json:"paid"`
}

// ledgerOf is the ledger of person p with account acct (open false: none)
// and bases all, as of month now.
func ledgerOf(p person, acct Account, open bool, all []Base, now Month) Ledger {
	l := Ledger{MemberID: p.ID, Name: p.Name, OrgID: p.OrgID, OrgName: p.OrgName, Open: open}
	if !open {
		return l
	}
	sch := confirmed(all)
	l.OpenedTo, l.PaidTo, l.AdvanceTo = acct.OpenedTo.String(), acct.PaidTo.String(), now.Add(AdvanceMonths).String()
	if b, ok := sch.base(now); ok {
		l.MonthlyFen = b.MonthlyFen
	}
	l.Behind = max(0, now.Since(acct.PaidTo))
	for m := acct.PaidTo.Add(1); m <= now; m = m.Add(1) {
		if b, ok := sch.base(m); ok {
			l.ArrearsMonths++
			l.ArrearsFen += b.MonthlyFen
		}
	}
	first := min(MonthIn(now.Year(), 1), acct.PaidTo.Add(1))
	for m := max(first, acct.OpenedTo.Add(1)); m <= max(MonthIn(now.Year(), 12), now.Add(AdvanceMonths)); m = m.Add(1) {
		b, ok := sch.base(m)
		l.Months = append(l.Months, MonthDue{Month: m.String(), DueFen: b.MonthlyFen, Based: ok, Paid: m <= acct.PaidTo})
	}
	return l
}

// Ledger reads the dues of a member in scope, with their bases and latest payments.
func (s *Service) Ledger(ctx context.Context, sc store.Scope, memberID int64) (Ledger, error) {
	p, err := s.personIn(ctx, s.DB, sc, memberID)
	if err != nil {
		return Ledger{}, err
	}
	acct, err := account(ctx, s.DB, p.ID, p.province())
	open := err == nil
	if err != nil && err != errNoAccount {
		return Ledger{}, err
	}
	all, err := bases(ctx, s.DB, p.ID, p.province())
	if err != nil {
		return Ledger{}, err
	}
	l := ledgerOf(p, acct, open, all, s.thisMonth())
	l.Bases = all
	// A payment is kept by the branch that took it, in its province: those
	// of the member's province are read here (one worker of a cluster), and
	// a branch of another province the member left keeps listing its own.
	pays, err := s.Payments(ctx, provinceScope(p.Path), PaymentFilter{MemberID: p.ID}, store.Page{Size: 50})
	l.Payments = pays.Items
	return l, err
}

// Views of the branch's list of members.
const (
	ViewBehind   = "behind"   // 党费交到 before this month
	ViewBehind6  = "behind6"  // six months or more since 党费交到 (第十三条)
	ViewUnopened = "unopened" // no dues account yet
)

// Members lists the active Party members of the subtree of organisation
// orgID in scope with their dues (view narrows them), by organisation and name.
func (s *Service) Members(ctx context.Context, sc store.Scope, orgID int64, view string, pg store.Page) (store.List[Ledger], error) {
	pg = pg.Normalized()
	out := store.List[Ledger]{Items: []Ledger{}, Page: pg.Number, Size: pg.Size}
	_, path, err := orgIn(ctx, s.DB, sc, orgID)
	if err != nil {
		return out, err
	}
	now := s.thisMonth()
	lo, hi := store.PathRange(path)
	w := store.NewWhere(lo, hi)
	w.And("m.status = ? AND m.stage IN ('probationary', 'full')", member.StatusActive)
	switch view {
	case "":
	case ViewBehind:
		w.And("a.paid_to < ?", int(now))
	case ViewBehind6:
		w.And("a.paid_to <= ?", int(now.Add(-6)))
	case ViewUnopened:
		w.And("a.member_id IS NULL")
	default:
		return out, apperr.InvalidField("view", "筛选应为 %s(党费交到早于本月)、%s(六个月以上未交)或 %s(尚未建立党费账)", ViewBehind, ViewBehind6, ViewUnopened)
	}
	from := ` FROM members m JOIN orgs o ON o.id = m.org_id LEFT JOIN dues_accounts a ON a.member_id = m.id AND a.province_id = m.province_id
		WHERE o.path >= $1 AND o.path < $2` + store.ScopeOf(path).ProvinceParam("m.province_id")
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+from+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, err
	}
	type row struct {
		p    person
		acct Account
		open bool
	}
	limit, args := w.Limit(pg)
	rows, err := store.Query(ctx, s.DB, func(sc store.Scanner) (row, error) {
		var r row
		var opened, paid *int64
		err := sc.Scan(&r.p.ID, &r.p.Name, &r.p.OrgID, &r.p.OrgName, &r.p.Path, &r.p.Stage, &r.p.Status, &r.p.JoinedOn, &opened, &paid)
		if opened != nil && paid != nil {
			r.open, r.acct = true, Account{OpenedTo: Month(*opened), PaidTo: Month(*paid)}
		}
		return r, err
	}, "SELECT m.id, m.name, m.org_id, o.name, o.path, m.stage, m.status, m.joined_on, a.opened_to, a.paid_to"+from+w.String()+
		" ORDER BY o.path, m.name_pinyin, m.id"+limit, args...)
	if err != nil || len(rows) == 0 {
		return out, err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = strconv.FormatInt(r.p.ID, 10)
	}
	all, err := store.Query(ctx, s.DB, scanBase, "SELECT "+baseCols+" FROM dues_bases b WHERE b.status <> '"+BaseVoid+"' AND b.member_id IN ("+strings.Join(ids, ", ")+")"+
		store.ScopeOf(path).ProvinceParam("b.province_id")+" ORDER BY b.member_id, b.year, b.from_month")
	if err != nil {
		return out, err
	}
	byMember := map[int64][]Base{}
	for _, b := range all {
		byMember[b.MemberID] = append(byMember[b.MemberID], b)
	}
	for _, r := range rows {
		l := ledgerOf(r.p, r.acct, r.open, byMember[r.p.ID], now)
		l.Months = nil // a list shows the account, the member's page its months
		out.Items = append(out.Items, l)
	}
	return out, nil
}

// provinceScope is the scope of the province of the organisation at path
// (the whole tree for the root).
func provinceScope(path string) store.Scope {
	ids := store.PathIDs(path)
	if len(ids) < 2 {
		return store.All
	}
	return store.ScopeOf(store.ChildPath(store.ChildPath("/", ids[0]), ids[1]))
}
