package api

import (
	"fmt"
	"strings"
	"testing"

	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
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
		id := m.person("own", "full")
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
		sibling := m.person("sibling", "full")
		name := m.seqName()
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
