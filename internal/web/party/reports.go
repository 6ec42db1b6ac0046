package party

import (
	"html/template"
	"net/http"

	"dangjian/internal/auth"
	"dangjian/internal/report"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

// summaryOf reads an organisation's figures and drafts its summary for
// the period asked, or takes the texts the form sends back (edited); the
// values come from the query and the posted form alike.
func (s *pages) summaryOf(r *http.Request, sc store.Scope) (web.SummaryData, error) {
	var d web.SummaryData
	_ = r.ParseForm()
	f := r.Form
	o, err := s.workOrg(r, sc)
	if err != nil {
		return d, err
	}
	d.Name, d.Query, d.Base, d.TemplatesPath = o.Name, template.URL("org="+web.Itoa(o.ID)), "/reports/summary", "/reports/templates"
	d.Hidden, d.Publish = []web.Hidden{{Name: "org", Value: web.Itoa(o.ID)}}, "/reports/summary/publish"
	d.Back, d.BackLabel = "/work?org="+web.Itoa(o.ID), "基层工作"
	d.From, d.To = work.Period(f.Get("from"), f.Get("to"), s.Work.Today())
	m, err := stats.Read(r.Context(), s.DB, o.Path)
	if err != nil {
		return d, err
	}
	lines := work.Summarize(m, d.From, d.To)
	d.Figures = report.Figures(web.Itoa(o.ID), stats.NewView(o.ID, m, s.Work.Today().Year()), lines, d.From, d.To)
	custom, err := report.Orgs.Custom(r.Context(), s.DB, o.Path)
	if err != nil {
		return d, err
	}
	d.Holder, d.HolderID, d.HolderPath, d.DraftPath = report.Orgs, o.ID, o.Path, "/reports/summary/draft"
	if f, err = d.WithDraft(r.Context(), s.DB, f); err != nil {
		return d, err
	}
	d.Edited(f, web.Signed(report.Draft(o.Name, d.From, d.To, "党建工作总结", report.Templates(lines), custom), o.Name, s.Work.Today()))
	return d, nil
}

// reportTemplates shows, and saves, the texts an organisation's summaries
// are drafted from, for itself and those below it.
func (s *pages) reportTemplates(c *web.Call) (web.Answer, error) {
	r, id := c.R, c.ID
	// Read within the grants that read the work, saved (a POST's row) only where the caller may write it.
	sc, err := c.Within(auth.PermWorkRead)
	if err != nil {
		return nil, err
	}
	o, err := s.workOrg(r, sc)
	if err != nil {
		return nil, err
	}
	d := web.TemplatesData{Name: o.Name, Query: template.URL("org=" + web.Itoa(o.ID)), Base: "/reports/summary", Path: "/reports/templates", CanWrite: id.Allows(auth.PermWorkWrite, o.Path),
		Templates: report.Templates(work.Summarize(nil, "", ""))} // the lines' words, not their figures
	err = s.EditTemplates(r, id, &d, report.Orgs, o.ID, o.Path)
	return web.TemplatesDone(c, d, err, "本组织和下级组织")
}
