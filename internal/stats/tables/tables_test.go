package tables

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet/rostertest"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestStatsTable: the statistics table of a street gives the street's
// total, a line for each branch (counting the branches below it) and the
// street's own line; every figure is a number, the lines add up to the
// total column by column, the members counted are those on the roster,
// and a branch's secretary gets no line of a sibling branch.
func TestStatsTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := rostertest.WithRoster(t, db, 200)
		// The first branch becomes a general branch with a branch of its own.
		general := "general_branch"
		if _, err := e.Orgs.Update(ctx, store.All, e.Kids[0].ID, org.Input{Type: &general}); err != nil {
			t.Fatal(err)
		}
		name, typ := "光明社区第一党支部", "branch"
		if _, err := e.Orgs.Create(ctx, store.All, org.Input{ParentID: &e.Kids[0].ID, Name: &name, Type: &typ}); err != nil {
			t.Fatal(err)
		}
		// Two people on the street's own roster (no 所在党支部 column).
		csv := "姓名,身份证号,民族,学历,入党日期,转正日期\n街道甲," + rostertest.IDFor(900, true) + ",汉族,本科,2000-07-01,2001-07-01\n" +
			"街道乙," + rostertest.IDFor(901, false) + ",满族,大专,2010-07-01,2011-07-01\n"
		if rep := e.ImportFile(t, "b.csv", []byte(csv), "all"); rep.Added != 2 {
			t.Fatalf("street roster: %+v", rep)
		}
		members := func(orgID int64) int64 {
			var n int64
			if err := e.Members.Each(ctx, store.All, member.Filter{OrgID: orgID, Category: "member"}, func(member.Member) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			return n
		}

		table, err := ReadStats(ctx, db, e.Orgs, store.All, e.Root.ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteStats(&buf, table, MembersLayout(2026, date.New(2026, 11, 26))); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet := x.GetSheetList()[0]
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rows[0][0], "和平街道党工委党员队伍基本情况统计表") || !strings.Contains(rows[1][0], "2026年11月26日") {
			t.Fatalf("title rows: %q %q", rows[0], rows[1])
		}
		head := map[string]int{}
		for i, h := range rows[3] {
			head[h] = i
		}
		head["党员总数"] = 1
		for _, h := range []string{"女党员", "少数民族", "大学本科", "30岁及以下", "71岁及以上", "入党申请人", "党组织总数", "党支部"} {
			if _, ok := head[h]; !ok {
				t.Fatalf("no column %s in %q", h, rows[3])
			}
		}
		if merged, _ := x.GetMergeCells(sheet); !hasMerge(merged, "年龄") || !hasMerge(merged, "学历") {
			t.Fatal("the group headings are not merged above their columns")
		}
		want := []string{"合计", "光明社区党支部", "幸福社区党支部", "本级(和平街道党工委直属)"}
		if len(rows) != 4+len(want) {
			t.Fatalf("%d rows, want %d lines", len(rows)-4, len(want))
		}
		line := map[string][]int64{}
		for r, label := range want {
			if rows[r+4][0] != label {
				t.Fatalf("line %d is %q, want %q", r+1, rows[r+4][0], label)
			}
			for c := 1; c < len(rows[3]); c++ {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+5)
				if typ, _ := x.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Fatalf("%s is text, not a number", cell)
				}
				v, _ := x.GetCellValue(sheet, cell)
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatalf("%s = %q", cell, v)
				}
				line[label] = append(line[label], n)
			}
		}
		for c := range line["合计"] {
			var sum int64
			for _, l := range want[1:] {
				sum += line[l][c]
			}
			if sum != line["合计"][c] {
				t.Fatalf("column %q: the lines add up to %d, the total is %d", rows[3][c+1], sum, line["合计"][c])
			}
		}
		for label, id := range map[string]int64{"合计": e.Root.ID, "光明社区党支部": e.Kids[0].ID, "幸福社区党支部": e.Kids[1].ID} {
			if got, n := line[label][head["党员总数"]-1], members(id); got != n || n == 0 {
				t.Fatalf("%s: %d members in the table, %d on the roster", label, got, n)
			}
		}
		own := line["本级(和平街道党工委直属)"]
		if own[head["党员总数"]-1] != 2 || own[head["少数民族"]-1] != 1 || own[head["党组织总数"]-1] != 1 {
			t.Fatalf("the street's own line: %v", own)
		}
		if line["光明社区党支部"][head["党组织总数"]-1] != 2 {
			t.Fatal("a branch's line does not count the branch below it")
		}

		// A sibling branch's scope sees neither the street's table nor the other branch.
		sibling := store.ScopeOf(e.Kids[1].Path)
		if _, err := ReadStats(ctx, db, e.Orgs, sibling, e.Root.ID); err == nil {
			t.Fatal("a branch read its street's table")
		}
		own2, err := ReadStats(ctx, db, e.Orgs, sibling, e.Kids[1].ID)
		if err != nil || len(own2.Lines) != 2 || MembersLayout(2026, date.New(2026, 11, 26)).Values(own2.Lines[0].Figures)[0] != line["幸福社区党支部"][0] {
			t.Fatalf("the branch's own table: %+v %v", own2.Lines, err)
		}
	})
}

func hasMerge(cells []excelize.MergeCell, value string) bool {
	for _, m := range cells {
		if m.GetCellValue() == value && m.GetStartAxis() != m.GetEndAxis() {
			return true
		}
	}
	return false
}
