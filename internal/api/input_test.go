package api

import (
	"fmt"
	"strings"
	"testing"

	"dangjian/internal/store/storetest"
)

// Broken bytes and NUL in a JSON body are refused, never stored as
// replacement characters; numbers and page sizes keep their domains.
func TestRequestsKeepTheirDomains(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	c := m.users["org_admin"]
	visit := func(visitor string) string {
		return fmt.Sprintf(`{"org_id":%d,"kind":"visit","visited_on":"2026-05-01","visitor":"%s","target_kind":"household","target_name":"张家"}`, m.branchA.ID, visitor)
	}
	for name, body := range map[string]string{"invalid UTF-8": visit("王\xff书记"), "NUL": visit(`王\u0000书记`), "cut short": visit("王书记")[:40]} {
		if st, text := c.raw("POST", "/api/v1/work/visits", body); st != 400 || !strings.Contains(text, "请求内容") || strings.Contains(text, "EOF") {
			t.Errorf("%s: %d %s", name, st, text)
		}
	}
	for path, want := range map[string]string{
		fmt.Sprintf("/api/v1/members?org=%d&page=9223372036854775807", m.branchA.ID): "页码",
		fmt.Sprintf("/api/v1/members?org=%d&size=-5", m.branchA.ID):                  "每页条数",
		fmt.Sprintf("/api/v1/members?org=%d&colour=red", m.branchA.ID):               "不认识的参数 colour",
		fmt.Sprintf("/api/v1/work/visits?org=%d&parent=1", m.branchA.ID):             "不认识的参数 parent",
	} {
		if st, text := c.raw("GET", path, nil); st != 400 || !strings.Contains(text, want) {
			t.Errorf("%s: %d %.200s", path, st, text)
		}
	}
	var l struct{ Items []map[string]any }
	c.do("GET", "/api/v1/work/visits", nil, 200, &l)
	for _, it := range l.Items {
		if v, _ := it["visitor"].(string); strings.ContainsAny(v, "\ufffd\x00") {
			t.Fatalf("a stored visitor %q", v)
		}
	}
}
