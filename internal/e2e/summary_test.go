package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/report"
	"dangjian/internal/report/docxtest"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// download lets the tab save files into a folder of its own and returns it.
func (tb *tab) download() string {
	tb.s.t.Helper()
	dir := tb.s.t.TempDir()
	c := chromedp.FromContext(tb.ctx)
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: c.BrowserContextID, DownloadPath: dir}); err != nil {
		tb.s.t.Fatal(err)
	}
	return dir
}

// saved waits for the file a download puts in dir, ending in ext.
func (s *site) saved(dir, ext string) string {
	s.t.Helper()
	for i := 0; i < 100; i++ {
		files, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		if len(files) == 1 {
			return files[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("no %s downloaded", ext)
	return ""
}

// TestStreetSummary: a street's annual summary is drafted in the browser, a
// sentence edited, the preview shows it with its figures, and the .docx
// downloaded holds the edited sentence and every figure equal to the live one.
func TestStreetSummary(t *testing.T) {
	s := newSite(t)
	year := time.Now().Format("2006")
	m, err := stats.Read(context.Background(), s.DB, s.sum.Street.Path)
	if err != nil {
		t.Fatal(err)
	}
	lines := work.Summarize(m, year+"-01", year+"-12")
	live := map[string]string{}
	for _, l := range lines {
		live[l.Key] = l.Text
	}
	members := work.Grouped(m[stats.KMembers])

	tb := s.tab()
	tb.login("streeta", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#org-name")))
	tb.open(fmt.Sprintf("/work?org=%d&from=%s-01&to=%s-12", s.sum.Street.ID, year, year))
	tb.do(chromedp.Click(chromedp.CSS("#draft-summary")), chromedp.WaitVisible(chromedp.CSS("#summary-form")))
	edited := "全年走访慰问〔走访慰问〕次,街道党员〔党员〕名,群众满意度明显提高。"
	tb.do(chromedp.SetValue(chromedp.CSS("#opening"), edited), chromedp.Click(chromedp.CSS("#preview")))
	want := "全年走访慰问" + live["visits"] + "次,街道党员" + members + "名,群众满意度明显提高。"
	tb.waitText("#summary-preview", want)
	if v, _ := chromedp.Run(tb.ctx, chromedp.Value(chromedp.CSS("#opening"))); v != edited {
		t.Fatalf("the edited opening came back as %q", v)
	}
	tb.shot("summary")
	body := tb.exportDocx()
	if !strings.Contains(body, want) {
		t.Errorf("the .docx lacks the edited sentence %q", want)
	}
	for _, l := range lines {
		if l.Period && l.Value != 0 && !strings.Contains(body, l.Label+l.Text+l.Unit) {
			t.Errorf("the .docx lacks %s %s %s (live)", l.Label, l.Text, l.Unit)
		}
		if l.Value == 0 && strings.Contains(body, l.Label+l.Text+l.Unit) {
			t.Errorf("the .docx states the nought %s %s %s as work done", l.Label, l.Text, l.Unit)
		}
	}
	s.report(t)
}

// exportDocx clicks the summary's 导出Word and returns the body of the .docx it downloads.
func (tb *tab) exportDocx() string {
	tb.s.t.Helper()
	dir := tb.download()
	tb.do(chromedp.Click(chromedp.CSS("#export-docx")))
	raw, err := os.ReadFile(tb.s.saved(dir, ".docx"))
	if err != nil {
		tb.s.t.Fatal(err)
	}
	return docxtest.Body(tb.s.t, raw)
}

// waitText waits for the element to hold the text (the page after a form is sent).
func (tb *tab) waitText(sel, want string) {
	tb.s.t.Helper()
	got := ""
	for i := 0; i < 100; i++ {
		if v, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.AtLeast(0))); err == nil {
			if got = v; strings.Contains(got, want) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.s.t.Fatalf("%s does not show %q:\n%s", sel, want, got)
}

// TestCommitteeSummary: a committee's annual summary is drafted in the
// browser from its proposals' and public channel's figures, a sentence
// edited, a figure followed to its list (the same months, as many rows),
// and the .docx downloaded holds the edited sentence and every figure of
// the other sections equal to the live one.
func TestCommitteeSummary(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	c, _ := s.committee()
	s.grant("zxzongjie", auth.RoleCppccOffice, c.ID)
	year := s.Cppcc.Today().String()[:4]
	from, to := year+"-01", year+"-12"
	live, err := s.Cppcc.SummaryFigures(ctx, store.All, c.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if live["提出提案"].Text == "0" || live["来信和信访事项"].Text == "0" || live["社情民意信息"].Text == "0" {
		t.Fatalf("the demo committee has nothing to sum up: %+v", live)
	}

	tb := s.tab()
	tb.login("zxzongjie", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#cppcc-figures")))
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/cppcc/summary"]`)), chromedp.WaitVisible(chromedp.CSS("#summary-form")))
	tb.open(fmt.Sprintf("/cppcc/summary?committee=%d&from=%s&to=%s", c.ID, from, to))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#summary-form")))
	edited := "全年共收到提案〔submitted〕件,立案〔filed〕件,其中所提问题已经解决的〔class_a〕件;收到群众来信〔letters〕件。"
	tb.do(chromedp.SetValue(chromedp.CSS(`textarea[name="p0"]`), edited), chromedp.Click(chromedp.CSS("#preview")))
	want := "全年共收到提案" + live["提出提案"].Text + "件,立案" + live["立案"].Text + "件,其中所提问题已经解决的" + live["A类答复"].Text +
		"件;收到群众来信" + live["来信和信访事项"].Text + "件。"
	tb.waitText("#summary-preview", want)
	tb.shot("cppcc-summary")

	// A figure leads to its list, kept to the same months, with as many rows.
	tb.do(chromedp.Click(chromedp.CSS(`#summary-preview a.figure[title="来信和信访事项"]`)), chromedp.WaitVisible(chromedp.CSS("#list-months")))
	tb.waitText(".pager", "共 "+live["来信和信访事项"].Text+" 条")

	// The edited text is what the browser sends back with the export.
	tb.open(fmt.Sprintf("/cppcc/summary?committee=%d&from=%s&to=%s", c.ID, from, to))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#summary-form")), chromedp.SetValue(chromedp.CSS(`textarea[name="p0"]`), edited))
	body := tb.exportDocx()
	if !strings.Contains(body, want) {
		t.Errorf("the .docx lacks the edited sentence %q", want)
	}
	if !strings.Contains(body, c.Name+year+"年工作总结") {
		t.Errorf("the .docx lacks its title")
	}
	// Every other section as drafted, a nought not stated as work done.
	drafted := report.StatedSummary(report.Draft(c.Name, from, to, "工作总结", cppcc.SummaryTemplates(), nil), live)
	for _, sec := range drafted.Sections[1:] {
		for _, p := range sec.Paragraphs {
			if text := report.Plain(p, live); !strings.Contains(body, text) {
				t.Errorf("the .docx lacks %q (live figures)", text)
			}
		}
	}
	s.report(t)
}
