package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/store"
)

// top is how far down the page (in CSS pixels) the element sel starts.
func (tb *tab) top(sel string) float64 {
	tb.s.t.Helper()
	v, err := strconv.ParseFloat(tb.eval(`String(document.querySelector(`+strconv.Quote(sel)+`).getBoundingClientRect().top + window.scrollY)`), 64)
	if err != nil {
		tb.s.t.Fatalf("top of %s: %v", sel, err)
	}
	return v
}

func (tb *tab) value(sel string) string {
	tb.s.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		tb.s.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// TestSecretaryFormsFirstOnPhone (issue 26 point 19): on a phone of
// 390×844 a branch secretary's record forms come first, the day and the
// secretary filled in; the roster shows per person a name and one line;
// a letter is started from 组织关系转接, carries its 有效期 and 党费交到,
// and prints the clear ID number only when the secretary asks, the look
// written to the audit trail.
func TestSecretaryFormsFirstOnPhone(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	branch := s.sum.Branch
	today := date.Of(time.Now())
	if _, err := s.DB.ExecContext(ctx, "UPDATE users SET display_name = '李书记' WHERE username = 'zhibu'"); err != nil {
		t.Fatal(err)
	}
	idn := validID("1988-09-17", 731)
	name, eth, stage, edu := "欧阳转出", "汉族", "full", "bachelor"
	j, f := date.New(2012, 7, 1), date.New(2013, 7, 1)
	leaving, err := s.Members.Create(ctx, store.All, member.Input{OrgID: &branch.ID, Name: &name, IDNumber: &idn, Ethnicity: &eth,
		Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &f})
	if err != nil {
		t.Fatal(err)
	}

	tb := s.tab()
	tb.phone()
	tb.login("zhibu", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("main h1")))

	// A visit: the form's button is in the first screen, the filters folded.
	tb.open(fmt.Sprintf("/work/visits?org=%d", branch.ID))
	form := `form[action^="/work/visits"] `
	tb.do(chromedp.WaitVisible(chromedp.CSS(".create-first summary")))
	if top := tb.top(".create-first summary"); top > 400 {
		t.Errorf("the visit form's button is %.0f px down the page", top)
	}
	if tb.eval(`String(document.querySelector('#work-filters').open)`) != "false" {
		t.Error("the filters stand open on a phone")
	}
	tb.do(chromedp.Click(chromedp.CSS(".create-first summary")), chromedp.WaitVisible(chromedp.CSS(form+"[name=visited_on]")))
	if got := tb.value(form + "[name=visited_on]"); got != today.String() {
		t.Errorf("the visit's day is %q, not today", got)
	}
	if got := tb.value(form + "[name=visitor]"); got != "李书记" {
		t.Errorf("the visitor is %q, not the signed-in secretary", got)
	}
	if top := tb.top(form + "button[type=submit]"); top > 1700 {
		t.Errorf("the visit form's save button is %.0f px down the page (two screens)", top)
	}
	tb.shot("phone-visit-form")
	// Saved with only what a secretary must choose.
	tb.do(chromedp.SetValue(chromedp.CSS(form+"[name=kind]"), "visit"),
		chromedp.SetValue(chromedp.CSS(form+"[name=target_kind]"), "household"),
		chromedp.SetValue(chromedp.CSS(form+"[name=target_name]"), "群众户王某"),
		chromedp.Click(chromedp.CSS(form+"button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if facts := tb.text("#record"); !strings.Contains(facts, "李书记") || !strings.Contains(facts, today.Chinese()) {
		t.Fatalf("the visit saved: %q", facts)
	}
	// On a wide screen the filters stand open.
	wide := s.tab()
	wide.login("zhibu", password)
	wide.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	wide.open(fmt.Sprintf("/work/visits?org=%d", branch.ID))
	wide.do(chromedp.WaitVisible(chromedp.CSS("#work-filters form")))
	// And the roster's, as they always stood: no fold line above them.
	wide.open(fmt.Sprintf("/members?org=%d", branch.ID))
	wide.do(chromedp.WaitVisible(chromedp.CSS("#member-filters form #q")))
	if shown := wide.eval(`String(document.querySelector('#member-filters summary').offsetParent !== null)`); shown != "false" {
		t.Error("on a wide screen the roster's filters stand under a fold line")
	}

	// The roster: the filters folded behind 筛选, the list in the first
	// screen; per person a card of the name and one line.
	tb.open(fmt.Sprintf("/members?org=%d", branch.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#member-list")))
	if tb.eval(`String(document.querySelector('#member-filters').open)`) != "false" || tb.text("#member-filters summary") != "筛选" {
		t.Errorf("the roster's filters on a phone: open %s, %q", tb.eval(`String(document.querySelector('#member-filters').open)`), tb.text("#member-filters summary"))
	}
	if top := tb.top("#member-list"); top > 844 {
		t.Errorf("the roster's list starts %.0f px down the page, below the first screen", top)
	}
	// Filtered, the fold counts the filters set and still leaves the list first.
	tb.open(fmt.Sprintf("/members?org=%d&category=all&q=%s", branch.ID, url.QueryEscape("欧阳")))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#member-list")))
	if got := tb.text("#member-filters summary"); got != "筛选(已选 2 项)" {
		t.Errorf("the fold of two filters set says %q", got)
	}
	tb.do(chromedp.Click(chromedp.CSS("#member-filters summary")), chromedp.WaitVisible(chromedp.CSS("#member-filters #q")))
	if got := tb.value("#member-filters #q"); got != "欧阳" {
		t.Errorf("the unfolded filters hold %q", got)
	}
	tb.open(fmt.Sprintf("/members?org=%d", branch.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#member-list")))
	cards := tb.eval(`(function () {
	  var bad = [];
	  document.querySelectorAll('#member-list tbody tr').forEach(function (tr) {
	    var shown = Array.from(tr.querySelectorAll('td')).filter(function (td) { return td.offsetParent !== null; });
	    var line = tr.querySelector('td.card-line');
	    var h = tr.getBoundingClientRect().height;
	    if (shown.length !== 3 || !line || line.offsetParent === null || line.getBoundingClientRect().height > 26 || h > 80) {
	      bad.push((tr.textContent || '').trim().slice(0, 30) + ' [' + shown.length + ' cells, ' + Math.round(h) + ' px]');
	    }
	  });
	  return bad.join('; ');
	})()`)
	if cards != "" {
		t.Errorf("roster cards that are not a name and one line: %s", cards)
	}
	line := tb.eval(`(function () { var r = Array.from(document.querySelectorAll('#member-list tbody tr')).find(function (tr) { return tr.textContent.indexOf('欧阳转出') >= 0; }); return r ? r.querySelector('td.card-line').textContent : ''; })()`)
	if line != "男 · 1988年9月生 · 正式党员 · "+branch.Name {
		t.Errorf("the roster's line: %q", line)
	}
	if cells := tb.unlabelledCells(); cells != "" {
		t.Errorf("roster cells without their heading: %s", cells)
	}
	tb.shot("phone-roster-cards")

	// A letter, started from 组织关系转接: the person picked first.
	tb.open("/transfers")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#letter-start")))
	if top := tb.top("#letter-start"); top > 400 {
		t.Errorf("the letter's start is %.0f px down the page", top)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS("#who_q"), "欧阳"), chromedp.WaitVisible(chromedp.CSS("#letter-start .picks button.pick")))
	if got := tb.text("#letter-start .picks"); !strings.Contains(got, branch.Name) {
		t.Fatalf("the person picker offers %q", got)
	}
	tb.do(chromedp.Click(chromedp.CSS("#letter-start .picks button.pick")), chromedp.Click(chromedp.CSS("#letter-next")),
		chromedp.WaitVisible(chromedp.CSS("#transfer-form")))
	if h := tb.text("main h1"); h != "为 欧阳转出 开具组织关系介绍信" {
		t.Fatalf("the letter's form: %q", h)
	}
	if got := tb.value("#issued_on"); got != today.String() {
		t.Errorf("the letter's day is %q", got)
	}
	if got := tb.value("#valid_days"); got != "30" {
		t.Errorf("the letter's 有效期 is %q", got)
	}
	tb.shot("phone-letter-form")
	// A 有效期 past three months is refused beside its field, the rest kept.
	tb.do(chromedp.SetValue(chromedp.CSS("#to_text"), "中共某县委组织部"), chromedp.SetValue(chromedp.CSS("#valid_days"), "120"),
		chromedp.SetValue(chromedp.CSS("#dues_paid_to"), "2026-05"), chromedp.Click(chromedp.CSS("#issue")),
		chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	if got := tb.text("#transfer-form"); !strings.Contains(got, "有效期应为1至90天") {
		t.Fatalf("the refused letter: %q", got)
	}
	if got := tb.value("#to_text"); got != "中共某县委组织部" {
		t.Fatalf("the refused letter lost its receiver: %q", got)
	}
	tb.do(chromedp.SetValue(chromedp.CSS("#valid_days"), "60"), chromedp.SetValue(chromedp.CSS("#dues_paid_to"), "2026-05"),
		chromedp.Click(chromedp.CSS("#issue")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := tb.text(".flash"); !strings.Contains(flash, "已开具介绍信") {
		t.Fatalf("after issuing: %q", flash)
	}
	l, err := s.Members.ListTransfers(ctx, store.All, member.TransferFilter{Member: leaving.ID}, store.Page{Size: 5})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("the letter: %+v %v", l, err)
	}
	letter := l.Items[0]

	// Printed: the 有效期, the dues, the ID number masked until asked for.
	reveals := func() int {
		var n int
		if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND object_type = 'member' AND object_id = $1 AND detail LIKE $2",
			leaving.ID, "%"+letter.LetterNo+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tb.open(fmt.Sprintf("/transfers/%d/print", letter.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#letter")))
	if got := tb.text("#letter-valid"); got != "(有效期 60 天)" {
		t.Errorf("the printed 有效期: %q", got)
	}
	if got := tb.text("#letter-dues"); got != "2026 年 5 月" {
		t.Errorf("the printed dues: %q", got)
	}
	if got := tb.text("#letter-id"); got != cnid.Mask(idn) {
		t.Errorf("before asking, the letter shows %q", got)
	}
	if reveals() != 0 {
		t.Fatal("a reveal is recorded before it was asked for")
	}
	tb.do(chromedp.Click(chromedp.CSS("#reveal-id")), chromedp.WaitVisible(chromedp.CSS("#revealed-note")))
	if got := tb.text("#letter-id"); got != idn {
		t.Errorf("after asking, the letter shows %q", got)
	}
	if n := reveals(); n != 1 {
		t.Errorf("the reveal for the letter is recorded %d times", n)
	}
	tb.shot("letter-print-revealed")

	// A role that may not reveal gets no number and no record.
	viewer := s.tab()
	viewer.login("tongji", password)
	viewer.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	status := viewer.eval(fmt.Sprintf(`(function () {
	  var c = document.querySelector('input[name=csrf]');
	  var x = new XMLHttpRequest();
	  x.open('POST', '/transfers/%d/print', false);
	  x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
	  x.send('csrf=' + encodeURIComponent(c ? c.value : ''));
	  return String(x.status) + ' ' + (x.responseText.indexOf(%q) >= 0);
	})()`, letter.ID, idn))
	if status != "403 false" {
		t.Errorf("a viewer asking for the number: %s", status)
	}
	if n := reveals(); n != 1 {
		t.Errorf("after the viewer the reveal is recorded %d times", n)
	}
	s.report(t)
	s.checked()
}
