package cppcc

import (
	"fmt"
	"testing"

	"dangjian/internal/committee"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// The searches of the proposals (in their titles, or by the start of a
// proposer's name) and of the members (by the start of their names) find
// what was typed, a % or _ or \ included, never what a wildcard would
// match, on every engine.
func TestSearchesAsTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		titles := []string{"关于完成率50%以上的建议", "关于完成率500人的建议", "关于a_b小组的建议", "关于axb小组的建议", `关于C:\党建目录的建议`}
		var ids []int64
		for _, title := range titles {
			p := f.ok(f.svc.Draft(f.asMember[0], f.office, ViewMember, Input{CommitteeID: f.c.ID, Title: title, Category: "社会建设", Way: "member", Public: true,
				Content: "老旧小区改造涉及面广、群众期盼高,目前存在资金来源单一、居民意见难统一等问题。建议设立专项资金并建立居民议事机制。", Contact: "phone"}))
			ids = append(ids, p.ID)
		}
		for q, want := range map[string][]int{
			"50%": {0}, "%": {0}, "a_b": {2}, "_": {2}, `C:\党建`: {4}, "小组": {3, 2},
			"李": {4, 3, 2, 1, 0}, "明": nil, // 李明's, by the start of the name
		} {
			l, err := f.svc.List(f.asMember[0], f.office, ViewMember, Filter{CommitteeID: f.c.ID, Own: true, Q: q}, store.Page{Number: 1, Size: 20})
			if err != nil {
				t.Fatal(err)
			}
			var got, wantIDs []int64
			for _, p := range l.Items {
				got = append(got, p.ID)
			}
			for _, i := range want {
				wantIDs = append(wantIDs, ids[i])
			}
			if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
				t.Errorf("searching the proposals for %q found %v, want %v", q, got, wantIDs)
			}
		}

		terms, err := f.svc.Terms(f.ctx, store.All, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a_b", "axb", `c\d`, "50%", "500"} {
			if _, err := f.svc.AddMember(f.ctx, f.office, committee.MemberInput{CommitteeID: f.c.ID, TermID: terms[0].ID, Name: name, Sex: "女", Sector: "经济界",
				Party: "中国民主建国会"}); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string][]string{
			"a_": {"a_b"}, "a": {"a_b", "axb"}, "_": nil, "%": nil, "50%": {"50%"}, `c\`: {`c\d`}, "李": {"李明"},
		} {
			l, err := f.svc.Members(f.ctx, f.office, f.c.ID, q, store.Page{Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range l.Items {
				got = append(got, m.Name)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || l.Total != int64(len(want)) {
				t.Errorf("searching the members for %q found %v (%d), want %v", q, got, l.Total, want)
			}
		}
	})
}
