package web

import (
	"bytes"
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/letters"
	"dangjian/internal/store"
)

// A page handler is shaped like the API's: it receives the call (the
// request, the caller and the caller's scope for the route's permission)
// and returns an answer or an error. It never writes the response itself:
// the wrapper (Site.serve) checks the permission from the route table,
// runs the handler again when the database cancelled its transaction for
// a conflict, renders the answer whole into a buffer and sends it, or
// sends the error page (in Chinese, with the error's status).
type Handler func(c *Call) (Answer, error)

// Call is one request to a page or form.
type Call struct {
	R *http.Request
	// ID is the caller (the zero identity on a public page).
	ID auth.Identity
	// Scope is the union of the caller's grants that carry the route's
	// permission. A route open to any signed-in user (auth.PermAuth) and a
	// public page have none: their handlers reach data through
	// c.ID.Within with the permission they need.
	Scope   store.Scope
	cookies []*http.Cookie
}

// Within is the union of the caller's grants that carry p (a page that
// also reads or writes under another permission than its route's), or
// the refusal when none does.
func (c *Call) Within(p auth.Perm) (store.Scope, error) {
	scopes := c.ID.ScopesFor(p)
	if len(scopes) == 0 {
		return store.Scope{}, auth.ErrForbidden
	}
	return store.Union(scopes...), nil
}

// SetCookie sets a cookie with the answer.
func (c *Call) SetCookie(ck *http.Cookie) { c.cookies = append(c.cookies, ck) }

// Answer is what a page handler answers with: a View, a Redirect, a
// Download, a Part of a page or JSON.
type Answer interface {
	send(s *Site, w http.ResponseWriter, c *Call, public bool)
}

// View is a whole page: the template name shows data under title.
type View struct {
	Status      int // http.StatusOK when 0
	Name, Title string
	Data        any
	// Refresh asks the browser to load the page again after so many
	// seconds (an import's progress).
	Refresh int
}

func (v View) send(s *Site, w http.ResponseWriter, c *Call, public bool) {
	status := cmp.Or(v.Status, http.StatusOK)
	if v.Refresh > 0 {
		w.Header().Set("Refresh", strconv.Itoa(v.Refresh))
	}
	if public {
		s.publicShow(w, status, v.Name, v.Title, v.Data)
		return
	}
	s.show(w, c.R, c.ID, status, v.Name, v.Title, v.Data)
}

// Redirect sends the browser to To (303), with Flash as the next page's
// banner when set.
type Redirect struct {
	To, Flash string
}

func (d Redirect) send(_ *Site, w http.ResponseWriter, c *Call, _ bool) {
	if d.Flash != "" && c.ID.CSRF != "" {
		flashes.put(c.ID.CSRF, d.Flash)
	}
	http.Redirect(w, c.R, d.To, http.StatusSeeOther)
}

// Part is a template shown as it is, without the signed-in page around
// it: a piece of a page (a tree's children), or the login page.
type Part struct {
	Status int // http.StatusOK when 0
	Name   string
	Data   any
}

func (p Part) send(s *Site, w http.ResponseWriter, _ *Call, _ bool) {
	s.render(w, cmp.Or(p.Status, http.StatusOK), p.Name, p.Data)
}

// JSON is a picker's matches.
type JSON struct{ V any }

func (j JSON) send(_ *Site, w http.ResponseWriter, _ *Call, _ bool) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(j.V)
}

// Download is a file to save (or, Inline, to show in the browser in a
// sandbox: no script of it runs, it reaches nothing of the site). Whole
// files are written into memory first, so that one that fails sends the
// error page rather than a broken file; a workbook of a large export is
// streamed (Stream), and a failure midway is logged.
type Download struct {
	Name, ContentType string
	Inline            bool
	Stream            bool
	Write             func(io.Writer) error
}

// Content types of the documents the pages send.
const (
	XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

func (d Download) send(s *Site, w http.ResponseWriter, c *Call, _ bool) {
	disposition := "attachment"
	if d.Inline {
		w.Header().Set("Content-Security-Policy", "sandbox")
		disposition = "inline"
	}
	header := func(size int) {
		w.Header().Set("Content-Type", d.ContentType)
		w.Header().Set("Content-Disposition", disposition+"; filename*=UTF-8''"+rfc5987(d.Name))
		if size >= 0 {
			w.Header().Set("Content-Length", strconv.Itoa(size))
		}
	}
	if d.Stream {
		header(-1)
		if err := d.Write(w); err != nil {
			s.Log.Error("download failed", "name", d.Name, "err", err)
		}
		return
	}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		s.fail(w, c.R, err)
		return
	}
	header(b.Len())
	_, _ = b.WriteTo(w)
}

// Refused answers a refused form: when err is about the form's fields (or
// the form as a whole), the page again (from again) with the form's
// values and its messages named at the top, status 400; any other error
// is the error page.
func Refused(r *http.Request, f *Form, err error, again func() (Answer, error)) (Answer, error) {
	if !f.Fail(err) {
		return nil, err
	}
	f.unkept(r)
	a, err := again()
	if v, ok := a.(View); ok && err == nil && (v.Status == 0 || v.Status == http.StatusOK) {
		v.Status = http.StatusBadRequest
		return v, nil
	}
	return a, err
}

// serve is the wrapper of every row of the route table.
func (s *Site) serve(rt Route) http.HandlerFunc {
	public := rt.Perm == ""
	limit := cmp.Or(rt.Limit, maxForm)
	return func(w http.ResponseWriter, r *http.Request) {
		c := &Call{R: r}
		if !public {
			id, ok := auth.IdentityFrom(r.Context())
			if !ok {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.ID = id
		}
		if err := readForm(w, r, limit, public); err != nil {
			s.fail(w, r, err)
			return
		}
		if !public {
			if err := s.admit(r, rt, c.ID); err != nil {
				s.fail(w, r, err)
				return
			}
			if c.ID.MustChange && r.URL.Path != "/password" && r.URL.Path != "/logout" {
				http.Redirect(w, r, "/password", http.StatusSeeOther)
				return
			}
			if rt.Perm != auth.PermAuth {
				c.Scope = store.Union(c.ID.ScopesFor(rt.Perm)...)
			}
		}
		var a Answer
		// A request the database cancelled for a conflict (a deadlock, on a
		// cluster also a shard being moved) is run again, as the API does;
		// a handler writes nothing before it returns, so a try leaves no trace.
		err := store.Retry(r.Context(), func() error {
			c.cookies = nil
			var err error
			a, err = rt.Handle(c)
			return err
		})
		for _, ck := range c.cookies {
			http.SetCookie(w, ck)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a.send(s, w, c, public)
	}
}

// readForm reads a posted form up to limit bytes, refused whole with a
// message when larger or when it carries broken bytes or NUL characters.
func readForm(w http.ResponseWriter, r *http.Request, limit int64, public bool) error {
	if r.Method != http.MethodPost {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	parse := r.ParseForm
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		parse = func() error { return r.ParseMultipartForm(formMemory) }
	}
	var tooLarge *http.MaxBytesError
	switch err := parse(); {
	case errors.As(err, &tooLarge) && public:
		return apperr.New("too_large", http.StatusRequestEntityTooLarge, "提交的内容超过 %d MB,未保存;附件最多 %d 个、每个不超过 5MB", limit>>20, letters.MaxFiles)
	case errors.As(err, &tooLarge):
		return apperr.New("too_large", http.StatusRequestEntityTooLarge,
			"提交的内容超过 %d MB 的上限,未保存任何内容;请缩小或拆分文件后重试", limit>>20)
	case !cleanForm(r) && public:
		return apperr.New("bad_form", http.StatusBadRequest, "提交的内容含有无法识别的字符,未保存;请检查后重新填写")
	case !cleanForm(r):
		return apperr.New("bad_form", http.StatusBadRequest, "提交的内容含有无法识别的字符(损坏的字节或空字符),未保存任何内容;请检查后重新填写")
	}
	return nil
}

// admit checks a signed-in caller's form post for its anti-forgery token,
// audits the view, and refuses a caller none of whose grants carries the
// route's permission, before the handler runs.
func (s *Site) admit(r *http.Request, rt Route, id auth.Identity) error {
	if r.Method == http.MethodPost && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(id.CSRF)) != 1 {
		return apperr.New("csrf", http.StatusForbidden, "表单已过期或来源不明(缺少防伪令牌),请返回刷新页面后重试")
	}
	if err := auth.AuditView(r, s.DB, "page"); err != nil {
		s.Log.Error("audit of a view failed", "err", err)
	}
	if rt.Perm != auth.PermAuth && len(id.ScopesFor(rt.Perm)) == 0 {
		return auth.ErrForbidden
	}
	return nil
}
