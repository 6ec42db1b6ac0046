package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A cluster laid out by an earlier release (before the consultative work's
// migration, 00016, whose tables refer to reference tables and to which a
// reference table refers) is upgraded in place by dangjian migrate: every
// table ends laid out by its role, none left a local table of the
// coordinator, the schema is the one a new cluster gets (columns, indexes,
// foreign keys), the rows written before are kept, and the keys hold.
func TestUpgradeALaidOutCluster(t *testing.T) {
	ctx := context.Background()
	old := storetest.CitusAt(t, 15)
	var laid int
	if err := old.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid WHERE c.relnamespace = current_schema()::regnamespace").Scan(&laid); err != nil || laid == 0 {
		t.Fatalf("the earlier release's schema is not laid out: %d %v", laid, err)
	}
	if _, err := old.ExecContext(ctx, "INSERT INTO settings (k, v) VALUES ('written.before', 'kept')"); err != nil {
		t.Fatal(err)
	}
	n, err := old.Migrate(ctx)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	if n == 0 {
		t.Fatal("the upgrade applied no migration")
	}
	storetest.LaidOut(t, old)
	fresh := storetest.Citus(t)
	for _, q := range []struct{ what, sql string }{
		{"columns", `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || is_identity || ' ' || COALESCE(column_default, '')
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`},
		{"indexes", `SELECT tablename || ' ' || replace(indexdef, current_schema() || '.', '') FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'`},
		{"foreign keys", `SELECT c.relname || ' ' || pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
			WHERE con.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`},
	} {
		list := func(db *store.DB) []string {
			got, err := store.Query(ctx, db, func(sc store.Scanner) (string, error) {
				var s string
				return s, sc.Scan(&s)
			}, q.sql)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			return got
		}
		upgraded, want := list(old), list(fresh)
		for _, w := range want {
			if !slices.Contains(upgraded, w) {
				t.Errorf("%s: the upgraded cluster lacks %s", q.what, w)
			}
		}
		for _, u := range upgraded {
			if !slices.Contains(want, u) {
				t.Errorf("%s: the upgraded cluster has %s, a new one does not", q.what, u)
			}
		}
	}
	var v string
	if err := old.QueryRowContext(ctx, "SELECT v FROM settings WHERE k = 'written.before'").Scan(&v); err != nil || v != "kept" {
		t.Fatalf("a row written before the upgrade: %q %v", v, err)
	}
	// A reference table's key to a table of the upgrade holds.
	var user int64
	if err := old.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, password_changed_at, created_at, updated_at)
		VALUES ('u', 'x', now(), now(), now()) RETURNING id`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	_, err = old.ExecContext(ctx, "INSERT INTO grants (user_id, role, committee_id, created_at) VALUES ($1, 'x', 999, now())", user)
	if err == nil || !strings.Contains(err.Error(), "grants_committee_id_fkey") {
		t.Fatalf("a grant of a committee that does not exist: %v", err)
	}
	if n, err := old.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrate again: %d %v", n, err)
	}
}
