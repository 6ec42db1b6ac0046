package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"dangjian/internal/apperr"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// The errors store returns say what failed (the operation wraps the
// database's error), and what a user is told of them stays the same: a
// SQLite writer kept waiting past the busy timeout, and a transaction
// PostgreSQL cancelled for a conflict, are told in Chinese however often
// they were wrapped, and the conflict is run again.
func TestExplainedThroughTheWrapping(t *testing.T) {
	ctx := context.Background()
	told := func(err error, want string) {
		t.Helper()
		for _, e := range []error{err, fmt.Errorf("save the record: %w", err)} {
			ae, ok := apperr.As(store.Explain(e))
			if !ok || !strings.Contains(ae.Message, want) {
				t.Errorf("%v is told as %v, want %q", e, store.Explain(e), want)
			}
		}
	}

	storetest.QuickBusy(t, 100)
	lite := storetest.SQLite(t)
	hold, err := lite.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback() }()
	if _, err := hold.ExecContext(ctx, "CREATE TABLE held (n INT)"); err != nil {
		t.Fatal(err)
	}
	err = lite.Tx(ctx, func(tx *sql.Tx) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "begin a transaction: ") {
		t.Fatalf("a transaction beside a writer: %v", err)
	}
	told(err, "系统正忙于写入大量数据")

	pg := storetest.Postgres(t)
	tries := 0
	err = store.Retry(ctx, func() error {
		tries++
		return pg.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "DO $$ BEGIN RAISE EXCEPTION 'cancelled' USING ERRCODE = '40001'; END $$")
			return fmt.Errorf("change the row: %w", err)
		})
	})
	if tries != 5 || !store.Transient(err) {
		t.Fatalf("a wrapped conflict: %d tries, %v", tries, err)
	}
	told(err, "与同时进行的其他操作冲突")
	// A refusal a service made is found through the wrapping too.
	refused := fmt.Errorf("import row 7: %w", apperr.NotFound("党组织"))
	if ae, ok := apperr.As(store.Explain(refused)); !ok || ae.Code != "not_found" || !apperr.IsNotFound(refused) {
		t.Fatalf("a wrapped refusal: %v", refused)
	}
}
