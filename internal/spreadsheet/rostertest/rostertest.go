// Package rostertest builds what the tests of the roster's spreadsheets
// and of the packages built on them (the statistics tables, the national
// collection) work on: a street's Party working committee with two
// community branches and the services over it, and a roster as people keep
// it in Excel, imported or not.
package rostertest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/cnid"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Env is the services of a database and the street in it.
type Env struct {
	DB       *store.DB
	Orgs     *org.Service
	Members  *member.Service
	Importer *spreadsheet.Importer
	Root     org.Org
	Kids     []org.Org // two branches below the root
}

// Services is the services of an empty database.
func Services(db *store.DB) *Env {
	box, _ := secret.New(bytes.Repeat([]byte{3}, 32))
	e := &Env{DB: db, Orgs: &org.Service{DB: db}}
	e.Members = &member.Service{DB: db, Box: box, Orgs: e.Orgs}
	e.Importer = &spreadsheet.Importer{DB: db, Orgs: e.Orgs, Members: e.Members}
	return e
}

// New is the services of db and the street: 和平街道党工委 with
// 光明社区党支部 and 幸福社区党支部.
func New(t testing.TB, db *store.DB) *Env {
	e := Services(db)
	ctx := context.Background()
	mk := func(parent *int64, name, typ string) org.Org {
		o, err := e.Orgs.Create(ctx, store.All, org.Input{ParentID: parent, Name: &name, Type: &typ})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.Root = mk(nil, "和平街道党工委", "working_committee")
	e.Kids = []org.Org{mk(&e.Root.ID, "光明社区党支部", "branch"), mk(&e.Root.ID, "幸福社区党支部", "branch")}
	return e
}

// WithRoster is the street with the roster of rows people (a few of them
// refused) of MessyFile imported.
func WithRoster(t testing.TB, db *store.DB, rows int) *Env {
	e := New(t, db)
	raw, _ := MessyFile(t, rows)
	if rep := e.ImportFile(t, "a.xlsx", raw, "valid"); rep.Added < rows*95/100 {
		t.Fatalf("setup import: %+v", rep)
	}
	return e
}

// IDFor is the ID number of person i, born 13·i days after 1 January 1950.
func IDFor(i int, male bool) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*13)
	seq := (i%400)*2 + map[bool]int{true: 1, false: 0}[male]
	first := fmt.Sprintf("320102%s%03d", birth.Format("20060102"), seq)
	return first + string(cnid.CheckChar(first))
}

// spoilers spoil a row in one of twenty ways, each naming the column it spoils.
var spoilers = []struct {
	column string
	spoil  func(r []any)
}{
	{"身份证号", func(r []any) {
		s := r[3].(string)
		r[3] = s[:17] + map[bool]string{true: "1", false: "0"}[s[17] == '0']
	}},
	{"身份证号", func(r []any) { s := r[3].(string); r[3] = s[:6] + s[8:17] }},
	{"入党时间", func(r []any) { r[6] = "2003.13.45" }},
	{"姓 名", func(r []any) { r[0] = "" }},
	{"文化程度", func(r []any) { r[5] = "博士后流动站" }},
	{"性别", func(r []any) { r[1] = map[string]string{"男": "女", "女": "男"}[r[1].(string)] }},
	{"所在党支部", func(r []any) { r[8] = "不存在的党支部" }},
	{"民族", func(r []any) { r[2] = "火星族" }},
	{"手机号码", func(r []any) { r[9] = "12345" }},
	{"是否流动党员", func(r []any) { r[11] = "也许" }},
}

// MessyFile builds a roster as people keep them: a merged title row, a
// header with the usual variants, dates typed several ways, full-width
// digits, stray spaces, a lower-case x; every 50th row is spoilt. It
// returns the file and the column spoilt in each spoilt row (by Excel's
// row number).
func MessyFile(t testing.TB, rows int) ([]byte, map[int]string) {
	x := excelize.NewFile()
	sh := "Sheet1"
	_ = x.SetCellValue(sh, "A1", "和平街道党工委党员花名册(2026年)")
	_ = x.MergeCell(sh, "A1", "L1")
	header := []any{"姓 名", "性别", "民族", "身份证号", "出生年月", "文化程度", "入党时间", "转正时间", "所在党支部", "手机号码", "岗位", "是否流动党员"}
	_ = x.SetSheetRow(sh, "A2", &header)
	dateStyle, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
	bad := map[int]string{}
	for i := 0; i < rows; i++ {
		male := i%3 != 0
		id := IDFor(i, male)
		if i%7 == 0 && id[17] == 'X' {
			id = id[:17] + "x"
		}
		if i%11 == 0 {
			id = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r - '0' + '０'
				}
				return r
			}, id)
		}
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*13)
		joined := birth.AddDate(25, 3, 0)
		full := joined.AddDate(1, 0, 0)
		joinedText := []string{joined.Format("2006-01-02"), joined.Format("2006/1/2"), joined.Format("2006年1月2日"), joined.Format("2006.01.02")}[i%4]
		r := []any{" 党员" + fmt.Sprint(i) + " ", map[bool]string{true: "男", false: "女"}[male], []string{"汉族", "汉", "回族"}[i%3], id,
			birth.Format("2006.01"), []string{"本科", "大专", "研究生", "高中", "中专"}[i%5], joinedText, full,
			[]string{"光明社区党支部", "幸福社区党支部"}[i%2], fmt.Sprintf("139%08d", i), "岗位", []string{"否", "是", ""}[i%3]}
		if i%50 == 7 {
			s := spoilers[(i/50)%len(spoilers)]
			s.spoil(r)
			bad[i+3] = s.column
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		_ = x.SetSheetRow(sh, cell, &r)
		fullCell, _ := excelize.CoordinatesToCellName(8, i+3)
		_ = x.SetCellStyle(sh, fullCell, fullCell, dateStyle)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), bad
}

// Count is the members the street's figures count.
func (e *Env) Count(t testing.TB) int64 {
	m, err := stats.Read(context.Background(), e.DB, e.Root.Path)
	if err != nil {
		t.Fatal(err)
	}
	return m[stats.KMembers]
}

// Open opens a file as a sheet, closed when the test ends.
func Open(t testing.TB, name string, raw []byte) *spreadsheet.Sheet {
	t.Helper()
	sh, err := spreadsheet.Open(name, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.Close() })
	return sh
}

// ImportFile imports a roster file into the street ("all" or "valid" rows).
func (e *Env) ImportFile(t testing.TB, name string, raw []byte, mode string) spreadsheet.Report {
	t.Helper()
	rep, err := e.Importer.Import(context.Background(), store.All, Open(t, name, raw), spreadsheet.Options{OrgID: e.Root.ID, Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
