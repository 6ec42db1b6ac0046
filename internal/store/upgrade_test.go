package store_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

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
	storetest.SameSchema(t, old, storetest.Citus(t), "upgraded")
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

// dialectSets are the two sets of migrations (sqlite/, postgres/) of the
// last release with a set for each dialect, frozen as it shipped them:
//
//	git archive --format=zip -o internal/store/testdata/dialect-sets.zip c62a2c4:internal/store/migrations
const dialectSets = "testdata/dialect-sets.zip"

// next is a migration after the last of the one set, in this test's set only.
const next = `-- +goose Up
ALTER TABLE settings ADD COLUMN next_n {{int}} NOT NULL DEFAULT 0;
CREATE INDEX settings_next ON settings(next_n);

-- +goose Down
DROP INDEX settings_next;
ALTER TABLE settings DROP COLUMN next_n;
`

// A database of every engine migrated by the release of dialectSets (its
// own dialect's set, SQLite's numbered apart) and holding rows is upgraded
// by the one set: no migration of that release runs again, the versions
// recorded are those of the one set on both engines (SQLite's 00005 to
// 00026 renumbered to 00007 to 00028; SQLite has no 00005 or 00006), the
// migrations after the release (the one set's from 00029, and next after
// them) take the same numbers on both, the schema is the one a new database
// gets (tables, columns, types, indexes, keys, triggers), and the rows are
// kept.
func TestUpgradeFromADialectsOwnSet(t *testing.T) {
	ctx := context.Background()
	sets, err := zip.OpenReader(dialectSets)
	if err != nil {
		t.Fatal(err)
	}
	defer sets.Close()
	names, err := fs.Glob(store.Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	// The release's sets end at 00028; next follows the one set's last.
	last, err := strconv.ParseInt(names[len(names)-1][:5], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	const releaseLast = 28
	newer := int(last-releaseLast) + 1
	src := fstest.MapFS{fmt.Sprintf("%05d_next.sql", last+1): {Data: []byte(next)}}
	for _, name := range names {
		data, err := fs.ReadFile(store.Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		src[name] = &fstest.MapFile{Data: data}
	}
	// The versions of the one set each engine records, up to next's.
	want := map[store.Dialect][]int64{}
	for v := int64(0); v <= last+1; v++ {
		want[store.Postgres] = append(want[store.Postgres], v)
		if v != 5 && v != 6 {
			want[store.SQLite] = append(want[store.SQLite], v)
		}
	}
	versions := func(t *testing.T, db *store.DB) []int64 {
		got, err := store.Query(ctx, db, func(sc store.Scanner) (int64, error) {
			var v int64
			return v, sc.Scan(&v)
		}, "SELECT version_id FROM goose_db_version WHERE is_applied ORDER BY version_id")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	upgrade := func(t *testing.T, engine string, at int64, pending int) {
		old := storetest.Unmigrated(t, engine)
		files, err := fs.Sub(sets, string(old.Dialect))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := old.MigrateFiles(ctx, files, at); err != nil {
			t.Fatalf("migrate with the release's set: %v", err)
		}
		for _, q := range []string{
			"INSERT INTO settings (k, v) VALUES ('written.before', 'kept')",
			`INSERT INTO orgs (path, depth, name, type, created_at, updated_at)
				VALUES ('/1/', 0, '中共某某委员会', 'committee', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		} {
			if _, err := old.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		n, err := old.MigrateSource(ctx, src)
		if err != nil {
			t.Fatalf("upgrade: %v", err)
		}
		if n != pending {
			t.Errorf("the upgrade applied %d migrations, want %d", n, pending)
		}
		if got := versions(t, old); !slices.Equal(got, want[old.Dialect]) {
			t.Errorf("versions recorded %v, want %v", got, want[old.Dialect])
		}
		fresh := storetest.Unmigrated(t, engine)
		if _, err := fresh.MigrateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		if got := versions(t, fresh); !slices.Equal(got, want[old.Dialect]) {
			t.Errorf("versions recorded by a new database %v, want %v", got, want[old.Dialect])
		}
		storetest.SameSchema(t, old, fresh, "upgraded")
		if old.Citus {
			storetest.LaidOut(t, old)
		}
		var v, name string
		if err := old.QueryRowContext(ctx, "SELECT v FROM settings WHERE k = 'written.before'").Scan(&v); err != nil || v != "kept" {
			t.Errorf("a setting written before the upgrade: %q %v", v, err)
		}
		if err := old.QueryRowContext(ctx, "SELECT name FROM orgs WHERE id = 1").Scan(&name); err != nil || name != "中共某某委员会" {
			t.Errorf("an organisation written before the upgrade: %q %v", name, err)
		}
		// Ids go on after the rows kept.
		var id int64
		if err := old.QueryRowContext(ctx, `INSERT INTO orgs (parent_id, path, depth, name, type, created_at, updated_at)
			VALUES (1, '/1/2/', 1, '某省委', 'committee', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id`).Scan(&id); err != nil || id != 2 {
			t.Errorf("an organisation written after the upgrade: id %d %v", id, err)
		}
		if n, err := old.MigrateSource(ctx, src); err != nil || n != 0 {
			t.Errorf("migrate again: %d %v", n, err)
		}
		if got := versions(t, old); !slices.Equal(got, want[old.Dialect]) {
			t.Errorf("versions recorded after migrating again %v, want %v", got, want[old.Dialect])
		}
	}
	for _, engine := range storetest.Engines {
		t.Run(engine+" at the release's last", func(t *testing.T) { upgrade(t, engine, 0, newer) })
	}
	// SQLite part way through its own set: before the renumbered migrations
	// (at its 00004 nothing is renumbered and 00007 on are pending), and at
	// its 00014 (the consultative work, 00016 of the one set).
	t.Run("sqlite at its 00004", func(t *testing.T) { upgrade(t, "sqlite", 4, 22+newer) })
	t.Run("sqlite at its 00014", func(t *testing.T) { upgrade(t, "sqlite", 14, 12+newer) })
}
