package dues

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// The figure keys of the dues. Those of a member follow them (counted at
// their organisation while they are an active Party member); the others
// count at the organisation where the money moved. A key ending in "@"
// is kept by the month ("dues_due_fen@2026-05").
const (
	KMembers   = "dues_members"     // members with a dues account
	KPaidTo    = "dues_paid_to:"    // members by their 党费交到 (yyyymm)
	KYear      = "dues_year:"       // members with a confirmed base in the year (yyyy)
	KOpenBases = "dues_bases_open"  // bases waiting for the member's confirmation, or disputed
	KDue       = "dues_due_fen@"    // a month's dues, by the month due
	KUnpaid    = "dues_unpaid_fen@" // a month's dues not paid, by the month due

	KReceived   = "dues_paid_fen@"      // dues received, by the month paid
	KExtra      = "dues_extra_fen@"     // voluntary extra payments (第十一条)
	KLarge      = "dues_large_fen@"     // of which paid at once at 1,000 yuan or more, for the Centre
	KPayments   = "dues_payments@"      // payments
	KClaims     = "dues_claims"         // members' reports waiting for the branch
	KRemitOut   = "dues_remit_out_fen@" // remitted upward, by the month remitted
	KRemitIn    = "dues_remit_in_fen@"  // received from below
	KRemitsOpen = "dues_remits_pending" // remittances waiting for approval
	KBalance    = "dues_balance_fen"    // money on hand
)

// memberKeys are the figures a member with account acct and bases all
// (not withdrawn) adds at their organisation: the months of the ledger
// (after acct.OpenedTo) with a confirmed base, due and, after 党费交到, unpaid.
func memberKeys(acct Account, all []Base) stats.Delta {
	d := stats.Delta{KMembers: 1, KPaidTo + strconv.Itoa(int(acct.PaidTo)): 1}
	sch := confirmed(all)
	for _, b := range all {
		if b.Status == BasePending || b.Status == BaseDisputed {
			d[KOpenBases]++
		}
	}
	for i, b := range sch {
		d[KYear+strconv.Itoa(b.Year)] = 1
		end := MonthIn(b.Year, 12)
		if i+1 < len(sch) && sch[i+1].Year == b.Year {
			end = sch[i+1].first().Add(-1)
		}
		for m := b.first(); m <= end; m = m.Add(1) {
			if m <= acct.OpenedTo || b.MonthlyFen == 0 {
				continue
			}
			d[KDue+m.String()] += b.MonthlyFen
			if m > acct.PaidTo {
				d[KUnpaid+m.String()] += b.MonthlyFen
			}
		}
	}
	return d
}

// paymentKeys are the figures a payment adds at the organisation that took it.
func paymentKeys(p Payment) stats.Delta {
	switch p.Status {
	case PaymentClaimed:
		return stats.Delta{KClaims: 1}
	case PaymentConfirmed:
		m := MonthOf(p.PaidOn).String()
		d := stats.Delta{KReceived + m: p.DuesFen, KExtra + m: p.ExtraFen, KPayments + m: 1, KBalance: p.TotalFen}
		if p.Large {
			d[KLarge+m] = p.ExtraFen
		}
		return d
	}
	return nil
}

// remitKeys are the figures a remittance adds at the remitting and the
// receiving organisation.
func remitKeys(r Remittance) (from, to stats.Delta) {
	switch r.Status {
	case RemitPending:
		return stats.Delta{KRemitsOpen: 1}, nil
	case RemitApproved:
		m := MonthOf(r.RemittedOn).String()
		return stats.Delta{KRemitOut + m: r.AmountFen, KBalance: -r.AmountFen}, stats.Delta{KRemitIn + m: r.AmountFen, KBalance: r.AmountFen}
	}
	return nil, nil
}

// Figures are the figures the member memberID (whose rows are kept in
// province) adds at their organisation while an active Party member, none
// without a dues account (member.Ledger: the roster moves them with the
// member).
func (s *Service) Figures(ctx context.Context, q store.Querier, memberID, province int64) (stats.Delta, error) {
	acct, err := account(ctx, q, memberID, province)
	if errors.Is(err, errNoAccount) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	all, err := bases(ctx, q, memberID, province)
	if err != nil {
		return nil, err
	}
	return memberKeys(acct, all), nil
}

// PaidTo is the month the member's dues are paid to ("2026-05"), and
// whether they have a dues account (member.Ledger: the transfer letter's
// 党费交到).
func (s *Service) PaidTo(ctx context.Context, q store.Querier, memberID, province int64) (string, bool, error) {
	acct, err := account(ctx, q, memberID, province)
	if errors.Is(err, errNoAccount) {
		return "", false, nil
	}
	return acct.PaidTo.String(), err == nil, err
}

var _ member.Ledger = (*Service)(nil)

// refigure runs change, a change of person p's dues rows in tx, and moves
// the figures p adds at their organisation from before it to after it (if
// p counts: an active Party member).
func (s *Service) refigure(ctx context.Context, tx *sql.Tx, p person, change func() error) error {
	before, err := s.Figures(ctx, tx, p.ID, p.province())
	if err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	if !p.counted() {
		return nil
	}
	after, err := s.Figures(ctx, tx, p.ID, p.province())
	if err != nil {
		return err
	}
	d := stats.Delta{}
	for k, v := range after {
		d[k] += v
	}
	for k, v := range before {
		d[k] -= v
	}
	return stats.ApplyPath(ctx, s.DB, tx, p.Path, d)
}

// Recount counts every dues figure from the rows at its own organisation
// (stats.Check adds them up the tree and compares them with the maintained
// ones): each payment and remittance where it moved money, each active
// Party member's ledger at their organisation.
func Recount(ctx context.Context, q store.Querier, add func(org int64, key string, n int64)) error {
	addAll := func(org int64, d stats.Delta) {
		for k, n := range d {
			add(org, k, n)
		}
	}
	pays, err := store.Query(ctx, q, scanPayment, "SELECT "+paymentCols+" FROM dues_payments p JOIN orgs o ON o.id = p.org_id")
	if err != nil {
		return err
	}
	for _, p := range pays {
		addAll(p.OrgID, paymentKeys(p))
	}
	remits, err := store.Query(ctx, q, scanRemit, "SELECT "+remitCols+remitFrom)
	if err != nil {
		return err
	}
	for _, r := range remits {
		from, to := remitKeys(r)
		addAll(r.OrgID, from)
		addAll(r.ToOrgID, to)
	}
	type holder struct {
		org  int64
		acct Account
	}
	accts := map[int64]holder{}
	err = each(ctx, q, `SELECT a.member_id, m.org_id, a.opened_to, a.paid_to FROM dues_accounts a
		JOIN members m ON m.id = a.member_id AND m.province_id = a.province_id
		WHERE m.status = '`+member.StatusActive+`' AND m.stage IN ('probationary', 'full')`, func(sc store.Scanner) error {
		var id int64
		var h holder
		if err := sc.Scan(&id, &h.org, &h.acct.OpenedTo, &h.acct.PaidTo); err != nil {
			return err
		}
		accts[id] = h
		return nil
	})
	if err != nil {
		return err
	}
	all, err := store.Query(ctx, q, scanBase, "SELECT "+baseCols+" FROM dues_bases b WHERE b.status <> '"+BaseVoid+"' ORDER BY b.member_id, b.year, b.from_month")
	if err != nil {
		return err
	}
	byMember := map[int64][]Base{}
	for _, b := range all {
		byMember[b.MemberID] = append(byMember[b.MemberID], b)
	}
	for id, h := range accts {
		addAll(h.org, memberKeys(h.acct, byMember[id]))
	}
	return nil
}

// each runs query and calls fn for each row.
func each(ctx context.Context, q store.Querier, query string, fn func(store.Scanner) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Mismatch is a kept amount that differs from the rows: an organisation's
// ledger (Object "ledger", ID the organisation, in fen) or a member's 党费交到
// (Object "account", ID the member, yyyymm).
type Mismatch struct {
	Object  string `json:"object"`
	ID      int64  `json:"id"`
	Stored  int64  `json:"stored"`
	Counted int64  `json:"counted"`
}

// Check compares, in one transaction, every organisation's ledger with
// the payments and remittances, and every member's 党费交到 with their
// payments (the figures are stats.Check's, with Recount).
func Check(ctx context.Context, db *store.DB) ([]Mismatch, error) {
	var out []Mismatch
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		counted := map[int64]int64{}
		err := each(ctx, tx, "SELECT org_id, dues_fen + extra_fen FROM dues_payments WHERE status = '"+PaymentConfirmed+"'", func(sc store.Scanner) error {
			var org, fen int64
			err := sc.Scan(&org, &fen)
			counted[org] += fen
			return err
		})
		if err != nil {
			return err
		}
		err = each(ctx, tx, "SELECT org_id, to_org_id, amount_fen FROM dues_remittances WHERE status = '"+RemitApproved+"'", func(sc store.Scanner) error {
			var from, to, fen int64
			err := sc.Scan(&from, &to, &fen)
			counted[from] -= fen
			counted[to] += fen
			return err
		})
		if err != nil {
			return err
		}
		stored := map[int64]int64{}
		err = each(ctx, tx, "SELECT org_id, balance_fen FROM dues_ledgers", func(sc store.Scanner) error {
			var org, fen int64
			err := sc.Scan(&org, &fen)
			stored[org] = fen
			return err
		})
		if err != nil {
			return err
		}
		out = append(out, differ("ledger", stored, counted)...)
		paid, opened := map[int64]int64{}, map[int64]int64{}
		err = each(ctx, tx, "SELECT member_id, opened_to, paid_to FROM dues_accounts", func(sc store.Scanner) error {
			var id, o, p int64
			err := sc.Scan(&id, &o, &p)
			opened[id], paid[id] = o, p
			return err
		})
		if err != nil {
			return err
		}
		counted = maps.Clone(opened)
		err = each(ctx, tx, "SELECT member_id, MAX(through_month) FROM dues_payments WHERE status = '"+PaymentConfirmed+"' AND through_month <> 0 GROUP BY member_id",
			func(sc store.Scanner) error {
				var id, thru int64
				err := sc.Scan(&id, &thru)
				counted[id] = max(counted[id], thru)
				return err
			})
		if err != nil {
			return err
		}
		out = append(out, differ("account", paid, counted)...)
		return nil
	})
	return out, err
}

// differ lists the ids whose stored and counted amounts differ, in order.
func differ(object string, stored, counted map[int64]int64) []Mismatch {
	var out []Mismatch
	for _, m := range []map[int64]int64{stored, counted} {
		for id := range m {
			if stored[id] != counted[id] && !slices.ContainsFunc(out, func(x Mismatch) bool { return x.ID == id }) {
				out = append(out, Mismatch{Object: object, ID: id, Stored: stored[id], Counted: counted[id]})
			}
		}
	}
	slices.SortFunc(out, func(a, b Mismatch) int { return int(a.ID - b.ID) })
	return out
}

// Line is a year's dues of a subtree (or of an organisation's own part).
type Line struct {
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	// Members have a dues account; WithoutBase of them have no confirmed
	// base for the year.
	Members     int64 `json:"members"`
	WithoutBase int64 `json:"without_base"`
	// DueFen is the year's dues to this month (the whole year for a year
	// past), PaidForFen of it paid, UnpaidFen not yet.
	DueFen     int64 `json:"due_fen"`
	PaidForFen int64 `json:"paid_for_fen"`
	UnpaidFen  int64 `json:"unpaid_fen"`
	// ArrearsFen is every month's dues unpaid up to this month, of any year.
	ArrearsFen int64 `json:"arrears_fen"`
	// Behind are the members 1–2, 3–5, and 6 or more months past their
	// 党费交到 (at six without good reason: 自行脱党, 第十三条, the
	// branch's decision).
	Behind1 int64 `json:"behind_1_2"`
	Behind3 int64 `json:"behind_3_5"`
	Behind6 int64 `json:"behind_6"`
	// The money of the year: dues received, voluntary extras (of them those
	// of 1,000 yuan or more at once, for the Centre), payments; remitted
	// out of the subtree upward, received from below; on hand now.
	ReceivedFen  int64 `json:"received_fen"`
	ExtraFen     int64 `json:"extra_fen"`
	LargeFen     int64 `json:"large_fen"`
	Payments     int64 `json:"payments"`
	RemittedFen  int64 `json:"remitted_fen"`
	FromBelowFen int64 `json:"from_below_fen"`
	BalanceFen   int64 `json:"balance_fen"`
	// Waiting now: bases for the member's confirmation (or disputed),
	// members' reports for the branch, remittances for approval.
	OpenBases     int64 `json:"open_bases"`
	Claims        int64 `json:"claims"`
	RemitsPending int64 `json:"remits_pending"`
}

// Report is a year's dues of a subtree: its total, a line for each
// organisation below it (its subtree) and its own (the total less those).
type Report struct {
	OrgID    int64  `json:"org_id"`
	Year     int    `json:"year"`
	AsOf     string `json:"as_of"` // the month the arrears and the months behind are counted to
	Total    Line   `json:"total"`
	Children []Line `json:"children"`
	Own      Line   `json:"own"`
}

// NewLine reads a year's line from the figures m of a subtree, as of month now.
func NewLine(m map[string]int64, year int, now Month) Line {
	cutoff := 12
	switch {
	case year == now.Year():
		cutoff = now.Num()
	case year > now.Year():
		cutoff = 0
	}
	sum := func(key string, months int) int64 {
		var n int64
		for i := 1; i <= months; i++ {
			n += m[key+MonthIn(year, i).String()]
		}
		return n
	}
	l := Line{Members: m[KMembers], DueFen: sum(KDue, cutoff), UnpaidFen: sum(KUnpaid, cutoff),
		ReceivedFen: sum(KReceived, 12), ExtraFen: sum(KExtra, 12), LargeFen: sum(KLarge, 12), Payments: sum(KPayments, 12),
		FromBelowFen: sum(KRemitIn, 12), BalanceFen: m[KBalance], OpenBases: m[KOpenBases], Claims: m[KClaims], RemitsPending: m[KRemitsOpen]}
	l.WithoutBase = l.Members - m[KYear+strconv.Itoa(year)]
	l.PaidForFen = l.DueFen - l.UnpaidFen
	l.RemittedFen = sum(KRemitOut, 12) - l.FromBelowFen
	for k, n := range m {
		switch {
		case strings.HasPrefix(k, KUnpaid):
			if mo, ok := ParseMonth(k[len(KUnpaid):]); ok && mo <= now {
				l.ArrearsFen += n
			}
		case strings.HasPrefix(k, KPaidTo):
			pt, _ := strconv.Atoi(k[len(KPaidTo):])
			switch behind := now.Since(Month(pt)); {
			case behind >= 6:
				l.Behind6 += n
			case behind >= 3:
				l.Behind3 += n
			case behind >= 1:
				l.Behind1 += n
			}
		}
	}
	return l
}

// Report is the year's dues of the subtree of the organisation orgID in scope.
func (s *Service) Report(ctx context.Context, sc store.Scope, orgID int64, year int) (Report, error) {
	now := s.thisMonth()
	if year == 0 {
		year = now.Year()
	}
	if year < 2008 || year > date.MaxYear {
		return Report{}, apperr.InvalidField("year", "年度应在2008年至%d年之间", date.MaxYear)
	}
	name, path, err := orgIn(ctx, s.DB, sc, orgID)
	if err != nil {
		return Report{}, err
	}
	total, err := stats.Read(ctx, s.DB, path)
	if err != nil {
		return Report{}, err
	}
	type child struct {
		id         int64
		name, path string
	}
	kids, err := store.Query(ctx, s.DB, func(sc store.Scanner) (child, error) {
		var c child
		return c, sc.Scan(&c.id, &c.name, &c.path)
	}, "SELECT id, name, path FROM orgs WHERE parent_id = $1 AND dissolved_at IS NULL ORDER BY path", orgID)
	if err != nil {
		return Report{}, err
	}
	paths := make([]string, len(kids))
	for i, k := range kids {
		paths[i] = k.path
	}
	figs, err := stats.ReadEach(ctx, s.DB, paths)
	if err != nil {
		return Report{}, err
	}
	own := map[string]int64{}
	for k, n := range total {
		own[k] = n
	}
	r := Report{OrgID: orgID, Year: year, AsOf: now.String(), Children: []Line{}}
	for _, k := range kids {
		l := NewLine(figs[k.id], year, now)
		l.OrgID, l.Name = k.id, k.name
		r.Children = append(r.Children, l)
		for key, n := range figs[k.id] {
			own[key] -= n
		}
	}
	r.Total, r.Own = NewLine(total, year, now), NewLine(own, year, now)
	r.Total.OrgID, r.Total.Name = orgID, name
	r.Own.OrgID, r.Own.Name = orgID, name+"本级"
	return r, nil
}
