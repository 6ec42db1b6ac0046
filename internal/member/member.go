// Package member keeps the roster: Party members and the people in the
// development pipeline, their mobile (流动) records and the transfer letters
// of their organisation relation. Every function takes the caller's scope.
package member

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	return m, err
}

// Get returns a person whose organisation is in scope.
func (s *Service) Get(ctx context.Context, sc store.Scope, id int64) (Member, error) {
	return s.get(ctx, s.DB, sc, id)
}

// Input creates or changes a person; nil fields are left alone on update.
// Sex and birth date may be left out: they are read off the ID number.
type Input struct {
	OrgID       *int64     `json:"org_id"`
	Name        *string    `json:"name"`
	Sex         *string    `json:"sex"`
	Ethnicity   *string    `json:"ethnicity"`
	IDNumber    *string    `json:"id_number"`
	BirthDate   *date.Date `json:"birth_date"`
	Education   *string    `json:"education"`
	Phone       *string    `json:"phone"`
	Occupation  *string    `json:"occupation"`
	Post        *string    `json:"post"`
	UnitID      *int64     `json:"unit_id"`
	Stage       *string    `json:"stage"`
	AppliedOn   *date.Date `json:"applied_on"`
	ActivistOn  *date.Date `json:"activist_on"`
	CandidateOn *date.Date `json:"candidate_on"`
	JoinedOn    *date.Date `json:"joined_on"`
	FullOn      *date.Date `json:"full_on"`
}

// PhoneRE is a mobile number or a landline with its area code.
var PhoneRE = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$`)

// NormalizePhone drops spaces and turns full-width digits into ASCII.
func NormalizePhone(p string) string {
	return strings.ReplaceAll(cnid.Normalize(p), "X", "")
}

// apply copies the supplied fields onto m and validates the result as a
// whole, adding to v a message for every field that is wrong.
func apply(m *Member, in Input, creating bool, today date.Date, v *apperr.Invalid) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&m.Name, in.Name)
	set(&m.Occupation, in.Occupation)
	set(&m.Post, in.Post)
	if in.Phone != nil {
		m.Phone = NormalizePhone(*in.Phone)
	}
	if in.UnitID != nil {
		m.UnitID = in.UnitID
		if *in.UnitID == 0 {
			m.UnitID = nil
		}
	}
	switch n := utf8.RuneCountInString(m.Name); {
	case n == 0:
		v.Add("name", "姓名不能为空")
	case n > 30:
		v.Add("name", "姓名不能超过30个字")
	}
	var idn cnid.Number
	idOK := false
	if in.IDNumber != nil || creating {
		raw := ""
		if in.IDNumber != nil {
			raw = *in.IDNumber
		}
		var err error
		if idn, err = cnid.Parse(raw, today.Time()); err != nil {
			v.Add("id_number", "%s", err.Error())
		} else {
			idOK = true
			m.IDNumber = idn.Value
		}
	} else if n, err := cnid.Parse(m.IDNumber, today.Time()); err == nil {
		idn, idOK = n, true
	}
	if in.Sex != nil {
		if c, ok := vocab.Sexes.Parse(*in.Sex); ok {
			m.Sex = c
		} else {
			v.Add("sex", "性别“%s”无效,应为男或女", *in.Sex)
		}
	} else if idOK && (creating || in.IDNumber != nil) {
		m.Sex = map[bool]string{true: "male", false: "female"}[idn.Male]
	}
	if in.BirthDate != nil {
		m.BirthDate = *in.BirthDate
	} else if idOK && (creating || in.IDNumber != nil) {
		m.BirthDate = date.Of(idn.Birth)
	}
	if idOK {
		if want := date.Of(idn.Birth); m.BirthDate != want && in.IDNumber == nil && !creating {
			// The stored number is not the caller's to read here: no date is named.
			v.Add("birth_date", "出生日期与档案中的公民身份号码不一致")
		} else if m.BirthDate != want {
			v.Add("birth_date", "出生日期%s与公民身份号码中的出生日期%s不一致", m.BirthDate, want)
		}
		if want := map[bool]string{true: "male", false: "female"}[idn.Male]; m.Sex != "" && m.Sex != want {
			v.Add("sex", "性别“%s”与公民身份号码不一致(号码第17位表示%s)", vocab.Sexes.Label(m.Sex), vocab.Sexes.Label(want))
		}
	}
	if in.Ethnicity != nil || creating {
		e := ""
		if in.Ethnicity != nil {
			e = *in.Ethnicity
		}
		if c, ok := vocab.ParseEthnicity(e); ok {
			m.Ethnicity = c
		} else {
			v.Add("ethnicity", "民族“%s”无效,请填写56个民族之一,如“汉族”", e)
		}
	}
	if in.Education != nil || creating {
		e := ""
		if in.Education != nil {
			e = *in.Education
		}
		if c, ok := vocab.Education.Parse(e); ok {
			m.Education = c
		} else {
			v.Add("education", "学历“%s”无效,应为%s之一", e, vocab.Education.Labels())
		}
	}
	if m.Phone != "" && !PhoneRE.MatchString(m.Phone) {
		v.Add("phone", "联系电话“%s”格式不对,应为11位手机号码或带区号的固定电话", m.Phone)
	}
	if utf8.RuneCountInString(m.Occupation) > 50 {
		v.Add("occupation", "职业不能超过50个字")
	}
	if utf8.RuneCountInString(m.Post) > 50 {
		v.Add("post", "工作岗位不能超过50个字")
	}
	if creating {
		applyStartDates(m, in, today, v)
	}
}

// applyStartDates checks the stage a person enters the roster at and the
// dates of the steps up to it.
func applyStartDates(m *Member, in Input, today date.Date, v *apperr.Invalid) {
	stage := "applicant"
	if in.Stage != nil {
		c, ok := vocab.Stages.Parse(*in.Stage)
		if !ok {
			v.Add("stage", "人员类别“%s”无效,应为%s之一", *in.Stage, vocab.Stages.Labels())
			return
		}
		stage = c
	}
	m.Stage = stage
	pick := func(p *date.Date) date.Date {
		if p == nil {
			return date.Date{}
		}
		return *p
	}
	m.AppliedOn, m.ActivistOn, m.CandidateOn = pick(in.AppliedOn), pick(in.ActivistOn), pick(in.CandidateOn)
	m.JoinedOn, m.FullOn = pick(in.JoinedOn), pick(in.FullOn)
	steps := []struct {
		field string
		label string
		d     date.Date
		from  string // the first stage at which the date is required
	}{
		{"applied_on", "申请入党日期", m.AppliedOn, "applicant"},
		{"activist_on", "确定为入党积极分子日期", m.ActivistOn, "activist"},
		{"candidate_on", "列为发展对象日期", m.CandidateOn, "candidate"},
		{"joined_on", "入党日期", m.JoinedOn, "probationary"},
		{"full_on", "转正日期", m.FullOn, "full"},
	}
	order := map[string]int{"applicant": 0, "activist": 1, "candidate": 2, "probationary": 3, "full": 4}
	var prev date.Date
	prevLabel := ""
	for _, st := range steps {
		needed := order[stage] >= order[st.from]
		switch {
		case st.d.IsZero():
			// Older members' rosters rarely carry the pipeline dates: only the
			// date of the stage itself and the joining date are required.
			if needed && (st.from == stage || st.from == "probationary") {
				v.Add(st.field, "%s不能为空", st.label)
			}
			continue
		case !needed:
			v.Add(st.field, "人员类别为%s时不应填写%s", vocab.Stages.Label(stage), st.label)
			continue
		case st.d.After(today):
			v.Add(st.field, "%s%s晚于今天", st.label, st.d)
			continue
		case !prev.IsZero() && st.d.Before(prev):
			v.Add(st.field, "%s%s早于%s%s", st.label, st.d, prevLabel, prev)
		}
		prev, prevLabel = st.d, st.label
	}
	if !m.BirthDate.IsZero() {
		for _, st := range steps[:4] {
			if !st.d.IsZero() && st.d.Before(m.BirthDate.AddYears(18)) {
				v.Add(st.field, "%s%s时未满18周岁:年满十八岁方可申请入党(《中国共产党章程》第一条)", st.label, st.d)
				break
			}
		}
	}
	if stage == "probationary" && !m.JoinedOn.IsZero() {
		m.ProbationEndsOn = m.JoinedOn.AddYears(1)
	}
	if stage == "full" && !m.JoinedOn.IsZero() && !m.FullOn.IsZero() && m.FullOn.Before(m.JoinedOn.AddYears(1)) {
		v.Add("full_on", "转正日期%s距入党日期%s不满一年:预备期为一年", m.FullOn, m.JoinedOn)
	}
}

// checkUnit refuses a workplace m may not name (see org.UnitFor).
func (s *Service) checkUnit(ctx context.Context, q store.Querier, sc store.Scope, m Member) error {
	if m.UnitID == nil {
		return nil
	}
	ok, err := org.UnitFor(ctx, q, sc, m.OrgPath, *m.UnitID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.InvalidField("unit_id", "工作单位不存在或不在您的管理范围内")
	}
	return nil
}

// checkUnique refuses an ID number already on the roster of the whole
// country under any key of the ring (the registry's key covers the newest
// key only while a rotation runs). The registry id_numbers holds every
// number once, whatever the province of its member (a distributed table's
// own unique keys hold within a province).
func (s *Service) checkUnique(ctx context.Context, tx *sql.Tx, idNumber string) error {
	for _, h := range s.Box.Hashes(idNumber) {
		var prov int64
		err := tx.QueryRowContext(ctx, "SELECT province_id FROM id_numbers WHERE id_hash = $1", h).Scan(&prov)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		return idConflict(errors.New("id_hash"))
	}
	return nil
}

// renumber moves a person's entry in the registry of ID numbers from any of
// the hashes old to newHash (a changed number, or a new key), in tx.
func renumber(ctx context.Context, tx *sql.Tx, old []string, newHash string, prov int64) error {
	for _, h := range old {
		if h == newHash {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM id_numbers WHERE id_hash = $1", h); err != nil {
			return err
		}
	}
	// Registered already under the new key: a rotation that ran before.
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM id_numbers WHERE id_hash = $1", newHash).Scan(&one)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO id_numbers (id_hash, province_id) VALUES ($1, $2)", newHash, prov)
	return err
}

func idConflict(err error) error {
	if msg := strings.ToLower(err.Error()); strings.Contains(msg, "id_hash") || strings.Contains(msg, "id_numbers") {
		return apperr.InvalidField("id_number", "该公民身份号码已登记在系统中:每人只能有一个组织关系,如需调整请办理组织关系转接")
	}
	return err
}

// Create adds a person to an organisation in scope.
func (s *Service) Create(ctx context.Context, sc store.Scope, in Input) (Member, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, sc, in)
		return err
	})
	if err != nil {
		return Member{}, err
	}
	return s.Get(ctx, sc, id)
}

// insert validates and stores a new person inside tx, with the figures.
func (s *Service) insert(ctx context.Context, tx *sql.Tx, sc store.Scope, in Input) (int64, error) {
	m, err := s.prepare(ctx, tx, sc, in)
	if err != nil {
		return 0, err
	}
	if err := s.checkUnique(ctx, tx, m.IDNumber); err != nil {
		return 0, err
	}
	p, err := s.sealed(m)
	if err != nil {
		return 0, err
	}
	taken, err := s.insertAll(ctx, tx, []*newPerson{p})
	if err != nil {
		return 0, err
	}
	if len(taken) > 0 {
		return 0, idConflict(errors.New("id_hash"))
	}
	return p.ID, nil
}

// prepare checks a new person, reading their organisation from q, and
// makes everything stored and shown of them but the id. When only the ID
// number is valid, the Member returned still carries it.
func (s *Service) prepare(ctx context.Context, q store.Querier, sc store.Scope, in Input) (Member, error) {
	m := Member{Status: StatusActive}
	var v apperr.Invalid
	apply(&m, in, true, s.today(), &v)
	if in.OrgID == nil {
		v.Add("org_id", "请选择所在党组织")
	} else if p, err := orgPlace(ctx, q, sc, *in.OrgID); err != nil {
		return m, err
	} else if p.path == "" {
		v.Add("org_id", "所在党组织不存在或不在您的管理范围内")
	} else {
		m.OrgID, m.OrgName, m.OrgPath = *in.OrgID, p.name, p.path
	}
	if err := v.Err(); err != nil {
		return m, err
	}
	if err := s.checkUnit(ctx, q, sc, m); err != nil {
		return m, err
	}
	m.Pinyin, m.Initials = pinyin.Name(m.Name)
	m.derive()
	return m, nil
}

// newPerson is a person checked for adding, with what is stored and
// recorded of them encoded.
type newPerson struct {
	Member
	hashes          []string // of the ID number under every key of the ring, newest first
	idEnc, phoneEnc string
	creation        audit.Creation
}

func (s *Service) sealed(m Member) (*newPerson, error) {
	c, err := audit.NewCreation(m)
	return &newPerson{Member: m, hashes: s.Box.Hashes(m.IDNumber), idEnc: s.Box.Seal(m.IDNumber), phoneEnc: s.Box.Seal(m.Phone), creation: c}, err
}

// personCols are the columns of a new person, in the order of insertAll's rows.
var personCols = []string{"org_id", "province_id", "name", "name_pinyin", "name_initials", "sex", "ethnicity",
	"id_hash", "id_enc", "birth_date", "education", "phone_enc", "occupation", "post", "unit_id", "stage", "status",
	"applied_on", "activist_on", "candidate_on", "joined_on", "full_on", "probation_ends_on", "created_at", "updated_at",
	"id_tail4", "id_tail6", "id_head6", "phone_hash"}

// copyPeople writes batch with COPY when the transaction allows it (an
// import on PostgreSQL, store.BulkTx), their ids taken from the sequence
// first, and tells whether it did.
func (s *Service) copyPeople(ctx context.Context, tx *sql.Tx, batch []*newPerson, rowOf func(*newPerson) []any) (bool, error) {
	if s.DB.Dialect != store.Postgres || !store.CanCopy(ctx) {
		return false, nil
	}
	ids, err := store.Query(ctx, tx, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, "SELECT nextval(pg_get_serial_sequence('members', 'id')) FROM generate_series(1, $1)", len(batch))
	if err != nil {
		return false, err
	}
	rows := make([][]any, len(batch))
	for i, m := range batch {
		m.ID = ids[i]
		rows[i] = append([]any{m.ID}, rowOf(m)...)
	}
	return store.Copy(ctx, "members", append([]string{"id"}, personCols...), rows)
}

// insertBatch is how many people one INSERT statement stores.
const insertBatch = 500

// insertAll stores the checked people ps inside tx in multi-row
// statements, setting their ids, with their figures and audit entries. A
// person whose ID number is on the roster by then is left out: insertAll
// returns their indexes in ps.
func (s *Service) insertAll(ctx context.Context, tx *sql.Tx, ps []*newPerson) ([]int, error) {
	now := s.now()
	stored := make([]bool, len(ps))
	for start := 0; start < len(ps); start += insertBatch {
		all := ps[start:min(start+insertBatch, len(ps))]
		// The numbers are registered first: the registry's key holds over
		// the whole country; a number taken (or twice in the batch) is
		// left out, the first of a batch kept.
		var rb strings.Builder
		rb.WriteString("INSERT INTO id_numbers (id_hash, province_id) VALUES ")
		s.DB.Values(&rb, len(all), 2)
		rb.WriteString(" ON CONFLICT (id_hash) DO NOTHING RETURNING id_hash")
		rargs := make([]any, 0, 2*len(all))
		for _, m := range all {
			rargs = append(rargs, m.hashes[0], store.ProvinceOf(m.OrgPath))
		}
		free, err := store.Query(ctx, tx, func(sc store.Scanner) (string, error) {
			var h string
			return h, sc.Scan(&h)
		}, rb.String(), rargs...)
		if err != nil {
			return nil, err
		}
		isFree := make(map[string]bool, len(free))
		for _, h := range free {
			isFree[h] = true
		}
		var batch []*newPerson
		for _, m := range all {
			if isFree[m.hashes[0]] {
				batch = append(batch, m)
				delete(isFree, m.hashes[0])
			}
		}
		if len(batch) == 0 {
			continue
		}
		byHash := make(map[string]int, len(batch))
		for i, m := range all {
			if _, seen := byHash[m.hashes[0]]; !seen {
				byHash[m.hashes[0]] = start + i
			}
		}
		rowOf := func(m *newPerson) []any {
			m.CreatedAt, m.UpdatedAt = now, now
			return append([]any{m.OrgID, store.ProvinceOf(m.OrgPath), m.Name, m.Pinyin, m.Initials, m.Sex, m.Ethnicity,
				m.hashes[0], m.idEnc, m.BirthDate, m.Education, m.phoneEnc, m.Occupation, m.Post,
				unitArg(m.UnitID), m.Stage, m.Status, m.AppliedOn, m.ActivistOn, m.CandidateOn, m.JoinedOn, m.FullOn, m.ProbationEndsOn, now, now},
				s.partHashes(m.IDNumber, m.Phone)...)
		}
		copied, err := s.copyPeople(ctx, tx, batch, rowOf)
		if err != nil {
			return nil, err
		}
		if copied {
			for _, m := range batch {
				stored[byHash[m.hashes[0]]] = true
			}
			continue
		}
		var sb strings.Builder
		sb.WriteString("INSERT INTO members (" + strings.Join(personCols, ", ") + ") VALUES ")
		s.DB.Values(&sb, len(batch), len(personCols))
		sb.WriteString(" RETURNING id, id_hash")
		args := make([]any, 0, len(personCols)*len(batch))
		for _, m := range batch {
			args = append(args, rowOf(m)...)
		}
		rows, err := store.BulkQuery(ctx, tx, sb.String(), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var h string
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return nil, err
			}
			i := byHash[h]
			ps[i].ID, stored[i] = id, true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	// The figures of each organisation once, in path order (the order concurrent writers lock them in).
	var taken []int
	byPath := map[string]stats.Delta{}
	for i, m := range ps {
		if !stored[i] {
			taken = append(taken, i)
			continue
		}
		if byPath[m.OrgPath] == nil {
			byPath[m.OrgPath] = stats.Delta{}
		}
		byPath[m.OrgPath].Add(stats.PersonKeys(m.facts()), 1)
	}
	for _, path := range slices.Sorted(maps.Keys(byPath)) {
		if err := stats.ApplyPath(ctx, s.DB, tx, path, byPath[path]); err != nil {
			return nil, err
		}
	}
	for i, m := range ps {
		if stored[i] {
			if err := audit.Create(ctx, s.DB, tx, "create", "member", m.ID, m.OrgPath, m.creation); err != nil {
				return nil, err
			}
		}
	}
	return taken, nil
}

type orgCacheKey struct{}

// place is the name and path of the organisation people are put in.
type place struct{ name, path string }

// CacheOrgs returns a context in which the organisations new people are
// placed in are looked up once (an import places thousands in a few).
func CacheOrgs(ctx context.Context) context.Context {
	return context.WithValue(ctx, orgCacheKey{}, &sync.Map{})
}

// orgPlace is the name and path of a live organisation in scope, or a
// zero place if there is none.
func orgPlace(ctx context.Context, q store.Querier, sc store.Scope, id int64) (place, error) {
	cache, _ := ctx.Value(orgCacheKey{}).(*sync.Map)
	if cache != nil {
		if p, ok := cache.Load(id); ok && sc.Contains(p.(place).path) {
			return p.(place), nil
		}
	}
	name, path, err := org.NamePathIn(ctx, q, sc, id, true)
	p := place{name, path}
	if path != "" && cache != nil {
		cache.Store(id, p)
	}
	return p, err
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
		return err
	}
	return s.refigure(ctx, tx, before, m.OrgPath, m, m.OrgPath)
}
