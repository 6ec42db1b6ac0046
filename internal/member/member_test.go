package member

import (
	"strings"
	"testing"

	"dangjian/internal/date"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

func TestCreateValidatesIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := f.fullMember(f.branchA1a, "张三", "1985-07-15", true)
		good := *in.IDNumber

		bad := good[:17] + string("0123456789X"[(indexOf(good[17])+1)%11])
		in.IDNumber = &bad
		_, err := f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "id_number", "校验码错误")

		in.IDNumber = sp(good[:6] + good[8:17])
		_, err = f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "id_number", "15位旧式")

		in.IDNumber = &good
		in.BirthDate = d("1985-07-16")
		_, err = f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "birth_date", "与公民身份号码中的出生日期1985-07-15不一致")

		in.BirthDate = nil
		in.Sex = sp("女")
		_, err = f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "sex", "与公民身份号码不一致")

		if n := f.figure(f.city, stats.KMembers); n != 0 {
			t.Fatalf("refused members were counted: %d", n)
		}

		in.Sex = nil
		m := f.add(in)
		if m.Sex != "male" || m.BirthDate.String() != "1985-07-15" {
			t.Fatalf("sex and birth date not read off the ID number: %+v", m)
		}
		if m.IDMasked != good[:6]+"************" || m.Pinyin != "zhangsan" || m.Initials != "zs" {
			t.Fatalf("masked id or pinyin wrong: %+v", m)
		}

		// The same person cannot be registered in a second organisation.
		in2 := f.fullMember(f.branchB1a, "张三", "1985-07-15", true)
		in2.IDNumber = sp(" " + good[:17] + "  ")
		in2.IDNumber = sp(*in2.IDNumber + string(good[17]))
		_, err = f.mem.Create(f.ctx, store.All, in2)
		wantErr(t, err, "id_number", "每人只能有一个组织关系")

		if n := f.figure(f.city, stats.KMembers); n != 1 {
			t.Fatalf("city members = %d, want 1", n)
		}
		f.noMismatch()
	})
}

func indexOf(c byte) int {
	for i, x := range []byte("0123456789X") {
		if x == c {
			return i
		}
	}
	return 0
}

func TestSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		zs := f.add(f.fullMember(f.branchA1a, "张三", "1980-01-02", true))
		f.add(f.fullMember(f.branchA1b, "张珊珊", "1990-03-04", false))
		f.add(f.fullMember(f.branchB1a, "李四", "1975-05-06", true))
		f.add(f.fullMember(f.branchB1a, "曾小张", "1982-05-06", true))
		search := func(sc store.Scope, flt Filter) []string {
			t.Helper()
			l, err := f.mem.List(f.ctx, sc, flt, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range l.Items {
				names = append(names, m.Name)
			}
			if int(l.Total) != len(names) {
				t.Fatalf("total %d but %d items", l.Total, len(names))
			}
			return names
		}
		eq := func(got []string, want ...string) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("got %v, want %v", got, want)
				}
			}
		}
		eq(search(store.All, Filter{Q: "张"}), "曾小张", "张三", "张珊珊")
		eq(search(store.All, Filter{Q: "zs"}), "张三", "张珊珊")
		eq(search(store.All, Filter{Q: "ZhangS"}), "张三", "张珊珊")
		eq(search(store.All, Filter{Q: "zx"}), "曾小张")
		eq(search(store.All, Filter{Q: "lx"}))
		eq(search(store.All, Filter{Q: "zxz"}), "曾小张")
		eq(search(store.All, Filter{Q: zs.IDNumber}), "张三")
		eq(search(store.All, Filter{Q: " " + zs.IDNumber[:6] + " " + zs.IDNumber[6:] + " "}), "张三")
		// A pinyin search lists those whose initials match, then those whose full pinyin does; pages run across both.
		f.add(f.fullMember(f.branchA1a, "张华", "1985-01-01", true))
		eq(search(store.All, Filter{Q: "zh"}), "张华", "张三", "张珊珊")
		for i, want := range []string{"张华", "张三", "张珊珊"} {
			l, err := f.mem.List(f.ctx, store.All, Filter{Q: "zh"}, store.Page{Number: i + 1, Size: 1})
			if err != nil || l.Total != 3 || len(l.Items) != 1 || l.Items[0].Name != want {
				t.Fatalf("page %d of zh: %+v %v", i+1, l, err)
			}
		}
		// Over a large scope a name matches at its beginning only; within a small one, anywhere.
		largeScope = 3
		t.Cleanup(func() { largeScope = 50000 })
		eq(search(store.All, Filter{Q: "张"}), "张三", "张华", "张珊珊") // by name, as the index keeps them
		eq(search(store.ScopeOf(f.streetB1.Path), Filter{Q: "张"}), "曾小张")
		largeScope = 50000
		// A street sees only its own subtree.
		eq(search(store.ScopeOf(f.streetB1.Path), Filter{Q: "张"}), "曾小张")
		eq(search(store.ScopeOf(f.streetB1.Path), Filter{Q: zs.IDNumber}))
		eq(search(store.All, Filter{OrgID: f.branchA1b.ID}), "张珊珊")
		if _, err := f.mem.List(f.ctx, store.ScopeOf(f.streetB1.Path), Filter{OrgID: f.branchA1a.ID}, store.Page{}); err == nil {
			t.Fatal("listing another street's branch was allowed")
		}
		if _, err := f.mem.Get(f.ctx, store.ScopeOf(f.streetB1.Path), zs.ID); err == nil {
			t.Fatal("reading a member outside the scope was allowed")
		}
	})
}

func TestMobileFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := f.add(f.fullMember(f.branchA1a, "王五", "1988-08-08", true))
		out, err := f.mem.RegisterMobile(f.ctx, store.All, MobileInput{Kind: "out", MemberID: m.ID, PresentPlace: "广东省深圳市", Contact: "微信 ww", Since: *d("2026-03-01")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.mem.RegisterMobile(f.ctx, store.All, MobileInput{Kind: "out", MemberID: m.ID, PresentPlace: "上海", Since: *d("2026-03-01")})
		wantErr(t, err, "", "已登记为流出党员")
		in, err := f.mem.RegisterMobile(f.ctx, store.All, MobileInput{Kind: "in", OrgID: f.branchB1a.ID, Name: "赵六", RelationPlace: "四川省某县某村党支部", Since: *d("2026-01-10")})
		if err != nil {
			t.Fatal(err)
		}
		if f.figure(f.distA, stats.KMobileOut) != 1 || f.figure(f.distB, stats.KMobileIn) != 1 || f.figure(f.city, stats.KMobileOut) != 1 {
			t.Fatal("mobile figures not maintained")
		}
		f.noMismatch()
		if _, err := f.mem.EndMobile(f.ctx, store.All, out.ID, *d("2026-06-01")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.mem.EndMobile(f.ctx, store.All, in.ID, date.Date{}); err != nil {
			t.Fatal(err)
		}
		if f.figure(f.city, stats.KMobileOut) != 0 || f.figure(f.city, stats.KMobileIn) != 0 {
			t.Fatal("ended registrations still counted")
		}
		f.noMismatch()
	})
}

// Free text an older version stored in the clear (a contact, a requested
// phone) is sealed by SealText and reads the same afterwards.
func TestSealTextSealsOlderRows(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	m := f.add(f.fullMember(f.branchA1a, "流出人", "1980-01-01", true))
	r, err := f.mem.RegisterMobile(f.ctx, store.All, MobileInput{Kind: "out", MemberID: m.ID, PresentPlace: "深圳", Contact: "手机 13700001111", Since: *d("2026-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ExecContext(f.ctx, "UPDATE mobile_records SET contact = 'old 13700001111' WHERE id = $1", r.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.mem.SealText(f.ctx, 10); err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := f.db.QueryRowContext(f.ctx, "SELECT contact FROM mobile_records WHERE id = $1", r.ID).Scan(&raw); err != nil || strings.Contains(raw, "13700001111") {
		t.Fatalf("the contact at rest: %q %v", raw, err)
	}
	got, _ := f.mem.getMobile(f.ctx, f.db, store.All, r.ID)
	if got.Contact != "old 13700001111" || got.ContactMasked != "old 137****1111" {
		t.Fatalf("the contact read back: %+v", got)
	}
}
