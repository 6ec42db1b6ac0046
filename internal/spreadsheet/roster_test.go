package spreadsheet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/spreadsheet/rostertest"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// readAll is every row of a file.
func readAll(t *testing.T, name string, raw []byte) spreadsheet.Table {
	t.Helper()
	sh := rostertest.Open(t, name, raw)
	var out spreadsheet.Table
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

func TestImportReportsExactlyTheBadRows(t *testing.T) {
	*spreadsheet.AuditBatch = 7 // the audit entries are written in many batches during the import
	t.Cleanup(func() { *spreadsheet.AuditBatch = 5000 })
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := rostertest.New(t, db)
		raw, bad := rostertest.MessyFile(t, 1000)
		if len(bad) != 20 {
			t.Fatalf("the file spoils %d rows", len(bad))
		}
		rep := e.ImportFile(t, "花名册.xlsx", raw, "all")
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
		if !rep.Refused || rep.Written || e.Count(t) != 0 {
			t.Fatalf("an all-or-nothing import with errors wrote rows: %+v, %d members", rep, e.Count(t))
		}
		rep = e.ImportFile(t, "花名册.xlsx", raw, "valid")
		if rep.Added != 980 || len(rep.Errors) != 20 || !rep.Written || e.Count(t) != 980 {
			t.Fatalf("valid rows only: %+v errors, added %d, members %d", len(rep.Errors), rep.Added, e.Count(t))
		}
		// Importing the same file again changes nothing.
		rep = e.ImportFile(t, "花名册.xlsx", raw, "valid")
		if rep.Added != 0 || rep.Updated != 0 || rep.Unchanged != 980 || e.Count(t) != 980 {
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
		if err := spreadsheet.WriteReport(&buf, rostertest.Open(t, "x.xlsx", raw), rep); err != nil {
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
	e := rostertest.New(t, storetest.SQLite(t))
	csv := "姓名,性别,民族,公民身份号码,学历,人员类别,入党日期,转正日期,联系电话\n" +
		"张三,男,汉族," + rostertest.IDFor(1, true) + ",大学本科,正式党员,2000年7月1日,2001年7月1日,13800001111\n" +
		"李四,女,汉族," + rostertest.IDFor(2, false) + ",高中,预备党员,2026-01-05,,\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	rep := e.ImportFile(t, "名册.csv", gb, "all")
	if rep.Added != 2 || len(rep.Errors) != 0 {
		t.Fatalf("GB18030 CSV: %+v", rep)
	}
	l, _ := e.Members.List(context.Background(), store.All, member.Filter{Q: "zs"}, store.Page{})
	if l.Total != 1 || l.Items[0].Name != "张三" || l.Items[0].JoinedOn.String() != "2000-07-01" {
		t.Fatalf("imported: %+v", l.Items)
	}
}

// Exporting a roster and importing the file into a new database gives the same records.
func TestExportImportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := rostertest.WithRoster(t, db, 300)
		var buf bytes.Buffer
		n, err := spreadsheet.ExportMembers(ctx, &buf, src.Members, store.All, member.Filter{OrgID: src.Root.ID, Category: "member"}, "花名册", true)
		if err != nil || n < 290 {
			t.Fatalf("export: %d %v", n, err)
		}
		// Masked exports show no full number.
		var masked bytes.Buffer
		if _, err := spreadsheet.ExportMembers(ctx, &masked, src.Members, store.All, member.Filter{OrgID: src.Root.ID}, "花名册", false); err != nil {
			t.Fatal(err)
		}
		mt := readAll(t, "m.xlsx", masked.Bytes())
		if !strings.Contains(mt[2][4], "********") {
			t.Fatalf("masked export row: %v", mt[2])
		}
		dst := rostertest.New(t, storetest.SQLite(t))
		rep := dst.ImportFile(t, "export.xlsx", buf.Bytes(), "all")
		if rep.Added != n || len(rep.Errors) != 0 {
			t.Fatalf("import of the export: %+v", rep)
		}
		again := dst.ImportFile(t, "export.xlsx", buf.Bytes(), "all")
		if again.Unchanged != n || again.Added+again.Updated != 0 {
			t.Fatalf("re-import of the export: %+v", again)
		}
		list := func(e *rostertest.Env) []string {
			var out []string
			_ = e.Members.Each(ctx, store.All, member.Filter{}, func(m member.Member) error {
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
		d, err := spreadsheet.ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, d, err, want)
		}
	}
	for _, in := range []string{"2003-02-30", "2003.13", "七月一日", "1.5", "03-07-01"} {
		if _, err := spreadsheet.ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2003-07-01", "2003.07", "2003年7月1日", "37803", "20030701", "2003/7/1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := spreadsheet.ParseDate(s)
		if err == nil && !d.IsZero() {
			if again, err := spreadsheet.ParseDate(d.String()); err != nil || again != d {
				t.Fatalf("%q → %s does not read back", s, d)
			}
		}
	})
}

func FuzzParseRow(f *testing.F) {
	f.Add("张三", "男", "汉族", "11010519491231002X", "1949.12", "本科", "1970年7月1日", "1971-07-01", "光明社区党支部", "13800001111", "是")
	f.Add(" ", "", "", "1.10105E+17", "37803", "博士", "2003.13", "", "不存在", "１３８", "也许")
	h := spreadsheet.Header{Cols: map[spreadsheet.Field]int{}, Names: map[spreadsheet.Field]string{}}
	for i, c := range []spreadsheet.Field{spreadsheet.FName, spreadsheet.FSex, spreadsheet.FEthnicity, spreadsheet.FID, spreadsheet.FBirth, spreadsheet.FEducation, spreadsheet.FJoined, spreadsheet.FFull, spreadsheet.FOrg, spreadsheet.FPhone, spreadsheet.FMobile} {
		h.Cols[c] = i
	}
	e := rostertest.New(f, storetest.SQLite(f))
	idx := spreadsheet.NewOrgIndex(context.Background(), e.Orgs, store.ScopeOf(e.Root.Path), e.Root)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g, hh, i, j, k, l string) {
		row, errs := spreadsheet.ParseRow(h, []string{a, b, c, d, e, g, hh, i, j, k, l}, 5, idx)
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
	if err := spreadsheet.WriteTemplate(&buf); err != nil {
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
	row := []any{"王五", "男", "汉族", rostertest.IDFor(9, true), "", "大学本科", "正式党员", "2001-07-01", "2002-07-01", "", "13900009999", "岗位", "否"}
	if err := x.SetSheetRow("党员名册", "A2", &row); err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	if err := x.Write(&filled); err != nil {
		t.Fatal(err)
	}
	e := rostertest.New(t, storetest.SQLite(t))
	rep := e.ImportFile(t, "模板.xlsx", filled.Bytes(), "all")
	if rep.Added != 1 || len(rep.Errors) != 0 {
		t.Fatalf("a filled template: %+v", rep)
	}
}

// TestExportSplitsFullSheets: a roster longer than a sheet holds goes on
// into further sheets, each with its title and headings.
func TestExportSplitsFullSheets(t *testing.T) {
	e := rostertest.New(t, storetest.SQLite(t))
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		id, name, eth, edu, stage := rostertest.IDFor(i, true), fmt.Sprintf("党员%d", i), "汉族", "大学本科", "full"
		j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
		if _, err := e.Members.Create(ctx, store.All, member.Input{OrgID: &e.Kids[0].ID, Name: &name, IDNumber: &id, Ethnicity: &eth, Education: &edu,
			Stage: &stage, JoinedOn: &j, FullOn: &f}); err != nil {
			t.Fatal(err)
		}
	}
	*spreadsheet.MaxSheetRows = 4 // the title, the headings and two people a sheet
	t.Cleanup(func() { *spreadsheet.MaxSheetRows = 1048576 })
	var buf bytes.Buffer
	n, err := spreadsheet.ExportMembers(ctx, &buf, e.Members, store.All, member.Filter{Sort: "id"}, "花名册", false)
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
	e := rostertest.New(t, storetest.SQLite(t))
	var b strings.Builder
	b.WriteString("姓名,公民身份号码,民族,学历,入党日期,转正日期\n")
	for i := 0; i < 1200; i++ {
		fmt.Fprintf(&b, "党员%d,%s,汉族,大学本科,2020-07-01,2021-07-01\n", i, rostertest.IDFor(i, true))
	}
	type call struct{ done, total int }
	var calls []call
	sh := rostertest.Open(t, "名册.csv", []byte(b.String()))
	rep, err := e.Importer.Import(context.Background(), store.All, sh, spreadsheet.Options{OrgID: e.Root.ID, DryRun: true,
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
