package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
)

// User is an account.
type User struct {
	ID                int64      `json:"id"`
	Username          string     `json:"username"`
	DisplayName       string     `json:"display_name"`
	MemberID          *int64     `json:"member_id"`
	Disabled          bool       `json:"disabled"`
	LockedUntil       *time.Time `json:"locked_until"`
	MustChange        bool       `json:"must_change_password"`
	PasswordChangedAt time.Time  `json:"password_changed_at"`
	CreatedAt         time.Time  `json:"created_at"`
	Grants            []Grant    `json:"grants"`
	hash              string
	failed            int
}

// Service manages accounts, grants, sessions and tokens.
type Service struct {
	DB    *store.DB
	Now   func() time.Time
	cache identityCache
	// attempts bounds login attempts per user name (10 a minute), whatever
	// address they come from; lockout then counts the wrong passwords.
	attempts     *Limiter
	attemptsOnce sync.Once
}

func (s *Service) now() time.Time { return store.Now(s.Now) }

const userCols = `id, username, display_name, member_id, disabled, locked_until, must_change, password_changed_at, created_at, password_hash, failed_count`

func scanUser(sc store.Scanner) (User, error) {
	var u User
	var member sql.NullInt64
	var locked sql.NullTime
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &member, &u.Disabled, &locked, &u.MustChange, &u.PasswordChangedAt, &u.CreatedAt, &u.hash, &u.failed)
	if member.Valid {
		u.MemberID = &member.Int64
	}
	if locked.Valid {
		t := locked.Time.UTC()
		u.LockedUntil = &t
	}
	return u, err
}

func (s *Service) userBy(ctx context.Context, q store.Querier, col string, v any) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE "+col+" = $1", v))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.NotFound("用户")
	}
	if err != nil {
		return User{}, fmt.Errorf("read user: %w", err)
	}
	u.Grants, err = s.grants(ctx, q, u.ID)
	return u, err
}

// User returns an account with its grants.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	return s.userBy(ctx, s.DB, "id", id)
}

// UserByName returns an account by its user name.
func (s *Service) UserByName(ctx context.Context, name string) (User, error) {
	return s.userBy(ctx, s.DB, "username", strings.TrimSpace(name))
}

// Users lists the accounts.
func (s *Service) Users(ctx context.Context, p store.Page) (store.List[User], error) {
	out, p := store.NewList[User](p)
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list users: %w", err)
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY id LIMIT $1 OFFSET $2", p.Size, p.Offset())
	if err != nil {
		return out, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, u)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("list users: %w", err)
	}
	for i := range out.Items {
		if out.Items[i].Grants, err = s.grants(ctx, s.DB, out.Items[i].ID); err != nil {
			return out, err
		}
	}
	return out, nil
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{1,31}$`)

// NewUser is what creating an account takes.
type NewUser struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	MemberID    *int64 `json:"member_id"`
	// MustChange makes the user choose a new password at first login.
	MustChange bool `json:"must_change_password"`
}

// CreateUser adds an account.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	in.Username = strings.TrimSpace(in.Username)
	var v apperr.Invalid
	if !usernameRE.MatchString(in.Username) {
		v.Add("username", "用户名应为2至32位小写字母、数字或 _ . -,以字母开头")
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return User{}, err
	}
	if err := pol.CheckPolicy(in.Username, in.Password); err != nil {
		v.Add("password", "%s", err.Error())
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if in.MemberID != nil {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE id = $1", *in.MemberID).Scan(&n); err != nil || n == 0 {
				return apperr.InvalidField("member_id", "关联的党员不存在")
			}
		}
		now := s.now()
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, password_changed_at, must_change, member_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $4, $4) RETURNING id`,
			in.Username, strings.TrimSpace(in.DisplayName), HashPassword(in.Password), now, in.MustChange, in.MemberID).Scan(&id)
		if err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "unique") {
				return apperr.InvalidField("username", "用户名“%s”已被使用", in.Username)
			}
			if err != nil {
				return fmt.Errorf("create user: %w", err)
			}
			return nil
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "create", ObjectType: "user", ObjectID: id,
			Detail: map[string]any{"username": in.Username, "display_name": in.DisplayName, "member_id": in.MemberID}})
	})
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return s.User(ctx, id)
}

// UserPatch changes an account; nil fields stay.
type UserPatch struct {
	DisplayName *string `json:"display_name"`
	Disabled    *bool   `json:"disabled"`
}

// UpdateUser changes an account's name or disables it (which ends its sessions).
func (s *Service) UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error) {
	defer s.Forget()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.userBy(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := s.guard(ctx, tx, u, opUpdate); err != nil {
			return err
		}
		name, disabled := u.DisplayName, u.Disabled
		if p.DisplayName != nil {
			name = strings.TrimSpace(*p.DisplayName)
		}
		if p.Disabled != nil {
			disabled = *p.Disabled
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET display_name = $1, disabled = $2, updated_at = $3 WHERE id = $4", name, disabled, s.now(), id); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if disabled {
			if err := errors.Join(s.endSessions(ctx, tx, id), s.endTokens(ctx, tx, id)); err != nil {
				return err
			}
		}
		return audit.Change(ctx, s.DB, tx, "update", "user", id, "",
			map[string]any{"display_name": u.DisplayName, "disabled": u.Disabled}, map[string]any{"display_name": name, "disabled": disabled})
	})
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, id)
}

// SetPassword gives an account a new password and ends all its sessions. An
// administrator's reset makes the user choose their own at the next login.
func (s *Service) SetPassword(ctx context.Context, id int64, pw string, byAdmin bool) error {
	defer s.Forget()
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	if err := pol.CheckPolicy(u.Username, pw); err != nil {
		return apperr.InvalidField("password", "%s", err.Error())
	}
	if CheckPassword(u.hash, pw) {
		return apperr.InvalidField("password", "新密码不能与当前密码相同")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2, must_change = $3,
			failed_count = 0, locked_until = NULL, updated_at = $2 WHERE id = $4`, HashPassword(pw), s.now(), byAdmin, id); err != nil {
			if err != nil {
				return fmt.Errorf("set password: %w", err)
			}
			return nil
		}
		if err := s.endSessions(ctx, tx, id); err != nil {
			return err
		}
		if err := s.endTokens(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "password", ObjectType: "user", ObjectID: id,
			Detail: map[string]any{"username": u.Username, "reset_by_admin": byAdmin}})
	})
}

// IsAdmin tells whether the account holds one of the three administrator roles (三员).
func (u User) IsAdmin() bool {
	return slices.ContainsFunc(u.Grants, func(g Grant) bool { return SystemRole(g.Role) })
}

// holds tells whether the account holds role anywhere.
func (u User) holds(role string) bool {
	return slices.ContainsFunc(u.Grants, func(g Grant) bool { return g.Role == role })
}

// Operations on accounts that the separation of the three administrators governs.
const (
	opReset  = "reset"
	opUnlock = "unlock"
	opUpdate = "update"
)

func refused(format string, args ...any) error {
	return apperr.New("separation", http.StatusForbidden, format, args...)
}

// guard refuses an operation of the caller (the actor of ctx) on the
// target account that the separation of duties keeps from them: nobody acts
// on their own account; the system administrator resets and changes
// business accounts only; the accounts of the three administrators are reset
// and unlocked by the security administrator alone and changed only on the
// server's command line, which has no actor.
func (s *Service) guard(ctx context.Context, q store.Querier, target User, op string) error {
	a := audit.ActorOf(ctx)
	if a.UserID == 0 {
		return nil
	}
	if a.UserID == target.ID {
		return refused("不能对自己的账号进行此操作;修改本人密码请到“我的”页面")
	}
	actor, err := s.userBy(ctx, q, "id", a.UserID)
	if err != nil {
		return err
	}
	switch {
	case op == opUnlock && !actor.holds(RoleSecadmin):
		return refused("只有安全管理员才能解除账号锁定")
	case op == opReset && target.IsAdmin() && !actor.holds(RoleSecadmin):
		return refused("系统管理员、安全管理员、审计管理员的密码只能由安全管理员重置")
	case op == opReset && !target.IsAdmin() && !actor.holds(RoleSysadmin):
		return refused("业务账号的密码由系统管理员重置")
	case op == opUpdate && target.IsAdmin():
		return refused("系统管理员、安全管理员、审计管理员的账号只能在服务器上用命令行修改或停用")
	}
	return nil
}

// Reset is an administrator's reset of another account's password, as the
// separation of duties allows it (see guard).
func (s *Service) Reset(ctx context.Context, id int64, pw string) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if err := s.guard(ctx, s.DB, u, opReset); err != nil {
		return err
	}
	return s.SetPassword(ctx, id, pw, true)
}

// Unlock clears an account's lockout.
func (s *Service) Unlock(ctx context.Context, id int64) (User, error) {
	defer s.Forget()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.userBy(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := s.guard(ctx, tx, u, opUnlock); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_count = 0, locked_until = NULL WHERE id = $1", id); err != nil {
			return fmt.Errorf("unlock user: %w", err)
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "unlock", ObjectType: "user", ObjectID: id, Detail: map[string]any{"username": u.Username}})
	})
	if err != nil {
		return User{}, fmt.Errorf("unlock user: %w", err)
	}
	return s.User(ctx, id)
}

// ChangeOwnPassword changes a user's password after checking the current one.
func (s *Service) ChangeOwnPassword(ctx context.Context, id int64, old, pw string) error {
	defer s.Forget()
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if !CheckPassword(u.hash, old) {
		return errors.Join(apperr.InvalidField("old_password", "当前密码不正确"),
			audit.Append(ctx, s.DB, audit.Event{Action: "password_failed", ObjectType: "user", ObjectID: id}))
	}
	return s.SetPassword(ctx, id, pw, false)
}
