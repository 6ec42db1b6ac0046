// Package e2e drives the whole application in a real headless Chromium:
// the journeys a Party-affairs worker makes, and screenshots of every main
// page at office-PC and phone sizes.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"dangjian/internal/app"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/demo"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/server"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

const password = "Tq7#mwLp2xZa"

type site struct {
	*app.App
	t        *testing.T
	url      string
	sum      demo.Summary
	streetB  org.Org
	branchB  org.Org
	log      *storetest.Log // the JSON request log, to report the server time of each page
	shotsDir string
	browser  context.Context
}

func chromiumPath() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, _ := exec.LookPath("chromium")
	return p
}

func newSite(t *testing.T) *site {
	path := chromiumPath()
	if path == "" {
		if os.Getenv("DANGJIAN_BROWSER_REQUIRED") != "" {
			t.Fatal("Chromium is required (DANGJIAN_BROWSER_REQUIRED) but not installed")
		}
		t.Skip("Chromium is not installed")
	}
	db := storetest.SQLite(t)
	ctx := context.Background()
	box, _ := secret.New(bytes.Repeat([]byte{9}, 32))
	db.Signer = box
	s := &site{t: t, log: &storetest.Log{}}
	s.App = app.New(db, box, app.Settings{Log: slog.New(slog.NewJSONHandler(s.log, nil))})
	sum, err := demo.Load(ctx, s.App, 1, time.Now())
	if err == nil {
		err = demo.Work(ctx, s.App, sum, 1, time.Now())
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Consult(ctx, s.App, "滨江市", time.Now()); err != nil {
		t.Fatal(err)
	}
	s.sum = sum
	// Street B: the first street of the other district, and its first branch.
	found, err := s.Orgs.Search(ctx, store.All, "新华街道", 5)
	if err != nil || len(found) == 0 {
		t.Fatalf("no second street: %v", err)
	}
	s.streetB = found[0]
	found, err = s.Orgs.Search(ctx, store.All, "新华第1党支部", 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("no branch in street B: %v", err)
	}
	s.branchB = found[0]
	users := []struct {
		name, role string
		org        *int64
		member     *int64
	}{
		{"streeta", auth.RoleOrgAdmin, &sum.Street.ID, nil},
		{"streetb", auth.RoleOrgAdmin, &s.streetB.ID, nil},
		{"zhibu", auth.RoleSecretary, &sum.Branch.ID, nil},
		{"city", auth.RoleOrgAdmin, &sum.Root.ID, nil},
		{"secadmin", auth.RoleSecadmin, nil, nil},
		{"auditor", auth.RoleAuditor, nil, nil},
		{"dangyuan", auth.RoleMember, &sum.Branch.ID, &sum.Member.ID},
		{"tongji", auth.RoleViewer, &sum.Root.ID, nil},
		{"victim", auth.RoleViewer, &sum.Root.ID, nil},
	}
	for _, u := range users {
		nu, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: u.name, Password: password, MemberID: u.member})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: nu.ID, Role: u.role, OrgID: u.org}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(server.Handler(s.App, server.Defaults))
	t.Cleanup(srv.Close)
	s.url = srv.URL

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("lang", "zh-CN"), chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	// One browser for the test; each tab gets its own browser context (own cookies).
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	s.browser = browser
	s.shotsDir = os.Getenv("DANGJIAN_SCREENSHOTS")
	if s.shotsDir == "" {
		s.shotsDir = filepath.Join("..", "..", "screenshots")
	}
	if err := os.MkdirAll(s.shotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return s
}

// tab is one browser tab with its own cookies (a separate incognito-like context).
type tab struct {
	s   *site
	ctx context.Context
	// asked receives the text of each confirmation the page asks; the user
	// answers 确定.
	asked chan string
	// onPhone: the tab is a phone (shot returns to it after its pictures).
	onPhone bool
}

func (s *site) tab() *tab {
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	s.t.Cleanup(cancel)
	// The first Do opens the tab; it must run on the tab's own context, whose
	// end closes the tab, not on a deadline's.
	if err := chromedp.Do(ctx); err != nil {
		s.t.Fatalf("open a tab: %v", err)
	}
	tb := &tab{s: s, ctx: ctx, asked: make(chan string, 16)}
	dialogs := make(chan string, 16)
	if err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs <- d.Message
		}
	}); err != nil {
		s.t.Fatal(err)
	}
	// The answer is a command, which the listener may not send itself.
	go func() {
		for msg := range dialogs {
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			select {
			case tb.asked <- msg:
			default:
			}
		}
	}()
	tb.do(chromedp.EmulateViewport(1366, 768))
	return tb
}

// confirmed is the text of the confirmation the page asked last (waiting a little for it).
func (tb *tab) confirmed() string {
	tb.s.t.Helper()
	select {
	case msg := <-tb.asked:
		return msg
	case <-time.After(10 * time.Second):
		tb.s.t.Fatal("the page asked no confirmation")
	}
	return ""
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.s.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(tb.ctx, chromedp.Location())
		body, _ := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("body")))
		tb.s.t.Fatalf("browser: %v\nat %s:\n%.1500s", err, loc, body)
	}
}

func (tb *tab) text(sel string) string {
	tb.s.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.s.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

func (tb *tab) open(path string) { tb.do(chromedp.Navigate(tb.s.url + path)) }

func (tb *tab) login(user, pw string) {
	tb.open("/login")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SetValue(chromedp.CSS("#username"), user), chromedp.SetValue(chromedp.CSS("#password"), pw),
		chromedp.Submit(chromedp.CSS("#password")))
}

func (tb *tab) count(orgID int64) int {
	tb.s.t.Helper()
	tb.open("/orgs/" + strconv.FormatInt(orgID, 10))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#fig-members")))
	n, err := strconv.Atoi(strings.ReplaceAll(tb.text("#fig-members"), ",", ""))
	if err != nil {
		tb.s.t.Fatal(err)
	}
	return n
}

func (tb *tab) location() string {
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.s.t.Fatal(err)
	}
	return loc
}

// shot saves the current page at office-PC and at phone size.
func (tb *tab) shot(name string) {
	tb.s.t.Helper()
	for _, size := range []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"1366x768", 1366, 768, false}, {"phone", 390, 844, true}} {
		var opts []chromedp.EmulateViewportOption
		if size.mobile {
			opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		tb.do(chromedp.EmulateViewport(size.w, size.h, opts...), chromedp.Sleep(400*time.Millisecond))
		png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			tb.s.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tb.s.shotsDir, name+"-"+size.suffix+".png"), png, 0o644); err != nil {
			tb.s.t.Fatal(err)
		}
	}
	if tb.onPhone {
		tb.phone()
	} else {
		tb.do(chromedp.EmulateViewport(1366, 768))
	}
}

func validID(birth string, seq int) string {
	first := fmt.Sprintf("320102%s%03d", strings.ReplaceAll(birth, "-", ""), seq)
	return first + string(cnid.CheckChar(first))
}

// TestDailyWork is the journey of the web issue: log in, open a street, add a
// member (first with a wrong ID number), transfer them to a branch of another
// street, receive the letter there, and see both streets' figures change.
func TestDailyWork(t *testing.T) {
	s := newSite(t)
	a := s.tab()
	a.login("streeta", password)
	a.do(chromedp.WaitVisible(chromedp.CSS("#org-name")))
	if got := a.text("#org-name"); got != s.sum.Street.Name {
		t.Fatalf("street A's admin lands on %q", got)
	}
	before := a.count(s.sum.Street.ID)
	b := s.tab()
	b.login("streetb", password)
	b.do(chromedp.WaitVisible(chromedp.CSS("#org-name")))
	beforeB := b.count(s.streetB.ID)

	// Add a member with a wrong check digit: the message stands beside the field.
	good := validID("1991-04-05", 123)
	bad := good[:17] + map[bool]string{true: "0", false: "1"}[good[17] != '0']
	a.open("/members/new?org=" + strconv.FormatInt(s.sum.Branch.ID, 10))
	a.do(chromedp.WaitVisible(chromedp.CSS("#member-form")),
		chromedp.SetValue(chromedp.CSS("#name"), "测试新党员"),
		chromedp.SetValue(chromedp.CSS("#id_number"), bad),
		chromedp.SetValue(chromedp.CSS("#education"), "bachelor"),
		chromedp.SetValue(chromedp.CSS("#stage"), "full"),
		chromedp.SetValue(chromedp.CSS("#joined_on"), "2015-07-01"),
		chromedp.SetValue(chromedp.CSS("#full_on"), "2016-07-01"),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#err-id_number")))
	if msg := a.text("#err-id_number"); !strings.Contains(msg, "校验码错误") {
		t.Fatalf("message beside the ID field: %q", msg)
	}
	a.shot("member-form-error")
	// The form kept what was typed; correct the number and save.
	if v, _ := chromedp.Run(a.ctx, chromedp.Value(chromedp.CSS("#name"))); v != "测试新党员" {
		t.Fatalf("the refused form lost the name: %q", v)
	}
	a.do(chromedp.SetValue(chromedp.CSS("#id_number"), good), chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#id-number")))
	memberURL, _, _ := strings.Cut(strings.TrimPrefix(a.location(), s.url), "?")
	if masked := a.text("#id-number"); masked != cnid.Mask(good) {
		t.Fatalf("member page shows %q", masked)
	}
	a.shot("member")
	if after := a.count(s.sum.Street.ID); after != before+1 {
		t.Fatalf("street A had %d members, now %d", before, after)
	}

	// Issue a letter to a branch of street B.
	a.open("/transfers/new?member=" + strings.TrimPrefix(memberURL, "/members/"))
	today := date.Of(time.Now()).String()
	a.do(chromedp.WaitVisible(chromedp.CSS("#transfer-form")))
	// The picker: part of the name, then the match chosen from the list (with its parents).
	a.do(chromedp.SendKeys(chromedp.CSS("#to_q"), "新华第1"), chromedp.WaitVisible(chromedp.CSS(".picks button.pick")))
	if got := a.text(".picks"); !strings.Contains(got, s.branchB.Name) || !strings.Contains(got, s.streetB.Name) {
		t.Fatalf("the picker offers %q", got)
	}
	a.do(chromedp.Click(chromedp.CSS(".picks button.pick")))
	if v, _ := chromedp.Run(a.ctx, chromedp.Value(chromedp.CSS(`input[type=hidden][name=to_org_id]`))); v != strconv.FormatInt(s.branchB.ID, 10) {
		t.Fatalf("the picker chose %q, not %d", v, s.branchB.ID)
	}
	a.do(
		chromedp.SetValue(chromedp.CSS("#issued_on"), today),
		chromedp.SetValue(chromedp.CSS("#reason"), "居住地变更"),
		chromedp.Click(chromedp.CSS("#issue")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := a.text(".flash"); !strings.Contains(flash, "已开具介绍信") || !strings.Contains(flash, s.branchB.Name) {
		t.Fatalf("after issuing: %q", flash)
	}
	a.shot("transfers-out")

	// Street B receives it.
	b.open("/transfers?tab=in")
	b.do(chromedp.WaitVisible(chromedp.CSS("#letters")))
	b.shot("transfers-in")
	b.do(chromedp.Click(chromedp.CSS("button[data-receive]")))
	if msg := b.confirmed(); !strings.Contains(msg, "确定接收 测试新党员 的组织关系") {
		t.Fatalf("receiving asks %q", msg)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := b.text(".flash"); !strings.Contains(flash, "已接收 测试新党员") {
		t.Fatalf("after receiving: %q", flash)
	}
	if got := b.count(s.streetB.ID); got != beforeB+1 {
		t.Fatalf("street B had %d members, now %d", beforeB, got)
	}
	// Taken back at once (a wrong receipt), then received again.
	b.open("/transfers?tab=all")
	b.do(chromedp.WaitVisible(chromedp.CSS("button[data-unreceive]")), chromedp.Click(chromedp.CSS("button[data-unreceive]")))
	if msg := b.confirmed(); !strings.Contains(msg, "确定撤销接收") {
		t.Fatalf("the undo asks %q", msg)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := b.text(".flash"); !strings.Contains(flash, "已撤销接收") {
		t.Fatalf("after the undo: %q", flash)
	}
	if got := b.count(s.streetB.ID); got != beforeB {
		t.Fatalf("after the undo street B has %d members, had %d", got, beforeB)
	}
	b.open("/transfers?tab=in")
	b.do(chromedp.WaitVisible(chromedp.CSS("button[data-receive]")), chromedp.Click(chromedp.CSS("button[data-receive]")))
	b.confirmed()
	b.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := b.count(s.streetB.ID); got != beforeB+1 {
		t.Fatalf("received again, street B has %d members", got)
	}
	if got := a.count(s.sum.Street.ID); got != before {
		t.Fatalf("street A should be back to %d members, has %d", before, got)
	}
	// The member is now street B's: street A no longer finds them.
	a.open(memberURL)
	a.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	if h := a.text("main h1"); h != "没有找到" {
		t.Fatalf("street A still opens the transferred member: %q", h)
	}
	s.report(t)
	// After the journey no ID number or phone is in the clear in the
	// database files, a backup or the server's log.
	s.noClearIdentifiers(good, bad)
	s.checked()
}

// checked is dangjian check and dangjian audit verify after a journey:
// every figure equals a recount and the trail is whole.
func (s *site) checked() {
	s.t.Helper()
	storetest.NoMismatch(s.t, s.DB, work.Recount)
	ps, n, err := audit.Verify(context.Background(), s.DB)
	if err != nil || len(ps) != 0 || n == 0 {
		s.t.Fatalf("the audit trail after the journey: %v, %d entries, problems %+v", err, n, ps)
	}
}

// noClearIdentifiers checks every ID number and phone on the roster, and
// those typed in the journey, against the stored bytes and the log.
func (s *site) noClearIdentifiers(typed ...string) {
	s.t.Helper()
	secrets := typed
	for _, status := range []string{member.StatusActive, member.StatusTransferredOut, member.StatusCancelled} {
		err := s.Members.Each(context.Background(), store.All, member.Filter{Status: status}, func(m member.Member) error {
			secrets = append(secrets, m.IDNumber, m.Phone)
			return nil
		})
		if err != nil {
			s.t.Fatal(err)
		}
	}
	storetest.NoClearIdentifiers(s.t, s.DB, secrets, s.log.Bytes())
}

// openForms opens every folded form of the page, as a user clicking its title would.
func (tb *tab) openForms() {
	tb.s.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.querySelectorAll('details').forEach(function (d) { d.open = true; }); true`)); err != nil {
		tb.s.t.Fatal(err)
	}
}

// figure reads one figure of the work summary on the page.
func (tb *tab) figure(key string) int {
	tb.s.t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(tb.text("#work-"+key), ",", ""))
	if err != nil {
		tb.s.t.Fatalf("figure %s: %v", key, err)
	}
	return n
}

// TestPairingJourney carries one pairing from its commitment letter to every
// item fulfilled, and sees the street's dashboard count it.
func TestPairingJourney(t *testing.T) {
	s := newSite(t)
	a := s.tab()
	a.login("streeta", password)
	a.do(chromedp.WaitVisible(chromedp.CSS("#work-commit_done")))
	doneBefore, openBefore, overdueBefore := a.figure("commit_done"), a.figure("commit_open"), a.figure("overdue")

	// The pairing, at a branch of the street.
	a.open(fmt.Sprintf("/work/pairings?org=%d", s.sum.Branch.ID))
	a.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	a.openForms()
	form := `form[action^="/work/pairings"] `
	a.do(chromedp.SetValue(chromedp.CSS(form+"[name=kind]"), "cadre_person"),
		chromedp.SetValue(chromedp.CSS(form+"[name=helper]"), "街道干部李明"),
		chromedp.SetValue(chromedp.CSS(form+"[name=helped]"), "困难党员户王某"),
		chromedp.SetValue(chromedp.CSS(form+"[name=started_on]"), "2026-01-05"),
		chromedp.Click(chromedp.CSS(form+"button")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	pairingURL, _, _ := strings.Cut(strings.TrimPrefix(a.location(), s.url), "?")

	// The commitment letter's items, one for each side; the first already late.
	yesterday := date.Of(time.Now()).AddDate(0, 0, -1).String()
	for _, it := range []struct{ side, content, due string }{{"a", "帮助联系就业岗位", yesterday}, {"b", "参加技能培训并结业", "2026-12-31"}} {
		a.open(pairingURL)
		a.do(chromedp.WaitVisible(chromedp.CSS("#record")))
		a.openForms()
		form := `form[action^="/work/pairing_items"] `
		a.do(chromedp.SetValue(chromedp.CSS(form+"[name=side]"), it.side),
			chromedp.SetValue(chromedp.CSS(form+"[name=content]"), it.content),
			chromedp.SetValue(chromedp.CSS(form+"[name=due_on]"), it.due),
			chromedp.Click(chromedp.CSS(form+"button")),
			chromedp.WaitVisible(chromedp.CSS(".flash")))
	}
	if rows := a.text("#pairing_items tbody"); !strings.Contains(rows, "已逾期") || !strings.Contains(rows, "未开始") {
		t.Fatalf("items: %q", rows)
	}
	a.shot("work-pairing")
	a.open("/")
	a.do(chromedp.WaitVisible(chromedp.CSS("#work-overdue")))
	if a.figure("overdue") != overdueBefore+1 || a.figure("commit_open") != openBefore+2 {
		t.Fatalf("dashboard after the letter: overdue %d, open %d", a.figure("overdue"), a.figure("commit_open"))
	}

	// Fulfil every item.
	a.open(pairingURL)
	a.do(chromedp.WaitVisible(chromedp.CSS("#record")))
	items, err := chromedp.Run(a.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#pairing_items tbody tr td:last-child a')).map(function (a) { return a.getAttribute('href'); })`))
	if err != nil || len(items) != 2 {
		t.Fatalf("item links %v: %v", items, err)
	}
	for i, item := range items {
		a.open(item)
		a.do(chromedp.WaitVisible(chromedp.CSS("#record")))
		a.openForms()
		a.do(chromedp.Click(chromedp.CSS(`form[action$="/act/fulfil"] button`)))
		if msg := a.confirmed(); !strings.Contains(msg, "确认兑现") {
			t.Fatalf("fulfilling asks %q", msg)
		}
		a.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
		if flash := a.text(".flash"); !strings.Contains(flash, "确认兑现") {
			t.Fatalf("after fulfilling: %q", flash)
		}
		if i == 0 {
			a.shot("work-item")
		}
	}
	a.open(pairingURL)
	a.do(chromedp.WaitVisible(chromedp.CSS("#record")))
	if rows := a.text("#pairing_items tbody"); strings.Count(rows, "已兑现") != 2 {
		t.Fatalf("items after fulfilment: %q", rows)
	}
	a.open("/")
	a.do(chromedp.WaitVisible(chromedp.CSS("#work-commit_done")))
	if a.figure("commit_done") != doneBefore+2 || a.figure("commit_open") != openBefore || a.figure("overdue") != overdueBefore {
		t.Fatalf("dashboard after fulfilment: done %d (was %d), open %d, overdue %d",
			a.figure("commit_done"), doneBefore, a.figure("commit_open"), a.figure("overdue"))
	}
	a.shot("dashboard-work")
	a.open(fmt.Sprintf("/work?org=%d", s.sum.Street.ID))
	a.do(chromedp.WaitVisible(chromedp.CSS("#work-commit_done")))
	a.shot("work")
	s.report(t)
	s.checked()
}

// TestSecretaryCannotOpenAnotherBranch: a branch secretary typing another branch's member URL gets the not-found page.
func TestSecretaryCannotOpenAnotherBranch(t *testing.T) {
	s := newSite(t)
	l, err := s.Members.List(context.Background(), store.ScopeOf(s.branchB.Path), member.Filter{}, store.Page{Size: 1})
	if err != nil || len(l.Items) == 0 {
		t.Fatalf("no member in branch B: %v", err)
	}
	tb := s.tab()
	tb.login("zhibu", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#org-name")))
	tb.open(fmt.Sprintf("/members/%d", l.Items[0].ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	if h := tb.text("main h1"); h != "没有找到" {
		t.Fatalf("the secretary sees %q", h)
	}
	if body := tb.text("main"); strings.Contains(body, l.Items[0].Name) {
		t.Fatal("the not-found page shows the member's name")
	}
	tb.shot("not-found")
	// Their own branch's member opens.
	tb.open(fmt.Sprintf("/members/%d", s.sum.Member.ID))
	tb.do(chromedp.WaitVisible(chromedp.CSS("#id-number")))
}

// TestFiveWrongPasswordsLock: the fifth wrong password locks the account;
// every refusal says the same, for a name that exists or not, and names the
// lockout rule.
func TestFiveWrongPasswordsLock(t *testing.T) {
	s := newSite(t)
	tb := s.tab()
	tb.login("nobody", "wrong-password")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#login-error")))
	unknown := tb.text("#login-error")
	if !strings.Contains(unknown, "连续输错5次账号将被锁定15分钟") {
		t.Fatalf("an unknown user: %q", unknown)
	}
	for i := 1; i <= 5; i++ {
		tb.login("victim", "wrong-password")
		tb.do(chromedp.WaitVisible(chromedp.CSS("#login-error")))
		if msg := tb.text("#login-error"); msg != unknown {
			t.Fatalf("attempt %d: %q", i, msg)
		}
	}
	tb.shot("login-locked")
	tb.login("victim", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#login-error")))
	if msg := tb.text("#login-error"); msg != unknown {
		t.Fatalf("right password while locked: %q", msg)
	}
	var locked bool
	if err := s.DB.QueryRowContext(context.Background(), "SELECT locked_until IS NOT NULL FROM users WHERE username = 'victim'").Scan(&locked); err != nil || !locked {
		t.Fatalf("the account is not locked: %v", err)
	}
}

// TestScreenshots walks every main page as the role that uses it.
func TestScreenshots(t *testing.T) {
	s := newSite(t)
	tb := s.tab()
	tb.open("/login")
	tb.do(chromedp.WaitVisible(chromedp.CSS("#username")))
	tb.shot("login")
	tb.login("city", password)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#org-name")), chromedp.WaitVisible(chromedp.CSS(".chart svg")))
	tb.shot("dashboard")
	// A chart downloads as a PNG picture; the table beside a drawn chart is hidden.
	png, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`new Promise(function (ok) { window.dangjianChartPNG(0, ok); })`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(png, "data:image/png;base64,") || len(png) < 5000 {
		t.Fatalf("the chart as PNG: %.60s (%d) %v", png, len(png), err)
	}
	if n := tb.eval(`String(document.querySelectorAll('.chart-png').length)`); n == "0" {
		t.Fatal("no 下载图片 beside the charts")
	}
	pages := []struct{ path, wait, name string }{
		{"/orgs", ".tree", "org-tree"},
		{fmt.Sprintf("/orgs/%d", s.sum.Street.ID), ".chart svg", "org-street"},
		{fmt.Sprintf("/members?org=%d", s.sum.Street.ID), "#member-list", "members"},
		{fmt.Sprintf("/members?q=%s", "zh"), "#member-list", "members-search"},
		{fmt.Sprintf("/members/%d", s.sum.Member.ID), "#id-number", "member-page"},
		{fmt.Sprintf("/members/new?org=%d", s.sum.Branch.ID), "#member-form", "member-new"},
		{"/transfers?tab=risk", "main h1", "transfers-risk"},
		{"/mobile", "main h1", "mobile"},
		{"/units?gap=no_org", "main h1", "units"},
		{"/work/visits", "main h1", "work-visits"},
		{"/work/disbursements", "main h1", "work-disbursements"},
		{"/work/selections", "main h1", "work-selections"},
		{"/work/unlinked", "main h1", "work-unlinked"},
		{"/me", "main h1", "me"},
		{"/password", "#new_password", "password"},
		{"/todo", "main h1", "todo"},
		{"/orgs/terms?within=730", "main h1", "terms"},
		{fmt.Sprintf("/orgs/%d/stats/print", s.sum.Street.ID), "#stats-table", "stats-print"},
		{fmt.Sprintf("/orgs/%d/stats/print?table=changes", s.sum.Street.ID), "#stats-table", "stats-changes"},
		{fmt.Sprintf("/members/import?org=%d", s.sum.Branch.ID), "main h1", "import"},
		{"/help", "main h1", "help"},
	}
	for _, p := range pages {
		tb.open(p.path)
		tb.do(chromedp.WaitVisible(chromedp.CSS(p.wait)))
		tb.shot(p.name)
	}
	// Open a tree node: its children load on demand.
	tb.open("/orgs")
	// The top stands open with its children; opening a child loads its own.
	tb.do(chromedp.WaitVisible(chromedp.CSS(".tree .tree li a")),
		chromedp.Click(chromedp.CSS(".tree .tree details summary")), chromedp.WaitVisible(chromedp.CSS(".tree .tree .tree li a")))
	tb.shot("org-tree-open")
	// A search names each organisation found with its parents.
	tb.open("/orgs?q=" + s.branchB.Name)
	tb.do(chromedp.WaitVisible(chromedp.CSS("#results")))
	if got := tb.text("#results"); !strings.Contains(got, s.streetB.Name+" ›") && !strings.Contains(got, "› "+s.streetB.Name) {
		t.Fatalf("the search result has no parents' path: %q", got)
	}
	tb.shot("org-search")
	// Reveal: the full number shows, and the look is audited.
	tb.open(fmt.Sprintf("/members/%d", s.sum.Member.ID))
	tb.do(chromedp.Click(chromedp.CSS("#reveal")), chromedp.WaitNotPresent(chromedp.CSS("#reveal")))
	if got := tb.text("#id-number"); strings.Contains(got, "*") {
		t.Fatalf("after 查看 the number is still masked: %q", got)
	}
	for _, who := range []struct{ user, path, wait, name string }{
		{"secadmin", "/users", "main h1", "users"},
		{"auditor", "/audit", "main h1", "audit"},
		{"dangyuan", "/me", "main h1", "me-member"},
		{"tongji", "/", ".chart svg", "dashboard-viewer"},
	} {
		u := s.tab()
		u.login(who.user, password)
		u.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
		u.open(who.path)
		u.do(chromedp.WaitVisible(chromedp.CSS(who.wait)))
		u.shot(who.name)
		if who.user == "auditor" && (!strings.Contains(u.text("main"), "查看完整号码") || strings.Contains(u.text("tbody"), "reveal")) {
			t.Fatal("the audit page does not show the reveal in words")
		}
	}
	s.report(t)
	s.checked()
}

// report writes the server time of every page served, slowest first.
func (s *site) report(t *testing.T) {
	lines := strings.Split(s.log.String(), "\n")
	type hit struct {
		Route string  `json:"route"`
		MS    float64 `json:"ms"`
		Msg   string  `json:"msg"`
	}
	worst := map[string]float64{}
	for _, l := range lines {
		var h hit
		if json.Unmarshal([]byte(l), &h) != nil || h.Msg != "request" || strings.HasPrefix(h.Route, "GET /static/") {
			continue
		}
		worst[h.Route] = max(worst[h.Route], h.MS)
	}
	var out []string
	for r, ms := range worst {
		out = append(out, fmt.Sprintf("%8.2f ms  %s", ms, r))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	f := filepath.Join(s.shotsDir, "timings-"+t.Name()+".txt")
	_ = os.WriteFile(f, []byte(strings.Join(out, "\n")+"\n"), 0o644)
	t.Logf("slowest server time per route (written to %s):\n%s", f, strings.Join(out[:min(5, len(out))], "\n"))
}
