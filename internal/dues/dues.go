package dues

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/flow"
	"dangjian/internal/member"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Service keeps the dues.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

func (s *Service) now() time.Time { return store.Now(s.Now) }

func (s *Service) today() date.Date { return date.Of(s.now()) }

// thisMonth is the month of today.
func (s *Service) thisMonth() Month { return MonthOf(s.today()) }

// States of a base, a payment and a remittance.
const (
	BasePending   = "pending"
	BaseConfirmed = "confirmed"
	BaseDisputed  = "disputed"
	BaseVoid      = "void"

	PaymentClaimed   = "claimed"
	PaymentConfirmed = "confirmed"
	PaymentRejected  = "rejected"
	PaymentVoid      = "void"

	RemitPending  = "pending"
	RemitApproved = "approved"
	RemitRejected = "rejected"
)

// The objects of Steps, as the audit trail names them.
const (
	ObjBase       = "dues_base"
	ObjPayment    = "dues_payment"
	ObjRemittance = "dues_remittance"
)

// BaseStates, PaymentStates and RemitStates say the states in words.
var (
	BaseStates = vocab.Enum{{Code: BasePending, Label: "待本人确认"}, {Code: BaseConfirmed, Label: "本人已确认"},
		{Code: BaseDisputed, Label: "本人有异议"}, {Code: BaseVoid, Label: "已撤回"}}
	PaymentStates = vocab.Enum{{Code: PaymentClaimed, Label: "待支部确认"}, {Code: PaymentConfirmed, Label: "已收"},
		{Code: PaymentRejected, Label: "未予确认"}, {Code: PaymentVoid, Label: "已冲销"}}
	RemitStates = vocab.Enum{{Code: RemitPending, Label: "待审批"}, {Code: RemitApproved, Label: "已上缴"}, {Code: RemitRejected, Label: "已驳回"}}
)

// Methods are how a payment was made.
var Methods = vocab.Enum{{Code: "cash", Label: "现金"}, {Code: "transfer", Label: "转账"}}

// Steps are every state change of the dues: "" is the state before a row
// exists. By is who takes the step: the branch (a user with member.write in
// the member's scope), the member themselves, or a checker other than the
// one who entered the row.
var Steps = flow.NewTable([]flow.Step{
	{Object: ObjBase, Action: "set", Label: "核定党费基数", From: []string{""}, To: BasePending, By: "branch",
		Rule: "基层党组织年初核定党员月交纳党费数额,年内一般不变动(组电明字〔2017〕5号);工资收入变化的,从按新标准领取的当月起按新基数(第十条)"},
	{Object: ObjBase, Action: "confirm", Label: "确认党费基数", From: []string{BasePending}, To: BaseConfirmed, By: "member",
		Rule: "党员本人确认(或支部登记本人签字确认);确认后按此基数计算每月党费"},
	{Object: ObjBase, Action: "dispute", Label: "对党费基数提出异议", From: []string{BasePending}, To: BaseDisputed, By: "member",
		Rule: "党员本人说明理由,由支部重新核定"},
	{Object: ObjBase, Action: "withdraw", Label: "撤回党费基数", From: []string{BasePending, BaseDisputed, BaseConfirmed}, To: BaseVoid, By: "branch",
		Rule: "按此基数交纳的月份须先冲销"},
	{Object: ObjPayment, Action: "record", Label: "登记交纳党费", From: []string{""}, To: PaymentConfirmed, By: "branch",
		Rule: "按月交纳;经党支部同意可按季度交纳或预交,预交不超过本月之后6个月(第十二条)"},
	{Object: ObjPayment, Action: "claim", Label: "本人报告已交党费", From: []string{""}, To: PaymentClaimed, By: "member",
		Rule: "党员本人报告已转账或当面交纳,待支部确认收到"},
	{Object: ObjPayment, Action: "confirm", Label: "确认收到党费", From: []string{PaymentClaimed}, To: PaymentConfirmed, By: "branch",
		Rule: "支部核对收到的款项和收据号后确认"},
	{Object: ObjPayment, Action: "reject", Label: "不予确认", From: []string{PaymentClaimed}, To: PaymentRejected, By: "branch",
		Rule: "未收到款项或金额不符,说明理由"},
	{Object: ObjPayment, Action: "void", Label: "冲销交纳记录", From: []string{PaymentConfirmed}, To: PaymentVoid, By: "branch",
		Rule: "登记有误时冲销,须先冲销该党员其后的交纳记录;已上缴而结存不足的不能冲销"},
	{Object: ObjRemittance, Action: "submit", Label: "登记上缴党费", From: []string{""}, To: RemitPending, By: "branch",
		Rule: "按规定向上级党组织上缴党费,不超过本级结存"},
	{Object: ObjRemittance, Action: "approve", Label: "批准上缴", From: []string{RemitPending}, To: RemitApproved, By: "checker",
		Rule: "须由录入人以外的用户审批;批准后款项从本级结存转入上级"},
	{Object: ObjRemittance, Action: "reject", Label: "驳回上缴", From: []string{RemitPending}, To: RemitRejected, By: "checker",
		Rule: "须由录入人以外的用户审批,说明理由"},
}, nil)

// allowed refuses an action that is none of actions, the steps of object
// the caller may take here, naming those.
func allowed(object, action string, actions ...string) error {
	if slices.Contains(actions, action) {
		return nil
	}
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a + "(" + Steps.Label(object, a) + ")"
	}
	return apperr.New("not_found", http.StatusNotFound, "没有“%s”这一办理,可以办理的是:%s", action, strings.Join(names, "、"))
}

// next is where action takes object from state, or the conflict a user reads.
func next(object, action, state string, states vocab.Enum, noun string) (string, error) {
	to, ok := Steps.Next(object, action, state)
	if !ok {
		return "", apperr.Conflict("该%s%s,不能%s", noun, states.Label(state), Steps.Label(object, action))
	}
	return to, nil
}

// Month is a calendar month written yyyymm (202605), as the tables keep it;
// 0 is none.
type Month int

// MonthOf is the month of a day.
func MonthOf(d date.Date) Month { return Month(d.Year()*100 + int(d.Time().Month())) }

// MonthIn is the month m (1–12) of year y.
func MonthIn(y, m int) Month { return Month(y*100 + m) }

// Year and Num are the month's year and its number in the year.
func (m Month) Year() int { return int(m) / 100 }

// Num is the month's number in its year, 1 to 12.
func (m Month) Num() int { return int(m) % 100 }

// index counts months from year 0, so that months subtract.
func (m Month) index() int { return m.Year()*12 + m.Num() - 1 }

// Add is the month n months after m (before, for n < 0).
func (m Month) Add(n int) Month {
	i := m.index() + n
	return MonthIn(i/12, i%12+1)
}

// Since is how many months m is after o.
func (m Month) Since(o Month) int { return m.index() - o.index() }

// String is "2026-05" ("" for none).
func (m Month) String() string {
	if m == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year(), m.Num())
}

// Chinese is "2026年5月".
func (m Month) Chinese() string { return fmt.Sprintf("%d年%d月", m.Year(), m.Num()) }

// ParseMonth reads "2026-05" or "2026-5" ("" is none) of a year from
// date.MinYear to date.MaxYear.
func ParseMonth(s string) (Month, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	y, mo, ok := strings.Cut(s, "-")
	yn, err1 := strconv.Atoi(y)
	mn, err2 := strconv.Atoi(mo)
	if !ok || err1 != nil || err2 != nil || len(y) != 4 || yn < date.MinYear || yn > date.MaxYear || mn < 1 || mn > 12 {
		return 0, false
	}
	return MonthIn(yn, mn), true
}

// person is what the dues read of someone on the roster.
type person struct {
	ID, OrgID     int64
	Name, OrgName string
	Path          string
	Stage, Status string
	JoinedOn      date.Date
}

// counted tells whether the person is an active Party member, whose dues
// the figures count and who may be given a base or pay.
func (p person) counted() bool { return p.Status == member.StatusActive && stats.IsMember(p.Stage) }

// province is where the person's rows are kept.
func (p person) province() int64 { return store.ProvinceOf(p.Path) }

// personIn reads someone on the roster of an organisation in scope.
func (s *Service) personIn(ctx context.Context, q store.Querier, sc store.Scope, id int64) (person, error) {
	return s.personRouted(ctx, q, sc, sc.ProvinceParam("m.province_id"), id)
}

// personAt reads someone on the roster whose rows a dues row of province
// prov names: looked for there first, then (a member since received in
// another province) everywhere.
func (s *Service) personAt(ctx context.Context, q store.Querier, id, prov int64) (person, error) {
	p, err := s.personRouted(ctx, q, store.All, store.InProvince("m.province_id", prov), id)
	if apperr.IsNotFound(err) {
		return s.personRouted(ctx, q, store.All, "", id)
	}
	return p, err
}

// personRouted is personIn with the condition routed naming the person's province.
func (s *Service) personRouted(ctx context.Context, q store.Querier, sc store.Scope, routed string, id int64) (person, error) {
	lo, hi := sc.Range()
	var p person
	err := q.QueryRowContext(ctx, `SELECT m.id, m.name, m.org_id, o.name, o.path, m.stage, m.status, m.joined_on
		FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2`+sc.Exact("o.path")+routed+` AND m.id = $3`,
		lo, hi, id).Scan(&p.ID, &p.Name, &p.OrgID, &p.OrgName, &p.Path, &p.Stage, &p.Status, &p.JoinedOn)
	if errors.Is(err, sql.ErrNoRows) {
		return person{}, apperr.NotFound("党员")
	}
	return p, err
}

// routed is the condition that routes a statement on a row of table alias
// t to province prov (0: the scope's, when it lies in one).
func routed(sc store.Scope, t string, prov int64) string {
	if prov != 0 {
		return store.InProvince(t+".province_id", prov)
	}
	return sc.ProvinceParam(t + ".province_id")
}

// orgIn reads an organisation in scope: its name and path.
func orgIn(ctx context.Context, q store.Querier, sc store.Scope, id int64) (name, path string, err error) {
	lo, hi := sc.Range()
	err = q.QueryRowContext(ctx, "SELECT name, path FROM orgs WHERE path >= $1 AND path < $2"+sc.Exact("path")+" AND id = $3", lo, hi, id).Scan(&name, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.NotFound("党组织")
	}
	return name, path, err
}

// choices lists a vocabulary's codes with their words, for a message about
// a parameter that takes the codes: "claimed(待支部确认)、confirmed(已收)".
func choices(e vocab.Enum) string {
	out := make([]string, len(e))
	for i, it := range e {
		out[i] = it.Code + "(" + it.Label + ")"
	}
	return strings.Join(out, "、")
}
