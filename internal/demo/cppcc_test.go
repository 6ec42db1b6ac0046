package demo

import (
	"bytes"
	"context"
	"testing"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestDemoCommittee loads the demo committee, on a date late in the year and
// on one just after its session: its proposals stand in every state a page
// shows, its figures equal a recount, and each role has a login.
func TestDemoCommittee(t *testing.T) {
	for _, today := range []time.Time{time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC), time.Date(2027, 1, 25, 2, 0, 0, 0, time.UTC)} {
		db := storetest.SQLite(t)
		ctx := context.Background()
		box, _ := secret.New(bytes.Repeat([]byte{3}, 32))
		a := app.New(db, box, app.Settings{Now: func() time.Time { return today }})
		svc := a.Cppcc
		accounts, err := Consult(ctx, a, "滨江市", today)
		if err != nil {
			t.Fatal(err)
		}
		if len(accounts) != 6 {
			t.Errorf("accounts: %+v", accounts)
		}
		ms, err := consultation.Check(ctx, db)
		if err != nil || len(ms) > 0 {
			t.Fatalf("figures differ from a recount: %v %v", ms, err)
		}
		namesMatchSex(t, db)
		cs, _ := svc.Committees(ctx, store.All)
		list, err := svc.List(ctx, store.All, cppcc.ViewOffice, cppcc.Filter{CommitteeID: cs[0].ID}, store.Page{Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, p := range list.Items {
			seen[p.State] = true
		}
		year := today.Year()
		if today.Month() == time.January && today.Day() < 20 {
			year--
		}
		fig, err := svc.Figures(ctx, store.All, cs[0].ID, cppcc.Period{From: year*100 + 1, To: year*100 + 12}, false)
		if err != nil || fig.Counts["key"] != 1 || fig.Counts["act:inspection"] != 2 || fig.Counts["reports:research"] != 2 || fig.Counts["instructions"] != 1 ||
			fig.Counts["act:supervision_forum"] != 1 {
			t.Errorf("%s: the year's activities: %v %v", today.Format("2006-01-02"), fig.Counts, err)
		}
		for _, st := range []string{"signing", "submitted", "returned", "rejected", "merged", "filed", "handling", "replied", "rehandling", "closed"} {
			if !seen[st] {
				t.Errorf("%s: no demo proposal %s", today.Format("2006-01-02"), cppcc.States.Label(st))
			}
		}
	}
}

// TestGeneratedCommittees: the national-scale generator's figures equal a
// recount on every engine, and its rows sit in their committees' provinces.
func TestGeneratedCommittees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box, _ := secret.New(bytes.Repeat([]byte{4}, 32))
		sum, err := Committees(ctx, db, box, CommitteeOptions{Proposals: 3000, Members: 1000, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Committees != 342 || sum.Proposals != 3000 || sum.Members < 1000 {
			t.Fatalf("generated %+v", sum)
		}
		ms, err := consultation.Check(ctx, db)
		if err != nil || len(ms) > 0 {
			t.Fatalf("figures differ from a recount: %v %v", ms, err)
		}
		storetest.NoMismatch(t, db)
		namesMatchSex(t, db)
		svc := app.New(db, box, app.Settings{}).Cppcc
		l, err := svc.List(ctx, store.All, cppcc.ViewOffice, cppcc.Filter{State: "handling"}, store.Page{Size: 5})
		if err != nil || l.Total == 0 {
			t.Fatalf("no proposal in handling: %v %+v", err, l)
		}
		if _, err := Committees(ctx, db, box, CommitteeOptions{Proposals: 10, Members: 10}); err == nil {
			t.Fatal("generated committees twice")
		}
	})
}

func TestPlaceOf(t *testing.T) {
	for in, want := range map[string]string{"滨江市委": "滨江市", "中共滨江市委员会": "滨江市", "滨江市": "滨江市"} {
		if got := PlaceOf(in); got != want {
			t.Errorf("PlaceOf(%q) = %q, want %q", in, got, want)
		}
	}
}
