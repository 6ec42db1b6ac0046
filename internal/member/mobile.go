package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/flow"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Mobile is one mobile-member registration: kind "out" for a member of the
// organisation living elsewhere (流出), kind "in" for a member whose relation
// is elsewhere living in the organisation's area (流入).
type Mobile struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	MemberID      *int64    `json:"member_id"`
	Name          string    `json:"name"`
	RelationPlace string    `json:"relation_place"`
	PresentPlace  string    `json:"present_place"`
	Contact       string    `json:"-"`       // sealed at rest
	ContactMasked string    `json:"contact"` // phone numbers in it masked as MaskPhone does
	Since         date.Date `json:"since"`
	EndedOn       date.Date `json:"ended_on"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
}

// MobileInput registers a mobile member. For "out", MemberID names the
// member and PresentPlace where they are; for "in", OrgID names the hosting
// organisation, Name the person and RelationPlace where their relation is.
type MobileInput struct {
	Kind          string    `json:"kind"`
	MemberID      int64     `json:"member_id"`
	OrgID         int64     `json:"org_id"`
	Name          string    `json:"name"`
	RelationPlace string    `json:"relation_place"`
	PresentPlace  string    `json:"present_place"`
	Contact       string    `json:"contact"`
	Since         date.Date `json:"since"`
	Note          string    `json:"note"`
}

const mobileCols = `r.id, r.kind, r.org_id, o.name, r.member_id, r.name, r.relation_place, r.present_place, r.contact,
	r.since, r.ended_on, r.note, r.created_at`

const mobileFrom = ` FROM mobile_records r JOIN orgs o ON o.id = r.org_id WHERE o.path >= $1 AND o.path < $2`

func (s *Service) scanMobile(sc store.Scanner) (Mobile, error) {
	var r Mobile
	var mid sql.NullInt64
	var contact string
	err := sc.Scan(&r.ID, &r.Kind, &r.OrgID, &r.OrgName, &mid, &r.Name, &r.RelationPlace, &r.PresentPlace, &contact,
		&r.Since, &r.EndedOn, &r.Note, &r.CreatedAt)
	if err != nil {
		return r, err
	}
	if mid.Valid {
		r.MemberID = &mid.Int64
	}
	if r.Contact, err = s.openText(contact); err != nil {
		return r, err
	}
	r.ContactMasked = MaskPhones(r.Contact)
	return r, nil
}

var phoneRunRE = regexp.MustCompile(`\d{7,}`)

// MaskPhones masks every run of seven or more digits in a free text (a
// contact such as "手机 13912345678") as MaskPhone does.
func MaskPhones(text string) string {
	return phoneRunRE.ReplaceAllStringFunc(text, MaskPhone)
}

// openText reads a free-text personal field sealed by Box.Seal; a value
// stored before such fields were sealed reads as it is until the next key
// rotation seals it.
func (s *Service) openText(v string) (string, error) {
	if !secret.IsSealed(v) {
		return v, nil
	}
	return s.Box.Open(v)
}

func (s *Service) getMobile(ctx context.Context, q store.Querier, sc store.Scope, id int64) (Mobile, error) {
	lo, hi := sc.Range()
	r, err := s.scanMobile(q.QueryRowContext(ctx, "SELECT "+mobileCols+mobileFrom+sc.Exact("o.path")+sc.ProvinceParam("r.province_id")+" AND r.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Mobile{}, apperr.NotFound("流动党员登记")
	}
	if err != nil {
		return r, fmt.Errorf("read mobile record: %w", err)
	}
	return r, nil
}

// RegisterMobile records an out-flow or in-flow.
func (s *Service) RegisterMobile(ctx context.Context, sc store.Scope, in MobileInput) (Mobile, error) {
	var v apperr.Invalid
	if in.Kind != "out" && in.Kind != "in" {
		v.Add("kind", "登记类型应为流出(out)或流入(in)")
	}
	if in.Since.IsZero() {
		v.Add("since", "请填写外出或流入日期")
	} else if in.Since.After(s.today()) {
		v.Add("since", "外出或流入日期%s晚于今天", in.Since)
	}
	if in.Kind == "out" && strings.TrimSpace(in.PresentPlace) == "" {
		v.Add("present_place", "请填写流出党员现在所在的地方或单位")
	}
	if in.Kind == "in" && strings.TrimSpace(in.Name) == "" && in.MemberID == 0 {
		v.Add("name", "请填写流入党员的姓名")
	}
	if in.Kind == "in" && strings.TrimSpace(in.RelationPlace) == "" {
		v.Add("relation_place", "请填写流入党员组织关系所在的党组织")
	}
	if err := v.Err(); err != nil {
		return Mobile{}, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if in.Kind == "out" {
			m, err := s.get(ctx, tx, sc, in.MemberID)
			if err != nil {
				return err
			}
			id, err = s.registerOut(ctx, tx, m, in)
			return err
		}
		host, err := s.Orgs.Get(ctx, sc, in.OrgID)
		if apperr.IsNotFound(err) {
			return apperr.InvalidField("org_id", "流入地党组织不存在或不在您的管理范围内")
		}
		if err != nil {
			return err
		}
		var member any
		name := strings.TrimSpace(in.Name)
		if in.MemberID != 0 {
			// A member named by id must be one the caller may read: anyone
			// else is registered by name and relation place alone.
			m, err := s.get(ctx, tx, sc, in.MemberID)
			if err != nil || m.Status != StatusActive {
				return apperr.NotFound("人员")
			}
			member, name = in.MemberID, m.Name
		}
		present := strings.TrimSpace(in.PresentPlace)
		if present == "" {
			present = host.Name
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO mobile_records (kind, org_id, member_id, name, relation_place, present_place, contact, since, note, created_at, province_id)
			VALUES ('in', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			host.ID, member, name, strings.TrimSpace(in.RelationPlace), present, s.Box.Seal(strings.TrimSpace(in.Contact)), in.Since, in.Note, now,
			store.ProvinceOf(host.Path)).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("register mobile record: %w", err)
			}
			return nil
		}
		if err := stats.ApplyPath(ctx, s.DB, tx, host.Path, stats.Delta{stats.KMobileIn: 1}); err != nil {
			return err
		}
		return s.auditMobile(ctx, tx, "create", id, nil)
	})
	if err != nil {
		return Mobile{}, err
	}
	return s.getMobile(ctx, s.DB, sc, id)
}

// canFlowOut says why m cannot be registered as flowing out, if they cannot.
func canFlowOut(m Member) error {
	if m.Status != StatusActive || !stats.IsMember(m.Stage) {
		return apperr.Rule("只有在册的正式党员和预备党员才能登记为流出党员")
	}
	if m.MobileOut {
		return apperr.Conflict("%s已登记为流出党员,请先结束原登记", m.Name)
	}
	return nil
}

// registerOut records that member m flows out, inside tx.
func (s *Service) registerOut(ctx context.Context, tx *sql.Tx, m Member, in MobileInput) (int64, error) {
	if err := canFlowOut(m); err != nil {
		return 0, err
	}
	before := m
	m.MobileOut = true
	if err := s.setPerson(ctx, tx, before, m); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO mobile_records (kind, org_id, member_id, name, relation_place, present_place, contact, since, note, created_at, province_id)
		VALUES ('out', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		m.OrgID, m.ID, m.Name, m.OrgName, strings.TrimSpace(in.PresentPlace), s.Box.Seal(strings.TrimSpace(in.Contact)), in.Since, in.Note, s.now(),
		store.ProvinceOf(m.OrgPath)).Scan(&id); err != nil {
		if err != nil {
			return 0, fmt.Errorf("register outflow: %w", err)
		}
		return 0, nil
	}
	return id, s.auditMobile(ctx, tx, "create", id, nil)
}

// EndMobile closes a registration (the member has come back or left the area).
func (s *Service) EndMobile(ctx context.Context, sc store.Scope, id int64, on date.Date) (Mobile, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.getMobile(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		return s.endMobile(ctx, tx, r, on)
	})
	if err != nil {
		return Mobile{}, err
	}
	return s.getMobile(ctx, s.DB, sc, id)
}

// mobileSteps is the life of a registration: open until it is ended, once.
// The state is whether ended_on is set (see state).
var mobileSteps = flow.Machine{"end": {From: []string{"open"}, To: "ended"}}

func (r Mobile) state() string {
	if r.EndedOn.IsZero() {
		return "open"
	}
	return "ended"
}

// endMobile closes registration r on the given day (today when zero), inside tx.
func (s *Service) endMobile(ctx context.Context, tx *sql.Tx, r Mobile, on date.Date) error {
	if _, ok := mobileSteps.Next("end", r.state()); !ok {
		return apperr.Conflict("该流动登记已于%s结束", r.EndedOn)
	}
	if on.IsZero() {
		on = s.today()
	}
	if on.Before(r.Since) {
		return apperr.InvalidField("on", "结束日期%s早于登记的开始日期%s", on, r.Since)
	}
	if err := store.Swap(ctx, tx, "流动党员登记", "UPDATE mobile_records SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL", on, r.ID); err != nil {
		return fmt.Errorf("end mobile: %w", err)
	}
	if err := s.endFlow(ctx, tx, r); err != nil {
		return err
	}
	return s.auditMobile(ctx, tx, "end", r.ID, r)
}

// endFlow takes an ended registration out of the figures.
func (s *Service) endFlow(ctx context.Context, tx *sql.Tx, r Mobile) error {
	if r.Kind == "in" {
		o, err := s.Orgs.Get(ctx, store.All, r.OrgID)
		if err != nil {
			return err
		}
		return stats.ApplyPath(ctx, s.DB, tx, o.Path, stats.Delta{stats.KMobileIn: -1})
	}
	m, err := s.get(ctx, tx, store.All, *r.MemberID)
	if err != nil {
		return err
	}
	before := m
	m.MobileOut = false
	return s.setPerson(ctx, tx, before, m)
}

func (s *Service) auditMobile(ctx context.Context, tx *sql.Tx, action string, id int64, before any) error {
	after, err := s.getMobile(ctx, tx, store.All, id)
	if err != nil {
		return err
	}
	var path string
	if err := tx.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = $1", after.OrgID).Scan(&path); err != nil {
		return fmt.Errorf("audit mobile: %w", err)
	}
	return audit.Change(ctx, s.DB, tx, action, "mobile", id, path, before, after)
}

// MobileFilter narrows the mobile-member list.
type MobileFilter struct {
	OrgID  int64
	Kind   string // "out", "in" or ""
	Ended  bool   // list ended registrations instead of current ones
	Member int64  // the registrations of one member
}

// ListMobile lists registrations of a subtree in scope, newest first.
func (s *Service) ListMobile(ctx context.Context, sc store.Scope, f MobileFilter, p store.Page) (store.List[Mobile], error) {
	out, p := store.NewList[Mobile](p)
	sc, err := s.Orgs.Narrow(ctx, sc, f.OrgID)
	if err != nil {
		return out, err
	}
	w := store.NewWhere(sc.Range())
	w.Exact(sc, "o.path")
	w.Province(sc, "r.province_id")
	if f.Kind != "" {
		w.And("r.kind = ?", f.Kind)
	}
	if f.Member != 0 {
		w.And("r.member_id = ?", f.Member)
	} else if f.Ended {
		w.And("r.ended_on IS NOT NULL")
	} else {
		w.And("r.ended_on IS NULL")
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+mobileFrom+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list mobile records: %w", err)
	}
	limit, args := w.Limit(p)
	items, err := store.Query(ctx, s.DB, s.scanMobile, "SELECT "+mobileCols+mobileFrom+w.String()+" ORDER BY r.since DESC, r.id DESC"+limit, args...)
	out.Items = items
	if err != nil {
		return out, fmt.Errorf("list mobile records: %w", err)
	}
	return out, nil
}
