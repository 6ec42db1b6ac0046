package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// rewrite writes the whole chain anew from its first entry, as someone with
// the database owner's rights but without the key would: each hash made
// by hash (plain SHA-256, or an HMAC under a key of their own), the head too.
func rewrite(t *testing.T, db *store.DB, hash func(e Entry) string) {
	t.Helper()
	ctx := context.Background()
	storetest.AuditGuardOff(t, db)
	var entries []Entry
	if err := each(ctx, db, selectEntries+" ORDER BY province_id, seq", nil, func(e Entry) error { entries = append(entries, e); return nil }); err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i, e := range entries {
		if i > 0 && e.Province != entries[i-1].Province {
			prev = ""
		}
		e.PrevHash = prev
		if e.ID == 2 {
			e.Username = "nobody" // what the rewrite is for
		}
		e.Hash = hash(e)
		if _, err := db.ExecContext(ctx, "UPDATE audit_log SET username = $1, prev_hash = $2, hash = $3 WHERE id = $4", e.Username, e.PrevHash, e.Hash, e.ID); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
		if _, err := db.ExecContext(ctx, "UPDATE audit_chains SET hash = $1 WHERE province_id = $2 AND last_id = $3", prev, e.Province, e.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// The chain is keyed: rewritten whole without the key, in the plain form
// or under another key, it is found out, and an anchor kept outside shows it.
func TestChainRewrittenWithoutTheKeyIsFound(t *testing.T) {
	for name, hash := range map[string]func(e Entry) string{
		"plain SHA-256": func(e Entry) string { return hex.EncodeToString(e.sum()) },
		"another key": func(e Entry) string {
			other, _ := secret.New(bytes.Repeat([]byte{3}, 32))
			return other.MAC(e.sum())
		},
	} {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				box, _ := secret.New(bytes.Repeat([]byte{7}, 32))
				db.Signer = box
				if err := KeyChain(ctx, db); err != nil {
					t.Fatal(err)
				}
				for range 5 {
					if err := Append(ctx, db, Event{Action: "login", ObjectType: "session"}); err != nil {
						t.Fatal(err)
					}
				}
				if ps, n, err := Verify(ctx, db); err != nil || n != 5 || len(ps) != 0 {
					t.Fatalf("the fresh chain: %v %d %+v", err, n, ps)
				}
				heads, err := Heads(ctx, db)
				if err != nil || len(heads) != 1 || !strings.HasPrefix(heads[0].Hash, "a1:") {
					t.Fatalf("the chain's head %+v is not keyed: %v", heads, err)
				}
				id, head := heads[0].ID, heads[0].Hash
				rewrite(t, db, hash)
				ps, _, err := Verify(ctx, db)
				if err != nil || len(ps) == 0 {
					t.Fatalf("a chain rewritten with %s verifies: %v", name, err)
				}
				if ok, _ := CheckAnchor(ctx, db, id, head); ok {
					t.Fatal("the anchor kept outside still matches the rewritten chain")
				}
			})
		})
	}
}

// The trail is a chain a province: entries about two provinces (and the
// system's) make three chains that verify; a deletion in one is named by the
// next entry of that chain and leaves the others whole; a chain whose every
// entry is gone is named by its head. Many appends at once into two
// provinces never fork a chain (on PostgreSQL they take turns a province).
func TestAChainAProvince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		record := func(path string) {
			if err := Append(ctx, db, Event{Action: "update", ObjectType: "org", OrgPath: path}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() { record([]string{"/1/2/5/", "/1/3/", ""}[i%3]) })
		}
		wg.Wait()
		ps, n, err := Verify(ctx, db)
		if err != nil || n != 12 || len(ps) != 0 {
			t.Fatalf("three chains of four: %v %d %+v", err, n, ps)
		}
		heads, _ := Heads(ctx, db)
		if len(heads) != 3 {
			t.Fatalf("heads %+v, want one a province and the system's", heads)
		}
		ids := func(prov int64) []int64 {
			got, err := store.Query(ctx, db, func(sc store.Scanner) (int64, error) {
				var id int64
				return id, sc.Scan(&id)
			}, "SELECT id FROM audit_log WHERE province_id = $1 ORDER BY seq", prov)
			if err != nil || len(got) != 4 {
				t.Fatalf("the chain of %d: %v %v", prov, got, err)
			}
			return got
		}
		two, three := ids(2), ids(3)
		storetest.AuditGuardOff(t, db)
		if _, err := db.ExecContext(ctx, "DELETE FROM audit_log WHERE id = $1", two[1]); err != nil {
			t.Fatal(err)
		}
		ps, _, _ = Verify(ctx, db)
		if len(ps) != 2 || ps[0].ID != two[2] || !strings.Contains(ps[0].Reason, fmt.Sprintf("第%d条之前缺少1条记录", two[2])) {
			t.Fatalf("a deletion in the chain of province 2: %+v", ps)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM audit_log WHERE province_id = 3"); err != nil {
			t.Fatal(err)
		}
		ps, _, _ = Verify(ctx, db)
		var named bool
		for _, p := range ps {
			named = named || (p.ID == three[3] && strings.Contains(p.Reason, "这条链的记录全部不见了"))
		}
		if len(ps) != 3 || !named {
			t.Fatalf("the chain of province 3 deleted whole: %+v", ps)
		}
	})
}

// A trail written before it was kept a chain a province (one chain, its
// entries numbered by id, its head in audit_head) verifies as it was and
// goes on in provinces' chains; an entry edited in the old part is named.
func TestTheSingleChainWrittenBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 3 {
			if err := Append(ctx, db, Event{Action: "login", ObjectType: "session"}); err != nil {
				t.Fatal(err)
			}
		}
		// What an earlier release left: the same entries without seq, the head in audit_head.
		storetest.AuditGuardOff(t, db)
		for _, q := range []string{
			"INSERT INTO audit_head (one, last_id, hash) SELECT 1, last_id, hash FROM audit_chains",
			"DELETE FROM audit_chains",
			"UPDATE audit_log SET seq = NULL",
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		for _, path := range []string{"", "/1/2/", "/1/2/5/"} {
			if err := Append(ctx, db, Event{Action: "update", ObjectType: "org", OrgPath: path}); err != nil {
				t.Fatal(err)
			}
		}
		ps, n, err := Verify(ctx, db)
		if err != nil || n != 6 || len(ps) != 0 {
			t.Fatalf("the old chain and the new ones: %v %d %+v", err, n, ps)
		}
		if heads, _ := Heads(ctx, db); len(heads) != 3 || heads[0].ID != 3 {
			t.Fatalf("heads %+v: the old chain's and two provinces'", heads)
		}
		if _, err := db.ExecContext(ctx, "UPDATE audit_log SET username = 'nobody' WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		if ps, _, _ := Verify(ctx, db); len(ps) != 1 || ps[0].ID != 2 || !strings.Contains(ps[0].Reason, "第2条记录的内容与其哈希不符") {
			t.Fatalf("an edit in the old chain: %+v", ps)
		}
	})
}
