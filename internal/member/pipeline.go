package member

import (
	"context"
	"database/sql"
	"fmt"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Step is one move along the development pipeline.
type Step struct {
	Action string    `json:"action"`
	On     date.Date `json:"on"`
	// Months is the length of a probation extension (6 to 12).
	Months int    `json:"months,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Transition is one allowed move: from a stage, by an action, to a stage,
// under a rule taken from the Party's regulations on developing members.
// A step with no From applies to a member at either stage (probationary or
// full) and leaves the stage as it is; a step is taken on a person whose
// status is Status (by default active).
type Transition struct {
	Action string
	Label  string
	From   string
	To     string
	Status string
	// Rule returns a message naming the rule the step breaks, or "".
	Rule func(m Member, st Step) string
	// Apply records the step on m.
	Apply func(m *Member, st Step)
}

// Transitions is the whole pipeline. Every step not listed here is refused.
var Transitions = []Transition{
	{
		Action: "activist", Label: "确定为入党积极分子", From: "applicant", To: "activist",
		Rule: func(m Member, st Step) string {
			return notBefore(st.On, m.AppliedOn, "确定为入党积极分子的日期不能早于申请入党日期")
		},
		Apply: func(m *Member, st Step) { m.ActivistOn = st.On },
	},
	{
		Action: "candidate", Label: "列为发展对象", From: "activist", To: "candidate",
		Rule: func(m Member, st Step) string {
			if m.ActivistOn.IsZero() {
				return ""
			}
			if earliest := m.ActivistOn.AddYears(1); st.On.Before(earliest) {
				return fmt.Sprintf("入党积极分子须经过一年以上的培养教育和考察方可列为发展对象(%s确定为积极分子,最早%s可列为发展对象)",
					m.ActivistOn, earliest)
			}
			return ""
		},
		Apply: func(m *Member, st Step) { m.CandidateOn = st.On },
	},
	{
		Action: "admit", Label: "接收为预备党员", From: "candidate", To: "probationary",
		Rule: func(m Member, st Step) string {
			if msg := notBefore(st.On, m.CandidateOn, "接收为预备党员的日期不能早于列为发展对象的日期"); msg != "" {
				return msg
			}
			if st.On.Before(m.BirthDate.AddYears(18)) {
				return "接收预备党员时须年满十八岁(《中国共产党章程》第一条)"
			}
			return ""
		},
		Apply: func(m *Member, st Step) { m.JoinedOn, m.ProbationEndsOn = st.On, st.On.AddYears(1) },
	},
	{
		Action: "confirm", Label: "按期转为正式党员", From: "probationary", To: "full",
		Rule: func(m Member, st Step) string {
			if st.On.Before(m.ProbationEndsOn) {
				return fmt.Sprintf("预备期未满,不能转正:预备期至%s届满(预备党员的预备期为一年)", m.ProbationEndsOn)
			}
			return ""
		},
		Apply: func(m *Member, st Step) { m.FullOn = st.On },
	},
	{
		Action: "extend", Label: "延长预备期", From: "probationary", To: "probationary",
		Rule: func(m Member, st Step) string {
			switch {
			case m.ProbationExtended:
				return "预备期只能延长一次"
			case st.Months < 6 || st.Months > 12:
				return "延长预备期的时间不能少于半年,最长不超过一年(请填写6至12个月)"
			case st.On.Before(m.JoinedOn):
				return "延长预备期的决定日期不能早于入党日期"
			}
			return ""
		},
		Apply: func(m *Member, st Step) {
			m.ProbationEndsOn, m.ProbationExtended = m.ProbationEndsOn.AddDate(0, st.Months, 0), true
		},
	},
	{
		Action: "cancel", Label: "取消预备党员资格", From: "probationary", To: "probationary",
		Rule: func(m Member, st Step) string {
			return notBefore(st.On, m.JoinedOn, "取消预备党员资格的日期不能早于入党日期")
		},
		Apply: func(m *Member, st Step) { m.Status = StatusCancelled },
	},
	leaving("death", "党员去世", StatusDeceased),
	leaving("expel", "开除党籍", StatusExpelled),
	leaving("remove", "除名", StatusRemoved),
	leaving("withdraw", "退党", StatusWithdrawn),
	leaving("suspend", "停止党籍", StatusSuspended),
	{
		Action: "restore", Label: "恢复党籍", Status: StatusSuspended,
		Rule: func(m Member, st Step) string {
			return notBefore(st.On, m.JoinedOn, "恢复党籍的日期不能早于入党日期")
		},
		Apply: func(m *Member, st Step) { m.Status = StatusActive },
	},
}

// leaving is the step by which a member leaves the ranks for a reason
// the annual statistics count (党员减少): the person stays on record with
// the status the step gives.
func leaving(action, label, status string) Transition {
	return Transition{
		Action: action, Label: label,
		Rule: func(m Member, st Step) string {
			return notBefore(st.On, m.JoinedOn, label+"的日期不能早于入党日期")
		},
		Apply: func(m *Member, st Step) { m.Status = status },
	}
}

// Applies tells whether the step may be taken on m as m is now.
func (t Transition) Applies(m Member) bool {
	status := t.Status
	if status == "" {
		status = StatusActive
	}
	if m.Status != status {
		return false
	}
	if t.From == "" {
		return stats.IsMember(m.Stage)
	}
	return m.Stage == t.From
}

func notBefore(d, floor date.Date, msg string) string {
	if !floor.IsZero() && d.Before(floor) {
		return msg + "(" + floor.String() + ")"
	}
	return ""
}

// StageEvent is one recorded step of a person's development.
type StageEvent struct {
	ID        int64     `json:"id"`
	Action    string    `json:"action"`
	Label     string    `json:"label"`
	FromStage string    `json:"from_stage"`
	ToStage   string    `json:"to_stage"`
	On        date.Date `json:"on"`
	Note      string    `json:"note"`
}

func findTransition(action string) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == action {
			return t, true
		}
	}
	return Transition{}, false
}

// Advance takes one step of the pipeline for a person in scope, refusing an
// illegal step with the rule it breaks.
func (s *Service) Advance(ctx context.Context, sc store.Scope, id int64, st Step) (Member, error) {
	t, ok := findTransition(st.Action)
	if !ok {
		return Member{}, apperr.InvalidField("action", "未知的发展步骤“%s”", st.Action)
	}
	if st.On.IsZero() {
		return Member{}, apperr.InvalidField("on", "请填写%s的日期", t.Label)
	}
	if st.On.After(s.today()) {
		return Member{}, apperr.InvalidField("on", "%s的日期%s晚于今天", t.Label, st.On)
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.get(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		switch {
		case t.Status == StatusSuspended && m.Status != StatusSuspended:
			return apperr.Rule("只有已停止党籍的人员才能办理“%s”", t.Label)
		case t.Status == "" && m.Status != StatusActive:
			return apperr.Rule("该人员已不在册,不能办理“%s”", t.Label)
		case t.From == "" && !stats.IsMember(m.Stage):
			return apperr.Rule("当前为%s,不能办理“%s”(该步骤只适用于正式党员和预备党员)", vocab.Stages.Label(m.Stage), t.Label)
		case t.From != "" && m.Stage != t.From:
			return apperr.Rule("当前为%s,不能办理“%s”(该步骤只适用于%s)",
				vocab.Stages.Label(m.Stage), t.Label, vocab.Stages.Label(t.From))
		}
		if msg := t.Rule(m, st); msg != "" {
			return apperr.Rule("%s", msg)
		}
		before := m
		t.Apply(&m, st)
		if t.To != "" {
			m.Stage = t.To
		}
		if err := s.setPerson(ctx, tx, before, m); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO stage_events (member_id, from_stage, to_stage, action, on_date, note, created_at, province_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, before.Stage, m.Stage, t.Action, st.On, st.Note, s.now(), store.ProvinceOf(m.OrgPath)); err != nil {
			if err != nil {
				return fmt.Errorf("advance stage: %w", err)
			}
			return nil
		}
		return s.audited(ctx, tx, "step:"+t.Action, id, before)
	})
	if err != nil {
		return Member{}, fmt.Errorf("advance stage: %w", err)
	}
	return s.Get(ctx, sc, id)
}

// History lists the recorded pipeline steps of a person in scope, oldest first.
func (s *Service) History(ctx context.Context, sc store.Scope, id int64) ([]StageEvent, error) {
	m, err := s.Get(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	return store.Query(ctx, s.DB, func(sc store.Scanner) (StageEvent, error) {
		var e StageEvent
		err := sc.Scan(&e.ID, &e.Action, &e.FromStage, &e.ToStage, &e.On, &e.Note)
		if t, ok := findTransition(e.Action); ok {
			e.Label = t.Label
		}
		return e, err
	}, `SELECT id, action, from_stage, to_stage, on_date, note FROM stage_events WHERE member_id = $1`+store.ProvinceIs("province_id", m.OrgPath)+` ORDER BY on_date, id`, id)
}
