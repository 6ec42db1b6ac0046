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
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// AdvanceMonths is how far past this month dues may be paid in advance,
// when the branch agrees (its recording or confirming the payment is its
// agreement). The 2008 rule allows paying quarterly and catching up "一般
// 不得超过6个月" (第十二条) and names no advance; the six months of its
// catching up are taken for paying ahead too, as provincial rules write
// "预交补交的时间一般不得超过6个月". A month is paid only at an amount the
// member has confirmed, so an advance never runs into a year whose base is
// not yet set (组电明字〔2017〕5号: 年初核定).
const AdvanceMonths = 6

// Account is a member's dues account: the month paid to when the ledger was
// opened and the month paid to now (党费交到).
type Account struct {
	OpenedTo Month
	PaidTo   Month
}

// errNoAccount is account's answer for a member whose ledger is not opened.
var errNoAccount = errors.New("no dues account")

// account reads a member's account in province prov.
func account(ctx context.Context, q store.Querier, memberID, prov int64) (Account, error) {
	var a Account
	err := q.QueryRowContext(ctx, "SELECT opened_to, paid_to FROM dues_accounts WHERE member_id = $1"+store.InProvince("province_id", prov), memberID).
		Scan(&a.OpenedTo, &a.PaidTo)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errNoAccount
	}
	return a, err
}

// Payment is a payment a branch took, or a member reported.
type Payment struct {
	ID       int64  `json:"id"`
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
	// From and Through are the months paid for ("" : none, a voluntary
	// payment alone), Months how many.
	From        string    `json:"from"`
	Through     string    `json:"through"`
	Months      int       `json:"months"`
	DuesFen     int64     `json:"dues_fen"`
	ExtraFen    int64     `json:"extra_fen"`
	TotalFen    int64     `json:"total_fen"`
	Large       bool      `json:"large"` // a voluntary payment of 1,000 yuan or more, all for the Centre (第十一条)
	Method      string    `json:"method"`
	MethodLabel string    `json:"method_label"`
	ReceiptNo   string    `json:"receipt_no"`
	PaidOn      date.Date `json:"paid_on"`
	Status      string    `json:"status"`
	StatusLabel string    `json:"status_label"`
	Note        string    `json:"note"`
	Reason      string    `json:"reason"`
	CreatedBy   *int64    `json:"created_by"`
	DecidedBy   *int64    `json:"decided_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	from, thru  Month
	path        string
	province    int64
}

// PaymentInput records a payment: every month after the member's 党费交到
// through Through, at the amounts of their confirmed bases, and a
// voluntary extra.
type PaymentInput struct {
	Through   string    `json:"through"`
	ExtraFen  int64     `json:"extra_fen"`
	Method    string    `json:"method"`
	ReceiptNo string    `json:"receipt_no"`
	PaidOn    date.Date `json:"paid_on"`
	Note      string    `json:"note"`
}

const paymentCols = `p.id, p.org_id, o.name, o.path, p.member_id, p.name, p.from_month, p.through_month, p.dues_fen, p.extra_fen, p.method,
	p.receipt_no, p.paid_on, p.status, p.note, p.reason, p.created_by, p.decided_by, p.created_at, p.updated_at, p.province_id`

const paymentFrom = " FROM dues_payments p JOIN orgs o ON o.id = p.org_id WHERE o.path >= $1 AND o.path < $2"

func scanPayment(sc store.Scanner) (Payment, error) {
	var p Payment
	var from, thru int
	var by, decided sql.NullInt64
	err := sc.Scan(&p.ID, &p.OrgID, &p.OrgName, &p.path, &p.MemberID, &p.Name, &from, &thru, &p.DuesFen, &p.ExtraFen, &p.Method,
		&p.ReceiptNo, &p.PaidOn, &p.Status, &p.Note, &p.Reason, &by, &decided, &p.CreatedAt, &p.UpdatedAt, &p.province)
	p.from, p.thru = Month(from), Month(thru)
	p.From, p.Through = p.from.String(), p.thru.String()
	if p.thru != 0 {
		p.Months = p.thru.Since(p.from) + 1
	}
	p.TotalFen, p.Large = p.DuesFen+p.ExtraFen, p.ExtraFen >= LargeFen
	p.MethodLabel, p.StatusLabel = Methods.Label(p.Method), PaymentStates.Label(p.Status)
	if by.Valid {
		p.CreatedBy = &by.Int64
	}
	if decided.Valid {
		p.DecidedBy = &decided.Int64
	}
	return p, err
}

// paymentIn reads a payment taken by an organisation in scope, kept in
// province prov (0: the scope's, if it lies in one).
func paymentIn(ctx context.Context, q store.Querier, sc store.Scope, id, prov int64) (Payment, error) {
	lo, hi := sc.Range()
	p, err := scanPayment(q.QueryRowContext(ctx, "SELECT "+paymentCols+paymentFrom+sc.Exact("o.path")+routed(sc, "p", prov)+" AND p.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Payment{}, apperr.NotFound("党费交纳记录")
	}
	return p, err
}

// Record records a payment the branch took from a member in scope.
func (s *Service) Record(ctx context.Context, sc store.Scope, memberID int64, in PaymentInput) (Payment, error) {
	return s.pay(ctx, sc, memberID, "record", in)
}

// Claim records a payment a member reports they made (a transfer, cash
// handed over), for their branch to confirm.
func (s *Service) Claim(ctx context.Context, memberID int64, in PaymentInput) (Payment, error) {
	return s.pay(ctx, store.All, memberID, "claim", in)
}

// checkPayment checks a payment's input, every wrong field at once.
func (s *Service) checkPayment(in *PaymentInput) (Month, error) {
	var v apperr.Invalid
	thru, ok := ParseMonth(in.Through)
	if !ok {
		v.Add("through", "交纳到的年月“%s”格式不对,应如 2026-06", in.Through)
	}
	if in.ExtraFen < 0 || in.ExtraFen > work.MaxFen {
		v.Add("extra_fen", "自愿多交的金额应在0至%s元之间", work.Yuan(work.MaxFen))
	}
	if ok && thru == 0 && in.ExtraFen == 0 {
		v.Add("through", "请填写交纳到的月份,或自愿多交的金额")
	}
	if _, ok := Methods.Parse(in.Method); !ok {
		v.Add("method", "交纳方式应为:%s", Methods.Labels())
	} else {
		in.Method, _ = Methods.Parse(in.Method)
	}
	in.ReceiptNo, in.Note = strings.TrimSpace(in.ReceiptNo), strings.TrimSpace(in.Note)
	switch {
	case in.ReceiptNo == "":
		v.Add("receipt_no", "请填写党费收据号(转账的填交易流水号)")
	case utf8.RuneCountInString(in.ReceiptNo) > 40:
		v.Add("receipt_no", "收据号不超过40个字")
	}
	switch {
	case in.PaidOn.IsZero():
		v.Add("paid_on", "请填写交纳日期")
	case in.PaidOn.After(s.today()):
		v.Add("paid_on", "交纳日期%s晚于今天", in.PaidOn)
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		v.Add("note", "说明不超过500字")
	}
	return thru, v.Err()
}

// pay records a payment of the member in scope by action (record, claim).
func (s *Service) pay(ctx context.Context, sc store.Scope, memberID int64, action string, in PaymentInput) (Payment, error) {
	thru, err := s.checkPayment(&in)
	if err != nil {
		return Payment{}, err
	}
	var id, prov int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.personIn(ctx, tx, sc, memberID)
		if err != nil {
			return err
		}
		if !p.counted() {
			return apperr.Rule("%s不是在册的正式党员或预备党员,不交纳党费", p.Name)
		}
		prov = p.province()
		acct, err := account(ctx, tx, p.ID, prov)
		if errors.Is(err, errNoAccount) {
			return apperr.Rule("%s尚未核定党费基数,请先由党支部核定", p.Name)
		}
		if err != nil {
			return err
		}
		all, err := bases(ctx, tx, p.ID, prov)
		if err != nil {
			return err
		}
		from, fen, err := s.months(p, acct, confirmed(all), thru)
		if err != nil {
			return err
		}
		if action == "claim" {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM dues_payments WHERE member_id = $1 AND status = '"+PaymentClaimed+"'"+
				store.InProvince("province_id", prov), p.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Conflict("%s已有一笔待党支部确认的交纳,请等党支部确认后再报告", p.Name)
			}
		}
		state, err := next(ObjPayment, action, "", PaymentStates, "党费交纳记录")
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO dues_payments (province_id, org_id, member_id, name, from_month, through_month, dues_fen, extra_fen,
			method, receipt_no, paid_on, status, note, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			prov, p.OrgID, p.ID, p.Name, int(from), int(thru), fen, in.ExtraFen, in.Method, in.ReceiptNo, in.PaidOn, state, in.Note, actor(ctx), s.now()).Scan(&id)
		if err != nil {
			return paymentConflict(err, in.ReceiptNo, p.Name)
		}
		pay, err := paymentIn(ctx, tx, store.All, id, prov)
		if err != nil {
			return err
		}
		if err := s.settle(ctx, tx, p, pay, +1); err != nil {
			return err
		}
		return audit.Change(ctx, s.DB, tx, action, ObjPayment, id, p.Path, nil, pay)
	})
	if err != nil {
		return Payment{}, err
	}
	return paymentIn(ctx, s.DB, store.All, id, prov)
}

// paymentConflict is what a user reads of an insert the unique indexes refused.
func paymentConflict(err error, receipt, name string) error {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "receipt"):
		return apperr.InvalidField("receipt_no", "收据号“%s”在本党支部已经使用过", receipt)
	case strings.Contains(msg, "one_claim") || strings.Contains(msg, "dues_payments.province_id, dues_payments.member_id"):
		return apperr.Conflict("%s已有一笔待党支部确认的交纳,请等党支部确认后再报告", name)
	}
	return err
}

// months are the months a payment through thru covers (from the month after
// the member's 党费交到) and their dues, checked against the rule: each
// month must have a confirmed base, and no month lies more than
// AdvanceMonths past this one (第十二条).
func (s *Service) months(p person, acct Account, sch schedule, thru Month) (Month, int64, error) {
	if thru == 0 {
		return 0, 0, nil
	}
	from := acct.PaidTo.Add(1)
	if thru < from {
		return 0, 0, apperr.InvalidField("through", "%s的党费已交到%s,交纳到的月份应晚于此", p.Name, acct.PaidTo.Chinese())
	}
	if last := s.thisMonth().Add(AdvanceMonths); thru > last {
		return 0, 0, apperr.InvalidField("through", "经党支部同意可以预交党费,但不超过本月之后%d个月(至%s)", AdvanceMonths, last.Chinese())
	}
	var fen int64
	for m := from; m <= thru; m = m.Add(1) {
		b, ok := sch.base(m)
		if !ok {
			return 0, 0, apperr.InvalidField("through", "%s%s尚无经本人确认的党费基数,请先核定并确认", p.Name, m.Chinese())
		}
		fen += b.MonthlyFen
	}
	return from, fen, nil
}

// settle moves what payment pay counts, by sign (+1 when it is taken or
// reported, -1 when it is voided or decided): a confirmed payment moves the
// member's 党费交到 (a compare-and-set on the month it was read at) and the
// branch's ledger, and both sides' figures; a claim counts as waiting.
func (s *Service) settle(ctx context.Context, tx *sql.Tx, p person, pay Payment, sign int64) error {
	if pay.Status == PaymentConfirmed {
		err := s.refigure(ctx, tx, p, func() error {
			if pay.thru == 0 {
				return nil
			}
			was, now := pay.from.Add(-1), pay.thru
			if sign < 0 {
				was, now = now, was
			}
			err := store.Swap(ctx, tx, "党员的党费账", "UPDATE dues_accounts SET paid_to = $1, updated_at = $2 WHERE member_id = $3 AND paid_to = $4"+
				store.InProvince("province_id", p.province()), int(now), s.now(), p.ID, int(was))
			if ae, ok := apperr.As(err); ok && ae.Code == "conflict" && sign < 0 {
				return apperr.Rule("%s的党费已交到%s,请先冲销其后的交纳记录", p.Name, pay.thru.Chinese()+"以后")
			}
			return err
		})
		if err != nil {
			return err
		}
		if err := s.moveBalance(ctx, tx, pay.OrgID, pay.path, sign*pay.TotalFen); err != nil {
			return err
		}
	}
	return stats.ApplyPath(ctx, s.DB, tx, pay.path, paymentKeys(pay).Scaled(sign))
}

// ActOnPayment takes the branch's step on a payment its organisation (in
// scope) took: confirm or reject a member's report, void a recorded one.
func (s *Service) ActOnPayment(ctx context.Context, sc store.Scope, id int64, action string, in ActInput) (Payment, error) {
	if err := allowed(ObjPayment, action, "confirm", "reject", "void"); err != nil {
		return Payment{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if action != "confirm" && in.Reason == "" {
		return Payment{}, apperr.InvalidField("reason", "请写明%s的理由", Steps.Label(ObjPayment, action))
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		return Payment{}, apperr.InvalidField("reason", "理由不超过500字")
	}
	var prov int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		pay, err := paymentIn(ctx, tx, sc, id, 0)
		if err != nil {
			return err
		}
		prov = pay.province
		to, err := next(ObjPayment, action, pay.Status, PaymentStates, "党费交纳记录")
		if err != nil {
			return err
		}
		p, err := s.personAt(ctx, tx, pay.MemberID, pay.province)
		if err != nil {
			return err
		}
		if action == "confirm" && !p.counted() {
			return apperr.Rule("%s已不是在册的党员,不能确认这笔交纳", p.Name)
		}
		if action == "confirm" && pay.thru != 0 {
			// The months reported are checked again: the member's account may have moved since.
			acct, err := account(ctx, tx, p.ID, p.province())
			if err != nil {
				return err
			}
			if acct.PaidTo != pay.from.Add(-1) {
				return apperr.Conflict("%s的党费已交到%s,与报告时不同;请不予确认这笔报告,由本人重新报告", p.Name, acct.PaidTo.Chinese())
			}
		}
		// What the payment counted before the step goes, what it counts after comes.
		if err := s.settle(ctx, tx, p, pay, -1); err != nil {
			return err
		}
		if err := store.Swap(ctx, tx, "党费交纳记录", "UPDATE dues_payments SET status = $1, reason = $2, decided_by = $3, updated_at = $4 WHERE id = $5 AND status = $6"+
			store.InProvince("province_id", pay.province), to, in.Reason, actor(ctx), s.now(), id, pay.Status); err != nil {
			return err
		}
		after, err := paymentIn(ctx, tx, store.All, id, prov)
		if err != nil {
			return err
		}
		if err := s.settle(ctx, tx, p, after, +1); err != nil {
			return err
		}
		return audit.Change(ctx, s.DB, tx, action, ObjPayment, id, pay.path, pay, after)
	})
	if err != nil {
		return Payment{}, err
	}
	return paymentIn(ctx, s.DB, store.All, id, prov)
}

// PaymentFilter narrows a list of payments.
type PaymentFilter struct {
	OrgID    int64  // taken by this organisation or one below it (0: the scope)
	MemberID int64  // of this member
	Status   string // in this state ("": any)
	Year     int    // paid in this year (0: any)
}

// Payments lists the payments taken within scope, the latest first.
func (s *Service) Payments(ctx context.Context, sc store.Scope, f PaymentFilter, pg store.Page) (store.List[Payment], error) {
	pg = pg.Normalized()
	out := store.List[Payment]{Items: []Payment{}, Page: pg.Number, Size: pg.Size}
	lo, hi := sc.Range()
	w := store.NewWhere(lo, hi)
	w.Exact(sc, "o.path")
	w.Province(sc, "p.province_id")
	if f.OrgID != 0 {
		_, path, err := orgIn(ctx, s.DB, sc, f.OrgID)
		if err != nil {
			return out, err
		}
		plo, phi := store.PathRange(path)
		w.And("o.path >= ? AND o.path < ?", plo, phi)
	}
	if f.MemberID != 0 {
		w.And("p.member_id = ?", f.MemberID)
	}
	if f.Status != "" {
		if PaymentStates.Index(f.Status) < 0 {
			return out, apperr.InvalidField("status", "状态应为%s", choices(PaymentStates))
		}
		w.And("p.status = ?", f.Status)
	}
	if f.Year != 0 {
		w.And("p.paid_on >= ? AND p.paid_on < ?", date.New(f.Year, 1, 1), date.New(f.Year+1, 1, 1))
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+paymentFrom+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, err
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, scanPayment, "SELECT "+paymentCols+paymentFrom+w.String()+" ORDER BY p.paid_on DESC, p.id DESC"+limit, args...)
	if items != nil {
		out.Items = items
	}
	return out, err
}
