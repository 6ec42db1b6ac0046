package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"dangjian/internal/auth"
	"dangjian/internal/web"
)

// A form whose transaction the database cancelled for a conflict (a
// deadlock, a shard being moved) is run again, as the API runs a request
// again, and the user sees it done once; one that keeps failing is the
// error page in Chinese.
func TestPageRetriesACancelledTransaction(t *testing.T) {
	tries, always := 0, 0
	b := newSiteWith(t,
		func(*web.Site) []web.Route {
			return []web.Route{{"POST /test/flaky", auth.PermAuth, 0, func(*web.Call) (web.Answer, error) {
				if tries++; tries == 1 {
					return nil, &pgconn.PgError{Code: "40P01"}
				}
				return web.Redirect{To: "/help", Flash: "已保存试验"}, nil
			}}}
		},
		func(*web.Site) []web.Route {
			return []web.Route{{"POST /test/stuck", auth.PermAuth, 0, func(*web.Call) (web.Answer, error) {
				always++
				return nil, &pgconn.PgError{Code: "40001"}
			}}}
		},
	)
	if code, _ := b.login(pw); code != 200 {
		t.Fatal("login")
	}
	_, page := b.get("/help")
	code, body := b.post("/test/flaky", url.Values{"csrf": {csrfOf(page)}})
	if code != http.StatusOK || tries != 2 || !strings.Contains(body, "已保存试验") {
		t.Fatalf("a cancelled form: %d after %d tries", code, tries)
	}
	code, body = b.post("/test/stuck", url.Values{"csrf": {csrfOf(page)}})
	if code < 500 || always != 5 || strings.Contains(body, "40001") || !strings.Contains(body, "请稍后") {
		t.Fatalf("a form cancelled every time: %d after %d tries: %s", code, always, body)
	}
}

// The permission of a row is checked before its handler runs, and a form
// without its anti-forgery token never reaches it.
func TestPageRefusedBeforeItsHandlerRuns(t *testing.T) {
	ran := 0
	b := newSiteWith(t,
		func(*web.Site) []web.Route {
			return []web.Route{{"POST /test/users", auth.PermUserAdmin, 0, func(*web.Call) (web.Answer, error) {
				ran++
				return web.Redirect{To: "/"}, nil
			}}}
		},
		func(*web.Site) []web.Route {
			return []web.Route{{"POST /test/any", auth.PermAuth, 0, func(*web.Call) (web.Answer, error) {
				ran++
				return web.Redirect{To: "/"}, nil
			}}}
		},
	)
	if code, _ := b.login(pw); code != 200 {
		t.Fatal("login")
	}
	_, page := b.get("/help")
	if code, body := b.post("/test/users", url.Values{"csrf": {csrfOf(page)}}); code != http.StatusForbidden || !strings.Contains(body, "没有进行此操作的权限") {
		t.Fatalf("an organisation's administrator on a user form: %d", code)
	}
	if code, _ := b.post("/test/any", url.Values{"csrf": {"forged"}}); code != http.StatusForbidden {
		t.Fatalf("a forged form: %d", code)
	}
	if ran != 0 {
		t.Fatalf("a refused request ran its handler %d times", ran)
	}
}
