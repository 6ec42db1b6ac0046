// Package storetest gives integration tests their databases: a fresh SQLite
// file always, and a fresh schema on the PostgreSQL server named by
// DANGJIAN_TEST_POSTGRES when it is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dangjian/internal/apperr"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Each runs fn as a subtest once per database engine, each time on an empty,
// migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv("DANGJIAN_TEST_POSTGRES") != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite returns a migrated database in a new temporary file.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "test.db"))
}

// Postgres returns a migrated database in a new schema of the test server,
// dropped when the test ends. It skips the test when no server is configured.
func Postgres(t *testing.T) *store.DB {
	t.Helper()
	base := os.Getenv("DANGJIAN_TEST_POSTGRES")
	if base == "" {
		t.Skip("DANGJIAN_TEST_POSTGRES is not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return open(t, base+sep+"search_path="+schema)
}

// open connects to dsn and applies the migrations.
func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// NoMismatch fails the test for every maintained figure that differs from a
// full recount (with the recounts of sources).
func NoMismatch(t testing.TB, db *store.DB, sources ...stats.Source) {
	t.Helper()
	ms, err := stats.Check(context.Background(), db, sources...)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		t.Errorf("figure mismatch: %+v", m)
	}
}

// WantErr fails the test unless err is a user error whose message contains
// want and, when field is given, that names the field.
func WantErr(t testing.TB, err error, field, want string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok {
		t.Fatalf("got %v, want a user error containing %q", err, want)
	}
	if !strings.Contains(ae.Message, want) {
		t.Fatalf("message %q does not contain %q", ae.Message, want)
	}
	if field == "" {
		return
	}
	for _, fe := range ae.Fields {
		if fe.Field == field && strings.Contains(fe.Message, want) {
			return
		}
	}
	t.Fatalf("no message on field %s containing %q in %+v", field, want, ae.Fields)
}

// digitRun is a run of characters an ID number or a phone is written with.
var digitRun = regexp.MustCompile(`[0-9X]{11,}`)

// NoClearIdentifiers fails the test when any of the ID numbers and phones
// in secrets is written in the clear in the database's stored bytes (the
// SQLite file and its WAL, or a dump of the PostgreSQL schema), in a backup
// (SQLite) or in any of the extra outputs (a server's log).
func NoClearIdentifiers(t testing.TB, db *store.DB, secrets []string, extra ...[]byte) {
	t.Helper()
	ctx := context.Background()
	outputs := map[string][]byte{}
	switch db.Dialect {
	case store.SQLite:
		backup := filepath.Join(t.TempDir(), "backup.db")
		if err := db.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(db.Path + "*")
		for _, f := range append(files, backup) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			outputs[filepath.Base(f)] = b
		}
	case store.Postgres:
		u, _ := url.Parse(db.URL)
		out, err := exec.Command("pg_dump", "--schema="+u.Query().Get("search_path"), os.Getenv("DANGJIAN_TEST_POSTGRES")).Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		outputs["pg_dump"] = out
	}
	for i, b := range extra {
		outputs[fmt.Sprintf("output %d", i+1)] = b
	}
	set := map[string]bool{}
	for _, s := range secrets {
		if len(s) >= 11 {
			set[s] = true
		}
	}
	if len(set) == 0 {
		t.Fatal("no identifiers to look for")
	}
	for name, b := range outputs {
		for _, run := range digitRun.FindAll(b, -1) {
			for _, n := range []int{11, 18} {
				for i := 0; i+n <= len(run); i++ {
					if set[string(run[i:i+n])] {
						t.Errorf("%s holds %s in the clear", name, run[i:i+n])
					}
				}
			}
		}
	}
}
