package cppcc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// multipartPost sends fields and files (field → name → content) as
// role's web session ("" for a visitor), not following redirects.
func (m *matrix) multipartPost(role, path string, fields map[string]string, files map[string][2]string) (int, string) {
	m.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	s := m.session[role]
	if role != "" {
		_ = mw.WriteField("csrf", s[1])
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for field, f := range files {
		fw, _ := mw.CreateFormFile(field, f[0])
		_, _ = fw.Write([]byte(f[1]))
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", m.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if role != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s[0]})
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// selectOf is the HTML of the select named name in page.
func selectOf(page, name string) string {
	return regexp.MustCompile(`(?s)<select[^>]*name="` + name + `".*?</select>`).FindString(page)
}

// banner is the text of the refused form's banner at the top of page.
func banner(page string) string {
	return regexp.MustCompile(`(?s)<section class="error banner".*?</section>`).FindString(page)
}

// TestRefusedReplyKeepsChoices: the reply form chooses no class for the
// handler; a reply sent without its text comes back with the class and
// the contact chosen, and says, at the top and beside the field, that the
// letter attached was not kept and must be chosen again; nothing is stored.
func TestRefusedReplyKeepsChoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		p := m.proposal("own", "handling")
		_, page := m.page(auth.RoleHandler, "GET", fmt.Sprintf("/cppcc/inbox/%d", p.ID), nil)
		if sel := selectOf(page, "class"); sel == "" || strings.Contains(sel, "selected") || !strings.Contains(sel, `<option value="">(请选择)</option>`) {
			t.Fatalf("the reply form's class: %s", sel)
		}
		code, page := m.multipartPost(auth.RoleHandler, fmt.Sprintf("/cppcc/parts/%d/reply", p.Parts[0].ID),
			map[string]string{"proposal": fmt.Sprint(p.ID), "class": "B", "contact": "phone", "text": ""},
			map[string][2]string{"file": {"答复函.pdf", "%PDF-1.4 答复"}})
		if code != http.StatusBadRequest {
			t.Fatalf("a reply without text: %d %.300s", code, page)
		}
		if sel := selectOf(page, "class"); !strings.Contains(sel, `<option value="B" selected>`) || strings.Count(sel, "selected") != 1 {
			t.Errorf("the refused reply's class: %s", sel)
		}
		if sel := selectOf(page, "contact"); !strings.Contains(sel, `<option value="phone" selected>`) {
			t.Errorf("the refused reply's contact: %s", sel)
		}
		const unkept = "附件未保存,请重新选择文件:答复函.pdf"
		if b := banner(page); !strings.Contains(b, unkept) || !strings.Contains(b, "答复内容") {
			t.Errorf("the banner: %s", b)
		}
		if !regexp.MustCompile(`name="file"[^>]*>\s*<span class="field-error">[^<]*` + unkept).MatchString(page) {
			t.Errorf("the file field does not say its file was not kept")
		}
		got, err := m.svc.Get(m.ctx, store.All, cppcc.ViewOffice, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if x := got.Parts[0]; x.State != "handling" || len(x.Letters) != 0 {
			t.Fatalf("the refused reply stored something: %+v", x)
		}
	})
}

// TestRefusedLetterNamesItsPhoto: a citizen's letter refused for a missing
// title comes back to its box, saying the photo must be chosen again.
func TestRefusedLetterNamesItsPhoto(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	code, page := m.multipartPost("", fmt.Sprintf("/public/%d/write", m.own.c.ID),
		map[string]string{"box": "petition", "title": "", "content": "小区门口的路灯坏了三个月,夜里出行很不方便,请尽快维修。", "name": "张三", "phone": "13800001111"},
		map[string][2]string{"file": {"路灯照片.jpg", "\xff\xd8\xff\xe0 jpeg"}})
	if code != http.StatusBadRequest {
		t.Fatalf("a letter without a title: %d %.300s", code, page)
	}
	if !strings.Contains(page, `value="petition" checked`) {
		t.Errorf("the refused letter lost its box")
	}
	if b := banner(page); !strings.Contains(b, "附件未保存,请重新选择文件:路灯照片.jpg") {
		t.Errorf("the banner does not name the photo: %s", b)
	}
}

// TestPickersOfSeveral: a member finds the co-signers of their committee
// by name or initials, never one of another committee (nor themself); the
// office finds its units. Typed without the script, names separated by 、
// are resolved when the form is sent; a name found nowhere comes back in
// its box with the message, those found stay chosen.
func TestPickersOfSeveral(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	search := func(role, path string) []map[string]any {
		t.Helper()
		code, text := m.page(role, "GET", path, nil)
		var out []map[string]any
		if err := json.Unmarshal([]byte(text), &out); code != 200 || err != nil {
			t.Fatalf("%s: %d %v %.200s", path, code, err, text)
		}
		return out
	}
	if got := search(auth.RoleCppccMember, "/cppcc/pick/members?q=%E5%A7%94%E5%91%98"); len(got) != 1 || got[0]["name"] != m.own.members[1].Name {
		t.Errorf("co-signers found by 委员: %v", got)
	}
	if got := search(auth.RoleCppccMember, "/cppcc/pick/members?q=jcs"); len(got) != 1 {
		t.Errorf("co-signers found by initials: %v", got)
	}
	if got := search(auth.RoleCppccMember, "/cppcc/pick/members?q="+url.QueryEscape(m.oth.members[1].Name)); len(got) != 0 {
		t.Errorf("another committee's member found: %v", got)
	}
	if got := search(auth.RoleCppccOffice, "/cppcc/pick/units?q="+url.QueryEscape("财政")); len(got) != 1 || got[0]["id"] != float64(m.own.co.ID) {
		t.Errorf("units found by 财政: %v", got)
	}

	// Without the script: the office types the units, one misspelt.
	p := m.proposal("own", "filed")
	f := url.Values{"lead": {fmt.Sprint(m.own.lead.ID)}, "co_q": {m.own.co.Name + "、市交通局"}}
	code, page := m.page(auth.RoleCppccOffice, "POST", fmt.Sprintf("/cppcc/proposals/%d/assign", p.ID), f)
	if code != http.StatusBadRequest || !strings.Contains(banner(page), "没有找到“市交通局”") {
		t.Fatalf("a unit found nowhere: %d %s", code, banner(page))
	}
	if !strings.Contains(page, fmt.Sprintf(`name="co" value="%d" checked`, m.own.co.ID)) || !strings.Contains(page, `value="市交通局"`) {
		t.Errorf("the refused assignment lost the unit found or the name typed")
	}
	if !strings.Contains(page, fmt.Sprintf(`<option value="%d" selected>`, m.own.lead.ID)) {
		t.Errorf("the refused assignment lost its lead unit")
	}
	f.Set("co_q", m.own.co.Name)
	if code, page := m.page(auth.RoleCppccOffice, "POST", fmt.Sprintf("/cppcc/proposals/%d/assign", p.ID), f); code != http.StatusSeeOther {
		t.Fatalf("assigned by names typed: %d %s", code, banner(page))
	}
	got, err := m.svc.Get(m.ctx, store.All, cppcc.ViewOffice, p.ID)
	if err != nil || len(got.Parts) != 2 || got.Parts[1].UnitID != m.own.co.ID {
		t.Fatalf("the parts assigned: %v %+v", err, got.Parts)
	}

	// A member drafts with a co-signer typed by name; another committee's member is not found.
	code, page = m.page(auth.RoleCppccMember, "POST", "/cppcc/my", url.Values{"title": {"关于增设社区食堂的建议"}, "category": {"其他"}, "contact": {"phone"}, "public": {"1"},
		"content": {"老年人就餐不便,建议在每个社区设立老年食堂,给予运营补贴。"}, "then": {"save"}, "co_signers_q": {m.oth.members[1].Name}})
	if code != http.StatusBadRequest || !strings.Contains(banner(page), "没有找到“"+m.oth.members[1].Name+"”") {
		t.Fatalf("a co-signer of another committee: %d %s", code, banner(page))
	}
}

// TestRefusedActivityKeepsAttendance: the attendance list marks nobody at
// first; an activity refused for its missing title comes back with each
// member's 参加/请假 as marked; sent again it records them.
func TestRefusedActivityKeepsAttendance(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	_, page := m.page(auth.RoleCppccOffice, "GET", "/cppcc/activities?year=2026", nil)
	a, b := m.own.members[0].ID, m.own.members[1].ID
	if !strings.Contains(page, fmt.Sprintf(`name="att_%d" value="" checked`, a)) || strings.Contains(page, `value="present" checked`) {
		t.Fatalf("the attendance list marks someone at first")
	}
	f := url.Values{"kind": {"inspection"}, "title": {""}, "held_on": {"2026-03-01"}, "reports": {"0"},
		fmt.Sprintf("att_%d", a): {"present"}, fmt.Sprintf("att_%d", b): {"leave"}}
	code, page := m.page(auth.RoleCppccOffice, "POST", "/cppcc/activities", f)
	if code != http.StatusBadRequest || !strings.Contains(banner(page), "名称") && !strings.Contains(banner(page), "标题") {
		t.Fatalf("an activity without a title: %d %s", code, banner(page))
	}
	if !strings.Contains(page, fmt.Sprintf(`name="att_%d" value="present" checked`, a)) || !strings.Contains(page, fmt.Sprintf(`name="att_%d" value="leave" checked`, b)) {
		t.Errorf("the refused activity lost its attendance")
	}
	f.Set("title", "养老服务视察")
	if code, page := m.page(auth.RoleCppccOffice, "POST", "/cppcc/activities", f); code != http.StatusSeeOther {
		t.Fatalf("the activity recorded: %d %s", code, banner(page))
	}
	l, err := m.svc.Duties.Activities(m.ctx, store.All, m.own.c.ID, duties.ActivityFilter{Year: 2026}, store.Page{Size: 10})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("activities: %v %d", err, len(l.Items))
	}
	got, err := m.svc.Duties.Activity(m.ctx, store.All, l.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	marked := map[int64]string{}
	for _, x := range got.Attendance {
		marked[x.MemberID] = x.Status
	}
	if len(marked) != 2 || marked[a] != "present" || marked[b] != "leave" {
		t.Fatalf("the attendance recorded: %+v", got.Attendance)
	}
}
