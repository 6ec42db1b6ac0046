package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"testing/fstest"
	"text/template"

	"github.com/pressly/goose/v3"
)

// migrations are the one set of migrations (see the package comment).
//
//go:embed migrations/*.sql
var migrations embed.FS

// placeholders are the template functions of each dialect (see the package comment).
var placeholders = map[Dialect]template.FuncMap{
	SQLite: {
		"sqlite": func() bool { return true }, "postgres": func() bool { return false },
		"id": lit("INTEGER PRIMARY KEY AUTOINCREMENT"), "int": lit("INTEGER"), "time": lit("TIMESTAMP"),
		"bytes": lit("BLOB"), "flag": lit("INTEGER NOT NULL DEFAULT 0"), "ctext": lit("TEXT"),
	},
	Postgres: {
		"sqlite": func() bool { return false }, "postgres": func() bool { return true },
		"id": lit("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"), "int": lit("BIGINT"), "time": lit("TIMESTAMPTZ"),
		"bytes": lit("BYTEA"), "flag": lit("BOOLEAN NOT NULL DEFAULT FALSE"), "ctext": lit(`TEXT COLLATE "C"`),
	},
}

// lit is a placeholder that stands for s.
func lit(s string) func() string { return func() string { return s } }

// render is the set of migrations in src (the files NNNNN_name.sql at its
// root) as goose reads them for dialect d: each file rendered, those that
// render to nothing left out.
func render(src fs.FS, d Dialect) (fs.FS, error) {
	names, err := fs.Glob(src, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list the migrations: %w", err)
	}
	out := fstest.MapFS{}
	for _, name := range names {
		text, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		tmpl, err := template.New(name).Funcs(placeholders[d]).Parse(string(text))
		if err != nil {
			return nil, fmt.Errorf("parse migration %s: %w", name, err)
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, nil); err != nil {
			return nil, fmt.Errorf("render migration %s: %w", name, err)
		}
		if strings.TrimSpace(b.String()) != "" {
			out[name] = &fstest.MapFile{Data: b.Bytes(), Mode: 0o444}
		}
	}
	return out, nil
}

// Migrate applies every numbered migration not applied yet, and returns how
// many it applied. On a Citus coordinator it then lays out every table not
// yet laid out by its role (Tables); on one already laid out, each migration
// is applied with its layout (upgrade.go).
func (db *DB) Migrate(ctx context.Context) (int, error) {
	return db.MigrateTo(ctx, 0)
}

// MigrateTo is Migrate up to the migration numbered to (0: the last).
func (db *DB) MigrateTo(ctx context.Context, to int64) (int, error) {
	return db.migrateSource(ctx, shipped(), to)
}

// shipped is the set of migrations embedded in the binary.
func shipped() fs.FS {
	src, _ := fs.Sub(migrations, "migrations") // a valid name, never an error
	return src
}

// migrateSource is MigrateTo with the set of migrations in src.
func (db *DB) migrateSource(ctx context.Context, src fs.FS, to int64) (int, error) {
	if db.Dialect == SQLite {
		if err := db.renumberSQLite(ctx); err != nil {
			return 0, err
		}
	}
	files, err := render(src, db.Dialect)
	if err != nil {
		return 0, err
	}
	return db.migrateFiles(ctx, files, to)
}

// The versions SQLite's set of its own gave 00007 to 00028 (sqliteShifted
// and after): two less.
const sqliteShifted, sqliteShift = 5, 2

// renumberSQLite renumbers the migrations that a SQLite database recorded
// with SQLite's set of its own (package comment), and does nothing the second
// time: a recorded 00005 can only be of that set, since 00005 is no
// migration of SQLite's now.
func (db *DB) renumberSQLite(ctx context.Context) error {
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var tables, old int
		err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'").Scan(&tables)
		if err != nil || tables == 0 {
			return err
		}
		err = tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version WHERE version_id = ?", sqliteShifted).Scan(&old)
		if err != nil || old == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE goose_db_version SET version_id = version_id + ? WHERE version_id >= ?", sqliteShift, sqliteShifted)
		return err
	})
	if err != nil {
		return fmt.Errorf("renumber the migrations SQLite's own set recorded: %w", err)
	}
	return nil
}

// migrateFiles applies the migrations files (goose's SQL files of db's
// dialect) up to to (0: the last).
func (db *DB) migrateFiles(ctx context.Context, files fs.FS, to int64) (int, error) {
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.DB, files, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return 0, fmt.Errorf("read the migrations: %w", err)
	}
	if db.Citus {
		known, err := laidOut(ctx, db.DB)
		if err != nil {
			return 0, err
		}
		if len(known) > 0 {
			// A cluster laid out: each pending migration with its layout (upgrade.go).
			wrapped, versions, err := upgradeSources(ctx, p, files)
			if err != nil {
				return 0, err
			}
			if len(wrapped) > 0 {
				if p, err = goose.NewProvider(dialect, db.DB, files, goose.WithDisableGlobalRegistry(true),
					goose.WithExcludeVersions(versions), goose.WithGoMigrations(wrapped...)); err != nil {
					return 0, err
				}
			}
		}
	}
	var res []*goose.MigrationResult
	if to > 0 {
		res, err = p.UpTo(ctx, to)
	} else {
		res, err = p.Up(ctx)
	}
	if err != nil || !db.Citus {
		return len(res), err
	}
	if _, err = db.distribute(ctx); err != nil {
		return len(res), fmt.Errorf("lay the tables out on the cluster: %w", err)
	}
	return len(res), nil
}
