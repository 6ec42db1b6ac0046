package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/letters"
	"dangjian/internal/store"
)

// press clicks a button that sends a form and waits for the next page
// (not the one the click was made on).
func press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Action[chromedp.Void](func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](`document.body.dataset.sent = "1"; true`)(ctx, t)
			return chromedp.Void{}, err
		}),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitReady(chromedp.CSS("body:not([data-sent])")))
}

// TestJointProposalInTheBrowser is the consultative issue's journey: a
// joint proposal from the draft (on a phone) through co-signing, 立案, 交办
// to a lead and a co-handling unit, the co-handler's opinion, the lead's
// reply (class B), an unsatisfied evaluation, re-handling and a satisfied
// evaluation; the committee's board shows the figures changing at each
// step, equal to the service's figures and to a recount.
func TestJointProposalInTheBrowser(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	cs, err := s.Cppcc.Committees(ctx, store.All)
	if err != nil || len(cs) != 1 {
		t.Fatalf("demo committee: %v %v", cs, err)
	}
	c := cs[0]
	units, _ := s.Cppcc.Units(ctx, store.All, c.ID)
	unit := map[string]committee.Committee{}
	for _, u := range units {
		unit[u.Name] = u
	}
	terms, _ := s.Cppcc.Terms(ctx, store.All, c.ID)
	user := func(name, role string, node int64) int64 {
		u, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: name, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: role, CommitteeID: &node}); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	var names []string
	for i, n := range []string{"wyjia", "wyyi"} {
		id := user(n, auth.RoleCppccMember, c.ID)
		m, err := s.Cppcc.AddMember(ctx, store.All, committee.MemberInput{CommitteeID: c.ID, TermID: terms[0].ID, Name: []string{"甲委员", "乙委员"}[i], Sex: "女",
			Sector: "教育界", Party: "中国民主促进会", UserID: &id})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, m.Name)
		_ = m
	}
	user("tiwei", auth.RoleCppccOffice, c.ID)
	user("fuzhuxi", auth.RoleCppccLeader, c.ID)
	user("fagai", auth.RoleHandler, unit["市发展和改革委员会"].ID)
	user("caizheng", auth.RoleHandler, unit["市财政局"].ID)

	office := s.tab()
	office.login("tiwei", password)
	office.do(chromedp.WaitVisible(chromedp.CSS("#cppcc-figures")))
	board := func() map[string]int64 {
		t.Helper()
		office.open("/cppcc?state=")
		office.do(chromedp.WaitVisible(chromedp.CSS("#cppcc-figures")))
		raw := office.eval(`Array.from(document.querySelectorAll('#cppcc-figures b[data-key]')).map(b => b.dataset.key + '=' + b.textContent.trim().replace(/,/g, '')).join(';')`)
		// A desktop shows every figure, none folded away.
		if folded := office.eval(`Array.from(document.querySelectorAll('#cppcc-figures b[data-key], #activity-figures b[data-key]')).filter(b => !b.checkVisibility()).map(b => b.dataset.key).join(',')`); folded != "" {
			t.Errorf("the desktop's board folds away %s", folded)
		}
		out := map[string]int64{}
		for _, kv := range strings.Split(raw, ";") {
			k, v, _ := strings.Cut(kv, "=")
			n, _ := strconv.ParseInt(v, 10, 64)
			out[k] = n
		}
		ms, err := consultation.Check(ctx, s.DB)
		if err != nil || len(ms) > 0 {
			t.Fatalf("figures differ from a recount: %v %+v", err, ms)
		}
		now := time.Now()
		f, err := s.Cppcc.Figures(ctx, store.All, c.ID, cppcc.Period{From: now.Year()*100 + 1, To: now.Year()*100 + 12}, false)
		if err != nil {
			t.Fatal(err)
		}
		for k, n := range out {
			if k != "overdue" && f.Counts[k] != n {
				t.Errorf("the board shows %s = %d, the figures %d", k, n, f.Counts[k])
			}
		}
		return out
	}
	start := board()
	changed := func(before map[string]int64, want map[string]int64) map[string]int64 {
		t.Helper()
		after := board()
		for k, d := range want {
			if after[k]-before[k] != d {
				t.Errorf("%s moved by %d, want %d", k, after[k]-before[k], d)
			}
		}
		return after
	}

	// The first proposer drafts on a phone and asks the second to co-sign.
	a := s.tab()
	a.phone()
	a.login("wyjia", password)
	a.do(chromedp.WaitVisible(chromedp.CSS("#new-proposal")))
	a.open("/cppcc/my/new")
	a.do(chromedp.WaitVisible(chromedp.CSS("#proposal-form")),
		chromedp.SetValue(chromedp.CSS("#title"), "关于建设社区嵌入式养老服务站的建议"),
		chromedp.SetValue(chromedp.CSS("#category"), "社会建设"))
	// Too short a text first: the banner names the field and nothing is stored.
	a.do(chromedp.SetValue(chromedp.CSS("#content"), "太短"), press("#submit"), chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	if msg := a.text("#error-banner"); !strings.Contains(msg, "提案内容") {
		t.Fatalf("banner: %q", msg)
	}
	a.shot("cppcc-draft-error")
	// The co-signer is found as one types, chosen as a chip, removed and chosen again.
	coSigner := func() {
		a.do(chromedp.SendKeys(chromedp.CSS("#co_signers_q"), "乙"), chromedp.WaitVisible(chromedp.CSS("#co_signers .picks button.pick")),
			chromedp.Click(chromedp.CSS("#co_signers .picks button.pick")), chromedp.WaitVisible(chromedp.CSS("#co_signers .chips li.chip button.chip-x")))
	}
	coSigner()
	if got := a.text("#co_signers .chips"); !strings.Contains(got, names[1]) {
		t.Fatalf("the chip chosen: %q", got)
	}
	a.do(chromedp.Click(chromedp.CSS("#co_signers .chips button.chip-x")), chromedp.WaitNotPresent(chromedp.CSS("#co_signers .chips li.chip")))
	coSigner()
	a.shot("cppcc-cosigner-chip-phone")
	a.do(chromedp.SetValue(chromedp.CSS("#content"), "老年人口增长快,社区养老服务供给不足。建议在每个社区建设嵌入式养老服务站,提供助餐、助浴、日间照料等服务,并给予运营补贴。"),
		press("#submit"), chromedp.WaitVisible(chromedp.CSS("#proposal-state")))
	if st := a.text("#proposal-state"); st != "征集联名" {
		t.Fatalf("after submitting: %q", st)
	}
	pid := a.location()[strings.LastIndex(a.location(), "/")+1:]
	after := changed(start, map[string]int64{"submitted": 0})

	b := s.tab()
	b.phone()
	b.login("wyyi", password)
	b.do(chromedp.WaitVisible(chromedp.CSS("#to-sign")))
	// The to-do count of the header equals the invitations the list shows.
	if n, items := b.text("#todo-count b"), b.eval(`String(document.querySelectorAll('#to-sign li').length)`); n != "1" || items != "1" {
		t.Fatalf("the co-signer's to-do count %q, invitations listed %q", n, items)
	}
	b.shot("cppcc-member-phone")
	b.open("/cppcc/my/" + pid)
	b.do(press("#confirm-sign"), chromedp.WaitVisible(chromedp.CSS("#proposal-state")))
	if st := b.text("#proposal-state"); st != "待审查" {
		t.Fatalf("after co-signing: %q: %s", st, b.text("main"))
	}
	after = changed(after, map[string]int64{"submitted": 1, "way:joint": 1})

	office.open("/cppcc/proposals/" + pid)
	office.do(press("#file"), chromedp.WaitVisible(chromedp.CSS("#assign-form")))
	after = changed(after, map[string]int64{"filed": 1})
	office.open("/cppcc/proposals/" + pid)
	office.do(chromedp.SetValue(chromedp.CSS("#lead"), strconv.FormatInt(unit["市发展和改革委员会"].ID, 10)))
	office.do(chromedp.SendKeys(chromedp.CSS("#co_q"), "财政"), chromedp.WaitVisible(chromedp.CSS("#co .picks button.pick")),
		chromedp.Click(chromedp.CSS("#co .picks button.pick")), chromedp.WaitVisible(chromedp.CSS("#co .chips li.chip")))
	if got := office.eval(`Array.from(document.querySelectorAll('#co .chips input[name=co]:checked')).map(c => c.value).join(',')`); got != strconv.FormatInt(unit["市财政局"].ID, 10) {
		t.Fatalf("the co-handling unit chosen: %q", got)
	}
	office.do(press("#assign"), chromedp.WaitVisible(chromedp.CSS("#parts")))
	office.shot("cppcc-proposal-office")
	after = changed(after, map[string]int64{"st:handling": 1})

	// The chair meeting makes it a key proposal; the office records a supervision forum on it.
	var beforeActs map[string]int64
	leader := s.tab()
	leader.login("fuzhuxi", password)
	leader.do(chromedp.WaitVisible(chromedp.CSS("#cppcc-figures")))
	activities := func() map[string]int64 {
		office.open("/cppcc")
		office.do(chromedp.WaitVisible(chromedp.CSS("#activity-figures")))
		raw := office.eval(`Array.from(document.querySelectorAll('#activity-figures b[data-key], #cppcc-figures b[data-key="key"]')).map(b => b.dataset.key + '=' + b.textContent.trim()).join(';')`)
		out := map[string]int64{}
		for _, kv := range strings.Split(raw, ";") {
			k, v, _ := strings.Cut(kv, "=")
			out[k], _ = strconv.ParseInt(strings.ReplaceAll(v, ",", ""), 10, 64)
		}
		return out
	}
	beforeActs = activities()
	leader.open("/cppcc/proposals/" + pid)
	leader.do(chromedp.SetValue(chromedp.CSS("#key-lead-input"), "李副主席"), press("#mark-key"), chromedp.WaitVisible(chromedp.CSS("#key-lead")))
	office.open("/cppcc/proposals/" + pid)
	office.do(press("#record-supervision"), chromedp.WaitVisible(chromedp.CSS("#activity-form")),
		chromedp.SetValue(chromedp.CSS("#kind"), "supervision_forum"), chromedp.SetValue(chromedp.CSS("#title"), "社区养老服务站重点提案督办座谈会"),
		chromedp.SetValue(chromedp.CSS("#lead"), "李副主席"))
	// The attendance list: one member on leave, the rest present at one click; the counts follow.
	listed := office.eval(`String(document.querySelectorAll('#attendance-list li').length)`)
	office.do(chromedp.Click(chromedp.CSS("#attendance-list li:first-child input[value=leave]")), chromedp.Click(chromedp.CSS("#attendance-all")))
	n, _ := strconv.Atoi(listed)
	if got := office.text("#attendance-count"); n < 2 || got != "参加 "+strconv.Itoa(n-1)+" 人 · 请假 1 人 · 缺席 0 人" {
		t.Fatalf("the attendance counts of %d members: %q", n, got)
	}
	office.shot("cppcc-attendance")
	office.do(press("#record-activity"), chromedp.WaitVisible(chromedp.CSS("#activity-title")))
	office.shot("cppcc-activity")
	afterActs := activities()
	if afterActs["act:supervision_forum"]-beforeActs["act:supervision_forum"] != 1 || afterActs["key"]-beforeActs["key"] != 1 {
		t.Fatalf("the board's activities before %v, after %v", beforeActs, afterActs)
	}
	board()

	lead := s.tab()
	lead.login("fagai", password)
	lead.do(chromedp.WaitVisible(chromedp.CSS("#inbox")))
	lead.open("/cppcc/inbox/" + pid)
	// Nothing is chosen for the handler: the class is theirs to choose.
	if got := lead.value("#reply-form select[name=class]"); got != "" {
		t.Fatalf("the reply form chose class %q", got)
	}
	letter := filepath.Join(t.TempDir(), "答复函.pdf")
	if err := os.WriteFile(letter, []byte("%PDF-1.4 答复函"), 0o600); err != nil {
		t.Fatal(err)
	}
	lead.do(chromedp.SetValue(chromedp.CSS("#reply-form select[name=class]"), "B"), chromedp.SetValue(chromedp.CSS("#reply-form select[name=contact]"), "phone"),
		chromedp.SetValue(chromedp.CSS("#reply-form textarea"), "已列入明年民生实事项目。"), chromedp.SetUploadFiles(chromedp.CSS("#reply-form input[type=file]"), []string{letter}),
		press("#reply"), chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	if msg := lead.text("#error-banner"); !strings.Contains(msg, "市财政局") {
		t.Fatalf("the lead replied before the co-handler's opinion: %q", msg)
	}
	// The refused reply keeps its class and says the letter must be chosen again.
	if got, msg := lead.value("#reply-form select[name=class]"), lead.text("#error-banner"); got != "B" || !strings.Contains(msg, "附件未保存,请重新选择文件:答复函.pdf") {
		t.Fatalf("the refused reply: class %q, banner %q", got, msg)
	}
	co := s.tab()
	co.login("caizheng", password)
	co.do(chromedp.WaitVisible(chromedp.CSS("#inbox")))
	co.open("/cppcc/inbox/" + pid)
	co.do(chromedp.SetValue(chromedp.CSS("#opinion-form textarea"), "同意安排运营补贴资金。"), press("#give-opinion"), chromedp.WaitVisible(chromedp.CSS("#parts")))
	lead.open("/cppcc/inbox/" + pid)
	lead.do(chromedp.SetValue(chromedp.CSS("#reply-form select[name=class]"), "B"), chromedp.SetValue(chromedp.CSS("#reply-form select[name=contact]"), "phone"),
		chromedp.SetValue(chromedp.CSS("#reply-form textarea"), "已列入明年民生实事项目。"), press("#reply"), chromedp.WaitVisible(chromedp.CSS("#parts")))
	after = changed(after, map[string]int64{"class:B": 1, "st:replied": 1, "st:handling": -1})

	a.open("/cppcc/my/" + pid)
	a.do(chromedp.SetValue(chromedp.CSS("#attitude"), "satisfied"), chromedp.SetValue(chromedp.CSS("#result"), "unsatisfied"), chromedp.SetValue(chromedp.CSS("#eval-note"), "没有明确建设时间表"),
		press("#evaluate"), chromedp.WaitVisible(chromedp.CSS("#proposal-state")))
	if st := a.text("#proposal-state"); st != "重新办理" {
		t.Fatalf("after an unsatisfied evaluation: %q", st)
	}
	after = changed(after, map[string]int64{"rehandled": 1, "st:rehandling": 1, "class:B": -1})

	lead.open("/cppcc/inbox/" + pid)
	lead.do(chromedp.SetValue(chromedp.CSS("#reply-form select[name=class]"), "A"), chromedp.SetValue(chromedp.CSS("#reply-form select[name=contact]"), "visit"),
		chromedp.SetValue(chromedp.CSS("#reply-form textarea"), "明年六月前建成首批十个服务站。"), press("#reply"), chromedp.WaitVisible(chromedp.CSS("#parts")))
	a.open("/cppcc/my/" + pid)
	a.do(chromedp.SetValue(chromedp.CSS("#attitude"), "satisfied"), chromedp.SetValue(chromedp.CSS("#result"), "satisfied"), press("#evaluate"), chromedp.WaitVisible(chromedp.CSS("#satisfaction")))
	if st := a.text("#proposal-state"); st != "已办结" {
		t.Fatalf("after a satisfied evaluation: %q", st)
	}
	a.shot("cppcc-closed-phone")
	if cells := a.unlabelledCells(); cells != "" {
		t.Errorf("cells without their heading on a phone: %s", cells)
	}
	changed(after, map[string]int64{"st:closed": 1, "sat:satisfied": 1, "class:A": 1, "st:rehandling": -1})
	office.open("/cppcc")
	office.do(chromedp.WaitVisible(chromedp.CSS("#cppcc-figures")))
	office.shot("cppcc-board")
	lead.open("/cppcc/inbox?all=1")
	lead.do(chromedp.WaitVisible(chromedp.CSS("#inbox")))
	lead.shot("cppcc-inbox")
	office.open("/cppcc/performance")
	office.do(chromedp.WaitVisible(chromedp.CSS("#ranking")))
	office.shot("cppcc-performance")
	a.open("/cppcc/my/record")
	a.do(chromedp.WaitVisible(chromedp.CSS("#record")))
	// The first proposer's record: the proposal, its filing and its key status, each from its record.
	if got := a.eval(`Array.from(document.querySelectorAll('#record td[data-label="项目"]')).map(td => td.textContent).join(',')`); !strings.Contains(got, "重点提案") || !strings.Contains(got, "提案立案") {
		t.Fatalf("the record: %s", got)
	}
	a.shot("cppcc-record")
}

// TestOverdueListsSayWhoIsLate: on a phone, the office's 逾期 tab lists
// each late part with its unit, its date and the days past it, and 催办
// from the list is written to the proposal's history and comes back to
// the list; the letters' lists show each letter's 到期 date, and a letter
// held as spam is not among the late ones.
func TestOverdueListsSayWhoIsLate(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	c, _ := s.committee()
	s.grant("tiwei", auth.RoleCppccOffice, c.ID)
	office := s.tab()
	office.phone()
	office.login("tiwei", password)
	office.do(chromedp.WaitVisible(chromedp.CSS("#cppcc-figures")))
	late, err := s.Cppcc.LateParts(ctx, store.All, c.ID, store.Page{Number: 1, Size: 1})
	if err != nil || late.Total == 0 {
		t.Fatalf("the demo has no late part: %+v %v", late, err)
	}
	first := late.Items[0]
	// The phone shows a few key figures, the tabs on the first screen; the
	// others folded until opened.
	shown := func() int {
		n, _ := strconv.Atoi(office.eval(`String(Array.from(document.querySelectorAll('.figures > div, .figures > li')).filter(e => e.checkVisibility()).length)`))
		return n
	}
	tabsTop := func(nav string) float64 { return office.top(`nav[aria-label="` + nav + `"]`) }
	if n, top := shown(), tabsTop("提案分类"); n > 6 || top > 700 {
		t.Errorf("the phone's board shows %d figures before its tabs, at %.0f", n, top)
	}
	office.do(chromedp.Click(chromedp.CSS("#cppcc-figures details.more-figures > summary")))
	if n := shown(); n < 20 {
		t.Errorf("the board's figures opened show %d", n)
	}
	office.open("/cppcc/letters")
	office.do(chromedp.WaitVisible(chromedp.CSS("#case-figures")))
	if n, top := shown(), tabsTop("来信分类"); n > 6 || top > 700 {
		t.Errorf("the phone's letters show %d figures before the tabs, at %.0f", n, top)
	}
	office.open("/cppcc?overdue=1")
	office.do(chromedp.WaitVisible(chromedp.CSS("#late")))
	row := "#late tbody tr:first-child"
	for _, want := range []string{first.UnitName, first.DueOn.Chinese(), strconv.Itoa(first.Days) + "天", first.Title} {
		if got := office.text(row); !strings.Contains(got, want) {
			t.Errorf("the first late row reads %q, without %q", got, want)
		}
	}
	if tab := office.text(`nav[aria-label="提案分类"] a[aria-current="page"]`); tab != "逾期("+strconv.FormatInt(late.Total, 10)+")" {
		t.Errorf("the tab reads %q, the list holds %d", tab, late.Total)
	}
	// Each late part is a row of its own id, a proposal late at two units too.
	page1, err := s.Cppcc.LateParts(ctx, store.All, c.ID, store.Page{Number: 1, Size: 30})
	if err != nil {
		t.Fatal(err)
	}
	seen, twice := map[int64]bool{}, false
	for _, p := range page1.Items {
		twice = twice || seen[p.ProposalID]
		seen[p.ProposalID] = true
	}
	if !twice {
		t.Fatal("no proposal of the demo is late at two units")
	}
	if got := office.eval(`(function () {
	  var ids = {}, twice = '';
	  document.querySelectorAll('#late tbody tr').forEach(function (tr) { if (ids[tr.id]) { twice = tr.id; } ids[tr.id] = true; });
	  return twice;
	})()`); got != "" {
		t.Errorf("two rows of the 逾期 list have the id %s", got)
	}
	// A text box beside its button is as tall as the button, a finger's height.
	for _, pair := range [][2]string{{row + ` input[name="text"]`, row + ` button`}, {"#q", `form[action="/cppcc"] button`}} {
		box, button := office.height(pair[0]), office.height(pair[1])
		if box < 40 || box != button {
			t.Errorf("on a phone the box %s is %.0f high beside its button of %.0f", pair[0], box, button)
		}
	}
	office.do(chromedp.SetValue(chromedp.CSS(row+` input[name="text"]`), "请于本周内答复"))
	rowID := office.eval(`document.querySelector('` + row + `').id`)
	office.do(press(row + ` button`))
	if loc := office.location(); !strings.Contains(loc, "/cppcc?overdue=1") || !strings.HasSuffix(loc, "#"+rowID) {
		t.Errorf("催办 from the list (row %s) went to %s", rowID, loc)
	}
	if msg := office.text("#" + rowID + " .flash"); !strings.Contains(msg, "已记录催办") {
		t.Errorf("no word of the 催办 at its row: %q", msg)
	}
	if got := office.inView("#" + rowID + " .flash"); got != "yes" {
		t.Errorf("the word of the 催办 is out of the phone's sight: %s", got)
	}
	p, err := s.Cppcc.Get(ctx, store.All, cppcc.ViewOffice, first.ProposalID)
	if err != nil {
		t.Fatal(err)
	}
	if e := p.Events[len(p.Events)-1]; e.Action != "remind" || !strings.Contains(e.Note, first.UnitName) || !strings.Contains(e.Note, "请于本周内答复") {
		t.Errorf("the history's last step %+v", e)
	}

	// Letters: each listed with the date its clock runs to; the late ones
	// with their days; a held one never late.
	office.open("/cppcc/letters?tab=all")
	office.do(chromedp.WaitVisible(chromedp.CSS("#cases")))
	if got := office.eval(`document.querySelector('#cases td[data-label="到期"]') ? 'yes' : 'no'`); got != "yes" {
		t.Error("the letters list has no 到期 column")
	}
	cases, err := s.Cppcc.Letters.Cases(ctx, store.All, cppcc.ViewOffice, letters.CaseFilter{CommitteeID: c.ID, Overdue: true}, store.Page{Number: 1, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	office.open("/cppcc/letters?tab=overdue")
	if cases.Total == 0 {
		t.Fatal("the demo has no late letter")
	}
	office.do(chromedp.WaitVisible(chromedp.CSS("#cases")))
	for _, x := range cases.Items {
		if x.Held {
			t.Errorf("a held letter is listed late: %s", x.Title)
		}
	}
	x := cases.Items[0]
	if got := office.text(`#case-` + strconv.FormatInt(x.ID, 10) + ` td[data-label="到期"]`); !strings.Contains(got, x.DueOn.Chinese()) || !strings.Contains(got, "逾期"+strconv.Itoa(x.DaysOverdue)+"天") {
		t.Errorf("a late letter's 到期 reads %q, want %s and %d days", got, x.DueOn.Chinese(), x.DaysOverdue)
	}
	if got := office.eval(`document.querySelector('#cases tbody tr:first-child td[data-label="督办"] button') ? 'yes' : 'no'`); got != "yes" {
		t.Error("no 督办 beside a late letter")
	}

	// 督办 of a letter still running, not late, from the list of all: the
	// word of it is at its row, in sight.
	all, err := s.Cppcc.Letters.Cases(ctx, store.All, cppcc.ViewOffice, letters.CaseFilter{CommitteeID: c.ID}, store.Page{Number: 1, Size: 30})
	if err != nil {
		t.Fatal(err)
	}
	var running *letters.Case
	for i, x := range all.Items {
		if !x.Overdue && x.Running() {
			running = &all.Items[i]
		}
	}
	if running == nil {
		t.Fatal("the demo's first letters have none running and not late")
	}
	office.open("/cppcc/letters?tab=all")
	row = "#case-" + strconv.FormatInt(running.ID, 10)
	office.do(chromedp.WaitVisible(chromedp.CSS(row)), chromedp.SetValue(chromedp.CSS(row+` input[name="text"]`), "请加快办理"))
	if box, button := office.height(row+` input[name="text"]`), office.height(row+` td[data-label="督办"] button`); box < 40 || box != button {
		t.Errorf("on a phone the 督办 box is %.0f high beside its button of %.0f", box, button)
	}
	office.do(press(row + ` td[data-label="督办"] button`))
	if msg := office.text(row + " .flash"); !strings.Contains(msg, "已督办") {
		t.Errorf("no word of the 督办 at its row: %q", msg)
	}
	if got := office.inView(row + " .flash"); got != "yes" {
		t.Errorf("the word of the 督办 is out of the phone's sight: %s", got)
	}
	x, err = s.Cppcc.Letters.Case(ctx, store.All, cppcc.ViewOffice, running.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e := x.Events[len(x.Events)-1]; e.Action != "supervise" || !strings.Contains(e.Note, "请加快办理") {
		t.Errorf("the letter's last step %+v", e)
	}
}

// height is the element's height in CSS pixels.
func (tb *tab) height(sel string) float64 {
	tb.s.t.Helper()
	v, err := strconv.ParseFloat(tb.eval(`String(document.querySelector(`+strconv.Quote(sel)+`).getBoundingClientRect().height)`), 64)
	if err != nil {
		tb.s.t.Fatalf("height of %s: %v", sel, err)
	}
	return v
}

// inView tells whether the element is wholly within the viewport ("yes"),
// or where it is.
func (tb *tab) inView(sel string) string {
	return tb.eval(`(function () {
	  var el = document.querySelector(` + strconv.Quote(sel) + `);
	  if (!el) { return 'missing'; }
	  var r = el.getBoundingClientRect();
	  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0 ? 'yes' : 'at ' + Math.round(r.top) + '..' + Math.round(r.bottom) + ' of ' + window.innerHeight;
	})()`)
}
