package api

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// TestFundApprovalsOverHTTP sends approvals in parallel from another user
// than the one who entered the disbursements: the fund pays what it holds
// and no more, on both databases, and the figures and the export agree.
func TestFundApprovalsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		maker := e.as(t, "jingban", auth.RoleOrgAdmin, &e.root.ID, nil)
		checker := e.as(t, "shenpi", auth.RoleOrgAdmin, &e.root.ID, nil)
		viewer := e.as(t, "chakan", auth.RoleViewer, &e.root.ID, nil)
		var branch struct{ ID int64 }
		maker.do("POST", "/api/v1/orgs", map[string]any{"name": "和平社区党支部", "type": "branch", "parent_id": e.root.ID}, 201, &branch)
		maker.do("POST", "/api/v1/members", map[string]any{"org_id": branch.ID, "name": "孙党员", "id_number": "11010519800101003" + string(cnid.CheckChar("11010519800101003")), "ethnicity": "汉族",
			"education": "大学本科", "stage": "full", "joined_on": "2010-07-01", "full_on": "2011-07-01"}, 201, nil)
		var fund struct {
			ID      int64 `json:"id"`
			Balance int64 `json:"balance_fen"`
		}
		maker.do("POST", "/api/v1/work/funds", map[string]any{"org_id": branch.ID, "name": "党员关爱基金", "source": "县委组织部划拨",
			"set_on": "2026-01-01", "budget_fen": 250000}, 201, &fund)
		var ids []int64
		for i := 0; i < 6; i++ {
			var d struct{ ID int64 }
			maker.do("POST", "/api/v1/work/disbursements", map[string]any{"parent_id": fund.ID, "member": "孙党员", "purpose": "assistance",
				"amount_fen": 100000, "reason": "困难帮扶"}, 201, &d)
			ids = append(ids, d.ID)
		}
		// The maker cannot approve; a viewer has no approval right; the generic step route does not approve.
		var eb errBody
		maker.do("POST", "/api/v1/work/disbursements/"+itoa(ids[0])+"/approve", nil, 422, &eb)
		if !strings.Contains(eb.Error.Message, "另一名用户") {
			t.Errorf("maker approving: %s", eb.Error.Message)
		}
		viewer.do("POST", "/api/v1/work/disbursements/"+itoa(ids[0])+"/approve", nil, 403, nil)
		statuses := make([]int, len(ids))
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i], _ = checker.raw("POST", "/api/v1/work/disbursements/"+itoa(id)+"/approve", nil)
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusUnprocessableEntity:
			default:
				t.Errorf("approval answered %d", s)
			}
		}
		maker.do("GET", "/api/v1/work/funds/"+itoa(fund.ID), nil, 200, &fund)
		if ok != 2 || fund.Balance != 50000 {
			t.Fatalf("%d approved, balance %d fen; want 2 and 50000", ok, fund.Balance)
		}
		var figs WorkFigures
		viewer.do("GET", "/api/v1/orgs/"+itoa(e.root.ID)+"/work?from=2026-01&to=2026-12", nil, 200, &figs)
		got := map[string]string{}
		for _, l := range figs.Lines {
			got[l.Key] = l.Text
		}
		if got["fund_paid_fen"] != "2,000.00" || got["fund_grants"] != "2" || got["fund_budget_fen"] != "2,500.00" {
			t.Errorf("work figures %v", got)
		}
		res, err := http.DefaultClient.Do(maker.req("GET", "/api/v1/work/disbursements/export?org="+itoa(branch.ID)))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		x, err := excelize.OpenReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("资金发放")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 8 || rows[1][4] != "金额(元)" || rows[7][2] != "孙党员" || rows[7][4] != "1000.00" || rows[7][9] != "jingban" {
			t.Errorf("export rows: %q", rows)
		}
		// Pending entries first, then the approved ones.
		if rows[2][6] != "待审批" || rows[6][6] != "已批准" || rows[7][6] != "已批准" || rows[7][8] != "shenpi" {
			t.Errorf("export order or approvals: %q", rows)
		}
	})
}

// TestAttachmentDownload serves an upload as a download that no browser renders in place.
func TestAttachmentDownload(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), false)
	c := e.as(t, "admin", auth.RoleOrgAdmin, &e.root.ID, nil)
	var a struct{ ID int64 }
	c.do("POST", "/api/v1/attachments?org="+itoa(e.root.ID)+"&filename=承诺书.pdf", "%PDF-1.4 <script>alert(1)</script>", 201, &a)
	var eb errBody
	c.do("POST", "/api/v1/attachments?org="+itoa(e.root.ID)+"&filename=page.html", "<script>", 400, &eb)
	if !strings.Contains(eb.Error.Message, "不接受") {
		t.Errorf("html upload: %s", eb.Error.Message)
	}
	res, err := http.DefaultClient.Do(c.req("GET", "/api/v1/attachments/"+itoa(a.ID)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("headers %v", res.Header)
	}
}

// req is a GET or DELETE request carrying the client's token.
func (c *client) req(method, path string) *http.Request {
	r, _ := http.NewRequest(method, c.srv.URL+path, nil)
	r.Header.Set("Authorization", "Bearer "+c.token)
	return r
}

// TestFiguresCache: figures answered from memory still follow the caller's
// scope, and a change made through the API shows at the next read.
func TestFiguresCache(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), false)
	city := e.as(t, "city", auth.RoleOrgAdmin, &e.root.ID, nil)
	var a, b struct{ ID int64 }
	city.do("POST", "/api/v1/orgs", map[string]any{"name": "甲街道党工委", "type": "working_committee", "parent_id": e.root.ID}, 201, &a)
	city.do("POST", "/api/v1/orgs", map[string]any{"name": "乙街道党工委", "type": "working_committee", "parent_id": e.root.ID}, 201, &b)
	street := e.as(t, "jiajie", auth.RoleOrgAdmin, &a.ID, nil)
	var v struct{ Members, Orgs int64 }
	city.do("GET", "/api/v1/orgs/"+itoa(b.ID)+"/stats", nil, 200, &v) // now in memory
	street.do("GET", "/api/v1/orgs/"+itoa(b.ID)+"/stats", nil, 404, nil)
	city.do("GET", "/api/v1/orgs/"+itoa(e.root.ID)+"/stats", nil, 200, &v)
	before := v.Orgs
	city.do("POST", "/api/v1/orgs", map[string]any{"name": "乙社区党支部", "type": "branch", "parent_id": b.ID}, 201, nil)
	city.do("GET", "/api/v1/orgs/"+itoa(e.root.ID)+"/stats", nil, 200, &v)
	if v.Orgs != before+1 {
		t.Fatalf("organisations %d after adding one to %d", v.Orgs, before)
	}
}
