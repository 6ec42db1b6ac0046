package cppcc

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/store"
)

// Event is one step in a proposal's history.
type Event struct {
	Object string `json:"object"`
	Action string `json:"action"`
	From   string `json:"from"`
	To     string `json:"to"`
	// ActionLabel and ToLabel are the step and the state it led to in words.
	ActionLabel string    `json:"action_label"`
	ToLabel     string    `json:"to_label"`
	Note        string    `json:"note"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
	// by is the account that took the step (By is said from it).
	by sql.NullInt64
}

// byName writes who took each step as a person reads it, never a login:
// the member's name, else the account's display name, else the unit of a
// handler or the role of anyone else; a step of the command line is the
// operator's, one of no account the system's.
func (s *Service) byName(ctx context.Context, q store.Querier, province int64, events []Event) error {
	names := map[int64]string{}
	for _, e := range events {
		if e.by.Valid {
			names[e.by.Int64] = ""
		}
	}
	for id := range names {
		var display string
		if err := q.QueryRowContext(ctx, "SELECT display_name FROM users WHERE id = $1", id).Scan(&display); err != nil && !apperr.IsNotFound(err) {
			return fmt.Errorf("name who took the steps: %w", err)
		}
		var member string
		err := q.QueryRowContext(ctx, "SELECT name FROM cppcc_members WHERE user_id = $1"+store.InProvince("province_id", province)+" ORDER BY id DESC LIMIT 1", id).Scan(&member)
		if err != nil && !apperr.IsNotFound(err) {
			return fmt.Errorf("name who took the steps: %w", err)
		}
		var role, unit string
		err = q.QueryRowContext(ctx, `SELECT g.role, COALESCE(c.name, '') FROM grants g LEFT JOIN committees c ON c.id = g.committee_id
			WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.id LIMIT 1`, id).Scan(&role, &unit)
		if err != nil && !apperr.IsNotFound(err) {
			return fmt.Errorf("name who took the steps: %w", err)
		}
		if role != auth.RoleHandler {
			unit = auth.Roles.Label(role)
		}
		names[id] = cmp.Or(member, display, unit)
	}
	for i, e := range events {
		switch {
		case e.by.Valid && names[e.by.Int64] != "":
			events[i].By = names[e.by.Int64]
		case strings.HasPrefix(e.By, "命令行:"):
			events[i].By = "系统操作员"
		case !e.by.Valid:
			events[i].By = "系统"
		}
	}
	return nil
}

// step moves a proposal by action, compare-and-set on the state it was read
// in; set adds assignments numbered from $3, and the step is written to the
// proposal's history and the audit trail.
func (s *Service) step(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal, action, note, set string, args ...any) error {
	to, ok := Steps.Next("proposal", action, p.State)
	if !ok {
		return refused(p.StateLabel, "proposal", action)
	}
	if set != "" {
		set = ", " + set
	}
	n := len(args)
	query := fmt.Sprintf("UPDATE proposals SET state = $1, updated_at = $2%s WHERE id = $%d AND state = $%d", set, n+3, n+4) + store.InProvince("province_id", p.province)
	if err := store.Swap(ctx, tx, "提案", query, append(append([]any{to, s.now()}, args...), p.ID, p.State)...); err != nil {
		return fmt.Errorf("step proposal: %w", err)
	}
	return s.event(ctx, tx, c, p, "proposal", action, p.State, to, note)
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, c committee.Committee, p Proposal, object, action, from, to, note string) error {
	a := audit.ActorOf(ctx)
	if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_events (province_id, proposal_id, object, action, from_state, to_state, note, by_user, by_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, p.province, p.ID, object, action, from, to, note, NullUser(ctx), a.Username, s.now()); err != nil {
		if err != nil {
			return fmt.Errorf("record proposal event: %w", err)
		}
		return nil
	}
	return s.Audit(ctx, tx, c, object+"_"+action, "proposal", p.ID, map[string]any{"from": from, "to": to, "note": note})
}
