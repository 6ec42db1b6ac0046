package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/pressly/goose/v3"
)

// A cluster already laid out cannot take a migration as one PostgreSQL server
// does: Citus turns a new table with a foreign key to a reference table into
// a local table of the coordinator by itself (and on Citus 13.2 such a table,
// having an identity column, can then be neither distributed nor turned back),
// refuses a key from a laid-out table to a table it does not know, and holds
// a unique index of a distributed table only with its distribution column.
// So, on a cluster with tables laid out, each pending migration is applied in
// a transaction of its own, statement by statement: the foreign keys it
// declares come off the statements, the tables it creates are laid out by
// their roles at its end, and then the keys Citus can hold (those to a
// reference table, as on a new cluster) go back on; a unique index of a
// provincial table gets province_id first. The migration and its layout
// commit together or not at all.

// upgradeSources are the pending migrations of p, each wrapped to be applied
// to a cluster laid out (citusMigration), or nil when none is pending.
func upgradeSources(ctx context.Context, p *goose.Provider, sub fs.FS) ([]*goose.Migration, []int64, error) {
	status, err := p.Status(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read the migrations applied: %w", err)
	}
	var out []*goose.Migration
	var versions []int64
	for _, st := range status {
		if st.State != goose.StatePending {
			continue
		}
		text, err := fs.ReadFile(sub, st.Source.Path)
		if err != nil {
			return nil, nil, fmt.Errorf("read migration %d: %w", st.Source.Version, err)
		}
		stmts, err := upStatements(string(text))
		if err != nil {
			return nil, nil, fmt.Errorf("migration %d: %w", st.Source.Version, err)
		}
		out = append(out, goose.NewGoMigration(st.Source.Version, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return citusMigration(ctx, tx, stmts)
		}}, nil))
		versions = append(versions, st.Source.Version)
	}
	return out, versions, nil
}

// citusMigration applies a migration's statements to a cluster laid out, in tx.
func citusMigration(ctx context.Context, tx *sql.Tx, stmts []string) error {
	if err := layoutSettings(ctx, tx); err != nil {
		return err
	}
	// The tables of the migration are laid out at its end: what Citus knows
	// stays the same until then.
	known, err := laidOut(ctx, tx)
	if err != nil {
		return err
	}
	var keys []pendingKey
	for _, stmt := range stmts {
		stmt, fks := withoutReferences(stmt)
		keys = append(keys, fks...)
		stmt = uniqueWithProvince(stmt, known)
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w: %s", err, stmt)
		}
	}
	if _, err := layout(ctx, tx); err != nil {
		return err
	}
	role := map[string]Role{}
	for _, t := range Tables {
		role[t.Name] = t.Role
	}
	for _, k := range keys {
		if r, ok := role[k.ref]; !ok || r != Reference {
			continue
		}
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+k.table+" ADD FOREIGN KEY ("+k.col+") REFERENCES "+k.ref+"("+k.refCol+")"); err != nil {
			return fmt.Errorf("foreign key %s.%s: %w", k.table, k.col, err)
		}
	}
	return nil
}

// upStatements splits the Up part of a goose SQL migration into its
// statements as goose does: a statement ends on a line ending in a
// semicolon, or is the block between StatementBegin and StatementEnd.
func upStatements(text string) ([]string, error) {
	var out []string
	var cur strings.Builder
	up, block := false, false
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "-- +goose Up"):
			up = true
			continue
		case strings.HasPrefix(t, "-- +goose Down"):
			up = false
			continue
		case strings.HasPrefix(t, "-- +goose StatementBegin"):
			block = true
			continue
		case strings.HasPrefix(t, "-- +goose StatementEnd"):
			block = false
			out = append(out, cur.String())
			cur.Reset()
			continue
		case strings.HasPrefix(t, "-- +goose"):
			return nil, fmt.Errorf("annotation not supported on a cluster: %s", t)
		}
		if !up || (!block && (t == "" || strings.HasPrefix(t, "--"))) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if !block && strings.HasSuffix(t, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		return nil, fmt.Errorf("a statement does not end with a semicolon: %s", cur.String())
	}
	return out, nil
}

// pendingKey is a foreign key taken off a statement: table.col references ref(refCol).
type pendingKey struct{ table, col, ref, refCol string }

var (
	createTable = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(`)
	alterTable  = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(\w+)\s+`)
	addColumn   = regexp.MustCompile(`(?is)^\s*ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(\w+)`)
	references  = regexp.MustCompile(`(?is)\s+REFERENCES\s+(\w+)\s*\(\s*(\w+)\s*\)(?:\s+ON\s+(?:DELETE|UPDATE)\s+(?:NO\s+ACTION|RESTRICT|CASCADE|SET\s+NULL|SET\s+DEFAULT))*`)
	uniqueIndex = regexp.MustCompile(`(?is)^\s*CREATE\s+UNIQUE\s+INDEX\s+.*?\s+ON\s+(?:ONLY\s+)?(\w+)\s*(?:USING\s+\w+\s*)?\(`)
)

// withoutReferences takes the column foreign keys (col … REFERENCES t(c))
// off a CREATE TABLE or ALTER TABLE … ADD COLUMN statement and returns them.
// A table constraint FOREIGN KEY (…) is not taken: the migrations declare
// their keys on the column, and such a statement fails on the cluster as it
// would without this.
func withoutReferences(original string) (string, []pendingKey) {
	stmt := withoutComments(original)
	var table string
	var at int
	if m := createTable.FindStringSubmatchIndex(stmt); m != nil {
		table, at = stmt[m[2]:m[3]], m[1]
	} else if m := alterTable.FindStringSubmatchIndex(stmt); m != nil {
		table, at = stmt[m[2]:m[3]], m[1]
	} else {
		return original, nil
	}
	items := stmt[at:]
	var keys []pendingKey
	var out strings.Builder
	out.WriteString(stmt[:at])
	for i, item := range splitTop(items) {
		if i > 0 {
			out.WriteByte(',')
		}
		ms := references.FindAllStringSubmatchIndex(item, -1)
		if ms == nil {
			out.WriteString(item)
			continue
		}
		col := strings.Fields(item)[0]
		if m := addColumn.FindStringSubmatch(item); m != nil && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(item)), "ADD") {
			col = m[1]
		}
		last := 0
		for _, m := range ms {
			out.WriteString(item[last:m[0]])
			keys = append(keys, pendingKey{table: table, col: col, ref: item[m[2]:m[3]], refCol: item[m[4]:m[5]]})
			last = m[1]
		}
		out.WriteString(item[last:])
	}
	return out.String(), keys
}

// withoutComments drops the line comments (-- …) of a statement outside
// its string literals.
func withoutComments(stmt string) string {
	var out strings.Builder
	quoted := false
	for i := 0; i < len(stmt); i++ {
		c := stmt[i]
		if c == '\'' {
			quoted = !quoted
		}
		if !quoted && c == '-' && i+1 < len(stmt) && stmt[i+1] == '-' {
			for i < len(stmt) && stmt[i] != '\n' {
				i++
			}
			if i == len(stmt) {
				break
			}
			c = '\n'
		}
		out.WriteByte(c)
	}
	return out.String()
}

// splitTop splits s at its commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// uniqueWithProvince puts province_id first in a unique index of a
// provincial table already distributed, as the layout does on a new cluster.
func uniqueWithProvince(stmt string, known map[string]bool) string {
	m := uniqueIndex.FindStringSubmatch(stmt)
	if m == nil || !known[m[1]] {
		return stmt
	}
	for _, t := range Tables {
		if t.Name == m[1] && t.Role == Provincial {
			def, _ := keyWith(stmt, "province_id")
			return def
		}
	}
	return stmt
}
