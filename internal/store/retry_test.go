package store_test

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"

	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// Two changes that lock the same two rows in opposite orders deadlock; the
// server cancels one, and Retry runs it again: both are saved, each once.
func TestRetryAfterADeadlock(t *testing.T) {
	ctx := context.Background()
	db := storetest.Postgres(t)
	if _, err := db.ExecContext(ctx, "CREATE TABLE pair (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO pair VALUES (1, 0), (2, 0)"); err != nil {
		t.Fatal(err)
	}
	var first sync.WaitGroup
	first.Add(2)
	var tries atomic.Int32
	change := func(a, b int) error {
		try := 0
		return store.Retry(ctx, func() error {
			try++
			tries.Add(1)
			return db.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "UPDATE pair SET n = n + 1 WHERE id = $1", a); err != nil {
					return err
				}
				if try == 1 {
					// Both hold their first row before either asks for its second.
					first.Done()
					first.Wait()
				}
				_, err := tx.ExecContext(ctx, "UPDATE pair SET n = n + 1 WHERE id = $1", b)
				return err
			})
		})
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = change(1, 2) })
	wg.Go(func() { errs[1] = change(2, 1) })
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("the changes: %v, %v", errs[0], errs[1])
	}
	if tries.Load() != 3 {
		t.Fatalf("%d tries, want 3: the deadlock cancelled one change, run once more", tries.Load())
	}
	var n1, n2 int
	if err := db.QueryRowContext(ctx, "SELECT (SELECT n FROM pair WHERE id = 1), (SELECT n FROM pair WHERE id = 2)").Scan(&n1, &n2); err != nil || n1 != 2 || n2 != 2 {
		t.Fatalf("rows %d %d %v, want each changed twice", n1, n2, err)
	}
	// Not a conflict: run once.
	calls := 0
	if err := store.Retry(ctx, func() error { calls++; return sql.ErrNoRows }); err != sql.ErrNoRows || calls != 1 {
		t.Fatalf("another error: %v after %d calls", err, calls)
	}
}
