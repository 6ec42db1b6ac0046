package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/store"
)

// TestCommitteeFromNothing is an office that begins with nothing but its
// committee (registered by the operator, as `dangjian cppcc add` does): on
// the 政协设置 page it registers its term, its session and a handling unit,
// imports its members from the .xlsx it keeps and ties one to his login
// account; his proposal not filed becomes a 社情民意 item linked both ways,
// his next one goes from 立案 to his evaluation; the figures equal a recount.
func TestCommitteeFromNothing(t *testing.T) {
	s := newSite(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "命令行:root", IP: "local"})
	c, err := s.Cppcc.NewCommittee(ctx, nil, "江城市政协", "city")
	if err != nil {
		t.Fatal(err)
	}
	s.grant("jcoffice", auth.RoleCppccOffice, c.ID)
	s.grant("jcweiyuan", auth.RoleCppccMember, c.ID)

	office := s.tab()
	office.login("jcoffice", password)
	office.do(chromedp.WaitNotPresent(chromedp.CSS("#password")))
	office.open("/cppcc/setup")
	office.do(chromedp.WaitVisible(chromedp.CSS("#setup-steps")))
	// The consultative pages carry the committee's name, not the Party side's.
	if brand, foot := office.text("header .brand"), office.text("footer"); brand != "江城市政协" || strings.Contains(foot, "党员") {
		t.Errorf("the setup page's header %q and footer %q", brand, foot)
	}
	year := time.Now().Year()
	// A term ending before it starts is refused, named at the top, and what was typed stays.
	office.do(chromedp.SetValue(chromedp.CSS("#number"), "1"), chromedp.SetValue(chromedp.CSS("#starts_on"), strconv.Itoa(year)+"-01-01"),
		chromedp.SetValue(chromedp.CSS("#ends_on"), strconv.Itoa(year-1)+"-01-01"), press("#add-term"), chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	if msg := office.text("#error-banner"); !strings.Contains(msg, "结束日期") || office.eval(`document.querySelector('#number').value`) != "1" {
		t.Fatalf("a term ending before it starts: %q", msg)
	}
	office.do(chromedp.SetValue(chromedp.CSS("#ends_on"), strconv.Itoa(year+3)+"-12-31"), press("#add-term"), chromedp.WaitVisible(chromedp.CSS("#terms")))
	office.do(chromedp.SetValue(chromedp.CSS("#session-number"), "1"), chromedp.SetValue(chromedp.CSS("#opens_on"), strconv.Itoa(year)+"-01-10"),
		chromedp.SetValue(chromedp.CSS("#closes_on"), strconv.Itoa(year)+"-01-14"), press("#add-session"), chromedp.WaitVisible(chromedp.CSS("#terms")))
	if got := office.text("#terms"); !strings.Contains(got, "一届一次会议") {
		t.Fatalf("the terms after registering a session: %q", got)
	}
	office.do(chromedp.SetValue(chromedp.CSS("#unit-name"), "江城市教育局"), press("#add-unit"), chromedp.WaitVisible(chromedp.CSS("#units")))
	office.shot("cppcc-setup")

	// The members' list the office keeps in Excel.
	x := excelize.NewFile()
	for i, row := range [][]any{{"姓名", "性别", "界别", "党派", "职务", "联系电话"},
		{"周晓燕", "女", "教育界", "中国民主促进会", "江城一中校长", "13912345671"},
		{"陈建华", "男", "经济界", "中国民主建国会", "江城机械厂厂长", "13912345672"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "江城市政协委员名单.xlsx")
	if err := x.SaveAs(file); err != nil {
		t.Fatal(err)
	}
	office.open("/cppcc/members")
	office.do(chromedp.WaitVisible(chromedp.CSS("#import-form")), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
		press("#import-members"), chromedp.WaitVisible(chromedp.CSS("#cppcc-members")))
	if got := office.text("#cppcc-members"); !strings.Contains(got, "周晓燕") || !strings.Contains(got, "陈建华") {
		t.Fatalf("the members after the import: %q", got)
	}
	list, err := s.Cppcc.Members(context.Background(), store.All, c.ID, "陈", store.Page{Number: 1, Size: 10})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("陈建华 after the import: %v %v", list, err)
	}
	office.open("/cppcc/members/" + strconv.FormatInt(list.Items[0].ID, 10))
	office.do(chromedp.WaitVisible(chromedp.CSS("#account-form")), chromedp.SetValue(chromedp.CSS("#username"), "jcweiyuan"),
		press("#link-account"), chromedp.WaitVisible(chromedp.CSS("#linked-account")))

	// The member's proposal is not filed and becomes a 社情民意 item.
	m := s.tab()
	m.phone()
	m.login("jcweiyuan", password)
	m.do(chromedp.WaitNotPresent(chromedp.CSS("#password")))
	draft := func(title string) string {
		t.Helper()
		m.open("/cppcc/my/new")
		m.do(chromedp.WaitVisible(chromedp.CSS("#proposal-form")), chromedp.SetValue(chromedp.CSS("#title"), title),
			chromedp.SetValue(chromedp.CSS("#category"), "经济建设"),
			chromedp.SetValue(chromedp.CSS("#content"), "我市中小企业融资难、融资贵的问题仍然突出。建议设立政府性融资担保基金,扩大首贷、信用贷投放,并建立企业融资需求的定期对接机制。"),
			press("#submit"), chromedp.WaitVisible(chromedp.CSS("#proposal-state")))
		return m.location()[strings.LastIndex(m.location(), "/")+1:]
	}
	// 同意公开: the box and its words on one line, the whole line a finger's target.
	m.open("/cppcc/my/new")
	m.do(chromedp.WaitVisible(chromedp.CSS("#proposal-form")))
	m.checkLine("#public", "label:has(> #public)")
	rejected := draft("关于缓解中小企业融资难的建议")
	office.open("/cppcc/proposals/" + rejected)
	office.do(chromedp.WaitVisible(chromedp.CSS("#reject")), chromedp.SetValue(chromedp.CSS("#reject_reason"), "vague"),
		chromedp.SetValue(chromedp.CSS("#route"), "opinion"), press("#reject"), chromedp.WaitVisible(chromedp.CSS("#routed a")))
	office.do(press("#routed a"), chromedp.WaitVisible(chromedp.CSS("#opinion-title")))
	if got := office.text("#opinion-title"); got != "关于缓解中小企业融资难的建议" {
		t.Fatalf("the routed item: %q", got)
	}

	// The next one is filed, assigned, answered and evaluated.
	s.grant("jcjiaoyu", auth.RoleHandler, s.unitOf(c, "江城市教育局").ID)
	filed := draft("关于完善中小企业融资担保体系的建议")
	office.open("/cppcc/proposals/" + filed)
	office.do(press("#file"), chromedp.WaitVisible(chromedp.CSS("#assign-form")))
	if msg := office.confirmed(); !strings.Contains(msg, "编号") {
		t.Errorf("立案 asked %q, want it said it takes a number", msg)
	}
	office.do(chromedp.SetValue(chromedp.CSS("#lead"), strconv.FormatInt(s.unitOf(c, "江城市教育局").ID, 10)), press("#assign"), chromedp.WaitVisible(chromedp.CSS("#parts")))
	lead := s.tab()
	lead.login("jcjiaoyu", password)
	lead.do(chromedp.WaitNotPresent(chromedp.CSS("#password")))
	lead.open("/cppcc/inbox/" + filed)
	lead.do(chromedp.WaitVisible(chromedp.CSS("#reply-form")), chromedp.SetValue(chromedp.CSS("#reply-form select[name=class]"), "A"),
		chromedp.SetValue(chromedp.CSS("#reply-form select[name=contact]"), "phone"),
		chromedp.SetValue(chromedp.CSS("#reply-form textarea"), "已会同财政部门设立融资担保基金。"), press("#reply"), chromedp.WaitVisible(chromedp.CSS("#parts")))
	m.open("/cppcc/my/" + filed)
	// Nothing is chosen for him: an evaluation sent as it comes is refused, naming the field.
	m.do(chromedp.WaitVisible(chromedp.CSS("#result")), press("#evaluate"), chromedp.WaitVisible(chromedp.CSS("#error-banner")))
	if msg := m.text("#error-banner"); !strings.Contains(msg, "办理态度") {
		t.Errorf("an evaluation with nothing chosen: %q", msg)
	}
	if msg := m.confirmed(); !strings.Contains(msg, "不能修改") {
		t.Errorf("the evaluation asked %q", msg)
	}
	m.do(chromedp.WaitVisible(chromedp.CSS("#result")), chromedp.SetValue(chromedp.CSS("#attitude"), "satisfied"), chromedp.SetValue(chromedp.CSS("#result"), "satisfied"), press("#evaluate"), chromedp.WaitVisible(chromedp.CSS("#satisfaction")))
	if st := m.text("#proposal-state"); st != "已办结" {
		t.Fatalf("after the evaluation: %q", st)
	}

	// A chair meeting with its attendance, and the 简报 that reports it.
	people, err := s.Cppcc.Members(context.Background(), store.All, c.ID, "", store.Page{Number: 1, Size: 10})
	if err != nil || len(people.Items) != 2 {
		t.Fatalf("the committee's members: %+v %v", people.Items, err)
	}
	office.open("/cppcc/activities")
	att := func(i int, status string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="att_%d"][value="%s"]`, people.Items[i].ID, status)))
	}
	office.do(chromedp.WaitVisible(chromedp.CSS("#activity-form")), chromedp.SetValue(chromedp.CSS("#kind"), "chair"),
		chromedp.SetValue(chromedp.CSS("#title"), "第一届政协第一次主席会议"), att(0, "present"), att(1, "leave"),
		press("#record-activity"), chromedp.WaitVisible(chromedp.CSS("#attendance")))
	if got := office.text("#attendance"); !strings.Contains(got, people.Items[0].Name) || !strings.Contains(got, "请假") {
		t.Errorf("the meeting's attendance reads %q", got)
	}
	office.do(press("#brief-this"), chromedp.WaitVisible(chromedp.CSS("#brief-form")))
	// Opened from the meeting, the issue is titled with its topic; no
	// meeting chosen empties that title, the meeting again fills it.
	if got := office.value("#title"); got != "第一届政协第一次主席会议" {
		t.Errorf("the 简报 of the meeting is titled %q", got)
	}
	if got := office.eval(`(function () {
	  var s = document.getElementById('activity_id'), t = document.getElementById('title'), was = s.value;
	  s.value = '0'; s.dispatchEvent(new Event('change'));
	  var none = t.value;
	  s.value = was; s.dispatchEvent(new Event('change'));
	  return none + '|' + t.value;
	})()`); got != "|第一届政协第一次主席会议" {
		t.Errorf("choosing the meeting fills the title: %q", got)
	}
	office.do(chromedp.SetValue(chromedp.CSS("#title"), "市政协召开第一次主席会议"), chromedp.SetValue(chromedp.CSS("#content"), "会议研究了本届政协的协商计划和提案工作安排,部署了年度重点工作。"),
		chromedp.SetValue(chromedp.CSS("#signer"), "王主席"), press("#issue-brief"), chromedp.WaitVisible(chromedp.CSS("#brief-label")))
	if msg := office.confirmed(); !strings.Contains(msg, "期号") {
		t.Errorf("编发 asked %q", msg)
	}
	if got := office.text("#brief-label"); got != fmt.Sprintf("政协简报 %d年第1期", year) {
		t.Errorf("the first 简报 is %q", got)
	}
	if got := office.text(".status"); !strings.Contains(got, "第一届政协第一次主席会议") {
		t.Errorf("the 简报 does not name its meeting: %q", got)
	}

	if ms, err := consultation.Check(context.Background(), s.DB); err != nil || len(ms) > 0 {
		t.Fatalf("figures differ from a recount: %v %+v", err, ms)
	}
	f, err := s.Cppcc.Figures(context.Background(), store.All, c.ID, cppcc.Period{From: year*100 + 1, To: year*100 + 12}, false)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range map[string]int64{"submitted": 2, "filed": 1, "st:rejected": 1, "st:closed": 1, "sat:satisfied": 1, "act:chair": 1, "attend:present": 1, "attend:leave": 1, "brief": 1} {
		if f.Counts[k] != n {
			t.Errorf("figure %s = %d, want %d", k, f.Counts[k], n)
		}
	}
	pf, err := s.Cppcc.PublicFigures(context.Background(), store.All, c.ID, cppcc.Period{From: year*100 + 1, To: year*100 + 12})
	if err != nil || pf.Counts["o:submitted"] != 1 {
		t.Errorf("社情民意 items of the committee: %v %v", pf.Counts, err)
	}
}

// unitOf is a handling unit of c by its name.
func (s *site) unitOf(c committee.Committee, name string) committee.Committee {
	s.t.Helper()
	units, err := s.Cppcc.Units(context.Background(), store.All, c.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, u := range units {
		if u.Name == name {
			return u
		}
	}
	s.t.Fatalf("no unit %s in %v", name, units)
	return committee.Committee{}
}

// checkLine checks on a phone that a check box and its label's words are
// on one line at least a finger's height, and that a tap on the label ticks
// and unticks the box.
func (tb *tab) checkLine(box, label string) {
	tb.s.t.Helper()
	got := tb.eval(`(function () {
	  var box = document.querySelector(` + strconv.Quote(box) + `), label = document.querySelector(` + strconv.Quote(label) + `);
	  var b = box.getBoundingClientRect(), l = label.getBoundingClientRect();
	  if (b.width > 40 || l.height < 40 || l.height > 60 || b.top < l.top || b.bottom > l.bottom) {
	    return 'box ' + Math.round(b.width) + '×' + Math.round(b.height) + ' at ' + Math.round(b.top) + ', label ' + Math.round(l.width) + '×' + Math.round(l.height) + ' at ' + Math.round(l.top);
	  }
	  return '';
	})()`)
	if got != "" {
		tb.s.t.Errorf("the check box %s and its words are not on one line: %s", box, got)
	}
	checked := func() string { return tb.eval(`String(document.querySelector(` + strconv.Quote(box) + `).checked)`) }
	was := checked()
	for range 2 {
		tb.do(chromedp.Click(chromedp.CSS(label)))
		if now := checked(); now == was {
			tb.s.t.Errorf("a tap on the label of %s leaves it %s", box, now)
		} else {
			was = now
		}
	}
}
