package letters

import (
	"fmt"
	"testing"

	"dangjian/internal/cppcc"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// The office's search of the cases finds in their titles what was typed, a
// % or _ or \ included, never what a wildcard would match, on every engine.
func TestCaseSearchAsTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newFixture(t, db, 2026, 4, 16)
		titles := []string{"完成率50%以上的社区", "完成率500人的社区", "a_b 小组的活动", "axb 小组的活动", `路径C:\党建的文件`}
		ids := map[string]int64{}
		for i, title := range titles {
			rc, err := c.svc.Register(c.OfficeCtx, c.Office, CaseInput{CommitteeID: c.C.ID, Box: BoxPublic, Channel: "letter", Title: title,
				Content: fmt.Sprintf("第%d封来信的内容,反映的是不同的事情,请予办理。", i+1), Anonymous: true})
			if err != nil {
				t.Fatal(err)
			}
			ids[title] = rc.Case.ID
		}
		for q, want := range map[string][]string{
			"50%": {titles[0]}, "%": {titles[0]}, "a_b": {titles[2]}, "_": {titles[2]}, `C:\党建`: {titles[4]}, "小组": {titles[3], titles[2]},
		} {
			l, err := c.svc.Cases(c.Ctx, c.Office, cppcc.ViewOffice, CaseFilter{CommitteeID: c.C.ID, Q: q}, store.Page{Number: 1, Size: 20})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, x := range l.Items {
				got = append(got, x.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(idsOf(ids, want)) || l.Total != int64(len(want)) {
				t.Errorf("searching %q found cases %v (%d), want %v", q, got, l.Total, idsOf(ids, want))
			}
		}
	})
}

// idsOf are the ids of the cases titled so, in the order given.
func idsOf(ids map[string]int64, titles []string) []int64 {
	var out []int64
	for _, t := range titles {
		out = append(out, ids[t])
	}
	return out
}
