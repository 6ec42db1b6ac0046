package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/dues"
	"dangjian/internal/fixture"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

// The permission matrix: every endpoint × every role × four targets (an
// object in the caller's own scope, one in a sibling street, one at the
// level above the caller's scope, and a missing one), each with the exact
// status expected. The expectations are written here by hand, apart from
// the code under test; an endpoint with no row fails the test.

// row says who may call an endpoint, what a permitted caller gets for each
// target, and how to build the request.
type row struct {
	perm string // "" for public
	// personal rows are about the caller's own things, not the tree: the
	// statuses are the same for every caller who holds the permission.
	personal bool
	want     [4]int // own, sibling, ancestor, missing, for a caller scoped to the own street or branch
	target   func(m *matrix, target string) (path string, body any)
}

// matrix is the fixture (its tree and the targets' builders, fixture.Targets) behind the server.
type matrix struct {
	*fixture.Fixture
	t   *testing.T
	e   *env
	ctx context.Context
	// The fixture's tree: city → district A → street A → branch A, district B → street B → branch B.
	city, distA, streetA, branchA, distB, streetB, branchB org.Org
	seq                                                    int
	self                                                   int64 // the member user's own record
	users                                                  map[string]*client
	userIDs                                                map[string]int64
}

func (m *matrix) org(parent org.Org, name, typ string) org.Org {
	m.t.Helper()
	o, err := m.e.api.Orgs.Create(m.ctx, store.All, org.Input{ParentID: &parent.ID, Name: &name, Type: &typ})
	if err != nil {
		m.t.Fatal(err)
	}
	return o
}

func (m *matrix) id(target string, own, sibling, ancestor int64) int64 {
	return map[string]int64{"own": own, "sibling": sibling, "ancestor": ancestor, "missing": 999999}[target]
}

func (m *matrix) unit(target string) int64 {
	if target == "missing" {
		return 999999
	}
	o := m.OrgOf(target)
	u, err := m.e.api.Orgs.SaveUnit(m.ctx, store.All, 0, org.UnitInput{OrgID: &o.ID, Name: sp("矩阵单位"), Type: sp("企业")})
	if err != nil {
		m.t.Fatal(err)
	}
	return u.ID
}

func (m *matrix) request(target string) int64 {
	if target == "missing" {
		return 999999
	}
	r, err := m.e.api.Members.RequestChange(m.ctx, m.Person(target, "full").ID, m.userIDs["member"], member.RequestInput{Changes: member.Input{Post: sp("新岗位")}})
	if err != nil {
		m.t.Fatal(err)
	}
	return r.ID
}

// throwawayFor is a new account, or a missing one for the missing target.
func (m *matrix) throwawayFor(target string) int64 {
	if target == "missing" {
		return 999999
	}
	return m.Throwaway()
}

func p(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func same(path string) func(*matrix, string) (string, any) {
	return func(*matrix, string) (string, any) { return path, nil }
}

var (
	scoped  = [4]int{200, 404, 404, 404}
	created = [4]int{201, 400, 400, 400}
	always  = [4]int{200, 200, 200, 200}
)

var rows = map[string]row{
	"GET /api/v1/orgs": {perm: "org.read", want: always, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/orgs?q=" + strings.ReplaceAll(m.OrgOf(t).Name, " ", ""), nil
	}},
	"POST /api/v1/orgs": {perm: "org.write", want: created, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/orgs", map[string]any{"parent_id": m.Holder(t).ID, "name": "新建党支部", "type": "branch"}
	}},
	"GET /api/v1/orgs/{id}":          {perm: "org.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/orgs/%d", m.OrgOf(t).ID), nil }},
	"GET /api/v1/orgs/{id}/children": {perm: "org.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/orgs/%d/children", m.OrgOf(t).ID), nil }},
	"GET /api/v1/orgs/{id}/stats":    {perm: "stats.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/orgs/%d/stats", m.OrgOf(t).ID), nil }},
	"GET /api/v1/orgs/{id}/stats/export": {perm: "stats.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/stats/export", m.OrgOf(t).ID), nil
	}},
	"GET /api/v1/orgs/{id}/annual/export": {perm: "stats.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/annual/export", m.OrgOf(t).ID), nil
	}},
	"PATCH /api/v1/orgs/{id}": {perm: "org.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d", m.EmptyOrg(t)), map[string]any{"secretary": "王书记"}
	}},
	"DELETE /api/v1/orgs/{id}": {perm: "org.write", want: [4]int{204, 404, 404, 404}, target: func(m *matrix, t string) (string, any) { return p("/api/v1/orgs/%d", m.EmptyOrg(t)), nil }},
	"POST /api/v1/orgs/{id}/move": {perm: "org.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		var id int64
		if t == "own" { // out of a general branch of the street, to the street itself
			m.seq++
			id = m.org(m.org(m.streetA, fmt.Sprintf("党总支%d", m.seq), "general_branch"), "临时党支部", "temporary_branch").ID
		} else {
			id = m.EmptyOrg(t)
		}
		return p("/api/v1/orgs/%d/move", id), map[string]any{"parent_id": m.streetA.ID}
	}},
	"GET /api/v1/units": {perm: "unit.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/units?org=%d", m.OrgOf(t).ID), nil }},
	"POST /api/v1/units": {perm: "unit.write", want: created, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/units", map[string]any{"org_id": m.OrgOf(t).ID, "name": "新单位", "type": "企业"}
	}},
	"GET /api/v1/units/{id}": {perm: "unit.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/units/%d", m.unit(t)), nil }},
	"PATCH /api/v1/units/{id}": {perm: "unit.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/units/%d", m.unit(t)), map[string]any{"staff": 9}
	}},
	"GET /api/v1/coverage": {perm: "unit.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/coverage?org=%d", m.OrgOf(t).ID), nil }},
	"GET /api/v1/members":  {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/members?org=%d", m.OrgOf(t).ID), nil }},
	"POST /api/v1/members": {perm: "member.write", want: created, target: func(m *matrix, t string) (string, any) {
		m.seq++
		first := fmt.Sprintf("32010619900101%03d", m.seq%1000)
		return "/api/v1/members", map[string]any{"org_id": m.OrgOf(t).ID, "name": "新党员", "id_number": first + string(cnid.CheckChar(first)),
			"ethnicity": "汉族", "education": "大学本科", "stage": "applicant", "applied_on": "2025-01-01"}
	}},
	"GET /api/v1/members/{id}": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/members/%d", m.Person(t, "full").ID), nil }},
	"PATCH /api/v1/members/{id}": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/%d", m.Person(t, "full").ID), map[string]any{"post": "岗位"}
	}},
	"GET /api/v1/members/{id}/history": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/%d/history", m.Person(t, "full").ID), nil
	}},
	"POST /api/v1/members/{id}/steps": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/%d/steps", m.Person(t, "applicant").ID), map[string]any{"action": "activist", "on": "2026-02-01"}
	}},
	"POST /api/v1/members/{id}/reveal": {perm: "member.reveal", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/%d/reveal", m.Person(t, "full").ID), nil
	}},
	"GET /api/v1/mobile": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/mobile?org=%d", m.OrgOf(t).ID), nil }},
	"POST /api/v1/mobile": {perm: "member.write", want: [4]int{201, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/mobile", map[string]any{"kind": "out", "member_id": m.Person(t, "full").ID, "present_place": "深圳", "since": "2026-01-01"}
	}},
	"POST /api/v1/mobile/{id}/end": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		id := int64(999999)
		if t != "missing" {
			r, err := m.e.api.Members.RegisterMobile(m.ctx, store.All, member.MobileInput{Kind: "in", OrgID: m.OrgOf(t).ID, Name: "流入人员", RelationPlace: "外省", Since: date.New(2026, 1, 1)})
			if err != nil {
				m.t.Fatal(err)
			}
			id = r.ID
		}
		return p("/api/v1/mobile/%d/end", id), map[string]any{"on": "2026-06-01"}
	}},
	"GET /api/v1/transfers": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/transfers?org=%d", m.OrgOf(t).ID), nil }},
	"POST /api/v1/transfers": {perm: "member.write", want: [4]int{201, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/transfers", map[string]any{"member_id": m.Person(t, "full").ID, "to_text": "外省", "issued_on": "2026-06-01"}
	}},
	"POST /api/v1/transfers/incoming": {perm: "member.write", want: created, target: func(m *matrix, t string) (string, any) {
		m.seq++
		first := fmt.Sprintf("33010619800101%03d", m.seq%1000)
		return "/api/v1/transfers/incoming", map[string]any{"to_org_id": m.OrgOf(t).ID, "from_text": "外省某支部", "issued_on": "2026-06-01",
			"member": map[string]any{"name": "转入人员", "id_number": first + string(cnid.CheckChar(first)), "ethnicity": "汉族", "education": "大学本科",
				"stage": "full", "joined_on": "2010-07-01", "full_on": "2011-07-01"}}
	}},
	"GET /api/v1/transfers/{id}": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/transfers/%d", m.Letter(t)), nil }},
	"POST /api/v1/transfers/{id}/receive": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/transfers/%d/receive", m.Letter(t)), map[string]any{}
	}},
	// A pending letter: nothing to take back (409) where it is seen.
	"POST /api/v1/transfers/{id}/unreceive": {perm: "member.write", want: [4]int{409, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/transfers/%d/unreceive", m.Letter(t)), nil
	}},
	"POST /api/v1/transfers/{id}/cancel": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/transfers/%d/cancel", m.Letter(t)), nil }},
	"GET /api/v1/vocabularies":           {perm: "auth", want: always, target: same("/api/v1/vocabularies")},

	"POST /api/v1/session": {perm: "", want: [4]int{201, 201, 201, 201}, target: func(*matrix, string) (string, any) {
		return "/api/v1/session", map[string]any{"username": "loginonly", "password": testPassword}
	}},
	"DELETE /api/v1/session": {perm: "auth", want: [4]int{204, 204, 204, 204}, target: same("/api/v1/session")},
	"GET /api/v1/me":         {perm: "auth", want: always, target: same("/api/v1/me")},
	"POST /api/v1/me/password": {perm: "auth", want: [4]int{400, 400, 400, 400}, target: func(*matrix, string) (string, any) {
		return "/api/v1/me/password", map[string]any{"old_password": "wrong", "new_password": "Another#Pass1"}
	}},
	"GET /api/v1/me/member":   {perm: "self", want: always, target: same("/api/v1/me/member")},
	"GET /api/v1/me/requests": {perm: "self", want: always, target: same("/api/v1/me/requests")},
	"POST /api/v1/me/requests": {perm: "self", want: [4]int{201, 201, 201, 201}, target: func(*matrix, string) (string, any) {
		return "/api/v1/me/requests", map[string]any{"changes": map[string]any{"phone": "13700001111"}}
	}},
	"GET /api/v1/requests": {perm: "request.admin", want: always, target: same("/api/v1/requests")},
	"POST /api/v1/requests/{id}/decision": {perm: "request.admin", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/requests/%d/decision", m.request(t)), map[string]any{"approve": true}
	}},
	"GET /api/v1/tokens": {perm: "auth", want: always, target: same("/api/v1/tokens")},
	// The matrix's callers hold API tokens, and a token cannot make tokens.
	"POST /api/v1/tokens":        {perm: "auth", want: [4]int{403, 403, 403, 403}, target: same("/api/v1/tokens")},
	"DELETE /api/v1/tokens/{id}": {perm: "auth", personal: true, want: [4]int{204, 404, 404, 404}}, // built in the test: it needs the caller

	"GET /api/v1/users": {perm: "user.read", want: always, target: same("/api/v1/users")},
	"POST /api/v1/users": {perm: "user.admin", want: [4]int{201, 201, 201, 201}, target: func(m *matrix, _ string) (string, any) {
		m.seq++
		return "/api/v1/users", map[string]any{"username": p("new%d", m.seq), "password": testPassword}
	}},
	"GET /api/v1/users/{id}": {perm: "user.read", want: [4]int{200, 200, 200, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/users/%d", m.id(t, m.userIDs["viewer"], m.userIDs["secretary"], m.userIDs["org_admin"])), nil
	}},
	"PATCH /api/v1/users/{id}": {perm: "user.admin", want: [4]int{200, 200, 200, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/users/%d", m.throwawayFor(t)), map[string]any{"display_name": "改名"}
	}},
	"POST /api/v1/users/{id}/password": {perm: "user.admin", want: [4]int{204, 204, 204, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/users/%d/password", m.throwawayFor(t)), map[string]any{"password": "Reset#Pass99"}
	}},
	"POST /api/v1/users/{id}/admin-password": {perm: "grant.admin", want: [4]int{204, 204, 204, 404}, target: func(m *matrix, t string) (string, any) {
		id := int64(999999)
		if t != "missing" {
			id = m.Throwaway()
			if _, err := m.e.api.Auth.AddGrant(m.ctx, store.All, auth.GrantInput{UserID: id, Role: auth.RoleAuditor}); err != nil {
				m.t.Fatal(err)
			}
		}
		return p("/api/v1/users/%d/admin-password", id), map[string]any{"password": "Reset#Pass99"}
	}},
	"POST /api/v1/users/{id}/unlock": {perm: "grant.admin", want: [4]int{200, 200, 200, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/users/%d/unlock", m.throwawayFor(t)), nil
	}},
	"POST /api/v1/grants": {perm: "grant.admin", want: [4]int{201, 201, 201, 400}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/grants", map[string]any{"user_id": m.Throwaway(), "role": "viewer", "org_id": m.OrgOf(t).ID}
	}},
	"DELETE /api/v1/grants/{id}": {perm: "grant.admin", want: [4]int{204, 204, 204, 404}, target: func(m *matrix, t string) (string, any) {
		id := int64(999999)
		if t != "missing" {
			o := m.OrgOf(t).ID
			g, err := m.e.api.Auth.AddGrant(m.ctx, store.All, auth.GrantInput{UserID: m.Throwaway(), Role: "viewer", OrgID: &o})
			if err != nil {
				m.t.Fatal(err)
			}
			id = g.ID
		}
		return p("/api/v1/grants/%d", id), nil
	}},
	"POST /api/v1/members/import": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		m.seq++
		first := fmt.Sprintf("34010219900101%03d", m.seq%1000)
		csv := "姓名,公民身份号码,民族,学历,入党日期,转正日期\n导入人员," + first + string(cnid.CheckChar(first)) + ",汉族,本科,2015-07-01,2016-07-01\n"
		return p("/api/v1/members/import?org=%d&filename=a.csv", m.OrgOf(t).ID), csv
	}},
	"GET /api/v1/members/import-template": {perm: "member.write", want: always, target: same("/api/v1/members/import-template")},
	"GET /api/v1/members/export": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/export?org=%d", m.OrgOf(t).ID), nil
	}},
	"POST /api/v1/members/export/full": {perm: "member.reveal", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/export/full?org=%d", m.OrgOf(t).ID), map[string]any{"reason": "向上级报送花名册"}
	}},
	"POST /api/v1/orgs/{id}/collection/export": {perm: "member.reveal", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/collection/export", m.OrgOf(t).ID), map[string]any{"reason": "向上级报送花名册"}
	}},
	"GET /api/v1/work":        {perm: "work.read", want: always, target: same("/api/v1/work")},
	"GET /api/v1/work/{kind}": {perm: "work.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/work/visits?org=%d", m.OrgOf(t).ID), nil }},
	"POST /api/v1/work/{kind}": {perm: "work.write", want: created, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/work/visits", fixture.VisitBody(m.OrgOf(t).ID)
	}},
	"GET /api/v1/work/{kind}/export": {perm: "work.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/work/visits/export?org=%d", m.OrgOf(t).ID), nil
	}},
	"GET /api/v1/work/{kind}/{id}": {perm: "work.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/work/visits/%d", m.Record(t, "visits", fixture.VisitBody(m.OrgOf(t).ID))), nil
	}},
	"PATCH /api/v1/work/{kind}/{id}": {perm: "work.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/work/visits/%d", m.Record(t, "visits", fixture.VisitBody(m.OrgOf(t).ID))), map[string]any{"notes": "补记"}
	}},
	"DELETE /api/v1/work/{kind}/{id}": {perm: "work.write", want: [4]int{204, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/work/visits/%d", m.Record(t, "visits", fixture.VisitBody(m.OrgOf(t).ID))), nil
	}},
	"POST /api/v1/work/{kind}/{id}/{action}": {perm: "work.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		pairing := m.Record(t, "pairings", work.Input{"org_id": m.OrgOf(t).ID, "kind": "org_org", "helper": "甲", "helped": "乙", "started_on": "2026-01-01"})
		item := m.Record(t, "pairing_items", work.Input{"parent_id": pairing, "side": "a", "content": "事项", "due_on": "2026-12-01"})
		return p("/api/v1/work/pairing_items/%d/start", item), nil
	}},
	"POST /api/v1/work/disbursements/{id}/{action}": {perm: "fund.approve", want: scoped, target: func(m *matrix, t string) (string, any) {
		if t == "missing" {
			return "/api/v1/work/disbursements/999999/approve", nil
		}
		fund := m.Record(t, "funds", work.Input{"org_id": m.OrgOf(t).ID, "name": "基金", "source": "党费", "set_on": "2026-01-01", "budget_fen": 100000})
		d := m.Record(t, "disbursements", work.Input{"parent_id": fund, "member": m.Person(t, "full").Name, "purpose": "reward", "amount_fen": 100, "reason": "奖励"})
		return p("/api/v1/work/disbursements/%d/approve", d), nil
	}},
	"GET /api/v1/orgs/{id}/work": {perm: "stats.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/orgs/%d/work", m.OrgOf(t).ID), nil }},
	"GET /api/v1/orgs/{id}/coverage/export": {perm: "unit.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/coverage/export", m.OrgOf(t).ID), nil
	}},
	"GET /api/v1/orgs/{id}/work/export": {perm: "stats.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/work/export?from=2026-01&to=2026-12", m.OrgOf(t).ID), nil
	}},
	"GET /api/v1/orgs/{id}/unlinked": {perm: "work.read", want: scoped, target: func(m *matrix, t string) (string, any) { return p("/api/v1/orgs/%d/unlinked", m.OrgOf(t).ID), nil }},
	"POST /api/v1/attachments": {perm: "work.write", want: [4]int{201, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/attachments?org=%d&filename=a.pdf", m.OrgOf(t).ID), "%PDF-1.4 test"
	}},
	"GET /api/v1/attachments/{id}": {perm: "work.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/attachments/%d", m.Attachment(t)), nil
	}},
	"GET /api/v1/dues/rule": {perm: "auth", want: always, target: same("/api/v1/dues/rule")},
	"GET /api/v1/members/{id}/dues": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/%d/dues", m.Person(t, "full").ID), nil
	}},
	"POST /api/v1/members/{id}/dues/bases": {perm: "member.write", want: [4]int{201, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/%d/dues/bases", m.Person(t, "full").ID), map[string]any{"year": 2026, "kind": "wage", "base_fen": 400000}
	}},
	"POST /api/v1/dues/bases/{id}/{action}": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/dues/bases/%d/confirm", m.duesBase(m.Person(t, "full").ID, false)), map[string]any{}
	}},
	"POST /api/v1/members/{id}/dues/payments": {perm: "member.write", want: [4]int{201, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/members/%d/dues/payments", m.duesMember(t)), m.duesPayment("2026-06")
	}},
	"GET /api/v1/dues/payments": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/dues/payments?org=%d", m.OrgOf(t).ID), nil
	}},
	"POST /api/v1/dues/payments/{id}/{action}": {perm: "member.write", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/dues/payments/%d/void", m.duesPaid(t)), map[string]any{"reason": "登记有误"}
	}},
	"GET /api/v1/orgs/{id}/dues": {perm: "member.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/dues", m.OrgOf(t).ID), nil
	}},
	"GET /api/v1/orgs/{id}/dues/report": {perm: "stats.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/dues/report?year=2026", m.OrgOf(t).ID), nil
	}},
	"GET /api/v1/orgs/{id}/dues/remittances": {perm: "work.read", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/orgs/%d/dues/remittances", m.OrgOf(t).ID), nil
	}},
	"POST /api/v1/orgs/{id}/dues/remittances": {perm: "work.write", want: [4]int{201, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		m.duesPaid(t) // money on hand
		return p("/api/v1/orgs/%d/dues/remittances", m.OrgOf(t).ID), map[string]any{"amount_fen": 100, "remitted_on": "2026-06-30"}
	}},
	"POST /api/v1/dues/remittances/{id}/{action}": {perm: "fund.approve", want: scoped, target: func(m *matrix, t string) (string, any) {
		return p("/api/v1/dues/remittances/%d/approve", m.duesRemittance(t)), map[string]any{}
	}},
	"GET /api/v1/me/dues": {perm: "self", want: always, target: same("/api/v1/me/dues")},
	// The member's own record has no base: there is nothing to report paying.
	"POST /api/v1/me/dues/payments": {perm: "self", personal: true, want: [4]int{422, 422, 422, 422}, target: func(m *matrix, t string) (string, any) {
		return "/api/v1/me/dues/payments", m.duesPayment("2026-06")
	}},
	// A base of the member's own (own), of another member (sibling, ancestor), none (missing).
	"POST /api/v1/me/dues/bases/{id}/{action}": {perm: "self", personal: true, want: [4]int{200, 404, 404, 404}, target: func(m *matrix, t string) (string, any) {
		id := int64(999999)
		switch t {
		case "own":
			id = m.duesBase(m.self, false)
		case "sibling", "ancestor":
			id = m.duesBase(m.Person(t, "full").ID, false)
		}
		return p("/api/v1/me/dues/bases/%d/confirm", id), map[string]any{}
	}},
	"GET /api/v1/policy":         {perm: "grant.admin", want: always, target: same("/api/v1/policy")},
	"PUT /api/v1/policy":         {perm: "grant.admin", want: always, target: func(*matrix, string) (string, any) { return "/api/v1/policy", auth.DefaultPolicy }},
	"GET /api/v1/audit":          {perm: "audit.read", want: always, target: same("/api/v1/audit")},
	"GET /api/v1/audit/export":   {perm: "audit.read", want: always, target: same("/api/v1/audit/export")},
	"GET /api/v1/audit/verify":   {perm: "audit.read", want: always, target: same("/api/v1/audit/verify")},
	"GET /api/v1/audit/auditors": {perm: "audit.auditors", want: always, target: same("/api/v1/audit/auditors")},
}

func sp(s string) *string { return &s }

// duesBase is a new base of the member memberID (999999: none) for 2026,
// from the next month not yet given one, confirmed by the member when confirm.
func (m *matrix) duesBase(memberID int64, confirm bool) int64 {
	m.t.Helper()
	if memberID == 999999 {
		return memberID
	}
	var n int
	if err := m.e.api.DB.QueryRowContext(m.ctx, "SELECT COUNT(*) FROM dues_bases WHERE member_id = $1", memberID).Scan(&n); err != nil {
		m.t.Fatal(err)
	}
	b, err := m.e.api.Dues.SetBase(m.ctx, store.All, memberID, dues.BaseInput{Year: 2026, FromMonth: n + 1, Kind: "retired", BaseFen: 300000})
	if err != nil {
		m.t.Fatal(err)
	}
	if confirm {
		if _, err := m.e.api.Dues.ActOnOwnBase(m.ctx, memberID, b.ID, "confirm", dues.ActInput{}); err != nil {
			m.t.Fatal(err)
		}
	}
	return b.ID
}

// duesMember is a new member of the target's organisation with a confirmed base for 2026.
func (m *matrix) duesMember(target string) int64 {
	id := m.Person(target, "full").ID
	m.duesBase(id, true)
	return id
}

// duesPayment is the body of a payment in cash through the month thru.
func (m *matrix) duesPayment(thru string) map[string]any {
	m.seq++
	return map[string]any{"through": thru, "method": "cash", "receipt_no": p("M%d", m.seq), "paid_on": "2026-06-30"}
}

// duesPaid is a payment recorded for a new member of the target's organisation.
func (m *matrix) duesPaid(target string) int64 {
	m.t.Helper()
	if target == "missing" {
		return 999999
	}
	var in dues.PaymentInput
	body := m.duesPayment("2026-06")
	in.Through, in.Method, in.ReceiptNo, in.PaidOn = body["through"].(string), "cash", body["receipt_no"].(string), date.New(2026, 6, 30)
	pay, err := m.e.api.Dues.Record(m.ctx, store.All, m.duesMember(target), in)
	if err != nil {
		m.t.Fatal(err)
	}
	return pay.ID
}

// duesRemittance is a remittance waiting for approval from the target's organisation.
func (m *matrix) duesRemittance(target string) int64 {
	m.t.Helper()
	if target == "missing" {
		return 999999
	}
	m.duesPaid(target)
	r, err := m.e.api.Dues.Remit(m.ctx, store.All, m.OrgOf(target).ID, dues.RemitInput{AmountFen: 100, RemittedOn: date.New(2026, 6, 30)})
	if err != nil {
		m.t.Fatal(err)
	}
	return r.ID
}

// newMatrix is the fixture's standard tree and users behind the server.
func newMatrix(t *testing.T, db *store.DB) *matrix {
	f := fixture.New(t, db)
	e := serve(t, f)
	e.root = f.Province
	m := &matrix{Fixture: f, t: t, e: e, ctx: f.Ctx, city: f.City, distA: f.DistrictA, streetA: f.StreetA, branchA: f.BranchA,
		distB: f.DistrictB, streetB: f.StreetB, branchB: f.BranchB, self: f.Self.ID, users: map[string]*client{}, userIDs: map[string]int64{}}
	for role, u := range f.Users {
		m.users[role] = &client{t: t, srv: e.srv, token: u.Token}
		m.userIDs[role] = u.ID
	}
	m.users["anonymous"] = &client{t: t, srv: e.srv}
	if _, err := f.Auth.CreateUser(m.ctx, auth.NewUser{Username: "loginonly", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	return m
}

func (c *client) raw(method, path string, body any) (int, string) {
	c.t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		rd = strings.NewReader(mustJSON(body))
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, rd)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPermissionMatrix(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		roles := []string{"sysadmin", "secadmin", "auditor", "org_admin", "secretary", "member", "viewer", "anonymous"}
		for _, rt := range m.e.api.Routes() {
			key := rt.Method + " " + rt.Path
			if rt.Tag == CppccTag || rt.Tag == PublicTag {
				// The consultative work's routes have their own matrix
				// (internal/cppcc TestCppccPermissionMatrix), with the CPPCC roles,
				// an organisation administrator and a visitor.
				continue
			}
			r, ok := rows[key]
			if !ok {
				t.Errorf("%s has no row in the permission matrix", key)
				continue
			}
			if r.perm != string(rt.Perm) {
				t.Errorf("%s asks for %q, the matrix says %q", key, rt.Perm, r.perm)
			}
			for _, role := range roles {
				for i, target := range fixture.Targets {
					want := r.want[i]
					switch {
					case r.perm == "":
					case role == "anonymous":
						want = http.StatusUnauthorized
					case !contains(fixture.May[role], r.perm):
						want = http.StatusForbidden
					case fixture.WholeTree[role] && !r.personal:
						want = r.want[0]
						if target == "missing" {
							want = r.want[3]
						}
					}
					var path string
					var body any
					if r.target == nil {
						path = m.tokenPath(role, target)
					} else {
						path, body = r.target(m, target)
					}
					if rt.Method != "GET" && rt.Method != "DELETE" && body == nil {
						body = map[string]any{}
					}
					sc := fixture.Scenario{Name: key + " as " + role + " on " + target, Method: rt.Method, URL: path, Body: body, As: role, ExpectedStatus: want}
					if role == "anonymous" {
						sc.As = ""
					}
					if want < 300 && !fixture.WholeTree[role] {
						sc.NotExpectedContent = m.Markers()
					}
					sc.Test(t, m.e.fx, m.e.h)
				}
			}
		}
	})
}

// tokenPath is the token a DELETE /tokens/{id} targets: the caller's own, another user's, or none.
func (m *matrix) tokenPath(role, target string) string {
	id := int64(999999)
	owner := m.userIDs[role]
	if target != "own" || role == "anonymous" {
		owner = m.userIDs["viewer"]
		if role == "viewer" {
			owner = m.userIDs["org_admin"]
		}
	}
	if target != "missing" {
		_, tok, err := m.e.api.Auth.CreateToken(m.ctx, owner, "matrix", nil)
		if err != nil {
			m.t.Fatal(err)
		}
		id = tok.ID
	}
	return p("/api/v1/tokens/%d", id)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
