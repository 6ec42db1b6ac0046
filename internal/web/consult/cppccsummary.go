package consult

import (
	"html/template"
	"io"
	"net/http"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/report"
	"dangjian/internal/store"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

// The committee's documents: its work summary (drafted from the proposals'
// and the public channel's figures, edited, exported as .docx) and the
// templates it is drafted from; a proposal's 交办函 and 答复函.
func (s *pages) cppccSummaryRoutes() []route {
	return []route{
		{"GET /cppcc/summary", auth.PermCppccRead, 0, s.SummaryPage(s.cppccSummaryOf)},
		{"POST /cppcc/summary", auth.PermCppccRead, 0, s.SummaryPage(s.cppccSummaryOf)},
		{"POST /cppcc/summary/docx", auth.PermCppccRead, 0, s.SummaryDocx(s.cppccSummaryOf)},
		{"POST /cppcc/summary/draft", auth.PermCppccWrite, 0, s.SummaryDraft(s.cppccSummaryOf)},
		{"POST /cppcc/summary/publish", auth.PermCppccWrite, 0, s.SummaryPublish(s.cppccSummaryOf)},
		{"GET /cppcc/summary/templates", auth.PermCppccRead, 0, s.cppccTemplates(auth.PermCppccRead)},
		{"POST /cppcc/summary/templates", auth.PermCppccWrite, 0, s.cppccTemplates(auth.PermCppccWrite)},
		{"GET /cppcc/proposals/{id}/assignment", auth.PermCppccRead, 0, s.assignLetter},
		{"GET /cppcc/proposals/{id}/reply/{unit}", auth.PermCppccRead, 0, s.replyLetter(cppcc.ViewOffice)},
		{"GET /cppcc/my/{id}/reply/{unit}", auth.PermCppccSelf, 0, s.replyLetter(cppcc.ViewMember)},
		{"GET /cppcc/inbox/{id}/reply/{unit}", auth.PermCppccHandle, 0, s.replyLetter(cppcc.ViewUnit)},
	}
}

// cppccSummaryOf drafts a committee's summary of a period, or takes the
// texts the form sends back.
func (s *pages) cppccSummaryOf(r *http.Request, sc store.Scope) (web.SummaryData, error) {
	var d web.SummaryData
	_ = r.ParseForm()
	c, err := s.committeeIn(r, sc)
	if err != nil {
		return d, err
	}
	q := "committee=" + web.Itoa(c.ID)
	d.Name, d.Query, d.Base, d.TemplatesPath = c.Name, template.URL(q), "/cppcc/summary", "/cppcc/summary/templates"
	d.Back, d.BackLabel, d.Hidden = "/cppcc?committee="+web.Itoa(c.ID), "政协工作", []web.Hidden{{Name: "committee", Value: web.Itoa(c.ID)}}
	d.Publish = "/cppcc/summary/publish"
	d.From, d.To = work.Period(r.Form.Get("from"), r.Form.Get("to"), s.Cppcc.Today())
	if d.Figures, err = s.Cppcc.SummaryFigures(r.Context(), sc, c.ID, d.From, d.To); err != nil {
		return d, err
	}
	custom, err := report.Committees.Custom(r.Context(), s.DB, c.Path)
	if err != nil {
		return d, err
	}
	d.Holder, d.HolderID, d.HolderPath, d.DraftPath = report.Committees, c.ID, c.Path, "/cppcc/summary/draft"
	f, err := d.WithDraft(r.Context(), s.DB, r.Form)
	if err != nil {
		return d, err
	}
	for _, v := range f {
		for i := range v {
			v[i] = cppcc.SummaryPlaceholders(v[i])
		}
	}
	d.Edited(f, web.Signed(cppcc.SummaryDraft(c, d.From, d.To, custom), c.Name, s.Cppcc.Today()))
	return d, nil
}

// cppccTemplates shows (with the read permission) or saves (with the
// write one) the texts a committee's summaries are drafted from.
func (s *pages) cppccTemplates(perm auth.Perm) web.Handler {
	return func(c *web.Call) (web.Answer, error) {
		r, id := c.R, c.ID
		var d web.TemplatesData
		err := id.Within(perm, func(sc store.Scope) error {
			c, err := s.committeeIn(r, sc)
			if err != nil {
				return err
			}
			d = web.TemplatesData{Name: c.Name, Query: template.URL("committee=" + web.Itoa(c.ID)), Base: "/cppcc/summary", Path: "/cppcc/summary/templates",
				CanWrite: id.Allows(auth.PermCppccWrite, c.Path), Templates: cppcc.SummaryTemplates()}
			if err := s.EditTemplates(r, id, &d, report.Committees, c.ID, c.Path); err != nil {
				return err
			}
			for _, texts := range []map[string]string{d.Own, d.Effective} {
				for k, v := range texts {
					texts[k] = cppcc.SummaryPlaceholders(v)
				}
			}
			return nil
		})
		return web.TemplatesDone(c, d, err, "本级和下级政协")
	}
}

// assignLetter sends the 交办函 of an assigned proposal.
func (s *pages) assignLetter(c *web.Call) (web.Answer, error) {
	p, cm, err := s.proposalAndCommittee(c.R, c.Scope, cppcc.ViewOffice)
	if err != nil {
		return nil, err
	}
	return web.Download{Name: p.NumberText + "提案交办函.docx", ContentType: web.DocxType, Write: func(x io.Writer) error { return cppcc.WriteAssignLetter(x, cm, p) }}, nil
}

// replyLetter sends a unit's 答复函 of a proposal: to the office and the
// proposer any unit's, to a unit its own.
func (s *pages) replyLetter(view cppcc.View) web.Handler {
	return func(c *web.Call) (web.Answer, error) {
		r, sc := c.R, c.Scope
		p, cm, err := s.proposalAndCommittee(r, sc, view)
		if err != nil {
			return nil, err
		}
		unit := web.ParseID(r.PathValue("unit"))
		if view == cppcc.ViewUnit {
			mine, err := s.myUnits(r, sc, p.CommitteeID)
			if err != nil {
				return nil, err
			}
			if !mine[unit] {
				return nil, apperr.NotFound("答复")
			}
		}
		return web.Download{Name: p.NumberText + "提案答复函.docx", ContentType: web.DocxType, Write: func(x io.Writer) error { return cppcc.WriteReplyLetter(x, cm, p, unit) }}, nil
	}
}

// proposalAndCommittee reads the proposal of the path in the view and its committee.
func (s *pages) proposalAndCommittee(r *http.Request, sc store.Scope, view cppcc.View) (cppcc.Proposal, committee.Committee, error) {
	pid, err := web.PathID(r)
	if err != nil {
		return cppcc.Proposal{}, committee.Committee{}, err
	}
	p, err := s.Cppcc.Get(r.Context(), sc, view, pid)
	if err != nil {
		return p, committee.Committee{}, err
	}
	// The proposal was reached in scope; its committee is read as such.
	c, err := s.Cppcc.Committee(r.Context(), store.All, p.CommitteeID)
	return p, c, err
}

// myUnits are the committee's handling units within the caller's scope.
func (s *pages) myUnits(r *http.Request, sc store.Scope, committeeID int64) (map[int64]bool, error) {
	lo, hi := sc.Range()
	units, err := s.Cppcc.Units(r.Context(), store.All, committeeID)
	if err != nil {
		return nil, err
	}
	mine := map[int64]bool{}
	for _, u := range units {
		if u.Path >= lo && u.Path < hi && sc.Contains(u.Path) {
			mine[u.ID] = true
		}
	}
	return mine, nil
}
