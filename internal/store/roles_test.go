package store_test

import (
	"context"
	"slices"
	"testing"

	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// Every table of the schema has a role on a Citus cluster, and on a
// cluster each is laid out by it: reference tables copied to every node,
// provincial tables distributed by province_id in one colocation group
// (with members), keyed tables by their key.
func TestEveryTableHasARole(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	tables, err := store.Query(ctx, db, func(sc store.Scanner) (string, error) {
		var n string
		return n, sc.Scan(&n)
	}, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('goose_db_version', 'sqlite_sequence') ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, tb := range store.Tables {
		declared = append(declared, tb.Name)
	}
	slices.Sort(declared)
	if !slices.Equal(tables, declared) {
		t.Fatalf("tables of the schema %v, with a role %v", tables, declared)
	}
	t.Run("citus", func(t *testing.T) {
		db := storetest.Citus(t)
		storetest.LaidOut(t, db)
		// A second migration lays out nothing more and changes nothing.
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("migrate again: %d %v", n, err)
		}
	})
}

// On a cluster each connection lets a multi-shard read open one connection a
// worker (the server's requests are its concurrency); a URL naming the
// setting keeps its own value.
func TestCitusPoolOfAMultiShardRead(t *testing.T) {
	ctx := context.Background()
	db := storetest.Citus(t)
	var v string
	if err := db.QueryRowContext(ctx, "SHOW citus.max_adaptive_executor_pool_size").Scan(&v); err != nil || v != "1" {
		t.Fatalf("pool size %q %v, want 1", v, err)
	}
	own, err := store.Open(ctx, db.URL+"&citus.max_adaptive_executor_pool_size=4")
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	if err := own.QueryRowContext(ctx, "SHOW citus.max_adaptive_executor_pool_size").Scan(&v); err != nil || v != "4" {
		t.Fatalf("pool size named in the URL: %q %v, want 4", v, err)
	}
}
