package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

const pw = "Tq7#mwLp2xZa"

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newService(t *testing.T, db *store.DB) (*Service, *clock, User) {
	c := &clock{t: time.Date(2026, 6, 30, 2, 0, 0, 0, time.UTC)}
	s := &Service{DB: db, Now: c.now}
	u, err := s.CreateUser(context.Background(), NewUser{Username: "wang", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, u
}

func code(err error) string {
	if ae, ok := apperr.As(err); ok {
		return ae.Code
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// locked tells whether the account is locked now, as the database has it.
func locked(t *testing.T, db *store.DB, name string, now time.Time) bool {
	t.Helper()
	var until sql.NullTime
	if err := db.QueryRowContext(context.Background(), "SELECT locked_until FROM users WHERE username = $1", name).Scan(&until); err != nil {
		t.Fatal(err)
	}
	return until.Valid && until.Time.After(now)
}

func TestLockoutAndItsExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c, _ := newService(t, db)
		_, _, unknown := s.Login(ctx, "nobody", pw, "10.0.0.1")
		if code(unknown) != "bad_login" {
			t.Fatalf("unknown user: %v", unknown)
		}
		for i := 1; i <= 5; i++ {
			_, _, err := s.Login(ctx, "wang", "wrong", "10.0.0.1")
			// The same answer as for a user name that does not exist.
			if err == nil || err.Error() != unknown.Error() {
				t.Fatalf("failure %d: %v", i, err)
			}
			if got := locked(t, db, "wang", c.t); got != (i == 5) {
				t.Fatalf("after failure %d the account is locked: %v", i, got)
			}
		}
		// Locked: even the right password is refused until the lock expires,
		// with the answer a wrong password gets.
		if _, _, err := s.Login(ctx, "wang", pw, "10.0.0.1"); err == nil || err.Error() != unknown.Error() {
			t.Fatalf("right password while locked: %v", err)
		}
		c.advance(14 * time.Minute)
		if _, _, err := s.Login(ctx, "wang", pw, "10.0.0.1"); code(err) != "bad_login" {
			t.Fatalf("after 14 minutes: %v", err)
		}
		c.advance(time.Minute + time.Second)
		if _, _, err := s.Login(ctx, "wang", pw, "10.0.0.1"); err != nil {
			t.Fatalf("after the lock expired: %v", err)
		}
		// The trail has every failure, the lock and the login.
		l, err := audit.List(ctx, db, store.All, audit.Filter{Username: "wang"}, store.Page{Size: 50})
		if err != nil {
			t.Fatal(err)
		}
		var failed, logins int
		for _, e := range l.Items {
			switch e.Action {
			case "login_failed":
				failed++
			case "login":
				logins++
			}
		}
		if failed != 7 || logins != 1 {
			t.Fatalf("trail has %d failures and %d logins", failed, logins)
		}
	})
}

// Ten wrong passwords sent at once lock the account: every failure counts.
func TestLockoutUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c, _ := newService(t, db)
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := s.Login(ctx, "wang", "wrong", "10.0.0.1"); code(err) != "bad_login" {
					t.Errorf("a wrong password: %v", err)
				}
			}()
		}
		wg.Wait()
		if !locked(t, db, "wang", c.t) {
			var n int
			_ = db.QueryRowContext(ctx, "SELECT failed_count FROM users WHERE username = 'wang'").Scan(&n)
			t.Fatalf("ten concurrent failures left the account open with a count of %d", n)
		}
		if _, _, err := s.Login(ctx, "wang", pw, "10.0.0.1"); err == nil {
			t.Fatal("the right password opened a locked account")
		}
	})
}

// Attempts at one account are limited whatever address they come from.
func TestLoginAttemptsPerAccount(t *testing.T) {
	s, _, _ := newService(t, storetest.SQLite(t))
	ctx := context.Background()
	limited := 0
	for i := range 15 {
		_, _, err := s.Login(ctx, "nobody", "wrong", fmt.Sprintf("10.0.0.%d", i))
		if code(err) == "rate_limited" {
			limited++
		}
	}
	if limited != 5 {
		t.Fatalf("%d of 15 attempts from 15 addresses were limited, want 5", limited)
	}
}

func TestUnlockBySecurityAdministrator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _, u := newService(t, db)
		for i := 0; i < 5; i++ {
			_, _, _ = s.Login(ctx, "wang", "wrong", "")
		}
		if _, err := s.Unlock(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, "wang", pw, ""); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c, u := newService(t, db)
		tok, _, err := s.Login(ctx, "wang", pw, "")
		if err != nil {
			t.Fatal(err)
		}
		// Active every 29 minutes: the idle limit never bites, the 12-hour limit does.
		for i := 0; i < 24; i++ {
			c.advance(29 * time.Minute)
			if _, err := s.Authenticate(ctx, tok); err != nil {
				t.Fatalf("after %d × 29 minutes: %v", i+1, err)
			}
		}
		c.advance(29 * time.Minute) // 12 h 5 min after login
		if _, err := s.Authenticate(ctx, tok); code(err) != "session_expired" {
			t.Fatalf("past the absolute limit: %v", err)
		}
		tok, _, _ = s.Login(ctx, "wang", pw, "")
		c.advance(31 * time.Minute)
		if _, err := s.Authenticate(ctx, tok); code(err) != "session_expired" {
			t.Fatalf("past the idle limit: %v", err)
		}
		// A password change ends every session.
		a, _, _ := s.Login(ctx, "wang", pw, "")
		b, _, _ := s.Login(ctx, "wang", pw, "")
		if err := s.ChangeOwnPassword(ctx, u.ID, pw, "New#Passw0rd"); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{a, b} {
			if _, err := s.Authenticate(ctx, tok); code(err) != "session_expired" {
				t.Fatalf("session survived a password change: %v", err)
			}
		}
	})
}

func TestPasswordPolicyAndExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c, u := newService(t, db)
		for bad, want := range map[string]string{
			"Short#1":       "至少需要10个字符",
			"alllowercase1": "至少三类",
			"Wang#2026abc":  "不能包含用户名",
		} {
			if err := s.SetPassword(ctx, u.ID, bad, false); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("password %q: %v, want %q", bad, err, want)
			}
		}
		c.advance(91 * 24 * time.Hour)
		tok, id, err := s.Login(ctx, "wang", pw, "")
		if err != nil || !id.MustChange {
			t.Fatalf("an expired password does not force a change: %v %+v", err, id)
		}
		if id, _ := s.Authenticate(ctx, tok); !id.MustChange {
			t.Fatal("the session of an expired password may act")
		}
		if _, err := s.SetPolicy(ctx, Policy{MinLength: 4}); err == nil {
			t.Fatal("a weak policy was accepted")
		}
	})
}

func TestRevokedTokenRefusedAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c, u := newService(t, db)
		tok, rec, err := s.CreateToken(ctx, u.ID, "脚本", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, u.ID, rec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, tok); code(err) != "bad_token" {
			t.Fatalf("revoked token: %v", err)
		}
		exp := c.t.Add(time.Hour)
		tok, _, _ = s.CreateToken(ctx, u.ID, "临时", &exp)
		c.advance(time.Hour)
		if _, err := s.Authenticate(ctx, tok); code(err) != "bad_token" {
			t.Fatalf("expired token: %v", err)
		}
		// Only a hash of the token is stored.
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1", tok).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the token is stored in clear (%d, %v)", n, err)
		}
	})
}

func TestGrantRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _, u := newService(t, db)
		one := int64(1)
		if _, err := s.AddGrant(ctx, store.All, GrantInput{UserID: u.ID, Role: RoleAuditor, OrgID: &one}); err == nil ||
			!strings.Contains(err.Error(), "只能在全系统范围授予") {
			t.Fatalf("auditor on an organisation: %v", err)
		}
		if _, err := s.AddGrant(ctx, store.All, GrantInput{UserID: u.ID, Role: "admin"}); err == nil {
			t.Fatal("an unknown role was granted")
		}
		if _, err := s.AddGrant(ctx, store.All, GrantInput{UserID: u.ID, Role: RoleMember, OrgID: &one}); err == nil {
			t.Fatal("the member role was granted to a user with no member record")
		}
		g, err := s.AddGrant(ctx, store.All, GrantInput{UserID: u.ID, Role: RoleAuditor})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddGrant(ctx, store.All, GrantInput{UserID: u.ID, Role: RoleAuditor}); code(err) != "conflict" {
			t.Fatalf("a duplicate grant: %v", err)
		}
		if err := s.RevokeGrant(ctx, store.All, g.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.User(ctx, u.ID); len(got.Grants) != 0 {
			t.Fatalf("revoked grant still held: %+v", got.Grants)
		}
	})
}

func TestPasswordHash(t *testing.T) {
	h := HashPassword("Tq7#mwLp2xZa")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || h == HashPassword("Tq7#mwLp2xZa") {
		t.Fatalf("hash %q", h)
	}
	if !CheckPassword(h, "Tq7#mwLp2xZa") || CheckPassword(h, "Tq7#mwLp2xZb") || CheckPassword("garbage", "x") {
		t.Fatal("CheckPassword")
	}
	if err := DefaultPolicy.CheckPolicy("", RandomPassword()); err != nil {
		t.Fatalf("a random password breaks the policy: %v", err)
	}
}

// TestIdentityCache: a change made through the service shows at the next
// request; one made behind its back (another process) within identityTTL.
func TestIdentityCache(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	s, c, u := newService(t, db)
	tok, _, err := s.CreateToken(ctx, u.ID, "脚本", nil)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := s.Authenticate(ctx, tok); err != nil || len(id.User.Grants) != 0 {
		t.Fatalf("before the grant: %+v %v", id.User.Grants, err)
	}
	if _, err := s.AddGrant(ctx, store.All, GrantInput{UserID: u.ID, Role: RoleViewer}); err == nil {
		t.Fatal("a viewer grant without an organisation was accepted")
	}
	if _, err := s.AddGrant(ctx, store.All, GrantInput{UserID: u.ID, Role: RoleAuditor}); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Authenticate(ctx, tok); err != nil || len(id.User.Grants) != 1 {
		t.Fatalf("the new grant is not seen at once: %+v %v", id.User.Grants, err)
	}
	if _, err := db.ExecContext(ctx, "UPDATE users SET disabled = TRUE WHERE id = $1", u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, tok); err != nil {
		t.Fatalf("within identityTTL the cached identity stands: %v", err)
	}
	c.advance(identityTTL)
	if _, err := s.Authenticate(ctx, tok); code(err) != "disabled" {
		t.Fatalf("after identityTTL a disabled user is refused: %v", err)
	}
}
