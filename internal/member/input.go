package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

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
			return fmt.Errorf("check unique: %w", err)
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
			return fmt.Errorf("renumber ID registry: %w", err)
		}
	}
	// Registered already under the new key: a rotation that ran before.
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM id_numbers WHERE id_hash = $1", newHash).Scan(&one)
	if !errors.Is(err, sql.ErrNoRows) {
		if err != nil {
			return fmt.Errorf("renumber ID registry: %w", err)
		}
		return nil
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO id_numbers (id_hash, province_id) VALUES ($1, $2)", newHash, prov)
	if err != nil {
		return fmt.Errorf("renumber ID registry: %w", err)
	}
	return nil
}

func idConflict(err error) error {
	if msg := strings.ToLower(err.Error()); strings.Contains(msg, "id_hash") || strings.Contains(msg, "id_numbers") {
		return apperr.InvalidField("id_number", "该公民身份号码已登记在系统中:每人只能有一个组织关系,如需调整请办理组织关系转接")
	}
	return err
}
