package work

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Recount counts every work record's figures from the raw rows, at its own
// organisation; stats.Check adds them up the tree and compares them with
// the maintained figures.
func Recount(ctx context.Context, q store.Querier, add func(org int64, key string, n int64)) error {
	s := &Service{}
	for _, k := range Kinds {
		if k.Figures == nil {
			continue
		}
		parents := map[int64]*Record{}
		if k.Parent != "" {
			err := s.each(ctx, q, store.All, kindsByName[k.Parent], Filter{}, func(r Record) error {
				parents[r.ID] = &r
				return nil
			})
			if err != nil {
				return err
			}
		}
		err := s.each(ctx, q, store.All, k, Filter{}, func(r Record) error {
			for _, f := range k.Figures(r, parents[r.ParentID]) {
				add(r.OrgID, f.Key, f.N)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Line is one figure of the work summary.
type Line struct {
	Group string `json:"group"`
	Key   string `json:"key"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
	Value int64  `json:"value"`
	// Text is the value as shown: yuan for money, 万元 from 10,000 yuan up
	// (Exact then keeps the amount to the fen).
	Text  string `json:"text"`
	Exact string `json:"exact,omitempty"`
	// Kind is the record kind the figure counts, for a link to its list,
	// and View the list's view that keeps only those counted ("" : all).
	Kind string `json:"kind"`
	View string `json:"view,omitempty"`
	// Period marks figures counted within the period; the others are as of now.
	Period bool `json:"period"`
}

// lineDef is one line of the summary; kind is the record kind it counts,
// "kind/view" when a view of the list keeps only those counted.
type lineDef struct {
	key, label, unit, kind string
}

// lineDefs are the figures of the summary, in the words of the essays.
// A key ending in "@" is counted by month within the period.
var lineDefs = []struct {
	group string
	lines []lineDef
}{
	{"联系指导", []lineDef{
		{"links:committee", "党委成员联系基层党组织", "个", "links"},
		{"links:instructor", "党建指导员联系基层党组织", "个", "links"},
	}},
	{"走访慰问", []lineDef{
		{"visits@", "走访慰问", "次", "visits"},
		{"visits_mobile@", "其中走访慰问流动党员", "人次", "visits/mobile"},
		{"visits_fen@", "发放慰问金", "元", "visits"},
	}},
	{"结对帮扶", []lineDef{
		{"pairings", "结对", "对", "pairings"},
		{"commit_items", "承诺事项", "件", "pairing_items"},
		{"commit_done@", "落实承诺事项", "件", "pairing_items"},
		{"commit_open", "尚未兑现的承诺事项", "件", "pairing_items"},
	}},
	{"专项资金", []lineDef{
		{"funds", "专项资金", "项", "funds"},
		{"fund_budget_fen", "专项资金预算", "元", "funds"},
		{"fund_paid_fen@", "投入(已批准发放)", "元", "disbursements"},
		{"fund_grants@", "奖励、帮扶党员", "人次", "disbursements"},
		{"fund_reward@", "其中奖励", "人次", "disbursements"},
		{"fund_assistance@", "其中帮扶", "人次", "disbursements"},
	}},
	{"共建与岗区", []lineDef{
		{"cobuilds@", "签订共建协议", "份", "cobuilds"},
		{"cobuild_items", "共建事项", "件", "cobuild_items"},
		{"cobuild_done@", "完成共建事项", "件", "cobuild_items"},
		{"posts:model", "党员示范岗", "个", "posts"},
		{"posts:vanguard", "党员先锋岗", "个", "posts"},
		{"posts:zone", "党员责任区", "个", "posts"},
	}},
	{"志愿服务", []lineDef{
		{"activities@", "志愿服务和公益活动", "次", "activities"},
		{"volunteers@", "参加活动", "人次", "activity_people"},
		{"volunteer_hours@", "服务时长", "小时", "activity_people"},
	}},
	{"教育培训", []lineDef{
		{"trainings@", "举办培训班", "期", "trainings"},
		{"trained@", "培训", "人次", "training_people"},
		{"training_hours@", "培训学时", "人·学时", "training_people"},
		{"sites", "远程教育终端站点", "个", "sites"},
		{"sites:fault", "其中故障", "个", "sites"},
		{"sites:stopped", "其中停用", "个", "sites"},
	}},
	{"干部交流", []lineDef{
		{"exch_down@", "选派干部到村(居)、乡镇任职", "名", "exchanges"},
		{"exch_up@", "提拔到上级", "名", "exchanges"},
		{"exch_temporary@", "外派挂职", "名", "exchanges"},
	}},
	{"三个培养", []lineDef{
		{"cult_member_to_leader@", "把党员培养成致富带头人", "名", "cultivations"},
		{"cult_leader_to_member@", "把致富带头人培养成党员", "名", "cultivations"},
		{"cult_leader_to_cadre@", "把党员致富带头人培养成村组干部", "名", "cultivations"},
	}},
	{"党务工作者", []lineDef{
		{"talent", "人才库人员", "名", "candidates"},
		{"talent_requests@", "企业用人需求", "个", "talent_requests"},
		{"talent_appointed@", "选派到企业任专职党务工作者", "名", "selections"},
		{"review_renew", "述职后续聘", "名", "reviews"},
		{"review_dismiss", "述职后解聘", "名", "reviews"},
	}},
}

// Summarize turns one organisation's figures into the lines of the work
// summary, counting the monthly figures of the months from..to ("2006-01").
func Summarize(m map[string]int64, from, to string) []Line {
	var out []Line
	for _, g := range lineDefs {
		for _, d := range g.lines {
			kind, view, _ := strings.Cut(d.kind, "/")
			l := Line{Group: g.group, Key: strings.TrimSuffix(d.key, "@"), Label: d.label, Unit: d.unit, Kind: kind, View: view, Period: strings.HasSuffix(d.key, "@")}
			if l.Period {
				for k, n := range m {
					base, month, ok := strings.Cut(k, "@")
					if ok && base == l.Key && month >= from && month <= to {
						l.Value += n
					}
				}
			} else {
				l.Value = m[l.Key]
			}
			l.Text = Grouped(l.Value)
			if d.unit == "元" {
				l.Text = Yuan(l.Value)
				if l.Value >= wan {
					l.Exact, l.Text, l.Unit = l.Text+" 元", WanYuan(l.Value), "万元"
				}
			}
			out = append(out, l)
		}
	}
	return out
}

// Live holds the figures worked out from today's date when read.
type Live struct {
	// Overdue commitment items not fulfilled by their date, and those due within a week.
	Overdue int64 `json:"overdue"`
	DueSoon int64 `json:"due_soon"`
	// Branches with no one linked to them now.
	Unlinked int64 `json:"unlinked"`
}

// branchTypes are the organisation types a committee member or instructor is linked to.
const branchTypes = "('branch', 'joint_branch', 'general_branch', 'temporary_branch')"

// unlinkedFrom reads the branches of the subtree at path ($1, $2) no one is
// linked to now: the links of the subtree are read once (in its province),
// not once per branch.
func unlinkedFrom(path string) string {
	return ` FROM orgs o WHERE o.path >= $1 AND o.path < $2 AND o.dissolved_at IS NULL AND o.type IN ` + branchTypes +
		` AND o.id NOT IN (SELECT l.org_id FROM links l JOIN orgs lo ON lo.id = l.org_id
			WHERE lo.path >= $1 AND lo.path < $2 AND l.until IS NULL` + store.ScopeOf(path).ProvinceParam("l.province_id") + `)`
}

// LiveFigures counts what depends on today's date in the subtree of an organisation in scope.
func (s *Service) LiveFigures(ctx context.Context, sc store.Scope, orgID int64) (Live, error) {
	var out Live
	k := kindsByName["pairing_items"]
	for _, c := range []struct {
		view string
		dst  *int64
	}{{"overdue", &out.Overdue}, {"soon", &out.DueSoon}} {
		w, err := s.where(ctx, s.DB, sc, k, Filter{OrgID: orgID, View: c.view})
		if err != nil {
			return out, err
		}
		if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM pairing_items t JOIN orgs o ON o.id = t.org_id WHERE o.path >= $1 AND o.path < $2"+w.String(), w.Args...).Scan(c.dst); err != nil {
			return out, fmt.Errorf("read live figures: %w", err)
		}
	}
	path, err := s.pathIn(ctx, s.DB, sc, orgID)
	if err != nil {
		return out, err
	}
	lo, hi := store.PathRange(path)
	err = s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+unlinkedFrom(path), lo, hi).Scan(&out.Unlinked)
	if err != nil {
		return out, fmt.Errorf("read live figures: %w", err)
	}
	return out, nil
}

// Branch is a grassroots organisation in the list of those no one is linked to.
type Branch struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Unlinked lists the branches in the subtree with no one linked to them now.
func (s *Service) Unlinked(ctx context.Context, sc store.Scope, orgID int64, p store.Page) (store.List[Branch], error) {
	out, p := store.NewList[Branch](p)
	path, err := s.pathIn(ctx, s.DB, sc, orgID)
	if err != nil {
		return out, err
	}
	w := store.NewWhere(store.PathRange(path))
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+unlinkedFrom(path), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list unlinked branches: %w", err)
	}
	limit, args := w.Limit(p)
	out.Items, err = store.Query(ctx, s.DB, func(sc store.Scanner) (Branch, error) {
		var b Branch
		return b, sc.Scan(&b.ID, &b.Name)
	}, "SELECT o.id, o.name"+unlinkedFrom(path)+" ORDER BY o.path"+limit, args...)
	if err != nil {
		return out, fmt.Errorf("list unlinked branches: %w", err)
	}
	return out, nil
}

// pathIn returns the path of an organisation in scope.
func (s *Service) pathIn(ctx context.Context, q store.Querier, sc store.Scope, orgID int64) (string, error) {
	path, err := org.PathIn(ctx, q, sc, orgID, false)
	if err == nil && path == "" {
		err = apperr.NotFound("党组织")
	}
	return path, err
}

// Period returns the months of a period given as "2006-01" (either may be
// empty: from January of this year to this month).
func Period(from, to string, today date.Date) (string, string) {
	if len(from) != 7 {
		from = today.String()[:4] + "-01"
	}
	if len(to) != 7 {
		to = today.String()[:7]
	}
	return from, to
}

// Comparison is a line of the summary beside the period before it (as
// many months, ending the month before) and the same months a year
// earlier; lines of present counts (现有) are not compared.
type Comparison struct {
	Line
	Prev, YearAgo int64
}

// Change is the difference from a base, with its share of the base ("" when the base is 0).
func Change(now, base int64) (string, string) {
	diff := signed(now - base)
	if base == 0 {
		return diff, ""
	}
	return diff, strconv.FormatFloat(float64(now-base)*100/float64(base), 'f', 1, 64) + "%"
}

func signed(n int64) string {
	if n > 0 {
		return "+" + Grouped(n)
	}
	return Grouped(n)
}

// Periods are the months compared: the period asked, the one before it of
// as many months, and the same months a year earlier ("2006-01").
type Periods struct {
	From, To, PrevFrom, PrevTo, YearFrom, YearTo string
}

// Compare lays out the summary of the months from..to with each period
// line's figure for the period before and a year earlier.
func Compare(m map[string]int64, from, to string) ([]Comparison, Periods) {
	n := months(from, to)
	p := Periods{From: from, To: to, PrevFrom: shiftMonth(from, -n), PrevTo: shiftMonth(from, -1),
		YearFrom: shiftMonth(from, -12), YearTo: shiftMonth(to, -12)}
	prev, year := Summarize(m, p.PrevFrom, p.PrevTo), Summarize(m, p.YearFrom, p.YearTo)
	var out []Comparison
	for i, l := range Summarize(m, from, to) {
		c := Comparison{Line: l}
		if l.Period {
			c.Prev, c.YearAgo = prev[i].Value, year[i].Value
		}
		out = append(out, c)
	}
	return out, p
}

// months counts the months from..to, both included ("2006-01"), at least 1.
func months(from, to string) int {
	f, err1 := time.Parse("2006-01", from)
	t, err2 := time.Parse("2006-01", to)
	if err1 != nil || err2 != nil || t.Before(f) {
		return 1
	}
	return (t.Year()-f.Year())*12 + int(t.Month()-f.Month()) + 1
}

// shiftMonth moves a month ("2006-01") by n months.
func shiftMonth(month string, n int) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// Group is the lines of one group of the summary, in order.
type Group struct {
	Name  string
	Lines []Line
}

// GroupLines gathers consecutive lines of the same group.
func GroupLines(lines []Line) []Group {
	var out []Group
	for _, l := range lines {
		if len(out) == 0 || out[len(out)-1].Name != l.Group {
			out = append(out, Group{Name: l.Group})
		}
		out[len(out)-1].Lines = append(out[len(out)-1].Lines, l)
	}
	return out
}

// figures lists what a record adds to the figures.
func figures(r *Record, parent *Record) stats.Delta {
	d := stats.Delta{}
	if r == nil || r.Kind.Figures == nil {
		return d
	}
	for _, f := range r.Kind.Figures(*r, parent) {
		d[f.Key] += f.N
	}
	return d
}

// refigure moves the figures of the record's organisation path from what
// before counted to what after counts.
func (s *Service) refigure(ctx context.Context, tx *sql.Tx, before, after *Record, parent *Record) error {
	d := figures(after, parent)
	for k, n := range figures(before, parent) {
		d[k] -= n
	}
	path := ""
	if after != nil {
		path = after.OrgPath
	} else {
		path = before.OrgPath
	}
	return stats.ApplyPath(ctx, s.DB, tx, path, d)
}

// refigureChildren recounts the children whose figures depend on a changed parent.
func (s *Service) refigureChildren(ctx context.Context, tx *sql.Tx, before, after Record) error {
	for _, c := range before.Kind.Children() {
		if c.Figures == nil {
			continue
		}
		var kids []Record
		err := s.each(ctx, tx, store.ScopeOf(before.OrgPath), c, Filter{ParentID: before.ID}, func(r Record) error {
			kids = append(kids, r)
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range kids {
			d := figures(&r, &after)
			for k, n := range figures(&r, &before) {
				d[k] -= n
			}
			if err := stats.ApplyPath(ctx, s.DB, tx, r.OrgPath, d); err != nil {
				return err
			}
		}
	}
	return nil
}
