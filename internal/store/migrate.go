package store

import (
	"context"
	"embed"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every numbered migration of the database's dialect that is
// not applied yet, and returns how many it applied. On a Citus coordinator it
// then lays out every table not yet laid out by its role (Tables); on one
// already laid out, each migration is applied with its layout (upgrade.go).
func (db *DB) Migrate(ctx context.Context) (int, error) {
	return db.MigrateTo(ctx, 0)
}

// MigrateTo is Migrate up to the migration numbered to (0: the last).
func (db *DB) MigrateTo(ctx context.Context, to int64) (int, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if db.Dialect == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return 0, err
	}
	p, err := goose.NewProvider(dialect, db.DB, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return 0, err
	}
	if db.Citus {
		known, err := laidOut(ctx, db.DB)
		if err != nil {
			return 0, err
		}
		if len(known) > 0 {
			// A cluster laid out: each pending migration with its layout (upgrade.go).
			wrapped, versions, err := upgradeSources(ctx, p, sub)
			if err != nil {
				return 0, err
			}
			if len(wrapped) > 0 {
				if p, err = goose.NewProvider(dialect, db.DB, sub, goose.WithDisableGlobalRegistry(true),
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
	_, err = db.distribute(ctx)
	return len(res), err
}
