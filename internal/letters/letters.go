package letters

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/flow"
	"dangjian/internal/member"
	"dangjian/internal/spam"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Boxes are where a letter comes in.
var Boxes = vocab.Enum{
	{Code: BoxMember, Label: "委员信箱"},
	{Code: BoxPublic, Label: "民意信箱"},
	{Code: BoxPetition, Label: "信访"},
}

// The boxes.
const (
	BoxMember   = "member"
	BoxPublic   = "public"
	BoxPetition = "petition"
)

// Channels are how a letter or a case reaches the office (信访渠道).
var Channels = vocab.Enum{
	{Code: "letter", Label: "来信"},
	{Code: "visit", Label: "来访"},
	{Code: "phone", Label: "来电"},
	{Code: Online, Label: "网上"},
	{Code: "upper", Label: "上级转送"},
	{Code: "leader", Label: "领导批示交办"},
}

// Online is the channel of the public form.
const Online = "online"

// The states of a letter or a case (States says them in words).
const (
	Received    = "received"
	Accepted    = "accepted"
	NotAccepted = "not_accepted"
	Transferred = "transferred"
	Junk        = "junk"
	Handling    = "handling"
	Replied     = "replied"
	Review      = "review"
	Reviewed    = "reviewed"
	Recheck     = "recheck"
	Final       = "final"
	Closed      = "closed"
)

// States are the states of a letter or a case.
var States = vocab.Enum{
	{Code: Received, Label: "待受理"},
	{Code: Accepted, Label: "已受理待交办"},
	{Code: NotAccepted, Label: "不予受理"},
	{Code: Transferred, Label: "已转送有权处理机关"},
	{Code: Junk, Label: "垃圾信息"},
	{Code: Handling, Label: "办理中"},
	{Code: Replied, Label: "已答复"},
	{Code: Review, Label: "复查中"},
	{Code: Reviewed, Label: "已复查"},
	{Code: Recheck, Label: "复核中"},
	{Code: Final, Label: "复核终结"},
	{Code: Closed, Label: "已办结"},
}

// Routes are how a case goes to a unit: 转办 (the unit handles and answers)
// or 交办 (and reports its result back to the office).
var Routes = vocab.Enum{
	{Code: "refer", Label: "转办"},
	{Code: "assign", Label: "交办"},
}

// Steps are the steps of a case.
var Steps = flow.NewTable([]flow.Step{
	{Object: "case", Action: "accept", Label: "受理", From: []string{Received}, To: Accepted, By: "office", Rule: "收到之日起15日内告知受理;复核终结的同一事项不再受理"},
	{Object: "case", Action: "not_accept", Label: "不予受理", From: []string{Received}, To: NotAccepted, By: "office", Rule: "不予受理须说明理由,并告知信访人"},
	{Object: "case", Action: "transfer", Label: "转送", From: []string{Received}, To: Transferred, By: "office", Rule: "不属于本机关职责的,转送有权处理的机关,并告知信访人"},
	{Object: "case", Action: "junk", Label: "确认为垃圾信息", From: []string{Received}, To: Junk, By: "office", Rule: "审核确认为垃圾信息(分类器从中学习);信访人仍可凭回执码查看"},
	{Object: "case", Action: "route", Label: "转办交办", From: []string{Accepted}, To: Handling, By: "office", Rule: "转办或交办给一个承办单位"},
	{Object: "case", Action: "extend", Label: "延长办理期限", From: []string{Handling}, To: Handling, By: "unit", Rule: "情况复杂的,经本单位负责人批准延长一次,不超过30日,告知信访人理由"},
	{Object: "case", Action: "reply", Label: "出具处理意见", From: []string{Handling}, To: Replied, By: "unit", Rule: "承办单位出具书面处理意见"},
	{Object: "case", Action: "rate", Label: "评价", From: []string{Replied, Reviewed, Final}, To: "", By: "sender", Rule: "信访人凭回执码评价;满意或基本满意即办结"},
	{Object: "case", Action: "request_review", Label: "请求复查", From: []string{Replied}, To: Review, By: "sender", Rule: "信访人不服处理意见,自收到答复之日起30日内请求复查(仅信访件)"},
	{Object: "case", Action: "decide_review", Label: "复查", From: []string{Review}, To: Reviewed, By: "office", Rule: "收到复查请求之日起30日内提出复查意见"},
	{Object: "case", Action: "request_recheck", Label: "请求复核", From: []string{Reviewed}, To: Recheck, By: "sender", Rule: "不服复查意见,自收到之日起30日内请求复核"},
	{Object: "case", Action: "hearing", Label: "听证", From: []string{Recheck}, To: Recheck, By: "office", Rule: "复核举行听证,听证期间不计入复核期限"},
	{Object: "case", Action: "decide_recheck", Label: "复核", From: []string{Recheck}, To: Final, By: "office", Rule: "30日内提出复核意见;复核终结,同一事实和理由不再受理"},
	{Object: "case", Action: "close", Label: "办结", From: []string{Replied, Reviewed}, To: Closed, By: "office", Rule: "请求复查、复核的期限届满未请求,或信访人满意"},
}, map[string]string{"release": "放行", "supervise": "督办", "register": "登记", "submit_public": "网上提交", "publish": "公开到论坛", "hide": "举报隐藏"})

// Service keeps the letters on the consultative work's core.
type Service struct {
	*cppcc.Service
}

// now is the service's time.
func (s *Service) now() time.Time { return store.Now(s.Now) }

// Case is a letter of a mailbox or a letters-and-visits case. The sender's
// name and phone are masked in JSON; the office reads them with Person.
type Case struct {
	ID           int64         `json:"id"`
	CommitteeID  int64         `json:"committee_id"`
	Box          string        `json:"box"`
	BoxLabel     string        `json:"box_label"`
	Channel      string        `json:"channel"`
	ChannelLabel string        `json:"channel_label"`
	Sender       string        `json:"sender"`
	Phone        string        `json:"phone"`
	Anonymous    bool          `json:"anonymous"`
	People       int           `json:"people"`
	Collective   bool          `json:"collective"`
	Title        string        `json:"title"`
	Content      string        `json:"content"`
	PublicOK     bool          `json:"public_ok"`
	NameOK       bool          `json:"name_ok"`
	State        string        `json:"state"`
	StateLabel   string        `json:"state_label"`
	Held         bool          `json:"held"`
	WasHeld      bool          `json:"was_held"`
	Score        int           `json:"score"`
	Reasons      []spam.Reason `json:"reasons"`
	DuplicateOf  *int64        `json:"duplicate_of"`
	// ProposalID is the proposal not filed the letter was made from.
	ProposalID   *int64        `json:"proposal_id"`
	UnitID       *int64        `json:"unit_id"`
	UnitName     string        `json:"unit_name"`
	Route        string        `json:"route"`
	Decision     string        `json:"decision"`
	Reply        string        `json:"reply"`
	Review       string        `json:"review"`
	Recheck      string        `json:"recheck"`
	Satisfaction string        `json:"satisfaction"`
	Extended     bool          `json:"extended"`
	Late         bool          `json:"late"`
	Stage        int           `json:"stage"`
	ReceivedOn   date.Date     `json:"received_on"`
	RepliedOn    date.Date     `json:"replied_on"`
	Month        int           `json:"-"`
	Clocks       []cppcc.Clock `json:"clocks,omitempty"`
	Files        []cppcc.File  `json:"files,omitempty"`
	Events       []cppcc.Event `json:"events,omitempty"`
	// Overdue is a running clock of the office or the unit past its date.
	Overdue bool `json:"overdue"`
	// DueOn is the date of the running clock the office or a unit must keep
	// (in lists), and DaysOverdue how many days ago it passed.
	DueOn       *date.Date `json:"due_on,omitempty"`
	DaysOverdue int        `json:"days_overdue,omitempty"`
	province    int64
	name        string
}

// endedStates are the states a case ends in: nothing more is done on it.
var endedStates = []string{NotAccepted, Transferred, Junk, Final, Closed}

// Running tells whether a case is still being handled, so may be
// supervised (督办): not ended, not held as suspected spam.
func (x Case) Running() bool { return !x.Held && !slices.Contains(endedStates, x.State) }

const caseCols = `x.id, x.committee_id, x.box, x.channel, x.name_enc, x.phone_enc, x.anonymous, x.people, x.title, x.content, x.public_ok, x.name_ok, x.state,
	x.held, x.was_held, x.score, x.reasons, x.duplicate_of, x.unit_id, COALESCE(uc.name, ''), x.route, x.decision, x.reply, x.review, x.recheck, x.satisfaction,
	x.extended, x.late, x.stage, x.received_on, x.replied_on, x.month, x.province_id, x.proposal_id`

const caseFrom = " FROM cases x LEFT JOIN committees uc ON uc.id = x.unit_id"

func (s *Service) scanCase(r store.Scanner) (Case, error) {
	var c Case
	var name, phone, reasons string
	var dup, unit, proposal sql.NullInt64
	var replied sql.Null[date.Date]
	err := r.Scan(&c.ID, &c.CommitteeID, &c.Box, &c.Channel, &name, &phone, &c.Anonymous, &c.People, &c.Title, &c.Content, &c.PublicOK, &c.NameOK, &c.State,
		&c.Held, &c.WasHeld, &c.Score, &reasons, &dup, &unit, &c.UnitName, &c.Route, &c.Decision, &c.Reply, &c.Review, &c.Recheck, &c.Satisfaction,
		&c.Extended, &c.Late, &c.Stage, &c.ReceivedOn, &replied, &c.Month, &c.province, &proposal)
	if err != nil {
		return c, err
	}
	if proposal.Valid {
		c.ProposalID = &proposal.Int64
	}
	c.RepliedOn = replied.V
	if dup.Valid {
		c.DuplicateOf = &dup.Int64
	}
	if unit.Valid {
		c.UnitID = &unit.Int64
	}
	_ = json.Unmarshal([]byte(reasons), &c.Reasons)
	c.BoxLabel, c.ChannelLabel, c.StateLabel = Boxes.Label(c.Box), Channels.Label(c.Channel), States.Label(c.State)
	c.Collective = c.People > 5
	if name != "" && s.Box != nil {
		if c.name, err = s.Box.Open(name); err != nil {
			return c, err
		}
		c.Sender = maskName(c.name)
	}
	if c.Anonymous {
		c.Sender = "匿名"
	}
	if phone != "" && s.Box != nil {
		p, err := s.Box.Open(phone)
		if err != nil {
			return c, err
		}
		c.Phone = member.MaskPhone(p)
	}
	return c, nil
}

// maskName keeps a name's first character: 张** for 张三丰.
func maskName(n string) string {
	rs := []rune(n)
	if len(rs) == 0 {
		return ""
	}
	return string(rs[0]) + strings.Repeat("*", max(1, len(rs)-1))
}

// senderSteps are the steps the sender takes (with the receipt code, no account).
var senderSteps = map[string]bool{"submit_public": true, "rate": true, "request_review": true, "request_recheck": true}

// ActionLabel is a step of a case in words.
func ActionLabel(action string) string { return Steps.Label("case", action) }

func (s *Service) caseEvent(ctx context.Context, tx *sql.Tx, c committee.Committee, x Case, action, from, to, note string, notice bool) error {
	by := audit.ActorOf(ctx).Username
	if senderSteps[action] {
		by = "来信人"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO public_events (province_id, committee_id, object, object_id, action, from_state, to_state, note, notice, by_user, by_name, at)
		VALUES ($1, $2, 'case', $3, $4, $5, $6, $7, $8, $9, $10, $11)`, c.Province(), c.ID, x.ID, action, from, to, note, notice, cppcc.NullUser(ctx), by, s.now()); err != nil {
		if err != nil {
			return fmt.Errorf("record case event: %w", err)
		}
		return nil
	}
	return s.Audit(ctx, tx, c, "case_"+action, "case", x.ID, map[string]any{"from": from, "to": to, "note": note})
}

// recase moves the committee's figures from what before counted to what the case counts now.
func (s *Service) recase(ctx context.Context, tx *sql.Tx, c committee.Committee, before Case, id int64) error {
	after, err := s.scanCase(tx.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE x.id = $1"+store.InProvince("x.province_id", c.Province()), id))
	if err != nil {
		return fmt.Errorf("refigure case: %w", err)
	}
	return cppcc.ApplyFigures(ctx, tx, c.Province(), c.ID, CaseKeys(after), CaseKeys(before))
}

// accepted are the states of a case once accepted.
var acceptedStates = []string{Accepted, Handling, Replied, Review, Reviewed, Recheck, Final, Closed}

// CaseKeys are the figures a case counts in the month it was received
// ("s|yyyymm|c:…") and its year.
func CaseKeys(x Case) []string {
	if x.ID == 0 {
		return nil
	}
	m := "s|" + strconv.Itoa(x.Month) + "|c:"
	keys := []string{m + "all", m + "box:" + x.Box, m + "ch:" + x.Channel, m + "st:" + x.State}
	add := func(ok bool, k string) {
		if ok {
			keys = append(keys, m+k)
		}
	}
	add(slices.Contains(acceptedStates, x.State), "accepted")
	add(x.State == NotAccepted, "not_accepted")
	add(x.State == Transferred, "transferred")
	add(!x.RepliedOn.IsZero() && !x.Late, "ontime")
	add(!x.RepliedOn.IsZero() && x.Late, "late")
	add(x.Satisfaction != "", "sat:"+x.Satisfaction)
	add(x.Stage >= 1, "review")
	add(x.Stage >= 2, "recheck")
	add(x.DuplicateOf != nil, "repeat")
	add(x.People > 5, "collective")
	add(x.Held, "held")
	add(x.WasHeld && !x.Held && x.State != Junk, "released")
	add(x.Extended, "extended")
	if x.UnitID != nil { // the unit's line: routed to it, replied on time or late
		u := "unit:" + strconv.FormatInt(*x.UnitID, 10) + ":"
		keys = append(keys, m+u+"routed")
		add(!x.RepliedOn.IsZero() && !x.Late, u+"ontime")
		add(!x.RepliedOn.IsZero() && x.Late, u+"late")
	}
	return cppcc.WithYears(x.Month, keys)
}

// Author is how the sender is named where the letter is published: by
// name only if they agreed to it.
func (x Case) Author() string {
	if x.NameOK && x.name != "" {
		return x.name
	}
	return "匿名"
}

// refusedCase says that the case cannot take action from its state.
func refusedCase(x Case, action string) error {
	return apperr.Conflict("当前状态为“%s”,不能%s", x.StateLabel, ActionLabel(action))
}

// Recount counts the letters' figures of every committee from their rows
// (the senders' names are not needed to count: no key is opened).
func Recount(ctx context.Context, q store.Querier, out stats.Figures) error {
	const batch = 20000
	s := &Service{Service: &cppcc.Service{Service: &committee.Service{}}}
	for after := int64(0); ; {
		cs, err := store.Query(ctx, q, s.scanCase, "SELECT "+caseCols+caseFrom+" WHERE x.id > $1 ORDER BY x.id LIMIT $2", after, batch)
		if err != nil {
			return fmt.Errorf("recount letters: %w", err)
		}
		for _, x := range cs {
			out.Add(x.CommitteeID, CaseKeys(x), 1)
		}
		if len(cs) < batch {
			return nil
		}
		after = cs[len(cs)-1].ID
	}
}
