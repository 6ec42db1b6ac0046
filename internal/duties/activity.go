package duties

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Service keeps the members' duties on the consultative work's core.
type Service struct {
	*cppcc.Service
}

// now is the service's time.
func (s *Service) now() time.Time { return store.Now(s.Now) }

// ActivityKinds are what a committee records besides proposals.
var ActivityKinds = vocab.Enum{
	{Code: "supervision_visit", Label: "主席会议现场视察(督办重点提案)"},
	{Code: "supervision_forum", Label: "督办座谈会"},
	{Code: "supervision_consult", Label: "专题协商(督办重点提案)"},
	{Code: "inspection", Label: "委员视察"},
	{Code: "research", Label: "专题调研"},
	{Code: "recommendation", Label: "常委会建议案"},
	{Code: "plenary", Label: "全体会议"},
	{Code: "standing", Label: "常委会会议"},
	{Code: "chair", Label: "主席会议"},
	{Code: "topic_deliberation", Label: "专题议政会"},
	{Code: "topic_consult", Label: "专题协商会"},
	{Code: "symposium", Label: "座谈会"},
	{Code: "speech", Label: "大会发言"},
}

// Supervision tells whether an activity of kind supervises a key proposal.
func Supervision(kind string) bool { return strings.HasPrefix(kind, "supervision_") }

// AttendanceStatuses are a member's part in an activity.
var AttendanceStatuses = vocab.Enum{
	{Code: "present", Label: "参加"},
	{Code: "leave", Label: "请假"},
	{Code: "absent", Label: "未请假缺席"},
}

// Activity is one activity with, when read alone, who attended and the instructions received.
type Activity struct {
	ID            int64         `json:"id"`
	CommitteeID   int64         `json:"committee_id"`
	Kind          string        `json:"kind"`
	KindLabel     string        `json:"kind_label"`
	ProposalID    *int64        `json:"proposal_id"`
	ProposalTitle string        `json:"proposal_title"`
	Title         string        `json:"title"`
	HeldOn        date.Date     `json:"held_on"`
	Lead          string        `json:"lead"`
	Minutes       string        `json:"minutes"`
	Outcome       string        `json:"outcome"`
	Reports       int           `json:"reports"`
	Attendance    []Attendee    `json:"attendance,omitempty"`
	Instructions  []Instruction `json:"instructions,omitempty"`
	// Files are the meeting's documents (会议材料).
	Files    []cppcc.File `json:"files,omitempty"`
	province int64
}

// Topic is what the activity was about: its title without the kind it
// may begin with (大会发言:推进城乡融合发展 → 推进城乡融合发展).
func (a Activity) Topic() string {
	t, ok := strings.CutPrefix(a.Title, ActivityKinds.Label(a.Kind))
	if t = strings.TrimLeft(t, ":： —-"); !ok || t == "" {
		return a.Title
	}
	return t
}

// Attendee is a member's part in an activity.
type Attendee struct {
	MemberID    int64  `json:"member_id"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
}

// Instruction is a 批示 received on an activity (a recommendation, a supervision).
type Instruction struct {
	ID      int64     `json:"id"`
	By      string    `json:"by"`
	On      date.Date `json:"on"`
	Text    string    `json:"text"`
	Adopted string    `json:"adopted"`
}

// ActivityInput records an activity; Present, Leave and Absent are members of the committee.
type ActivityInput struct {
	CommitteeID int64     `json:"committee_id"`
	Kind        string    `json:"kind"`
	ProposalID  int64     `json:"proposal_id"`
	Title       string    `json:"title"`
	HeldOn      date.Date `json:"held_on"`
	Lead        string    `json:"lead"`
	Minutes     string    `json:"minutes"`
	Outcome     string    `json:"outcome"`
	Reports     int       `json:"reports"`
	Present     []int64   `json:"present"`
	Leave       []int64   `json:"leave"`
	Absent      []int64   `json:"absent"`
}

const activityCols = `a.id, a.committee_id, a.kind, a.proposal_id, COALESCE(p.title, ''), a.title, a.held_on, a.lead, a.minutes, a.outcome, a.reports, a.province_id`

const activityFrom = ` FROM cppcc_activities a LEFT JOIN proposals p ON p.province_id = a.province_id AND p.id = a.proposal_id`

func scanActivity(r store.Scanner) (Activity, error) {
	var a Activity
	var proposal sql.NullInt64
	err := r.Scan(&a.ID, &a.CommitteeID, &a.Kind, &proposal, &a.ProposalTitle, &a.Title, &a.HeldOn, &a.Lead, &a.Minutes, &a.Outcome, &a.Reports, &a.province)
	if proposal.Valid {
		a.ProposalID = &proposal.Int64
	}
	a.KindLabel = ActivityKinds.Label(a.Kind)
	return a, err
}

// activityDelta is what an activity adds to its committee's figures (sign
// +1) or takes away (-1), by the month it was held and by its year: the
// activity and the reports it produced.
func activityDelta(a Activity, sign int64) stats.Delta {
	return heldDelta(a, map[string]int64{"act:" + a.Kind: sign, "reports:" + a.Kind: sign * int64(a.Reports)})
}

// attendanceDelta is what the members' attendance of an activity adds, by
// status (参加, 请假, 未请假缺席: 人次), in the activity's month.
func attendanceDelta(a Activity, by map[string]int64) stats.Delta {
	keys := map[string]int64{}
	for status, n := range by {
		keys["attend:"+status] = n
	}
	return heldDelta(a, keys)
}

// instructionDelta is what instructions received on an activity add, in the activity's month.
func instructionDelta(a Activity, all, adopted int64) stats.Delta {
	return heldDelta(a, map[string]int64{"instructions": all, "instructions:adopted": adopted})
}

func heldDelta(a Activity, by map[string]int64) stats.Delta {
	m := a.HeldOn.Year()*100 + int(a.HeldOn.Time().Month())
	d := stats.Delta{}
	for key, n := range by {
		if n == 0 {
			continue
		}
		for _, k := range cppcc.WithYears(m, []string{"p|" + strconv.Itoa(m) + "|" + key}) {
			d[k] += n
		}
	}
	return d
}

// RecordActivity records an activity of a committee in scope (the office).
func (s *Service) RecordActivity(ctx context.Context, sc store.Scope, in ActivityInput) (Activity, error) {
	var v apperr.Invalid
	kind, ok := ActivityKinds.Parse(in.Kind)
	if !ok {
		v.Add("kind", "活动类别应为 %s 之一", ActivityKinds.Labels())
	}
	in.Title = strings.TrimSpace(in.Title)
	if n := utf8.RuneCountInString(in.Title); n < 2 || n > 100 {
		v.Add("title", "活动名称应在 2 到 100 字之间")
	}
	switch {
	case in.HeldOn.IsZero():
		v.Add("held_on", "请填写活动日期")
	case in.HeldOn.After(s.Today()):
		v.Add("held_on", "活动日期不能晚于今天(%s);活动结束后再记录", s.Today().Chinese())
	}
	if in.Reports < 0 || in.Reports > 1000 {
		v.Add("reports", "形成的报告篇数应在 0 到 1000 之间")
	}
	if Supervision(kind) && in.ProposalID == 0 {
		v.Add("proposal_id", "督办活动须选择所督办的重点提案")
	}
	seen := map[int64]string{}
	for status, ids := range map[string][]int64{"present": in.Present, "leave": in.Leave, "absent": in.Absent} {
		for _, id := range ids {
			if seen[id] != "" {
				v.Add("present", "同一名委员不能既是“%s”又是“%s”", AttendanceStatuses.Label(seen[id]), AttendanceStatuses.Label(status))
			}
			seen[id] = status
		}
	}
	if err := v.Err(); err != nil {
		return Activity{}, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.InputCommittee(ctx, tx, sc, in.CommitteeID)
		if err != nil {
			return err
		}
		var proposal any
		if in.ProposalID != 0 {
			var key bool
			err := tx.QueryRowContext(ctx, "SELECT is_key FROM proposals WHERE id = $1 AND committee_id = $2"+store.InProvince("province_id", c.Province()), in.ProposalID, c.ID).Scan(&key)
			if apperr.IsNotFound(err) || (err == nil && Supervision(kind) && !key) {
				return apperr.InvalidField("proposal_id", "所选提案不是本政协的重点提案")
			}
			if err != nil {
				return err
			}
			proposal = in.ProposalID
		}
		m := in.HeldOn.Year()*100 + int(in.HeldOn.Time().Month())
		if err := tx.QueryRowContext(ctx, `INSERT INTO cppcc_activities (province_id, committee_id, kind, proposal_id, title, held_on, month, lead, minutes, outcome, reports, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`, c.Province(), c.ID, kind, proposal, in.Title, in.HeldOn, m,
			strings.TrimSpace(in.Lead), strings.TrimSpace(in.Minutes), strings.TrimSpace(in.Outcome), in.Reports, cppcc.NullUser(ctx), s.now()).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("record activity: %w", err)
			}
			return nil
		}
		ids := make([]int64, 0, len(seen))
		for m := range seen {
			ids = append(ids, m)
		}
		slices.Sort(ids)
		for i, m := range ids {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cppcc_members WHERE id = $1 AND committee_id = $2"+store.InProvince("province_id", c.Province()), m, c.ID).Scan(&n); err != nil {
				return fmt.Errorf("record activity: %w", err)
			}
			if n == 0 {
				return apperr.InvalidField("present", "所选的第 %d 名委员不是本政协的委员", i+1)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO cppcc_attendance (province_id, activity_id, member_id, status) VALUES ($1, $2, $3, $4)", c.Province(), id, m, seen[m]); err != nil {
				return fmt.Errorf("record activity: %w", err)
			}
		}
		a := Activity{Kind: kind, HeldOn: in.HeldOn, Reports: in.Reports}
		by := map[string]int64{}
		for _, status := range seen {
			by[status]++
		}
		d := activityDelta(a, 1)
		for k, n := range attendanceDelta(a, by) {
			d[k] += n
		}
		if err := cppcc.ApplyDelta(ctx, tx, c.Province(), c.ID, d); err != nil {
			return err
		}
		detail := map[string]any{"kind": kind, "title": in.Title, "held_on": in.HeldOn, "attendees": len(ids)}
		if in.ProposalID != 0 {
			detail["proposal_id"] = in.ProposalID
		}
		return s.Audit(ctx, tx, c, "create", "cppcc_activity", id, detail)
	})
	if err != nil {
		return Activity{}, err
	}
	return s.Activity(ctx, sc, id)
}

// Activity returns an activity of a committee in scope, with its attendance and instructions.
func (s *Service) Activity(ctx context.Context, sc store.Scope, id int64) (Activity, error) {
	lo, hi := sc.Range()
	a, err := scanActivity(s.DB.QueryRowContext(ctx, "SELECT "+activityCols+activityFrom+` JOIN committees c ON c.id = a.committee_id
		WHERE a.id = $1 AND c.path >= $2 AND c.path < $3`+sc.Exact("c.path")+sc.ProvinceParam("a.province_id"), id, lo, hi))
	if apperr.IsNotFound(err) {
		return a, apperr.NotFound("履职活动")
	}
	if err != nil {
		return a, fmt.Errorf("read activity: %w", err)
	}
	prov := store.InProvince("t.province_id", a.province)
	if a.Attendance, err = store.Query(ctx, s.DB, func(r store.Scanner) (Attendee, error) {
		var x Attendee
		err := r.Scan(&x.MemberID, &x.Name, &x.Status)
		x.StatusLabel = AttendanceStatuses.Label(x.Status)
		return x, err
	}, `SELECT t.member_id, m.name, t.status FROM cppcc_attendance t JOIN cppcc_members m ON m.province_id = t.province_id AND m.id = t.member_id
		WHERE t.activity_id = $1`+prov+" ORDER BY t.status DESC, m.name", a.ID); err != nil {
		return a, err
	}
	if a.Instructions, err = s.instructions(ctx, s.DB, a); err != nil {
		return a, err
	}
	a.Files, err = s.activityFiles(ctx, s.DB, a)
	return a, err
}

func (s *Service) instructions(ctx context.Context, q store.Querier, a Activity) ([]Instruction, error) {
	return store.Query(ctx, q, func(r store.Scanner) (Instruction, error) {
		var x Instruction
		return x, r.Scan(&x.ID, &x.By, &x.On, &x.Text, &x.Adopted)
	}, "SELECT id, by_whom, given_on, text, adopted FROM cppcc_instructions WHERE activity_id = $1"+store.InProvince("province_id", a.province)+" ORDER BY given_on, id", a.ID)
}

// ActivityFilter narrows a committee's activities.
type ActivityFilter struct {
	Kind       string
	Year       int
	ProposalID int64
	// Months, when set, keeps those held in its months instead of the year's.
	Months cppcc.Period
}

// Activities lists a committee's activities in scope, the latest first.
func (s *Service) Activities(ctx context.Context, sc store.Scope, committeeID int64, f ActivityFilter, pg store.Page) (store.List[Activity], error) {
	out, pg := store.NewList[Activity](pg)
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return out, err
	}
	w := store.NewWhere(c.ID)
	w.And("1 = 1" + store.InProvince("a.province_id", c.Province()))
	if f.Kind != "" {
		w.And("a.kind = ?", f.Kind)
	}
	if f.Months.From != 0 {
		f.Months.Where(w, "a.month")
	} else if f.Year != 0 {
		w.And("a.month >= ? AND a.month <= ?", f.Year*100+1, f.Year*100+12)
	}
	if f.ProposalID != 0 {
		w.And("a.proposal_id = ?", f.ProposalID)
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM cppcc_activities a WHERE a.committee_id = $1"+w.String(), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list activities: %w", err)
	}
	limit, args := w.Limit(pg)
	items, err := store.Query(ctx, s.DB, scanActivity, "SELECT "+activityCols+activityFrom+" WHERE a.committee_id = $1"+w.String()+" ORDER BY a.held_on DESC, a.id DESC"+limit, args...)
	out.Items = append(out.Items, items...)
	if err != nil {
		return out, fmt.Errorf("list activities: %w", err)
	}
	return out, nil
}

// InstructionInput records a 批示.
type InstructionInput struct {
	By      string    `json:"by"`
	On      date.Date `json:"on"`
	Text    string    `json:"text"`
	Adopted string    `json:"adopted"`
}

// AddInstruction records an instruction received on an activity in scope (the office).
func (s *Service) AddInstruction(ctx context.Context, sc store.Scope, activityID int64, in InstructionInput) (Activity, error) {
	var v apperr.Invalid
	if in.By = strings.TrimSpace(in.By); in.By == "" || utf8.RuneCountInString(in.By) > 60 {
		v.Add("by", "请填写批示的领导(不超过 60 字)")
	}
	if in.On.IsZero() || in.On.After(s.Today()) {
		v.Add("on", "请填写批示日期(不晚于今天)")
	}
	if in.Text = strings.TrimSpace(in.Text); in.Text == "" || utf8.RuneCountInString(in.Text) > 2000 {
		v.Add("text", "请填写批示内容(不超过 2000 字)")
	}
	if err := v.Err(); err != nil {
		return Activity{}, err
	}
	a, err := s.Activity(ctx, sc, activityID)
	if err != nil {
		return a, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		adopted := strings.TrimSpace(in.Adopted)
		if err := tx.QueryRowContext(ctx, `INSERT INTO cppcc_instructions (province_id, activity_id, by_whom, given_on, text, adopted, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.province, a.ID, in.By, in.On, in.Text, adopted, s.now()).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("add instruction: %w", err)
			}
			return nil
		}
		n := int64(0)
		if adopted != "" {
			n = 1
		}
		if err := cppcc.ApplyDelta(ctx, tx, a.province, a.CommitteeID, instructionDelta(a, 1, n)); err != nil {
			return err
		}
		return s.Audit(ctx, tx, committee.Committee{ID: a.CommitteeID}, "create", "cppcc_instruction", id, map[string]any{"activity_id": a.ID, "by": in.By})
	})
	if err != nil {
		return Activity{}, err
	}
	return s.Activity(ctx, sc, activityID)
}

// activityRecount adds every activity's and instruction's figures to out.
func activityRecount(ctx context.Context, q store.Querier, out stats.Figures) error {
	type counts struct{ all, adopted int64 }
	by := map[int64]counts{}
	rows, err := store.Query(ctx, q, func(r store.Scanner) (struct {
		id int64
		c  counts
	}, error) {
		var x struct {
			id int64
			c  counts
		}
		return x, r.Scan(&x.id, &x.c.all, &x.c.adopted)
	}, "SELECT activity_id, COUNT(*), SUM(CASE WHEN adopted <> '' THEN 1 ELSE 0 END) FROM cppcc_instructions GROUP BY activity_id")
	if err != nil {
		return fmt.Errorf("recount activities: %w", err)
	}
	for _, r := range rows {
		by[r.id] = r.c
	}
	attended := map[int64]map[string]int64{}
	tallies, err := store.Query(ctx, q, func(r store.Scanner) (struct {
		id     int64
		status string
		n      int64
	}, error) {
		var x struct {
			id     int64
			status string
			n      int64
		}
		return x, r.Scan(&x.id, &x.status, &x.n)
	}, "SELECT activity_id, status, COUNT(*) FROM cppcc_attendance GROUP BY activity_id, status")
	if err != nil {
		return fmt.Errorf("recount activities: %w", err)
	}
	for _, x := range tallies {
		if attended[x.id] == nil {
			attended[x.id] = map[string]int64{}
		}
		attended[x.id][x.status] = x.n
	}
	var after int64
	for {
		as, err := store.Query(ctx, q, scanActivity, "SELECT "+activityCols+activityFrom+" WHERE a.id > $1 ORDER BY a.id LIMIT 20000", after)
		if err != nil || len(as) == 0 {
			if err != nil {
				return fmt.Errorf("recount activities: %w", err)
			}
			return nil
		}
		for _, a := range as {
			m := out[a.CommitteeID]
			if m == nil {
				m = map[string]int64{}
				out[a.CommitteeID] = m
			}
			for _, d := range []stats.Delta{activityDelta(a, 1), instructionDelta(a, by[a.ID].all, by[a.ID].adopted), attendanceDelta(a, attended[a.ID])} {
				for k, n := range d {
					m[k] += n
				}
			}
		}
		after = as[len(as)-1].ID
	}
}
