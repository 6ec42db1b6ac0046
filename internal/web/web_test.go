package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/consultation"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/web"
	"dangjian/internal/web/site"
	"dangjian/internal/work"
)

const pw = "Tq7#mwLp2xZa"

type browser struct {
	t    *testing.T
	srv  *httptest.Server
	c    *http.Client
	mem  *member.Service
	auth *auth.Service
}

func newSite(t *testing.T) *browser { return newSiteWith(t) }

// newSiteWith is newSite with more rows served, as the route table's are.
func newSiteWith(t *testing.T, more ...web.Section) *browser {
	db := storetest.SQLite(t)
	ctx := context.Background()
	orgs := &org.Service{DB: db}
	name, typ := "滨江市委", "committee"
	root, err := orgs.Create(ctx, store.All, org.Input{Name: &name, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	a := &auth.Service{DB: db}
	u, err := a.CreateUser(ctx, auth.NewUser{Username: "wang", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: auth.RoleOrgAdmin, OrgID: &root.ID}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	box, _ := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	mem := &member.Service{DB: db, Box: box, Orgs: orgs}
	s := &web.Site{DB: db, Orgs: orgs, Members: mem, Auth: a, Work: &work.Service{DB: db}, Cppcc: consultation.New(db, box, nil),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Sections: append(site.Sections(), more...)}
	s.Register(mux)
	srv := httptest.NewServer(a.Middleware(mux))
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, c: &http.Client{Jar: jar}, mem: mem, auth: a}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	res, err := b.c.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	res, err := b.c.PostForm(b.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(page string) string {
	if m := csrfRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// signedInSite is a site with its administrator signed in.
func signedInSite(t *testing.T) *browser {
	b := newSite(t)
	if code, _ := b.login(pw); code != 200 {
		t.Fatal("login")
	}
	return b
}

func (b *browser) login(password string) (int, string) {
	_, page := b.get("/login")
	return b.post("/login", url.Values{"csrf": {csrfOf(page)}, "username": {"wang"}, "password": {password}})
}

func TestLoginAndLockoutMessage(t *testing.T) {
	b := newSite(t)
	if code, page := b.get("/"); code != 200 || !strings.Contains(page, "<h1>登录</h1>") {
		t.Fatalf("a visitor is not sent to the login page: %d", code)
	}
	for i := 1; i <= 5; i++ {
		code, page := b.login("wrong")
		if code != http.StatusUnauthorized || !strings.Contains(page, "用户名或密码错误。连续输错5次账号将被锁定15分钟") {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if code, page := b.login(pw); code != http.StatusUnauthorized || !strings.Contains(page, "已被锁定时请稍后重试") {
		t.Fatalf("right password while locked: %d", code)
	}
}

func TestFormsNeedTheirCSRFToken(t *testing.T) {
	b := newSite(t)
	// The login form itself: a post without the token from the page is refused.
	if code, page := b.post("/login", url.Values{"username": {"wang"}, "password": {pw}}); code != http.StatusForbidden || !strings.Contains(page, "登录页面已过期") {
		t.Fatalf("login without the token: %d", code)
	}
	if code, page := b.login(pw); code != 200 || !strings.Contains(page, "滨江市委") {
		t.Fatalf("login: %d", code)
	}
	_, page := b.get("/password")
	token := csrfOf(page)
	form := url.Values{"old_password": {pw}, "new_password": {"New#Passw0rd1"}, "confirm": {"New#Passw0rd1"}}
	if code, page := b.post("/password", form); code != http.StatusForbidden || !strings.Contains(page, "缺少防伪令牌") {
		t.Fatalf("password form without the token: %d", code)
	}
	form.Set("csrf", "forged")
	if code, _ := b.post("/password", form); code != http.StatusForbidden {
		t.Fatalf("password form with a forged token: %d", code)
	}
	form.Set("csrf", token)
	if code, page := b.post("/password", form); code != 200 || !strings.Contains(page, "<h1>登录</h1>") || !strings.Contains(page, "密码已修改,请用新密码登录") {
		t.Fatalf("password change: %d", code)
	}
	// The change ended the session: the old cookie no longer opens pages.
	if _, page := b.get("/"); !strings.Contains(page, "<h1>登录</h1>") {
		t.Fatal("the session survived the password change")
	}
}

func TestImportPage(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/members/import?org=1")
	token := csrfOf(page)
	send := func(csv string, dry bool) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf", token)
		_ = mw.WriteField("mode", "all")
		if dry {
			_ = mw.WriteField("dry_run", "1")
		}
		fw, _ := mw.CreateFormFile("file", "名册.csv")
		_, _ = fw.Write([]byte(csv))
		_ = mw.Close()
		res, err := b.c.Post(b.srv.URL+"/members/import?org=1", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		// The import runs in the background; its page reloads until it ends.
		for i := 0; i < 100 && res.StatusCode == 200 && strings.Contains(string(out), "import-progress"); i++ {
			time.Sleep(50 * time.Millisecond)
			res, err = b.c.Get(res.Request.URL.String())
			if err != nil {
				t.Fatal(err)
			}
			out, _ = io.ReadAll(res.Body)
			res.Body.Close()
		}
		return res.StatusCode, string(out)
	}
	csv := "姓名,身份证号,民族,文化程度,入党时间,转正时间\n张三,11010519491231002X,汉族,本科,1975年7月1日,1976.07\n李四,110105491231002,汉族,本科,,\n"
	code, out := send(csv, false)
	if code != 200 || !strings.Contains(out, "检查发现错误,未写入任何一行") || !strings.Contains(out, "15位旧式") {
		t.Fatalf("import with a bad row: %d %s", code, out)
	}
	// The checked roster downloads with the bad cells marked.
	link := regexp.MustCompile(`href="(/imports/[0-9a-f]+/report)"`).FindStringSubmatch(out)
	if link == nil {
		t.Fatal("no link to the checked roster")
	}
	res, err := b.c.Get(b.srv.URL + link[1])
	if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("report download: %v %v", res, err)
	}
	x, err := excelize.OpenReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	name, _ := x.GetCellValue("导入检查结果", "A3")
	reason, _ := x.GetCellValue("导入检查结果", "G3")
	if name != "李四" || !strings.Contains(reason, "15位旧式") {
		t.Fatalf("the checked roster's row 3: %q %q", name, reason)
	}
	good := strings.Split(csv, "\n")[0] + "\n" + strings.Split(csv, "\n")[1] + "\n"
	code, trial := send(good, true)
	if code != 200 || !strings.Contains(trial, "试导入,未写入") || !strings.Contains(trial, "将新增和更新的人员") || !strings.Contains(trial, "张三 <small") {
		t.Fatalf("dry run: %d %s", code, trial)
	}
	// 确认导入 writes the same file without choosing it again; the result links to who was added.
	confirm := regexp.MustCompile(`action="(/imports/[0-9a-f]+/confirm)"`).FindStringSubmatch(trial)
	if confirm == nil {
		t.Fatal("no 确认导入 after a clean trial run")
	}
	res, err = b.c.PostForm(b.srv.URL+confirm[1], url.Values{"csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	progress := res.Request.URL.String()
	res.Body.Close()
	code, out = b.get(strings.TrimPrefix(progress, b.srv.URL))
	for i := 0; i < 100 && code == 200 && strings.Contains(out, "import-progress"); i++ {
		time.Sleep(50 * time.Millisecond)
		code, out = b.get(strings.TrimPrefix(progress, b.srv.URL))
	}
	if code != 200 || !strings.Contains(out, "导入完成") || !strings.Contains(out, "新增 <b>1</b> 人") || !regexp.MustCompile(`<a href="/members/\d+">张三</a>`).MatchString(out) {
		t.Fatalf("import: %d %s", code, out)
	}
	// A trial is confirmed once: the second time the file is written already, and refused.
	if code, _ := b.post(confirm[1], url.Values{"csrf": {token}}); code != http.StatusConflict {
		t.Fatalf("a second confirmation: %d", code)
	}
}

// TestWorkFormRefused: a refused work form comes back with what was typed
// and the reason beside each field; a corrected one is saved and its money
// counts on the organisation's page, in yuan.
func TestWorkFormRefused(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/work/visits?org=1")
	form := url.Values{"csrf": {csrfOf(page)}, "kind": {"care"}, "visited_on": {"2026-05-01"}, "target_kind": {"household"},
		"target_name": {"张大爷家"}, "money_fen": {"500.123"}, "goods": {"米、油"}}
	code, page := b.post("/work/visits?org=1", form)
	if code != http.StatusBadRequest || !strings.Contains(page, "最多两位小数") || !strings.Contains(page, "请填写走访人") ||
		!strings.Contains(page, `value="张大爷家"`) {
		t.Fatalf("refused form: %d %s", code, page)
	}
	form.Set("money_fen", "500.50")
	form.Set("visitor", "王书记")
	if code, page := b.post("/work/visits?org=1", form); code != 200 || !strings.Contains(page, "已保存走访慰问记录") || !strings.Contains(page, "500.50") {
		t.Fatalf("saved form: %d %s", code, page)
	}
	if _, page := b.get("/"); !strings.Contains(page, `id="work-visits_fen">500.50<`) {
		t.Fatal("the dashboard does not show the money given")
	}
}

// TestRosterExportLink: the roster page's export link carries the filters
// the user chose (no category when none is chosen: the members, as the
// list shows them), without the page.
func TestRosterExportLink(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/members?org=1&q=%E5%BC%A0&stage=activist&sort=birth_date&page=3")
	m := regexp.MustCompile(`id="export" href="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no export link on the roster page")
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil || u.Path != "/api/v1/members/export" {
		t.Fatalf("export link %q", m[1])
	}
	want := url.Values{"org": {"1"}, "q": {"张"}, "stage": {"activist"}, "sort": {"birth_date"}} // no category: the members, as the list
	if got := u.Query(); got.Encode() != want.Encode() {
		t.Fatalf("export link filters %v, want %v", got, want)
	}
}

// TestOversizedFormRefused: a form larger than the limit is refused whole
// with a message naming the limit, and nothing of it is saved.
func TestOversizedFormRefused(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/work/visits?org=1")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"csrf": csrfOf(page), "kind": "care", "visited_on": "2026-05-01", "target_kind": "household",
		"target_name": "超大表单户", "visitor": "王书记"} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("photo", "大照片.jpg")
	_, _ = fw.Write(bytes.Repeat([]byte{0xff}, web.MaxForm))
	_ = mw.Close()
	res, err := b.c.Post(b.srv.URL+"/work/visits?org=1", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(out), "超过 30 MB 的上限") {
		t.Fatalf("oversized form: %d %s", res.StatusCode, out)
	}
	if _, page := b.get("/work/visits?org=1"); strings.Contains(page, "超大表单户") {
		t.Fatal("a part of the oversized form was saved")
	}
}

// TestMakerSeesNoApproval: whoever entered a disbursement is told that
// another user approves it, and is offered no approval form.
func TestMakerSeesNoApproval(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/work/funds?org=1")
	token := csrfOf(page)
	code, page := b.post("/work/funds?org=1", url.Values{"csrf": {token}, "name": {"关爱基金"}, "source": {"党费"}, "set_on": {"2026-01-01"}, "budget_fen": {"1000"}})
	if code != 200 || !strings.Contains(page, "1,000.00") {
		t.Fatalf("fund: %d", code)
	}
	fund := regexp.MustCompile(`action="/work/disbursements\?parent=(\d+)"`).FindStringSubmatch(page)
	if fund == nil {
		t.Fatal("no form to add a disbursement on the fund's page")
	}
	// The recipient must be a person in scope: none is on the roster, so the form says so.
	code, page = b.post("/work/disbursements?parent="+fund[1], url.Values{"csrf": {token}, "member": {"无此人"}, "purpose": {"reward"}, "amount_fen": {"100"}, "reason": {"奖励"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "您的管理范围内没有党员“无此人”") {
		t.Fatalf("unknown recipient: %d", code)
	}
	first := "11010519800101001"
	idn, name, eth, edu, stage := first+string(cnid.CheckChar(first)), "孙党员", "汉族", "大学本科", "full"
	j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
	org1 := int64(1)
	if _, err := b.mem.Create(context.Background(), store.All, member.Input{OrgID: &org1, Name: &name, IDNumber: &idn, Ethnicity: &eth, Education: &edu,
		Stage: &stage, JoinedOn: &j, FullOn: &f}); err != nil {
		t.Fatal(err)
	}
	code, page = b.post("/work/disbursements?parent="+fund[1], url.Values{"csrf": {token}, "member": {"孙党员"}, "purpose": {"reward"}, "amount_fen": {"100"}, "reason": {"奖励"}})
	if code != 200 || !strings.Contains(page, "孙党员") {
		t.Fatalf("disbursement: %d", code)
	}
	link := regexp.MustCompile(`href="(/work/disbursements/\d+)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatal("no link to the disbursement")
	}
	_, page = b.get(link[1])
	if !strings.Contains(page, "须由录入人以外的另一名有审批权限的用户办理") || strings.Contains(page, "/act/approve") {
		t.Fatal("the maker is offered the approval")
	}
}

// After login, next= leads only to a path on this site.
func TestLoginNextStaysOnSite(t *testing.T) {
	b := newSite(t)
	b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for next, want := range map[string]string{
		`/\evil.example`: "/", "//evil.example": "/", "https://evil.example/": "/", "/\t/evil.example": "/",
		"evil.example": "/", "/members?org=1": "/members?org=1",
	} {
		_, page := b.get("/login")
		res, err := b.c.PostForm(b.srv.URL+"/login", url.Values{"csrf": {csrfOf(page)}, "username": {"wang"}, "password": {pw}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("next=%q: %d to %q, want %q", next, res.StatusCode, got, want)
		}
	}
}

// TestRefusedFormKeepsNoFile: a record refused for a missing field leaves no
// attachment behind; corrected, it is saved with its file.
func TestRefusedFormKeepsNoFile(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/work/pairings?org=1")
	post := func(helper string) int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"csrf": csrfOf(page), "kind": "org_org", "helper": helper, "helped": "新村党支部", "started_on": "2026-05-01"} {
			_ = mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("letter", "双向承诺书.pdf")
		_, _ = fw.Write([]byte("%PDF-1.4 承诺书"))
		_ = mw.Close()
		res, err := b.c.Post(b.srv.URL+"/work/pairings?org=1", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		text, _ := io.ReadAll(res.Body)
		page = string(text)
		return res.StatusCode
	}
	files := func() int {
		var n int
		if err := b.mem.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM attachments").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if code := post(""); code != http.StatusBadRequest || files() != 0 {
		t.Fatalf("refused form: %d, %d files stored", code, files())
	}
	// The browser cannot fill the file field again: the page says so, naming the file.
	if !strings.Contains(page, "附件未保存,请重新选择文件:双向承诺书.pdf") {
		t.Errorf("the refused form does not name the file to choose again")
	}
	_, page = b.get("/work/pairings?org=1")
	if code := post("城关党委"); code != 200 || files() != 1 {
		t.Fatalf("saved form: %d, %d files stored", code, files())
	}
}

// TestBrokenTextRefused: a form value with NUL or broken bytes is refused
// whole with a message, and nothing of it is saved.
func TestBrokenTextRefused(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/work/visits?org=1")
	form := url.Values{"csrf": {csrfOf(page)}, "kind": {"care"}, "visited_on": {"2026-05-01"}, "target_kind": {"household"},
		"target_name": {"坏\x00字节户"}, "visitor": {"王书记\xff"}}
	if code, page := b.post("/work/visits?org=1", form); code != http.StatusBadRequest || !strings.Contains(page, "无法识别的字符") {
		t.Fatalf("broken text: %d %s", code, page)
	}
	if _, page := b.get("/work/visits?org=1"); strings.Contains(page, "字节户") {
		t.Fatal("a part of the refused form was saved")
	}
}

// TestFullExportNeedsAReason: the roster with full numbers is a form with
// its reason; without one the roster comes back with the message, with one
// the file holds the full number and the trail the reason.
func TestFullExportNeedsAReason(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	first := "32010219850315002"
	idn := first + string(cnid.CheckChar(first))
	org, stage, name, eth, edu := int64(1), "applicant", "全号码", "汉族", "bachelor"
	applied := date.New(2025, 1, 1)
	if _, err := b.mem.Create(ctx, store.All, member.Input{OrgID: &org, Name: &name, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, AppliedOn: &applied}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/members?org=1")
	if !strings.Contains(page, `id="full-export"`) {
		t.Fatal("the roster offers no full export to an administrator")
	}
	if code, page := b.post("/members/export/full?org=1&category=all", url.Values{"csrf": {csrfOf(page)}, "reason": {""}}); code != http.StatusBadRequest ||
		!strings.Contains(page, "请写明导出完整号码的用途") {
		t.Fatalf("without a reason: %d", code)
	}
	res, err := b.c.PostForm(b.srv.URL+"/members/export/full?org=1&category=all", url.Values{"csrf": {csrfOf(page)}, "reason": {"向区委组织部报送"}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("with a reason: %v %v", res, err)
	}
	x, err := excelize.OpenReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("党员花名册")
	if len(rows) != 3 || rows[2][4] != idn || rows[2][5] != "1985-03-15" {
		t.Fatalf("the full roster: %v", rows)
	}
	l, err := audit.List(ctx, b.mem.DB, store.All, audit.Filter{Action: "export"}, store.Page{})
	if err != nil || l.Total != 1 || !strings.Contains(string(l.Items[0].Detail), "向区委组织部报送") {
		t.Fatalf("the trail of the export: %v %+v", err, l.Items)
	}
}

// TestFirstLoginSaysWhy: a new account is told that it is its first login,
// not that its password expired; every page has its icon.
func TestFirstLoginSaysWhy(t *testing.T) {
	b := newSite(t)
	a := &auth.Service{DB: b.mem.DB}
	if _, err := a.CreateUser(context.Background(), auth.NewUser{Username: "xin", Password: pw, MustChange: true}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/login")
	code, page := b.post("/login", url.Values{"csrf": {csrfOf(page)}, "username": {"xin"}, "password": {pw}})
	if code != 200 || !strings.Contains(page, "这是您第一次登录") || strings.Contains(page, "已过期") {
		t.Fatalf("first login: %d %s", code, page)
	}
	if !strings.Contains(page, `rel="icon" href="/static/favicon.svg"`) {
		t.Fatal("the page has no icon")
	}
	if code, _ := b.get("/static/favicon.svg"); code != 200 {
		t.Fatalf("the icon: %d", code)
	}
}

// TestRosterShowsMembersFirst: the roster lists the members (正式 and 预备)
// unless all people are asked for, and marks the sort it is in.
func TestRosterShowsMembersFirst(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	org, eth, edu := int64(1), "汉族", "bachelor"
	for i, p := range []struct{ name, stage string }{{"在册党员", "full"}, {"申请人员", "applicant"}} {
		first := fmt.Sprintf("3201021985031500%d", i)
		idn := first + string(cnid.CheckChar(first))
		in := member.Input{OrgID: &org, Name: &p.name, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &p.stage}
		if p.stage == "full" {
			j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
			in.JoinedOn, in.FullOn = &j, &f
		} else {
			a := date.New(2025, 1, 1)
			in.AppliedOn = &a
		}
		if _, err := b.mem.Create(ctx, store.All, in); err != nil {
			t.Fatal(err)
		}
	}
	_, page := b.get("/members?org=1")
	if !strings.Contains(page, "在册党员") || strings.Contains(page, "申请人员") || !strings.Contains(page, "姓名拼音 ↑") {
		t.Fatalf("the roster by default: %s", page)
	}
	if _, page := b.get("/members?org=1&category=all&sort=joined_on&desc=1"); !strings.Contains(page, "申请人员") || !strings.Contains(page, "入党日期 ↓") {
		t.Fatal("all people, by joining date down")
	}
}

// TestMePage: a member alone is offered no API tokens; the administrator
// sees a requested education in words.
func TestMePage(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	org, name, eth, edu, stage := int64(1), "申请党员", "汉族", "bachelor", "full"
	first := "32010219850315011"
	idn := first + string(cnid.CheckChar(first))
	j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
	m, err := b.mem.Create(ctx, store.All, member.Input{OrgID: &org, Name: &name, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &f})
	if err != nil {
		t.Fatal(err)
	}
	a := &auth.Service{DB: b.mem.DB}
	u, err := a.CreateUser(ctx, auth.NewUser{Username: "dangyuan", Password: pw, MemberID: &m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: auth.RoleMember, OrgID: &org}); err != nil {
		t.Fatal(err)
	}
	master := "postgraduate"
	if _, err := b.mem.RequestChange(ctx, m.ID, u.ID, member.RequestInput{Changes: member.Input{Education: &master}}); err != nil {
		t.Fatal(err)
	}
	if _, page := b.get("/me"); !strings.Contains(page, "API 访问令牌") || !strings.Contains(page, "学历:大学本科 → 研究生") {
		t.Fatalf("the administrator's page: %s", page)
	}
	m2 := newSiteBrowser(b)
	_, page := m2.get("/login")
	if code, page := m2.post("/login", url.Values{"csrf": {csrfOf(page)}, "username": {"dangyuan"}, "password": {pw}}); code != 200 || strings.Contains(page, "API 访问令牌") {
		t.Fatalf("a member's page: %d", code)
	}
}

// newSiteBrowser is another browser (cookies of its own) on b's site.
func newSiteBrowser(b *browser) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: b.t, srv: b.srv, c: &http.Client{Jar: jar}, mem: b.mem, auth: b.auth}
}

// TestBannerNotFromTheLink: a success banner comes from what the server did
// for the session, never from a link's text.
func TestBannerNotFromTheLink(t *testing.T) {
	b := signedInSite(t)
	if _, page := b.get("/members?org=1&done=" + url.QueryEscape("已批准您的全部申请")); strings.Contains(page, "已批准您的全部申请") {
		t.Fatal("a link's done= text shows as a banner")
	}
	_, page := b.get("/units?org=1")
	if code, page := b.post("/units?org=1", url.Values{"csrf": {csrfOf(page)}, "name": {"横幅单位"}, "type": {"企业"}}); code != 200 || !strings.Contains(page, "已登记单位") {
		t.Fatalf("the banner after a save: %d", code)
	}
	if _, page := b.get("/units?org=1"); strings.Contains(page, "已登记单位") {
		t.Fatal("the banner shows twice")
	}
}

// A page whose template fails halfway sends none of itself: the error page,
// in Chinese, with 500 (the error is logged).
func TestTemplateErrorIsAWholeErrorPage(t *testing.T) {
	b := signedInSite(t)
	web.BreakTemplate(t, "help.html", `{{template "head" .}}<main><h1>操作指南的前半页</h1>{{index .Nav 99}}</main>`)
	code, body := b.get("/help")
	if code != http.StatusInternalServerError {
		t.Fatalf("a failed template answered %d", code)
	}
	if strings.Contains(body, "操作指南的前半页") || !strings.Contains(body, "页面显示出错") {
		t.Fatalf("a failed template sent part of itself or no Chinese error page: %s", body)
	}
	for _, english := range []string{"template", "index out of range", "error calling"} {
		if strings.Contains(body, english) {
			t.Fatalf("the error page shows %q: %s", english, body)
		}
	}
}
