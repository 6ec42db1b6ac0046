package web

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/consultation"
	"dangjian/internal/library"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/public"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

var pages = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))

// Site serves the pages.
type Site struct {
	DB      *store.DB
	Orgs    *org.Service
	Members *member.Service
	Auth    *auth.Service
	Work    *work.Service
	Cppcc   *consultation.Services
	Public  *public.Channel
	// Library is the experience library; a site without one keeps its
	// index in memory (tests).
	Library *library.Service
	Log     *slog.Logger
	// Sections are the domains' rows of the route table (the packages
	// below internal/web, which import this one; internal/web/site lists
	// them).
	Sections []Section
}

// A Section is a domain's rows of the route table over the site's services.
type Section func(*Site) []Route

// Route is one page or form of the site and the permission it asks for:
// "" for a public page (no account), auth.PermAuth for any signed-in user,
// otherwise one a grant of the caller must carry (the handler then works
// within those grants' scopes, Call.Scope).
type Route struct {
	Pattern string
	Perm    auth.Perm
	Limit   int64 // the largest form it takes (maxForm when 0)
	Handle  Handler
}

// Anyone is the permission of a public page.
const Anyone auth.Perm = ""

// Routes lists every page and form, as the permission matrix checks them.
func (s *Site) Routes() []Route {
	rs := []Route{
		{"GET /login", Anyone, 0, s.loginForm},
		{"POST /login", Anyone, 0, s.login},
		{"POST /logout", auth.PermAuth, 0, s.logout},
		{"GET /password", auth.PermAuth, 0, s.passwordForm},
		{"POST /password", auth.PermAuth, 0, s.changePassword},
		{"GET /todo", auth.PermAuth, 0, s.todoPage},
		{"GET /pick/orgs", auth.PermAuth, 0, s.pickOrgs},
		{"GET /pick/members", auth.PermWorkWrite, 0, s.pickPeople},
		{"GET /help", auth.PermAuth, 0, s.help},
	}
	rs = append(rs, s.adminRoutes()...)
	for _, sec := range s.Sections {
		rs = append(rs, sec(s)...)
	}
	return rs
}

// RoutePerms is each route's pattern with its permission (for the matrix test).
func (s *Site) RoutePerms() map[string]auth.Perm {
	out := map[string]auth.Perm{}
	for _, rt := range s.Routes() {
		out[rt.Pattern] = rt.Perm
	}
	return out
}

// Register adds the pages to mux.
func (s *Site) Register(mux *http.ServeMux) {
	if s.Library == nil {
		s.Library = &library.Service{DB: s.DB, Orgs: s.Orgs}
	}
	static := http.FileServerFS(staticFS)
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		static.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	for _, rt := range s.Routes() {
		mux.HandleFunc(rt.Pattern, s.serve(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, apperr.New("no_page", http.StatusNotFound, "没有这个页面"))
	})
}

// page is what every template gets.
type page struct {
	Title string
	User  *auth.User
	Nav   []navItem
	Here  string
	CSRF  string
	Flash string
	// RowFlash is the banner shown at the row of a list the step was
	// taken on, in place of Flash (the list's page is a rowFlasher).
	RowFlash string
	// Problems are the messages of a refused form, named at the top.
	Problems []Problem
	// Todo is the caller's count of things due ("99+" past a bound).
	Todo string
	// Brand and Motto are the consultative and public pages' own: the
	// committee's name and the CPPCC's words, not the Party side's.
	Brand, Motto string
	Data         any
}

// cppccMotto is the consultative pages' footer.
const cppccMotto = "协商于民 协商为民"

// committeeName is the name of the committee whose work the caller does
// ("" when none is reached).
func (s *Site) committeeName(r *http.Request, id auth.Identity) string {
	for _, perm := range []auth.Perm{auth.PermCppccRead, auth.PermCppccSelf, auth.PermCppccHandle} {
		for _, sc := range id.ScopesFor(perm) {
			if c, err := s.Cppcc.CommitteeOf(r.Context(), sc); err == nil {
				return c.Name
			}
		}
	}
	return ""
}

type navItem struct {
	Href, Label string
}

// nav lists the sections the user's roles open.
func nav(id auth.Identity) []navItem {
	has := func(p auth.Perm) bool { return len(id.ScopesFor(p)) > 0 }
	var out []navItem
	if has(auth.PermStatsRead) {
		out = append(out, navItem{"/", "概况"})
	}
	if has(auth.PermOrgRead) {
		out = append(out, navItem{"/orgs", "党组织"})
	}
	if has(auth.PermMemberRead) {
		out = append(out, navItem{"/members", "党员"}, navItem{"/transfers", "组织关系转接"}, navItem{"/mobile", "流动党员"})
	}
	if has(auth.PermUnitRead) {
		out = append(out, navItem{"/units", "单位与覆盖"})
	}
	if has(auth.PermWorkRead) {
		out = append(out, navItem{"/work", "基层工作"})
	}
	if has(auth.PermCppccRead) {
		out = append(out, navItem{"/cppcc", "政协提案"})
	}
	if has(auth.PermCppccSelf) {
		out = append(out, navItem{"/cppcc/my", "我的提案"})
	}
	if has(auth.PermCppccHandle) {
		out = append(out, navItem{"/cppcc/inbox", "承办提案"})
	}
	if has(auth.PermLibraryRead) {
		out = append(out, navItem{"/library", "经验交流"})
	}
	if has(auth.PermUserRead) {
		out = append(out, navItem{"/users", "用户与授权"})
	}
	if has(auth.PermAuditRead) {
		out = append(out, navItem{"/audit", "审计日志"})
	}
	return append(out, navItem{"/me", "我的"}, navItem{"/help", "帮助"})
}

// help is the 操作指南, one section per area.
func (s *Site) help(*Call) (Answer, error) {
	return View{Name: "help.html", Title: "操作指南"}, nil
}

// rowFlasher is a list whose rows take a step (催办, 督办): the banner of
// the step goes back to its row when the list holds it.
type rowFlasher interface{ FlashRow() bool }

// show renders a page of a signed-in user.
func (s *Site) show(w http.ResponseWriter, r *http.Request, id auth.Identity, status int, name, title string, data any) {
	p := page{Title: title, User: &id.User, Nav: nav(id), Here: "/" + strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0],
		CSRF: id.CSRF, Flash: flashes.take(id.CSRF), Problems: bannerOf(data), Todo: s.todoCount(r, id), Data: data}
	if p.Here == "/cppcc" {
		p.Brand, p.Motto = s.committeeName(r, id), cppccMotto
	}
	if rf, ok := data.(rowFlasher); ok && rf.FlashRow() {
		p.RowFlash, p.Flash = p.Flash, ""
	}
	s.render(w, status, name, p)
}

// maxForm bounds a posted form: a work record with its attachments; the
// parts of a form above formMemory wait in temporary files.
const (
	maxForm    = 3 * work.MaxAttachment
	formMemory = 32 << 20
)

// cleanForm tells whether every posted value is valid UTF-8 without NUL.
func cleanForm(r *http.Request) bool {
	for _, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return false
			}
		}
	}
	return true
}

const csrfCookie = "dj_csrf"

type loginData struct {
	Username, Next, Error string
	Changed               bool // the password was just changed
}

// loginForm shows the login form with a double-submit anti-forgery token.
func (s *Site) loginForm(c *Call) (Answer, error) {
	// A fixed notice by its code: no text of the link reaches the page.
	q := c.R.URL.Query()
	return s.loginPage(c, http.StatusOK, loginData{Next: q.Get("next"), Changed: q.Get("changed") == "1"}), nil
}

func (s *Site) loginPage(c *Call, status int, d loginData) Answer {
	token := ""
	if ck, err := c.R.Cookie(csrfCookie); err == nil && len(ck.Value) == 32 {
		token = ck.Value
	} else {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		token = hex.EncodeToString(b)
		c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/login", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: auth.Secure(c.R)})
	}
	return Part{Status: status, Name: "login.html", Data: page{Title: "登录", CSRF: token, Data: d}}
}

func (s *Site) login(c *Call) (Answer, error) {
	r := c.R
	d := loginData{Username: strings.TrimSpace(r.PostFormValue("username")), Next: r.PostFormValue("next")}
	ck, err := r.Cookie(csrfCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		d.Error = "登录页面已过期,请重新输入后再登录"
		return s.loginPage(c, http.StatusForbidden, d), nil
	}
	token, id, err := s.Auth.Login(r.Context(), d.Username, r.PostFormValue("password"), auth.ClientIP(r))
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok {
			return nil, err
		}
		d.Error = ae.Message
		return s.loginPage(c, ae.Status, d), nil
	}
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: auth.Secure(r)})
	next := localPath(d.Next)
	if id.MustChange {
		next = "/password"
	}
	return Redirect{To: next}, nil
}

// localPath is next when it is a path on this site, "/" otherwise: a
// browser reads "/\\host" and "//host" as another site.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\t\r\n") ||
		u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Site) logout(c *Call) (Answer, error) {
	tok, _ := auth.Credential(c.R)
	if err := s.Auth.Logout(c.R.Context(), tok); err != nil {
		return nil, err
	}
	c.SetCookie(endSession(c.R))
	return Redirect{To: "/login"}, nil
}

// endSession is the cookie that ends the session in the browser.
func endSession(r *http.Request) *http.Cookie {
	return &http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: auth.Secure(r)}
}

type passwordData struct {
	Why   string // why the password must be changed first, if it must
	Error string
}

// mustChangeWhy tells a user held to change their password why.
func mustChangeWhy(id auth.Identity) string {
	switch {
	case !id.MustChange:
		return ""
	case id.User.MustChange && id.User.PasswordChangedAt.Equal(id.User.CreatedAt):
		return "这是您第一次登录,请先设置只有您自己知道的密码。"
	case id.User.MustChange:
		return "您的密码已由管理员重置,请先设置只有您自己知道的新密码。"
	}
	return "您的密码已超过有效期,请先设置新密码。"
}

func (s *Site) passwordForm(c *Call) (Answer, error) {
	return View{Name: "password.html", Title: "修改密码", Data: passwordData{Why: mustChangeWhy(c.ID)}}, nil
}

func (s *Site) changePassword(c *Call) (Answer, error) {
	r := c.R
	d := passwordData{Why: mustChangeWhy(c.ID)}
	if r.PostFormValue("new_password") != r.PostFormValue("confirm") {
		d.Error = "两次输入的新密码不一致"
	} else if err := s.Auth.ChangeOwnPassword(r.Context(), c.ID.User.ID, r.PostFormValue("old_password"), r.PostFormValue("new_password")); err != nil {
		ae, ok := apperr.As(err)
		if !ok {
			return nil, err
		}
		d.Error = ae.Message
	} else {
		// Every session ended with the change: sign in again with the new password.
		c.SetCookie(endSession(r))
		return Redirect{To: "/login?changed=1"}, nil
	}
	return View{Status: http.StatusBadRequest, Name: "password.html", Title: "修改密码", Data: d}, nil
}

// render answers with the page name shows data, with status. The page is
// rendered whole before anything is sent: a template that fails sends no
// part of itself, but the error page (500, in Chinese), and is logged.
// A part of a page (a tree's children) is rendered the same way.
func (s *Site) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		s.Log.Error("render", "template", name, "err", err)
		b.Reset()
		status = http.StatusInternalServerError
		e := page{Title: "出错了", Data: apperr.New("internal", status, "页面显示出错,请稍后再试或联系系统管理员")}
		if p, ok := data.(page); ok {
			e.User, e.Nav, e.CSRF = p.User, p.Nav, p.CSRF
		}
		if err := pages.ExecuteTemplate(&b, "error.html", e); err != nil {
			s.Log.Error("render", "template", "error.html", "err", err)
			b.Reset()
			b.WriteString(plainError)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// plainError is the page sent when even the error page cannot be shown.
const plainError = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>出错了</title><p>页面显示出错,请稍后再试或联系系统管理员。</p></html>`

func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae, ok := apperr.As(store.Explain(err))
	if !ok {
		s.Log.Error("page failed", "path", r.URL.Path, "err", err)
		ae = apperr.New("internal", http.StatusInternalServerError, "服务器内部错误,请稍后再试")
	}
	p := page{Title: "出错了", Data: ae}
	if id, ok := auth.IdentityFrom(r.Context()); ok {
		p.User, p.CSRF, p.Nav = &id.User, id.CSRF, nav(id)
	}
	s.render(w, ae.Status, "error.html", p)
}

// CppccHome is the first page of a user whose only roles are the consultative work's.
func CppccHome(id auth.Identity) string {
	has := func(p auth.Perm) bool { return len(id.ScopesFor(p)) > 0 }
	switch {
	case has(auth.PermCppccRead):
		return "/cppcc"
	case has(auth.PermCppccSelf):
		return "/cppcc/my"
	case has(auth.PermCppccHandle):
		return "/cppcc/inbox"
	}
	return ""
}

// A Branded page's data is of a committee's public pages: the page bears
// the committee's name and the CPPCC's words.
type Branded interface{ BrandName() string }

// publicShow renders a public page: no user, no menu.
func (s *Site) publicShow(w http.ResponseWriter, status int, name, title string, data any) {
	p := page{Title: title, Problems: bannerOf(data), Data: data}
	if b, ok := data.(Branded); ok {
		p.Brand, p.Motto = b.BrandName(), cppccMotto
	}
	s.render(w, status, name, p)
}
