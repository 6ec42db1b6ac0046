// Package storetest gives integration tests their databases: a fresh SQLite
// file always, a fresh schema on the PostgreSQL server named by
// DANGJIAN_TEST_POSTGRES when it is set, and a fresh schema on the
// coordinator of the Citus cluster named by DANGJIAN_TEST_CITUS when that is
// set (its tables laid out on the workers by store.Tables).
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
	"sync"
	"testing"
	"time"

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
	if os.Getenv("DANGJIAN_TEST_CITUS") != "" {
		t.Run("citus", func(t *testing.T) { fn(t, Citus(t)) })
	}
}

// citusShards is the shard count of the tests' distributed tables: enough
// that two provinces fall on different shards and both workers hold some,
// few enough that a schema is laid out in a second or two.
const citusShards = 4

// Citus returns an empty migrated database in a schema of its own on the
// coordinator of the test cluster, its tables distributed over the
// workers. It skips the test when no cluster is configured.
//
// Laying a schema out on the cluster takes seconds (41 tables, each with
// its shards on the workers), so a schema is laid out once per test
// process and handed to the next test emptied (every table truncated, ids
// restarted, the audit trail's guard on again); schemas a process left
// behind are dropped by the next one after an hour.
func Citus(t *testing.T) *store.DB {
	t.Helper()
	base, admin := cluster(t)
	defer admin.Close()
	pool.Lock()
	schema := ""
	if n := len(pool.free); n > 0 {
		schema, pool.free = pool.free[n-1], pool.free[:n-1]
	}
	first := !pool.swept
	pool.swept = true
	pool.Unlock()
	if first {
		sweep(t, admin)
	}
	if schema == "" {
		schema = newSchema(t, admin)
	}
	db := open(t, withSearchPath(base, schema))
	t.Cleanup(func() {
		if err := empty(db); err != nil {
			t.Errorf("empty the schema %s: %v", schema, err)
			return
		}
		pool.Lock()
		pool.free = append(pool.free, schema)
		pool.Unlock()
	})
	return db
}

// CitusAt returns a database in a new schema of its own on the test
// cluster migrated up to the migration numbered version and laid out, as a
// deployment of an earlier release was; the schema is dropped after the test.
func CitusAt(t *testing.T, version int64) *store.DB {
	t.Helper()
	db := Unmigrated(t, "citus")
	if _, err := db.MigrateTo(context.Background(), version); err != nil {
		t.Fatalf("migrate to %d: %v", version, err)
	}
	return db
}

// Engines are the names of the database engines, as Each names its subtests.
var Engines = []string{"sqlite", "postgres", "citus"}

// Unmigrated returns a database of engine (one of Engines) that no
// migration has touched: a new SQLite file, or a new schema of the test
// server or cluster, dropped after the test. It skips the test when the
// engine is not configured.
func Unmigrated(t *testing.T, engine string) *store.DB {
	t.Helper()
	var dsn string
	switch engine {
	case "sqlite":
		dsn = filepath.Join(t.TempDir(), "test.db")
	case "postgres":
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
		dsn = withSearchPath(base, schema)
	case "citus":
		base, admin := cluster(t)
		schema := newSchema(t, admin)
		t.Cleanup(func() {
			_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		dsn = withSearchPath(base, schema)
	default:
		t.Fatalf("no engine %q", engine)
	}
	return connect(t, dsn)
}

// cluster is the test cluster's URL and a connection to it as its
// administrator; it skips the test when no cluster is configured.
func cluster(t *testing.T) (string, *sql.DB) {
	t.Helper()
	base := os.Getenv("DANGJIAN_TEST_CITUS")
	if base == "" {
		t.Skip("DANGJIAN_TEST_CITUS is not set")
	}
	store.DistributeShards = citusShards
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	return base, admin
}

// newSchema creates a schema for a test on the cluster, named so that sweep
// drops it an hour after its process ended.
func newSchema(t *testing.T, admin *sql.DB) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	schema := fmt.Sprintf("tpool_%d_%s", time.Now().Unix(), hex.EncodeToString(b))
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	return schema
}

// LaidOut fails the test for every table of store.Tables that the cluster
// does not hold as its role says: reference tables copied to every node (not
// a local table of the coordinator), provincial tables distributed by
// province_id in one colocation group with members, keyed tables by their key.
func LaidOut(t testing.TB, db *store.DB) {
	t.Helper()
	type layout struct {
		method, column, model string
		group                 int64
	}
	got := map[string]layout{}
	rows, err := db.Query(`SELECT c.relname, p.partmethod, COALESCE(column_to_column_name(p.logicalrelid, p.partkey), ''), p.repmodel, p.colocationid
		FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid WHERE c.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var l layout
		if err := rows.Scan(&name, &l.method, &l.column, &l.model, &l.group); err != nil {
			t.Fatal(err)
		}
		got[name] = l
	}
	rows.Close()
	members := got["members"]
	if members.method != "h" || members.column != "province_id" {
		t.Fatalf("members: %+v", members)
	}
	for _, tb := range store.Tables {
		l, ok := got[tb.Name]
		switch {
		case !ok:
			t.Errorf("%s is not laid out on the cluster", tb.Name)
		case tb.Role == store.Reference && (l.method != "n" || l.model != "t"):
			t.Errorf("%s: %+v, want a reference table", tb.Name, l)
		case tb.Role == store.Provincial && (l.method != "h" || l.column != "province_id" || l.group != members.group):
			t.Errorf("%s: %+v, want distributed by province_id with members", tb.Name, l)
		case tb.Role == store.Keyed && (l.method != "h" || l.column != tb.Key || l.group == members.group):
			t.Errorf("%s: %+v, want distributed by %s on its own", tb.Name, l, tb.Key)
		}
	}
}

// pool holds the laid-out schemas of this process that no test uses.
var pool struct {
	sync.Mutex
	free  []string
	swept bool
}

// sweep drops the schemas of test processes that ended over an hour ago.
func sweep(t *testing.T, admin *sql.DB) {
	rows, err := admin.Query("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1"+store.LikeEscape, store.Prefix("tpool_"))
	if err != nil {
		t.Fatal(err)
	}
	var old []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		var made int64
		if _, err := fmt.Sscanf(n, "tpool_%d_", &made); err == nil && time.Since(time.Unix(made, 0)) > time.Hour {
			old = append(old, n)
		}
	}
	rows.Close()
	for _, n := range old {
		_, _ = admin.Exec("DROP SCHEMA " + n + " CASCADE")
	}
}

// empty truncates every table of db's schema but the migrations' record,
// restarting the ids, and switches the audit trail's guard on again.
func empty(db *store.DB) error {
	ctx := context.Background()
	var tables []string
	for _, tb := range store.Tables {
		tables = append(tables, tb.Name)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{
		"TRUNCATE " + strings.Join(tables, ", ") + " RESTART IDENTITY CASCADE",
		"ALTER SEQUENCE audit_ids RESTART",
		"SET citus.enable_unsafe_triggers TO on",
		"ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change",
		"RESET citus.enable_unsafe_triggers",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
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
	return migrated(t, Unmigrated(t, "postgres"))
}

// withSearchPath is the URL base with schema as the search path.
func withSearchPath(base, schema string) string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// open connects to dsn and applies the migrations.
func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	return migrated(t, connect(t, dsn))
}

// connect opens dsn, closed after the test.
func connect(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrated is db with the migrations applied.
func migrated(t testing.TB, db *store.DB) *store.DB {
	t.Helper()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// NoFigureMismatch fails the test for every maintained figure that differs
// from a full recount (with the recounts of sources).
func NoFigureMismatch(t testing.TB, db *store.DB, sources ...stats.Source) {
	t.Helper()
	ms, err := stats.Check(context.Background(), db, sources...)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		t.Errorf("figure mismatch: %+v", m)
	}
}

// NoMismatch fails the test for every maintained figure that differs from a
// full recount (with the recounts of sources), and for every row kept in
// another province than its organisation's.
func NoMismatch(t testing.TB, db *store.DB, sources ...stats.Source) {
	t.Helper()
	NoFigureMismatch(t, db, sources...)
	misplaced, err := store.CheckPlacement(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range misplaced {
		t.Errorf("rows in another province: %+v", m)
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
		schema := u.Query().Get("search_path")
		servers := []string{db.URL}
		if db.Citus {
			// The rows live on the workers, in shards of the same schema.
			rows, err := db.QueryContext(ctx, "SELECT nodename, nodeport FROM pg_dist_node WHERE noderole = 'primary' AND groupid > 0")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var host string
				var port int
				if err := rows.Scan(&host, &port); err != nil {
					t.Fatal(err)
				}
				w := *u
				w.Host = fmt.Sprintf("%s:%d", host, port)
				servers = append(servers, w.String())
			}
			rows.Close()
		}
		for i, server := range servers {
			w, _ := url.Parse(server)
			q := w.Query()
			q.Del("search_path")
			w.RawQuery = q.Encode()
			out, err := exec.Command("pg_dump", "--schema="+schema, w.String()).Output()
			if err != nil {
				t.Fatalf("pg_dump: %v", err)
			}
			outputs[fmt.Sprintf("pg_dump %d", i)] = out
		}
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

// AuditGuardOff switches off the database's guard of the audit trail (its
// triggers refusing an update or a delete), as someone with the owner's
// rights would before editing the trail.
func AuditGuardOff(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	qs := []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"}
	switch {
	case db.Dialect == store.SQLite:
		qs = []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	case db.Citus:
		// Citus changes a distributed table's triggers only when told to.
		qs = append([]string{"SET citus.enable_unsafe_triggers TO on"}, append(qs, "RESET citus.enable_unsafe_triggers")...)
	}
	for _, q := range qs {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// SchemaColumn is a column of the schema; Text tells whether it holds text.
type SchemaColumn struct {
	store.Column
	Text bool
}

// Columns are the columns of every table of db's schema (without goose's).
func Columns(t testing.TB, db *store.DB) []SchemaColumn {
	t.Helper()
	query := `SELECT m.name, p.name, upper(p.type) = 'TEXT' FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT IN ('goose_db_version', 'sqlite_sequence') ORDER BY m.name, p.cid`
	if db.Dialect == store.Postgres {
		query = `SELECT table_name, column_name, data_type IN ('text', 'character varying') FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name <> 'goose_db_version' ORDER BY table_name, ordinal_position`
	}
	cols, err := store.Query(context.Background(), db, func(sc store.Scanner) (SchemaColumn, error) {
		var c SchemaColumn
		return c, sc.Scan(&c.Table, &c.Name, &c.Text)
	}, query)
	if err != nil {
		t.Fatal(err)
	}
	return cols
}
