package demo

import (
	"context"
	"strings"
	"testing"

	"dangjian/internal/store"
)

// Characters that name only a woman, or only a man, in a Chinese given
// name: a man called 秀英 or a woman called 志强 is a slip of the generator.
const (
	womenOnly = "芳娜英静丽艳娟兰霞燕梅婷淑凤秀"
	menOnly   = "强刚军勇伟磊杰涛鹏斌志"
)

// namesMatchSex fails when a generated person's given name is plainly of
// the other sex, in every table that keeps a person's name beside a sex.
func namesMatchSex(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	seen := 0
	for _, q := range []struct{ query, male, female string }{
		{"SELECT name, sex FROM members", "male", "female"},
		{"SELECT name, sex FROM cppcc_members", "男", "女"},
		{"SELECT name, sex FROM candidates", "male", "female"},
	} {
		rows, err := db.QueryContext(ctx, q.query)
		if err != nil {
			t.Fatal(err)
		}
		var bad []string
		for rows.Next() {
			var name, sex string
			if err := rows.Scan(&name, &sex); err != nil {
				t.Fatal(err)
			}
			seen++
			given := string([]rune(name)[1:])
			if (sex == q.male && strings.ContainsAny(given, womenOnly)) || (sex == q.female && strings.ContainsAny(given, menOnly)) {
				bad = append(bad, name+"("+sex+")")
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(bad) > 0 {
			t.Errorf("%s: %d names of the other sex, such as %v", q.query, len(bad), bad[:min(5, len(bad))])
		}
	}
	if seen == 0 {
		t.Fatal("no generated people to look at")
	}
}
