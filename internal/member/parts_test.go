package member

import (
	"errors"
	"strings"
	"testing"

	"dangjian/internal/audit"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestPartSearch: a role that may reveal finds a person by the last four
// or six characters of the ID number, its first six, or the phone, through
// keyed hashes (no part in the clear at rest); the search is audited
// without the digits; a role that may not reveal is told why; a changed
// phone is found by the new one only; rows older than the columns are
// filled at start.
func TestPartSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := f.fullMember(f.branchA1a, "张三", "1980-01-02", true)
		phone := "13912345678"
		in.Phone = &phone
		zs := f.add(in)
		other := f.add(f.fullMember(f.branchB1a, "李四", "1975-05-06", true))
		names := func(q string) []string {
			t.Helper()
			l, err := f.mem.List(f.ctx, store.All, Filter{Q: q, Reveal: true}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range l.Items {
				out = append(out, m.Name)
			}
			return out
		}
		for _, q := range []string{zs.IDNumber[14:], zs.IDNumber[12:], strings.ToLower(zs.IDNumber[12:]), "139 1234 5678", phone} {
			if got := names(q); len(got) != 1 || got[0] != "张三" {
				t.Fatalf("%q finds %v", q, got)
			}
		}
		// The first six are the region: both people here share it.
		if got := names(zs.IDNumber[:6]); len(got) != 2 {
			t.Fatalf("the first six find %v", got)
		}
		if got := names(other.IDNumber[14:]); len(got) != 1 || got[0] != "李四" {
			t.Fatalf("李四's last four find %v", got)
		}
		// Without reveal: refused, with the reason.
		if _, err := f.mem.List(f.ctx, store.All, Filter{Q: zs.IDNumber[14:]}, store.Page{}); !errors.Is(err, ErrPartSearch) {
			t.Fatalf("a part search without reveal: %v", err)
		}
		// No part is stored in the clear, and the trail keeps the kind of search, not the digits.
		var t4, ph, detail string
		if err := db.QueryRowContext(f.ctx, "SELECT id_tail4, phone_hash FROM members WHERE id = $1", zs.ID).Scan(&t4, &ph); err != nil {
			t.Fatal(err)
		}
		if len(t4) != partLen || strings.Contains(t4, zs.IDNumber[14:]) || strings.Contains(ph, "5678") {
			t.Fatalf("parts at rest: %q %q", t4, ph)
		}
		if err := db.QueryRowContext(f.ctx, "SELECT detail FROM audit_log WHERE action = 'search' ORDER BY id DESC LIMIT 1").Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(detail, "身份证号码后四位") || strings.Contains(detail, other.IDNumber[14:]) {
			t.Fatalf("the trail of the search: %s", detail)
		}
		// The trail of one street's subtree: 张三's registration, not 李四's.
		l, err := audit.List(f.ctx, db, store.All, audit.Filter{OrgID: f.streetA1.ID, Action: "create", ObjectType: "member"}, store.Page{})
		if err != nil || l.Total != 1 || l.Items[0].ObjectID != zs.ID {
			t.Fatalf("the street's trail: %+v %v", l.Items, err)
		}
		// A new phone replaces the old one.
		newPhone := "13800002222"
		if _, err := f.mem.Update(f.ctx, store.All, zs.ID, Input{Phone: &newPhone}); err != nil {
			t.Fatal(err)
		}
		if got := names(phone); len(got) != 0 {
			t.Fatalf("the old phone still finds %v", got)
		}
		if got := names(newPhone); len(got) != 1 {
			t.Fatalf("the new phone finds %v", got)
		}
		// Rows stored before the columns: filled at start.
		if _, err := db.ExecContext(f.ctx, "UPDATE members SET id_tail4 = NULL, id_tail6 = NULL, id_head6 = NULL, phone_hash = NULL"); err != nil {
			t.Fatal(err)
		}
		if got := names(zs.IDNumber[14:]); len(got) != 0 {
			t.Fatalf("before filling: %v", got)
		}
		if err := f.mem.FillParts(f.ctx, 1); err != nil {
			t.Fatal(err)
		}
		if got := names(zs.IDNumber[14:]); len(got) != 1 {
			t.Fatalf("after filling: %v", got)
		}
	})
}

// TestProbationDue: the probationary members whose probation ends within
// the days asked are found over the whole tree (read by date) and within a
// street (read by organisation) alike; those later or already full are not.
func TestProbationDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		prob := func(o org.Org, name, joined string) {
			in := f.fullMember(o, name, "1990-01-01", true)
			in.Stage, in.JoinedOn, in.FullOn = sp("probationary"), d(joined), nil
			f.add(in)
		}
		// The fixture's today is 2026-06-30: a probation ends a year after joining.
		prob(f.branchA1a, "甲", "2025-07-10") // ends 2026-07-10: due
		prob(f.branchB1a, "乙", "2025-07-20") // ends 2026-07-20: due
		prob(f.branchB1a, "丙", "2026-01-01") // ends 2027-01-01: not yet
		f.add(f.fullMember(f.branchA1a, "丁", "1985-01-01", true))
		count := func(sc store.Scope, orgID int64) int64 {
			t.Helper()
			l, err := f.mem.List(f.ctx, sc, Filter{OrgID: orgID, ProbationDue: 30, Sort: "probation_ends_on"}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if int(l.Total) != len(l.Items) {
				t.Fatalf("total %d, items %d", l.Total, len(l.Items))
			}
			return l.Total
		}
		if n := count(store.All, 0); n != 2 {
			t.Fatalf("the whole tree: %d due", n)
		}
		if n := count(store.All, f.city.ID); n != 2 {
			t.Fatalf("the root: %d due", n)
		}
		if n := count(store.ScopeOf(f.streetB1.Path), 0); n != 1 {
			t.Fatalf("street B: %d due", n)
		}
	})
}
