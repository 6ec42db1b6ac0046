// Package api serves the JSON API under /api/v1. Every endpoint is one row of
// the route table, from which the OpenAPI document is generated too, so that
// the document cannot fall behind the endpoints.
package api

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// ScopeFunc tells which part of the tree the caller of a request may see.
type ScopeFunc func(r *http.Request) (store.Scope, error)

// API holds the services the endpoints call.
type API struct {
	DB      *store.DB
	Orgs    *org.Service
	Members *member.Service
	Scope   ScopeFunc
	Log     *slog.Logger
	Now     func() time.Time
}

// Handler answers one request for a caller with the given scope; it returns
// the value to encode as JSON, or an error.
type Handler func(r *http.Request, sc store.Scope) (any, error)

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
		sc, err := a.Scope(r)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		out, err := rt.Handle(r, sc)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		if out == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, status, out)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
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
	ae, ok := apperr.As(err)
	if !ok {
		a.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = apperr.New("internal", http.StatusInternalServerError, "服务器内部错误,请稍后再试;如果问题持续,请联系系统管理员")
	}
	body.Error.Code, body.Error.Message, body.Error.Fields = ae.Code, ae.Message, ae.Fields
	writeJSON(w, ae.Status, body)
}

// decode reads a JSON body into v, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return apperr.New("bad_json", http.StatusBadRequest, "请求内容为空,应为JSON对象")
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
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound(what)
	}
	return id, nil
}

func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, apperr.InvalidField(name, "参数 %s 应为整数,收到“%s”", name, v)
	}
	return n, nil
}

func queryBool(r *http.Request, name string) bool {
	v := r.URL.Query().Get(name)
	return v == "1" || v == "true"
}

func page(r *http.Request) (store.Page, error) {
	p, err := queryInt(r, "page")
	if err != nil {
		return store.Page{}, err
	}
	s, err := queryInt(r, "size")
	return store.Page{Number: int(p), Size: int(s)}, err
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
