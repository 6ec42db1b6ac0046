package party

import (
	"io"
	"net/http"
	"strconv"

	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

type termsData struct {
	Org    org.Org
	Within int
	List   store.List[org.Org]
	Pager  web.Pager
	State  map[int64]string
	Export string
}

// termFilter reads the list's organisation and its days ahead (90 unless
// given, at most two years).
func (s *pages) termFilter(r *http.Request) (int64, int, org.TermFilter) {
	within, err := strconv.Atoi(r.URL.Query().Get("within"))
	if err != nil || within < 0 || within > 730 {
		within = web.TermSoon
	}
	oid := web.QueryID(r, "org")
	return oid, within, org.TermFilter{OrgID: oid, By: s.Work.Today().AddDate(0, 0, within)}
}

// termsPage lists the organisations whose term ends within the days asked
// (90 by default), the overdue first.
func (s *pages) termsPage(c *web.Call) (web.Answer, error) {
	r := c.R
	oid, within, f := s.termFilter(r)
	d := termsData{Within: within, State: map[int64]string{}}
	p := web.PageOf(r)
	var err error
	if d.Org, err = s.Orgs.GetOrTop(r.Context(), c.Scope, oid); err != nil {
		return nil, err
	}
	f.OrgID = d.Org.ID
	if d.List, err = s.Orgs.DueTerms(r.Context(), c.Scope, f, p); err != nil {
		return nil, err
	}
	for _, o := range d.List.Items {
		d.State[o.ID] = spreadsheet.TermState(o, s.Work.Today())
	}
	d.Pager = web.NewPager(r, d.List.Total, p)
	d.Export = "/orgs/terms/export?org=" + web.Itoa(d.Org.ID) + "&within=" + strconv.Itoa(within)
	return web.View{Name: "terms.html", Title: "换届提醒", Data: d}, nil
}

// termsExport downloads the list as .xlsx.
func (s *pages) termsExport(c *web.Call) (web.Answer, error) {
	r := c.R
	oid, within, f := s.termFilter(r)
	o, err := s.Orgs.GetOrTop(r.Context(), c.Scope, oid)
	if err != nil {
		return nil, err
	}
	f.OrgID = o.ID
	title := o.Name + " " + strconv.Itoa(within) + "日内任期届满及已超期的党组织(" + s.Work.Today().Chinese() + ")"
	return web.Download{Name: o.Name + "换届提醒.xlsx", ContentType: web.XlsxType, Stream: true, Write: func(out io.Writer) error {
		return spreadsheet.ExportTerms(r.Context(), out, s.Orgs, c.Scope, f, title, s.Work.Today())
	}}, nil
}
