package work

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the work migrations from the kinds")

const migrationName = "00003_work.sql"

// schema is the DDL the kinds need, with the placeholders of the
// migrations (internal/store/migrate.go) where the engines differ.
func schema() string {
	const id, ref, ts, blob, text = "{{id}}", "{{int}}", "{{time}}", "{{bytes}}", "TEXT"
	var b strings.Builder
	b.WriteString("-- +goose Up\n-- Generated from internal/work/kinds.go by `go test ./internal/work -run TestMigrations -update`.\n\n")
	b.WriteString("-- Uploaded files, kept in the database so that backups include them.\n")
	b.WriteString("CREATE TABLE attachments (\n    id " + id + ",\n    org_id " + ref + " NOT NULL REFERENCES orgs(id),\n    name " + text +
		" NOT NULL,\n    content_type " + text + " NOT NULL,\n    size " + ref + " NOT NULL,\n    sha256 " + text + " NOT NULL,\n    data " + blob +
		" NOT NULL,\n    created_by " + ref + " REFERENCES users(id),\n    created_at " + ts + " NOT NULL\n);\nCREATE INDEX attachments_org ON attachments(org_id);\n")
	for _, k := range Kinds {
		b.WriteString("\n-- " + k.Label + "\nCREATE TABLE " + k.Name + " (\n    id " + id + ",\n    org_id " + ref + " NOT NULL REFERENCES orgs(id),\n")
		if k.Parent != "" {
			b.WriteString("    parent_id " + ref + " NOT NULL REFERENCES " + k.Parent + "(id),\n")
		}
		for _, f := range k.Fields {
			if f.Added != "" {
				continue
			}
			b.WriteString("    " + f.Col + " " + columnType(f) + ",\n")
		}
		b.WriteString("    created_by " + ref + " REFERENCES users(id),\n    created_at " + ts + " NOT NULL,\n    updated_at " + ts + " NOT NULL\n);\n")
		b.WriteString("CREATE INDEX " + k.Name + "_org ON " + k.Name + "(org_id")
		if k.Dated != "" {
			b.WriteString(", " + k.Dated)
		}
		b.WriteString(");\n")
		if k.Parent != "" {
			b.WriteString("CREATE INDEX " + k.Name + "_parent ON " + k.Name + "(parent_id);\n")
		}
		for _, f := range k.Fields {
			if f.Type == Member || f.Type == Ref {
				b.WriteString("CREATE INDEX " + k.Name + "_" + f.Col + " ON " + k.Name + "(" + f.Col + ");\n")
			}
		}
	}
	b.WriteString("\n-- +goose Down\n")
	for i := len(Kinds) - 1; i >= 0; i-- {
		b.WriteString("DROP TABLE " + Kinds[i].Name + ";\n")
	}
	b.WriteString("DROP TABLE attachments;\n")
	return b.String()
}

// columnType is a field's column.
func columnType(f Field) string {
	const ref, text = "{{int}}", "TEXT"
	var typ string
	switch f.Type {
	case Text, Note, Enum:
		typ = text + " NOT NULL DEFAULT ''"
	case Date:
		typ = "DATE"
	case Fen, Int:
		typ = ref + " NOT NULL DEFAULT 0"
		if f.Col == "balance_fen" {
			typ += " CHECK (balance_fen >= 0)"
		}
	case Member:
		typ = ref + " REFERENCES members(id)"
	case Org:
		typ = ref + " REFERENCES orgs(id)"
	case Ref:
		typ = ref + " REFERENCES " + f.Ref + "(id)"
	case File:
		typ = ref + " REFERENCES attachments(id)"
	}
	return typ
}

// delta is the migration that adds the columns of fields Added by name.
func delta(name string) string {
	var up, down strings.Builder
	up.WriteString("-- +goose Up\n-- Generated from internal/work/kinds.go by `go test ./internal/work -run TestMigrations -update`.\n")
	down.WriteString("\n-- +goose Down\n")
	for _, k := range Kinds {
		for _, f := range k.Fields {
			if f.Added == name {
				up.WriteString("ALTER TABLE " + k.Name + " ADD COLUMN " + f.Col + " " + columnType(f) + ";\n")
				down.WriteString("ALTER TABLE " + k.Name + " DROP COLUMN " + f.Col + ";\n")
			}
		}
	}
	return up.String() + down.String()
}

// TestMigrations holds the checked-in migrations to the kinds' fields, so
// that a field added to a kind without its column fails here.
func TestMigrations(t *testing.T) {
	file := "../store/migrations/" + migrationName
	check(t, file, schema())
	added := map[string]bool{}
	for _, k := range Kinds {
		for _, f := range k.Fields {
			if f.Added != "" {
				added[f.Added] = true
			}
		}
	}
	for name := range added {
		files, _ := filepath.Glob("../store/migrations/*_" + name + ".sql")
		if len(files) != 1 {
			t.Errorf("no single migration *_%s.sql for the fields added by it (found %v)", name, files)
			continue
		}
		check(t, files[0], delta(name))
	}
}

// check fails the test when file does not hold want (with -update, writes it).
func check(t *testing.T, file, want string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := os.ReadFile(file); err != nil || string(got) != want {
		t.Errorf("%s differs from the kinds (%v); run go test ./internal/work -run TestMigrations -update", file, err)
	}
}
