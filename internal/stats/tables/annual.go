package tables

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

// Days is the period of the annual tables: whole months, from the first day
// of the first to the last day of the last ("2006-01"; by default the year
// of today to its end).
type Days struct{ From, To date.Date }

// DaysOf reads the months from..to as days.
func DaysOf(from, to string, today date.Date) Days {
	if len(from) != 7 && len(to) != 7 {
		from, to = today.String()[:4]+"-01", today.String()[:4]+"-12"
	}
	from, to = work.Period(from, to, today)
	first := func(m string) date.Date {
		y, _ := strconv.Atoi(m[:4])
		mo, _ := strconv.Atoi(m[5:])
		if y < date.MinYear || y > date.MaxYear || mo < 1 || mo > 12 {
			return today
		}
		return date.New(y, time.Month(mo), 1)
	}
	d := Days{first(from), first(to).AddDate(0, 1, -1)}
	if d.To.Before(d.From) {
		d.To = d.From.AddDate(0, 1, -1)
	}
	return d
}

// Note is the line under an annual table's title.
func (d Days) Note(units string) string {
	return fmt.Sprintf("统计期间 %s 至 %s;年初为期间开始前一日、年末为期间最后一日的数;单位:%s", d.From.Chinese(), d.To.Chinese(), units)
}

// ReadAnnual reads the period figures of the organisation orgID in scope,
// its children and its own line: the changes counted from the records of
// the period, the members at its end taken back from the maintained count.
func ReadAnnual(ctx context.Context, db *store.DB, orgs *org.Service, sc store.Scope, orgID int64, d Days) (StatsTable, error) {
	return readLines(ctx, orgs, sc, orgID, func(paths []string) (map[int64]map[string]int64, error) {
		now, err := stats.ReadEach(ctx, db, paths, stats.KMembers)
		if err != nil {
			return nil, err
		}
		out := map[int64]map[string]int64{}
		for _, p := range paths {
			ids := store.PathIDs(p)
			id := ids[len(ids)-1]
			if out[id], err = stats.Annual(ctx, db, p, d.From, d.To, now[id][stats.KMembers]); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// sumOf adds up the figures of the keys.
func sumOf(m map[string]int64, prefix string, e vocab.Enum) int64 {
	var n int64
	for _, it := range e {
		n += m[prefix+it.Code]
	}
	return n
}

// expulsions are the reasons counted together as 出党.
var expulsions = vocab.Enum{{Code: "expel"}, {Code: "remove"}, {Code: "withdraw"}}

// ChangesLayout is the 党员增减情况统计表 of the period: the members at its
// start, each increase and decrease by reason with their totals, the
// members at its end (start + increases − decreases).
func ChangesLayout(d Days) StatsLayout {
	cols := []StatsColumn{{"年初党员数", "年初党员数", false}, {"党员增加", "合计", false}}
	for _, r := range stats.InReasons {
		cols = append(cols, StatsColumn{"党员增加", r.Label, false})
	}
	cols = append(cols, StatsColumn{"党员减少", "合计", false}, StatsColumn{"党员减少", "死亡", false}, StatsColumn{"党员减少", "出党", false})
	for _, r := range stats.OutReasons[1:] {
		label := r.Label
		if _, ok := expulsions.Parse(r.Code); ok {
			label = "其中:" + label
		}
		cols = append(cols, StatsColumn{"党员减少", label, false})
	}
	cols = append(cols, StatsColumn{"年末党员数", "年末党员数", false})
	return StatsLayout{
		Title:   "党员增减情况统计表",
		Note:    d.Note("人"),
		Columns: cols,
		Values: func(m map[string]int64) []int64 {
			out := []int64{m[stats.AStart], sumOf(m, stats.AIn, stats.InReasons)}
			for _, r := range stats.InReasons {
				out = append(out, m[stats.AIn+r.Code])
			}
			out = append(out, sumOf(m, stats.AOut, stats.OutReasons), m[stats.AOut+"death"], sumOf(m, stats.AOut, expulsions))
			for _, r := range stats.OutReasons[1:] {
				out = append(out, m[stats.AOut+r.Code])
			}
			return append(out, m[stats.AEnd])
		},
	}
}

// DevelopmentLayout is the 发展党员情况统计表 of the period: the pipeline's
// steps taken in it, and those admitted by sex, ethnicity, education, the
// age at admission and occupation (each breakdown adding up to the total).
func DevelopmentLayout(d Days) StatsLayout {
	var cols []StatsColumn
	for _, s := range stats.DevSteps[:3] {
		cols = append(cols, StatsColumn{"发展工作", s.Label, false})
	}
	cols = append(cols, StatsColumn{"发展党员", "合计", false})
	for _, l := range []string{"女", "少数民族", "大专及以上"} {
		cols = append(cols, StatsColumn{"发展党员", "其中:" + l, false})
	}
	for _, b := range stats.AdmitAges {
		cols = append(cols, StatsColumn{"发展时年龄", b.Label, false})
	}
	for _, e := range vocab.Education {
		cols = append(cols, StatsColumn{"学历", e.Label, false})
	}
	for _, o := range vocab.Occupations {
		cols = append(cols, StatsColumn{"职业", o.Label, false})
	}
	cols = append(cols, StatsColumn{"职业", stats.OtherOccupation, false}, StatsColumn{"预备党员转正", "预备党员转正", false})
	return StatsLayout{
		Title:   "发展党员情况统计表",
		Note:    d.Note("人;年龄为接收为预备党员之日的周岁"),
		Columns: cols,
		Values: func(m map[string]int64) []int64 {
			var out []int64
			for _, s := range stats.DevSteps[:4] {
				out = append(out, m[stats.ADev+s.Code])
			}
			for _, k := range []string{"female", "minority", "college"} {
				out = append(out, m[stats.AAdmitBy+k])
			}
			for _, b := range stats.AdmitAges {
				out = append(out, m[stats.AAdmitBy+"age:"+strconv.Itoa(b.Min)])
			}
			for _, e := range vocab.Education {
				out = append(out, m[stats.AAdmitBy+"edu:"+e.Code])
			}
			for _, o := range vocab.Occupations {
				out = append(out, m[stats.AAdmitBy+"occ:"+o.Code])
			}
			return append(out, m[stats.AAdmitBy+"occ:"+stats.OtherOccupation], m[stats.ADev+"confirm"])
		},
	}
}

// OrgChangesLayout is the 党组织增减情况统计表 of the period: the
// organisations at its start, founded and dissolved in it, at its end, and
// those at its end by type.
func OrgChangesLayout(d Days) StatsLayout {
	cols := []StatsColumn{{"年初数", "年初数", false}, {"本期增减", "新建", false}, {"本期增减", "撤销", false}, {"年末数", "年末数", false}}
	for _, t := range vocab.OrgTypes {
		cols = append(cols, StatsColumn{"年末按类别", t.Label, false})
	}
	return StatsLayout{
		Title:   "党组织增减情况统计表",
		Note:    d.Note("个;新建以成立日期计,未填成立日期的按已有计"),
		Columns: cols,
		Values: func(m map[string]int64) []int64 {
			out := []int64{m[stats.AOrgs+"start"], m[stats.AOrgs+"new"], m[stats.AOrgs+"dissolved"], m[stats.AOrgs+"end"]}
			for _, t := range vocab.OrgTypes {
				out = append(out, m[stats.AOrgs+"type:"+t.Code])
			}
			return out
		},
	}
}

// MobileLayout is the 流动党员情况统计表 of the period: members flowing out
// and flowing in, at its start, begun and ended in it, at its end.
func MobileLayout(d Days) StatsLayout {
	var cols []StatsColumn
	for _, g := range []string{"外出流动党员", "流入党员"} {
		for _, l := range []string{"年初数", "本期新增", "本期结束", "年末数"} {
			cols = append(cols, StatsColumn{g, l, false})
		}
	}
	return StatsLayout{
		Title:   "流动党员情况统计表",
		Note:    d.Note("人"),
		Columns: cols,
		Values: func(m map[string]int64) []int64 {
			var out []int64
			for _, kind := range []string{"out", "in"} {
				for _, k := range []string{"start", "new", "ended", "end"} {
					out = append(out, m[stats.AMobile+kind+":"+k])
				}
			}
			return out
		},
	}
}

// AnnualLayouts are the tables of the annual workbook read from the
// period's records, by their key.
func AnnualLayouts(d Days) []struct {
	Key    string
	Layout StatsLayout
} {
	return []struct {
		Key    string
		Layout StatsLayout
	}{{"changes", ChangesLayout(d)}, {"development", DevelopmentLayout(d)}, {"orgs", OrgChangesLayout(d)}, {"mobile", MobileLayout(d)}}
}

// Workbook reads every statistics table of the organisation orgID in scope
// for the period: the members at its end (党员队伍基本情况, read at the
// maintained figures when the period reaches today), the four tables of
// the period, the coverage and the work of its months; one sheet each.
func Workbook(ctx context.Context, db *store.DB, orgs *org.Service, sc store.Scope, orgID int64, d Days, today date.Date) ([]StatsSheet, error) {
	now, err := ReadStats(ctx, db, orgs, sc, orgID)
	if err != nil {
		return nil, err
	}
	period, err := ReadAnnual(ctx, db, orgs, sc, orgID, d)
	if err != nil {
		return nil, err
	}
	sheets := []StatsSheet{{"党员队伍基本情况", now, MembersLayout(d.To.Year(), today)}}
	for _, l := range AnnualLayouts(d) {
		sheets = append(sheets, StatsSheet{l.Layout.Title[:len(l.Layout.Title)-len("统计表")], period, l.Layout})
	}
	months := func(x date.Date) string { return x.String()[:7] }
	return append(sheets, StatsSheet{"党组织覆盖情况", now, CoverageLayout(today)},
		StatsSheet{"基层党建工作", now, WorkLayout(months(d.From), months(d.To), today)}), nil
}

// WorkbookName is the name the workbook is downloaded as.
func WorkbookName(o org.Org, d Days) string {
	if d.From.Time().YearDay() == 1 && d.To == d.From.AddDate(1, 0, -1) {
		return fmt.Sprintf("%s%d年度党内统计表.xlsx", o.Name, d.From.Year())
	}
	return fmt.Sprintf("%s党内统计表(%s至%s).xlsx", o.Name, d.From, d.To)
}

// AnnualMismatch is a cell of an annual table that differs from the
// recount, or a line whose columns do not add up.
type AnnualMismatch struct {
	Org     string `json:"org"`
	Line    string `json:"line"`
	Table   string `json:"table"`
	Column  string `json:"column"`
	Shown   int64  `json:"shown"`
	Counted int64  `json:"counted"`
}

// CheckAnnual compares the annual tables of every top organisation (its
// total, each child's line and its own line) with a recount from all the
// rows (stats.RecountAnnual), and checks that each recounted line adds up:
// start plus increases less decreases is the end, for the members, the
// organisations and the mobile members, and each breakdown of those
// admitted sums to their number. Strays are the people whose recorded
// history does not lead to where the roster has them.
func CheckAnnual(ctx context.Context, db *store.DB, orgs *org.Service, d Days) ([]AnnualMismatch, []int64, error) {
	own, strays, err := stats.RecountAnnual(ctx, db, d.From, d.To)
	if err != nil {
		return nil, nil, err
	}
	type orgPath struct {
		id   int64
		path string
	}
	all, err := store.Query(ctx, db, func(sc store.Scanner) (orgPath, error) {
		var o orgPath
		return o, sc.Scan(&o.id, &o.path)
	}, "SELECT id, path FROM orgs")
	if err != nil {
		return nil, nil, fmt.Errorf("read the organisations' paths: %w", err)
	}
	paths := make(map[int64]string, len(all))
	for _, o := range all {
		paths[o.id] = o.path
	}
	// counted sums the recount over the subtree at path (only its own organisation's when alone).
	counted := func(path string, alone bool) map[string]int64 {
		out := map[string]int64{}
		for id, m := range own {
			p := paths[id]
			if p == path || (!alone && strings.HasPrefix(p, path)) {
				for k, n := range m {
					out[k] += n
				}
			}
		}
		return out
	}
	roots, err := orgs.Roots(ctx, store.All)
	if err != nil {
		return nil, nil, err
	}
	var out []AnnualMismatch
	for _, root := range roots {
		t, err := ReadAnnual(ctx, db, orgs, store.All, root.ID, d)
		if err != nil {
			return nil, nil, err
		}
		children, err := orgs.Children(ctx, store.All, root.ID)
		if err != nil {
			return nil, nil, err
		}
		for i, line := range t.Lines {
			var want map[string]int64
			switch {
			case i == 0:
				want = counted(root.Path, false)
			case i <= len(children):
				want = counted(children[i-1].Path, false)
			default:
				want = counted(root.Path, true)
			}
			for _, a := range AnnualLayouts(d) {
				shown, recount := a.Layout.Values(line.Figures), a.Layout.Values(want)
				for c := range shown {
					if shown[c] != recount[c] {
						out = append(out, AnnualMismatch{root.Name, line.Name, a.Layout.Title, a.Layout.Columns[c].Label, shown[c], recount[c]})
					}
				}
			}
			for _, s := range unbalanced(want) {
				out = append(out, AnnualMismatch{root.Name, line.Name, s.table, s.column, s.shown, s.counted})
			}
		}
	}
	return out, strays, nil
}

type imbalance struct {
	table, column  string
	shown, counted int64
}

// unbalanced lists the sums of a line's figures that do not add up: shown
// is the figure, counted what its parts add up to.
func unbalanced(m map[string]int64) []imbalance {
	var out []imbalance
	check := func(table, column string, shown, counted int64) {
		if shown != counted {
			out = append(out, imbalance{table, column, shown, counted})
		}
	}
	check("党员增减情况统计表", "年末党员数", m[stats.AEnd], m[stats.AStart]+sumOf(m, stats.AIn, stats.InReasons)-sumOf(m, stats.AOut, stats.OutReasons))
	admitted := m[stats.ADev+"admit"]
	check("党员增减情况统计表", "发展党员", m[stats.AIn+"admit"], admitted)
	var ages int64
	for _, b := range stats.AdmitAges {
		ages += m[stats.AAdmitBy+"age:"+strconv.Itoa(b.Min)]
	}
	check("发展党员情况统计表", "发展时年龄", ages, admitted)
	check("发展党员情况统计表", "学历", sumOf(m, stats.AAdmitBy+"edu:", vocab.Education), admitted)
	check("发展党员情况统计表", "职业", sumOf(m, stats.AAdmitBy+"occ:", vocab.Occupations)+m[stats.AAdmitBy+"occ:"+stats.OtherOccupation], admitted)
	check("党组织增减情况统计表", "年末数", m[stats.AOrgs+"end"], m[stats.AOrgs+"start"]+m[stats.AOrgs+"new"]-m[stats.AOrgs+"dissolved"])
	check("党组织增减情况统计表", "年末按类别", sumOf(m, stats.AOrgs+"type:", vocab.OrgTypes), m[stats.AOrgs+"end"])
	for _, k := range []struct{ kind, label string }{{"out", "外出流动党员"}, {"in", "流入党员"}} {
		p := stats.AMobile + k.kind + ":"
		check("流动党员情况统计表", k.label+"年末数", m[p+"end"], m[p+"start"]+m[p+"new"]-m[p+"ended"])
	}
	return out
}
