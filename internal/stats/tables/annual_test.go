package tables

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet/rostertest"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestAnnualTables: a year of a street's work — admissions, a letter
// between its two branches (each in its own province) and one leaving the
// system, one received from outside, a death, an expulsion, a cancelled
// probation, a suspension and its restoration, mobile members and an
// organisation founded and one dissolved — gives tables whose figures are
// those events, line by line; every line adds up and equals the recount
// from the rows; the members at the year's end are the roster's; and the
// workbook opened back holds the seven tables with the same figures.
func TestAnnualTables(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := rostertest.New(t, db)
		general := "general_branch"
		for _, k := range e.Kids {
			if _, err := e.Orgs.Update(ctx, store.All, k.ID, org.Input{Type: &general}); err != nil {
				t.Fatal(err)
			}
		}
		a, b := e.Kids[0], e.Kids[1]
		day := func(m time.Month, d int) date.Date { return date.New(2026, m, d) }
		n := 0
		person := func(o org.Org, stage string, birthIndex int, male bool, set func(*member.Input)) member.Member {
			t.Helper()
			n++
			id := rostertest.IDFor(birthIndex, male)
			name, edu, occ, eth := "人员"+string(rune('甲'+n)), "bachelor", "教师", "汉族"
			in := member.Input{OrgID: &o.ID, Name: &name, IDNumber: &id, Education: &edu, Occupation: &occ, Stage: &stage, Ethnicity: &eth}
			if stage == "full" {
				j, f := date.New(2000, 7, 1), date.New(2001, 7, 1)
				in.JoinedOn, in.FullOn = &j, &f
			}
			if set != nil {
				set(&in)
			}
			m, err := e.Members.Create(ctx, store.All, in)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		step := func(m member.Member, action string, on date.Date) {
			t.Helper()
			if _, err := e.Members.Advance(ctx, store.All, m.ID, member.Step{Action: action, On: on}); err != nil {
				t.Fatalf("%s %s: %v", action, m.Name, err)
			}
		}
		letter := func(m member.Member, to org.Org, toText string, issued, received date.Date) {
			t.Helper()
			tr, err := e.Members.Issue(ctx, store.All, member.IssueInput{MemberID: m.ID, ToOrgID: to.ID, ToText: toText, IssuedOn: issued})
			if err == nil {
				_, err = e.Members.Receive(ctx, store.All, tr.ID, received)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		person(a, "full", 100, true, nil) // on the roster all year
		old := person(b, "full", 110, true, nil)
		letter(old, a, "", date.New(2025, 2, 20), date.New(2025, 3, 1)) // moved before the year
		step(person(a, "full", 120, true, nil), "death", day(3, 1))
		// Admitted in 光明 at 29, then moved to 幸福: admitted in 光明, moved out of it.
		young := person(a, "candidate", 1300, false, func(in *member.Input) { c := date.New(2025, 6, 1); in.CandidateOn = &c })
		step(young, "admit", day(2, 10))
		letter(young, b, "", day(5, 1), day(5, 10))
		// Entered as admitted this year, then the probation cancelled.
		prob := person(a, "probationary", 1310, true, func(in *member.Input) { j := day(1, 5); in.JoinedOn = &j })
		step(prob, "cancel", day(9, 1))
		sus := person(a, "full", 130, false, nil)
		step(sus, "suspend", day(4, 1))
		step(sus, "restore", day(8, 1))
		letter(person(a, "full", 140, true, nil), org.Org{}, "外省某党委", day(6, 1), day(6, 20))
		person(a, "applicant", 1320, true, func(in *member.Input) { ap := day(3, 1); in.AppliedOn = &ap })
		step(person(b, "full", 150, true, nil), "expel", day(7, 1))
		id, name, edu, eth := rostertest.IDFor(160, false), "外来党员", "college", "汉族"
		j, f := date.New(2015, 7, 1), date.New(2016, 7, 1)
		stage := "full"
		if _, err := e.Members.ReceiveIncoming(ctx, store.All, member.IncomingInput{ToOrgID: b.ID, FromText: "外省某支部", IssuedOn: day(9, 20), ReceivedOn: day(10, 1),
			Member: member.Input{Name: &name, IDNumber: &id, Education: &edu, Ethnicity: &eth, Stage: &stage, JoinedOn: &j, FullOn: &f}}); err != nil {
			t.Fatal(err)
		}
		away := person(b, "full", 170, true, nil)
		for _, r := range []member.MobileInput{
			{Kind: "out", MemberID: away.ID, PresentPlace: "深圳", Since: date.New(2025, 6, 1)},
			{Kind: "in", OrgID: b.ID, Name: "流入甲", RelationPlace: "外省某支部", Since: day(3, 1)},
		} {
			mob, err := e.Members.RegisterMobile(ctx, store.All, r)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind == "out" {
				if _, err := e.Members.EndMobile(ctx, store.All, mob.ID, day(5, 1)); err != nil {
					t.Fatal(err)
				}
			}
		}
		founded, typ := day(4, 1), "branch"
		for _, nm := range []string{"光明社区第二党支部", "幸福社区临时党支部"} {
			o, err := e.Orgs.Create(ctx, store.All, org.Input{ParentID: map[bool]*int64{true: &a.ID, false: &b.ID}[nm[:6] == "光明"], Name: &nm, Type: &typ, FoundedOn: &founded})
			if err != nil {
				t.Fatal(err)
			}
			if nm[:6] == "幸福" {
				if err := e.Orgs.Dissolve(ctx, store.All, o.ID); err != nil {
					t.Fatal(err)
				}
			}
		}

		d := DaysOf("2026-01", "2026-12", day(12, 2))
		table, err := ReadAnnual(ctx, db, e.Orgs, store.All, e.Root.ID, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(table.Lines) != 4 {
			t.Fatalf("lines: %+v", table.Lines)
		}
		cell := func(line int, l StatsLayout, column string) int64 {
			t.Helper()
			for c, col := range l.Columns {
				if col.Group+col.Label == column {
					return l.Values(table.Lines[line].Figures)[c]
				}
			}
			t.Fatalf("no column %s in %s", column, l.Title)
			return 0
		}
		ch, dev, orgs, mob := ChangesLayout(d), DevelopmentLayout(d), OrgChangesLayout(d), MobileLayout(d)
		members := func(o org.Org) int64 {
			m, err := stats.Read(ctx, db, o.Path)
			if err != nil {
				t.Fatal(err)
			}
			return m[stats.KMembers]
		}
		for _, w := range []struct {
			line   int
			l      StatsLayout
			column string
			want   int64
		}{
			// 光明: admitted two, restored one; lost one to death, one cancelled, one suspended, two moved away.
			{1, ch, "党员增加发展党员", 2}, {1, ch, "党员增加恢复党籍", 1}, {1, ch, "党员增加合计", 3},
			{1, ch, "党员减少死亡", 1}, {1, ch, "党员减少取消预备党员资格", 1}, {1, ch, "党员减少停止党籍", 1},
			{1, ch, "党员减少转出组织关系", 2}, {1, ch, "党员减少合计", 5}, {1, ch, "年末党员数年末党员数", members(a)},
			// 光明 had on 1 January those on its roster all year, the one moved in 2025, the dead, the suspended and the one who left.
			{1, ch, "年初党员数年初党员数", 5},
			// 幸福: two received (one from 光明, one from outside), one expelled.
			{2, ch, "党员增加转入组织关系", 2}, {2, ch, "党员减少出党", 1}, {2, ch, "党员减少其中:开除党籍", 1},
			{2, ch, "年初党员数年初党员数", 2}, {2, ch, "年末党员数年末党员数", members(b)},
			// The street: a move between its branches is in and out of it.
			{0, ch, "党员增加转入组织关系", 2}, {0, ch, "党员减少转出组织关系", 2}, {0, ch, "年初党员数年初党员数", 7},
			{0, ch, "年末党员数年末党员数", members(e.Root)},
			{1, dev, "发展工作申请入党", 1}, {1, dev, "发展党员合计", 2}, {1, dev, "发展党员其中:女", 1},
			{1, dev, "发展时年龄26至30岁", 2}, {1, dev, "学历大学本科", 2}, {1, dev, "职业教师", 2}, {2, dev, "发展党员合计", 0},
			{1, orgs, "本期增减新建", 1}, {1, orgs, "年末数年末数", 2}, {2, orgs, "本期增减撤销", 1}, {2, orgs, "年初数年初数", 1},
			{2, orgs, "年末数年末数", 1}, {0, orgs, "年初数年初数", 3},
			{2, mob, "外出流动党员年初数", 1}, {2, mob, "外出流动党员本期结束", 1}, {2, mob, "外出流动党员年末数", 0},
			{2, mob, "流入党员本期新增", 1}, {2, mob, "流入党员年末数", 1},
		} {
			if got := cell(w.line, w.l, w.column); got != w.want {
				t.Errorf("%s, %s, %s: %d, want %d", table.Lines[w.line].Name, w.l.Title, w.column, got, w.want)
			}
		}
		// The street's own line (本级) holds none of it.
		for _, l := range []StatsLayout{ch, dev, mob} {
			for c, v := range l.Values(table.Lines[3].Figures) {
				if v != 0 {
					t.Errorf("本级 %s %s: %d", l.Title, l.Columns[c].Label, v)
				}
			}
		}
		bad, strays, err := CheckAnnual(ctx, db, e.Orgs, d)
		if err != nil || len(bad) > 0 || len(strays) > 0 {
			t.Fatalf("recount: %v %+v strays %v", err, bad, strays)
		}

		sheets, err := Workbook(ctx, db, e.Orgs, store.All, e.Root.ID, d, day(12, 2))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteWorkbook(&buf, sheets); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"党员队伍基本情况", "党员增减情况", "发展党员情况", "党组织增减情况", "流动党员情况", "党组织覆盖情况", "基层党建工作"}
		if got := x.GetSheetList(); len(got) != len(want) || got[1] != want[1] || got[6] != want[6] {
			t.Fatalf("sheets %v, want %v", got, want)
		}
		rows, err := x.GetRows("党员增减情况")
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "和平街道党工委党员增减情况统计表" || rows[5][0] != "光明社区党支部" || rows[5][1] != "5" || rows[5][len(rows[5])-1] != strconv.FormatInt(members(a), 10) {
			t.Fatalf("the sheet: %q", rows[:6])
		}
		// A later year has nothing moving and starts where 2026 ended.
		next, err := ReadAnnual(ctx, db, e.Orgs, store.All, e.Root.ID, DaysOf("2027-01", "2027-12", day(12, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if v := ch.Values(next.Lines[0].Figures); v[0] != members(e.Root) || v[len(v)-1] != members(e.Root) || v[1] != 0 {
			t.Fatalf("2027: %v", v)
		}
	})
}
