package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/dues"
	"dangjian/internal/fixture"
	"dangjian/internal/member"
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
	visit.do("POST", "/api/v1/work/visits", fixture.VisitBody(branch.ID), 201, &rec)
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
	name := fmt.Sprintf("hotpaths%d", time.Now().UnixNano())
	guardedDB, err := store.Open(ctx, db.URL+"&application_name="+name+"&options=-c%20citus.multi_task_query_log_level%3Derror")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { guardedDB.Close() })
	a := &API{App: fixture.App(guardedDB, app.Settings{Log: e.api.Log})}
	mux := http.NewServeMux()
	a.Register(mux)
	guarded := a.Auth.Middleware(mux)
	srv := httptest.NewServer(guarded)
	t.Cleanup(srv.Close)
	e.as(t, "county", auth.RoleOrgAdmin, &district[0].ID, nil)

	first := "34010219900101123"
	csv := "姓名,公民身份号码,民族,学历,入党日期,转正日期\n导入人员," + first + string(cnid.CheckChar(first)) + ",汉族,本科,2015-07-01,2016-07-01\n"
	for _, sc := range []fixture.Scenario{
		{Name: "a member's page", URL: fmt.Sprintf("/api/v1/members/%d", m.ID)},
		{Name: "a member's history", URL: fmt.Sprintf("/api/v1/members/%d/history", m.ID)},
		{Name: "a branch's roster", URL: fmt.Sprintf("/api/v1/members?org=%d", branch.ID)},
		{Name: "a street's figures", URL: fmt.Sprintf("/api/v1/orgs/%d/stats", street.ID)},
		{Name: "a district's figures", URL: fmt.Sprintf("/api/v1/orgs/%d/stats", district[0].ID)},
		{Name: "a street's statistics table", URL: fmt.Sprintf("/api/v1/orgs/%d/stats/export", street.ID)},
		{Name: "a street's children", URL: fmt.Sprintf("/api/v1/orgs/%d/children", street.ID)},
		{Name: "a search in a district", URL: fmt.Sprintf("/api/v1/members?org=%d&q=%s", district[0].ID, url.QueryEscape(m.Name[:3]))},
		{Name: "a search by pinyin in a street", URL: fmt.Sprintf("/api/v1/members?org=%d&q=%s", street.ID, m.Initials[:1])},
		{Name: "a work list", URL: fmt.Sprintf("/api/v1/work/visits?org=%d", street.ID)},
		{Name: "a work record", URL: fmt.Sprintf("/api/v1/work/visits/%d", rec.ID)},
		{Name: "a letter", URL: fmt.Sprintf("/api/v1/transfers/%d", letter.ID)},
		{Name: "an edit of a member", Method: "PATCH", URL: fmt.Sprintf("/api/v1/members/%d", m.ID), Body: map[string]any{"post": "组织委员"}},
		{Name: "an import into a branch", Method: "POST", URL: fmt.Sprintf("/api/v1/members/import?org=%d&filename=a.csv", branch.ID), Body: csv},
		{Name: "a member's dues", URL: fmt.Sprintf("/api/v1/members/%d/dues", m.ID)},
		{Name: "a branch's dues", URL: fmt.Sprintf("/api/v1/orgs/%d/dues", branch.ID)},
		{Name: "a branch's dues payments", URL: fmt.Sprintf("/api/v1/dues/payments?org=%d", branch.ID)},
		{Name: "a street's dues report", URL: fmt.Sprintf("/api/v1/orgs/%d/dues/report", street.ID)},
		{Name: "a district's dues remittances", URL: fmt.Sprintf("/api/v1/orgs/%d/dues/remittances", district[0].ID)},
	} {
		sc.As, sc.ExpectedStatus = "county", http.StatusOK
		sc.Test(t, e.fx, guarded)
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
			ON t.gid LIKE 'citus\_%\_' || a.pid || '\_%' WHERE a.application_name = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := twoPhase()
	for _, sc := range []fixture.Scenario{
		{Name: "a visit recorded", Method: "POST", URL: "/api/v1/work/visits", Body: fixture.VisitBody(branch.ID), ExpectedStatus: http.StatusCreated},
		{Name: "a member edited", Method: "PATCH", URL: fmt.Sprintf("/api/v1/members/%d", m.ID), Body: map[string]any{"post": "宣传委员"}, ExpectedStatus: http.StatusOK},
		{Name: "a member's dues paid", Method: "POST", URL: fmt.Sprintf("/api/v1/members/%d/dues/payments", m.ID),
			Body: map[string]any{"through": "2026-06", "method": "cash", "receipt_no": "R1", "paid_on": "2026-06-30"}, ExpectedStatus: http.StatusCreated},
		{Name: "dues remitted to the street", Method: "POST", URL: fmt.Sprintf("/api/v1/orgs/%d/dues/remittances", branch.ID),
			Body: map[string]any{"amount_fen": 100, "remitted_on": "2026-06-30"}, ExpectedStatus: http.StatusCreated},
	} {
		sc.As = "county"
		sc.AfterTest = func(t testing.TB, _ *fixture.Fixture, _ *httptest.ResponseRecorder) {
			if t.Failed() {
				t.Log(e.log.String())
			}
		}
		sc.Test(t, e.fx, guarded)
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
