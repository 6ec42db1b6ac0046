package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Dialect names the database engine behind a DB.
type Dialect string

// The two engines dangjian runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database with its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect
	// Path is the SQLite file (empty for PostgreSQL).
	Path string
	// URL is the PostgreSQL connection string (empty for SQLite).
	URL string
	// Citus tells that the PostgreSQL server is the coordinator of a Citus
	// cluster (the extension is installed in the database).
	Citus bool
	// Signer keys the audit chain (nil: plain SHA-256, as in tests of other things).
	Signer Signer
}

// Signer makes and checks the keyed hashes of the audit chain with a key
// kept apart from the database (secret.Box).
type Signer interface {
	// MAC is the keyed hash of data, naming the key it was made with.
	MAC(data []byte) string
	// CheckMAC tells whether mac is MAC's answer for data under one of the keys.
	CheckMAC(data []byte, mac string) bool
}

// Querier is what both *sql.DB and *sql.Tx offer; read functions take it so
// that they run inside or outside a transaction alike.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// IsPostgres tells whether dsn selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL selects PostgreSQL, anything else is
// an SQLite file path (its folder is created). It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		conn := dsn
		if !strings.Contains(dsn, poolSize) {
			// On a Citus cluster: one connection a worker for each multi-shard
			// read, since the server's requests are its concurrency and a
			// connection opened for each of a read's shards costs more than the
			// shard's work (docs/DEPLOY.md). One PostgreSQL keeps it as an
			// unused setting of an extension it does not have.
			sep := "?"
			if strings.Contains(dsn, "?") {
				sep = "&"
			}
			conn = dsn + sep + poolSize + "=1"
		}
		sdb, err := sql.Open("pgx", conn)
		if err != nil {
			return nil, err
		}
		sdb.SetMaxOpenConns(32)
		sdb.SetMaxIdleConns(32)
		if err := sdb.PingContext(ctx); err != nil {
			sdb.Close()
			return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		citus, err := detectCitus(ctx, sdb)
		if err != nil {
			sdb.Close()
			return nil, err
		}
		return &DB{DB: sdb, Dialect: Postgres, URL: dsn, Citus: citus}, nil
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" {
		return nil, errors.New("empty database path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// WAL lets readers go on while one writer commits; immediate transactions
	// take the write lock at BEGIN so two writers queue instead of deadlocking.
	q := "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(" + itoa(busyTimeoutMS) + ")" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
	// In a file: URI, "?" and "#" would end the path: a name holding them is escaped.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	sdb, err := sql.Open("sqlite", "file:"+escaped+q)
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open SQLite file %s: %w", path, err)
	}
	return &DB{DB: sdb, Dialect: SQLite, Path: path}, nil
}

// poolSize is the Citus setting of how many connections a multi-shard
// statement may open to each worker; a URL that names it keeps its own.
const poolSize = "citus.max_adaptive_executor_pool_size"

// busyTimeoutMS is how long a SQLite write waits for another writer (a
// variable for the tests; read when a database is opened).
var busyTimeoutMS = 10000

// Tx runs fn in one transaction, committing when it returns nil and rolling
// back otherwise (also on panic).
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin a transaction: %w", err)
	}
	return db.run(ctx, tx, fn)
}

// run runs fn in the transaction tx just begun, committing when it returns
// nil and rolling back otherwise (also on panic).
func (db *DB) run(ctx context.Context, tx *sql.Tx, fn func(tx *sql.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if db.Citus {
		// One connection per worker for the whole transaction, so that a
		// reference table (the tree) may be written after a read of many
		// shards (the figures of a root).
		if _, err = tx.ExecContext(ctx, "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"); err != nil {
			return err
		}
	}
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of a SQLite database to file while the
// database keeps serving (VACUUM INTO reads one snapshot).
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.Dialect != SQLite {
		return errors.New("backup of PostgreSQL is done with pg_dump")
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s already exists", file)
	}
	_, err := db.ExecContext(ctx, "VACUUM INTO $1", file)
	return err
}

// TempKey returns a unique placeholder for a UNIQUE column whose final value
// depends on the id the insert assigns (an organisation's path, a letter number).
func TempKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "~" + hex.EncodeToString(b)
}

// Serialize makes transactions that call it with the same key run their
// following statements one at a time. SQLite transactions already hold the
// single write lock from BEGIN; PostgreSQL takes a transaction-level
// advisory lock.
func (db *DB) Serialize(ctx context.Context, tx *sql.Tx, key int64) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", key)
	return err
}

// Now is the time of clock in UTC, or the system's when clock is nil: the
// services keep a clock field so that tests can fix the time.
func Now(clock func() time.Time) time.Time {
	if clock != nil {
		return clock().UTC()
	}
	return time.Now().UTC()
}

// Values writes the parameter lists of a multi-row statement, rows lists of
// cols parameters each: "(?,?),(?,?)" or "($1,$2),($3,$4)".
func (db *DB) Values(sb *strings.Builder, rows, cols int) {
	for r := 0; r < rows; r++ {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				sb.WriteByte(',')
			}
			if db.Dialect == SQLite {
				// SQLite looks numbered parameters up by name, which costs
				// the square of their number in a long statement.
				sb.WriteByte('?')
			} else {
				sb.WriteByte('$')
				sb.WriteString(strconv.Itoa(r*cols + c + 1))
			}
		}
		sb.WriteByte(')')
	}
}

type stmtsKey struct{}

// stmts are the statements a long transaction runs again and again.
type stmts struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

// KeepStatements returns a context in which BulkExec and BulkQuery prepare each
// statement once for tx (a bulk write runs the same long statements
// hundreds of times; SQLite would parse them at every run).
func KeepStatements(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, stmtsKey{}, &stmts{tx: tx, m: map[string]*sql.Stmt{}})
}

// stmt is query prepared for tx if ctx keeps statements for tx.
func stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	c, _ := ctx.Value(stmtsKey{}).(*stmts)
	if c == nil || c.tx != tx {
		return nil, nil
	}
	if s, ok := c.m[query]; ok {
		return s, nil
	}
	s, err := tx.PrepareContext(ctx, query)
	if err == nil {
		c.m[query] = s
	}
	return s, err
}

// BulkExec runs a statement in tx, prepared once if ctx keeps statements.
func BulkExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	s, err := stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	if s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// BulkQuery runs a query in tx, prepared once if ctx keeps statements.
func BulkQuery(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	s, err := stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	if s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}
