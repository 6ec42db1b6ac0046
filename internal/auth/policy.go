package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
)

// Policy is the password, lockout and session policy, set by the security administrator.
type Policy struct {
	MinLength        int `json:"min_length"`
	MaxAgeDays       int `json:"max_age_days"`      // 0: passwords do not expire
	LockoutThreshold int `json:"lockout_threshold"` // failures before the account locks
	LockoutMinutes   int `json:"lockout_minutes"`
	IdleMinutes      int `json:"idle_minutes"`
	AbsoluteHours    int `json:"absolute_hours"`
}

// DefaultPolicy is in force until the security administrator changes it.
var DefaultPolicy = Policy{MinLength: 10, MaxAgeDays: 90, LockoutThreshold: 5, LockoutMinutes: 15, IdleMinutes: 30, AbsoluteHours: 12}

// Policy returns the policy in force.
func (s *Service) Policy(ctx context.Context) (Policy, error) {
	var raw string
	err := s.DB.QueryRowContext(ctx, "SELECT v FROM settings WHERE k = 'policy'").Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPolicy, nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("read password policy: %w", err)
	}
	p := DefaultPolicy
	return p, json.Unmarshal([]byte(raw), &p)
}

// SetPolicy changes the policy, refusing values weaker than the standard allows.
func (s *Service) SetPolicy(ctx context.Context, p Policy) (Policy, error) {
	defer s.Forget()
	var v apperr.Invalid
	if p.MinLength < 8 || p.MinLength > 64 {
		v.Add("min_length", "密码最小长度应在8至64之间")
	}
	if p.MaxAgeDays < 0 || p.MaxAgeDays > 365 {
		v.Add("max_age_days", "密码有效期应在0(不过期)至365天之间")
	}
	if p.LockoutThreshold < 3 || p.LockoutThreshold > 10 {
		v.Add("lockout_threshold", "连续登录失败锁定次数应在3至10之间")
	}
	if p.LockoutMinutes < 1 || p.LockoutMinutes > 1440 {
		v.Add("lockout_minutes", "锁定时长应在1至1440分钟之间")
	}
	if p.IdleMinutes < 5 || p.IdleMinutes > 120 {
		v.Add("idle_minutes", "无操作超时应在5至120分钟之间")
	}
	if p.AbsoluteHours < 1 || p.AbsoluteHours > 24 {
		v.Add("absolute_hours", "会话最长有效时间应在1至24小时之间")
	}
	if err := v.Err(); err != nil {
		return Policy{}, err
	}
	old, err := s.Policy(ctx)
	if err != nil {
		return Policy{}, err
	}
	raw, _ := json.Marshal(p)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (k, v) VALUES ('policy', $1)
			ON CONFLICT (k) DO UPDATE SET v = excluded.v`, string(raw)); err != nil {
			if err != nil {
				return fmt.Errorf("set password policy: %w", err)
			}
			return nil
		}
		return audit.Change(ctx, s.DB, tx, "update", "policy", 0, "", old, p)
	})
	return p, err
}
