package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/dues"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

// TestHotPathsStayInOneProvince runs, on a Citus cluster, the requests a
// county, a street or a branch makes all day — a member's page and history,
// a branch's roster, a street's figures and statistics table, a search in a
// district, a work list and a record, a letter, an import into a branch —
// through a server whose every connection refuses a statement that would
// run on more than one shard (citus.multi_task_query_log_level = error).
// Each answers: each statement is routed to the one worker of the province.
// The whole-country reads (the root's figures, a search of the whole tree)
// are the multi-shard ones, and are refused there.
func TestHotPathsStayInOneProvince(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	db := storetest.Citus(t)
	e := newEnv(t, db, true)
	ctx := context.Background()
	district, err := e.api.Orgs.Children(ctx, store.All, e.root.ID)
	if err != nil || len(district) < 2 {
		t.Fatalf("districts: %v %v", district, err)
	}
	roster, err := e.api.Members.List(ctx, store.ScopeOf(district[0].Path), member.Filter{Stage: "full"}, store.Page{Size: 5})
	if err != nil || len(roster.Items) == 0 {
		t.Fatalf("members of %s: %v %v", district[0].Name, roster, err)
	}
	m := roster.Items[0]
	branch, err := e.api.Orgs.Get(ctx, store.All, m.OrgID)
	if err != nil || branch.ParentID == nil {
		t.Fatalf("branch: %+v %v", branch, err)
	}
	street, err := e.api.Orgs.Get(ctx, store.All, *branch.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	visit := e.as(t, "setup", auth.RoleOrgAdmin, &street.ID, nil)
	var rec struct{ ID int64 }
	visit.do("POST", "/api/v1/work/visits", visitBody(branch.ID), 201, &rec)
	var letter member.Transfer
	visit.do("POST", "/api/v1/transfers", map[string]any{"member_id": m.ID, "to_text": "外省某党委", "issued_on": "2026-06-02"}, 201, &letter)

	// A member's dues: a base confirmed, a payment.
	base, err := e.api.Dues.SetBase(ctx, store.All, m.ID, dues.BaseInput{Year: 2026, Kind: dues.KindWage, BaseFen: 450_000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.Dues.ActOnOwnBase(ctx, m.ID, base.ID, "confirm", dues.ActInput{}); err != nil {
		t.Fatal(err)
	}

	// The same server over connections that refuse a multi-shard statement.
	app := fmt.Sprintf("hotpaths%d", time.Now().UnixNano())
	guarded, err := store.Open(ctx, db.URL+"&application_name="+app+"&options=-c%20citus.multi_task_query_log_level%3Derror")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { guarded.Close() })
	guarded.Signer = db.Signer
	now := func() time.Time { return clock }
	orgs := &org.Service{DB: guarded, Now: now}
	ledger := &dues.Service{DB: guarded, Now: now}
	a := &API{DB: guarded, Orgs: orgs, Members: &member.Service{DB: guarded, Box: e.api.Members.Box, Orgs: orgs, Now: now, Ledger: ledger},
		Auth: &auth.Service{DB: guarded, Now: now}, Work: &work.Service{DB: guarded, Now: now}, Dues: ledger, Now: now,
		Log: slog.New(slog.NewTextHandler(e.log, nil))}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(a.Auth.Middleware(mux))
	t.Cleanup(srv.Close)
	county := e.as(t, "county", auth.RoleOrgAdmin, &district[0].ID, nil)
	county.srv = srv

	first := "34010219900101123"
	csv := "姓名,公民身份号码,民族,学历,入党日期,转正日期\n导入人员," + first + string(cnid.CheckChar(first)) + ",汉族,本科,2015-07-01,2016-07-01\n"
	for _, r := range []struct {
		what, method, path string
		body               any
		want               int
	}{
		{"a member's page", "GET", fmt.Sprintf("/api/v1/members/%d", m.ID), nil, 200},
		{"a member's history", "GET", fmt.Sprintf("/api/v1/members/%d/history", m.ID), nil, 200},
		{"a branch's roster", "GET", fmt.Sprintf("/api/v1/members?org=%d", branch.ID), nil, 200},
		{"a street's figures", "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", street.ID), nil, 200},
		{"a district's figures", "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", district[0].ID), nil, 200},
		{"a street's statistics table", "GET", fmt.Sprintf("/api/v1/orgs/%d/stats/export", street.ID), nil, 200},
		{"a street's children", "GET", fmt.Sprintf("/api/v1/orgs/%d/children", street.ID), nil, 200},
		{"a search in a district", "GET", fmt.Sprintf("/api/v1/members?org=%d&q=%s", district[0].ID, url.QueryEscape(m.Name[:3])), nil, 200},
		{"a search by pinyin in a street", "GET", fmt.Sprintf("/api/v1/members?org=%d&q=%s", street.ID, m.Initials[:1]), nil, 200},
		{"a work list", "GET", fmt.Sprintf("/api/v1/work/visits?org=%d", street.ID), nil, 200},
		{"a work record", "GET", fmt.Sprintf("/api/v1/work/visits/%d", rec.ID), nil, 200},
		{"a letter", "GET", fmt.Sprintf("/api/v1/transfers/%d", letter.ID), nil, 200},
		{"an edit of a member", "PATCH", fmt.Sprintf("/api/v1/members/%d", m.ID), map[string]any{"post": "组织委员"}, 200},
		{"an import into a branch", "POST", fmt.Sprintf("/api/v1/members/import?org=%d&filename=a.csv", branch.ID), csv, 200},
		{"a member's dues", "GET", fmt.Sprintf("/api/v1/members/%d/dues", m.ID), nil, 200},
		{"a branch's dues", "GET", fmt.Sprintf("/api/v1/orgs/%d/dues", branch.ID), nil, 200},
		{"a branch's dues payments", "GET", fmt.Sprintf("/api/v1/dues/payments?org=%d", branch.ID), nil, 200},
		{"a street's dues report", "GET", fmt.Sprintf("/api/v1/orgs/%d/dues/report", street.ID), nil, 200},
		{"a district's dues remittances", "GET", fmt.Sprintf("/api/v1/orgs/%d/dues/remittances", district[0].ID), nil, 200},
	} {
		status, body := county.raw(r.method, r.path, r.body)
		if status != r.want {
			t.Errorf("%s (%s %s): %d %s", r.what, r.method, r.path, status, body)
		}
	}
	if log := e.log.String(); strings.Contains(log, "multi-task") {
		t.Errorf("a hot path ran a multi-shard statement:\n%s", log)
	}
	// A change within a province — a visit recorded, a member edited, each
	// with its entry of the audit trail — is a transaction of the province's
	// worker alone: none of them needed a two-phase commit (the coordinator
	// keeps one row in pg_dist_transaction for each node a commit prepared
	// on, named after the coordinator's backend).
	twoPhase := func() int {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_dist_transaction t JOIN pg_stat_activity a
			ON t.gid LIKE 'citus\_%\_' || a.pid || '\_%' WHERE a.application_name = $1`, app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := twoPhase()
	for _, w := range []struct {
		what, method, path string
		body               any
		want               int
	}{
		{"a visit recorded", "POST", "/api/v1/work/visits", visitBody(branch.ID), 201},
		{"a member edited", "PATCH", fmt.Sprintf("/api/v1/members/%d", m.ID), map[string]any{"post": "宣传委员"}, 200},
		{"a member's dues paid", "POST", fmt.Sprintf("/api/v1/members/%d/dues/payments", m.ID),
			map[string]any{"through": "2026-06", "method": "cash", "receipt_no": "R1", "paid_on": "2026-06-30"}, 201},
		{"dues remitted to the street", "POST", fmt.Sprintf("/api/v1/orgs/%d/dues/remittances", branch.ID),
			map[string]any{"amount_fen": 100, "remitted_on": "2026-06-30"}, 201},
	} {
		if status, body := county.raw(w.method, w.path, w.body); status != w.want {
			t.Errorf("%s: %d %s\n%s", w.what, status, body, e.log.String())
		}
	}
	if after := twoPhase(); after != before {
		t.Errorf("changes within a province committed on %d nodes by two-phase commit", after-before)
	}
	// The whole country's figures are summed over the provinces: refused
	// by the guard, answered by an unguarded connection, equal to the sum.
	national := e.as(t, "national", auth.RoleOrgAdmin, &e.root.ID, nil)
	national.srv = srv
	if status, _ := national.raw("GET", fmt.Sprintf("/api/v1/orgs/%d/stats", e.root.ID), nil); status != 500 {
		t.Errorf("the root's figures ran on one shard: %d", status)
	}
	// A search of the whole country by ID number: the registry names the
	// province, whose worker alone is asked.
	var found struct{ Items []member.Member }
	if status, body := national.raw("GET", "/api/v1/members?q="+m.IDNumber, nil); status != 200 {
		t.Errorf("search by ID number over the country: %d %s", status, body)
	} else if err := json.Unmarshal([]byte(body), &found); err != nil || len(found.Items) != 1 || found.Items[0].ID != m.ID {
		t.Errorf("search by ID number found %+v", found.Items)
	}
	storetest.NoMismatch(t, db, work.Recount, dues.Recount)
}
