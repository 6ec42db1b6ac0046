package cppcc_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestWrappedConflictReachesTheUser: a step that loses to another writer
// fails deep in the service, its error wrapped with the operation on its
// way up, and the office still reads the Chinese message of the conflict,
// with nothing of the wrapping. On PostgreSQL and the cluster another
// transaction files the proposal while the office's filing waits for the
// row, so the compare-and-set finds it moved (409); on SQLite the other
// writer holds the database until the filing gives up (503).
func TestWrappedConflictReachesTheUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		p := m.proposal("own", "submitted")
		other, err := db.BeginTx(m.ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Rollback()
		if _, err := other.ExecContext(m.ctx, "UPDATE proposals SET state = 'filed' WHERE id = $1 AND province_id = $2", p.ID, store.ProvinceOf(m.own.c.Path)); err != nil {
			t.Fatal(err)
		}
		type answer struct {
			status int
			body   string
		}
		answered := make(chan answer, 1)
		go func() {
			status, body := m.send(m.tok[auth.RoleCppccOffice], "POST", fmt.Sprintf("/api/v1/cppcc/proposals/%d/review", p.ID), map[string]any{"action": "file"})
			answered <- answer{status, body}
		}()
		want, message := http.StatusServiceUnavailable, "系统正忙于写入大量数据"
		if db.Dialect != store.SQLite {
			want, message = http.StatusConflict, "该提案刚被他人处理过,请刷新页面后查看"
			// The office's filing has read the proposal as submitted and waits
			// for its row (watched from outside the transaction, whose view of
			// the server's activity stays as it first read it).
			me, waiting := "SELECT pg_backend_pid()", "SELECT COUNT(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))"
			if db.Citus {
				me, waiting = "SELECT citus_backend_gpid()", "SELECT COUNT(*) FROM citus_lock_waits WHERE blocking_gpid = $1"
			}
			var pid int64
			if err := other.QueryRowContext(m.ctx, me).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			for n := 0; n == 0; {
				if err := db.QueryRowContext(m.ctx, waiting, pid).Scan(&n); err != nil {
					t.Fatal(err)
				}
				select {
				case a := <-answered:
					t.Fatalf("the filing did not wait for the other writer: %d %s", a.status, a.body)
				case <-time.After(50 * time.Millisecond):
				}
			}
			if err := other.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		a := <-answered
		if a.status != want || !strings.Contains(a.body, message) {
			t.Fatalf("the office was told %d %s, want %d %s", a.status, a.body, want, message)
		}
		for _, english := range []string{"proposal", "transaction", "locked", "rows"} {
			if strings.Contains(a.body, english) {
				t.Errorf("the office was told %q, which carries %q", a.body, english)
			}
		}
	})
}
