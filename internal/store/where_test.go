package store_test

import (
	"context"
	"testing"

	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A search finds what was typed, % and _ and \ included, never everything
// that a wildcard would match, on every engine.
func TestLikeFindsTheTextAsTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT NOT NULL, title TEXT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		for i, b := range []string{"完成率50%以上", "完成率500人", "a_b 小组", "axb 小组", `路径C:\党建`, "标题在此"} {
			if _, err := db.ExecContext(ctx, "INSERT INTO notes VALUES ($1, $2, $3)", i+1, b, "无"); err != nil {
				t.Fatal(err)
			}
		}
		found := func(q string) []int {
			w := store.NewWhere()
			w.Like(q, "body", "title")
			rows, err := db.QueryContext(ctx, "SELECT id FROM notes WHERE 1 = 1"+w.String()+" ORDER BY id", w.Args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var ids []int
			for rows.Next() {
				var id int
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			return ids
		}
		for q, want := range map[string][]int{"50%": {1}, "%": {1}, "a_b": {3}, "_": {3}, `C:\党建`: {5}, "小组": {3, 4}, "无": {1, 2, 3, 4, 5, 6}} {
			if got := found(q); !equal(got, want) {
				t.Errorf("searching %q found rows %v, want %v", q, got, want)
			}
		}
	})
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
