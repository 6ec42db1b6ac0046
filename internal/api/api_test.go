package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/auth"
	"dangjian/internal/demo"
	"dangjian/internal/fixture"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/web"
	"dangjian/internal/web/site"
)

var clock = fixture.Day

type client struct {
	t     *testing.T
	srv   *httptest.Server
	token string
}

// env is the API and the pages over a fixture's application, as a handler
// (what scenarios are sent to) and on a test server.
type env struct {
	fx   *fixture.Fixture
	api  *API
	site *web.Site
	h    http.Handler
	srv  *httptest.Server
	root org.Org
	log  *storetest.Log // what the server logged
}

func serve(t testing.TB, f *fixture.Fixture) *env {
	e := &env{fx: f, api: &API{App: f.App}, log: f.Logged}
	e.site = &web.Site{DB: f.DB, Orgs: f.Orgs, Members: f.Members, Auth: f.Auth, Work: f.Work, Cppcc: f.Cppcc, Library: f.Library, Log: f.Log,
		Sections: site.Sections()}
	mux := http.NewServeMux()
	e.api.Register(mux)
	e.site.Register(mux)
	e.h = f.Auth.Middleware(mux)
	e.srv = httptest.NewServer(e.h)
	t.Cleanup(e.srv.Close)
	return e
}

// newEnv is a server over an application whose tree is one root
// (示范市委), or the demo city.
func newEnv(t *testing.T, db *store.DB, withDemo bool) *env {
	t.Helper()
	f := fixture.Bare(t, db)
	e := serve(t, f)
	if withDemo {
		sum, err := demo.Load(f.Ctx, f.App, 1, clock)
		if err != nil {
			t.Fatal(err)
		}
		e.root = sum.Root
		return e
	}
	name, typ := "示范市委", "committee"
	var err error
	if e.root, err = f.Orgs.Create(f.Ctx, store.All, org.Input{Name: &name, Type: &typ, Code: &name}); err != nil {
		t.Fatal(err)
	}
	return e
}

// as returns a client holding the API token of a new user with role on org (nil: the whole system).
func (e *env) as(t *testing.T, username, role string, orgID *int64, memberID *int64) *client {
	t.Helper()
	return &client{t: t, srv: e.srv, token: e.fx.NewUser(username, role, orgID, memberID).Token}
}

func newServer(t *testing.T, db *store.DB, withDemo bool) (*client, *API) {
	e := newEnv(t, db, withDemo)
	return e.as(t, "admin", auth.RoleOrgAdmin, &e.root.ID, nil), e.api
}

// do sends a request and decodes the JSON answer into out (if not nil),
// failing the test when the status differs from want.
func (c *client) do(method, path string, body any, want int, out any) {
	c.t.Helper()
	status, raw := c.raw(method, path, body)
	if status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(raw), out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

type errBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct{ Field, Message string }
	} `json:"error"`
}

func TestRegistryOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newEnv(t, db, false)
		c := env.as(t, "admin", auth.RoleOrgAdmin, &env.root.ID, nil)
		var city, street, branch org.Org
		c.do("POST", "/api/v1/orgs", map[string]any{"name": "示范市委", "type": "党委", "code": "A001"}, 400, nil)
		c.do("GET", "/api/v1/orgs/"+itoa(env.root.ID), nil, 200, &city)
		c.do("POST", "/api/v1/orgs", map[string]any{"name": "和平街道党工委", "type": "working_committee", "parent_id": city.ID, "code": "A001"}, 201, &street)
		c.do("POST", "/api/v1/orgs", map[string]any{"name": "和平社区党支部", "type": "branch", "parent_id": street.ID, "founded_on": "2001-07-01"}, 201, &branch)
		if branch.TypeLabel != "党支部" || branch.FoundedOn.String() != "2001-07-01" {
			t.Fatalf("branch: %+v", branch)
		}
		var e errBody
		c.do("POST", "/api/v1/orgs", map[string]any{"name": "重复", "type": "branch", "parent_id": city.ID, "code": "A001"}, 400, &e)
		if e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "组织代码已被其他党组织使用") {
			t.Fatalf("duplicate code: %+v", e)
		}
		c.do("POST", "/api/v1/orgs", `{"name": "x", "type": "branch", "parnt_id": 1}`, 400, &e)
		if !strings.Contains(e.Error.Message, "不认识的字段 parnt_id") {
			t.Fatalf("unknown field: %+v", e)
		}
		c.do("POST", "/api/v1/orgs", `{"name": 5}`, 400, &e)
		if !strings.Contains(e.Error.Message, "类型不对") {
			t.Fatalf("wrong type: %+v", e)
		}
		c.do("GET", "/api/v1/orgs/abc", nil, 404, &e)
		c.do("GET", "/api/v1/orgs/99999", nil, 404, &e)
		if e.Error.Code != "not_found" || !strings.Contains(e.Error.Message, "不存在") {
			t.Fatalf("not found: %+v", e)
		}

		body := map[string]any{"org_id": branch.ID, "name": "张三", "id_number": "11010519491231002x", "ethnicity": "汉族",
			"education": "大学本科", "stage": "full", "joined_on": "1975-07-01", "full_on": "1976-07-01", "phone": "13812345678"}
		var m member.Member
		c.do("POST", "/api/v1/members", body, 201, &m)
		if m.IDMasked != "110105************" || m.BirthMonth != "1949-12" || m.PhoneMasked != "138****5678" || m.Sex != "female" {
			t.Fatalf("member: %+v", m)
		}
		raw := map[string]any{}
		c.do("GET", "/api/v1/members/"+itoa(m.ID), nil, 200, &raw)
		if raw["id_number"] != "110105************" || strings.Contains(mustJSON(raw), "19491231002X") || strings.Contains(mustJSON(raw), "1949-12-31") {
			t.Fatalf("the full ID number left the server: %v", raw)
		}
		var list store.List[member.Member]
		c.do("GET", "/api/v1/members?org="+itoa(street.ID)+"&q=zs", nil, 200, &list)
		if list.Total != 1 || list.Items[0].ID != m.ID {
			t.Fatalf("search: %+v", list)
		}
		c.do("GET", "/api/v1/members?org=x", nil, 400, &e)
		if !strings.Contains(e.Error.Message, "参数 org 应为整数") {
			t.Fatalf("bad query: %+v", e)
		}
		var st struct {
			Members int64 `json:"members"`
			Female  int64 `json:"female"`
			Orgs    int64 `json:"orgs"`
			ByAge   []struct {
				Label string
				N     int64
			} `json:"by_age"`
		}
		c.do("GET", "/api/v1/orgs/"+itoa(city.ID)+"/stats", nil, 200, &st)
		if st.Members != 1 || st.Female != 1 || st.Orgs != 3 || st.ByAge[len(st.ByAge)-1].N != 1 {
			t.Fatalf("stats: %+v", st)
		}
		c.do("DELETE", "/api/v1/orgs/"+itoa(branch.ID), nil, 409, &e)
		if !strings.Contains(e.Error.Message, "还有1名党员") {
			t.Fatalf("dissolve refusal: %+v", e)
		}
		var steps []member.StageEvent
		c.do("GET", "/api/v1/members/"+itoa(m.ID)+"/history", nil, 200, &steps)
		c.do("POST", "/api/v1/members/"+itoa(m.ID)+"/steps", map[string]any{"action": "confirm", "on": "2026-01-01"}, 422, &e)
		if e.Error.Code != "rule_violation" {
			t.Fatalf("illegal step: %+v", e)
		}
		var tr member.Transfer
		c.do("POST", "/api/v1/transfers", map[string]any{"member_id": m.ID, "to_text": "外省某支部", "issued_on": "2026-06-01"}, 201, &tr)
		c.do("POST", "/api/v1/transfers/"+itoa(tr.ID)+"/cancel", nil, 200, &tr)
		if tr.Status != "cancelled" {
			t.Fatalf("cancel: %+v", tr)
		}
		c.do("GET", "/api/v1/nothing", nil, 404, &e)
		if e.Error.Code != "no_route" {
			t.Fatalf("unknown endpoint: %+v", e)
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	c, a := newServer(t, storetest.SQLite(t), false)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	c.do("GET", "/api/v1/openapi.json", nil, 200, &doc)
	if doc.OpenAPI != "3.0.3" {
		t.Fatalf("version %q", doc.OpenAPI)
	}
	for _, rt := range a.Routes() {
		op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("%s %s is not in the document", rt.Method, rt.Path)
			continue
		}
		if op["summary"] == "" {
			t.Errorf("%s %s has no summary", rt.Method, rt.Path)
		}
	}
	d, err := a.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
}

func TestDemoDataOverHTTP(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c, _ := newServer(t, db, true)
		var roots []org.Org
		c.do("GET", "/api/v1/orgs", nil, 200, &roots)
		if len(roots) != 1 || roots[0].Name != "滨江市委" {
			t.Fatalf("roots: %+v", roots)
		}
		var st struct {
			Members      int64 `json:"members"`
			MobileOut    int64 `json:"mobile_out"`
			MobileIn     int64 `json:"mobile_in"`
			TransfersOut int64 `json:"transfers_out_pending"`
			GapNoOrg     int64 `json:"gap_no_org"`
			GapNoMember  int64 `json:"gap_no_member"`
		}
		c.do("GET", "/api/v1/orgs/"+itoa(roots[0].ID)+"/stats", nil, 200, &st)
		if st.Members < 1500 || st.MobileOut == 0 || st.MobileIn == 0 || st.TransfersOut == 0 || st.GapNoOrg == 0 || st.GapNoMember == 0 {
			t.Fatalf("demo figures do not show every view: %+v", st)
		}
		// sheet downloads a workbook and reads its first sheet.
		sheet := func(path string) [][]string {
			status, raw := c.raw("GET", path, nil)
			x, err := excelize.OpenReader(strings.NewReader(raw))
			if status != 200 || err != nil {
				t.Fatalf("%s: %d %v", path, status, err)
			}
			defer x.Close()
			rows, _ := x.GetRows(x.GetSheetList()[0])
			return rows
		}
		// The statistics table downloads with the same total, and a line per
		// organisation below the city and one for the city's own roster.
		rows := sheet("/api/v1/orgs/" + itoa(roots[0].ID) + "/stats/export")
		var children []org.Org
		c.do("GET", "/api/v1/orgs/"+itoa(roots[0].ID)+"/children", nil, 200, &children)
		if len(rows) != 4+1+len(children)+1 || rows[4][0] != "合计" || rows[4][1] != itoa(st.Members) || rows[5][0] != children[0].Name {
			t.Fatalf("statistics table: %d lines, total %q, first line %q; want %d members and %d children", len(rows)-4, rows[4][:2], rows[5][0], st.Members, len(children))
		}
		// A filtered roster exports exactly the people the list finds.
		for _, filter := range []string{"category=probationary", "category=all&stage=activist", "category=member&mobile=1&sort=birth_date"} {
			var list store.List[member.Member]
			c.do("GET", "/api/v1/members?org="+itoa(roots[0].ID)+"&size=100&"+filter, nil, 200, &list)
			rows := sheet("/api/v1/members/export?org=" + itoa(roots[0].ID) + "&" + filter)
			if list.Total == 0 || int64(len(rows)-2) != list.Total || (list.Total <= 100 && rows[2][1] != list.Items[0].Name) {
				t.Fatalf("export %s: %d rows, the list has %d", filter, len(rows)-2, list.Total)
			}
		}
		var risks store.List[member.Transfer]
		c.do("GET", "/api/v1/transfers?risk=1", nil, 200, &risks)
		for _, r := range risks.Items {
			if !r.PocketRisk || r.Status != "pending" {
				t.Fatalf("risk list holds %+v", r)
			}
		}
		var cov Coverage
		c.do("GET", "/api/v1/coverage", nil, 200, &cov)
		if int64(len(cov.NoOrgList)) != min(cov.GapNoOrg, 20) || cov.GapNoOrg != st.GapNoOrg {
			t.Fatalf("coverage: %+v", cov)
		}
		// The coverage table's total is the coverage shown, and the three ways
		// a unit is (not) covered add up to the units on every line.
		rows = sheet("/api/v1/orgs/" + itoa(roots[0].ID) + "/coverage/export")
		head := map[string]int{}
		for i, h := range rows[3] {
			head[h] = i
		}
		head["单位总数"] = 1
		for _, r := range rows[4:] {
			n := func(col string) int64 { v, _ := strconv.ParseInt(r[head[col]], 10, 64); return v }
			if n("已建立或被覆盖党组织")+n("有党员无组织")+n("有企业无党员") != n("单位总数") {
				t.Fatalf("coverage line %q does not add up: %q", r[0], r)
			}
		}
		if total := rows[4]; total[head["单位总数"]] != itoa(cov.Units) || total[head["有党员无组织"]] != itoa(cov.GapNoOrg) ||
			total[head["有企业无党员"]] != itoa(cov.GapNoMember) {
			t.Fatalf("coverage table total %q, coverage %+v", total, cov)
		}
	})
}

// testPassword is the fixture users' password.
const testPassword = fixture.Password
