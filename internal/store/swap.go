package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"dangjian/internal/apperr"
)

// Swap runs an UPDATE whose WHERE names the state the caller read (a
// compare-and-set) and wants it to change exactly one row: when a concurrent
// request changed the state first, it changes none and the caller's
// transaction ends with a conflict naming noun, so that a step is taken
// once however often it is sent.
func Swap(ctx context.Context, tx *sql.Tx, noun, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("change the state of the %s: %w", noun, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, apperr.Conflict("该%s刚被他人处理过,请刷新页面后查看", noun))
	}
	return nil
}

// errBusy is what a user is told when SQLite's single writer stayed busy
// past the busy timeout (a large import writing).
var errBusy = apperr.New("busy", http.StatusServiceUnavailable,
	"系统正忙于写入大量数据(例如有人正在导入名册),您这次的操作没有保存,请稍等片刻后再试")

// errConflict is what a user is told when the server cancelled their
// request for a conflict with other work, again after the retries.
var errConflict = apperr.New("conflict", http.StatusServiceUnavailable,
	"您的操作与同时进行的其他操作冲突(例如集群正在迁移数据),这次没有保存,请稍后再试")

// Explain turns a database's "busy" and its conflicts into messages for the
// user; other errors stay as they are.
func Explain(err error) error {
	if err == nil {
		return nil
	}
	if Transient(err) {
		return errConflict
	}
	msg := err.Error()
	if strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") {
		return errBusy
	}
	return err
}

// Transient tells whether err is a conflict the server resolved by
// cancelling one side, which succeeds when run again: a deadlock (also one
// a Citus cluster found between nodes, or between a request and a shard
// being moved) or a serialization failure.
func Transient(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// Retry runs fn, and runs it again while it fails for a Transient
// conflict, five times in all, waiting 50, 100, 200 and 400 ms (and a
// little at random) in between: the conflicts of a shard move come in
// bursts of a second or two. fn must start afresh each time (a request's
// handler, whose transactions were rolled back whole).
func Retry(ctx context.Context, fn func() error) error {
	for try := 1; ; try++ {
		err := fn()
		if err == nil || try == retries || !Transient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(50<<(try-1)+rand.IntN(50)) * time.Millisecond):
		}
	}
}

// retries is how many times in all Retry runs a function.
const retries = 5

// TryExec runs a write that may be skipped (a session's last use): on
// SQLite it does not wait for the write lock but fails at once when
// another writer holds it; PostgreSQL writes other rows side by side.
func (db *DB) TryExec(ctx context.Context, query string, args ...any) error {
	if db.Dialect != SQLite {
		_, err := db.ExecContext(ctx, query, args...)
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, query, args...)
	_, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA busy_timeout = "+itoa(busyTimeoutMS))
	return errors.Join(err, rerr)
}

// SetBusyTimeout sets how long the SQLite databases opened from now on wait
// for another writer, and returns the previous value (for tests).
func SetBusyTimeout(ms int) int {
	old := busyTimeoutMS
	busyTimeoutMS = ms
	return old
}
