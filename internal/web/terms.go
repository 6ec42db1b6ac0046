package web

import (
	"io"
	"net/http"
	"strconv"

	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
)

type termsData struct {
	Org    org.Org
	Within int
	List   store.List[org.Org]
	Pager  pager
	State  map[int64]string
	Export string
}

// termFilter reads the list's organisation and its days ahead (90 unless
// given, at most two years).
func (s *Site) termFilter(r *http.Request) (int64, int, org.TermFilter) {
	within, err := strconv.Atoi(r.URL.Query().Get("within"))
	if err != nil || within < 0 || within > 730 {
		within = termSoon
	}
	oid := queryID(r, "org")
	return oid, within, org.TermFilter{OrgID: oid, By: s.Work.Today().AddDate(0, 0, within)}
}

// termsPage lists the organisations whose term ends within the days asked
// (90 by default), the overdue first.
func (s *Site) termsPage(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, within, f := s.termFilter(r)
	d := termsData{Within: within, State: map[int64]string{}}
	p := pageOf(r)
	err := id.Within(auth.PermOrgRead, func(sc store.Scope) error {
		var err error
		if d.Org, err = s.Orgs.GetOrTop(r.Context(), sc, oid); err != nil {
			return err
		}
		f.OrgID = d.Org.ID
		d.List, err = s.Orgs.DueTerms(r.Context(), sc, f, p)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, o := range d.List.Items {
		d.State[o.ID] = spreadsheet.TermState(o, s.Work.Today())
	}
	d.Pager = newPager(r, d.List.Total, p)
	d.Export = "/orgs/terms/export?org=" + itoa(d.Org.ID) + "&within=" + strconv.Itoa(within)
	s.show(w, r, id, http.StatusOK, "terms.html", "换届提醒", d)
}

// termsExport downloads the list as .xlsx.
func (s *Site) termsExport(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, within, f := s.termFilter(r)
	err := id.Within(auth.PermOrgRead, func(sc store.Scope) error {
		o, err := s.Orgs.GetOrTop(r.Context(), sc, oid)
		if err != nil {
			return err
		}
		f.OrgID = o.ID
		title := o.Name + " " + strconv.Itoa(within) + "日内任期届满及已超期的党组织(" + s.Work.Today().Chinese() + ")"
		return sendXLSX(w, o.Name+"换届提醒.xlsx", func(out io.Writer) error {
			return spreadsheet.ExportTerms(r.Context(), out, s.Orgs, sc, f, title, s.Work.Today())
		})
	})
	if err != nil {
		s.fail(w, r, err)
	}
}
