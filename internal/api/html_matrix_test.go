package api

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/library"
	"dangjian/internal/member"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

// The permission matrix of the pages: every page and form × every role ×
// the four targets, with the status expected, written by hand as the API's
// are. A page or form with no row fails the test. A page answers 200, a
// form done 303 (to the next page), a refused form 400, a missing or
// out-of-scope object the 404 page, a role without the permission the 403
// page, and a visitor without a session is sent to the login page (303).

// htmlRow is like row, for a page or a form.
type htmlRow struct {
	perm string
	want [4]int
	// byRole replaces want for a role whose answer differs by design.
	byRole map[string][4]int
	// fresh rows end the session they use (logout): they get one of their own.
	fresh bool
	// shared pages show what was shared with the caller (the library's
	// documents) with the name of the organisation that shared it, which
	// may lie outside the caller's scope.
	shared bool
	target func(m *matrix, target string) (path string, form url.Values)
}

var (
	page  = [4]int{200, 404, 404, 404}
	done  = [4]int{303, 404, 404, 404}
	every = [4]int{200, 200, 200, 200}
)

// libraryDoc is the path of a document of the target's organisation kept to its line.
func libraryDoc(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) {
		if t == "missing" {
			return p(format, 999999), nil
		}
		d, err := m.e.site.Library.Publish(m.ctx, store.All, library.Input{OrgID: m.orgOf(t).ID, Kind: "experience", Title: "网格党建的做法",
			Body: strings.Repeat("党员包片联户,小事不出网格、大事不出社区。", 4), Visibility: "subtree"})
		if err != nil {
			m.t.Fatal(err)
		}
		return p(format, d.ID), nil
	}
}

func get(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) { return p(format, m.orgOf(t).ID), nil }
}

var htmlRows = map[string]htmlRow{
	"POST /logout":   {perm: "auth", want: [4]int{303, 303, 303, 303}, fresh: true, target: func(*matrix, string) (string, url.Values) { return "/logout", url.Values{} }},
	"GET /password":  {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { return "/password", nil }},
	"POST /password": {perm: "auth", want: [4]int{400, 400, 400, 400}, target: func(*matrix, string) (string, url.Values) { return "/password", url.Values{"old_password": {"wrong"}} }},
	"GET /{$}": {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { return "/", nil },
		byRole: map[string][4]int{"sysadmin": {303, 303, 303, 303}, "secadmin": {303, 303, 303, 303}, "auditor": {303, 303, 303, 303}, "member": {303, 303, 303, 303}}},

	"GET /orgs":                  {perm: "org.read", want: every, target: func(*matrix, string) (string, url.Values) { return "/orgs", nil }},
	"GET /orgs/{id}":             {perm: "org.read", want: page, target: get("/orgs/%d")},
	"GET /orgs/{id}/stats/print": {perm: "stats.read", want: page, target: get("/orgs/%d/stats/print?table=members")},
	"POST /orgs/{id}/collection": {perm: "member.reveal", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/orgs/%d/collection", m.orgOf(t).ID), url.Values{"reason": {"向上级报送信息采集表"}}
	}},
	"GET /orgs/terms":        {perm: "org.read", want: page, target: get("/orgs/terms?org=%d")},
	"GET /orgs/terms/export": {perm: "org.read", want: page, target: get("/orgs/terms/export?org=%d")},
	"GET /pick/orgs":         {perm: "auth", want: every, byRole: map[string][4]int{"auditor": {403, 403, 403, 403}, "member": {403, 403, 403, 403}, "sysadmin": {403, 403, 403, 403}}, target: func(*matrix, string) (string, url.Values) { return "/pick/orgs?for=org&q=a", nil }},
	"GET /pick/members": {perm: "work.write", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/pick/members?org=%d&q=%s", m.orgOf(t).ID, url.QueryEscape("矩")), nil
	}},
	// The export of a selection holds only the people of the caller's scope: another's tick is as if never made.
	"POST /members/batch": {perm: "member.read", want: [4]int{200, 200, 200, 200}, target: func(m *matrix, t string) (string, url.Values) {
		return "/members/batch", url.Values{"op": {"export"}, "m": {itoa(m.person(t, "full"))}}
	}},
	"POST /remind": {perm: "auth", want: done, byRole: map[string][4]int{"viewer": {403, 403, 403, 403}, "member": {403, 403, 403, 403},
		"auditor": {403, 403, 403, 403}, "sysadmin": {403, 403, 403, 403}, "secadmin": {403, 403, 403, 403}},
		target: func(m *matrix, t string) (string, url.Values) {
			return "/remind", url.Values{"object_type": {"transfer"}, "object_id": {itoa(m.letter(t))}, "to_whom": {"接收方"}}
		}},
	// Public pages: the same answer for everyone, signed in or not.
	"GET /login":                        {perm: "", want: every, target: func(*matrix, string) (string, url.Values) { return "/login", nil }},
	"POST /login":                       {perm: "", want: [4]int{403, 403, 403, 403}, target: func(*matrix, string) (string, url.Values) { return "/login", url.Values{"username": {"x"}} }},
	"GET /public/library":               {perm: "", want: every, target: func(*matrix, string) (string, url.Values) { return "/public/library", nil }},
	"GET /public/library/doc/{id}":      {perm: "", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/public/library/doc/999999", nil }},
	"GET /public/library/doc/{id}/docx": {perm: "", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/public/library/doc/999999/docx", nil }},
	"GET /help":                         {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { return "/help", nil }},
	"GET /todo":                         {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { return "/todo", nil }},
	"GET /orgs/{id}/children":           {perm: "org.read", want: page, target: get("/orgs/%d/children")},
	"GET /orgs/{id}/edit":               {perm: "org.write", want: page, target: func(m *matrix, t string) (string, url.Values) { return p("/orgs/%d/edit", m.emptyOrg(t)), nil }},
	"POST /orgs/{id}/edit": {perm: "org.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/orgs/%d/edit", m.emptyOrg(t)), url.Values{"name": {"改名党支部"}, "type": {"branch"}}
	}},
	"GET /orgs/{id}/new": {perm: "org.write", want: page, target: get("/orgs/%d/new")},
	"POST /orgs/{id}/new": {perm: "org.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/orgs/%d/new", m.holder(t).ID), url.Values{"name": {"新建党支部"}, "type": {"branch"}}
	}},

	"GET /members/import": {perm: "member.write", want: page, target: get("/members/import?org=%d")},
	"POST /members/import": {perm: "member.write", want: [4]int{400, 404, 404, 404}, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/import?org=%d", m.orgOf(t).ID), url.Values{"mode": {"all"}} // no file chosen
	}},
	"GET /imports/{job}":          {perm: "member.write", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/imports/0123456789ab", nil }},
	"GET /imports/{job}/report":   {perm: "member.write", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/imports/0123456789ab/report", nil }},
	"POST /imports/{job}/confirm": {perm: "member.write", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/imports/0123456789ab/confirm", url.Values{} }},

	"GET /members": {perm: "member.read", want: page, target: get("/members?org=%d")},
	"POST /members/export/full": {perm: "member.reveal", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/export/full?org=%d", m.orgOf(t).ID), url.Values{"reason": {"向上级报送花名册"}}
	}},
	"GET /members/new": {perm: "member.write", want: page, target: get("/members/new?org=%d")},
	"POST /members/new": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		m.seq++
		first := p("36010219900101%03d", m.seq%1000)
		return p("/members/new?org=%d", m.orgOf(t).ID), url.Values{"name": {"网页登记"}, "id_number": {first + string(cnid.CheckChar(first))},
			"ethnicity": {"汉族"}, "education": {"bachelor"}, "stage": {"applicant"}, "applied_on": {"2025-01-01"}}
	}},
	"GET /members/{id}": {perm: "member.read", want: page, target: func(m *matrix, t string) (string, url.Values) { return p("/members/%d", m.person(t, "full")), nil }},
	"POST /members/{id}/reveal": {perm: "member.reveal", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/reveal", m.person(t, "full")), url.Values{}
	}},
	"GET /members/{id}/edit": {perm: "member.write", want: page, target: func(m *matrix, t string) (string, url.Values) { return p("/members/%d/edit", m.person(t, "full")), nil }},
	"POST /members/{id}/edit": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/edit", m.person(t, "full")), url.Values{"name": {"改名党员"}, "ethnicity": {"汉族"}, "education": {"bachelor"}}
	}},
	"POST /members/{id}/steps": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/steps", m.person(t, "applicant")), url.Values{"action": {"activist"}, "on": {"2026-02-01"}}
	}},
	"POST /members/{id}/mobile": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/mobile", m.person(t, "full")), url.Values{"present_place": {"深圳"}, "since": {"2026-01-01"}}
	}},

	"GET /transfers": {perm: "member.read", want: page, target: get("/transfers?org=%d")},
	"GET /transfers/new": {perm: "member.write", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/new?member=%d", m.person(t, "full")), nil
	}},
	"POST /transfers/new": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/new?member=%d", m.person(t, "full")), url.Values{"to_text": {"外省某支部"}, "issued_on": {"2026-06-01"}}
	}},
	"GET /transfers/{id}/print": {perm: "member.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/print", m.letter(t)), nil
	}},
	"POST /transfers/{id}/print": {perm: "member.reveal", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/print", m.letter(t)), url.Values{}
	}},
	"POST /transfers/{id}/unreceive": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/unreceive", m.letter(t)), url.Values{}
	}},
	"POST /transfers/{id}/receive": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/receive", m.letter(t)), url.Values{}
	}},
	"POST /transfers/{id}/cancel": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/cancel", m.letter(t)), url.Values{}
	}},
	"GET /mobile": {perm: "member.read", want: page, target: get("/mobile?org=%d")},
	"POST /mobile": {perm: "member.write", want: [4]int{303, 400, 400, 400}, target: func(m *matrix, t string) (string, url.Values) {
		return "/mobile", url.Values{"org_id": {itoa(m.orgOf(t).ID)}, "name": {"流入人员"}, "relation_place": {"外省"}, "since": {"2026-01-01"}}
	}},
	"POST /mobile/{id}/end": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/mobile/%d/end", m.mobileIn(t)), url.Values{"on": {"2026-06-01"}}
	}},

	"GET /units": {perm: "unit.read", want: page, target: get("/units?org=%d")},
	"POST /units": {perm: "unit.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/units?org=%d", m.orgOf(t).ID), url.Values{"name": {"网页单位"}, "type": {"企业"}}
	}},

	"GET /users": {perm: "user.read", want: every, target: func(*matrix, string) (string, url.Values) { return "/users", nil }},
	"POST /users": {perm: "user.read", want: every, byRole: map[string][4]int{"secadmin": {400, 400, 400, 400}}, target: func(m *matrix, _ string) (string, url.Values) {
		// The new password is shown once, on this page; the security administrator is told on the form that it resets administrators only.
		return "/users", url.Values{"op": {"reset"}, "user_id": {itoa(m.throwaway())}, "username": {"tmp"}}
	}},
	"GET /audit": {perm: "audit.read", want: every, target: func(*matrix, string) (string, url.Values) { return "/audit", nil }},
	"GET /me":    {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { return "/me", nil }},
	"POST /me": {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { // a token, shown once
		return "/me", url.Values{"op": {"token"}, "name": {"报表"}}
	}},

	"GET /work":          {perm: "work.read", want: every, target: func(*matrix, string) (string, url.Values) { return "/work", nil }},
	"GET /work/unlinked": {perm: "work.read", want: page, target: get("/work/unlinked?org=%d")},
	"GET /work/{kind}":   {perm: "work.read", want: page, target: get("/work/visits?org=%d")},
	"POST /work/{kind}": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/work/visits?org=%d", m.orgOf(t).ID), url.Values{"kind": {"visit"}, "visited_on": {"2026-05-01"}, "visitor": {"王书记"},
			"target_kind": {"household"}, "target_name": {"张家"}}
	}},
	"GET /reports/summary": {perm: "work.read", want: page, target: get("/reports/summary?org=%d")},
	"POST /reports/summary": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary?org=%d", m.orgOf(t).ID), url.Values{"title": {"标题"}}
	}},
	"POST /reports/summary/docx": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary/docx?org=%d", m.orgOf(t).ID), url.Values{"title": {"标题"}}
	}},
	"GET /reports/templates": {perm: "work.read", want: page, target: get("/reports/templates?org=%d")},
	"POST /reports/summary/draft": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary/draft?org=%d&from=2026-01&to=2026-06", m.orgOf(t).ID), url.Values{"title": {"2026年上半年党建工作总结"},
			"opening": {"上半年,本组织坚持以党建引领基层治理,各项工作取得新进展。"}}
	}},
	"POST /reports/summary/publish": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary/publish?org=%d&from=2026-01&to=2026-06", m.orgOf(t).ID), url.Values{}
	}},
	"GET /library": {perm: "library.read", want: every, shared: true, target: func(*matrix, string) (string, url.Values) {
		return "/library?q=" + url.QueryEscape("网格 党建"), nil
	}},
	"GET /library/new": {perm: "work.write", want: every, target: func(*matrix, string) (string, url.Values) { return "/library/new", nil }},
	// Publishing for an organisation out of scope is refused on the form.
	"POST /library": {perm: "work.write", want: [4]int{303, 400, 400, 400}, target: func(m *matrix, t string) (string, url.Values) {
		return "/library", url.Values{"org_id": {itoa(m.orgOf(t).ID)}, "kind": {"experience"}, "title": {"网格党建的做法"}, "visibility": {"subtree"},
			"body": {strings.Repeat("党员包片联户,小事不出网格、大事不出社区。", 4)}}
	}},
	// A document kept to its line: read from below (the ancestor's) as from its own organisation.
	"GET /library/{id}":      {perm: "library.read", want: [4]int{200, 404, 200, 404}, shared: true, target: libraryDoc("/library/%d")},
	"GET /library/{id}/docx": {perm: "library.read", want: [4]int{200, 404, 200, 404}, target: libraryDoc("/library/%d/docx")},
	"POST /library/{id}/withdraw": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		p, _ := libraryDoc("/library/%d/withdraw")(m, t)
		return p, url.Values{}
	}},
	"POST /reports/templates": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/templates?org=%d", m.orgOf(t).ID), url.Values{"opening": {"{组织}的开头。"}}
	}},
	"GET /work/compare/export": {perm: "work.read", want: page, target: get("/work/compare/export?org=%d")},
	"GET /work/{kind}/export":  {perm: "work.read", want: page, target: get("/work/visits/export?org=%d")},
	"GET /work/{kind}/{id}": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/work/visits/%d", m.record(t, "visits", visitBody(m.orgOf(t).ID))), nil
	}},
	"POST /work/{kind}/{id}": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/work/visits/%d", m.record(t, "visits", visitBody(m.orgOf(t).ID))), url.Values{"kind": {"visit"}, "visited_on": {"2026-05-01"},
			"visitor": {"王书记"}, "target_kind": {"household"}, "target_name": {"张家"}, "notes": {"补记"}}
	}},
	"POST /work/{kind}/{id}/delete": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/work/visits/%d/delete", m.record(t, "visits", visitBody(m.orgOf(t).ID))), url.Values{}
	}},
	"POST /work/{kind}/{id}/act/{action}": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		pairing := m.record(t, "pairings", work.Input{"org_id": m.orgOf(t).ID, "kind": "org_org", "helper": "甲", "helped": "乙", "started_on": "2026-01-01"})
		item := m.record(t, "pairing_items", work.Input{"parent_id": pairing, "side": "a", "content": "事项", "due_on": "2026-12-01"})
		return p("/work/pairing_items/%d/act/start", item), url.Values{}
	}},
	"GET /attachments/{id}": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/attachments/%d", m.attachment(t)), nil
	}},
}

// browserOf is a signed-in browser of a matrix user: its session cookie and anti-forgery token.
type browserOf struct{ session, csrf string }

func (m *matrix) browser(role string) browserOf {
	m.t.Helper()
	if role == "anonymous" {
		return browserOf{}
	}
	tok, id, err := m.e.api.Auth.Login(m.ctx, "u"+strings.ReplaceAll(role, "_", ""), testPassword, "127.0.0.1")
	if err != nil {
		m.t.Fatal(err)
	}
	return browserOf{tok, id.CSRF}
}

// send requests a page or posts a form as b, not following redirects.
func (m *matrix) send(b browserOf, method, path string, form url.Values) (int, string) {
	m.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", b.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, m.e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.session != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: b.session})
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(text)
}

// mobileIn is an in-flow registration in the target's organisation (a missing one for the missing target).
func (m *matrix) mobileIn(target string) int64 {
	m.t.Helper()
	if target == "missing" {
		return 999999
	}
	r, err := m.e.api.Members.RegisterMobile(m.ctx, store.All, member.MobileInput{Kind: "in", OrgID: m.orgOf(target).ID, Name: "流入人员",
		RelationPlace: "外省", Since: date.New(2026, 1, 1)})
	if err != nil {
		m.t.Fatal(err)
	}
	return r.ID
}

func TestPagePermissionMatrix(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		roles := []string{"sysadmin", "secadmin", "auditor", "org_admin", "secretary", "member", "viewer", "anonymous"}
		browsers := map[string]browserOf{}
		for _, role := range roles {
			browsers[role] = m.browser(role)
		}
		perms := m.e.site.RoutePerms()
		for pattern, perm := range perms {
			if strings.HasPrefix(strings.SplitN(pattern, " ", 2)[1], "/cppcc") {
				// The consultative work's pages have their own matrix
				// (internal/cppcc TestCppccPagePermissionMatrix).
				continue
			}
			r, ok := htmlRows[pattern]
			if !ok {
				t.Errorf("%s has no row in the page permission matrix", pattern)
				continue
			}
			if r.perm != string(perm) {
				t.Errorf("%s asks for %q, the matrix says %q", pattern, perm, r.perm)
			}
			method := strings.SplitN(pattern, " ", 2)[0]
			for _, role := range roles {
				for i, target := range targets {
					want := r.want[i]
					if w, ok := r.byRole[role]; ok {
						want = w[i]
					}
					switch {
					case r.perm == "":
					case role == "anonymous":
						want = http.StatusSeeOther
					case r.perm != "auth" && !contains(may[role], r.perm):
						want = http.StatusForbidden
					case wholeTree[role]:
						w, ok := r.byRole[role]
						if !ok {
							w = r.want
						}
						want = w[0]
						if target == "missing" {
							want = w[3]
						}
					}
					b := browsers[role]
					if r.fresh && role != "anonymous" {
						b = m.browser(role)
					}
					path, form := r.target(m, target)
					if method == "POST" && form == nil {
						form = url.Values{}
					}
					got, text := m.send(b, method, path, form)
					if got != want {
						t.Errorf("%s as %s on %s target: status %d, want %d: %.200s", pattern, role, target, got, want, text)
						if got == 500 {
							t.Log(m.e.log.String())
						}
					}
					if got == http.StatusOK {
						if typed := typedIDs(text); len(typed) > 0 {
							t.Errorf("%s as %s asks a person to type internal numbers: %v", pattern, role, typed)
						}
					}
					if got < 300 && !wholeTree[role] && !r.shared {
						for _, mk := range m.markers {
							if strings.Contains(text, mk) {
								t.Errorf("%s as %s on %s target leaks %q", pattern, role, target, mk)
							}
						}
					}
				}
			}
		}
		for pattern := range htmlRows {
			if _, ok := perms[pattern]; !ok {
				t.Errorf("the matrix has a row for %s, which is not a page", pattern)
			}
		}
	})
}

var (
	inputRE = regexp.MustCompile(`<input\b[^>]*>`)
	nameRE  = regexp.MustCompile(`\bname="([^"]*)"`)
	typeRE  = regexp.MustCompile(`\btype="([^"]*)"`)
)

// typedIDs names the inputs of a page where a person would type an internal
// number: a visible box for an id, an organisation, a member or a unit
// (pickers keep the number in a hidden field, choices in radio buttons).
func typedIDs(page string) []string {
	var out []string
	for _, in := range inputRE.FindAllString(page, -1) {
		name := nameRE.FindStringSubmatch(in)
		typ := typeRE.FindStringSubmatch(in)
		if name == nil || (typ != nil && (typ[1] == "hidden" || typ[1] == "radio" || typ[1] == "checkbox")) {
			continue
		}
		n := name[1]
		if n == "id" || strings.HasSuffix(n, "_id") || n == "org" || n == "member" || n == "unit" || n == "parent" {
			out = append(out, n)
		}
	}
	return out
}

// TestTypedIDsFound: the check above finds the input the grant form once had.
func TestTypedIDsFound(t *testing.T) {
	old := `<p><label for="org_id">党组织编号</label><input id="org_id" name="org_id" inputmode="numeric"></p><input type="hidden" name="csrf" value="x"><input type="radio" name="to_org_id" value="3">`
	if got := typedIDs(old); len(got) != 1 || got[0] != "org_id" {
		t.Fatalf("found %v", got)
	}
}

// The pages' links into the API answer: the audit trail's and the roster's
// exports carry the page's filters and nothing the API refuses.
func TestPageLinksToTheAPIAnswer(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	href := regexp.MustCompile(`href="(/api/v1/[^"]+)"`)
	pages := []struct{ role, page string }{{"auditor", "/audit?action=login&page=2"}, {"org_admin", p("/members?org=%d&q=矩阵&stage=full&page=2", m.streetA.ID)},
		{"org_admin", p("/orgs/%d", m.streetA.ID)}, {"org_admin", p("/units?org=%d", m.streetA.ID)}, {"org_admin", p("/work?org=%d", m.streetA.ID)},
		{"org_admin", p("/members/import?org=%d", m.streetA.ID)}}
	for _, pg := range pages {
		role, page := pg.role, pg.page
		b := m.browser(role)
		st, text := m.send(b, "GET", page, nil)
		if st != 200 {
			t.Fatalf("%s: %d", page, st)
		}
		links := href.FindAllStringSubmatch(text, -1)
		if len(links) == 0 {
			t.Fatalf("%s links to no API", page)
		}
		for _, l := range links {
			if st, body := m.send(b, "GET", html.UnescapeString(l[1]), nil); st != 200 {
				t.Errorf("%s links to %s, which answers %d: %.200s", page, l[1], st, body)
			}
		}
	}
}

// TestPublicLibrary: without an account, the public pages list and open
// the library's public documents and download them; a system-wide
// document is neither listed nor opened.
func TestPublicLibrary(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	body := strings.Repeat("党员包片联户,小事不出网格、大事不出社区。", 4)
	var ids []int64
	for _, v := range []string{"public", "system"} {
		d, err := m.e.site.Library.Publish(m.ctx, store.All, library.Input{OrgID: m.streetA.ID, Kind: "experience", Title: "网格党建的做法" + v,
			Body: body, Visibility: v})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	b := m.browser("anonymous")
	st, text := m.send(b, "GET", "/public/library?q="+url.QueryEscape("网格 党建"), nil)
	if st != 200 || !strings.Contains(text, "的做法public") || strings.Contains(text, "的做法system") ||
		!strings.Contains(text, p(`href="/public/library/doc/%d"`, ids[0])) {
		t.Fatalf("the public list: %d\n%s", st, text)
	}
	if st, text := m.send(b, "GET", p("/public/library/doc/%d", ids[0]), nil); st != 200 || !strings.Contains(text, p(`href="/public/library/doc/%d/docx"`, ids[0])) {
		t.Fatalf("a public document: %d\n%.300s", st, text)
	}
	if st, _ := m.send(b, "GET", p("/public/library/doc/%d/docx", ids[0]), nil); st != 200 {
		t.Fatalf("its download: %d", st)
	}
	for _, path := range []string{"/public/library/doc/%d", "/public/library/doc/%d/docx"} {
		if st, _ := m.send(b, "GET", p(path, ids[1]), nil); st != 404 {
			t.Fatalf("%s of a system-wide document: %d", path, st)
		}
	}
}

// TestPublicLibraryBoundsTheQuery: an anonymous search of 10 words of
// 9,000 characters is refused with the reason (issue 26, point 8).
func TestPublicLibraryBoundsTheQuery(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	words := make([]string, 10)
	for i := range words {
		words[i] = strings.Repeat(string(rune('a'+i)), 9000)
	}
	st, text := m.send(m.browser("anonymous"), "GET", "/public/library?q="+url.QueryEscape(strings.Join(words, " ")), nil)
	if st != http.StatusBadRequest || !strings.Contains(text, "检索内容最多100个字") {
		t.Errorf("a query of 90,009 characters: %d %.300s", st, text)
	}
}
