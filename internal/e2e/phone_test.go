package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// phone makes the tab a phone of 390×844 points.
func (tb *tab) phone() {
	tb.onPhone = true
	tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
}

func (tb *tab) eval(js string) string {
	tb.s.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		tb.s.t.Fatalf("evaluate: %v", err)
	}
	return v
}

// unlabelledCells names the cells of the page's lists that show no heading
// of their own on a phone (where rows become cards), "" when all do. A
// card's title, its check box (labelled for the screen reader) and its
// one-line summary (data-card) need none.
func (tb *tab) unlabelledCells() string {
	return tb.eval(`(function () {
	  var bad = [];
	  document.querySelectorAll('table.list td').forEach(function (td) {
	    if (td.offsetParent === null || td.hasAttribute('data-card')) { return; }
	    var before = getComputedStyle(td, '::before').content;
	    var label = td.getAttribute('data-label') || '';
	    if (!label || before !== JSON.stringify(label)) { bad.push((td.textContent || '').trim().slice(0, 20) + '[' + label + '|' + before + ']'); }
	  });
	  return bad.join('; ');
	})()`)
}

var totalRE = regexp.MustCompile(`共 (\d+) 条`)

// TestSecretaryDayOnPhone walks a branch secretary's day on a phone: sign
// in, read the to-do list (each count equal to the list it opens), record
// a visit with a photo (first with the required fields left out: the
// banner at the top names them), fulfil a commitment, approve a member's
// change request, and print a letter to PDF; every list row is a card
// whose values carry their headings.
func TestSecretaryDayOnPhone(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	branch := s.sum.Branch
	today := date.Of(time.Now())
	// What is due at the branch: its term ends in 20 days, a commitment is
	// late, a member asked to change a record, a letter is to be printed.
	years, elected := 3, today.AddYears(-3).AddDate(0, 0, 20)
	if _, err := s.Orgs.Update(ctx, store.All, branch.ID, org.Input{TermYears: &years, ElectedOn: &elected}); err != nil {
		t.Fatal(err)
	}
	pk, _ := work.KindOf("pairings")
	pairing, err := s.Work.Save(ctx, store.All, pk, 0, work.Input{"org_id": branch.ID, "kind": "cadre_person", "helper": "支部书记", "helped": "困难户张某", "started_on": "2026-01-05"})
	if err != nil {
		t.Fatal(err)
	}
	ik, _ := work.KindOf("pairing_items")
	item, err := s.Work.Save(ctx, store.All, ik, 0, work.Input{"org_id": branch.ID, "parent_id": pairing.ID, "side": "a", "content": "帮助申请临时救助", "due_on": today.AddDate(0, 0, -3).String()})
	if err != nil {
		t.Fatal(err)
	}
	var memberUser int64
	if err := s.DB.QueryRowContext(ctx, "SELECT id FROM users WHERE username = 'dangyuan'").Scan(&memberUser); err != nil {
		t.Fatal(err)
	}
	post := "支部宣传委员"
	if _, err := s.Members.RequestChange(ctx, s.sum.Member.ID, memberUser, member.RequestInput{Changes: member.Input{Post: &post}}); err != nil {
		t.Fatal(err)
	}
	l, err := s.Members.List(ctx, store.ScopeOf(branch.Path), member.Filter{OrgID: branch.ID, Category: "member"}, store.Page{Size: 5})
	if err != nil || len(l.Items) < 2 {
		t.Fatalf("branch roster: %v", err)
	}
	leaving := l.Items[len(l.Items)-1]
	if leaving.ID == s.sum.Member.ID {
		leaving = l.Items[0]
	}
	letter, err := s.Members.Issue(ctx, store.ScopeOf(branch.Path), member.IssueInput{MemberID: leaving.ID, ToText: "中共某省某县某镇委员会", IssuedOn: today, Reason: "工作调动"})
	if err != nil {
		t.Fatal(err)
	}

	tb := s.tab()
	tb.phone()
	tb.login("zhibu", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#todo")))
	// A compact header: the brand, the to-do count and a menu button; the menu opens below.
	if h, _ := strconv.ParseFloat(tb.eval(`String(document.querySelector('header.top').getBoundingClientRect().height)`), 64); h > 80 {
		t.Fatalf("the header is %.0f px high on a phone", h)
	}
	if tb.eval(`getComputedStyle(document.querySelector('.menu')).display`) != "none" {
		t.Fatal("the menu is open before the menu button is pressed")
	}
	if !strings.HasPrefix(tb.text("#todo-count"), "待办") {
		t.Fatal("no to-do count in the header")
	}
	tb.shot("phone-dashboard")
	tb.do(chromedp.Click(chromedp.CSS("label.menu-button")))
	if tb.eval(`getComputedStyle(document.querySelector('.menu')).display`) == "none" {
		t.Fatal("the menu button does not open the menu")
	}
	tb.shot("phone-menu")

	// Each count of the to-do list is the count of the list it opens.
	tb.open("/todo")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#todo")))
	tb.shot("phone-todo")
	lines := strings.Split(tb.eval(`Array.from(document.querySelectorAll('#todo a')).map(function (a) { return a.getAttribute('href') + ' ' + a.querySelector('.todo-n').textContent; }).join('\n')`), "\n")
	seen := map[string]bool{}
	for _, line := range lines {
		href, n, _ := strings.Cut(line, " ")
		tb.open(href)
		tb.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
		var got string
		if strings.HasPrefix(href, "/me") {
			got = tb.eval(`String(document.querySelectorAll('#to-decide tbody tr').length)`)
		} else if m := totalRE.FindStringSubmatch(tb.text("main")); m != nil {
			got = m[1]
		}
		if got != strings.ReplaceAll(n, ",", "") {
			t.Errorf("to-do %s says %s, the list has %q", href, n, got)
		}
		if cells := tb.unlabelledCells(); cells != "" {
			t.Errorf("%s: cells without their heading on a phone: %s", href, cells)
		}
		seen[strings.SplitN(strings.TrimPrefix(href, "/"), "?", 2)[0]] = true
	}
	for _, want := range []string{"orgs/terms", "work/pairing_items", "me#to-decide"} {
		if !seen[want] {
			t.Errorf("the to-do list has no line for %s: %v", want, lines)
		}
	}

	// A visit, first without its required fields: the banner at the top
	// names them (the day comes filled in: today; the visitor too for an account
	// bearing a person's name, which this one does not).
	tb.open(fmt.Sprintf("/work/visits?org=%d", branch.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	tb.openForms()
	form := `form[action^="/work/visits"] `
	tb.do(chromedp.Click(chromedp.CSS(form+"button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	banner := tb.text("#error-banner")
	for _, field := range []string{"方式", "对象类别"} {
		if !strings.Contains(banner, field) {
			t.Errorf("the banner does not name %s: %q", field, banner)
		}
	}
	if top, _ := strconv.ParseFloat(tb.eval(`String(document.getElementById('error-banner').getBoundingClientRect().top + window.scrollY)`), 64); top > 400 {
		t.Errorf("the banner is %.0f px down the page, out of sight", top)
	}
	tb.shot("phone-form-error")
	photo := filepath.Join(t.TempDir(), "走访照片.png")
	if err := os.WriteFile(photo, pngBytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.openForms()
	tb.do(chromedp.SetValue(chromedp.CSS(form+"[name=kind]"), "visit"),
		chromedp.SetValue(chromedp.CSS(form+"[name=visited_on]"), today.String()),
		chromedp.SetValue(chromedp.CSS(form+"[name=visitor]"), "支部书记"),
		chromedp.SetValue(chromedp.CSS(form+"[name=target_kind]"), "member"),
		// The person picker: the name typed, the person chosen from the list.
		chromedp.SendKeys(chromedp.CSS(form+"[name=target_member_q]"), s.sum.Member.Name))
	tb.do(chromedp.WaitVisible(chromedp.CSS(form + ".picks button.pick")))
	if got := tb.text(form + ".picks"); !strings.Contains(got, branch.Name) {
		t.Fatalf("the person picker offers %q", got)
	}
	tb.do(chromedp.Click(chromedp.CSS(form+".picks button.pick")),
		chromedp.SetValue(chromedp.CSS(form+"[name=target_name]"), "群众户李某"),
		chromedp.SetUploadFiles(chromedp.CSS(form+"[name=photo]"), []string{photo}),
		chromedp.Click(chromedp.CSS(form+"button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if facts := tb.text("#record"); !strings.Contains(facts, "走访照片.png") || !strings.Contains(facts, s.sum.Member.Name) {
		t.Fatalf("the visit's page: %q", facts)
	}
	tb.shot("phone-visit")

	// The late commitment, fulfilled: a button in sight, confirmed.
	tb.open(fmt.Sprintf("/work/pairing_items/%d", item.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS(`form[action$="/act/fulfil"] button`)))
	// 催办 first: the helper is suggested; the reminder is recorded with who and when.
	if v, _ := chromedp.Run(tb.ctx, chromedp.Value(chromedp.CSS("#to_whom"))); v != "支部书记" {
		t.Fatalf("the reminder suggests %q", v)
	}
	tb.do(chromedp.SetValue(chromedp.CSS("#remind-note"), "请本周内办结"), chromedp.Click(chromedp.CSS("#remind")), chromedp.WaitVisible(chromedp.CSS("#reminder-list")))
	if got := tb.text("#reminder-list"); !strings.Contains(got, "zhibu 催办 支部书记:请本周内办结") {
		t.Fatalf("the reminders: %q", got)
	}
	tb.shot("phone-commitment")
	tb.do(chromedp.Click(chromedp.CSS(`form[action$="/act/fulfil"] button`)))
	if msg := tb.confirmed(); !strings.Contains(msg, "确认兑现") {
		t.Fatalf("fulfilling asks %q", msg)
	}
	tb.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	if !strings.Contains(tb.text("#record"), "已兑现") {
		t.Fatal("the commitment is not fulfilled")
	}

	// The member's change request, approved.
	tb.open("/me")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#to-decide")))
	if row := tb.text("#to-decide tbody"); !strings.Contains(row, post) {
		t.Fatalf("the request: %q", row)
	}
	tb.shot("phone-requests")
	tb.do(chromedp.Click(chromedp.CSS(`#to-decide button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if m, err := s.Members.Get(ctx, store.All, s.sum.Member.ID); err != nil || m.Post != post {
		t.Fatalf("after approval the post is %q: %v", m.Post, err)
	}

	// The roster: every row a card, every value with its heading.
	tb.open(fmt.Sprintf("/members?org=%d", branch.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#member-list")))
	if cells := tb.unlabelledCells(); cells != "" {
		t.Errorf("roster cells without their heading: %s", cells)
	}
	tb.shot("phone-roster")

	// The letter, printed to PDF.
	tb.open(fmt.Sprintf("/transfers/%d/print", letter.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#letter")))
	text := tb.text("#letter")
	for _, want := range []string{letter.LetterNo, leaving.Name, branch.Name, "中共某省某县某镇委员会", "存根", "回执", "请转接组织关系"} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed letter lacks %q", want)
		}
	}
	pdf, err := chromedp.Call(tb.ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Data, []byte("%PDF")) || len(pdf.Data) < 10_000 {
		t.Fatalf("the PDF is %d bytes", len(pdf.Data))
	}
	if err := os.WriteFile(filepath.Join(s.shotsDir, "letter.pdf"), pdf.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	tb.shot("letter-print")
	s.report(t)
	s.checked()
}

// pngBytes is a small PNG image, as a phone's camera would send a larger one.
func pngBytes() []byte {
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
}
