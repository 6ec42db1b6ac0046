package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A file name holding "#" or "?" is opened where it is, not cut short there.
func TestOpenKeepsTheWholePath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "街道#1?备份%.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at %s: %v", path, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() == "街道" {
			t.Fatal("the database was opened at the path cut at #")
		}
	}
}
