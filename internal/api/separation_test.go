package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/fixture"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// The separation of the three administrators (三员分立), cell by cell: each
// actor × each kind of target account × grant, grant of an administrator
// role, revoke, reset and unlock. The expected statuses are written by hand.
func TestSeparationOfDuties(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		// target makes a fresh account of a kind, with a grant to revoke.
		target := func(actor, kind string) (userID, grantID int64) {
			if kind == "self" {
				u, err := m.e.api.Auth.User(m.ctx, m.userIDs[actor])
				if err != nil {
					t.Fatal(err)
				}
				return u.ID, u.Grants[0].ID
			}
			id := m.Throwaway()
			role, org := kind, (*int64)(nil)
			if kind == "business" {
				role, org = auth.RoleViewer, &m.city.ID
			}
			g, err := m.e.api.Auth.AddGrant(m.ctx, store.All, auth.GrantInput{UserID: id, Role: role, OrgID: org})
			if err != nil {
				t.Fatal(err)
			}
			return id, g.ID
		}
		const (
			ok  = 0 // the operation's own success status
			bad = http.StatusForbidden
		)
		kinds := []string{"self", "sysadmin", "secadmin", "auditor", "business"}
		want := map[string]map[string][5]int{ // actor → op → status by target kind
			"sysadmin": {"grant": {bad, bad, bad, bad, bad}, "grant_admin": {bad, bad, bad, bad, bad}, "revoke": {bad, bad, bad, bad, bad},
				"reset": {bad, bad, bad, bad, ok}, "unlock": {bad, bad, bad, bad, bad}},
			"secadmin": {"grant": {bad, bad, bad, bad, ok}, "grant_admin": {bad, bad, bad, bad, bad}, "revoke": {bad, bad, bad, bad, ok},
				"reset": {bad, ok, ok, ok, bad}, "unlock": {bad, ok, ok, ok, ok}},
			"auditor": {"grant": {bad, bad, bad, bad, bad}, "grant_admin": {bad, bad, bad, bad, bad}, "revoke": {bad, bad, bad, bad, bad},
				"reset": {bad, bad, bad, bad, bad}, "unlock": {bad, bad, bad, bad, bad}},
			"org_admin": {"grant": {bad, bad, bad, bad, bad}, "grant_admin": {bad, bad, bad, bad, bad}, "revoke": {bad, bad, bad, bad, bad},
				"reset": {bad, bad, bad, bad, bad}, "unlock": {bad, bad, bad, bad, bad}},
		}
		success := map[string]int{"grant": 201, "grant_admin": 201, "revoke": 204, "reset": 204, "unlock": 200}
		for _, actor := range []string{"sysadmin", "secadmin", "auditor", "org_admin"} {
			c := m.users[actor]
			for op, row := range want[actor] {
				for i, kind := range kinds {
					uid, gid := target(actor, kind)
					before, _ := m.e.api.Auth.User(m.ctx, uid)
					var status int
					var text string
					switch op {
					case "grant":
						status, text = c.raw("POST", "/api/v1/grants", map[string]any{"user_id": uid, "role": "org_admin", "org_id": m.city.ID})
					case "grant_admin":
						status, text = c.raw("POST", "/api/v1/grants", map[string]any{"user_id": uid, "role": "auditor"})
					case "revoke":
						status, text = c.raw("DELETE", fmt.Sprintf("/api/v1/grants/%d", gid), nil)
					case "reset":
						path := "/api/v1/users/%d/password"
						if actor == "secadmin" {
							path = "/api/v1/users/%d/admin-password"
						}
						status, text = c.raw("POST", fmt.Sprintf(path, uid), map[string]any{"password": "Reset#Pass99"})
					case "unlock":
						status, text = c.raw("POST", fmt.Sprintf("/api/v1/users/%d/unlock", uid), nil)
					}
					w := row[i]
					if w == ok {
						w = success[op]
					}
					if status != w {
						t.Errorf("%s %s on %s: status %d, want %d: %.200s", actor, op, kind, status, w, text)
					}
					after, _ := m.e.api.Auth.User(m.ctx, uid)
					if status >= 300 && (len(after.Grants) != len(before.Grants) || !after.PasswordChangedAt.Equal(before.PasswordChangedAt)) {
						t.Errorf("%s %s on %s was refused but changed the account: %+v", actor, op, kind, after)
					}
				}
			}
		}
		// Every administrator's action is in the trail, views included; the
		// security administrator reads the audit administrator's own.
		m.users["auditor"].do("GET", "/api/v1/audit?action=grant", nil, 200, nil)
		var trail struct {
			Items []struct {
				Username, Action string
			}
		}
		m.users["secadmin"].do("GET", "/api/v1/audit/auditors", nil, 200, &trail)
		if len(trail.Items) == 0 || trail.Items[0].Username != "uauditor" || trail.Items[0].Action != "view" {
			t.Fatalf("the auditor's trail as the security administrator reads it: %+v", trail.Items)
		}
		for _, e := range trail.Items {
			if e.Username != "uauditor" {
				t.Fatalf("the auditors' trail holds an entry of %s", e.Username)
			}
		}
		// Their pages too.
		fixture.Scenario{Name: "the users page", URL: "/users", As: "secadmin", Page: true, ExpectedStatus: http.StatusOK}.Test(t, m.e.fx, m.e.h)
		views, err := audit.List(m.ctx, db, store.All, audit.Filter{Username: "usecadmin", Action: "view", ObjectType: "page"}, store.Page{})
		if err != nil || views.Total != 1 || !strings.Contains(string(views.Items[0].Detail), `"/users"`) {
			t.Fatalf("the security administrator's page views: %v %+v", err, views.Items)
		}
	})
}

// A token does not outlive the password, the lock, the account or the
// grant it acts under; it cannot make tokens; every token expires.
func TestTokenRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		ctx := m.ctx
		fresh := func(name string) (*client, int64) {
			c := m.e.as(t, name, auth.RoleOrgAdmin, &m.streetA.ID, nil)
			u, _ := m.e.api.Auth.UserByName(ctx, name)
			return c, u.ID
		}
		works := func(c *client) bool {
			st, _ := c.raw("GET", fmt.Sprintf("/api/v1/members?org=%d", m.branchA.ID), nil)
			return st == 200
		}
		// A password change through a session ends the tokens.
		c, _ := fresh("tok1")
		var s SessionAnswer
		(&client{t: t, srv: m.e.srv}).do("POST", "/api/v1/session", LoginInput{"tok1", testPassword}, 201, &s)
		sess := &client{t: t, srv: m.e.srv, token: s.Token}
		sess.do("POST", "/api/v1/me/password", PasswordChange{testPassword, "Another#Pass12"}, 204, nil)
		if works(c) {
			t.Error("a token works after its user changed the password")
		}
		// An administrator's reset, a disabled account.
		c, uid := fresh("tok2")
		m.users["sysadmin"].do("POST", fmt.Sprintf("/api/v1/users/%d/password", uid), map[string]any{"password": "Reset#Pass99"}, 204, nil)
		if works(c) {
			t.Error("a token works after a reset")
		}
		c, uid = fresh("tok3")
		m.users["sysadmin"].do("PATCH", fmt.Sprintf("/api/v1/users/%d", uid), map[string]any{"disabled": true}, 200, nil)
		if works(c) {
			t.Error("a token works for a disabled account")
		}
		// A lock holds the tokens back as long as it lasts.
		c, uid = fresh("tok4")
		for range 5 {
			(&client{t: t, srv: m.e.srv}).raw("POST", "/api/v1/session", LoginInput{"tok4", "wrong"})
		}
		m.e.api.Auth.Forget()
		if works(c) {
			t.Error("a token works while its account is locked")
		}
		m.users["secadmin"].do("POST", fmt.Sprintf("/api/v1/users/%d/unlock", uid), nil, 200, nil)
		if !works(c) {
			t.Error("the token does not work after the unlock")
		}
		// A revoked grant.
		u, _ := m.e.api.Auth.User(ctx, uid)
		m.users["secadmin"].do("DELETE", fmt.Sprintf("/api/v1/grants/%d", u.Grants[0].ID), nil, 204, nil)
		if works(c) {
			t.Error("a token works after its grant was revoked")
		}
		// Tokens do not make tokens; a session makes them, and they expire.
		c, _ = fresh("tok5")
		if st, _ := c.raw("POST", "/api/v1/tokens", map[string]any{"name": "又一个"}); st != http.StatusForbidden {
			t.Errorf("a token made a token: %d", st)
		}
		(&client{t: t, srv: m.e.srv}).do("POST", "/api/v1/session", LoginInput{"tok5", testPassword}, 201, &s)
		sess = &client{t: t, srv: m.e.srv, token: s.Token}
		var nt NewToken
		sess.do("POST", "/api/v1/tokens", map[string]any{"name": "报表"}, 201, &nt)
		if nt.Record.ExpiresAt == nil || !nt.Record.ExpiresAt.Equal(clock.AddDate(0, 0, 90)) {
			t.Errorf("a token without an expiry asked for: %+v", nt.Record)
		}
		if st, text := sess.raw("POST", "/api/v1/tokens", map[string]any{"name": "永久", "expires_at": clock.AddDate(2, 0, 0)}); st != 400 || !contains([]string{text}, text) {
			t.Errorf("a token for two years: %d %s", st, text)
		}
		// A token stored without an expiry (before this rule) ends 90 days after it was made.
		old, _ := fresh("tok6")
		if _, err := db.ExecContext(ctx, "UPDATE api_tokens SET expires_at = NULL, created_at = $1 WHERE user_id = (SELECT id FROM users WHERE username = 'tok6')",
			clock.Add(-91*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		m.e.api.Auth.Forget()
		if works(old) {
			t.Error("a token without an expiry works after 90 days")
		}
	})
}
