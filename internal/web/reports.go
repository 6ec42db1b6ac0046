package web

import (
	"net/http"
	"net/url"
	"strconv"

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
// the period asked, or takes the texts the form sends back (edited).
func (s *Site) summaryOf(r *http.Request, sc store.Scope, f url.Values) (summaryData, error) {
	var d summaryData
	o, err := s.workOrg(r, sc)
	if err != nil {
		return d, err
	}
	d.Org = o
	d.From, d.To = work.Period(f.Get("from"), f.Get("to"), s.Work.Today())
	m, err := stats.Read(r.Context(), s.DB, o.ID)
	if err != nil {
		return d, err
	}
	lines := work.Summarize(m, d.From, d.To)
	d.Figures = report.Figures(itoa(o.ID), stats.NewView(o.ID, m, s.Work.Today().Year()), lines, d.From, d.To)
	d.S = report.Draft(o.Name, d.From, d.To, lines)
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
		if r.Method == http.MethodPost {
			_ = r.ParseForm()
		}
		q := r.URL.Query()
		for k, v := range r.PostForm {
			q[k] = v
		}
		var err error
		d, err = s.summaryOf(r, sc, q)
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
		q := r.URL.Query()
		for k, v := range r.PostForm {
			q[k] = v
		}
		d, err := s.summaryOf(r, sc, q)
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
