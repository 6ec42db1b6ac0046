package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dangjian/internal/store"
)

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
}

func newBatch(db *store.DB, table string, cols ...string) *batch {
	return &batch{db: db, table: table, cols: cols, limit: max(1, 30000/len(cols))}
}

// add queues a row, writing the queue when it is full.
func (b *batch) add(ctx context.Context, tx *sql.Tx, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows >= b.limit {
		return b.flush(ctx, tx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context, tx *sql.Tx) error {
	if b.rows == 0 {
		return nil
	}
	for _, d := range b.after {
		if err := d.flush(ctx, tx); err != nil {
			return err
		}
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
	if _, err := tx.ExecContext(ctx, sb.String(), b.args...); err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.rows, b.args = 0, b.args[:0]
	return nil
}
