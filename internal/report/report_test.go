package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomutex/godocx"

	"dangjian/internal/report/docxtest"
	"dangjian/internal/stats"
	"dangjian/internal/work"
)

// TestSummaryDocx: a drafted summary cites every figure by key; written as
// .docx, each figure is the live value, an edited sentence stands as edited,
// the body is in 仿宋 三号 on A4 with the official margins.
func TestSummaryDocx(t *testing.T) {
	lines := work.Summarize(map[string]int64{"visits@2026-03": 12, "visits@2026-07": 5, "links:committee": 7, "visits_fen@2026-03": 1_234_500}, "2026-01", "2026-06")
	v := stats.View{Members: 1642, Full: 1600, Probationary: 42, Female: 500, Minority: 20, CollegeAbove: 900, Orgs: 35, MobileOut: 11}
	figs := Figures("9", v, lines, "2026-01", "2026-06")
	s := Draft("和平街道党工委", "2026-01", "2026-06", "党建工作总结", Templates(lines), nil)
	if s.Title != "和平街道党工委2026年1月至6月党建工作总结" {
		t.Fatalf("title %q", s.Title)
	}
	var all []string
	for _, sec := range s.Sections {
		for _, p := range sec.Paragraphs {
			if _, unknown := Fill(p, figs); len(unknown) > 0 {
				t.Fatalf("the draft cites unknown figures %v", unknown)
			}
			all = append(all, p)
		}
	}
	if !strings.Contains(strings.Join(all, ""), "〔visits〕") {
		t.Fatal("the visits are not cited")
	}
	// The user rewrites the opening and keeps a figure in it.
	s.Opening = "今年上半年,我们走访慰问〔visits〕次,党员达到〔members〕名。"
	var buf bytes.Buffer
	if err := WriteDocx(&buf, s, figs); err != nil {
		t.Fatal(err)
	}
	body := docxtest.Body(t, buf.Bytes())
	for _, want := range []string{"今年上半年,我们走访慰问12次,党员达到1,642名。", "和平街道党工委2026年1月至6月党建工作总结",
		"走访慰问12次", "发放慰问金1.23万元", `w:eastAsia="仿宋_GB2312"`, `w:top="2098"`, `w:left="1587"`, `w:w="11906"`, `w:val="32"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the .docx lacks %s", want)
		}
	}
	if strings.Contains(body, "〔") {
		t.Error("a placeholder is left in the .docx")
	}
	// Page numbers "— 1 —" in the footer the section refers to, and the package still opens.
	raw := buf.Bytes()
	if footer := docxtest.Part(t, raw, "word/footer1.xml"); !strings.Contains(footer, " PAGE ") || !strings.Contains(footer, "— ") {
		t.Errorf("the footer: %s", footer)
	}
	if i := strings.Index(body, "footerReference"); i < 0 || !strings.Contains(body[i:min(i+120, len(body))], `"rIdDangjianFooter"`) {
		t.Errorf("the section has no footer: %.300s", body[max(0, strings.Index(body, "sectPr")-10):])
	}
	if rels := docxtest.Part(t, raw, "word/_rels/document.xml.rels"); !strings.Contains(rels, `Target="footer1.xml"`) {
		t.Error("no relationship to the footer")
	}
	if types := docxtest.Part(t, raw, "[Content_Types].xml"); !strings.Contains(types, "/word/footer1.xml") {
		t.Error("no content type for the footer")
	}
	path := filepath.Join(t.TempDir(), "s.docx")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := godocx.OpenDocument(path); err != nil {
		t.Fatalf("the written .docx does not open back: %v", err)
	}
	if got := Plain("〔nosuch〕与〔members〕", figs); got != "〔nosuch〕与1,642" {
		t.Errorf("an unknown placeholder: %q", got)
	}
	// A number typed by hand is marked as such; a placeholder's is not.
	pieces, _ := Fill("2026年6月共走访〔visits〕次,慰问35户", figs)
	var typed []string
	for _, p := range pieces {
		if p.Typed {
			typed = append(typed, p.Text)
		}
	}
	if strings.Join(typed, ",") != "35" {
		t.Errorf("typed numbers %v", typed)
	}
	if figs["visits"].Href != "/work/visits?org=9&from=2026-01-01&to=2026-06-30" {
		t.Errorf("the visits link to %q", figs["visits"].Href)
	}
}
