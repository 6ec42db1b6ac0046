package member

import (
	"fmt"
	"maps"
	"testing"

	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

func TestMoveSubtreeMovesFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for i, name := range []string{"甲", "乙", "丙"} {
			f.add(f.fullMember(f.branchA1a, "党员"+name, fmt.Sprintf("198%d-01-01", i), i != 1))
		}
		f.add(f.fullMember(f.branchB1a, "党员丁", "1990-01-01", true))
		if _, err := f.mem.RegisterMobile(f.ctx, store.All, MobileInput{Kind: "in", OrgID: f.branchA1b.ID, Name: "流入戊", RelationPlace: "外省", Since: *d("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
		// Move 和平街道 (3 members, 2 branches, 1 in-flow) from district A to district B.
		moved, err := f.orgs.Move(f.ctx, store.All, f.streetA1.ID, f.distB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if moved.Path != store.ChildPath(f.distB.Path, f.streetA1.ID) || moved.Depth != 2 {
			t.Fatalf("moved org: %+v", moved)
		}
		checks := []struct {
			o    org.Org
			k    string
			want int64
		}{
			{f.distA, stats.KMembers, 0}, {f.distA, stats.KOrgs, 1}, {f.distA, stats.KMobileIn, 0},
			{f.distB, stats.KMembers, 4}, {f.distB, stats.KOrgs, 6}, {f.distB, stats.KMobileIn, 1},
			{f.distB, stats.KSex + "female", 1},
			{f.city, stats.KMembers, 4}, {f.city, stats.KOrgs, 8},
			{moved, stats.KMembers, 3},
		}
		for _, c := range checks {
			if got := f.figure(c.o, c.k); got != c.want {
				t.Errorf("%s %s = %d, want %d", c.o.Name, c.k, got, c.want)
			}
		}
		// The branch below moved too: its path and the scope of district B.
		b, err := f.orgs.Get(f.ctx, store.ScopeOf(f.distB.Path), f.branchA1a.ID)
		if err != nil || b.Depth != 3 {
			t.Fatalf("branch below the moved street: %+v %v", b, err)
		}
		if _, err := f.orgs.Move(f.ctx, store.All, f.distB.ID, f.branchA1a.ID); err == nil {
			t.Fatal("moving an organisation below its own descendant was allowed")
		}
		if _, err := f.orgs.Move(f.ctx, store.ScopeOf(f.distA.Path), f.streetB1.ID, f.distA.ID); err == nil {
			t.Fatal("moving an organisation outside the scope was allowed")
		}
		f.noMismatch()
	})
}

func TestDissolveOnlyWhenEmpty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := f.add(f.fullMember(f.branchA1b, "市场党员", "1966-06-06", true))
		err := f.orgs.Dissolve(f.ctx, store.All, f.streetA1.ID)
		wantErr(t, err, "", "还有2个下级党组织")
		err = f.orgs.Dissolve(f.ctx, store.All, f.branchA1b.ID)
		wantErr(t, err, "", "还有1名党员")
		if _, err := f.mem.Issue(f.ctx, store.All, IssueInput{MemberID: m.ID, ToOrgID: f.branchA1a.ID, IssuedOn: *d("2026-06-01")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.mem.Receive(f.ctx, store.All, mustFirstPending(t, f), *d("2026-06-02")); err != nil {
			t.Fatal(err)
		}
		if err := f.orgs.Dissolve(f.ctx, store.All, f.branchA1b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.orgs.Get(f.ctx, store.All, f.branchA1b.ID); err == nil {
			t.Fatal("a dissolved organisation is still readable")
		}
		if f.figure(f.streetA1, stats.KOrgs) != 2 || f.figure(f.streetA1, stats.KOrgType+"branch") != 1 {
			t.Fatal("dissolved organisation still counted")
		}
		f.noMismatch()
	})
}

func mustFirstPending(t *testing.T, f *fixture) int64 {
	l, err := f.mem.ListTransfers(f.ctx, store.All, TransferFilter{Status: TransferPending}, store.Page{})
	if err != nil || len(l.Items) == 0 {
		t.Fatalf("no pending letter: %v", err)
	}
	return l.Items[0].ID
}

func TestCheckFindsCorruptedFigure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.add(f.fullMember(f.branchA1a, "甲", "1980-01-01", true))
		f.noMismatch()
		if _, err := db.ExecContext(f.ctx, "UPDATE org_stats SET n = n + 1 WHERE org_id = $1 AND k = 'members'", f.distA.ID); err != nil {
			t.Fatal(err)
		}
		ms, err := stats.Check(f.ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0] != (stats.Mismatch{OrgID: f.distA.ID, Key: "members", Stored: 2, Counted: 1}) {
			t.Fatalf("check found %+v", ms)
		}
	})
}

func TestUnitCoverage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ip := func(n int) *int { return &n }
		bp := func(b bool) *bool { return &b }
		u1, err := f.orgs.SaveUnit(f.ctx, store.All, 0, org.UnitInput{OrgID: &f.streetA1.ID, Name: sp("上钢农贸市场"), Type: sp("市场"), Staff: ip(400), PartyMembers: ip(15), CoveringOrgID: &f.branchA1b.ID})
		if err != nil {
			t.Fatal(err)
		}
		u2, err := f.orgs.SaveUnit(f.ctx, store.All, 0, org.UnitInput{OrgID: &f.streetA1.ID, Name: sp("明达科技有限公司"), Type: sp("enterprise"), NonPublic: bp(true), Staff: ip(60), PartyMembers: ip(3)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.orgs.SaveUnit(f.ctx, store.All, 0, org.UnitInput{OrgID: &f.streetA1.ID, Name: sp("小微商贸"), Type: sp("企业"), NonPublic: bp(true), Staff: ip(8), PartyMembers: ip(0)}); err != nil {
			t.Fatal(err)
		}
		if u2.Gap != "no_org" {
			t.Fatalf("gap of u2: %q", u2.Gap)
		}
		_, err = f.orgs.SaveUnit(f.ctx, store.All, 0, org.UnitInput{OrgID: &f.streetA1.ID, Name: sp(""), Type: sp("工厂"), Staff: ip(5), PartyMembers: ip(9)})
		wantErr(t, err, "type", "单位类别“工厂”无效")
		wantErr(t, err, "name", "单位名称不能为空")
		wantErr(t, err, "party_members", "不能多于职工人数")
		want := map[string]int64{stats.KUnits: 3, stats.KCovered: 1, stats.KGapNoOrg: 1, stats.KGapNoMember: 1, stats.KNonPublic: 2}
		for k, n := range want {
			if got := f.figure(f.city, k); got != n {
				t.Errorf("city %s = %d, want %d", k, got, n)
			}
		}
		// A new joint branch covers the enterprise: the gap closes.
		if _, err := f.orgs.SaveUnit(f.ctx, store.All, u2.ID, org.UnitInput{CoveringOrgID: &f.branchA1a.ID}); err != nil {
			t.Fatal(err)
		}
		if f.figure(f.distA, stats.KGapNoOrg) != 0 || f.figure(f.distA, stats.KCovered) != 2 {
			t.Fatal("coverage figures not updated")
		}
		l, err := f.orgs.ListUnits(f.ctx, store.All, org.UnitFilter{Gap: "no_member"}, store.Page{})
		if err != nil || l.Total != 1 || l.Items[0].Name != "小微商贸" {
			t.Fatalf("gap list: %+v %v", l, err)
		}
		err = f.orgs.Dissolve(f.ctx, store.All, f.branchA1b.ID)
		wantErr(t, err, "", "还覆盖着1个单位")
		if _, err := f.orgs.GetUnit(f.ctx, store.ScopeOf(f.streetB1.Path), u1.ID); err == nil {
			t.Fatal("another street reads the unit")
		}
		f.noMismatch()
	})
}

// The root's figures equal its provinces' summed (and what sits at the root
// itself: its own organisation) after admitting, transferring to another
// province and the death of a member. On SQLite and PostgreSQL they are one
// row a key of the root's own, which dangjian check recounts (a tampered
// one is found); on a Citus cluster figures stop at the province and the
// root's row holds no member.
func TestRootFiguresAreItsProvincesSummed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		wantSum := func(step string) {
			t.Helper()
			want := map[string]int64{}
			for _, k := range stats.OrgKeys(f.city.Type) {
				want[k]++
			}
			for _, p := range []org.Org{f.distA, f.distB} {
				m, err := stats.Read(f.ctx, db, p.Path)
				if err != nil {
					t.Fatal(err)
				}
				for k, n := range m {
					want[k] += n
				}
			}
			maps.DeleteFunc(want, func(_ string, n int64) bool { return n == 0 })
			got, err := stats.Read(f.ctx, db, f.city.Path)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Fatalf("after %s the root's figures are %v, its provinces' summed %v", step, got, want)
			}
			var rows int
			if err := db.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM org_stats WHERE province_id = $1 AND org_id = $1 AND k = $2 AND n = $3",
				f.city.ID, stats.KMembers, want[stats.KMembers]).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if held := stats.WholeAtRoot(db); (rows == 1) != held {
				t.Fatalf("after %s the root's own row of %d members: %d rows (kept at the root: %v)", step, want[stats.KMembers], rows, held)
			}
			f.noMismatch()
		}
		f.add(f.fullMember(f.branchA1a, "党员甲", "1980-01-01", true))
		m := f.add(f.fullMember(f.branchA1a, "党员乙", "1990-01-01", false))
		wantSum("two members in one province")
		c := f.add(Input{OrgID: &f.branchB1a.ID, Name: sp("发展对象丙"), IDNumber: sp(f.idNumber("1995-05-05", true)), Ethnicity: sp("汉族"),
			Education: sp("大学本科"), Stage: sp("candidate"), AppliedOn: d("2022-03-01"), ActivistOn: d("2022-09-01"), CandidateOn: d("2023-09-01")})
		if _, err := f.mem.Advance(f.ctx, store.All, c.ID, Step{Action: "admit", On: *d("2024-06-01")}); err != nil {
			t.Fatal(err)
		}
		wantSum("an admission")
		tr, err := f.mem.Issue(f.ctx, store.All, IssueInput{MemberID: m.ID, ToOrgID: f.branchB1a.ID, IssuedOn: *d("2026-06-01"), Reason: "工作调动"})
		if err != nil {
			t.Fatal(err)
		}
		wantSum("a letter to another province")
		if _, err := f.mem.Receive(f.ctx, store.All, tr.ID, *d("2026-06-10")); err != nil {
			t.Fatal(err)
		}
		wantSum("a transfer to another province")
		if _, err := f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: "death", On: *d("2026-06-20")}); err != nil {
			t.Fatal(err)
		}
		wantSum("a death")
		if got := f.figure(f.city, stats.KMembers); got != 2 {
			t.Fatalf("root members = %d, want 2", got)
		}
		if got := f.figure(f.city, stats.KOrgs); got != 8 {
			t.Fatalf("root orgs = %d, want 8: itself and everything below, counted once", got)
		}
		all, err := stats.Read(f.ctx, db, "/")
		if err != nil || all[stats.KMembers] != 2 {
			t.Fatalf("whole tree: %v %v", all[stats.KMembers], err)
		}
		if !stats.WholeAtRoot(db) {
			return
		}
		if _, err := db.ExecContext(f.ctx, "UPDATE org_stats SET n = n + 1 WHERE province_id = $1 AND org_id = $1 AND k = 'members'", f.city.ID); err != nil {
			t.Fatal(err)
		}
		ms, err := stats.Check(f.ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0] != (stats.Mismatch{OrgID: f.city.ID, Key: "members", Stored: 3, Counted: 2}) {
			t.Fatalf("check found %+v", ms)
		}
	})
}

// A root's row written by an earlier version holds only what sits at the
// root itself: its figures are still its own row and its children's summed,
// check finds nothing amiss, and the first change counted there adds its
// children's rows to it, after which it is the root's whole subtree.
func TestRootRowOfAnEarlierVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if !stats.WholeAtRoot(db) {
			t.Skip("figures stop at the province on a cluster")
		}
		f := newFixture(t, db)
		f.add(f.fullMember(f.branchA1a, "党员甲", "1980-01-01", true))
		f.add(f.fullMember(f.branchB1a, "党员乙", "1990-01-01", false))
		// The row as the earlier version kept it: the root's own organisation alone.
		if _, err := db.ExecContext(f.ctx, "DELETE FROM org_stats WHERE province_id = $1 AND org_id = $1", f.city.ID); err != nil {
			t.Fatal(err)
		}
		for _, k := range stats.OrgKeys(f.city.Type) {
			if _, err := db.ExecContext(f.ctx, "INSERT INTO org_stats (province_id, org_id, k, n) VALUES ($1, $1, $2, 1)", f.city.ID, k); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.figure(f.city, stats.KMembers); got != 2 {
			t.Fatalf("root members before a change = %d, want 2", got)
		}
		f.noMismatch()
		f.add(f.fullMember(f.branchB1a, "党员丙", "1991-01-01", true))
		var n int64
		if err := db.QueryRowContext(f.ctx, "SELECT n FROM org_stats WHERE province_id = $1 AND org_id = $1 AND k = 'members'", f.city.ID).Scan(&n); err != nil || n != 3 {
			t.Fatalf("the root's own row after a change: %d members, %v; want 3", n, err)
		}
		if got := f.figure(f.city, stats.KOrgs); got != 8 {
			t.Fatalf("root orgs = %d, want 8", got)
		}
		f.noMismatch()
	})
}

// An ID number is on one roster in the whole country: registered in one
// province, it is refused in another (where a distributed table's own
// unique key would not see it), by a new entry, an edit and an import row
// alike; the number freed by an edit may be taken again.
func TestOneIDNumberInTheCountry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := f.fullMember(f.branchA1a, "党员甲", "1980-01-01", true)
		a := f.add(in)
		again := in
		again.OrgID, again.Name = &f.branchB1a.ID, sp("党员乙")
		_, err := f.mem.Create(f.ctx, store.All, again)
		storetest.WantErr(t, err, "id_number", "该公民身份号码已登记在系统中")
		b := f.add(f.fullMember(f.branchB1a, "党员丙", "1985-01-01", false))
		_, err = f.mem.Update(f.ctx, store.All, b.ID, Input{IDNumber: in.IDNumber})
		storetest.WantErr(t, err, "id_number", "该公民身份号码已登记在系统中")
		// A's number changes; the old one is free for B.
		if _, err := f.mem.Update(f.ctx, store.All, a.ID, Input{IDNumber: sp(f.idNumber("1980-01-01", true))}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.mem.Update(f.ctx, store.All, b.ID, Input{IDNumber: in.IDNumber, Sex: sp("male"), BirthDate: d("1980-01-01")}); err != nil {
			t.Fatalf("the freed number: %v", err)
		}
		var n int
		if err := db.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM id_numbers").Scan(&n); err != nil || n != 2 {
			t.Fatalf("registry: %d numbers, %v", n, err)
		}
		f.noMismatch()
	})
}
