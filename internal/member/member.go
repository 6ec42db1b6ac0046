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
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/pinyin"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Member is one person on the roster. The citizen ID number and the phone
// are masked in JSON; the clear values stay on the server side.
type Member struct {
	ID                int64     `json:"id"`
	OrgID             int64     `json:"org_id"`
	OrgName           string    `json:"org_name"`
	OrgPath           string    `json:"-"`
	Name              string    `json:"name"`
	Pinyin            string    `json:"pinyin"`
	Initials          string    `json:"initials"`
	Sex               string    `json:"sex"`
	SexLabel          string    `json:"sex_label"`
	Ethnicity         string    `json:"ethnicity"`
	IDNumber          string    `json:"-"`
	IDMasked          string    `json:"id_number"`
	BirthDate         date.Date `json:"-"`
	BirthMonth        string    `json:"birth_month"` // 1985-03: the day is shown only with the revealed ID number
	Education         string    `json:"education"`
	EducationLabel    string    `json:"education_label"`
	Phone             string    `json:"-"`
	PhoneMasked       string    `json:"phone"`
	Occupation        string    `json:"occupation"`
	Post              string    `json:"post"`
	UnitID            *int64    `json:"unit_id"`
	Stage             string    `json:"stage"`
	StageLabel        string    `json:"stage_label"`
	Status            string    `json:"status"`
	StatusLabel       string    `json:"status_label"`
	AppliedOn         date.Date `json:"applied_on"`
	ActivistOn        date.Date `json:"activist_on"`
	CandidateOn       date.Date `json:"candidate_on"`
	JoinedOn          date.Date `json:"joined_on"`
	FullOn            date.Date `json:"full_on"`
	ProbationEndsOn   date.Date `json:"probation_ends_on"`
	ProbationExtended bool      `json:"probation_extended"`
	MobileOut         bool      `json:"mobile_out"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Statuses of a roster entry.
const (
	StatusActive         = "active"
	StatusTransferredOut = "transferred_out" // relation moved outside the system
	StatusCancelled      = "cancelled"       // 取消预备党员资格
	StatusDeceased       = "deceased"        // 去世
	StatusExpelled       = "expelled"        // 开除党籍
	StatusRemoved        = "removed"         // 除名
	StatusWithdrawn      = "withdrawn"       // 退党
	StatusSuspended      = "suspended"       // 停止党籍 (may be restored)
)

// Statuses names the statuses as the roster shows them.
var Statuses = vocab.Enum{
	{Code: StatusActive, Label: "在册"}, {Code: StatusTransferredOut, Label: "已转出系统外"}, {Code: StatusCancelled, Label: "已取消预备党员资格"},
	{Code: StatusDeceased, Label: "已去世"}, {Code: StatusExpelled, Label: "已开除党籍"}, {Code: StatusRemoved, Label: "已除名"}, {Code: StatusWithdrawn, Label: "已退党"},
	{Code: StatusSuspended, Label: "已停止党籍"},
}

// facts is what the figures count of m.
func (m Member) facts() stats.Person {
	return stats.Person{
		Active: m.Status == StatusActive, Stage: m.Stage, Sex: m.Sex, BirthYear: m.BirthDate.Year(),
		Education: m.Education, Ethnicity: m.Ethnicity, MobileOut: m.MobileOut,
	}
}

// Service reads and changes the roster.
type Service struct {
	DB   *store.DB
	Box  *secret.Box
	Orgs *org.Service
	Now  func() time.Time
	// PocketMonths is how many months a letter without a 有效期 (issued
	// before it was kept) may stay unreceived before the person is listed
	// as a 口袋党员 risk (default 3); a letter with one is at risk once past it.
	PocketMonths int
	// Ledger is the Party dues kept beside the roster (internal/dues), nil
	// where none is kept: its figures of a person move with them, and a
	// letter's 党费交到 is its month.
	Ledger Ledger
}

// Ledger is a record kept beside each person whose figures follow them:
// the Party dues.
type Ledger interface {
	// Figures are what person memberID (whose rows are kept in province)
	// adds at their organisation while an active Party member.
	Figures(ctx context.Context, q store.Querier, memberID, province int64) (stats.Delta, error)
	// PaidTo is the month the person's dues are paid to ("2026-05"), and
	// whether a ledger is kept for them.
	PaidTo(ctx context.Context, q store.Querier, memberID, province int64) (string, bool, error)
}

// counted tells whether m is an active Party member, whom the ledger's figures count.
func (m Member) counted() bool { return m.Status == StatusActive && stats.IsMember(m.Stage) }

// refigure moves what person before counts at the organisation at from to
// what after counts at to (from = to for a change of standing, before =
// after for a move), their own figures and their ledger's; it is called
// once their rows are where after has them.
func (s *Service) refigure(ctx context.Context, tx *sql.Tx, before Member, from string, after Member, to string) error {
	if from == to {
		if err := stats.ApplyPath(ctx, s.DB, tx, to, stats.Change(stats.PersonKeys(before.facts()), stats.PersonKeys(after.facts()))); err != nil {
			return err
		}
	} else {
		if err := stats.ApplyPath(ctx, s.DB, tx, from, stats.Change(stats.PersonKeys(before.facts()), nil)); err != nil {
			return err
		}
		if err := stats.ApplyPath(ctx, s.DB, tx, to, stats.Change(nil, stats.PersonKeys(after.facts()))); err != nil {
			return err
		}
	}
	if s.Ledger == nil || (!before.counted() && !after.counted()) || (before.counted() == after.counted() && from == to) {
		return nil
	}
	d, err := s.Ledger.Figures(ctx, tx, after.ID, store.ProvinceOf(to))
	if err != nil || len(d) == 0 {
		return err
	}
	if before.counted() {
		if err := stats.ApplyPath(ctx, s.DB, tx, from, d.Scaled(-1)); err != nil {
			return err
		}
	}
	if after.counted() {
		return stats.ApplyPath(ctx, s.DB, tx, to, d)
	}
	return nil
}

func (s *Service) now() time.Time { return store.Now(s.Now) }

func (s *Service) today() date.Date { return date.Of(s.now()) }

const memberCols = `m.id, m.org_id, o.name, o.path, m.name, m.name_pinyin, m.name_initials, m.sex, m.ethnicity,
	m.id_enc, m.birth_date, m.education, m.phone_enc, m.occupation, m.post, m.unit_id, m.stage, m.status,
	m.applied_on, m.activist_on, m.candidate_on, m.joined_on, m.full_on, m.probation_ends_on,
	m.probation_extended, m.mobile_out, m.created_at, m.updated_at`

const memberFrom = ` FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2`

func (s *Service) scan(sc store.Scanner) (Member, error) {
	var m Member
	var idEnc, phoneEnc string
	var unit sql.NullInt64
	err := sc.Scan(&m.ID, &m.OrgID, &m.OrgName, &m.OrgPath, &m.Name, &m.Pinyin, &m.Initials, &m.Sex, &m.Ethnicity,
		&idEnc, &m.BirthDate, &m.Education, &phoneEnc, &m.Occupation, &m.Post, &unit, &m.Stage, &m.Status,
		&m.AppliedOn, &m.ActivistOn, &m.CandidateOn, &m.JoinedOn, &m.FullOn, &m.ProbationEndsOn,
		&m.ProbationExtended, &m.MobileOut, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return m, err
	}
	if unit.Valid {
		m.UnitID = &unit.Int64
	}
	if m.IDNumber, err = s.Box.Open(idEnc); err != nil {
		return m, err
	}
	if m.Phone, err = s.Box.Open(phoneEnc); err != nil {
		return m, err
	}
	m.derive()
	return m, nil
}

// derive sets the masked numbers and the labels from the stored fields.
func (m *Member) derive() {
	m.IDMasked = cnid.Mask(m.IDNumber)
	m.PhoneMasked = MaskPhone(m.Phone)
	m.BirthMonth = BirthMonth(m.BirthDate)
	m.SexLabel = vocab.Sexes.Label(m.Sex)
	m.EducationLabel = vocab.Education.Label(m.Education)
	m.StageLabel, m.StatusLabel = vocab.Stages.Label(m.Stage), Statuses.Label(m.Status)
}

// BirthMonth is the year and month of a birth date, as shown beside a masked ID number.
func BirthMonth(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()[:7]
}

// MaskPhone shows the first three and last four digits of a mobile number.
func MaskPhone(p string) string {
	if len(p) < 7 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

func (s *Service) get(ctx context.Context, q store.Querier, sc store.Scope, id int64) (Member, error) {
	return s.getIn(ctx, q, sc, sc.ProvinceParam("m.province_id"), id)
}

// getIn is get with the condition routed naming the person's province
// (when the caller knows it: a letter is kept with its member).
func (s *Service) getIn(ctx context.Context, q store.Querier, sc store.Scope, routed string, id int64) (Member, error) {
	lo, hi := sc.Range()
	m, err := s.scan(q.QueryRowContext(ctx, "SELECT "+memberCols+memberFrom+sc.Exact("o.path")+routed+" AND m.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, apperr.NotFound("人员")
	}
	if err != nil {
		return m, fmt.Errorf("read member: %w", err)
	}
	return m, nil
}

// Get returns a person whose organisation is in scope.
func (s *Service) Get(ctx context.Context, sc store.Scope, id int64) (Member, error) {
	return s.get(ctx, s.DB, sc, id)
}

// audited records a change of person id, reading their state after the change in tx.
func (s *Service) audited(ctx context.Context, tx *sql.Tx, action string, id int64, before Member) error {
	after, err := s.get(ctx, tx, store.ScopeOf(before.OrgPath), id)
	if err != nil {
		return err
	}
	return audit.Change(ctx, s.DB, tx, action, "member", id, after.OrgPath, before, after)
}

func unitArg(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// Update changes a person's particulars. The organisation is changed only
// by a transfer, and the stage only by a pipeline step.
func (s *Service) Update(ctx context.Context, sc store.Scope, id int64, in Input) (Member, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.update(ctx, tx, sc, id, in) })
	if err != nil {
		return Member{}, err
	}
	return s.Get(ctx, sc, id)
}

func (s *Service) update(ctx context.Context, tx *sql.Tx, sc store.Scope, id int64, in Input) error {
	if in.OrgID != nil {
		return apperr.InvalidField("org_id", "调整所在党组织请办理组织关系转接")
	}
	if in.Stage != nil || in.AppliedOn != nil || in.ActivistOn != nil || in.CandidateOn != nil || in.JoinedOn != nil || in.FullOn != nil {
		return apperr.InvalidField("stage", "人员类别和发展各阶段日期请通过“发展党员”步骤办理")
	}
	m, err := s.get(ctx, tx, sc, id)
	if err != nil {
		return err
	}
	old := m
	before := stats.PersonKeys(m.facts())
	var v apperr.Invalid
	apply(&m, in, false, s.today(), &v)
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.checkUnit(ctx, tx, sc, m); err != nil {
		return err
	}
	if m.IDNumber != old.IDNumber {
		if err := s.checkUnique(ctx, tx, m.IDNumber); err != nil {
			return err
		}
		if err := renumber(ctx, tx, s.Box.Hashes(old.IDNumber), s.Box.Hash(m.IDNumber), store.ProvinceOf(m.OrgPath)); err != nil {
			return idConflict(err)
		}
	}
	m.Pinyin, m.Initials = pinyin.Name(m.Name)
	_, err = tx.ExecContext(ctx, `UPDATE members SET name = $1, name_pinyin = $2, name_initials = $3, sex = $4, ethnicity = $5,
		id_hash = $6, id_enc = $7, birth_date = $8, education = $9, phone_enc = $10, occupation = $11, post = $12, unit_id = $13,
		updated_at = $14, id_tail4 = $15, id_tail6 = $16, id_head6 = $17, phone_hash = $18 WHERE id = $19`+store.ProvinceIs("province_id", m.OrgPath),
		append(append([]any{m.Name, m.Pinyin, m.Initials, m.Sex, m.Ethnicity, s.Box.Hash(m.IDNumber), s.Box.Seal(m.IDNumber), m.BirthDate,
			m.Education, s.Box.Seal(m.Phone), m.Occupation, m.Post, unitArg(m.UnitID), s.now()}, s.partHashes(m.IDNumber, m.Phone)...), id)...)
	if err != nil {
		return idConflict(err)
	}
	if err := stats.ApplyPath(ctx, s.DB, tx, m.OrgPath, stats.Change(before, stats.PersonKeys(m.facts()))); err != nil {
		return err
	}
	return s.audited(ctx, tx, "update", id, old)
}

// Revealed is a person's personal data in the clear.
type Revealed struct {
	IDNumber  string    `json:"id_number"`
	Phone     string    `json:"phone"`
	BirthDate date.Date `json:"birth_date"`
}

// Reveal returns the clear ID number and phone of a person in scope and
// records the look in the audit trail.
func (s *Service) Reveal(ctx context.Context, sc store.Scope, id int64) (Revealed, error) {
	return s.RevealFor(ctx, sc, id, "")
}

// RevealFor is Reveal for a stated use (such as printing a letter), which
// the audit trail records with the look.
func (s *Service) RevealFor(ctx context.Context, sc store.Scope, id int64, use string) (Revealed, error) {
	var out Revealed
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.get(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		out = Revealed{IDNumber: m.IDNumber, Phone: m.Phone, BirthDate: m.BirthDate}
		detail := map[string]any{"name": m.Name, "fields": []string{"id_number", "phone", "birth_date"}}
		if use != "" {
			detail["reason"] = use
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "reveal", ObjectType: "member", ObjectID: id, OrgPath: m.OrgPath, Detail: detail})
	})
	return out, err
}

// setPerson stores the state fields of m that the pipeline, mobile records
// and transfers change, and moves the figures from before to m.
// The update is a compare-and-set on the state before was read in, so that
// of two steps sent at once one alone is taken.
func (s *Service) setPerson(ctx context.Context, tx *sql.Tx, before, m Member) error {
	err := store.Swap(ctx, tx, "人员", `UPDATE members SET stage = $1, status = $2, applied_on = $3, activist_on = $4, candidate_on = $5,
		joined_on = $6, full_on = $7, probation_ends_on = $8, probation_extended = $9, mobile_out = $10, updated_at = $11
		WHERE id = $12 AND stage = $13 AND status = $14 AND mobile_out = $15 AND probation_extended = $16`+store.ProvinceIs("province_id", before.OrgPath),
		m.Stage, m.Status, m.AppliedOn, m.ActivistOn, m.CandidateOn, m.JoinedOn, m.FullOn, m.ProbationEndsOn,
		m.ProbationExtended, m.MobileOut, s.now(), m.ID, before.Stage, before.Status, before.MobileOut, before.ProbationExtended)
	if err != nil {
		return fmt.Errorf("update person: %w", err)
	}
	return s.refigure(ctx, tx, before, m.OrgPath, m, m.OrgPath)
}
