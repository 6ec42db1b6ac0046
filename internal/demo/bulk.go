package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dangjian/internal/store"
)

// execer runs statements: the generator's one connection, inside the
// transaction it began on it.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// batch collects rows for one multi-row INSERT, which both engines take far
// faster than one statement a row.
type batch struct {
	db    *store.DB
	table string
	cols  []string
	rows  int
	args  []any
	limit int // rows per statement
	// after lists the batches whose rows this one's refer to: they are written first.
	after []*batch
	// conn, when set, keeps the statement of a full batch prepared on the
	// connection the rows go through, so that it is parsed once rather than
	// at every flush.
	conn *sql.Conn
	full *sql.Stmt
}

func newBatch(db *store.DB, table string, cols ...string) *batch {
	return &batch{db: db, table: table, cols: cols, limit: max(1, 30000/len(cols))}
}

// add queues a row, writing the queue when it is full.
func (b *batch) add(ctx context.Context, tx execer, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows >= b.limit {
		return b.flush(ctx, tx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context, tx execer) error {
	if b.rows == 0 {
		return nil
	}
	for _, d := range b.after {
		if err := d.flush(ctx, tx); err != nil {
			return err
		}
	}
	if b.rows == b.limit && b.full != nil {
		if _, err := b.full.ExecContext(ctx, b.args...); err != nil {
			return fmt.Errorf("insert into %s: %w", b.table, err)
		}
		b.rows, b.args = 0, b.args[:0]
		return nil
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ")")
	if b.db.Dialect == store.Postgres && b.cols[0] == "id" {
		// Generated data brings its own ids; the sequence is moved past them at the end.
		sb.WriteString(" OVERRIDING SYSTEM VALUE")
	}
	sb.WriteString(" VALUES ")
	n := len(b.cols)
	for r := 0; r < b.rows; r++ {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := 0; c < n; c++ {
			if c > 0 {
				sb.WriteByte(',')
			}
			if b.db.Dialect == store.SQLite {
				// SQLite looks numbered parameters up by name, which costs
				// the square of their number in a long statement.
				sb.WriteByte('?')
			} else {
				fmt.Fprintf(&sb, "$%d", r*n+c+1)
			}
		}
		sb.WriteByte(')')
	}
	if b.rows == b.limit && b.conn != nil {
		var err error
		if b.full, err = b.conn.PrepareContext(ctx, sb.String()); err != nil {
			return fmt.Errorf("prepare insert into %s: %w", b.table, err)
		}
		return b.flush(ctx, tx)
	}
	if _, err := tx.ExecContext(ctx, sb.String(), b.args...); err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.rows, b.args = 0, b.args[:0]
	return nil
}

// close releases the prepared statement.
func (b *batch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
