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

// Remittance is dues an organisation remits (上缴) to one above it.
type Remittance struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	OrgName     string    `json:"org_name"`
	ToOrgID     int64     `json:"to_org_id"`
	ToName      string    `json:"to_name"`
	AmountFen   int64     `json:"amount_fen"`
	Period      string    `json:"period"`
	RemittedOn  date.Date `json:"remitted_on"`
	Status      string    `json:"status"`
	StatusLabel string    `json:"status_label"`
	Note        string    `json:"note"`
	Reason      string    `json:"reason"`
	CreatedBy   *int64    `json:"created_by"`
	DecidedBy   *int64    `json:"decided_by"`
	DecidedOn   date.Date `json:"decided_on"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	path        string
	toPath      string
	province    int64
}

// RemitInput enters a remittance.
type RemitInput struct {
	// ToOrgID is the organisation above that receives it (0: the parent).
	ToOrgID    int64     `json:"to_org_id"`
	AmountFen  int64     `json:"amount_fen"`
	Period     string    `json:"period"` // what it is for, as "2026年第二季度"
	RemittedOn date.Date `json:"remitted_on"`
	Note       string    `json:"note"`
}

const remitCols = `r.id, r.org_id, o.name, o.path, r.to_org_id, t.name, t.path, r.amount_fen, r.period, r.remitted_on, r.status, r.note, r.reason,
	r.created_by, r.decided_by, r.decided_on, r.created_at, r.updated_at, r.province_id`

const remitFrom = " FROM dues_remittances r JOIN orgs o ON o.id = r.org_id JOIN orgs t ON t.id = r.to_org_id"

func scanRemit(sc store.Scanner) (Remittance, error) {
	var r Remittance
	var by, decided sql.NullInt64
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.path, &r.ToOrgID, &r.ToName, &r.toPath, &r.AmountFen, &r.Period, &r.RemittedOn, &r.Status,
		&r.Note, &r.Reason, &by, &decided, &r.DecidedOn, &r.CreatedAt, &r.UpdatedAt, &r.province)
	r.StatusLabel = RemitStates.Label(r.Status)
	if by.Valid {
		r.CreatedBy = &by.Int64
	}
	if decided.Valid {
		r.DecidedBy = &decided.Int64
	}
	return r, err
}

// remitIn reads a remittance of an organisation in scope, kept in province
// prov (0: the scope's, if it lies in one).
func remitIn(ctx context.Context, q store.Querier, sc store.Scope, id, prov int64) (Remittance, error) {
	lo, hi := sc.Range()
	r, err := scanRemit(q.QueryRowContext(ctx, "SELECT "+remitCols+remitFrom+" WHERE o.path >= $1 AND o.path < $2"+sc.Exact("o.path")+
		routed(sc, "r", prov)+" AND r.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Remittance{}, apperr.NotFound("党费上缴记录")
	}
	return r, err
}

// balance is an organisation's own dues money on hand.
func balance(ctx context.Context, q store.Querier, orgID int64, path string) (int64, error) {
	var fen int64
	err := q.QueryRowContext(ctx, "SELECT balance_fen FROM dues_ledgers WHERE org_id = $1"+store.ProvinceIs("province_id", path), orgID).Scan(&fen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return fen, err
}

// moveBalance adds fen to the ledger of the organisation orgID at path; a
// withdrawal (fen < 0) is refused when the balance would fall below zero.
func (s *Service) moveBalance(ctx context.Context, tx *sql.Tx, orgID int64, path string, fen int64) error {
	prov := store.ProvinceOf(path)
	if fen >= 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO dues_ledgers (province_id, org_id, balance_fen, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (province_id, org_id) DO UPDATE SET balance_fen = dues_ledgers.balance_fen + excluded.balance_fen, updated_at = excluded.updated_at`,
			prov, orgID, fen, s.now())
		return err
	}
	res, err := tx.ExecContext(ctx, "UPDATE dues_ledgers SET balance_fen = balance_fen - $1, updated_at = $2 WHERE org_id = $3 AND balance_fen >= $1"+
		store.InProvince("province_id", prov), -fen, s.now(), orgID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		have, berr := balance(ctx, tx, orgID, path)
		return errors.Join(err, berr, apperr.Rule("本级党费结存%s元,不足%s元(已上缴上级的不能再支出或冲销)", work.Yuan(have), work.Yuan(-fen)))
	}
	return nil
}

// Remit enters a remittance of the organisation orgID in scope to one above it.
func (s *Service) Remit(ctx context.Context, sc store.Scope, orgID int64, in RemitInput) (Remittance, error) {
	var v apperr.Invalid
	if in.AmountFen <= 0 || in.AmountFen > work.MaxFen {
		v.Add("amount_fen", "上缴金额应大于0元,不超过%s元", work.Yuan(work.MaxFen))
	}
	switch {
	case in.RemittedOn.IsZero():
		v.Add("remitted_on", "请填写上缴日期")
	case in.RemittedOn.After(s.today()):
		v.Add("remitted_on", "上缴日期%s晚于今天", in.RemittedOn)
	}
	in.Period, in.Note = strings.TrimSpace(in.Period), strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Period) > 40 {
		v.Add("period", "所属期间不超过40个字")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		v.Add("note", "说明不超过500字")
	}
	if err := v.Err(); err != nil {
		return Remittance{}, err
	}
	var id, prov int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		name, path, err := orgIn(ctx, tx, sc, orgID)
		if err != nil {
			return err
		}
		prov = store.ProvinceOf(path)
		ids := store.PathIDs(path)
		if len(ids) < 2 {
			return apperr.Rule("%s是最高一级党组织,没有上级可以上缴", name)
		}
		to := in.ToOrgID
		if to == 0 {
			to = ids[len(ids)-2]
		}
		above := false
		for _, a := range ids[:len(ids)-1] {
			above = above || a == to
		}
		if !above {
			return apperr.InvalidField("to_org_id", "上缴的党组织应为%s的上级党组织", name)
		}
		have, err := balance(ctx, tx, orgID, path)
		if err != nil {
			return err
		}
		if in.AmountFen > have {
			return apperr.InvalidField("amount_fen", "上缴金额%s元超过%s的党费结存%s元", work.Yuan(in.AmountFen), name, work.Yuan(have))
		}
		state, err := next(ObjRemittance, "submit", "", RemitStates, "党费上缴记录")
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO dues_remittances (province_id, org_id, to_org_id, amount_fen, period, remitted_on, status, note,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			prov, orgID, to, in.AmountFen, in.Period, in.RemittedOn, state, in.Note, actor(ctx), s.now()).Scan(&id); err != nil {
			return err
		}
		r, err := remitIn(ctx, tx, store.All, id, prov)
		if err != nil {
			return err
		}
		if err := s.remitFigures(ctx, tx, r, +1); err != nil {
			return err
		}
		return audit.Change(ctx, s.DB, tx, "submit", ObjRemittance, id, path, nil, r)
	})
	if err != nil {
		return Remittance{}, err
	}
	return remitIn(ctx, s.DB, store.All, id, prov)
}

// Decide approves or rejects a remittance of an organisation in scope; the
// checker must be another user than the one who entered it. An approval
// moves the money from the remitting ledger to the receiving one.
func (s *Service) Decide(ctx context.Context, sc store.Scope, id int64, action string, in ActInput) (Remittance, error) {
	if err := allowed(ObjRemittance, action, "approve", "reject"); err != nil {
		return Remittance{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if action == "reject" && in.Reason == "" {
		return Remittance{}, apperr.InvalidField("reason", "请写明驳回的理由")
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		return Remittance{}, apperr.InvalidField("reason", "理由不超过500字")
	}
	var prov int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := remitIn(ctx, tx, sc, id, 0)
		if err != nil {
			return err
		}
		prov = r.province
		to, err := next(ObjRemittance, action, r.Status, RemitStates, "党费上缴记录")
		if err != nil {
			return err
		}
		checker := audit.ActorOf(ctx).UserID
		if checker == 0 || (r.CreatedBy != nil && *r.CreatedBy == checker) {
			return apperr.Rule("党费上缴须由录入人以外的用户审批")
		}
		if err := s.remitFigures(ctx, tx, r, -1); err != nil {
			return err
		}
		if err := store.Swap(ctx, tx, "党费上缴记录", "UPDATE dues_remittances SET status = $1, reason = $2, decided_by = $3, decided_on = $4, updated_at = $5 WHERE id = $6 AND status = $7"+
			store.InProvince("province_id", r.province), to, in.Reason, checker, s.today(), s.now(), id, r.Status); err != nil {
			return err
		}
		after, err := remitIn(ctx, tx, store.All, id, prov)
		if err != nil {
			return err
		}
		if err := s.remitFigures(ctx, tx, after, +1); err != nil {
			return err
		}
		return audit.Change(ctx, s.DB, tx, action, ObjRemittance, id, r.path, r, after)
	})
	if err != nil {
		return Remittance{}, err
	}
	return remitIn(ctx, s.DB, store.All, id, prov)
}

// remitFigures moves what remittance r counts, by sign: a waiting one at
// the remitting side; an approved one moves the money between the two
// ledgers (the remitting one's never below zero) and counts at both.
func (s *Service) remitFigures(ctx context.Context, tx *sql.Tx, r Remittance, sign int64) error {
	from, to := remitKeys(r)
	if r.Status == RemitApproved {
		if err := s.moveBalance(ctx, tx, r.OrgID, r.path, -sign*r.AmountFen); err != nil {
			return err
		}
		if err := s.moveBalance(ctx, tx, r.ToOrgID, r.toPath, sign*r.AmountFen); err != nil {
			return err
		}
	}
	if err := stats.ApplyPath(ctx, s.DB, tx, r.path, from.Scaled(sign)); err != nil {
		return err
	}
	return stats.ApplyPath(ctx, s.DB, tx, r.toPath, to.Scaled(sign))
}

// Remittances lists the remittances of the organisation orgID in scope and
// those below it, and those it received, the latest first.
func (s *Service) Remittances(ctx context.Context, sc store.Scope, orgID int64, pg store.Page) (store.List[Remittance], error) {
	pg = pg.Normalized()
	out := store.List[Remittance]{Items: []Remittance{}, Page: pg.Number, Size: pg.Size}
	_, path, err := orgIn(ctx, s.DB, sc, orgID)
	if err != nil {
		return out, err
	}
	lo, hi := store.PathRange(path)
	// Within one province (a root's are in its provinces').
	where := " WHERE ((o.path >= $1 AND o.path < $2) OR r.to_org_id = $3)" + store.ScopeOf(path).ProvinceParam("r.province_id")
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+remitFrom+where, lo, hi, orgID).Scan(&out.Total); err != nil {
		return out, err
	}
	items, err := store.Query(ctx, s.DB, scanRemit, "SELECT "+remitCols+remitFrom+where+" ORDER BY r.remitted_on DESC, r.id DESC LIMIT $4 OFFSET $5",
		lo, hi, orgID, pg.Size, pg.Offset())
	if items != nil {
		out.Items = items
	}
	return out, err
}
