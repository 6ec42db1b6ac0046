package demo

import (
	"bytes"
	"context"
	"testing"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

func TestNationalShapeAndFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box, _ := secret.New(bytes.Repeat([]byte{5}, 32))
		const n = 6000
		sum, err := National(ctx, db, box, NationalOptions{Members: n, Seed: 7, Today: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Members != n {
			t.Fatalf("generated %d people", sum.Members)
		}
		ms, err := stats.Check(ctx, db)
		if err != nil || len(ms) != 0 {
			t.Fatalf("figures differ from a recount: %v %v", ms[:min(5, len(ms))], err)
		}
		annualChecked(t, db, app.New(db, box, app.Settings{}).Orgs, sum.Root.ID)
		namesMatchSex(t, db)
		f, err := stats.Read(ctx, db, sum.Root.Path)
		if err != nil {
			t.Fatal(err)
		}
		members := float64(f[stats.KMembers])
		share := func(k string) float64 { return float64(f[k]) / members }
		v := stats.NewView(sum.Root.ID, f, 2026)
		checks := []struct {
			what   string
			got    float64
			lo, hi float64
		}{
			{"women", share(stats.KSex + "female"), 0.26, 0.34},
			{"minorities", float64(v.Minority) / members, 0.05, 0.10},
			{"college or above", float64(v.CollegeAbove) / members, 0.50, 0.60},
			{"mobile", share(stats.KMobileOut), 0.02, 0.04},
			{"people per branch", float64(n) / float64(f[stats.KOrgType+"branch"]+f[stats.KOrgType+"joint_branch"]), 17, 21},
		}
		for _, c := range checks {
			if c.got < c.lo || c.got > c.hi {
				t.Errorf("%s: %.3f, want %.2f–%.2f", c.what, c.got, c.lo, c.hi)
			}
		}
		if f[stats.KGapNoOrg] == 0 || f[stats.KGapNoMember] == 0 || f[stats.KOrgType+"committee"] < 1+31+31 {
			t.Errorf("tree or coverage not shaped like the Party: %v", f)
		}
		// The same seed gives the same country.
		again := storetest.SQLite(t)
		if _, err := National(ctx, again, box, NationalOptions{Members: n, Seed: 7, Today: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		g, _ := stats.Read(ctx, again, sum.Root.Path)
		if len(g) != len(f) || g[stats.KSex+"female"] != f[stats.KSex+"female"] || g[stats.KBirth+"1980"] != f[stats.KBirth+"1980"] {
			t.Fatal("the same seed gave a different country")
		}
		if _, err := National(ctx, db, box, NationalOptions{Members: 10, Seed: 7}); err == nil {
			t.Fatal("generated into a database that already holds data")
		}
	})
}
