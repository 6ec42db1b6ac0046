package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
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
	if err := each(ctx, db, selectEntries+" ORDER BY id", nil, func(e Entry) error { entries = append(entries, e); return nil }); err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, e := range entries {
		e.PrevHash = prev
		if e.ID == 2 {
			e.Username = "nobody" // what the rewrite is for
		}
		e.Hash = hash(e)
		if _, err := db.ExecContext(ctx, "UPDATE audit_log SET username = $1, prev_hash = $2, hash = $3 WHERE id = $4", e.Username, e.PrevHash, e.Hash, e.ID); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	if _, err := db.ExecContext(ctx, "UPDATE audit_head SET hash = $1", prev); err != nil {
		t.Fatal(err)
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
				id, head, _ := Head(ctx, db)
				if !strings.HasPrefix(head, "a1:") {
					t.Fatalf("the head hash %q is not keyed", head)
				}
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
