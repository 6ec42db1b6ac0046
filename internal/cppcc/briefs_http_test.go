package cppcc_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/duties"
	"dangjian/internal/letters"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// briefOf is an issue of the 简报 of the target's committee.
func briefOf(m *matrix, t string) int64 {
	if t == "missing" {
		return 999999
	}
	s := m.of(t)
	b, err := m.svc.Duties.IssueBrief(m.ctx, store.All, duties.BriefInput{CommitteeID: s.c.ID, Title: s.c.Name + "召开主席会议", Content: "会议研究了重点提案督办工作,听取了各专委会的汇报。",
		Signer: "王主席", IssuedOn: date.New(2026, 3, 1)})
	if err != nil {
		m.t.Fatal(err)
	}
	return b.ID
}

// activityFile is the path of a document of an activity of the target's committee.
func activityFile(m *matrix, t string) string {
	a := activity(m, t)
	if t == "missing" {
		return fmt.Sprintf("%d/files/999999", a)
	}
	f, err := m.svc.Duties.AddActivityFile(m.ctx, store.All, a, "议程.pdf", []byte("%PDF-1.4\n议程"))
	if err != nil {
		m.t.Fatal(err)
	}
	return fmt.Sprintf("%d/files/%d", a, f.ID)
}

// briefRows are the activities' files' and the 简报's rows of the API's matrix.
var briefRows = map[string]row{
	"POST /api/v1/cppcc/activities/{id}/files": {perm: auth.PermCppccWrite, want: [3]int{201, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return fmt.Sprintf("/api/v1/cppcc/activities/%d/files?filename=议程.pdf", activity(m, t)), []byte("%PDF-1.4\n议程")
	}},
	"GET /api/v1/cppcc/activities/{id}/files/{file}": {perm: auth.PermCppccRead, want: scoped, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/cppcc/activities/" + activityFile(m, t), nil
	}},
	"POST /api/v1/cppcc/briefs": {perm: auth.PermCppccWrite, want: created, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/cppcc/briefs", map[string]any{"committee_id": committee(m, t), "title": "市政协召开常委会议", "content": "会议协商讨论了年度重点工作,审议通过了有关事项。", "signer": "王主席"}
	}},
	"GET /api/v1/cppcc/committees/{id}/briefs": {perm: auth.PermCppccRead, want: scoped, target: id("/api/v1/cppcc/committees/%d/briefs?year=2026", committee)},
	"GET /api/v1/cppcc/committees/{id}/briefs/{brief}": {perm: auth.PermCppccRead, want: scoped, target: func(m *matrix, t string) (string, any) {
		return fmt.Sprintf("/api/v1/cppcc/committees/%d/briefs/%d", committee(m, t), briefOf(m, t)), nil
	}},
	"GET /api/v1/cppcc/committees/{id}/briefs/{brief}/docx": {perm: auth.PermCppccRead, want: scoped, target: func(m *matrix, t string) (string, any) {
		return fmt.Sprintf("/api/v1/cppcc/committees/%d/briefs/%d/docx", committee(m, t), briefOf(m, t)), nil
	}},
}

// briefPageRows are the activities' files' and the 简报's rows of the pages' matrix.
var briefPageRows = map[string]pageRow{
	"GET /cppcc/briefs": {perm: auth.PermCppccRead, want: pageScoped, target: page("/cppcc/briefs?committee=%d", committee)},
	"POST /cppcc/briefs": {perm: auth.PermCppccWrite, want: [3]int{303, 400, 400}, target: func(m *matrix, t string) (string, url.Values) {
		return "/cppcc/briefs", url.Values{"committee_id": {fmt.Sprint(committee(m, t))}, "title": {"市政协召开常委会议"}, "content": {"会议协商讨论了年度重点工作,审议通过了有关事项。"}, "signer": {"王主席"}}
	}},
	"GET /cppcc/briefs/{id}": {perm: auth.PermCppccRead, want: pageScoped, target: func(m *matrix, t string) (string, url.Values) {
		return fmt.Sprintf("/cppcc/briefs/%d?committee=%d", briefOf(m, t), committee(m, t)), nil
	}},
	"GET /cppcc/briefs/{id}/docx": {perm: auth.PermCppccRead, want: pageScoped, target: func(m *matrix, t string) (string, url.Values) {
		return fmt.Sprintf("/cppcc/briefs/%d/docx?committee=%d", briefOf(m, t), committee(m, t)), nil
	}},
	"POST /cppcc/activities/{id}/files": {perm: auth.PermCppccWrite, want: [3]int{400, 404, 404}, target: post("/cppcc/activities/%d/files", activity, url.Values{})},
	"GET /cppcc/activities/{id}/files/{file}": {perm: auth.PermCppccRead, want: pageScoped, target: func(m *matrix, t string) (string, url.Values) {
		return "/cppcc/activities/" + activityFile(m, t), nil
	}},
}

// entryPageRows are the rows of the pages' matrix of a proposal the office enters.
var entryPageRows = map[string]pageRow{
	"GET /cppcc/proposals/new": {perm: auth.PermCppccWrite, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/proposals/new", nil }},
	"POST /cppcc/proposals":    {perm: auth.PermCppccWrite, want: [3]int{400, 400, 400}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/proposals", url.Values{} }},
	"GET /cppcc/pick/contacts": {perm: auth.PermCppccWrite, want: [3]int{200, 200, 200}, target: func(*matrix, string) (string, url.Values) { return "/cppcc/pick/contacts?q=a", nil }},
}

// The office enters a party's proposal from its page: the contact is
// picked among its own committee's members (one of another committee is
// not found, the form kept), and the proposal is submitted as entered with
// the contact who will evaluate it.
func TestOfficeEntersPartyProposal(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	code, page := m.page(auth.RoleCppccOffice, "GET", "/cppcc/proposals/new", nil)
	if code != 200 || !strings.Contains(page, `id="entry-form"`) || !strings.Contains(page, "九三学社") {
		t.Fatalf("the entry form: %d %.300s", code, page)
	}
	code, text := m.page(auth.RoleCppccOffice, "GET", "/cppcc/pick/contacts?q="+url.QueryEscape(m.oth.members[0].Name), nil)
	if code != 200 || strings.Contains(text, m.oth.members[0].Name) {
		t.Errorf("another committee's member is offered as a contact: %s", text)
	}
	f := url.Values{"way": {"party"}, "proposer_name": {"九三学社江城市委员会"}, "title": {"关于加强科技成果转化的建议"}, "category": {"经济建设"},
		"content": {"科技成果转化率偏低,建议完善中试平台建设和成果转化收益分配机制。"}, "contact": {"phone"}, "public": {"1"}, "evaluator_q": {m.oth.members[0].Name}}
	code, page = m.page(auth.RoleCppccOffice, "POST", "/cppcc/proposals", f)
	if code != http.StatusBadRequest || !strings.Contains(page, "关于加强科技成果转化的建议") {
		t.Fatalf("a contact of another committee: %d %s", code, banner(page))
	}
	f.Set("evaluator_q", m.own.members[0].Name)
	code, _ = m.page(auth.RoleCppccOffice, "POST", "/cppcc/proposals", f)
	if code != http.StatusSeeOther {
		t.Fatalf("entered: %d", code)
	}
	l, err := m.svc.List(m.ctx, store.All, cppcc.ViewOffice, cppcc.Filter{CommitteeID: m.own.c.ID, Q: "科技成果转化"}, store.Page{Number: 1, Size: 5})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("the entered proposal: %+v %v", l.Items, err)
	}
	p, err := m.svc.Get(m.ctx, store.All, cppcc.ViewOffice, l.Items[0].ID)
	if err != nil || p.State != "submitted" || p.Way != "party" || p.EvaluatorID == nil || *p.EvaluatorID != m.own.members[0].ID || p.ProposerName != "九三学社江城市委员会" {
		t.Errorf("entered as %+v %v", p, err)
	}
}

// TestBriefTitledByItsMeeting: the 简报's meeting picker names each
// meeting's kind once (a 大会发言 titled 大会发言:… too); opened from a
// meeting, the form's title is the meeting's topic, and an issue of a
// meeting sent untitled is titled so; untitled and of no meeting, refused.
func TestBriefTitledByItsMeeting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		c := m.of("own").c
		a, err := m.svc.Duties.RecordActivity(m.ctx, store.All, duties.ActivityInput{CommitteeID: c.ID, Kind: "speech", Title: "大会发言:推进城乡融合发展",
			HeldOn: date.New(2026, 1, 12), Present: []int64{m.own.members[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		code, page := m.page(auth.RoleCppccOffice, "GET", fmt.Sprintf("/cppcc/briefs?committee=%d&activity=%d", c.ID, a.ID), nil)
		if code != http.StatusOK || !strings.Contains(page, "2026年1月12日 大会发言:推进城乡融合发展</option>") || strings.Contains(page, "大会发言:大会发言") {
			t.Errorf("the meeting picker: %d\n%s", code, page)
		}
		if !strings.Contains(page, `<input id="title" name="title" value="推进城乡融合发展"`) {
			t.Errorf("the form opened from the meeting is not titled with its topic")
		}
		content := "大会发言围绕推进城乡融合发展提出了具体建议,引起与会委员的热烈讨论。"
		if code, text := m.page(auth.RoleCppccOffice, "POST", "/cppcc/briefs", url.Values{"committee_id": {fmt.Sprint(c.ID)}, "activity_id": {fmt.Sprint(a.ID)},
			"content": {content}, "signer": {"王主席"}}); code != http.StatusSeeOther {
			t.Fatalf("an untitled issue of the meeting: %d %.300s", code, text)
		}
		bs, err := m.svc.Duties.Briefs(m.ctx, store.All, c.ID, 2026)
		if err != nil || len(bs) != 1 || bs[0].Title != "推进城乡融合发展" {
			t.Fatalf("the issue of the meeting: %+v %v", bs, err)
		}
		if code, text := m.page(auth.RoleCppccOffice, "POST", "/cppcc/briefs", url.Values{"committee_id": {fmt.Sprint(c.ID)}, "activity_id": {"0"},
			"content": {content}, "signer": {"王主席"}}); code != http.StatusBadRequest || !strings.Contains(text, "简报标题应在 4 到 60 字之间") {
			t.Errorf("an untitled issue of no meeting: %d", code)
		}
	})
}

// TestMeetingDocumentsOpenInTheBrowser: a meeting's PDF and photo open in
// the phone's browser (inline, sandboxed, their type not sniffed), a Word
// or Excel file is downloaded; each under its Chinese name (RFC 5987).
func TestMeetingDocumentsOpenInTheBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		a := activity(m, "own")
		s := m.session[auth.RoleCppccOffice]
		for _, c := range []struct {
			name        string
			data        []byte
			disposition string
			typ         string
		}{
			{"会议议程 (第1次):修订稿.pdf", []byte("%PDF-1.4\n议程"), "inline", "application/pdf"},
			{"合影.png", png, "inline", "image/png"},
			{"讲话稿.docx", []byte("PK\x03\x04讲话稿"), "attachment", "application/octet-stream"},
			{"名单.xlsx", []byte("PK\x03\x04名单"), "attachment", "application/octet-stream"},
		} {
			f, err := m.svc.Duties.AddActivityFile(m.ctx, store.All, a, c.name, c.data)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/cppcc/activities/%d/files/%d", m.srv.URL, a, f.ID), nil)
			req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s[0]})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			h := res.Header
			want := c.disposition + "; filename*=UTF-8''" + strings.ReplaceAll(url.QueryEscape(c.name), "+", "%20")
			if res.StatusCode != 200 || string(body) != string(c.data) || h.Get("Content-Type") != c.typ || h.Get("Content-Disposition") != want ||
				h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: %d %s, %q (want %q), %q", c.name, res.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"), want, h.Get("X-Content-Type-Options"))
			}
			if csp := h.Get("Content-Security-Policy"); c.disposition == "inline" && csp != "sandbox" {
				t.Errorf("%s is shown with the policy %q", c.name, csp)
			}
		}
	})
}

// TestLetterPhotosOpenInTheBrowser: the photo or the PDF a citizen sent
// with a letter opens in the office's browser (inline, sandboxed, its type
// not sniffed), as the letter's reader on a phone expects, not saved as a
// file of no kind.
func TestLetterPhotosOpenInTheBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		s := m.of("own")
		rc, err := m.svc.Letters.Register(m.ctx, store.ScopeOf(s.c.Path), letters.CaseInput{CommitteeID: s.c.ID, Box: "public", Channel: "letter", Title: "附照片的来信",
			Content: "路边的井盖缺失,照片和现场说明附后,请尽快处理。", Name: "周敏", Phone: "13600002222",
			Files: []letters.Upload{{Name: "井盖.png", Data: png}, {Name: "现场说明.pdf", Data: []byte("%PDF-1.4\n说明")}}})
		if err != nil {
			t.Fatal(err)
		}
		session := m.session[auth.RoleCppccOffice]
		for i, c := range []struct{ name, typ string }{{"井盖.png", "image/png"}, {"现场说明.pdf", "application/pdf"}} {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/cppcc/letters/%d/files/%d", m.srv.URL, rc.Case.ID, rc.Case.Files[i].ID), nil)
			req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: session[0]})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			h := res.Header
			want := "inline; filename*=UTF-8''" + strings.ReplaceAll(url.QueryEscape(c.name), "+", "%20")
			if res.StatusCode != 200 || h.Get("Content-Type") != c.typ || h.Get("Content-Disposition") != want || h.Get("Content-Security-Policy") != "sandbox" {
				t.Errorf("%s: %d %s, %q (want %q), policy %q", c.name, res.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"), want, h.Get("Content-Security-Policy"))
			}
		}
	})
}
