package store

import (
	"context"
	"database/sql"
	"errors"

	"dangjian/internal/apperr"
)

// Machine is a state machine as data: for each action, the states it may
// start from and the state it leads to. Every action not listed is refused.
type Machine map[string]Move

// Move is one action of a Machine.
type Move struct {
	From []string
	To   string
}

// Next is where action leads from state, and whether it may start there.
func (m Machine) Next(action, state string) (string, bool) {
	mv, ok := m[action]
	if !ok {
		return "", false
	}
	for _, f := range mv.From {
		if f == state {
			return mv.To, true
		}
	}
	return "", false
}

// Swap runs an UPDATE whose WHERE names the state the caller read (a
// compare-and-set) and wants it to change exactly one row: when a concurrent
// request changed the state first, it changes none and the caller's
// transaction ends with a conflict naming noun, so that a step is taken
// once however often it is sent.
func Swap(ctx context.Context, tx *sql.Tx, noun, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, apperr.Conflict("该%s刚被他人处理过,请刷新页面后查看", noun))
	}
	return nil
}
