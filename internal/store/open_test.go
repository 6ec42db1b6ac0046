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

// A union keeps the outermost subtrees, has their deepest common ancestor
// as its root (outside it), and its condition keeps exactly its parts.
func TestUnion(t *testing.T) {
	u := Union(ScopeOf("/1/2/4/6/"), ScopeOf("/1/2/4/7/"), ScopeOf("/1/2/4/6/9/"))
	if u.Path != "/1/2/4/" || len(u.Parts()) != 2 || u.IsAll() {
		t.Fatalf("union: %+v", u)
	}
	for path, want := range map[string]bool{"/1/2/4/6/": true, "/1/2/4/7/11/": true, "/1/2/4/": false, "/1/2/4/8/": false, "/1/2/4/60/": false} {
		if u.Contains(path) != want {
			t.Errorf("contains %s: %v", path, !want)
		}
	}
	if got := u.Exact("o.path"); got != " AND (o.path >= '/1/2/4/6/' AND o.path < '/1/2/4/60' OR o.path >= '/1/2/4/7/' AND o.path < '/1/2/4/70')" {
		t.Errorf("exact: %s", got)
	}
	if one := Union(ScopeOf("/1/2/"), ScopeOf("/1/2/5/")); one.Path != "/1/2/" || one.Exact("p") != "" {
		t.Errorf("a subtree and one inside it: %+v", one)
	}
	if far := Union(ScopeOf("/1/"), ScopeOf("/5/")); far.Path != "/" || far.IsAll() {
		t.Errorf("two trees: %+v is the whole system", far)
	}
}
