package e2e

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/report/docxtest"
	"dangjian/internal/store"
)

// grant makes an account with a CPPCC role on a node of the committees' tree.
func (s *site) grant(name, role string, node int64) int64 {
	s.t.Helper()
	u, err := s.Auth.CreateUser(context.Background(), auth.NewUser{Username: name, Password: password})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.Auth.AddGrant(context.Background(), store.All, auth.GrantInput{UserID: u.ID, Role: role, CommitteeID: &node}); err != nil {
		s.t.Fatal(err)
	}
	return u.ID
}

// committee is the demo's committee and its units by name.
func (s *site) committee() (committee.Committee, map[string]committee.Committee) {
	s.t.Helper()
	cs, err := s.Cppcc.Committees(context.Background(), store.All)
	if err != nil || len(cs) != 1 {
		s.t.Fatalf("demo committee: %v %v", cs, err)
	}
	units, _ := s.Cppcc.Units(context.Background(), store.All, cs[0].ID)
	out := map[string]committee.Committee{}
	for _, u := range units {
		out[u.Name] = u
	}
	return cs[0], out
}

// publicFigures are the letters page's figures, each checked against the
// service's figures and a recount.
func (s *site) publicFigures(office *tab, c committee.Committee) map[string]int64 {
	s.t.Helper()
	office.open("/cppcc/letters?tab=all")
	office.do(chromedp.WaitVisible(chromedp.CSS("#case-figures")))
	if ms, err := consultation.Check(context.Background(), s.DB); err != nil || len(ms) > 0 {
		s.t.Fatalf("figures differ from a recount: %v %+v", err, ms)
	}
	now := time.Now()
	f, err := s.Cppcc.PublicFigures(context.Background(), store.All, c.ID, cppcc.Period{From: now.Year()*100 + 1, To: now.Year()*100 + 12})
	if err != nil {
		s.t.Fatal(err)
	}
	shown, _ := strconv.ParseInt(strings.ReplaceAll(office.text("#case-figures li:first-child b"), ",", ""), 10, 64)
	if shown != f.Counts["c:all"] {
		s.t.Errorf("the page shows %d letters this year, the figures %d", shown, f.Counts["c:all"])
	}
	return f.Counts
}

// TestPublicLetterInTheBrowser: a citizen writes to the letters-and-visits
// box on a phone (the page solves the proof of work), is given a receipt
// code; the office accepts the case and routes it to a unit, which extends
// its period with its head's approval and replies; the citizen reads the
// extension's notice and the reply with the code and is satisfied. The
// figures follow each step and equal a recount.
func TestPublicLetterInTheBrowser(t *testing.T) {
	s := newSite(t)
	c, units := s.committee()
	unit := units["市住房和城乡建设局"]
	if unit.ID == 0 {
		for _, u := range units {
			unit = u
			break
		}
	}
	s.grant("xinfang", auth.RoleCppccOffice, c.ID)
	s.grant("zhujian", auth.RoleHandler, unit.ID)
	office := s.tab()
	office.login("xinfang", password)
	office.do(chromedp.WaitVisible(chromedp.CSS("main")))
	before := s.publicFigures(office, c)

	citizen := s.tab()
	citizen.phone()
	citizen.open("/public/" + strconv.FormatInt(c.ID, 10))
	citizen.do(chromedp.WaitVisible(chromedp.CSS("#box-petition")))
	citizen.shot("public-home")
	citizen.do(press("#box-petition"), chromedp.WaitVisible(chromedp.CSS(`[data-pow-status][data-state="done"]`)))
	citizen.checkLine("#public_ok", `label[for="public_ok"]`)
	// Too short a text first: the banner names the field; a new challenge is solved for the retry.
	citizen.do(chromedp.SetValue(chromedp.CSS("#title"), "小区消防通道长期被占用"), chromedp.SetValue(chromedp.CSS("#content"), "太短"),
		chromedp.SetValue(chromedp.CSS("#name"), "孙立军"), chromedp.SetValue(chromedp.CSS("#phone"), "13700001111"),
		press("#send-letter"), chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	if msg := citizen.text("#error-banner"); !strings.Contains(msg, "内容") {
		t.Fatalf("banner: %q", msg)
	}
	citizen.shot("public-letter-error")
	citizen.do(chromedp.WaitVisible(chromedp.CSS(`[data-pow-status][data-state="done"]`)),
		chromedp.SetValue(chromedp.CSS("#content"), "我们小区的消防通道长期被私家车占用,物业劝阻无效,一旦发生火灾消防车进不来,请有关部门处理。"),
		press("#send-letter"), chromedp.WaitVisible(chromedp.CSS("#receipt-code")))
	code := citizen.text("#receipt-code")
	citizen.do(chromedp.Click(chromedp.CSS("#copy-code")), chromedp.Sleep(300*time.Millisecond))
	if said := citizen.text("#copy-code"); said == "复制回执码" {
		t.Errorf("the copy button did nothing")
	}
	citizen.shot("public-receipt")
	after := s.publicFigures(office, c)
	for k, d := range map[string]int64{"c:all": 1, "c:box:petition": 1, "c:ch:online": 1, "c:st:received": 1} {
		if after[k]-before[k] != d {
			t.Errorf("%s moved by %d, want %d", k, after[k]-before[k], d)
		}
	}

	office.open("/cppcc/letters?tab=received")
	office.do(chromedp.WaitVisible(chromedp.CSS("#cases")))
	href := office.eval(`(function(){ var a = Array.from(document.querySelectorAll('#cases a[data-case]')).find(a => a.textContent === '小区消防通道长期被占用'); return a ? a.getAttribute('href') : ''; })()`)
	if href == "" {
		t.Fatalf("the letter is not in the office's list: %s", office.text("#cases"))
	}
	id := href[strings.LastIndex(href, "/")+1:]
	office.open(href)
	office.do(chromedp.WaitVisible(chromedp.CSS(`#clocks tr[data-period="accept"]`)))
	if sender := office.text("#main dl.facts dd"); strings.Contains(sender, "孙立军") || strings.Contains(sender, "13700001111") {
		t.Errorf("the sender is not masked: %q", sender)
	}
	office.do(press("#accept"), chromedp.WaitVisible(chromedp.CSS("#route-form")),
		chromedp.SetValue(chromedp.CSS("#unit_id"), strconv.FormatInt(unit.ID, 10)), chromedp.SetValue(chromedp.CSS("#route"), "assign"),
		press("#route-case"), chromedp.WaitVisible(chromedp.CSS(`#clocks tr[data-period="handle"]`)))
	office.shot("public-case-office")
	after = s.publicFigures(office, c)
	if after["c:accepted"]-before["c:accepted"] != 1 {
		t.Errorf("accepted moved by %d", after["c:accepted"]-before["c:accepted"])
	}

	u := s.tab()
	u.phone()
	u.login("zhujian", password)
	u.do(chromedp.WaitVisible(chromedp.CSS("main")))
	if todo := u.text("#todo-count b"); todo == "" {
		t.Error("the unit's to-do count shows nothing")
	}
	u.open("/cppcc/inbox/letters/" + id)
	u.do(chromedp.WaitVisible(chromedp.CSS("#extend-form")),
		chromedp.SetValue(chromedp.CSS("#days"), "30"), chromedp.SetValue(chromedp.CSS("#approver"), "局长王强"),
		chromedp.SetValue(chromedp.CSS("#ext-text"), "涉及小区规划调整,需要会同规划部门现场踏勘"),
		press("#extend"), chromedp.WaitVisible(chromedp.CSS("#case-reply-form")))
	if due := u.text(`#clocks tr[data-period="handle"] td[data-label="到期"]`); !strings.Contains(due, "已延长 30 日") {
		t.Errorf("the handling period after the extension: %q", due)
	}
	u.do(chromedp.SetValue(chromedp.CSS("#reply-text"), "经现场踏勘,已在小区增设消防通道标识和隔离桩,并责成物业每日巡查。"),
		press("#reply-case"), chromedp.WaitVisible(chromedp.CSS("#case-reply")))
	u.shot("public-case-unit")

	citizen.open("/public/track")
	citizen.do(chromedp.WaitVisible(chromedp.CSS("#code")), chromedp.SetValue(chromedp.CSS("#code"), strings.ToLower(strings.ReplaceAll(code, "-", " "))),
		press("#track"), chromedp.WaitVisible(chromedp.CSS("#tracked")))
	if reply := citizen.text("#tracked-reply"); !strings.Contains(reply, "隔离桩") {
		t.Fatalf("the citizen reads the reply %q", reply)
	}
	if notices := citizen.text("#notices"); !strings.Contains(notices, "延长 30 日") || !strings.Contains(notices, "局长王强") {
		t.Errorf("the citizen is not told of the extension: %q", notices)
	}
	citizen.shot("public-track")
	citizen.do(chromedp.SetValue(chromedp.CSS("#rating"), "satisfied"), press("#rate"), chromedp.WaitVisible(chromedp.CSS("#tracked-satisfaction")))
	if st := citizen.text("#tracked-state"); st != "已办结" {
		t.Fatalf("after the citizen's satisfaction: %q", st)
	}
	after = s.publicFigures(office, c)
	for k, d := range map[string]int64{"c:ontime": 1, "c:extended": 1, "c:sat:satisfied": 1, "c:st:closed": 1, "c:st:received": 0} {
		if after[k]-before[k] != d {
			t.Errorf("%s moved by %d, want %d", k, after[k]-before[k], d)
		}
	}
	u.open("/cppcc/inbox/letters")
	u.do(chromedp.WaitVisible(chromedp.CSS("#cases")))
	if cells := u.unlabelledCells(); cells != "" {
		t.Errorf("cells without their heading on a phone: %s", cells)
	}
	u.shot("public-unit-letters")
	s.noClearIdentifiers("13700001111")
}

// TestOpinionInTheBrowser: a member sends a 社情民意 item from a phone; the
// office edits it (a title not in the form 关于…的建议 is refused), compiles
// it into the year's next issue, downloads the issue as .docx, records its
// adoption by the city and a vice-governor's instruction; the member's
// performance record shows both.
func TestOpinionInTheBrowser(t *testing.T) {
	s := newSite(t)
	c, _ := s.committee()
	ctx := context.Background()
	terms, _ := s.Cppcc.Terms(ctx, store.All, c.ID)
	uid := s.grant("wyding", auth.RoleCppccMember, c.ID)
	if _, err := s.Cppcc.AddMember(ctx, store.All, committee.MemberInput{CommitteeID: c.ID, TermID: terms[0].ID, Name: "丁委员", Sex: "男", Sector: "经济界",
		Party: "中国民主建国会", UserID: &uid}); err != nil {
		t.Fatal(err)
	}
	s.grant("xinxi", auth.RoleCppccOffice, c.ID)

	m := s.tab()
	m.phone()
	m.login("wyding", password)
	m.do(chromedp.WaitVisible(chromedp.CSS("#my-opinions")))
	m.open("/cppcc/my/opinions")
	m.do(chromedp.WaitVisible(chromedp.CSS("#opinion-form")),
		chromedp.SetValue(chromedp.CSS("#title"), "小微企业融资难"),
		chromedp.SetValue(chromedp.CSS("#content"), "调研发现,小微企业贷款仍普遍要求抵押担保,首贷难、续贷难。建议扩大政府性融资担保覆盖面,推广信用贷款和随借随还。"),
		press("#submit-opinion"), chromedp.WaitVisible(chromedp.CSS("#my-opinions")))
	m.shot("public-opinion-member")

	office := s.tab()
	office.login("xinxi", password)
	office.do(chromedp.WaitVisible(chromedp.CSS("main")))
	office.open("/cppcc/opinions?tab=submitted")
	href := office.eval(`(function(){ var a = Array.from(document.querySelectorAll('#opinions a[data-opinion]')).find(a => a.textContent === '小微企业融资难'); return a ? a.getAttribute('href') : ''; })()`)
	if href == "" {
		t.Fatal("the item is not in the office's list")
	}
	oid := href[strings.LastIndex(href, "/")+1:]
	office.open(href)
	office.do(chromedp.WaitVisible(chromedp.CSS("#edit-form")), chromedp.SetValue(chromedp.CSS("#title"), "小微企业融资难的问题"),
		press("#edit"), chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	if msg := office.text("#error-banner"); !strings.Contains(msg, "关于…的建议") {
		t.Fatalf("banner: %q", msg)
	}
	office.do(chromedp.SetValue(chromedp.CSS("#title"), "关于缓解小微企业融资难的建议"),
		press("#edit"), chromedp.WaitVisible(chromedp.CSS("#opinion-state")))
	if st := office.text("#opinion-state"); st != "已核稿" {
		t.Fatalf("after editing: %q", st)
	}
	issues, _ := s.Cppcc.Opinions.Issues(ctx, store.All, c.ID, time.Now().Year())
	office.open("/cppcc/opinions?tab=edited")
	office.do(chromedp.WaitVisible(chromedp.CSS("#compile-form")))
	office.eval(`(function(){ document.querySelector('#opinions input[value="` + oid + `"]').checked = true; return ''; })()`)
	office.do(chromedp.SetValue(chromedp.CSS("#mode"), "single"), chromedp.SetValue(chromedp.CSS("#signer"), "陈秘书长"),
		press("#compile"), chromedp.WaitVisible(chromedp.CSS("#issue-label")))
	want := "社情民意专刊 " + strconv.Itoa(time.Now().Year()) + "年第" + strconv.Itoa(len(issues)+1) + "期"
	if got := office.text("#issue-label"); got != want {
		t.Errorf("the issue is %q, want %q", got, want)
	}
	office.do(chromedp.SetValue(chromedp.CSS("#to"), "省政协办公厅"), press("#forward"), chromedp.WaitVisible(chromedp.CSS("#issue-label")))
	dir := office.download()
	office.do(chromedp.Click(chromedp.CSS("#issue-docx")))
	raw, err := os.ReadFile(s.saved(dir, ".docx"))
	if err != nil {
		t.Fatal(err)
	}
	body := docxtest.Body(t, raw)
	for _, w := range []string{"社情民意专刊", "关于缓解小微企业融资难的建议", "反映人:丁委员", "签发人:陈秘书长", "省政协办公厅"} {
		if !strings.Contains(body, w) {
			t.Errorf("the issue's .docx lacks %q", w)
		}
	}
	office.open("/cppcc/opinions/" + oid)
	office.do(chromedp.WaitVisible(chromedp.CSS("#adopt-form")), chromedp.SetValue(chromedp.CSS("#level"), "city"), chromedp.SetValue(chromedp.CSS("#kind"), "adopted"),
		press("#adopt"), chromedp.WaitVisible(chromedp.CSS("#adoptions")))
	office.do(chromedp.SetValue(chromedp.CSS("#level"), "province"), chromedp.SetValue(chromedp.CSS("#kind"), "instruction"),
		chromedp.SetValue(chromedp.CSS("#by"), "副省长"), chromedp.SetValue(chromedp.CSS("#text"), "请省地方金融管理局研究"), press("#adopt"), chromedp.WaitVisible(chromedp.CSS("#adoptions")))
	office.shot("public-opinion-office")
	if ms, err := consultation.Check(ctx, s.DB); err != nil || len(ms) > 0 {
		t.Fatalf("figures differ from a recount: %v %+v", err, ms)
	}

	m.open("/cppcc/my/record")
	m.do(chromedp.WaitVisible(chromedp.CSS("#record")))
	got := m.eval(`Array.from(document.querySelectorAll('#record td[data-label="项目"]')).map(td => td.textContent).join(',')`)
	for _, w := range []string{"报送社情民意", "社情民意被采用", "社情民意获领导批示"} {
		if !strings.Contains(got, w) {
			t.Errorf("the member's record lacks %q: %s", w, got)
		}
	}
	m.shot("public-opinion-record")
}
