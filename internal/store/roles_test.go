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
		type layout struct {
			method, column string
			group          int64
		}
		got := map[string]layout{}
		rows, err := db.QueryContext(ctx, `SELECT c.relname, p.partmethod, COALESCE(column_to_column_name(p.logicalrelid, p.partkey), ''), p.colocationid
			FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid WHERE c.relnamespace = current_schema()::regnamespace`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			var l layout
			if err := rows.Scan(&name, &l.method, &l.column, &l.group); err != nil {
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
			case tb.Role == store.Reference && l.method != "n":
				t.Errorf("%s: %+v, want a reference table", tb.Name, l)
			case tb.Role == store.Provincial && (l.method != "h" || l.column != "province_id" || l.group != members.group):
				t.Errorf("%s: %+v, want distributed by province_id with members", tb.Name, l)
			case tb.Role == store.Keyed && (l.method != "h" || l.column != tb.Key || l.group == members.group):
				t.Errorf("%s: %+v, want distributed by %s on its own", tb.Name, l, tb.Key)
			}
		}
		// A second migration lays out nothing more and changes nothing.
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("migrate again: %d %v", n, err)
		}
	})
}
