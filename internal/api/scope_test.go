package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/fixture"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

// A secretary edits every member of the branch, whatever unit above the
// branch registered the member's workplace, and approves their requests;
// a unit of another street is still refused.
func TestSecretaryEditsOwnMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		unitOf := func(o org.Org) int64 {
			u, err := m.e.api.Orgs.SaveUnit(m.ctx, store.All, 0, org.UnitInput{OrgID: &o.ID, Name: sp(o.Name + "所属企业"), Type: sp("企业")})
			if err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		streetUnit, siblingUnit := unitOf(m.streetA), unitOf(m.streetB)
		id := m.Person("own", "full").ID
		if _, err := m.e.api.Members.Update(m.ctx, store.All, id, member.Input{UnitID: &streetUnit}); err != nil {
			t.Fatal(err)
		}
		sec := m.users["secretary"]
		sec.do("PATCH", fmt.Sprintf("/api/v1/members/%d", id), map[string]any{"post": "车间主任"}, 200, nil)
		sec.do("PATCH", fmt.Sprintf("/api/v1/members/%d", id), map[string]any{"unit_id": streetUnit}, 200, nil)
		var e errBody
		sec.do("PATCH", fmt.Sprintf("/api/v1/members/%d", id), map[string]any{"unit_id": siblingUnit}, 400, &e)
		if !strings.Contains(e.Error.Message, "工作单位不存在或不在您的管理范围内") || strings.Contains(mustJSON(e), m.streetB.Name) {
			t.Fatalf("a unit of another street: %+v", e)
		}
		r, err := m.e.api.Members.RequestChange(m.ctx, id, m.userIDs["member"], member.RequestInput{Changes: member.Input{Post: sp("班组长")}})
		if err != nil {
			t.Fatal(err)
		}
		sec.do("POST", fmt.Sprintf("/api/v1/requests/%d/decision", r.ID), map[string]any{"approve": true}, 200, nil)
		got, _ := m.e.api.Members.Get(m.ctx, store.All, id)
		if got.Post != "班组长" || got.UnitID == nil || *got.UnitID != streetUnit {
			t.Fatalf("after the approval: post %q unit %v", got.Post, got.UnitID)
		}
	})
}

// Naming a member outside the caller's scope in a mobile record is "not
// found": the answer carries no name and nothing is written.
func TestMobileRecordNamesNoOneOutsideScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		person := m.Person("sibling", "full")
		sibling, name := person.ID, person.Name
		before, _ := m.e.api.Members.ListMobile(m.ctx, store.All, member.MobileFilter{}, store.Page{})
		for _, kind := range []string{"in", "out"} {
			st, text := m.users["secretary"].raw("POST", "/api/v1/mobile",
				map[string]any{"kind": kind, "org_id": m.branchA.ID, "member_id": sibling, "relation_place": "外省", "present_place": "深圳", "since": "2026-01-01"})
			if st != 404 || strings.Contains(text, name) {
				t.Errorf("kind %s with a member of another street: %d %s", kind, st, text)
			}
		}
		after, _ := m.e.api.Members.ListMobile(m.ctx, store.All, member.MobileFilter{}, store.Page{})
		if after.Total != before.Total {
			t.Fatalf("refused registrations were written: %d before, %d after", before.Total, after.Total)
		}
	})
}

// A user with grants on two sibling branches sees both in every list, and
// nothing of a third branch or of the levels above.
func TestSeveralGrantsSeeTheirUnion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		third := m.org(m.streetA, "和平第三社区党支部", "branch")
		names := map[string]string{}
		for target, o := range map[string]org.Org{"own": m.branchA, "sibling": m.branchB} {
			got, _ := m.e.api.Members.Get(m.ctx, store.All, m.Person(target, "full").ID)
			names[o.Name] = got.Name
			m.Record(target, "visits", fixture.VisitBody(o.ID))
		}
		first := "44030519800101123"
		idn := first + string(cnid.CheckChar(first))
		if _, err := m.e.api.Members.Create(m.ctx, store.All, member.Input{OrgID: &third.ID, Name: sp("第三支部党员"), IDNumber: &idn,
			Ethnicity: sp("汉族"), Education: sp("大学本科"), Stage: sp("applicant"), AppliedOn: dp(date.New(2025, 1, 1))}); err != nil {
			t.Fatal(err)
		}
		names[third.Name] = "第三支部党员"
		if _, err := m.e.api.Work.Save(m.ctx, store.All, must(work.KindOf("visits")), 0, fixture.VisitBody(third.ID)); err != nil {
			t.Fatal(err)
		}
		two := m.e.as(t, "twobranches", auth.RoleSecretary, &m.branchA.ID, nil)
		u, _ := m.e.api.Auth.UserByName(m.ctx, "twobranches")
		if _, err := m.e.api.Auth.AddGrant(m.ctx, store.All, auth.GrantInput{UserID: u.ID, Role: auth.RoleSecretary, OrgID: &m.branchB.ID}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/members", "/api/v1/work/visits", "/api/v1/orgs"} {
			st, text := two.raw("GET", path, nil)
			if st != 200 {
				t.Fatalf("%s: %d %s", path, st, text)
			}
			for _, want := range []string{m.branchA.Name, m.branchB.Name} {
				if !strings.Contains(text, want) {
					t.Errorf("%s leaves out %s: %.300s", path, want, text)
				}
			}
			for _, leak := range []string{third.Name, names[third.Name], m.streetA.Name, m.streetB.Name} {
				if strings.Contains(text, leak) {
					t.Errorf("%s shows %s of outside the grants", path, leak)
				}
			}
		}
		// Each branch's member opens; the third's is not found.
		var l struct {
			Items []member.Member
			Total int64
		}
		two.do("GET", "/api/v1/members", nil, 200, &l)
		inA, _ := m.e.api.Members.List(m.ctx, store.ScopeOf(m.branchA.Path), member.Filter{}, store.Page{})
		inB, _ := m.e.api.Members.List(m.ctx, store.ScopeOf(m.branchB.Path), member.Filter{}, store.Page{})
		if l.Total != inA.Total+inB.Total || l.Total < 3 {
			t.Fatalf("the union lists %d people, the two branches hold %d and %d", l.Total, inA.Total, inB.Total)
		}
		var third3 struct{ Items []member.Member }
		m.users["org_admin"].do("GET", fmt.Sprintf("/api/v1/members?org=%d", third.ID), nil, 200, &third3)
		if st, _ := two.raw("GET", fmt.Sprintf("/api/v1/members/%d", third3.Items[0].ID), nil); st != 404 {
			t.Fatalf("the third branch's member: %d", st)
		}
	})
}

func dp(d date.Date) *date.Date { return &d }

func must[T any](v T, ok bool) T {
	if !ok {
		panic("not found")
	}
	return v
}

// With grants on two streets, neither street may be moved under the other
// nor dissolved: each is the top of a grant, as a single grant's is.
func TestUnionKeepsItsRootsInPlace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		two := m.e.as(t, "twostreets", auth.RoleOrgAdmin, &m.streetA.ID, nil)
		u, _ := m.e.api.Auth.UserByName(m.ctx, "twostreets")
		if _, err := m.e.api.Auth.AddGrant(m.ctx, store.All, auth.GrantInput{UserID: u.ID, Role: auth.RoleOrgAdmin, OrgID: &m.streetB.ID}); err != nil {
			t.Fatal(err)
		}
		if st, text := two.raw("POST", fmt.Sprintf("/api/v1/orgs/%d/move", m.streetA.ID), map[string]any{"parent_id": m.streetB.ID}); st != 422 {
			t.Errorf("moving one street of the grants under the other: %d %s", st, text)
		}
		empty := m.org(m.streetB, "空支部", "branch")
		if st, text := two.raw("DELETE", fmt.Sprintf("/api/v1/orgs/%d", m.streetA.ID), nil); st != 422 {
			t.Errorf("dissolving a street of the grants: %d %s", st, text)
		}
		if st, _ := two.raw("POST", fmt.Sprintf("/api/v1/orgs/%d/move", empty.ID), map[string]any{"parent_id": m.streetA.ID}); st != 200 {
			t.Errorf("moving a branch between the grants' streets: %d", st)
		}
		got, _ := m.e.api.Orgs.Get(m.ctx, store.All, m.streetA.ID)
		if got.Path != m.streetA.Path {
			t.Fatalf("street A moved: %s", got.Path)
		}
	})
}

// A branch holds no organisations, a general branch only branches: on
// creation and on a move, over the API and on the page, with the rule named.
func TestBranchesHoldNoOrganisations(t *testing.T) {
	fixture.Run(t, func(f *fixture.Fixture) http.Handler { return serve(f.T, f).h }, func(f *fixture.Fixture) []fixture.Scenario {
		name, typ := "机关党总支", "general_branch"
		general, err := f.Orgs.Create(f.Ctx, store.All, org.Input{ParentID: &f.StreetA.ID, Name: &name, Type: &typ})
		if err != nil {
			f.T.Fatal(err)
		}
		orgs := func(name string, parent int64, typ string) map[string]any {
			return map[string]any{"parent_id": parent, "name": name, "type": typ}
		}
		table := []fixture.Scenario{
			{Name: "a branch under a branch", Method: "POST", URL: "/api/v1/orgs", Body: orgs("支部下的支部", f.BranchA.ID, "branch"),
				ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"党支部下不能设立下级党组织"}},
			{Name: "a branch under a branch, on its page", Method: "POST", URL: fmt.Sprintf("/orgs/%d/new", f.BranchA.ID), Page: true,
				Body: url.Values{"name": {"支部下的支部"}, "type": {"branch"}}, ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"党支部下不能设立下级党组织"}},
			{Name: "a general branch under a street", Method: "POST", URL: "/api/v1/orgs", Body: orgs("机关第二党总支", f.StreetA.ID, "general_branch"),
				ExpectedStatus: http.StatusCreated},
			{Name: "a committee under a general branch", Method: "POST", URL: "/api/v1/orgs", Body: orgs("总支下的党委", general.ID, "committee"),
				ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"党总支下只能设立党支部"}},
			{Name: "a branch under a general branch", Method: "POST", URL: "/api/v1/orgs", Body: orgs("机关第一党支部", general.ID, "branch"),
				ExpectedStatus: http.StatusCreated},
			{Name: "a general branch moved under a branch", Method: "POST", URL: fmt.Sprintf("/api/v1/orgs/%d/move", general.ID),
				Body: map[string]any{"parent_id": f.BranchA.ID}, ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"党支部下不能设立下级党组织"}},
		}
		for i := range table {
			table[i].As = auth.RoleOrgAdmin
		}
		return table
	})
}
