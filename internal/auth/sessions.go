package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
)

// Identity is an authenticated caller.
type Identity struct {
	User      User
	SessionID int64  // 0 for an API token
	TokenID   int64  // 0 for a session
	CSRF      string // the session's anti-forgery token
	// MustChange is set when the password expired or was reset by an
	// administrator: nothing but changing it is allowed.
	MustChange bool
}

// Token is an API token's record; the secret itself is shown once, at creation.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// touchEvery bounds how often a session's or token's last use is written.
const touchEvery = time.Minute

func secretToken(prefix string) (plain, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, hashToken(plain)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// dummyHash makes a login with an unknown user name cost what a real one does.
var dummyHash = HashPassword("not a password of anyone")

// badLogin is the one answer to a failed login, whatever failed: an
// unknown user name, a wrong password or a locked account answer alike, so
// that nobody learns from it whether a user name exists.
func badLogin(pol Policy) error {
	return apperr.New("bad_login", http.StatusUnauthorized,
		"用户名或密码错误。连续输错%d次账号将被锁定%d分钟;已被锁定时请稍后重试或联系安全管理员解锁", pol.LockoutThreshold, pol.LockoutMinutes)
}

// errTooManyTries refuses attempts at one account beyond the per-account rate.
var errTooManyTries = apperr.New("rate_limited", http.StatusTooManyRequests, "登录尝试过于频繁,请一分钟后再试")

// Login checks a user name and password from ip and opens a session. Five
// failures in a row (by policy) lock the account for fifteen minutes; the
// count is kept by the database, so that concurrent attempts count each.
func (s *Service) Login(ctx context.Context, username, password, ip string) (string, Identity, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return "", Identity{}, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Username: username, IP: ip})
	s.attemptsOnce.Do(func() { s.attempts = NewLimiter(10, 10) })
	key := strings.ToLower(username)
	if !s.attempts.Has(key) {
		return "", Identity{}, errTooManyTries
	}
	succeeded := false
	defer func() {
		// Failed attempts count against the account, a login does not.
		if !succeeded {
			s.attempts.Spend(key)
		}
	}()
	u, err := s.UserByName(ctx, username)
	if err != nil {
		if _, ok := apperr.As(err); !ok {
			return "", Identity{}, err
		}
		CheckPassword(dummyHash, password)
		return "", Identity{}, errors.Join(badLogin(pol), audit.Append(ctx, s.DB, audit.Event{Action: "login_failed", ObjectType: "session",
			Detail: map[string]any{"reason": "unknown user"}}))
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: u.ID, Username: u.Username, IP: ip})
	now := s.now()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		CheckPassword(dummyHash, password)
		return "", Identity{}, errors.Join(badLogin(pol), audit.Append(ctx, s.DB, audit.Event{Action: "login_failed",
			ObjectType: "session", ObjectID: u.ID, Detail: map[string]any{"reason": "locked"}}))
	}
	if !CheckPassword(u.hash, password) {
		return "", Identity{}, errors.Join(badLogin(pol), s.failed(ctx, u.ID, pol, now))
	}
	if u.Disabled {
		// Said only to whoever knows the password.
		return "", Identity{}, errors.Join(apperr.New("disabled", http.StatusForbidden, "该账号已停用,请联系系统管理员"),
			audit.Append(ctx, s.DB, audit.Event{Action: "login_failed", ObjectType: "session", ObjectID: u.ID, Detail: map[string]any{"reason": "disabled"}}))
	}
	plain, hash := secretToken("s.")
	csrf, _ := secretToken("")
	var sid int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// The account may have been locked by a concurrent failure since it was read.
		res, err := tx.ExecContext(ctx, "UPDATE users SET failed_count = 0, locked_until = NULL WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)", u.ID, now)
		if err != nil {
			return fmt.Errorf("log in: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, badLogin(pol))
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, ip, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			hash, u.ID, csrf[:32], ip, now).Scan(&sid); err != nil {
			if err != nil {
				return fmt.Errorf("log in: %w", err)
			}
			return nil
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "login", ObjectType: "session", ObjectID: sid})
	})
	if err != nil {
		return "", Identity{}, fmt.Errorf("log in: %w", err)
	}
	succeeded = true
	return plain, Identity{User: u, SessionID: sid, CSRF: csrf[:32], MustChange: mustChange(u, pol, now)}, nil
}

// failed counts a wrong password in one statement, so that concurrent
// failures all count, and locks the account at the policy's threshold. A
// failure after an expired lock starts the count again.
func (s *Service) failed(ctx context.Context, userID int64, pol Policy, now time.Time) error {
	until := now.Add(time.Duration(pol.LockoutMinutes) * time.Minute)
	locked := false
	defer func() {
		if locked { // the account's tokens wait from now on
			s.Forget()
		}
	}()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var count int
		var lockedUntil sql.NullTime
		err := tx.QueryRowContext(ctx, `UPDATE users SET
			failed_count = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 THEN 1 ELSE failed_count + 1 END,
			locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until > $1 THEN locked_until
				WHEN (CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 THEN 1 ELSE failed_count + 1 END) >= $2 THEN $3
				ELSE NULL END
			WHERE id = $4 RETURNING failed_count, locked_until`, now, pol.LockoutThreshold, until, userID).Scan(&count, &lockedUntil)
		if err != nil {
			return fmt.Errorf("record failed login: %w", err)
		}
		locked = lockedUntil.Valid
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "login_failed", ObjectType: "session", ObjectID: userID,
			Detail: map[string]any{"reason": "wrong password", "failures": count, "locked": locked}})
	})
}

func mustChange(u User, pol Policy, now time.Time) bool {
	return u.MustChange || (pol.MaxAgeDays > 0 && now.After(u.PasswordChangedAt.Add(time.Duration(pol.MaxAgeDays)*24*time.Hour)))
}

var errBadToken = apperr.New("bad_token", http.StatusUnauthorized, "访问令牌无效、已撤销或已过期")

var errExpired = apperr.New("session_expired", http.StatusUnauthorized, "登录已超时,请重新登录")

// authenticate resolves a session or API token to its identity from the database.
func (s *Service) authenticate(ctx context.Context, token string) (Identity, error) {
	now := s.now()
	hash := hashToken(token)
	var id Identity
	var userID int64
	switch {
	case strings.HasPrefix(token, "s."):
		pol, err := s.Policy(ctx)
		if err != nil {
			return id, err
		}
		var created, seen time.Time
		err = s.DB.QueryRowContext(ctx, "SELECT id, user_id, csrf, created_at, last_seen_at FROM sessions WHERE token_hash = $1 AND ended_at IS NULL", hash).
			Scan(&id.SessionID, &userID, &id.CSRF, &created, &seen)
		if errors.Is(err, sql.ErrNoRows) {
			return id, errExpired
		}
		if err != nil {
			return id, fmt.Errorf("authenticate: %w", err)
		}
		if now.After(seen.Add(time.Duration(pol.IdleMinutes)*time.Minute)) || now.After(created.Add(time.Duration(pol.AbsoluteHours)*time.Hour)) {
			if _, err := s.DB.ExecContext(ctx, "UPDATE sessions SET ended_at = $1 WHERE id = $2", now, id.SessionID); err != nil {
				return id, fmt.Errorf("authenticate: %w", err)
			}
			return id, errExpired
		}
		if now.Sub(seen) > touchEvery {
			// Skipped while another writer holds SQLite (an import): a read never waits for it.
			_ = s.DB.TryExec(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", now, id.SessionID)
		}
		u, err := s.User(ctx, userID)
		if err != nil {
			return id, err
		}
		id.User, id.MustChange = u, mustChange(u, pol, now)
	case strings.HasPrefix(token, "t."):
		var expires, used sql.NullTime
		var created time.Time
		err := s.DB.QueryRowContext(ctx, "SELECT id, user_id, created_at, expires_at, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL", hash).
			Scan(&id.TokenID, &userID, &created, &expires, &used)
		if err == nil && !expires.Valid {
			// Made before every token had an expiry.
			expires = sql.NullTime{Time: created.AddDate(0, 0, TokenDefaultDays), Valid: true}
		}
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !now.Before(expires.Time)) {
			return id, errBadToken
		}
		if err != nil {
			return id, err
		}
		if !used.Valid || now.Sub(used.Time) > touchEvery {
			_ = s.DB.TryExec(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now, id.TokenID)
		}
		if id.User, err = s.User(ctx, userID); err != nil {
			return id, err
		}
		if id.User.LockedUntil != nil && now.Before(*id.User.LockedUntil) {
			// A locked account's tokens wait for the lock as its password does.
			return id, errBadToken
		}
	default:
		return id, errBadToken
	}
	if id.User.Disabled {
		return id, apperr.New("disabled", http.StatusForbidden, "该账号已停用,请联系系统管理员")
	}
	return id, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	defer s.Forget()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var sid int64
		err := tx.QueryRowContext(ctx, "UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL RETURNING id", s.now(), hashToken(token)).Scan(&sid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("log out: %w", err)
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "logout", ObjectType: "session", ObjectID: sid})
	})
}

// endTokens revokes every API token of the user (a new password, a disabled account).
func (s *Service) endTokens(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL", s.now(), userID)
	if err != nil {
		return fmt.Errorf("end tokens: %w", err)
	}
	return nil
}

func (s *Service) endSessions(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL", s.now(), userID)
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

// Token lifetimes: the default when none is asked for, and the longest.
const (
	TokenDefaultDays = 90
	TokenMaxDays     = 365
)

// CreateToken makes a new API token for a user and returns its secret,
// shown only this once. Every token expires: after TokenDefaultDays when
// expires is nil, at most TokenMaxDays from now.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string, expires *time.Time) (string, Token, error) {
	now := s.now()
	if expires == nil {
		t := now.AddDate(0, 0, TokenDefaultDays)
		expires = &t
	}
	if !expires.After(now) {
		return "", Token{}, apperr.InvalidField("expires_at", "有效期截止时间应晚于现在")
	}
	if expires.After(now.AddDate(0, 0, TokenMaxDays)) {
		return "", Token{}, apperr.InvalidField("expires_at", "访问令牌的有效期最长为%d天", TokenMaxDays)
	}
	plain, hash := secretToken("t.")
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.userBy(ctx, tx, "id", userID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			hash, userID, strings.TrimSpace(name), s.now(), expires).Scan(&id); err != nil {
			if err != nil {
				return fmt.Errorf("create token: %w", err)
			}
			return nil
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "create", ObjectType: "token", ObjectID: id,
			Detail: map[string]any{"user_id": userID, "name": name, "expires_at": expires}})
	})
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	ts, err := s.Tokens(ctx, userID)
	for _, t := range ts {
		if t.ID == id {
			return plain, t, err
		}
	}
	return plain, Token{}, err
}

// Tokens lists a user's API tokens.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id", userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		var exp, used, rev sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &exp, &used, &rev); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(exp), timePtr(used), timePtr(rev)
		out = append(out, t)
	}
	return out, rows.Err()
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// RevokeToken revokes a token of owner (any user's when owner is 0); it is refused at once.
func (s *Service) RevokeToken(ctx context.Context, owner, id int64) error {
	defer s.Forget()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, "SELECT user_id FROM api_tokens WHERE id = $1 AND revoked_at IS NULL", id).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != 0 && owner != userID) {
			return apperr.NotFound("访问令牌")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2", s.now(), id); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "revoke", ObjectType: "token", ObjectID: id, Detail: map[string]any{"user_id": userID}})
	})
}
