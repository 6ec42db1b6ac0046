package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/auth"
	"dangjian/internal/demo"
	"dangjian/internal/letters"
	"dangjian/internal/member"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A rotation leaves no value of any text column sealed under the older key,
// computes every keyed lookup hash of the schema's list (store.Rehashed)
// anew, and what they find is still found: a repeat petition from the same
// phone is a repeat (issue 26, point 7).
func TestKeysRotateEveryKeyedColumn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		box, err := secret.Load("", filepath.Join(t.TempDir(), "secret.key"))
		if err != nil {
			t.Fatal(err)
		}
		a := app.New(db, box, app.Settings{})
		// Every sealed column and keyed hash gets values: the demo's roster (with
		// mobile members' contacts) and committee, a member's requested phone,
		// a petition with its sender's name, phone and ID number.
		sum, err := demo.Load(ctx, a, 1, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Consult(ctx, a, demo.PlaceOf(sum.Root.Name), now); err != nil {
			t.Fatal(err)
		}
		u, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: "dangyuan", DisplayName: "党员", Password: "Tq7#mwLp2xZa"})
		if err != nil {
			t.Fatal(err)
		}
		var mid int64
		if err := db.QueryRowContext(ctx, "SELECT MIN(id) FROM members").Scan(&mid); err != nil {
			t.Fatal(err)
		}
		phone := "13955556666"
		if _, err := a.Members.RequestChange(ctx, mid, u.ID, member.RequestInput{Changes: member.Input{Phone: &phone}}); err != nil {
			t.Fatal(err)
		}
		cs, err := a.Cppcc.Committees(ctx, store.All)
		if err != nil {
			t.Fatal(err)
		}
		petition := letters.CaseInput{CommitteeID: cs[0].ID, Box: "petition", Title: "楼顶漏水三年无人维修", Name: "赵建国", Phone: "13812345678", IDNumber: "11010519491231002X",
			Content: "我家住在幸福里小区三号楼,楼顶防水层老化,连续三年雨季漏水,物业和开发商相互推诿,请求有关部门协调维修。"}
		first, err := a.Cppcc.Letters.SubmitPublic(ctx, petition, nil)
		if err != nil {
			t.Fatal(err)
		}
		values := func(c store.Column) []string {
			vs, err := store.Query(ctx, db, func(sc store.Scanner) (string, error) {
				var v string
				return v, sc.Scan(&v)
			}, "SELECT "+c.Name+" FROM "+c.Table+" WHERE "+c.Name+" IS NOT NULL AND "+c.Name+" <> ''")
			if err != nil {
				t.Fatal(err)
			}
			return vs
		}
		before := map[store.Column][]string{}
		for _, c := range append(slices.Clone(store.Sealed), store.Rehashed...) {
			if before[c] = values(c); len(before[c]) == 0 {
				t.Fatalf("the test leaves %s empty: give it a value", c)
			}
		}

		if _, err := box.AddKey(); err != nil {
			t.Fatal(err)
		}
		if _, err := rotate(ctx, a, 50, func(int) {}); err != nil {
			t.Errorf("rotate: %v", err)
		}
		old := secret.Prefix(1)
		for _, c := range storetest.Columns(t, db) {
			if !c.Text {
				continue
			}
			var n int
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.Table+" WHERE "+c.Name+" LIKE $1", old+"%").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("%d values of %s still sealed under the retired key", n, c.Column)
			}
		}
		for _, c := range store.Rehashed {
			after := values(c)
			for _, v := range before[c] {
				if slices.Contains(after, v) {
					t.Errorf("%s keeps a hash made under the retired key", c)
					break
				}
			}
		}
		again := petition
		again.Title, again.Content = "再次反映楼顶漏水", "上次反映的楼顶漏水问题至今没有人来看,雨季又要到了,请尽快处理。"
		rep, err := a.Cppcc.Letters.SubmitPublic(ctx, again, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Case.DuplicateOf == nil || *rep.Case.DuplicateOf != first.Case.ID {
			t.Errorf("after the rotation a petition from the same phone is not a repeat of %d: %+v", first.Case.ID, rep.Case)
		}
	})
}
