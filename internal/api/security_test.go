package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// A browser session (cookie) must send its anti-forgery token with every change.
func TestCookieSessionNeedsCSRFToken(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), false)
	e.as(t, "cookie", auth.RoleOrgAdmin, &e.root.ID, nil)
	var s SessionAnswer
	(&client{t: t, srv: e.srv}).do("POST", "/api/v1/session", LoginInput{"cookie", testPassword}, 201, &s)
	send := func(csrf string) int {
		req, _ := http.NewRequest("PATCH", e.srv.URL+"/api/v1/orgs/"+itoa(e.root.ID), strings.NewReader(`{"secretary":"李书记"}`))
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: s.Token})
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := send(""); got != http.StatusForbidden {
		t.Fatalf("without the token: %d", got)
	}
	if got := send("forged"); got != http.StatusForbidden {
		t.Fatalf("with a wrong token: %d", got)
	}
	if got := send(s.CSRF); got != http.StatusOK {
		t.Fatalf("with the token: %d", got)
	}
}

func TestRevealIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		id := m.Person("own", "full").ID
		var got member.Member
		m.users["secretary"].do("GET", "/api/v1/members/"+itoa(id), nil, 200, &got)
		var clear member.Revealed
		m.users["secretary"].do("POST", "/api/v1/members/"+itoa(id)+"/reveal", nil, 200, &clear)
		if len(clear.IDNumber) != 18 || clear.IDNumber[:6] != got.IDMasked[:6] || clear.Phone != "13912345678" {
			t.Fatalf("revealed %+v for %+v", clear, got)
		}
		l, err := audit.List(context.Background(), db, store.All, audit.Filter{Action: "reveal"}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 1 || l.Items[0].Username != "usecretary" || l.Items[0].ObjectID != id {
			t.Fatalf("reveal trail: %+v", l.Items)
		}
		// The trail itself keeps personal fields masked.
		var all bytes.Buffer
		_ = audit.Each(context.Background(), db, store.All, audit.Filter{}, func(e audit.Entry) error {
			all.Write(e.Detail)
			return nil
		})
		if strings.Contains(all.String(), clear.IDNumber) || strings.Contains(all.String(), clear.Phone) {
			t.Fatal("the audit trail holds a clear ID number or phone")
		}
	})
}

func TestAuditVerifyNamesEditedEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatrix(t, db)
		var v Verification
		m.users["auditor"].do("GET", "/api/v1/audit/verify", nil, 200, &v)
		if v.Entries < 10 || len(v.Problems) != 0 {
			t.Fatalf("fresh trail: %+v", v)
		}
		// The application cannot change the trail: the database refuses.
		if _, err := db.ExecContext(ctx, "UPDATE audit_log SET username = 'nobody' WHERE id = 5"); err == nil {
			t.Fatal("the database allowed an update of the audit trail")
		}
		// Someone with the database owner's rights switches the guard off and edits entry 5.
		storetest.AuditGuardOff(t, db)
		if _, err := db.ExecContext(ctx, "UPDATE audit_log SET username = 'nobody' WHERE id = 5"); err != nil {
			t.Fatal(err)
		}
		m.users["auditor"].do("GET", "/api/v1/audit/verify", nil, 200, &v)
		if len(v.Problems) != 1 || v.Problems[0].ID != 5 || !strings.Contains(v.Problems[0].Reason, "第5条记录的内容与其哈希不符") {
			t.Fatalf("verify after an edit: %+v", v.Problems)
		}
		// Entry 8 goes; the next entry of its chain (its province's) names the gap.
		var next int64
		if err := db.QueryRowContext(ctx, `SELECT MIN(id) FROM audit_log WHERE id > 8 AND province_id = (SELECT province_id FROM audit_log WHERE id = 8)`).Scan(&next); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM audit_log WHERE id = 8"); err != nil {
			t.Fatal(err)
		}
		ps, _, err := audit.Verify(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var named []string
		for _, p := range ps {
			named = append(named, p.Reason)
		}
		all := strings.Join(named, "|")
		if !strings.Contains(all, fmt.Sprintf("第%d条之前缺少1条记录", next)) || !strings.Contains(all, "第5条") {
			t.Fatalf("verify after a deletion: %v", named)
		}
	})
}

// A known ID number must not appear in the database's bytes: not in the
// SQLite file and its WAL, not in a dump of the PostgreSQL schema.
func TestIDNumberNotStoredInClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		admin := m.users["org_admin"]
		id := m.Person("own", "full").ID
		var clear member.Revealed
		admin.do("POST", "/api/v1/members/"+itoa(id)+"/reveal", nil, 200, &clear)
		// What puts a number at risk: a search and an export by it, a
		// refused registration, a contact and a requested phone.
		admin.do("GET", "/api/v1/members?q="+clear.IDNumber, nil, 200, nil)
		admin.do("GET", fmt.Sprintf("/api/v1/members/export?org=%d&q=%s", m.streetA.ID, clear.IDNumber), nil, 200, nil)
		admin.do("POST", "/api/v1/members", map[string]any{"org_id": m.branchA.ID, "name": "重复登记", "id_number": clear.IDNumber,
			"ethnicity": "汉族", "education": "大学本科", "stage": "applicant", "applied_on": "2025-01-01"}, 400, nil)
		admin.do("POST", "/api/v1/mobile", map[string]any{"kind": "out", "member_id": id, "present_place": "深圳", "contact": "手机 13700001111",
			"since": "2026-01-01"}, 201, nil)
		m.users["member"].do("POST", "/api/v1/me/requests", map[string]any{"changes": map[string]any{"phone": "13600002222"}}, 201, nil)
		var reqs struct{ Items []member.ChangeRequest }
		admin.do("GET", "/api/v1/requests", nil, 200, &reqs)
		if len(reqs.Items) != 1 || *reqs.Items[0].Shown.Phone != "136****2222" {
			t.Fatalf("a requested phone as the administrator sees it: %+v", reqs.Items)
		}
		storetest.NoClearIdentifiers(t, db, []string{clear.IDNumber, clear.Phone, "13700001111", "13600002222"}, m.e.log.Bytes())
		var names int
		if err := db.QueryRowContext(m.ctx, "SELECT COUNT(*) FROM members WHERE name LIKE '矩阵人员%'").Scan(&names); err != nil || names == 0 {
			t.Fatalf("the check reads the wrong database: %v %d", err, names)
		}
	})
}

// Every record is still readable and findable by its ID number after the
// key is rotated, and uniqueness still holds.
func TestKeyRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box, err := secret.Load("", filepath.Join(t.TempDir(), "secret.key"))
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, db, false)
		mem := e.api.Members
		mem.Box = box
		applied := date.New(2025, 1, 1)
		add := func(idn string) (member.Member, error) {
			return mem.Create(ctx, store.All, member.Input{OrgID: &e.root.ID, Name: sp("轮换测试"), IDNumber: &idn, Ethnicity: sp("汉族"),
				Education: sp("高中"), Stage: sp("applicant"), AppliedOn: &applied, Phone: sp("13912345678")})
		}
		var ids []int64
		var numbers []string
		for i := 0; i < 7; i++ {
			first := fmt.Sprintf("11010519800101%03d", i)
			idn := first + string(cnid.CheckChar(first))
			p, err := add(idn)
			if err != nil {
				t.Fatal(err)
			}
			ids, numbers = append(ids, p.ID), append(numbers, idn)
		}
		if _, err := box.AddKey(); err != nil {
			t.Fatal(err)
		}
		n, err := mem.Reencrypt(ctx, 3, nil)
		if err != nil || n != 7 {
			t.Fatalf("re-encrypted %d: %v", n, err)
		}
		var old int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE id_enc LIKE 'k1:%' OR phone_enc LIKE 'k1:%'").Scan(&old); err != nil || old != 0 {
			t.Fatalf("%d rows still under the old key (%v)", old, err)
		}
		for i, id := range ids {
			r, err := mem.Reveal(ctx, store.All, id)
			if err != nil || r.IDNumber != numbers[i] || r.Phone != "13912345678" {
				t.Fatalf("after rotation %d reads %+v, %v", id, r, err)
			}
			l, err := mem.List(ctx, store.All, member.Filter{Q: numbers[i]}, store.Page{})
			if err != nil || l.Total != 1 || l.Items[0].ID != id {
				t.Fatalf("search by ID after rotation: %+v %v", l, err)
			}
		}
		if _, err := add(numbers[0]); err == nil || !strings.Contains(err.Error(), "已登记在系统中") {
			t.Fatalf("a duplicate ID number after rotation: %v", err)
		}
	})
}

func TestAuditExportOpensInExcel(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	req, _ := http.NewRequest("GET", m.e.srv.URL+"/api/v1/audit/export?action=grant", nil)
	req.Header.Set("Authorization", "Bearer "+m.users["auditor"].token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	x, err := excelize.OpenReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("审计日志")
	if err != nil {
		t.Fatal(err)
	}
	// One grant per role user the fixture made.
	if len(rows) != 1+len(auth.Roles) || rows[0][4] != "操作" || rows[1][4] != "授予角色" || rows[1][5] != "授权" || rows[0][6] != "对象名称" || !strings.Contains(rows[1][8], "角色:") ||
		!strings.Contains(rows[1][9], `"role"`) {
		t.Fatalf("sheet: %v", rows)
	}
	l, _ := audit.List(context.Background(), m.e.api.DB, store.All, audit.Filter{Action: "export"}, store.Page{})
	if l.Total != 1 || l.Items[0].Username != "uauditor" {
		t.Fatalf("the export is not in the trail: %+v", l.Items)
	}
}

func TestRosterImportAndExportOverHTTP(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	good := func(i int) string {
		first := fmt.Sprintf("35010219900101%03d", i)
		return first + string(cnid.CheckChar(first))
	}
	csv := "姓名,公民身份号码,民族,学历,入党日期,转正日期\n甲," + good(1) + ",汉族,本科,2015-07-01,2016-07-01\n乙,12345,汉族,本科,2015-07-01,2016-07-01\n"
	path := fmt.Sprintf("/api/v1/members/import?org=%d&filename=a.csv", m.branchA.ID)
	var rep struct {
		Errors  []struct{ Row int }
		Added   int
		Refused bool
	}
	m.users["secretary"].do("POST", path, csv, 200, &rep)
	if !rep.Refused || rep.Added != 1 || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 {
		t.Fatalf("all-or-nothing import: %+v", rep)
	}
	m.users["secretary"].do("POST", path+"&mode=valid", csv, 200, &rep)
	if rep.Refused || rep.Added != 1 {
		t.Fatalf("valid-rows import: %+v", rep)
	}
	download := func(c *client, q string) *excelize.File {
		req, _ := http.NewRequest("GET", m.e.srv.URL+"/api/v1/members/export?"+q, nil)
		if strings.Contains(q, "reason") {
			req, _ = http.NewRequest("POST", m.e.srv.URL+"/api/v1/members/export/full?"+q[:strings.Index(q, "&reason")],
				strings.NewReader(`{"reason":"向区委组织部报送花名册"}`))
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("export %s: %v %v", q, res.StatusCode, err)
		}
		defer res.Body.Close()
		x, err := excelize.OpenReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	// Full numbers: asked for by POST with a reason, never by a GET link.
	if st, _ := m.users["secretary"].raw("GET", fmt.Sprintf("/api/v1/members/export?org=%d&reveal=1", m.branchA.ID), nil); st != 400 {
		t.Fatalf("GET export with reveal=1: %d", st)
	}
	if st, text := m.users["secretary"].raw("POST", fmt.Sprintf("/api/v1/members/export/full?org=%d", m.branchA.ID), `{"reason":""}`); st != 400 || !strings.Contains(text, "用途") {
		t.Fatalf("full export without a reason: %d %s", st, text)
	}
	x := download(m.users["secretary"], fmt.Sprintf("org=%d&q=%s&reason", m.branchA.ID, good(1)))
	rows, _ := x.GetRows("党员花名册")
	if len(rows) != 3 || rows[2][4] != good(1) || rows[2][5] != "1990-01-01" {
		t.Fatalf("the full export of the number searched for: %v", rows)
	}
	l, err := audit.List(context.Background(), m.e.api.DB, store.All, audit.Filter{Action: "export", ObjectType: "member"}, store.Page{})
	if err != nil || l.Total != 1 {
		t.Fatalf("export trail: %v %+v", err, l)
	}
	if d := string(l.Items[0].Detail); !strings.Contains(d, "向区委组织部报送花名册") || strings.Contains(d, good(1)) || !strings.Contains(d, cnid.Mask(good(1))) {
		t.Fatalf("the trail of a full export: %s", d)
	}
	x = download(m.users["org_admin"], fmt.Sprintf("org=%d", m.branchA.ID))
	rows, _ = x.GetRows("党员花名册")
	for _, r := range rows[2:] {
		if r[4] != r[4][:6]+"************" || len(r[5]) != len("1990-01") {
			t.Fatalf("a masked export shows %q born %q", r[4], r[5])
		}
	}
	storetest.NoClearIdentifiers(t, m.e.api.DB, []string{good(1)}, m.e.log.Bytes())
}

// A roster larger than an ordinary request body still arrives whole.
func TestLargeRosterUpload(t *testing.T) {
	m := newMatrix(t, storetest.SQLite(t))
	var b strings.Builder
	b.WriteString("姓名,公民身份号码\n")
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "人员%d,不是号码%d\n", i, i)
	}
	var rep struct {
		Errors  []struct{ Row int }
		Refused bool
	}
	m.users["org_admin"].do("POST", fmt.Sprintf("/api/v1/members/import?org=%d&filename=big.csv", m.branchA.ID), b.String(), 200, &rep)
	if !rep.Refused || len(rep.Errors) < 100000 {
		t.Fatalf("a 3 MB roster: refused %v with %d errors", rep.Refused, len(rep.Errors))
	}
}
