package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"dangjian/internal/fixture"
	"dangjian/internal/store/storetest"
)

// While another writer holds SQLite (an import's transaction), reads keep
// answering and a write that cannot wait is refused with a message in
// Chinese, never an internal error.
func TestReadsAndWritesBesideALongWrite(t *testing.T) {
	storetest.QuickBusy(t, 300)
	m := newMatrix(t, storetest.SQLite(t))
	db := m.e.api.DB
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec("UPDATE orgs SET updated_at = updated_at WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	m.e.api.Auth.Forget() // every request authenticates afresh, and would touch its token
	c := m.users["org_admin"]
	// The writer holds the lock throughout: a read that needed it could
	// only answer after the busy timeout, with an error.
	for range 3 {
		if st, text := c.raw("GET", fmt.Sprintf("/api/v1/members?org=%d", m.branchA.ID), nil); st != 200 {
			t.Fatalf("a read beside the writer: %d %s", st, text)
		}
	}
	st, text := c.raw("POST", "/api/v1/work/visits", fixture.VisitBody(m.branchA.ID))
	if st != 503 || !strings.Contains(text, "系统正忙于写入大量数据") || strings.Contains(text, "SQLITE") {
		t.Fatalf("a write beside the writer: %d %s", st, text)
	}
	if strings.Contains(string(m.e.log.Bytes()), "SQLITE_BUSY") {
		t.Fatal("the busy database was logged as an internal error")
	}
}
