package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
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
	if !strings.Contains(strings.Join(all, ""), "〔走访慰问〕") {
		t.Fatal("the visits are not cited")
	}
	// The user rewrites the opening and keeps a figure in it.
	s.Opening = "今年上半年,我们走访慰问〔走访慰问〕次,党员达到〔党员〕名。"
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
	if got := Plain("〔nosuch〕与〔党员〕", figs); got != "〔nosuch〕与1,642" {
		t.Errorf("an unknown placeholder: %q", got)
	}
	// A number typed by hand is marked as such; a placeholder's is not.
	pieces, _ := Fill("2026年6月共走访〔走访慰问〕次,慰问35户", figs)
	var typed []string
	for _, p := range pieces {
		if p.Typed {
			typed = append(typed, p.Text)
		}
	}
	if strings.Join(typed, ",") != "35" {
		t.Errorf("typed numbers %v", typed)
	}
	if figs["走访慰问"].Href != "/work/visits?org=9&from=2026-01-01&to=2026-06-30" {
		t.Errorf("the visits link to %q", figs["走访慰问"].Href)
	}
}

// TestNoughtNotStated: a summary states no nought as work done — in the
// text and in the opened .docx: a clause of a nought figure is left out
// with its words, a sentence of nought figures alone is left out with its
// lead-in, a section left with nothing says 尚未开展; and the document
// ends with its 落款 as GB/T 9704 lays it out: the body centred over the
// date, the date in Arabic numerals with four characters' space on the right.
func TestNoughtNotStated(t *testing.T) {
	lines := work.Summarize(map[string]int64{"visits@2026-03": 12, "visits_fen@2026-03": 80_000, "links:committee": 7}, "2026-01", "2026-06")
	v := stats.View{Members: 1642, Full: 1642, Orgs: 35}
	figs := Figures("9", v, lines, "2026-01", "2026-06")
	s := Draft("和平街道党工委", "2026-01", "2026-06", "党建工作总结", Templates(lines), nil)
	s.Signature = []string{"和平街道党工委", "2026年12月7日"}
	text := Text(s, figs)
	for _, want := range []string{
		"现有党组织35个、党员1,642名,其中正式党员1,642名。", // no 预备党员0名, no 女党员0名 …, no 流出党员0名,均已纳入管理
		"党委成员联系基层党组织7个。",
		"走访慰问12次,发放慰问金800.00元。",
		"本期间尚未开展专项资金工作。",
		"本期间尚未开展结对帮扶工作。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, text)
		}
	}
	nought := regexp.MustCompile(`(^|[^0-9,.])0(\.00)?(万元|名|个|次|元|人次|件|项|对|份|期|小时)`)
	if m := nought.FindString(text); m != "" {
		t.Errorf("the summary states %q:\n%s", m, text)
	}
	for _, gone := range []string{"预备党员", "女党员", "流出党员", "均已纳入管理", "流动党员", "投入", "帮扶党员", "党建指导员"} {
		if strings.Contains(text, gone) {
			t.Errorf("the summary states %q of a nought figure:\n%s", gone, text)
		}
	}
	// A lead-in of a list is kept when its first item is nought; a sentence's closing mark is kept.
	cases := map[string]string{
		"其中正式党员〔预备党员〕名、预备党员〔正式党员〕名。":        "其中预备党员〔正式党员〕名。",
		"走访慰问〔走访慰问〕次,其中流动党员〔其中走访慰问流动党员〕人次。": "走访慰问〔走访慰问〕次。",
		"已答复的提案中,A类〔流出党员〕件;满意〔党组织〕件。":       "满意〔党组织〕件。",
		"共走访〔其中走访慰问流动党员〕次。":                 "",
		"党员〔党员〕名,女党员〔女党员〕名":                 "党员〔党员〕名",
	}
	for in, want := range cases {
		if got := Stated(in, figs); got != want {
			t.Errorf("Stated(%q) = %q, want %q", in, got, want)
		}
	}

	var buf bytes.Buffer
	if err := WriteDocx(&buf, s, figs); err != nil {
		t.Fatal(err)
	}
	body := docxtest.Body(t, buf.Bytes())
	for _, want := range []string{"其中正式党员1,642名。", "本期间尚未开展专项资金工作。", "发放慰问金800.00元"} {
		if !strings.Contains(body, want) {
			t.Errorf("the .docx lacks %q", want)
		}
	}
	if m := nought.FindString(body); m != "" {
		t.Errorf("the .docx states %q", m)
	}
	for _, gone := range []string{"帮扶党员", "预备党员", "均已纳入管理"} {
		if strings.Contains(body, gone) {
			t.Errorf("the .docx states %q", gone)
		}
	}
	// The 落款: the body, then the date, last in the document, right-aligned;
	// the date 右空四字 (400 hundredths), the body (7 characters) centred
	// over the date (6 characters and a half): 3.5 characters from the right.
	paras := docxtest.Paragraphs(t, buf.Bytes())
	if n := len(paras); n < 2 || paras[n-2].Text != "和平街道党工委" || paras[n-1].Text != "2026年12月7日" {
		t.Fatalf("the document does not end with its 落款: %+v", paras[max(0, len(paras)-3):])
	}
	sign, day := paras[len(paras)-2], paras[len(paras)-1]
	if day.Jc != "right" || day.RightChars != 400 || sign.Jc != "right" || sign.RightChars != 375 {
		t.Errorf("the 落款's layout: body %+v, date %+v", sign, day)
	}
	if got := SignatureIndents([]string{"中国人民政治协商会议江城市委员会", "2026年12月7日"}); got[0] != 200 || got[1] != 675 {
		t.Errorf("a long body: %v", got)
	}
}
