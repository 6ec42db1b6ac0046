package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/report"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

type summaryData struct {
	Org      org.Org
	From, To string
	S        report.Summary
	Figures  map[string]report.Figure
	// Preview is each paragraph filled in, its figures linked to their lists.
	Preview [][]report.Piece
	Unknown []string
}

// summaryOf reads an organisation's figures and drafts its summary for
// the period asked, or takes the texts the form sends back (edited); the
// values come from the query and the posted form alike.
func (s *Site) summaryOf(r *http.Request, sc store.Scope) (summaryData, error) {
	var d summaryData
	_ = r.ParseForm()
	f := r.Form
	o, err := s.workOrg(r, sc)
	if err != nil {
		return d, err
	}
	d.Org = o
	d.From, d.To = work.Period(f.Get("from"), f.Get("to"), s.Work.Today())
	m, err := stats.Read(r.Context(), s.DB, o.Path)
	if err != nil {
		return d, err
	}
	lines := work.Summarize(m, d.From, d.To)
	d.Figures = report.Figures(itoa(o.ID), stats.NewView(o.ID, m, s.Work.Today().Year()), lines, d.From, d.To)
	custom, err := report.Custom(r.Context(), s.DB, o.Path)
	if err != nil {
		return d, err
	}
	d.S = report.Draft(o.Name, d.From, d.To, lines, custom)
	if f.Has("title") {
		// The texts as the user edited them, the figures still placeholders.
		d.S.Title, d.S.Opening, d.S.Closing = f.Get("title"), f.Get("opening"), f.Get("closing")
		for i := range d.S.Sections {
			if v, ok := f["p"+strconv.Itoa(i)]; ok {
				d.S.Sections[i].Paragraphs = v
			}
		}
	}
	for _, text := range d.paragraphs() {
		pieces, unknown := report.Fill(text, d.Figures)
		d.Preview = append(d.Preview, pieces)
		d.Unknown = append(d.Unknown, unknown...)
	}
	return d, nil
}

// paragraphs are the summary's texts in order: opening, sections, closing.
func (d summaryData) paragraphs() []string {
	out := []string{d.S.Opening}
	for _, sec := range d.S.Sections {
		out = append(out, sec.Paragraphs...)
	}
	return append(out, d.S.Closing)
}

// summaryPage drafts an organisation's work summary for a period: the
// texts to edit, and the preview with every figure linked to its list.
func (s *Site) summaryPage(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	var d summaryData
	err := id.Within(auth.PermWorkRead, func(sc store.Scope) error {
		var err error
		d, err = s.summaryOf(r, sc)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "summary.html", "工作总结", d)
}

// summaryDocx writes the summary as the form sends it, its figures filled
// in from the records at this moment.
func (s *Site) summaryDocx(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	err := id.Within(auth.PermWorkRead, func(sc store.Scope) error {
		d, err := s.summaryOf(r, sc)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.S.Title+".docx"))
		return report.WriteDocx(w, d.S, d.Figures)
	})
	if err != nil {
		s.fail(w, r, err)
	}
}

type templatesData struct {
	Org       org.Org
	Templates []report.Template
	Own       map[string]string // the organisation's own texts
	Effective map[string]string // what a summary uses when the own text is empty
	CanWrite  bool
}

// reportTemplates shows, and saves, the texts an organisation's summaries
// are drafted from, for itself and those below it.
func (s *Site) reportTemplates(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	var d templatesData
	err := id.Within(auth.PermWorkRead, func(sc store.Scope) error {
		var err error
		if d.Org, err = s.workOrg(r, sc); err != nil {
			return err
		}
		d.CanWrite = id.Allows(auth.PermWorkWrite, d.Org.Path)
		d.Templates = report.Templates(work.Summarize(nil, "", "")) // the lines' words, not their figures
		if r.Method == http.MethodPost {
			if !d.CanWrite {
				return auth.ErrForbidden
			}
			for _, t := range d.Templates {
				if err := report.SaveCustom(r.Context(), s.DB, d.Org.ID, d.Org.Path, t.Key, r.PostFormValue(t.Key), id.User.ID, time.Now()); err != nil {
					return err
				}
			}
		}
		if d.Own, err = report.Own(r.Context(), s.DB, d.Org.ID); err != nil {
			return err
		}
		above, err := report.Inherited(r.Context(), s.DB, d.Org.Path)
		if err != nil {
			return err
		}
		d.Effective = map[string]string{}
		for _, t := range d.Templates {
			d.Effective[t.Key] = cmp.Or(above[t.Key], t.Text)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.Method == http.MethodPost {
		done(w, r, "/reports/templates?org="+itoa(d.Org.ID), "已保存起草模板;本组织和下级组织起草工作总结时使用")
		return
	}
	s.show(w, r, id, http.StatusOK, "reporttemplates.html", "起草模板", d)
}
