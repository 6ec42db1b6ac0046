package dues

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// Base is a member's monthly base for a year from a month, and the month's
// dues the rule gives for it.
type Base struct {
	ID          int64     `json:"id"`
	MemberID    int64     `json:"member_id"`
	OrgID       int64     `json:"org_id"`
	Year        int       `json:"year"`
	FromMonth   int       `json:"from_month"`
	Kind        string    `json:"kind"`
	KindLabel   string    `json:"kind_label"`
	BaseFen     int64     `json:"base_fen"`
	MonthlyFen  int64     `json:"monthly_fen"`
	Rule        string    `json:"rule"`
	Approval    string    `json:"approval"`
	Status      string    `json:"status"`
	StatusLabel string    `json:"status_label"`
	Reason      string    `json:"reason"`
	ConfirmedOn date.Date `json:"confirmed_on"`
	ByMember    bool      `json:"confirmed_by_member"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	province    int64
}

// first is the first month the base governs.
func (b Base) first() Month { return MonthIn(b.Year, b.FromMonth) }

// BaseInput sets a member's base for a year, from a month.
type BaseInput struct {
	Year int `json:"year"`
	// FromMonth is the first month (1–12; 0: January): a wage changed in
	// the year (第十条), a member admitted (第八条) or received in it.
	FromMonth int    `json:"from_month"`
	Kind      string `json:"kind"`
	// BaseFen is the base of a kind with bands; AmountFen the month's
	// dues a farmer's branch sets (0.2–1 yuan) or a reduced amount (第七条).
	BaseFen   int64 `json:"base_fen"`
	AmountFen int64 `json:"amount_fen"`
	// Approval names the committee above and its approval of a reduced
	// or waived amount (第七条).
	Approval string `json:"approval"`
	// OpenedTo is the month the member had paid to when their ledger is
	// opened with this base (their 党费证, a transfer letter's 党费交到);
	// "" is the month before the base's first.
	OpenedTo string `json:"opened_to"`
}

// ActInput is the reason of a step that asks for one (a dispute, a
// withdrawal, a rejection, a voided payment).
type ActInput struct {
	Reason string `json:"reason"`
}

const baseCols = `b.id, b.member_id, b.org_id, b.year, b.from_month, b.kind, b.base_fen, b.monthly_fen, b.approval, b.status,
	b.reason, b.confirmed_on, b.by_member, b.created_at, b.updated_at, b.province_id`

func scanBase(sc store.Scanner) (Base, error) {
	var b Base
	err := sc.Scan(&b.ID, &b.MemberID, &b.OrgID, &b.Year, &b.FromMonth, &b.Kind, &b.BaseFen, &b.MonthlyFen, &b.Approval, &b.Status,
		&b.Reason, &b.ConfirmedOn, &b.ByMember, &b.CreatedAt, &b.UpdatedAt, &b.province)
	b.KindLabel, b.StatusLabel = KindLabels.Label(b.Kind), BaseStates.Label(b.Status)
	if _, rule, err := Monthly(b.Kind, b.BaseFen, b.MonthlyFen); err == nil {
		b.Rule = rule
	}
	return b, err
}

// bases are a member's bases that are not withdrawn, in order.
func bases(ctx context.Context, q store.Querier, memberID, prov int64) ([]Base, error) {
	return store.Query(ctx, q, scanBase, "SELECT "+baseCols+" FROM dues_bases b WHERE b.member_id = $1 AND b.status <> '"+BaseVoid+"'"+
		store.InProvince("b.province_id", prov)+" ORDER BY b.year, b.from_month", memberID)
}

// checkBase checks a base's input, every wrong field at once, and gives its month's dues.
func (s *Service) checkBase(in *BaseInput) (int64, error) {
	var v apperr.Invalid
	if in.FromMonth == 0 {
		in.FromMonth = 1
	}
	this := s.today().Year()
	// The rule took effect on 1 April 2008; a base is set at the start of its year, or the year before for the next.
	if in.Year < 2008 || in.Year > this+1 {
		v.Add("year", "年度应在2008年(本规定施行)至%d年之间", this+1)
	}
	if in.FromMonth < 1 || in.FromMonth > 12 {
		v.Add("from_month", "起始月份应为1至12")
	}
	in.Approval = strings.TrimSpace(in.Approval)
	if in.Kind == KindHardship && in.Approval == "" {
		v.Add("approval", "少交或免交党费须经党支部研究,报上一级党委批准(第七条):请写明批准的党委和文号")
	}
	if utf8.RuneCountInString(in.Approval) > 200 {
		v.Add("approval", "批准情况不超过200字")
	}
	if _, ok := ParseMonth(in.OpenedTo); !ok {
		v.Add("opened_to", "开账时党费交到的年月“%s”格式不对,应如 2026-05", in.OpenedTo)
	}
	fen, _, err := Monthly(in.Kind, in.BaseFen, in.AmountFen)
	if ae, ok := apperr.As(err); ok {
		for _, f := range ae.Fields {
			v.Add(f.Field, "%s", f.Message)
		}
	}
	return fen, v.Err()
}

// SetBase sets the base of a member in scope for a year from a month; it
// counts once the member confirms it. The first base opens the member's
// account.
func (s *Service) SetBase(ctx context.Context, sc store.Scope, memberID int64, in BaseInput) (Base, error) {
	fen, err := s.checkBase(&in)
	if err != nil {
		return Base{}, err
	}
	var id, prov int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		return s.setBase(ctx, tx, sc, memberID, in, fen, &id, &prov)
	})
	if err != nil {
		return Base{}, err
	}
	return baseIn(ctx, s.DB, store.All, id, prov)
}

// setBase is SetBase in tx of an input checked, whose month's dues are fen;
// it gives the base's id and its province.
func (s *Service) setBase(ctx context.Context, tx *sql.Tx, sc store.Scope, memberID int64, in BaseInput, fen int64, id, prov *int64) error {
	p, err := s.personIn(ctx, tx, sc, memberID)
	if err != nil {
		return err
	}
	if !p.counted() {
		return apperr.Rule("%s不是在册的正式党员或预备党员,不交纳党费", p.Name)
	}
	*prov = p.province()
	first := MonthIn(in.Year, in.FromMonth)
	if joined := MonthOf(p.JoinedOn); !p.JoinedOn.IsZero() && first < joined {
		return apperr.InvalidField("from_month", "预备党员从支部大会通过其为预备党员之日起交纳党费(第八条):%s于%s入党,基数应自%s起",
			p.Name, p.JoinedOn, joined.Chinese())
	}
	opened, _ := ParseMonth(in.OpenedTo)
	acct, err := account(ctx, tx, p.ID, *prov)
	opening := false
	switch {
	case errors.Is(err, errNoAccount):
		if opened == 0 {
			opened = first.Add(-1)
		}
		if opened >= s.thisMonth().Add(AdvanceMonths) {
			return apperr.InvalidField("opened_to", "开账时党费交到%s,晚于可预交的月份", opened.Chinese())
		}
		acct, opening = Account{OpenedTo: opened, PaidTo: opened}, true
	case err != nil:
		return err
	case opened != 0 && opened != acct.OpenedTo:
		return apperr.InvalidField("opened_to", "%s的党费账已开立(开账时党费交到%s),不能更改", p.Name, acct.OpenedTo.Chinese())
	}
	if first <= acct.PaidTo && first > acct.OpenedTo {
		return apperr.InvalidField("from_month", "%s的党费已交到%s,已交的月份按原基数计算;新的基数应自%s起,或先冲销已交纳的月份",
			p.Name, acct.PaidTo.Chinese(), acct.PaidTo.Add(1).Chinese())
	}
	state, err := next(ObjBase, "set", "", BaseStates, "党费基数")
	if err != nil {
		return err
	}
	return s.refigure(ctx, tx, p, func() error {
		if opening {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dues_accounts (province_id, member_id, opened_to, paid_to, created_at, updated_at)
				VALUES ($1, $2, $3, $3, $4, $4)`, *prov, p.ID, int(acct.OpenedTo), s.now()); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO dues_bases (province_id, member_id, org_id, year, from_month, kind, base_fen, monthly_fen,
			approval, status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			*prov, p.ID, p.OrgID, in.Year, in.FromMonth, in.Kind, in.BaseFen, fen, in.Approval, state, actor(ctx), s.now()).Scan(id)
		if err != nil {
			if msg := strings.ToLower(err.Error()); strings.Contains(msg, "unique") && strings.Contains(msg, "dues_bases") {
				return apperr.Conflict("%s已有%s起的党费基数,请先撤回后再核定", p.Name, first.Chinese())
			}
			return err
		}
		b, err := baseIn(ctx, tx, store.All, *id, *prov)
		if err != nil {
			return err
		}
		return audit.Change(ctx, s.DB, tx, "set", ObjBase, *id, p.Path, nil, b)
	})
}

// baseIn reads a base whose member is on the roster of an organisation in
// scope (prov 0: in any province).
func baseIn(ctx context.Context, q store.Querier, sc store.Scope, id, prov int64) (Base, error) {
	lo, hi := sc.Range()
	b, err := scanBase(q.QueryRowContext(ctx, "SELECT "+baseCols+` FROM dues_bases b JOIN members m ON m.id = b.member_id AND m.province_id = b.province_id
		JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2`+sc.Exact("o.path")+routed(sc, "b", prov)+" AND b.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Base{}, apperr.NotFound("党费基数")
	}
	return b, err
}

// ActOnBase takes a branch's step on a base of a member in scope: confirm
// (recording the member's signed confirmation) or withdraw.
func (s *Service) ActOnBase(ctx context.Context, sc store.Scope, id int64, action string, in ActInput) (Base, error) {
	if err := allowed(ObjBase, action, "confirm", "withdraw"); err != nil {
		return Base{}, err
	}
	return s.stepBase(ctx, sc, 0, id, action, in)
}

// ActOnOwnBase takes the member's own step on one of their bases: confirm
// or dispute (with the reason).
func (s *Service) ActOnOwnBase(ctx context.Context, memberID, id int64, action string, in ActInput) (Base, error) {
	if err := allowed(ObjBase, action, "confirm", "dispute"); err != nil {
		return Base{}, err
	}
	return s.stepBase(ctx, store.All, memberID, id, action, in)
}

// stepBase takes action on base id within sc, as the member own (0: the branch).
func (s *Service) stepBase(ctx context.Context, sc store.Scope, own, id int64, action string, in ActInput) (Base, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if (action == "dispute" || action == "withdraw") && in.Reason == "" {
		return Base{}, apperr.InvalidField("reason", "请写明%s的理由", Steps.Label(ObjBase, action))
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		return Base{}, apperr.InvalidField("reason", "理由不超过500字")
	}
	var b Base
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.stepBaseIn(ctx, tx, sc, own, id, action, in, &b) })
	if err != nil {
		return Base{}, err
	}
	return baseIn(ctx, s.DB, store.All, id, b.province)
}

// stepBaseIn is stepBase in tx, of a reason checked; b is the base as read before the step.
func (s *Service) stepBaseIn(ctx context.Context, tx *sql.Tx, sc store.Scope, own, id int64, action string, in ActInput, b *Base) error {
	var err error
	if *b, err = baseIn(ctx, tx, sc, id, 0); err != nil {
		return err
	}
	if own != 0 && b.MemberID != own {
		return apperr.NotFound("党费基数")
	}
	to, err := next(ObjBase, action, b.Status, BaseStates, "党费基数")
	if err != nil {
		return err
	}
	p, err := s.personAt(ctx, tx, b.MemberID, b.province)
	if err != nil {
		return err
	}
	acct, err := account(ctx, tx, b.MemberID, b.province)
	if err != nil {
		return err
	}
	all, err := bases(ctx, tx, b.MemberID, b.province)
	if err != nil {
		return err
	}
	switch {
	case action == "confirm" && b.first() <= acct.PaidTo && b.first() > acct.OpenedTo:
		return apperr.Conflict("%s的党费已交到%s,晚于该基数的起始月份,请撤回后重新核定", p.Name, acct.PaidTo.Chinese())
	case action == "withdraw" && b.Status == BaseConfirmed && paidUnder(*b, all, acct):
		return apperr.Rule("已按该基数交纳了%s的党费,请先冲销这些交纳记录再撤回", acct.PaidTo.Chinese()+"及以前")
	}
	set, args := "", []any{}
	switch action {
	case "confirm":
		set, args = ", confirmed_on = $5, by_member = $6", []any{s.today(), own != 0}
	case "dispute", "withdraw":
		set, args = ", reason = $5", []any{in.Reason}
	}
	return s.refigure(ctx, tx, p, func() error {
		if err := store.Swap(ctx, tx, "党费基数", "UPDATE dues_bases SET status = $1, updated_at = $2"+set+" WHERE id = $3 AND status = $4"+
			store.InProvince("province_id", b.province), append([]any{to, s.now(), id, b.Status}, args...)...); err != nil {
			return err
		}
		after, err := baseIn(ctx, tx, store.All, id, b.province)
		if err != nil {
			return err
		}
		return audit.Change(ctx, s.DB, tx, action, ObjBase, id, p.Path, *b, after)
	})
}

// paidUnder tells whether a month base b governs (among the member's
// bases all) has been paid within the ledger.
func paidUnder(b Base, all []Base, acct Account) bool {
	sch := confirmed(all)
	for m := b.first(); m.Year() == b.Year; m = m.Add(1) {
		if got, ok := sch.base(m); ok && got.ID == b.ID && m > acct.OpenedTo && m <= acct.PaidTo {
			return true
		}
	}
	return false
}

// schedule is a member's confirmed bases in order (year, first month),
// which give each month's dues.
type schedule []Base

// base is the base that governs month m: that of m's year with the latest
// first month not after m.
func (sch schedule) base(m Month) (Base, bool) {
	var got Base
	ok := false
	for _, b := range sch {
		if b.Year == m.Year() && b.FromMonth <= m.Num() {
			got, ok = b, true
		}
	}
	return got, ok
}

// confirmed are the confirmed bases of all, in order.
func confirmed(all []Base) schedule {
	var sch schedule
	for _, b := range all {
		if b.Status == BaseConfirmed {
			sch = append(sch, b)
		}
	}
	return sch
}

// actor is the user id of the change's actor (nil: none, a command typed on the server).
func actor(ctx context.Context) any {
	if id := audit.ActorOf(ctx).UserID; id != 0 {
		return id
	}
	return nil
}
