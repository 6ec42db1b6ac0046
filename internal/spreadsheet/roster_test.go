package spreadsheet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"dangjian/internal/audit"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

type env struct {
	db   *store.DB
	orgs *org.Service
	mem  *member.Service
	im   *Importer
	root org.Org
	kids []org.Org // two branches below the root
}

func newEnv(t testing.TB, db *store.DB) *env {
	e := newEnvOn(db)
	ctx := context.Background()
	mk := func(parent *int64, name, typ string) org.Org {
		o, err := e.orgs.Create(ctx, store.All, org.Input{ParentID: parent, Name: &name, Type: &typ})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.root = mk(nil, "和平街道党工委", "working_committee")
	e.kids = []org.Org{mk(&e.root.ID, "光明社区党支部", "branch"), mk(&e.root.ID, "幸福社区党支部", "branch")}
	return e
}

// newEnvOn is the services of an empty database.
func newEnvOn(db *store.DB) *env {
	box, _ := secret.New(bytes.Repeat([]byte{3}, 32))
	e := &env{db: db, orgs: &org.Service{DB: db}}
	e.mem = &member.Service{DB: db, Box: box, Orgs: e.orgs}
	e.im = &Importer{DB: db, Orgs: e.orgs, Members: e.mem}
	return e
}

func idFor(i int, male bool) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*13)
	seq := (i%400)*2 + map[bool]int{true: 1, false: 0}[male]
	first := fmt.Sprintf("320102%s%03d", birth.Format("20060102"), seq)
	return first + string(cnid.CheckChar(first))
}

// badRow spoils row i in one of twenty ways and says which column it spoils.
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

// messyFile builds a roster as people keep them: a merged title row, a
// header with the usual variants, dates typed several ways, full-width
// digits, stray spaces, a lower-case x; every 50th row is spoilt.
func messyFile(t *testing.T, rows int) ([]byte, map[int]string) {
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
		id := idFor(i, male)
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

func (e *env) count(t *testing.T) int64 {
	m, err := stats.Read(context.Background(), e.db, e.root.Path)
	if err != nil {
		t.Fatal(err)
	}
	return m[stats.KMembers]
}

func open(t *testing.T, name string, raw []byte) *Sheet {
	t.Helper()
	sh, err := Open(name, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.Close() })
	return sh
}

// readAll is every row of a file.
func readAll(t *testing.T, name string, raw []byte) Table {
	t.Helper()
	sh := open(t, name, raw)
	var out Table
	for {
		row, err := sh.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, row)
	}
}

// withRoster is an env whose roster of rows people (a few of them refused) is imported.
func withRoster(t *testing.T, db *store.DB, rows int) *env {
	e := newEnv(t, db)
	raw, _ := messyFile(t, rows)
	if rep := e.importFile(t, "a.xlsx", raw, "valid"); rep.Added < rows*95/100 {
		t.Fatalf("setup import: %+v", rep)
	}
	return e
}

func (e *env) importFile(t *testing.T, name string, raw []byte, mode string) Report {
	t.Helper()
	sh := open(t, name, raw)
	rep, err := e.im.Import(context.Background(), store.All, sh, Options{OrgID: e.root.ID, Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestImportReportsExactlyTheBadRows(t *testing.T) {
	auditBatch = 7 // the audit entries are written in many batches during the import
	t.Cleanup(func() { auditBatch = 5000 })
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		raw, bad := messyFile(t, 1000)
		if len(bad) != 20 {
			t.Fatalf("the file spoils %d rows", len(bad))
		}
		rep := e.importFile(t, "花名册.xlsx", raw, "all")
		got := map[int]string{}
		for _, er := range rep.Errors {
			if _, dup := got[er.Row]; dup {
				t.Errorf("row %d reported twice: %+v", er.Row, er)
			}
			got[er.Row] = er.Column
			if er.Reason == "" {
				t.Errorf("row %d has no reason", er.Row)
			}
		}
		for row, col := range bad {
			if got[row] != col {
				t.Errorf("row %d: reported column %q, want %q", row, got[row], col)
			}
		}
		if len(got) != 20 {
			t.Fatalf("reported %d rows, the first: %+v", len(got), rep.Errors[:min(3, len(rep.Errors))])
		}
		if !rep.Refused || rep.Written || e.count(t) != 0 {
			t.Fatalf("an all-or-nothing import with errors wrote rows: %+v, %d members", rep, e.count(t))
		}
		rep = e.importFile(t, "花名册.xlsx", raw, "valid")
		if rep.Added != 980 || len(rep.Errors) != 20 || !rep.Written || e.count(t) != 980 {
			t.Fatalf("valid rows only: %+v errors, added %d, members %d", len(rep.Errors), rep.Added, e.count(t))
		}
		// Importing the same file again changes nothing.
		rep = e.importFile(t, "花名册.xlsx", raw, "valid")
		if rep.Added != 0 || rep.Updated != 0 || rep.Unchanged != 980 || e.count(t) != 980 {
			t.Fatalf("re-import: %+v", rep)
		}
		ms, err := stats.Check(context.Background(), db)
		if err != nil || len(ms) != 0 {
			t.Fatalf("figures after import: %v %v", ms, err)
		}
		// Each stored row is in the audit trail, written at the end of the import and chained unbroken.
		created, err := audit.List(context.Background(), db, store.All, audit.Filter{Action: "create", ObjectType: "member"}, store.Page{Size: 1})
		if err != nil || created.Total != 980 {
			t.Fatalf("audit entries of the import: %d %v", created.Total, err)
		}
		if problems, _, err := audit.Verify(context.Background(), db); err != nil || len(problems) > 0 {
			t.Fatalf("audit chain after the import: %v %v", problems, err)
		}
		// The report workbook marks the bad cells.
		var buf bytes.Buffer
		if err := WriteReport(&buf, open(t, "x.xlsx", raw), rep); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := x.GetCellValue("导入检查结果", "M10")
		if !strings.Contains(v, "身份证号:公民身份号码校验码错误") {
			t.Fatalf("report column of row 10: %q", v)
		}
		style, _ := x.GetCellStyle("导入检查结果", "D10")
		if style == 0 {
			t.Fatal("the bad ID cell is not highlighted")
		}
	})
}

func TestImportCSVInGB18030(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	csv := "姓名,性别,民族,公民身份号码,学历,人员类别,入党日期,转正日期,联系电话\n" +
		"张三,男,汉族," + idFor(1, true) + ",大学本科,正式党员,2000年7月1日,2001年7月1日,13800001111\n" +
		"李四,女,汉族," + idFor(2, false) + ",高中,预备党员,2026-01-05,,\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	rep := e.importFile(t, "名册.csv", gb, "all")
	if rep.Added != 2 || len(rep.Errors) != 0 {
		t.Fatalf("GB18030 CSV: %+v", rep)
	}
	l, _ := e.mem.List(context.Background(), store.All, member.Filter{Q: "zs"}, store.Page{})
	if l.Total != 1 || l.Items[0].Name != "张三" || l.Items[0].JoinedOn.String() != "2000-07-01" {
		t.Fatalf("imported: %+v", l.Items)
	}
}

// Exporting a roster and importing the file into a new database gives the same records.
func TestExportImportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := withRoster(t, db, 300)
		var buf bytes.Buffer
		n, err := ExportMembers(ctx, &buf, src.mem, store.All, member.Filter{OrgID: src.root.ID, Category: "member"}, "花名册", true)
		if err != nil || n < 290 {
			t.Fatalf("export: %d %v", n, err)
		}
		// Masked exports show no full number.
		var masked bytes.Buffer
		if _, err := ExportMembers(ctx, &masked, src.mem, store.All, member.Filter{OrgID: src.root.ID}, "花名册", false); err != nil {
			t.Fatal(err)
		}
		mt := readAll(t, "m.xlsx", masked.Bytes())
		if !strings.Contains(mt[2][4], "********") {
			t.Fatalf("masked export row: %v", mt[2])
		}
		dst := newEnv(t, storetest.SQLite(t))
		rep := dst.importFile(t, "export.xlsx", buf.Bytes(), "all")
		if rep.Added != n || len(rep.Errors) != 0 {
			t.Fatalf("import of the export: %+v", rep)
		}
		again := dst.importFile(t, "export.xlsx", buf.Bytes(), "all")
		if again.Unchanged != n || again.Added+again.Updated != 0 {
			t.Fatalf("re-import of the export: %+v", again)
		}
		list := func(e *env) []string {
			var out []string
			_ = e.mem.Each(ctx, store.All, member.Filter{}, func(m member.Member) error {
				out = append(out, strings.Join([]string{m.IDNumber, m.Name, m.Sex, m.Ethnicity, m.BirthDate.String(), m.Education, m.Stage,
					m.JoinedOn.String(), m.FullOn.String(), m.OrgName, m.Phone, m.Post, fmt.Sprint(m.MobileOut)}, "|"))
				return nil
			})
			sort.Strings(out)
			return out
		}
		a, b := list(src), list(dst)
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Fatalf("records differ after export and import:\n%v\n---\n%v", a[:3], b[:3])
		}
	})
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2003-07-01": "2003-07-01", "2003/7/1": "2003-07-01", "2003.07": "2003-07-01", "2003年7月1日": "2003-07-01",
		"2003年7月": "2003-07-01", "20030701": "2003-07-01", "37803": "2003-07-01", " 2003 - 7 - 1 ": "2003-07-01", "": "",
	} {
		d, err := ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, d, err, want)
		}
	}
	for _, in := range []string{"2003-02-30", "2003.13", "七月一日", "1.5", "03-07-01"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2003-07-01", "2003.07", "2003年7月1日", "37803", "20030701", "2003/7/1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err == nil && !d.IsZero() {
			if again, err := ParseDate(d.String()); err != nil || again != d {
				t.Fatalf("%q → %s does not read back", s, d)
			}
		}
	})
}

func FuzzParseRow(f *testing.F) {
	f.Add("张三", "男", "汉族", "11010519491231002X", "1949.12", "本科", "1970年7月1日", "1971-07-01", "光明社区党支部", "13800001111", "是")
	f.Add(" ", "", "", "1.10105E+17", "37803", "博士", "2003.13", "", "不存在", "１３８", "也许")
	h := Header{Cols: map[Field]int{}, Names: map[Field]string{}}
	for i, c := range []Field{FName, FSex, FEthnicity, FID, FBirth, FEducation, FJoined, FFull, FOrg, FPhone, FMobile} {
		h.Cols[c] = i
	}
	e := newEnv(f, storetest.SQLite(f))
	idx := newOrgIndex(context.Background(), e.orgs, store.ScopeOf(e.root.Path), e.root)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g, hh, i, j, k, l string) {
		row, errs := parseRow(h, []string{a, b, c, d, e, g, hh, i, j, k, l}, 5, idx)
		for _, er := range errs {
			if er.Row != 5 || er.Reason == "" || er.Column == "" {
				t.Fatalf("malformed error %+v", er)
			}
		}
		if len(errs) == 0 && (row.Input.IDNumber == nil || row.Input.OrgID == nil) {
			t.Fatalf("a row without errors lacks its ID or organisation: %+v", row)
		}
	})
}

func TestTemplateImportsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	dvs, err := x.GetDataValidations("党员名册")
	if err != nil || len(dvs) != 5 {
		t.Fatalf("drop-down lists: %d %v", len(dvs), err)
	}
	row := []any{"王五", "男", "汉族", idFor(9, true), "", "大学本科", "正式党员", "2001-07-01", "2002-07-01", "", "13900009999", "岗位", "否"}
	if err := x.SetSheetRow("党员名册", "A2", &row); err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	if err := x.Write(&filled); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, storetest.SQLite(t))
	rep := e.importFile(t, "模板.xlsx", filled.Bytes(), "all")
	if rep.Added != 1 || len(rep.Errors) != 0 {
		t.Fatalf("a filled template: %+v", rep)
	}
}

// TestExportSplitsFullSheets: a roster longer than a sheet holds goes on
// into further sheets, each with its title and headings.
func TestExportSplitsFullSheets(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		id, name, eth, edu, stage := idFor(i, true), fmt.Sprintf("党员%d", i), "汉族", "大学本科", "full"
		j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
		if _, err := e.mem.Create(ctx, store.All, member.Input{OrgID: &e.kids[0].ID, Name: &name, IDNumber: &id, Ethnicity: &eth, Education: &edu,
			Stage: &stage, JoinedOn: &j, FullOn: &f}); err != nil {
			t.Fatal(err)
		}
	}
	maxSheetRows = 4 // the title, the headings and two people a sheet
	t.Cleanup(func() { maxSheetRows = 1048576 })
	var buf bytes.Buffer
	n, err := ExportMembers(ctx, &buf, e.mem, store.All, member.Filter{Sort: "id"}, "花名册", false)
	if err != nil || n != 7 {
		t.Fatalf("exported %d: %v", n, err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"党员花名册", "党员花名册2", "党员花名册3", "党员花名册4"}
	if got := x.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v", got)
	}
	last, _ := x.GetRows("党员花名册4")
	if len(last) != 3 || last[0][0] != "花名册" || last[1][1] != "姓名" || last[2][0] != "7" || last[2][1] != "党员6" {
		t.Fatalf("last sheet %q", last)
	}
}

// An import tells its progress as it reads: against the number of rows the
// file declares when it declares one, ending with every row done.
func TestImportProgress(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	var b strings.Builder
	b.WriteString("姓名,公民身份号码,民族,学历,入党日期,转正日期\n")
	for i := 0; i < 1200; i++ {
		fmt.Fprintf(&b, "党员%d,%s,汉族,大学本科,2020-07-01,2021-07-01\n", i, idFor(i, true))
	}
	type call struct{ done, total int }
	var calls []call
	sh := open(t, "名册.csv", []byte(b.String()))
	rep, err := e.im.Import(context.Background(), store.All, sh, Options{OrgID: e.root.ID, DryRun: true,
		Progress: func(done, total int) { calls = append(calls, call{done, total}) }})
	if err != nil || rep.Added != 1200 {
		t.Fatalf("import: %d added, %d errors (the first %v), %v", rep.Added, len(rep.Errors), rep.Errors[:min(1, len(rep.Errors))], err)
	}
	if len(calls) < 3 || calls[0].total != 1200 || calls[len(calls)-1] != (call{1200, 1200}) {
		t.Fatalf("progress calls %v", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].done < calls[i-1].done {
			t.Fatalf("progress went back: %v", calls)
		}
	}
}
