package api

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"dangjian/internal/app"
	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// API is the endpoints over the application's services.
type API struct {
	*app.App
	figures figuresCache
}

// Handler answers one request within the scope of one of the caller's
// grants; it returns the value to encode as JSON (or a Download), or an error.
type Handler func(r *http.Request, sc store.Scope) (any, error)

// Download is a file answer.
type Download struct {
	Name        string
	ContentType string
	Write       func(w io.Writer) error
}

// Param is a query or path parameter, documented in OpenAPI.
type Param struct {
	Name, Desc string
	Type       string // "integer", "string" or "boolean"
}

// Route is one endpoint.
type Route struct {
	Method  string
	Path    string // ServeMux pattern path, such as /api/v1/orgs/{id}
	Tag     string
	Summary string
	Query   []Param
	Body    any // a value of the request body type, or nil
	Result  any // a value of the response type, or nil for no content
	Status  int // success status; 200 when zero
	// Perm is what the caller needs: "" for a public endpoint, auth.PermAuth
	// for any logged-in user, otherwise a permission some grant must carry.
	Perm auth.Perm
	// DuringChange marks the routes left open while the password must be changed.
	DuringChange bool
	// KindQuery marks the work lists, whose parameters are the kind's own
	// as well (work.FilterOf checks them).
	KindQuery bool
	// MaxBody bounds the request body (1 MiB when zero).
	MaxBody int64
	Handle  Handler
}

// Register adds every route to mux.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.Routes() {
		mux.Handle(rt.Method+" "+rt.Path, a.wrap(rt))
	}
	mux.HandleFunc("GET /api/v1/openapi.json", a.serveOpenAPI)
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, apperr.New("no_route", http.StatusNotFound, "没有这个接口:%s %s", r.Method, r.URL.Path))
	})
}

func (a *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.authorize(r, rt); err != nil {
			a.writeError(w, r, err)
			return
		}
		out, err := a.run(r, rt)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		switch v := out.(type) {
		case nil:
			w.WriteHeader(http.StatusNoContent)
		case json.RawMessage:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write(v)
		case Download:
			w.Header().Set("Content-Type", v.ContentType)
			w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(v.Name))
			if err := v.Write(w); err != nil {
				a.Log.Error("download failed", "name", v.Name, "err", err)
			}
		default:
			writeJSON(w, status, v)
		}
	})
}

var (
	errLogin      = apperr.New("unauthenticated", http.StatusUnauthorized, "请先登录")
	errCSRF       = apperr.New("csrf", http.StatusForbidden, "请求缺少有效的防伪令牌(X-CSRF-Token),请刷新页面后重试")
	errMustChange = apperr.New("password_change_required", http.StatusForbidden, "密码已过期或已被管理员重置,请先修改密码")
)

// authorize checks that the caller may call the route at all: logged in,
// with the anti-forgery token of a browser session, not held to change
// their password first.
func (a *API) authorize(r *http.Request, rt Route) error {
	if rt.Perm == "" {
		return nil
	}
	id, ok := auth.IdentityFrom(r.Context())
	if !ok {
		if err := auth.ErrorFrom(r.Context()); err != nil {
			return err
		}
		return errLogin
	}
	if auth.FromCookie(r) && r.Method != http.MethodGet && r.Method != http.MethodHead &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(id.CSRF)) != 1 {
		return errCSRF
	}
	if id.MustChange && !rt.DuringChange {
		return errMustChange
	}
	return nil
}

// run calls the handler within the caller's grants that carry the route's
// permission (see auth.Identity.Within); the body is kept so that each try reads it.
func (a *API) run(r *http.Request, rt Route) (any, error) {
	if rt.Perm == "" {
		return rt.Handle(r, store.Scope{})
	}
	limit := rt.MaxBody
	if limit == 0 {
		limit = maxBody
	}
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(http.MaxBytesReader(nil, r.Body, limit)); err != nil {
			return nil, apperr.New("too_large", http.StatusRequestEntityTooLarge, "请求内容过大")
		}
	}
	if rt.Body != nil {
		// JSON would turn broken bytes into replacement characters silently.
		switch {
		case !utf8.Valid(body):
			return nil, apperr.New("bad_json", http.StatusBadRequest, "请求内容含有无效的 UTF-8 字节,请以 UTF-8 编码发送")
		case bytes.Contains(body, []byte(`\u0000`)):
			return nil, apperr.New("bad_json", http.StatusBadRequest, "请求内容不能含有空字符(\\u0000)")
		}
	}
	r = r.WithContext(work.StrictJSON(r.Context()))
	var out any
	defer func() {
		if aerr := auth.AuditView(r, a.DB, "api"); aerr != nil {
			a.Log.Error("audit of a view failed", "err", aerr)
		}
	}()
	// A request the database cancelled for a conflict (a deadlock, on a
	// cluster also with a shard being moved) is answered by running it again.
	err := store.Retry(r.Context(), func() error {
		return identity(r).Within(rt.Perm, func(sc store.Scope) error {
			if !rt.KindQuery {
				if err := knownParams(r, rt); err != nil {
					return err
				}
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			var err error
			out, err = rt.Handle(r, sc)
			return err
		})
	})
	return out, err
}

// knownParams refuses a query parameter the route does not take, so that a
// misspelt filter is not silently ignored.
func knownParams(r *http.Request, rt Route) error {
	for name := range r.URL.Query() {
		if !slices.ContainsFunc(rt.Query, func(p Param) bool { return p.Name == name }) {
			return apperr.InvalidField(name, "不认识的参数 %s", name)
		}
	}
	return nil
}

// identity is the caller of an authenticated route.
func identity(r *http.Request) auth.Identity {
	id, _ := auth.IdentityFrom(r.Context())
	return id
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = encoder(w).Encode(v)
}

// encoder writes JSON as the API answers it: "<" and "&" as they are, a newline after each value.
func encoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// ErrorBody is the shape of every error answer.
type ErrorBody struct {
	Error struct {
		Code    string              `json:"code"`
		Message string              `json:"message"`
		Fields  []apperr.FieldError `json:"fields,omitempty"`
	} `json:"error"`
}

func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var body ErrorBody
	ae, ok := apperr.As(store.Explain(err))
	if !ok {
		a.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = apperr.New("internal", http.StatusInternalServerError, "服务器内部错误,请稍后再试;如果问题持续,请联系系统管理员")
	}
	body.Error.Code, body.Error.Message, body.Error.Fields = ae.Code, ae.Message, ae.Fields
	writeJSON(w, ae.Status, body)
}

const maxBody = 1 << 20

// decode reads a JSON body into v, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return apperr.New("bad_json", http.StatusBadRequest, "请求内容为空,应为JSON对象")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return apperr.New("bad_json", http.StatusBadRequest, "请求内容不完整(JSON 在中途结束),请检查后重发")
		case errors.As(err, &syn):
			return apperr.New("bad_json", http.StatusBadRequest, "请求内容不是有效的JSON(第%d个字节附近)", syn.Offset)
		case errors.As(err, &typ):
			return apperr.InvalidField(typ.Field, "字段 %s 的类型不对,应为%s", typ.Field, jsonType(typ.Type.Kind().String()))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return apperr.InvalidField(f, "不认识的字段 %s", f)
		default:
			// Errors from UnmarshalJSON of our own types carry Chinese text.
			return apperr.New("bad_json", http.StatusBadRequest, "请求内容有误:%s", err.Error())
		}
	}
	if dec.More() {
		return apperr.New("bad_json", http.StatusBadRequest, "请求内容只能有一个JSON对象")
	}
	return nil
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "数字"
	case kind == "bool":
		return "true 或 false"
	case kind == "string":
		return "文本"
	}
	return kind
}

// pathID reads the {id} of the path; a malformed id is simply not found.
func pathID(r *http.Request, what string) (int64, error) { return pathInt(r, "id", what) }

// pathInt reads a path value that is an id; a malformed one is simply not found.
func pathInt(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound(what)
	}
	return id, nil
}

// params reads query parameters, keeping the error of the first malformed one.
type params struct {
	r   *http.Request
	err error
}

func (q *params) str(name string) string { return q.r.URL.Query().Get(name) }

func (q *params) bool(name string) bool {
	v := q.str(name)
	return v == "1" || v == "true"
}

func (q *params) int(name string) int64 {
	v := q.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil && q.err == nil {
		q.err = apperr.InvalidField(name, "参数 %s 应为整数,收到“%s”", name, v)
	}
	return n
}

// intIn reads an integer that must lie within [lo, hi].
func (q *params) intIn(name string, lo, hi int64) int64 {
	n := q.int(name)
	if q.err == nil && (n < lo || n > hi) {
		q.err = apperr.InvalidField(name, "参数 %s 应在%d至%d之间,收到 %d", name, lo, hi, n)
	}
	return n
}

// pageParam reads the page and size parameters alone.
func pageParam(r *http.Request) (store.Page, error) {
	q := params{r: r}
	p := q.page()
	return p, q.err
}

// page reads page and size, refusing numbers outside their bounds.
func (q *params) page() store.Page {
	n, size := q.int("page"), q.int("size")
	if q.err == nil && (n < 0 || n > store.MaxPage) {
		q.err = apperr.InvalidField("page", "页码应在1至%d之间;要看更靠后的结果,请用查询条件缩小范围", store.MaxPage)
	}
	if q.err == nil && (size < 0 || size > store.MaxSize) {
		q.err = apperr.InvalidField("size", "每页条数应在1至%d之间", store.MaxSize)
	}
	return store.Page{Number: int(n), Size: int(size)}
}

// withID adapts a handler that needs the path id.
func withID(what string, fn func(r *http.Request, sc store.Scope, id int64) (any, error)) Handler {
	return func(r *http.Request, sc store.Scope) (any, error) {
		id, err := pathID(r, what)
		if err != nil {
			return nil, err
		}
		return fn(r, sc, id)
	}
}

// withBody adapts a handler that takes a JSON body of type T.
func withBody[T any](fn func(r *http.Request, sc store.Scope, in T) (any, error)) Handler {
	return func(r *http.Request, sc store.Scope) (any, error) {
		var in T
		if err := decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r, sc, in)
	}
}

// withIDBody adapts a handler that needs the path id and a JSON body.
func withIDBody[T any](what string, fn func(r *http.Request, sc store.Scope, id int64, in T) (any, error)) Handler {
	return withID(what, func(r *http.Request, sc store.Scope, id int64) (any, error) {
		var in T
		if err := decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r, sc, id, in)
	})
}

func pageParams() []Param {
	return []Param{{"page", "页码,从1开始", "integer"}, {"size", "每页条数,默认20,最多200", "integer"}}
}

func describe(p []Param, more ...Param) []Param { return append(more, p...) }
