package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/clock"
	"dangjian/internal/date"
	"dangjian/internal/flow"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Transfer is an organisation-relation letter (组织关系介绍信). A side outside
// the system has no organisation id and is named by text.
type Transfer struct {
	// province is where the letter is kept: its member's province.
	province   int64
	ID         int64     `json:"id"`
	LetterNo   string    `json:"letter_no"`
	MemberID   *int64    `json:"member_id"`
	Name       string    `json:"name"`
	FromOrgID  *int64    `json:"from_org_id"`
	FromName   string    `json:"from_name"`
	ToOrgID    *int64    `json:"to_org_id"`
	ToName     string    `json:"to_name"`
	Reason     string    `json:"reason"`
	IssuedOn   date.Date `json:"issued_on"`
	ReceivedOn date.Date `json:"received_on"`
	Status     string    `json:"status"`
	// ValidDays is the letter's 有效期 in days (0: not kept, a letter from before it was);
	// DuesPaidTo the month the member's dues are paid to (党费交到, "2026-05"), "" when not written.
	ValidDays  int    `json:"valid_days"`
	DuesPaidTo string `json:"dues_paid_to"`
	// ExpiresOn is the last day of the 有效期 (zero for a letter without one);
	// PocketRisk marks a pending letter past it, or one without a 有效期
	// pending longer than the configured period: the person may be a 口袋党员
	// (relation carried in a pocket, in no organisation). OverdueDays is the
	// days since then (0 for a letter not at risk).
	ExpiresOn   date.Date `json:"expires_on"`
	PocketRisk  bool      `json:"pocket_risk"`
	OverdueDays int       `json:"overdue_days"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"` // the last step: a receipt may be taken back within UndoWindow of it
}

// Undoable tells whether a received letter may still be taken back at now.
func (t Transfer) Undoable(now time.Time) bool {
	return t.Status == TransferReceived && t.ToOrgID != nil && t.FromOrgID != nil && now.Sub(t.UpdatedAt) <= UndoWindow
}

// Letter statuses.
const (
	TransferPending   = "pending"
	TransferReceived  = "received"
	TransferCancelled = "cancelled"
)

// letterSteps is the life of a letter: issued pending, then received or
// withdrawn, once.
var letterSteps = flow.Machine{
	"receive": {From: []string{TransferPending}, To: TransferReceived},
	"cancel":  {From: []string{TransferPending}, To: TransferCancelled},
	// A receipt taken back soon after (UndoWindow): the letter waits again.
	"unreceive": {From: []string{TransferReceived}, To: TransferPending},
}

// UndoWindow is how long after a receipt it may be taken back (撤销接收).
const UndoWindow = 24 * time.Hour

// stepLetter moves letter t by action, compare-and-set on the state it was
// read in; set adds assignments numbered from $3.
func (s *Service) stepLetter(ctx context.Context, tx *sql.Tx, t Transfer, action, set string, args ...any) error {
	to, ok := letterSteps.Next(action, t.Status)
	if !ok {
		done := map[string]string{TransferReceived: "接收", TransferCancelled: "撤回", TransferPending: "处于待接收状态"}[t.Status]
		return apperr.Conflict("该介绍信已%s,不能%s", done, map[string]string{"receive": "再次接收", "cancel": "再撤回", "unreceive": "撤销接收"}[action])
	}
	if set != "" {
		set = ", " + set
	}
	n := len(args)
	query := fmt.Sprintf("UPDATE transfers SET status = $1, updated_at = $2%s WHERE id = $%d AND status = $%d", set, n+3, n+4) +
		store.InProvince("province_id", t.province)
	return store.Swap(ctx, tx, "介绍信", query, append(append([]any{to, s.now()}, args...), t.ID, t.Status)...)
}

// IssueInput issues a letter for a member in scope, to an organisation in
// the system (ToOrgID) or outside it (ToText).
type IssueInput struct {
	MemberID int64     `json:"member_id"`
	ToOrgID  int64     `json:"to_org_id"`
	ToText   string    `json:"to_text"`
	LetterNo string    `json:"letter_no"`
	IssuedOn date.Date `json:"issued_on"`
	Reason   string    `json:"reason"`
	// ValidDays is the 有效期 in days, 1 to MaxValidDays (0: DefaultValidDays);
	// DuesPaidTo the month the dues are paid to, "2026-05" (optional; the
	// dues ledger's when one is kept for the member, Service.Ledger).
	ValidDays  int    `json:"valid_days"`
	DuesPaidTo string `json:"dues_paid_to"`
}

// A letter's 有效期: a month unless the issuing organisation writes
// otherwise, never longer than the three months after which a pending
// letter counts as a 口袋党员 risk.
const (
	DefaultValidDays = 30
	MaxValidDays     = 90
)

// duesMonth checks a 党费交到 month typed as 2026-05 (or 2026-5) and gives it as 2026-05.
func duesMonth(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	t, err := time.Parse("2006-1", s)
	if err != nil || t.Year() < 1921 {
		return "", false
	}
	return t.Format("2006-01"), true
}

// IncomingInput records a letter from outside the system received by an
// organisation in scope, adding the person to its roster.
type IncomingInput struct {
	ToOrgID    int64     `json:"to_org_id"`
	FromText   string    `json:"from_text"`
	LetterNo   string    `json:"letter_no"`
	IssuedOn   date.Date `json:"issued_on"`
	ReceivedOn date.Date `json:"received_on"`
	Reason     string    `json:"reason"`
	Member     Input     `json:"member"`
}

const transferCols = `t.id, t.letter_no, t.member_id, t.name, t.from_org_id, COALESCE(f.name, t.from_text),
	t.to_org_id, COALESCE(d.name, t.to_text), t.reason, t.issued_on, t.received_on, t.status, t.created_at, t.updated_at, t.province_id,
	t.valid_days, t.dues_paid_to`

const transferFrom = ` FROM transfers t LEFT JOIN orgs f ON f.id = t.from_org_id LEFT JOIN orgs d ON d.id = t.to_org_id
	WHERE ((f.path >= $1 AND f.path < $2) OR (d.path >= $1 AND d.path < $2))`

// pocketCutoff is the issue date before which a pending letter without a
// 有效期 (one issued before it was kept) counts as a risk.
func (s *Service) pocketCutoff() date.Date {
	months := s.PocketMonths
	if months <= 0 {
		months = 3
	}
	return s.today().AddDate(0, -months, 0)
}

// expiresOn is the last day of a letter's 有效期 of days from its issue: the
// day of issue is not counted (《中华人民共和国民法典》第二百零一条), so a
// letter of 30 days issued on 1 June is valid to 1 July inclusive.
func expiresOn(issued date.Date, days int) date.Date {
	if days <= 0 {
		return date.Date{}
	}
	return issued.AddDate(0, 0, days)
}

// riskSQL is the condition of a pending letter at 口袋党员 risk on today
// (the argument of its first placeholder), past the cutoff of a letter
// without a 有效期 (of its second): the same rule as scanTransfer's.
func (s *Service) riskSQL() string {
	expired := "julianday(t.issued_on) + t.valid_days < julianday(?)"
	if s.DB.Dialect == store.Postgres {
		expired = "t.issued_on + t.valid_days < ?"
	}
	return "t.status = 'pending' AND ((t.valid_days > 0 AND " + expired + ") OR (t.valid_days = 0 AND t.issued_on < ?))"
}

func (s *Service) scanTransfer(sc store.Scanner) (Transfer, error) {
	var t Transfer
	var mid, from, to sql.NullInt64
	err := sc.Scan(&t.ID, &t.LetterNo, &mid, &t.Name, &from, &t.FromName, &to, &t.ToName, &t.Reason,
		&t.IssuedOn, &t.ReceivedOn, &t.Status, &t.CreatedAt, &t.UpdatedAt, &t.province, &t.ValidDays, &t.DuesPaidTo)
	for _, p := range []struct {
		n   sql.NullInt64
		dst **int64
	}{{mid, &t.MemberID}, {from, &t.FromOrgID}, {to, &t.ToOrgID}} {
		if p.n.Valid {
			v := p.n.Int64
			*p.dst = &v
		}
	}
	t.ExpiresOn = expiresOn(t.IssuedOn, t.ValidDays)
	if t.Status == TransferPending {
		today, cutoff := s.today(), s.pocketCutoff()
		switch {
		case t.ValidDays > 0 && t.ExpiresOn.Before(today):
			t.PocketRisk, t.OverdueDays = true, clock.Between(t.ExpiresOn, today)
		case t.ValidDays == 0 && t.IssuedOn.Before(cutoff):
			t.PocketRisk, t.OverdueDays = true, clock.Between(t.IssuedOn, cutoff)
		}
	}
	return t, err
}

func (s *Service) getTransfer(ctx context.Context, q store.Querier, sc store.Scope, id int64) (Transfer, error) {
	lo, hi := sc.Range()
	query := "SELECT " + transferCols + transferFrom + sc.Exact("f.path", "d.path") + " AND t.id = $3"
	// A letter is kept with its member, in the province that issued it:
	// looked for there first, then (a letter coming from another province)
	// everywhere.
	t, err := s.scanTransfer(q.QueryRowContext(ctx, query+sc.ProvinceParam("t.province_id"), lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) && sc.ProvinceParam("t.province_id") != "" {
		t, err = s.scanTransfer(q.QueryRowContext(ctx, query, lo, hi, id))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Transfer{}, apperr.NotFound("组织关系介绍信")
	}
	if err != nil {
		return t, fmt.Errorf("read transfer letter: %w", err)
	}
	return t, nil
}

// GetTransfer returns a letter whose issuing or receiving side is in scope.
func (s *Service) GetTransfer(ctx context.Context, sc store.Scope, id int64) (Transfer, error) {
	return s.getTransfer(ctx, s.DB, sc, id)
}

func (s *Service) orgPath(ctx context.Context, q store.Querier, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	var p string
	err := q.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = $1", *id).Scan(&p)
	if err != nil {
		return p, fmt.Errorf("read organisation path: %w", err)
	}
	return p, nil
}

// insertLetter stores a letter and gives it a number from its date and id
// when the user supplied none.
func (s *Service) insertLetter(ctx context.Context, tx *sql.Tx, prov int64, letterNo string, member any, name string,
	from any, fromText string, to any, toText, reason string, issued, received date.Date, status string, validDays int, dues string) (int64, error) {
	no := strings.TrimSpace(letterNo)
	if no == "" {
		no = store.TempKey()
	}
	now := s.now()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO transfers (letter_no, member_id, name, from_org_id, from_text, to_org_id, to_text, reason,
		issued_on, received_on, status, created_at, updated_at, province_id, valid_days, dues_paid_to)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15) RETURNING id`,
		no, member, name, from, fromText, to, toText, strings.TrimSpace(reason), issued, received, status, now, prov, validDays, dues).Scan(&id)
	if err != nil {
		msg := strings.ToLower(err.Error())
		if strings.Contains(msg, "letter_no") {
			return 0, apperr.InvalidField("letter_no", "介绍信编号“%s”已经使用过", no)
		}
		if strings.Contains(msg, "transfers_one_pending") || strings.Contains(msg, "transfers.member_id") {
			return 0, apperr.Conflict("%s已有一封未办结的组织关系介绍信,请先办结或撤回", name)
		}
		if err != nil {
			return 0, fmt.Errorf("insert transfer letter: %w", err)
		}
		return 0, nil
	}
	if strings.TrimSpace(letterNo) == "" {
		no = fmt.Sprintf("%s-%06d", issued.Time().Format("20060102"), id)
		_, err = tx.ExecContext(ctx, "UPDATE transfers SET letter_no = $1 WHERE id = $2 AND province_id = $3", no, id, prov)
	}
	if err != nil {
		return id, fmt.Errorf("insert transfer letter: %w", err)
	}
	return id, nil
}

// CheckLetter checks what a letter says besides its person — the day, the
// receiving side, the 有效期, the dues — as Issue does, and puts the 有效期
// and the dues month in their stored form: the roster's batch checks them
// once for all the people ticked.
func (s *Service) CheckLetter(in *IssueInput) error {
	var v apperr.Invalid
	if in.IssuedOn.IsZero() {
		v.Add("issued_on", "请填写开具介绍信的日期")
	} else if in.IssuedOn.After(s.today()) {
		v.Add("issued_on", "开具日期%s晚于今天", in.IssuedOn)
	}
	if in.ToOrgID == 0 && strings.TrimSpace(in.ToText) == "" {
		v.Add("to_org_id", "请选择接收的党组织,或填写系统外接收党组织的名称")
	}
	if in.ValidDays == 0 {
		in.ValidDays = DefaultValidDays
	} else if in.ValidDays < 1 || in.ValidDays > MaxValidDays {
		v.Add("valid_days", "有效期应为1至%d天,一般为%d天", MaxValidDays, DefaultValidDays)
	}
	dues, ok := duesMonth(in.DuesPaidTo)
	if !ok {
		v.Add("dues_paid_to", "党费交到的年月“%s”格式不对,应如 2026-05", in.DuesPaidTo)
	}
	in.DuesPaidTo = dues
	return v.Err()
}

// duesOnLetter puts the dues ledger's 党费交到 on a letter for m, when a
// ledger is kept for them: a month typed that differs from it is refused.
func (s *Service) duesOnLetter(ctx context.Context, tx *sql.Tx, m Member, in *IssueInput) error {
	if s.Ledger == nil {
		return nil
	}
	paid, ok, err := s.Ledger.PaidTo(ctx, tx, m.ID, store.ProvinceOf(m.OrgPath))
	if err != nil || !ok {
		return err
	}
	if in.DuesPaidTo != "" && in.DuesPaidTo != paid {
		return apperr.InvalidField("dues_paid_to", "党费账上%s的党费交到%s,与填写的%s不一致;请先在党费账中登记交纳,或不填此项(按党费账填写)",
			m.Name, paid, in.DuesPaidTo)
	}
	in.DuesPaidTo = paid
	return nil
}

// Issue writes a letter for a member in scope. The member stays in the old
// organisation until the letter is received.
func (s *Service) Issue(ctx context.Context, sc store.Scope, in IssueInput) (Transfer, error) {
	if err := s.CheckLetter(&in); err != nil {
		return Transfer{}, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.get(ctx, tx, sc, in.MemberID)
		if err != nil {
			return err
		}
		if m.Status != StatusActive || !stats.IsMember(m.Stage) {
			return apperr.Rule("只有在册的正式党员和预备党员才能转接组织关系")
		}
		var pending int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM transfers WHERE member_id = $1 AND status = 'pending'"+store.ProvinceIs("province_id", m.OrgPath), m.ID).Scan(&pending); err != nil {
			return fmt.Errorf("issue letter: %w", err)
		}
		if pending > 0 {
			return apperr.Conflict("%s已有一封未办结的组织关系介绍信,请先办结或撤回", m.Name)
		}
		if err := s.duesOnLetter(ctx, tx, m, &in); err != nil {
			return err
		}
		var to any
		toPath := ""
		if in.ToOrgID != 0 {
			// The receiving organisation may lie outside the caller's scope:
			// a letter goes anywhere in the system.
			dest, err := s.Orgs.Get(ctx, store.All, in.ToOrgID)
			if apperr.IsNotFound(err) {
				return apperr.InvalidField("to_org_id", "接收的党组织不存在")
			}
			if err != nil {
				return err
			}
			if dest.ID == m.OrgID {
				return apperr.InvalidField("to_org_id", "接收的党组织与现在所在党组织相同")
			}
			to, toPath = dest.ID, dest.Path
		}
		id, err = s.insertLetter(ctx, tx, store.ProvinceOf(m.OrgPath), in.LetterNo, m.ID, m.Name, m.OrgID, "", to, strings.TrimSpace(in.ToText), in.Reason,
			in.IssuedOn, date.Date{}, TransferPending, in.ValidDays, in.DuesPaidTo)
		if err != nil {
			return err
		}
		if err := s.letterFigures(ctx, tx, m.OrgPath, toPath, +1); err != nil {
			return err
		}
		return s.auditLetter(ctx, tx, "issue", id, nil, m.OrgPath, toPath)
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, sc, id)
}

// auditLetter records a change of letter id once, under the first side of
// paths in the system (the entry names both sides).
func (s *Service) auditLetter(ctx context.Context, tx *sql.Tx, action string, id int64, before any, paths ...string) error {
	after, err := s.getTransfer(ctx, tx, store.All, id)
	if err != nil {
		return err
	}
	for _, p := range paths {
		if p != "" {
			return audit.Change(ctx, s.DB, tx, action, "transfer", id, p, before, after)
		}
	}
	return nil
}

// letterFigures adds sign to the pending-letter figures of both sides.
func (s *Service) letterFigures(ctx context.Context, tx *sql.Tx, fromPath, toPath string, sign int64) error {
	if fromPath != "" {
		if err := stats.ApplyPath(ctx, s.DB, tx, fromPath, stats.Delta{stats.KTransferOut: sign}); err != nil {
			return err
		}
	}
	if toPath != "" {
		return stats.ApplyPath(ctx, s.DB, tx, toPath, stats.Delta{stats.KTransferIn: sign})
	}
	return nil
}

// Cancel withdraws a pending letter; only the issuing side may.
func (s *Service) Cancel(ctx context.Context, sc store.Scope, id int64) (Transfer, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.getTransfer(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		fromPath, err := s.orgPath(ctx, tx, t.FromOrgID)
		if err != nil {
			return err
		}
		if !sc.Contains(fromPath) {
			return apperr.Rule("只有开具介绍信的党组织才能撤回")
		}
		toPath, err := s.orgPath(ctx, tx, t.ToOrgID)
		if err != nil {
			return err
		}
		if err := s.stepLetter(ctx, tx, t, "cancel", ""); err != nil {
			return err
		}
		if err := s.letterFigures(ctx, tx, fromPath, toPath, -1); err != nil {
			return err
		}
		return s.auditLetter(ctx, tx, "cancel", id, t, fromPath, toPath)
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, sc, id)
}

// TransferFilter narrows the letter list.
type TransferFilter struct {
	OrgID     int64
	Status    string // pending, received, cancelled or ""
	Direction string // "out" (issued by the subtree), "in" (to the subtree) or ""
	Risk      bool   // only pending letters at 口袋党员 risk (Transfer.PocketRisk)
	Member    int64
}

// ListTransfers lists the letters whose issuing or receiving side is in the subtree.
func (s *Service) ListTransfers(ctx context.Context, sc store.Scope, f TransferFilter, p store.Page) (store.List[Transfer], error) {
	out, p := store.NewList[Transfer](p)
	sc, err := s.Orgs.Narrow(ctx, sc, f.OrgID)
	if err != nil {
		return out, err
	}
	w := store.NewWhere(sc.Range())
	w.Exact(sc, "f.path", "d.path")
	switch f.Direction {
	case "out":
		w.And("f.path >= $1 AND f.path < $2")
	case "in":
		w.And("d.path >= $1 AND d.path < $2")
	}
	if f.Status != "" {
		w.And("t.status = ?", f.Status)
	}
	if f.Risk {
		w.And(s.riskSQL(), s.today(), s.pocketCutoff())
	}
	if f.Member != 0 {
		w.And("t.member_id = ?", f.Member)
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+transferFrom+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list transfers: %w", err)
	}
	limit, args := w.Limit(p)
	items, err := store.Query(ctx, s.DB, s.scanTransfer, "SELECT "+transferCols+transferFrom+w.String()+" ORDER BY t.issued_on DESC, t.id DESC"+limit, args...)
	out.Items = items
	if err != nil {
		return out, fmt.Errorf("list transfers: %w", err)
	}
	return out, nil
}
