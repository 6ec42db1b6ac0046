package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dangjian/internal/store"
)

// schemaQueries list the schema of each engine (without goose's record),
// one line an item: each table's columns with their types, nullability,
// defaults and keys, the indexes, the foreign keys, the triggers and the
// sequences.
var schemaQueries = map[store.Dialect][]string{
	store.SQLite: {
		`SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || COALESCE(p.dflt_value, '') || ' ' || p.pk
			FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT IN ('goose_db_version', 'sqlite_sequence')`,
		`SELECT 'table ' || m.name || CASE WHEN m.sql LIKE '%WITHOUT ROWID' THEN ' without rowid' ELSE '' END
			FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT IN ('goose_db_version', 'sqlite_sequence')`,
		`SELECT 'index ' || m.name || ' ' || l.name || ' ' || l."unique" || ' ' || l.origin || ' ' || l.partial || ' ' || i.seqno || ' ' || COALESCE(i.name, '(expression)')
			FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i WHERE m.type = 'table' AND m.name <> 'goose_db_version'`,
		`SELECT m.type || ' ' || m.name || ' ' || m.sql FROM sqlite_master m WHERE m.type IN ('index', 'trigger', 'view') AND m.sql IS NOT NULL`,
		`SELECT 'foreign key ' || m.name || '.' || f."from" || ' ' || f."table" || '(' || COALESCE(f."to", '') || ') ' || f.on_update || ' ' || f.on_delete
			FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`,
	},
	store.Postgres: {
		`SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || COALESCE(collation_name, '') || ' ' || is_nullable || ' ' || is_identity || ' ' || COALESCE(column_default, '')
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`,
		`SELECT 'index ' || tablename || ' ' || replace(indexdef, current_schema() || '.', '') FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'`,
		`SELECT 'constraint ' || c.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relname <> 'goose_db_version'`,
		`SELECT 'trigger ' || c.relname || ' ' || replace(pg_get_triggerdef(tg.oid), current_schema() || '.', '') FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
			WHERE NOT tg.tgisinternal AND c.relnamespace = current_schema()::regnamespace`,
		`SELECT 'sequence ' || sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema() AND sequence_name NOT LIKE 'goose%'`,
		`SELECT 'storage ' || relname || ' ' || array_to_string(reloptions, ',') FROM pg_class
			WHERE relnamespace = current_schema()::regnamespace AND reloptions IS NOT NULL`,
	},
}

// Schema is db's schema, one sorted line an item (schemaQueries), with the
// white space of a definition folded: two databases with the same lines have
// the same tables, columns, types, defaults, keys, indexes and triggers.
func Schema(t testing.TB, db *store.DB) []string {
	t.Helper()
	var out []string
	for _, q := range schemaQueries[db.Dialect] {
		lines, err := store.Query(context.Background(), db, func(sc store.Scanner) (string, error) {
			var s string
			err := sc.Scan(&s)
			return strings.Join(strings.Fields(s), " "), err
		}, q)
		if err != nil {
			t.Fatalf("%v: %s", err, q)
		}
		out = append(out, lines...)
	}
	slices.Sort(out)
	return out
}

// SameSchema fails the test for every line of Schema that one database has
// and the other lacks; what names how got was made (an upgrade).
func SameSchema(t testing.TB, got, want *store.DB, what string) {
	t.Helper()
	g, w := Schema(t, got), Schema(t, want)
	for _, l := range w {
		if !slices.Contains(g, l) {
			t.Errorf("the %s database lacks %s", what, l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			t.Errorf("the %s database has %s, a new one does not", what, l)
		}
	}
}
