package site_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/fixture"
	"dangjian/internal/library"
	"dangjian/internal/member"
	"dangjian/internal/server"
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
	// public is a committee's public page: every target is the fixture's committee but the missing one.
	public = [4]int{200, 200, 200, 404}
)

// committeePage is the path of a page of the fixture's committee (a missing one for the missing target).
func committeePage(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) {
		if t == "missing" {
			return p(format, fixture.Missing), nil
		}
		return p(format, m.Committee.ID), nil
	}
}

// libraryDoc is the path of a document of the target's organisation kept to its line.
func libraryDoc(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) {
		if t == "missing" {
			return p(format, 999999), nil
		}
		d, err := m.Library.Publish(m.Ctx, store.All, library.Input{OrgID: m.OrgOf(t).ID, Kind: "experience", Title: "网格党建的做法",
			Body: strings.Repeat("党员包片联户,小事不出网格、大事不出社区。", 4), Visibility: "subtree"})
		if err != nil {
			m.t.Fatal(err)
		}
		return p(format, d.ID), nil
	}
}

func get(format string) func(*matrix, string) (string, url.Values) {
	return func(m *matrix, t string) (string, url.Values) { return p(format, m.OrgOf(t).ID), nil }
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
		return p("/orgs/%d/collection", m.OrgOf(t).ID), url.Values{"reason": {"向上级报送信息采集表"}}
	}},
	"GET /orgs/terms":        {perm: "org.read", want: page, target: get("/orgs/terms?org=%d")},
	"GET /orgs/terms/export": {perm: "org.read", want: page, target: get("/orgs/terms/export?org=%d")},
	"GET /pick/orgs":         {perm: "auth", want: every, byRole: map[string][4]int{"auditor": {403, 403, 403, 403}, "member": {403, 403, 403, 403}, "sysadmin": {403, 403, 403, 403}}, target: func(*matrix, string) (string, url.Values) { return "/pick/orgs?for=org&q=a", nil }},
	"GET /pick/members": {perm: "work.write", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/pick/members?org=%d&q=%s", m.OrgOf(t).ID, url.QueryEscape("矩")), nil
	}},
	// The export of a selection holds only the people of the caller's scope: another's tick is as if never made.
	"POST /members/batch": {perm: "member.read", want: [4]int{200, 200, 200, 200}, target: func(m *matrix, t string) (string, url.Values) {
		return "/members/batch", url.Values{"op": {"export"}, "m": {itoa(m.Person(t, "full").ID)}}
	}},
	"POST /remind": {perm: "auth", want: done, byRole: map[string][4]int{"viewer": {403, 403, 403, 403}, "member": {403, 403, 403, 403},
		"auditor": {403, 403, 403, 403}, "sysadmin": {403, 403, 403, 403}, "secadmin": {403, 403, 403, 403}},
		target: func(m *matrix, t string) (string, url.Values) {
			return "/remind", url.Values{"object_type": {"transfer"}, "object_id": {itoa(m.Letter(t))}, "to_whom": {"接收方"}}
		}},
	// Public pages: the same answer for everyone, signed in or not.
	"GET /login":                        {perm: "", want: every, target: func(*matrix, string) (string, url.Values) { return "/login", nil }},
	"POST /login":                       {perm: "", want: [4]int{403, 403, 403, 403}, target: func(*matrix, string) (string, url.Values) { return "/login", url.Values{"username": {"x"}} }},
	"GET /public/library":               {perm: "", want: every, target: func(*matrix, string) (string, url.Values) { return "/public/library", nil }},
	"GET /public/library/doc/{id}":      {perm: "", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/public/library/doc/999999", nil }},
	"GET /public/library/doc/{id}/docx": {perm: "", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/public/library/doc/999999/docx", nil }},
	// The committees' public channel: the fixture's committee for every target but the missing one; a
	// form without its proof of work, a receipt code, a comment's code or a post that does not exist are refused alike.
	"GET /public/{committee}":       {perm: "", want: public, target: committeePage("/public/%d")},
	"GET /public/{committee}/write": {perm: "", want: public, target: committeePage("/public/%d/write?box=petition")},
	"POST /public/{committee}/write": {perm: "", want: [4]int{400, 400, 400, 404}, target: func(m *matrix, t string) (string, url.Values) {
		path, _ := committeePage("/public/%d/write")(m, t)
		return path, url.Values{"box": {"public"}, "anonymous": {"1"}, "title": {"建议增设口袋公园"}, "content": {"建议在老城区建设口袋公园。"}}
	}},
	"GET /public/track": {perm: "", want: every, target: func(*matrix, string) (string, url.Values) { return "/public/track", nil }},
	"POST /public/track": {perm: "", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) {
		return "/public/track", url.Values{"code": {"1-AAAA-BBBB-CCCC"}}
	}},
	"POST /public/track/answer": {perm: "", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) {
		return "/public/track/answer", url.Values{"code": {"1-AAAA-BBBB-CCCC"}, "what": {"evaluate"}}
	}},
	"GET /public/{committee}/forum":        {perm: "", want: public, target: committeePage("/public/%d/forum")},
	"GET /public/{committee}/forum/{post}": {perm: "", want: [4]int{404, 404, 404, 404}, target: committeePage("/public/%d/forum/999999")},
	"POST /public/{committee}/forum/{post}/{action}": {perm: "", want: [4]int{404, 404, 404, 404}, target: func(m *matrix, t string) (string, url.Values) {
		path, _ := committeePage("/public/%d/forum/999999/support")(m, t)
		return path, url.Values{}
	}},
	"POST /public/comments": {perm: "", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) {
		return "/public/comments", url.Values{"code": {"C-AAAA-BBBB"}}
	}},
	"GET /help":               {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { return "/help", nil }},
	"GET /todo":               {perm: "auth", want: every, target: func(*matrix, string) (string, url.Values) { return "/todo", nil }},
	"GET /orgs/{id}/children": {perm: "org.read", want: page, target: get("/orgs/%d/children")},
	"GET /orgs/{id}/edit":     {perm: "org.write", want: page, target: func(m *matrix, t string) (string, url.Values) { return p("/orgs/%d/edit", m.EmptyOrg(t)), nil }},
	"POST /orgs/{id}/edit": {perm: "org.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/orgs/%d/edit", m.EmptyOrg(t)), url.Values{"name": {"改名党支部"}, "type": {"branch"}}
	}},
	"GET /orgs/{id}/new": {perm: "org.write", want: page, target: get("/orgs/%d/new")},
	"POST /orgs/{id}/new": {perm: "org.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/orgs/%d/new", m.Holder(t).ID), url.Values{"name": {"新建党支部"}, "type": {"branch"}}
	}},

	"GET /members/import": {perm: "member.write", want: page, target: get("/members/import?org=%d")},
	"POST /members/import": {perm: "member.write", want: [4]int{400, 404, 404, 404}, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/import?org=%d", m.OrgOf(t).ID), url.Values{"mode": {"all"}} // no file chosen
	}},
	"GET /imports/{job}":          {perm: "member.write", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/imports/0123456789ab", nil }},
	"GET /imports/{job}/report":   {perm: "member.write", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/imports/0123456789ab/report", nil }},
	"POST /imports/{job}/confirm": {perm: "member.write", want: [4]int{404, 404, 404, 404}, target: func(*matrix, string) (string, url.Values) { return "/imports/0123456789ab/confirm", url.Values{} }},

	"GET /members": {perm: "member.read", want: page, target: get("/members?org=%d")},
	"POST /members/export/full": {perm: "member.reveal", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/export/full?org=%d", m.OrgOf(t).ID), url.Values{"reason": {"向上级报送花名册"}}
	}},
	"GET /members/new": {perm: "member.write", want: page, target: get("/members/new?org=%d")},
	"POST /members/new": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		m.seq++
		first := p("36010219900101%03d", m.seq%1000)
		return p("/members/new?org=%d", m.OrgOf(t).ID), url.Values{"name": {"网页登记"}, "id_number": {first + string(cnid.CheckChar(first))},
			"ethnicity": {"汉族"}, "education": {"bachelor"}, "stage": {"applicant"}, "applied_on": {"2025-01-01"}}
	}},
	"GET /members/{id}": {perm: "member.read", want: page, target: func(m *matrix, t string) (string, url.Values) { return p("/members/%d", m.Person(t, "full").ID), nil }},
	"POST /members/{id}/reveal": {perm: "member.reveal", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/reveal", m.Person(t, "full").ID), url.Values{}
	}},
	"GET /members/{id}/edit": {perm: "member.write", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/edit", m.Person(t, "full").ID), nil
	}},
	"POST /members/{id}/edit": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/edit", m.Person(t, "full").ID), url.Values{"name": {"改名党员"}, "ethnicity": {"汉族"}, "education": {"bachelor"}}
	}},
	"POST /members/{id}/steps": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/steps", m.Person(t, "applicant").ID), url.Values{"action": {"activist"}, "on": {"2026-02-01"}}
	}},
	"POST /members/{id}/mobile": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/members/%d/mobile", m.Person(t, "full").ID), url.Values{"present_place": {"深圳"}, "since": {"2026-01-01"}}
	}},

	"GET /transfers": {perm: "member.read", want: page, target: get("/transfers?org=%d")},
	"GET /transfers/new": {perm: "member.write", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/new?member=%d", m.Person(t, "full").ID), nil
	}},
	"POST /transfers/new": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/new?member=%d", m.Person(t, "full").ID), url.Values{"to_text": {"外省某支部"}, "issued_on": {"2026-06-01"}}
	}},
	"GET /transfers/{id}/print": {perm: "member.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/print", m.Letter(t)), nil
	}},
	"POST /transfers/{id}/print": {perm: "member.reveal", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/print", m.Letter(t)), url.Values{}
	}},
	"POST /transfers/{id}/unreceive": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/unreceive", m.Letter(t)), url.Values{}
	}},
	"POST /transfers/{id}/receive": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/receive", m.Letter(t)), url.Values{}
	}},
	"POST /transfers/{id}/cancel": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/transfers/%d/cancel", m.Letter(t)), url.Values{}
	}},
	"GET /mobile": {perm: "member.read", want: page, target: get("/mobile?org=%d")},
	"POST /mobile": {perm: "member.write", want: [4]int{303, 400, 400, 400}, target: func(m *matrix, t string) (string, url.Values) {
		return "/mobile", url.Values{"org_id": {itoa(m.OrgOf(t).ID)}, "name": {"流入人员"}, "relation_place": {"外省"}, "since": {"2026-01-01"}}
	}},
	"POST /mobile/{id}/end": {perm: "member.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/mobile/%d/end", m.mobileIn(t)), url.Values{"on": {"2026-06-01"}}
	}},

	"GET /units": {perm: "unit.read", want: page, target: get("/units?org=%d")},
	"POST /units": {perm: "unit.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/units?org=%d", m.OrgOf(t).ID), url.Values{"name": {"网页单位"}, "type": {"企业"}}
	}},

	"GET /users": {perm: "user.read", want: every, target: func(*matrix, string) (string, url.Values) { return "/users", nil }},
	"POST /users": {perm: "user.read", want: every, byRole: map[string][4]int{"secadmin": {400, 400, 400, 400}}, target: func(m *matrix, _ string) (string, url.Values) {
		// The new password is shown once, on this page; the security administrator is told on the form that it resets administrators only.
		return "/users", url.Values{"op": {"reset"}, "user_id": {itoa(m.Throwaway())}, "username": {"tmp"}}
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
		return p("/work/visits?org=%d", m.OrgOf(t).ID), url.Values{"kind": {"visit"}, "visited_on": {"2026-05-01"}, "visitor": {"王书记"},
			"target_kind": {"household"}, "target_name": {"张家"}}
	}},
	"GET /reports/summary": {perm: "work.read", want: page, target: get("/reports/summary?org=%d")},
	"POST /reports/summary": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary?org=%d", m.OrgOf(t).ID), url.Values{"title": {"标题"}}
	}},
	"POST /reports/summary/docx": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary/docx?org=%d", m.OrgOf(t).ID), url.Values{"title": {"标题"}}
	}},
	"GET /reports/templates": {perm: "work.read", want: page, target: get("/reports/templates?org=%d")},
	"POST /reports/summary/draft": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary/draft?org=%d&from=2026-01&to=2026-06", m.OrgOf(t).ID), url.Values{"title": {"2026年上半年党建工作总结"},
			"opening": {"上半年,本组织坚持以党建引领基层治理,各项工作取得新进展。"}}
	}},
	"POST /reports/summary/publish": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/reports/summary/publish?org=%d&from=2026-01&to=2026-06", m.OrgOf(t).ID), url.Values{}
	}},
	"GET /library": {perm: "library.read", want: every, shared: true, target: func(*matrix, string) (string, url.Values) {
		return "/library?q=" + url.QueryEscape("网格 党建"), nil
	}},
	"GET /library/new": {perm: "work.write", want: every, target: func(*matrix, string) (string, url.Values) { return "/library/new", nil }},
	// Publishing for an organisation out of scope is refused on the form.
	"POST /library": {perm: "work.write", want: [4]int{303, 400, 400, 400}, target: func(m *matrix, t string) (string, url.Values) {
		return "/library", url.Values{"org_id": {itoa(m.OrgOf(t).ID)}, "kind": {"experience"}, "title": {"网格党建的做法"}, "visibility": {"subtree"},
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
		return p("/reports/templates?org=%d", m.OrgOf(t).ID), url.Values{"opening": {"{组织}的开头。"}}
	}},
	"GET /work/compare/export": {perm: "work.read", want: page, target: get("/work/compare/export?org=%d")},
	"GET /work/{kind}/export":  {perm: "work.read", want: page, target: get("/work/visits/export?org=%d")},
	"GET /work/{kind}/{id}": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/work/visits/%d", m.Record(t, "visits", fixture.VisitBody(m.OrgOf(t).ID))), nil
	}},
	"POST /work/{kind}/{id}": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/work/visits/%d", m.Record(t, "visits", fixture.VisitBody(m.OrgOf(t).ID))), url.Values{"kind": {"visit"}, "visited_on": {"2026-05-01"},
			"visitor": {"王书记"}, "target_kind": {"household"}, "target_name": {"张家"}, "notes": {"补记"}}
	}},
	"POST /work/{kind}/{id}/delete": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		return p("/work/visits/%d/delete", m.Record(t, "visits", fixture.VisitBody(m.OrgOf(t).ID))), url.Values{}
	}},
	"POST /work/{kind}/{id}/act/{action}": {perm: "work.write", want: done, target: func(m *matrix, t string) (string, url.Values) {
		pairing := m.Record(t, "pairings", work.Input{"org_id": m.OrgOf(t).ID, "kind": "org_org", "helper": "甲", "helped": "乙", "started_on": "2026-01-01"})
		item := m.Record(t, "pairing_items", work.Input{"parent_id": pairing, "side": "a", "content": "事项", "due_on": "2026-12-01"})
		return p("/work/pairing_items/%d/act/start", item), url.Values{}
	}},
	"GET /attachments/{id}": {perm: "work.read", want: page, target: func(m *matrix, t string) (string, url.Values) {
		return p("/attachments/%d", m.Attachment(t)), nil
	}},
}

// matrix is the fixture (the standard tree, a user of every role and the
// targets' builders, fixture.Targets) behind the whole server.
type matrix struct {
	*fixture.Fixture
	t   *testing.T
	h   http.Handler
	seq int
}

func newMatrix(t *testing.T, db *store.DB) *matrix {
	f := fixture.New(t, db)
	// The visitor's hundreds of refused requests are not to meet the limits on anonymous requests and logins.
	cfg := server.Config{Limits: server.Limits{LoginPerMinute: 600, LoginBurst: 600, AnonymousPerMinute: 60000, AnonymousBurst: 10000}}
	// The public channel's limits raised likewise; its proof of work stays on (its forms are refused without it).
	f.Public.Submits, f.Public.Lookups, f.Public.Codes = auth.NewLimiter(60000, 10000), auth.NewLimiter(60000, 10000), auth.NewLimiter(60000, 10000)
	return &matrix{Fixture: f, t: t, h: server.Handler(f.App, cfg)}
}

// page requests a page or posts a form (form not nil) as role's signed-in
// browser (a visitor's for anonymous), not following redirects, in a
// subtest called name that fails unless the answer's status is want.
func (m *matrix) page(t *testing.T, name, role, path string, form url.Values, want int) (int, string) {
	t.Helper()
	sc := fixture.Scenario{Name: name, URL: path, As: role, Page: true, ExpectedStatus: want}
	if role == "anonymous" {
		sc.As = ""
	}
	if form != nil {
		sc.Method, sc.Body = http.MethodPost, form
	}
	res := sc.Test(t, m.Fixture, m.h)
	return res.Code, res.Body.String()
}

// mobileIn is an in-flow registration in the target's organisation (a missing one for the missing target).
func (m *matrix) mobileIn(target string) int64 {
	m.t.Helper()
	if target == "missing" {
		return fixture.Missing
	}
	r, err := m.Members.RegisterMobile(m.Ctx, store.All, member.MobileInput{Kind: "in", OrgID: m.OrgOf(target).ID, Name: "流入人员",
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
		perms := server.Site(m.App).RoutePerms()
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
				for i, target := range fixture.Targets {
					want := r.want[i]
					if w, ok := r.byRole[role]; ok {
						want = w[i]
					}
					switch {
					case r.perm == "":
					case role == "anonymous":
						want = http.StatusSeeOther
					case r.perm != "auth" && !slices.Contains(fixture.May[role], r.perm):
						want = http.StatusForbidden
					case fixture.WholeTree[role]:
						w, ok := r.byRole[role]
						if !ok {
							w = r.want
						}
						want = w[0]
						if target == "missing" {
							want = w[3]
						}
					}
					path, form := r.target(m, target)
					sc := fixture.Scenario{Name: pattern + " as " + role + " on " + target, Method: method, URL: path, As: role, Page: true,
						Fresh: r.fresh, ExpectedStatus: want}
					if role == "anonymous" {
						sc.As = ""
					}
					if method == "POST" {
						if form == nil {
							form = url.Values{}
						}
						sc.Body = form
					}
					if want < 300 && !fixture.WholeTree[role] && !r.shared {
						sc.NotExpectedContent = m.Markers()
					}
					res := sc.Test(t, m.Fixture, m.h)
					if res.Code == http.StatusInternalServerError {
						t.Log(m.Logged.String())
					}
					if res.Code == http.StatusOK {
						if typed := typedIDs(res.Body.String()); len(typed) > 0 {
							t.Errorf("%s as %s asks a person to type internal numbers: %v", pattern, role, typed)
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
	street := m.StreetA.ID
	pages := []struct{ role, page string }{{"auditor", "/audit?action=login&page=2"}, {"org_admin", p("/members?org=%d&q=矩阵&stage=full&page=2", street)},
		{"org_admin", p("/orgs/%d", street)}, {"org_admin", p("/units?org=%d", street)}, {"org_admin", p("/work?org=%d", street)},
		{"org_admin", p("/members/import?org=%d", street)}}
	for _, pg := range pages {
		_, text := m.page(t, pg.page, pg.role, pg.page, nil, http.StatusOK)
		links := href.FindAllStringSubmatch(text, -1)
		if len(links) == 0 {
			t.Fatalf("%s links to no API", pg.page)
		}
		for _, l := range links {
			// The page's links are followed as its browser follows them: with its session.
			m.page(t, pg.page+" links to "+l[1], pg.role, html.UnescapeString(l[1]), nil, http.StatusOK)
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
		d, err := m.Library.Publish(m.Ctx, store.All, library.Input{OrgID: m.StreetA.ID, Kind: "experience", Title: "网格党建的做法" + v,
			Body: body, Visibility: v})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	_, text := m.page(t, "the public list", "anonymous", "/public/library?q="+url.QueryEscape("网格 党建"), nil, http.StatusOK)
	if !strings.Contains(text, "的做法public") || strings.Contains(text, "的做法system") || !strings.Contains(text, p(`href="/public/library/doc/%d"`, ids[0])) {
		t.Fatalf("the public list:\n%s", text)
	}
	if _, text := m.page(t, "a public document", "anonymous", p("/public/library/doc/%d", ids[0]), nil, http.StatusOK); !strings.Contains(text, p(`href="/public/library/doc/%d/docx"`, ids[0])) {
		t.Fatalf("a public document:\n%.300s", text)
	}
	m.page(t, "its download", "anonymous", p("/public/library/doc/%d/docx", ids[0]), nil, http.StatusOK)
	for _, path := range []string{"/public/library/doc/%d", "/public/library/doc/%d/docx"} {
		m.page(t, path+" of a system-wide document", "anonymous", p(path, ids[1]), nil, http.StatusNotFound)
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
	if _, text := m.page(t, "a query of 90,009 characters", "anonymous", "/public/library?q="+url.QueryEscape(strings.Join(words, " ")), nil,
		http.StatusBadRequest); !strings.Contains(text, "检索内容最多100个字") {
		t.Errorf("a query of 90,009 characters: %.300s", text)
	}
}

func p(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
