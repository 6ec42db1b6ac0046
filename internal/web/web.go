// Package web serves the pages people read in a browser. Templates and
// static files are embedded in the binary; no asset comes from outside.
package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

var pages = template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))

// Site serves the pages.
type Site struct {
	DB    *store.DB
	Orgs  *org.Service
	Scope func(r *http.Request) (store.Scope, error)
	Log   *slog.Logger
}

// Register adds the pages to mux.
func (s *Site) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.HandleFunc("GET /{$}", s.overview)
	mux.HandleFunc("GET /orgs/{id}", s.overview)
}

type overviewPage struct {
	Org       org.Org
	Ancestors []org.Org
	Children  []org.Org
	Stats     stats.View
	Empty     bool
}

// overview shows an organisation's subtree figures and its sub-organisations.
func (s *Site) overview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc, err := s.Scope(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	var p overviewPage
	if idText := r.PathValue("id"); idText != "" {
		id, perr := strconv.ParseInt(idText, 10, 64)
		if perr != nil {
			s.fail(w, apperr.NotFound("党组织"))
			return
		}
		p.Org, err = s.Orgs.Get(ctx, sc, id)
	} else {
		var roots []org.Org
		roots, err = s.Orgs.Roots(ctx, sc)
		if err == nil && len(roots) == 0 {
			p.Empty = true
			s.render(w, "overview.html", p)
			return
		}
		if err == nil {
			p.Org = roots[0]
		}
	}
	if err == nil {
		p.Ancestors, err = s.Orgs.Ancestors(ctx, sc, p.Org)
	}
	if err == nil {
		p.Children, err = s.Orgs.Children(ctx, sc, p.Org.ID)
	}
	var m map[string]int64
	if err == nil {
		m, err = stats.Read(ctx, s.DB, p.Org.ID)
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	p.Stats = stats.NewView(p.Org.ID, m, date.Of(time.Now()).Year())
	s.render(w, "overview.html", p)
}

func (s *Site) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		s.Log.Error("render", "template", name, "err", err)
	}
}

func (s *Site) fail(w http.ResponseWriter, err error) {
	ae, ok := apperr.As(err)
	if !ok {
		s.Log.Error("page failed", "err", err)
		ae = apperr.New("internal", http.StatusInternalServerError, "服务器内部错误,请稍后再试")
	}
	w.WriteHeader(ae.Status)
	s.render(w, "error.html", ae)
}
