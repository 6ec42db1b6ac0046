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

	"dangjian/internal/report/docxtest"
	"dangjian/internal/stats"
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
	m, err := stats.Read(context.Background(), s.db, s.sum.Street.Path)
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
	edited := "全年走访慰问〔visits〕次,街道党员〔members〕名,群众满意度明显提高。"
	tb.do(chromedp.SetValue(chromedp.CSS("#opening"), edited), chromedp.Click(chromedp.CSS("#preview")))
	want := "全年走访慰问" + live["visits"] + "次,街道党员" + members + "名,群众满意度明显提高。"
	tb.waitText("#summary-preview", want)
	if v, _ := chromedp.Run(tb.ctx, chromedp.Value(chromedp.CSS("#opening"))); v != edited {
		t.Fatalf("the edited opening came back as %q", v)
	}
	tb.shot("summary")
	dir := tb.download()
	tb.do(chromedp.Click(chromedp.CSS("#export-docx")))
	raw, err := os.ReadFile(s.saved(dir, ".docx"))
	if err != nil {
		t.Fatal(err)
	}
	body := docxtest.Body(t, raw)
	if !strings.Contains(body, want) {
		t.Errorf("the .docx lacks the edited sentence %q", want)
	}
	for _, l := range lines {
		if l.Period && !strings.Contains(body, l.Label+l.Text+l.Unit) {
			t.Errorf("the .docx lacks %s %s %s (live)", l.Label, l.Text, l.Unit)
		}
	}
	s.report(t)
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
