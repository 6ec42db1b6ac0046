package library

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"dangjian/internal/apperr"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestSearchWordsBounded: a query of too many, too long words is refused
// with the reason before any work, the index not even opened (issue 26,
// point 8: 10 words of 9,000 characters held the index lock for seconds).
func TestSearchWordsBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := &Service{DB: db, Orgs: &org.Service{DB: db}, Dir: filepath.Join(t.TempDir(), "library")}
		words := func(n, size int) string {
			w := make([]string, n)
			for i := range w {
				w[i] = strings.Repeat(string(rune('甲'+i)), size)
			}
			return strings.Join(w, " ")
		}
		for _, c := range []struct{ text, want string }{
			{words(10, 9000), "检索内容最多100个字"},
			{words(11, 2), "检索词最多10个"},
			{words(1, 31), "每个检索词最多30个字"},
			{words(4, 30), "检索内容最多100个字"},
		} {
			_, err := s.Search(ctx, Public, Query{Text: c.text})
			e, ok := apperr.As(err)
			if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "q" || e.Fields[0].Message != c.want {
				t.Errorf("a query of %d characters: %v, want %q", len([]rune(c.text)), err, c.want)
			}
		}
		if s.index != nil {
			t.Error("a refused query opened the index")
		}
		if _, err := s.Search(ctx, Public, Query{Text: words(3, 30)}); err != nil {
			t.Errorf("a query within the bounds: %v", err)
		}
	})
}
