package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"dangjian/internal/store"
)

// writer runs the generator's statements on its one connection, in the
// order they were queued, on a goroutine of its own: making the next rows
// (names, pinyin, hashes, sealing) overlaps writing these, on the second core.
type writer struct {
	conn *sql.Conn
	jobs chan func() error
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func startWriter(conn *sql.Conn) *writer {
	w := &writer{conn: conn, jobs: make(chan func() error, 2), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for job := range w.jobs {
			if w.failed() != nil {
				continue
			}
			if err := job(); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// do queues a job and reports the first failure of the jobs run so far.
func (w *writer) do(job func() error) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.jobs <- job
	return nil
}

// exec queues a statement.
func (w *writer) exec(ctx context.Context, query string, args ...any) error {
	return w.do(func() error {
		_, err := w.conn.ExecContext(ctx, query, args...)
		return err
	})
}

// finish waits for every queued statement and returns the first failure.
func (w *writer) finish() error {
	close(w.jobs)
	<-w.done
	return w.err
}

// batch collects rows for one multi-row INSERT (SQLite) or one COPY
// (PostgreSQL), which the engines take far faster than one statement a row.
type batch struct {
	db    *store.DB
	w     *writer
	table string
	cols  []string
	rows  int
	args  []any
	limit int // rows per statement
	// after lists the batches whose rows this one's refer to: they are written first.
	after []*batch
	// full is the statement of a full batch, prepared on the writer's
	// connection once rather than parsed at every flush.
	full *sql.Stmt
}

func newBatch(db *store.DB, w *writer, table string, cols ...string) *batch {
	// SQLite takes at most 32,766 parameters a statement; a COPY streams.
	limit := max(1, 30000/len(cols))
	if db.Dialect == store.Postgres {
		limit = 10000
	}
	return &batch{db: db, w: w, table: table, cols: cols, limit: limit}
}

// add queues a row, writing the queue when it is full.
func (b *batch) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows >= b.limit {
		return b.flush(ctx)
	}
	return nil
}

// flush queues the rows collected (after those of the batches they refer to).
func (b *batch) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	for _, d := range b.after {
		if err := d.flush(ctx); err != nil {
			return err
		}
	}
	args, n, full := b.args, b.rows, b.rows == b.limit
	b.rows, b.args = 0, make([]any, 0, len(args))
	if b.db.Dialect == store.Postgres {
		rows := make([][]any, 0, len(args)/len(b.cols))
		for i := 0; i < len(args); i += len(b.cols) {
			rows = append(rows, args[i:i+len(b.cols)])
		}
		return b.w.do(func() error {
			if err := store.CopyFrom(ctx, b.w.conn, b.table, b.cols, rows); err != nil {
				return fmt.Errorf("copy into %s: %w", b.table, err)
			}
			return nil
		})
	}
	query := b.statement(n)
	return b.w.do(func() error {
		var err error
		if full {
			if b.full == nil {
				if b.full, err = b.w.conn.PrepareContext(ctx, query); err != nil {
					return fmt.Errorf("prepare insert into %s: %w", b.table, err)
				}
			}
			_, err = b.full.ExecContext(ctx, args...)
		} else {
			_, err = b.w.conn.ExecContext(ctx, query, args...)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", b.table, err)
		}
		return nil
	})
}

// statement is the INSERT of rows rows.
func (b *batch) statement(rows int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	b.db.Values(&sb, rows, len(b.cols))
	return sb.String()
}

// close releases the prepared statement, once the writer is finished.
func (b *batch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
