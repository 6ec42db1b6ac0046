package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dangjian/internal/library"
	"dangjian/internal/report"
	"dangjian/internal/report/docxtest"
)

// TestLibraryInTheBrowser: a street's cadre, on a phone, publishes an
// experience piece (first with too short a text: the banner names the
// field), uploads a .docx whose text becomes the document, finds the
// piece with two words (marked in the hit), opens and downloads it, and
// publishes the street's summary from its page into the library.
func TestLibraryInTheBrowser(t *testing.T) {
	s := newSite(t)
	docs, _ := library.RelevanceSet()
	sample := docs[0]
	tb := s.tab()
	tb.phone()
	tb.login("streeta", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#org-name")))
	tb.open("/library")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#library-new")), chromedp.Click(chromedp.CSS("#library-new")), chromedp.WaitVisible(chromedp.CSS("#library-form")))
	fill := func(title, body string) {
		tb.do(chromedp.SetValue(chromedp.CSS("#org_q"), s.sum.Street.Name), chromedp.SetValue(chromedp.CSS("#title"), title),
			chromedp.SetValue(chromedp.CSS("#body"), body), chromedp.SetValue(chromedp.CSS("#tags"), strings.Join(sample.Tags, ",")))
	}
	fill(sample.Title, "太短的正文。")
	tb.do(chromedp.Click(chromedp.CSS("#library-publish")))
	tb.waitText("[role=alert]", "正文应为50至")
	fill(sample.Title, sample.Body)
	tb.do(chromedp.Click(chromedp.CSS("#library-publish")), chromedp.WaitVisible(chromedp.CSS("#library-doc")))
	tb.waitText("#library-doc", sample.Body[:60])

	// An uploaded .docx: its text is the document's.
	var up bytes.Buffer
	if err := report.WriteDocx(&up, report.Summary{Title: "街道党费管理", Opening: "街道党工委规范党费收缴,每月按时收缴党费,按季度公示党费收缴情况,党员交纳党费做到及时足额,全年没有一名党员无故不交纳党费。"}, nil); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "街道党费管理.docx")
	if err := os.WriteFile(file, up.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.open("/library/new")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#library-form")), chromedp.SetValue(chromedp.CSS("#org_q"), s.sum.Street.Name),
		chromedp.SetValue(chromedp.CSS("#title"), "街道党费管理的做法"), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
		chromedp.Click(chromedp.CSS("#library-publish")), chromedp.WaitVisible(chromedp.CSS("#library-doc")))
	tb.waitText("#library-doc", "按季度公示党费收缴情况")

	// Two words find the piece first, marked.
	tb.open("/library?q=" + "流动党员%20管理")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#library-hits")))
	first := tb.text("#library-hits li:first-child h2")
	if first != sample.Title {
		t.Fatalf("the first hit is %q, want %q", first, sample.Title)
	}
	if marks := tb.eval(`Array.from(document.querySelectorAll('#library-hits li:first-child mark')).map(function (m) { return m.textContent; }).join('|')`); !strings.Contains(marks, "流动党员") || !strings.Contains(marks, "管理") {
		t.Fatalf("the words are not marked in the first hit: %q", marks)
	}
	tb.shot("library")
	tb.do(chromedp.Click(chromedp.CSS("#library-hits li:first-child h2 a")), chromedp.WaitVisible(chromedp.CSS("#doc-download")))
	tb.shot("library-doc")
	dir := tb.download()
	tb.do(chromedp.Click(chromedp.CSS("#doc-download")))
	raw, err := os.ReadFile(s.saved(dir, ".docx"))
	if err != nil {
		t.Fatal(err)
	}
	if body := docxtest.Body(t, raw); !strings.Contains(body, sample.Title) || !strings.Contains(body, s.sum.Street.Name) {
		t.Fatal("the downloaded .docx lacks the title or the organisation")
	}

	// The street's summary, published from its page.
	tb.open(fmt.Sprintf("/reports/summary?org=%d&from=2026-01&to=2026-06", s.sum.Street.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#publish-summary")), chromedp.Click(chromedp.CSS("#publish-summary")), chromedp.WaitVisible(chromedp.CSS("#library-doc")))
	tb.waitText("#library-doc h1", s.sum.Street.Name+"2026年1月至6月党建工作总结")
	tb.waitText("#library-doc", "一、")
	s.report(t)
}
