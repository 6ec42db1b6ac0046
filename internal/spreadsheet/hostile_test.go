package spreadsheet_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"dangjian/internal/member"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/spreadsheet/rostertest"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A small .xlsx that would unpack to far more than a roster is refused
// before anything is unpacked, with a message saying so.
func TestZipBombRefused(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte("<x/>"))
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	zeros := make([]byte, 1<<20)
	for range 80 { // 80 MB of nothing, packed into a few hundred kilobytes
		_, _ = w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes: not a bomb", buf.Len())
	}
	_, err := spreadsheet.Open("名册.xlsx", bytes.NewReader(buf.Bytes()))
	if err == nil || !strings.Contains(err.Error(), "解压后有 80 MB,超过允许的 50 MB") {
		t.Fatalf("a zip bomb: %v", err)
	}
}

// Bytes that are neither UTF-8 nor GB18030, and NUL, are refused with the
// row and the column named (the row the bad bytes are in: 3 and 2); nothing
// of the file is stored.
func TestInvalidBytesRefused(t *testing.T) {
	e := rostertest.New(t, storetest.SQLite(t))
	head := "姓名,民族,公民身份号码,学历,入党日期,转正日期\n"
	good, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(head + "张三,汉族," + rostertest.IDFor(1, true) + ",本科,2000-07-01,2001-07-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string][]byte{
		"GB18030 with a broken byte": append(append([]byte{}, good...), append([]byte("\x81\x30\xff"), []byte(","+"汉族,"+rostertest.IDFor(2, true)+",本科,2000-07-01,2001-07-01\n")...)...),
		"UTF-8 with NUL":             []byte(head + "李\x00四,汉族," + rostertest.IDFor(3, true) + ",本科,2000-07-01,2001-07-01\n"),
	} {
		rep := e.ImportFile(t, "名册.csv", file, "all")
		if !rep.Refused || len(rep.Errors) != 1 || rep.Errors[0].Column == "" || !strings.Contains(rep.Errors[0].Reason, "无法识别的字符") ||
			(rep.Errors[0].Row != 2 && rep.Errors[0].Row != 3) {
			t.Errorf("%s: %+v", name, rep)
		}
	}
	l, _ := e.Members.List(context.Background(), store.All, member.Filter{}, store.Page{})
	for _, m := range l.Items {
		if strings.ContainsAny(m.Name, "\ufffd\x00") {
			t.Fatalf("stored a name with a replacement character: %q", m.Name)
		}
	}
	if l.Total != 0 {
		t.Fatalf("%d people stored from refused files", l.Total)
	}
}

// Imports in one server run one at a time: the second waits, is told so,
// and runs when the first ends.
func TestImportsQueue(t *testing.T) {
	e := rostertest.New(t, storetest.SQLite(t))
	release, err := spreadsheet.Take(context.Background(), nil) // an import running
	if err != nil {
		t.Fatal(err)
	}
	csv := "姓名,民族,公民身份号码,学历,入党日期,转正日期\n张三,汉族," + rostertest.IDFor(1, true) + ",本科,2000-07-01,2001-07-01\n"
	queued := make(chan struct{})
	done := make(chan spreadsheet.Report)
	go func() {
		rep, err := e.Importer.Import(context.Background(), store.All, rostertest.Open(t, "名册.csv", []byte(csv)), spreadsheet.Options{OrgID: e.Root.ID,
			Queued: func() { close(queued) }})
		if err != nil {
			t.Error(err)
		}
		done <- rep
	}()
	<-queued
	select {
	case <-done:
		t.Fatal("the second import ran beside the first")
	default:
	}
	release()
	if rep := <-done; rep.Added != 1 || !rep.Written {
		t.Fatalf("the queued import: %+v", rep)
	}
}

// A column the file does not have is reported as missing, not as a bad value.
func TestMissingColumnNamed(t *testing.T) {
	e := rostertest.New(t, storetest.SQLite(t))
	csv := "姓名,公民身份号码,学历,入党日期,转正日期\n张三," + rostertest.IDFor(1, true) + ",本科,2000-07-01,2001-07-01\n"
	rep := e.ImportFile(t, "名册.csv", []byte(csv), "all")
	if !rep.Refused || len(rep.Errors) != 1 || rep.Errors[0].Column != "民族" || !strings.Contains(rep.Errors[0].Reason, "名册中没有“民族”这一列") {
		t.Fatalf("a roster without 民族: %+v", rep)
	}
}

// TestEveryErrorOfARow: a row with a date that cannot be read, an unknown
// ethnicity and an unknown education is refused with all three reasons at
// once, each on its cell; a clean trial names who would be added, and the
// import names who was, with their pages.
func TestEveryErrorOfARow(t *testing.T) {
	e := rostertest.New(t, storetest.SQLite(t))
	head := "姓名,民族,公民身份号码,学历,入党日期,转正日期\n"
	rep := e.ImportFile(t, "名册.csv", []byte(head+"张三,火星族,"+rostertest.IDFor(1, true)+",博士后,2000-13-01,2001-07-01\n"), "all")
	cols := map[string]bool{}
	for _, ce := range rep.Errors {
		if ce.Row != 2 {
			t.Fatalf("an error on row %d: %+v", ce.Row, ce)
		}
		cols[ce.Column] = true
	}
	if !rep.Refused || !cols["民族"] || !cols["学历"] || !cols["入党日期"] || len(rep.Errors) != 3 {
		t.Fatalf("the row's reasons: %+v", rep.Errors)
	}
	good := []byte(head + "张三,汉族," + rostertest.IDFor(1, true) + ",本科,2000-07-01,2001-07-01\n李四,汉族," + rostertest.IDFor(2, false) + ",大专,2003-07-01,2004-07-01\n")
	trial, err := e.Importer.ImportFile(context.Background(), store.All, "名册.csv", good, spreadsheet.Options{OrgID: e.Root.ID, DryRun: true})
	if err != nil || trial.Written || len(trial.People) != 2 || trial.People[0].Name != "张三" || trial.People[0].ID != 0 {
		t.Fatalf("the trial: %+v %v", trial, err)
	}
	done := e.ImportFile(t, "名册.csv", good, "all")
	if !done.Written || len(done.People) != 2 || done.People[1].Name != "李四" || done.People[1].ID == 0 || done.People[1].Action != "added" {
		t.Fatalf("the import: %+v", done)
	}
}

// TestLegacyXLS: a roster kept in the Excel 97–2003 format imports as an
// .xlsx does, dates and Chinese text included (testdata/roster.xls was
// written by SheetJS xlsx 0.18.5 with bookType "biff8"); a file the reader
// cannot take (roster-small.xls keeps its workbook in the mini stream the
// reader does not follow; random bytes) is refused with a clear message,
// never a crash.
func TestLegacyXLS(t *testing.T) {
	e := rostertest.New(t, storetest.SQLite(t))
	raw, err := os.ReadFile("testdata/roster.xls")
	if err != nil {
		t.Fatal(err)
	}
	rep := e.ImportFile(t, "名册.xls", raw, "all")
	if !rep.Written || rep.Added != 2 || len(rep.Errors) != 0 {
		t.Fatalf("the .xls roster: %+v", rep)
	}
	l, err := e.Members.List(context.Background(), store.All, member.Filter{Q: "李四"}, store.Page{})
	if err != nil || len(l.Items) != 1 || l.Items[0].JoinedOn.String() != "1980-03-01" || l.Items[0].FullOn.String() != "1981-03-01" || l.Items[0].Ethnicity != "回族" {
		t.Fatalf("李四 from the .xls: %+v %v", l.Items, err)
	}
	small, err := os.ReadFile("testdata/roster-small.xls")
	if err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string][]byte{"名册.xls": small, "乱码.xls": append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), bytes.Repeat([]byte{7}, 5000)...), "名册.et": []byte("not a workbook")} {
		if _, err := spreadsheet.Open(name, bytes.NewReader(file)); err == nil || !strings.Contains(err.Error(), "无法打开这个 .xls 文件") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
