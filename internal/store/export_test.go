package store

import (
	"context"
	"io/fs"
)

// MigrateFiles applies goose's SQL files of db's dialect in files as they
// are, up to the migration numbered to (0: the last), as a release with a
// set of migrations for each dialect did.
func (db *DB) MigrateFiles(ctx context.Context, files fs.FS, to int64) (int, error) {
	return db.migrateFiles(ctx, files, to)
}

// MigrateSource is Migrate with the set of migrations in src.
func (db *DB) MigrateSource(ctx context.Context, src fs.FS) (int, error) {
	return db.migrateSource(ctx, src, 0)
}

// Migrations is the set of migrations Migrate applies.
var Migrations = shipped
