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
// then lays out every table not yet laid out by its role (Tables).
func (db *DB) Migrate(ctx context.Context) (int, error) {
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
	res, err := p.Up(ctx)
	if err != nil || !db.Citus {
		return len(res), err
	}
	_, err = db.distribute(ctx)
	return len(res), err
}
