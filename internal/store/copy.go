package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

type connKey struct{}

// BulkTx runs fn in one transaction on a connection of its own, with a
// context in which Copy writes with COPY inside that transaction and
// BulkExec and BulkQuery prepare each statement once (an import).
func (db *DB) BulkTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("take a connection for a bulk write: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin a bulk write: %w", err)
	}
	return db.run(ctx, tx, func(tx *sql.Tx) error {
		return fn(KeepStatements(context.WithValue(ctx, connKey{}, conn), tx), tx)
	})
}

// CanCopy tells whether ctx comes from BulkTx (Copy writes with COPY).
func CanCopy(ctx context.Context) bool {
	conn, _ := ctx.Value(connKey{}).(*sql.Conn)
	return conn != nil
}

// Copy writes rows with COPY when ctx comes from BulkTx on PostgreSQL, and
// tells whether it did (the caller inserts them otherwise).
func Copy(ctx context.Context, table string, cols []string, rows [][]any) (bool, error) {
	conn, _ := ctx.Value(connKey{}).(*sql.Conn)
	if conn == nil {
		return false, nil
	}
	return true, CopyFrom(ctx, conn, table, cols, rows)
}

// CopyFrom writes rows into table's columns cols with PostgreSQL's COPY
// protocol on conn (inside the transaction conn has open, if any): for bulk
// writes, several times faster than multi-row INSERTs, and on a Citus
// cluster streamed by the coordinator to the shards of the rows. Values
// given for an identity column are kept.
func CopyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("COPY needs a PostgreSQL connection")
		}
		if _, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows)); err != nil {
			// The table goes unnamed: a caller tells a refused ID number by
			// the names in the message (member's idConflict).
			return fmt.Errorf("copy %d rows: %w", len(rows), err)
		}
		return nil
	})
}
