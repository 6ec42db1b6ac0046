package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// errors collects what a check reports instead of failing the test.
type errors struct {
	testing.TB
	got []string
}

func (e *errors) Errorf(format string, args ...any) {
	e.got = append(e.got, fmt.Sprintf(format, args...))
}

// The check finds an identifier written in the clear in a table, its
// backup, or a log, and stays quiet about one that is not there.
func TestNoClearIdentifiersFindsThem(t *testing.T) {
	db := SQLite(t)
	if _, err := db.ExecContext(context.Background(), "CREATE TABLE leak (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), "INSERT INTO leak VALUES ('身份证 11010519491231002X')"); err != nil {
		t.Fatal(err)
	}
	e := &errors{TB: t}
	NoClearIdentifiers(e, db, []string{"11010519491231002X", "13912345678", "440305200002290026"}, []byte(`{"msg":"phone 13912345678"}`))
	if len(e.got) < 3 {
		t.Fatalf("found only %v", e.got)
	}
	for _, g := range e.got {
		if strings.Contains(g, "440305200002290026") {
			t.Fatalf("reported a number that is nowhere: %s", g)
		}
	}
}
