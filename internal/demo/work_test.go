package demo

import (
	"bytes"
	"context"
	"testing"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/stats/tables"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

// TestDemoWork loads the city and its year of work: the work figures show
// on the city's summary and equal a full recount.
func TestDemoWork(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	box, _ := secret.New(bytes.Repeat([]byte{3}, 32))
	today := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	a := app.New(db, box, app.Settings{Now: func() time.Time { return today }})
	sum, err := Load(ctx, a, 1, today)
	if err != nil {
		t.Fatal(err)
	}
	if err := Work(ctx, a, sum, 1, today); err != nil {
		t.Fatal(err)
	}
	ms, err := stats.Check(ctx, db, work.Recount)
	if err != nil || len(ms) > 0 {
		t.Fatalf("figures differ from a recount: %v %v", ms, err)
	}
	m, err := stats.Read(ctx, db, sum.Root.Path)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]int64{}
	for _, l := range work.Summarize(m, "2025-12", "2026-11") {
		lines[l.Key] = l.Value
	}
	for _, k := range []string{"visits", "visits_mobile", "commit_done", "commit_open", "fund_budget_fen", "cobuilds", "activities", "volunteers",
		"trained", "exch_down", "cult_leader_to_cadre", "talent", "talent_appointed"} {
		if lines[k] == 0 {
			t.Errorf("the demo city has no %s", k)
		}
	}
	live, err := a.Work.LiveFigures(ctx, store.All, sum.Root.ID)
	if err != nil || live.Unlinked == 0 {
		t.Errorf("live figures %+v %v: the demo should leave some branches unlinked", live, err)
	}
	annualChecked(t, db, a.Orgs, sum.Root.ID)
	namesMatchSex(t, db)
}

// annualChecked: the annual tables of 2026 of the generated data equal the
// recount and add up, and they count some admissions (not all zero).
func annualChecked(t *testing.T, db *store.DB, orgs *org.Service, rootID int64) {
	t.Helper()
	ctx := context.Background()
	d := tables.DaysOf("2026-01", "2026-12", date.New(2026, 11, 20))
	bad, strays, err := tables.CheckAnnual(ctx, db, orgs, d)
	if err != nil || len(bad) > 0 || len(strays) > 0 {
		t.Fatalf("annual tables: %v %+v strays %v", err, bad[:min(5, len(bad))], strays)
	}
	table, err := tables.ReadAnnual(ctx, db, orgs, store.All, rootID, d)
	if err != nil {
		t.Fatal(err)
	}
	if v := tables.ChangesLayout(d).Values(table.Lines[0].Figures); v[1] == 0 || v[len(v)-1] == 0 {
		t.Fatalf("the year's changes are empty: %v", v)
	}
}
