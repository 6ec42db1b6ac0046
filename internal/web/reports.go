package web

import (
	"cmp"
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/report"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// hidden is a hidden field of a form.
type hidden struct{ Name, Value string }

type summaryData struct {
	// Name is the organisation's or committee's; Query names it in the
	// page's links (org=5, committee=3); Back and BackLabel lead to the
	// figures it is drafted from, Base is the page's path.
	Name, Back, BackLabel, Base string
	Query                       template.URL
	// TemplatesPath is the page of the templates it is drafted from;
	// Hidden names the organisation or committee in the period's form.
	TemplatesPath string
	Hidden        []hidden
	// Publish is where the summary is published to the library, as the
	// document of its organisation or committee.
	Publish  string
	From, To string
	S        report.Summary
	Figures  map[string]report.Figure
	// Preview is the document as it is written out (a figure that is
	// nought not stated as work done): each heading, and each paragraph
	// filled in, its figures linked to their lists; the 落款 after it.
	Preview []previewBlock
	Unknown []string
	// DraftPath saves or discards the office's draft of the period;
	// DraftSaved tells when the draft shown was saved ("" when drafted afresh).
	DraftPath, DraftSaved string
	holder                report.Holder
	holderID              int64
	holderPath            string
}

// previewBlock is a heading of the preview (numbered), or a paragraph.
type previewBlock struct {
	Heading string
	Pieces  []report.Piece
}

// signed is a drafted summary with its 落款: the body's name and today.
func signed(s report.Summary, name string, today date.Date) report.Summary {
	s.Signature = []string{name, today.Chinese()}
	return s
}

// period names the summary's months as its draft is kept.
func (d summaryData) period() string { return d.From + ".." + d.To }

// withDraft is the form as it came, or, when it brings no texts, with
// the texts of the draft saved for the period.
func (d *summaryData) withDraft(ctx context.Context, db *store.DB, f url.Values) (url.Values, error) {
	if f.Has("title") {
		return f, nil
	}
	dr, ok, err := d.holder.Draft(ctx, db, d.holderID, d.period())
	if err != nil || !ok {
		return f, err
	}
	d.DraftSaved = dr.Saved.In(date.Shanghai).Format("2006年1月2日 15:04")
	out := url.Values{}
	for k, v := range f {
		out[k] = v
	}
	for k, v := range dr.Texts {
		out[k] = v
	}
	return out, nil
}

// summaryDraft saves the texts the form sends as the office's draft of the
// period, or discards the draft ("discard").
func (s *Site) summaryDraft(of summaryOfFunc) Handler {
	return func(c *Call) (Answer, error) {
		r := c.R
		d, err := of(r, c.Scope)
		if err != nil {
			return nil, err
		}
		msg := "已保存草稿,下次打开本期间的工作总结时自动载入"
		var texts url.Values
		if r.PostForm.Get("discard") == "" {
			texts = url.Values{}
			for k, v := range r.PostForm {
				if k == "title" || k == "opening" || k == "closing" || (strings.HasPrefix(k, "p") && strings.Trim(k[1:], "0123456789") == "") {
					texts[k] = v
				}
			}
		} else {
			msg = "已放弃草稿,按实时数字重新起草"
		}
		if err := d.holder.SaveDraft(r.Context(), s.DB, d.holderID, d.holderPath, d.period(), texts, c.ID.User.ID, time.Now()); err != nil {
			return nil, err
		}
		return Redirect{To: d.Base + "?" + string(d.Query) + "&from=" + d.From + "&to=" + d.To, Flash: msg}, nil
	}
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
	d.Name, d.Query, d.Base, d.TemplatesPath = o.Name, template.URL("org="+itoa(o.ID)), "/reports/summary", "/reports/templates"
	d.Hidden, d.Publish = []hidden{{"org", itoa(o.ID)}}, "/reports/summary/publish"
	d.Back, d.BackLabel = "/work?org="+itoa(o.ID), "基层工作"
	d.From, d.To = work.Period(f.Get("from"), f.Get("to"), s.Work.Today())
	m, err := stats.Read(r.Context(), s.DB, o.Path)
	if err != nil {
		return d, err
	}
	lines := work.Summarize(m, d.From, d.To)
	d.Figures = report.Figures(itoa(o.ID), stats.NewView(o.ID, m, s.Work.Today().Year()), lines, d.From, d.To)
	custom, err := report.Orgs.Custom(r.Context(), s.DB, o.Path)
	if err != nil {
		return d, err
	}
	d.holder, d.holderID, d.holderPath, d.DraftPath = report.Orgs, o.ID, o.Path, "/reports/summary/draft"
	if f, err = d.withDraft(r.Context(), s.DB, f); err != nil {
		return d, err
	}
	d.edited(f, signed(report.Draft(o.Name, d.From, d.To, "党建工作总结", report.Templates(lines), custom), o.Name, s.Work.Today()))
	return d, nil
}

// edited sets the drafted summary, or the texts as the user edited them
// (the figures still placeholders) when the form sends them back, and
// fills in the preview.
func (d *summaryData) edited(f url.Values, drafted report.Summary) {
	d.S = drafted
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
		_, unknown := report.Fill(text, d.Figures)
		d.Unknown = append(d.Unknown, unknown...)
	}
	stated := report.StatedSummary(d.S, d.Figures)
	para := func(text string) {
		if text != "" {
			pieces, _ := report.Fill(text, d.Figures)
			d.Preview = append(d.Preview, previewBlock{Pieces: pieces})
		}
	}
	para(stated.Opening)
	for i, sec := range stated.Sections {
		if sec.Heading != "" {
			d.Preview = append(d.Preview, previewBlock{Heading: report.Numeral(i) + sec.Heading})
		}
		for _, p := range sec.Paragraphs {
			para(p)
		}
	}
	para(stated.Closing)
}

// paragraphs are the summary's texts in order: opening, sections, closing.
func (d summaryData) paragraphs() []string {
	out := []string{d.S.Opening}
	for _, sec := range d.S.Sections {
		out = append(out, sec.Paragraphs...)
	}
	return append(out, d.S.Closing)
}

// summaryOf drafts a summary (an organisation's, a committee's) within a scope.
type summaryOfFunc func(r *http.Request, sc store.Scope) (summaryData, error)

// summaryPage drafts a work summary for a period within the grants
// carrying the row's permission: the texts to edit, and the preview with
// every figure linked to its list.
func (s *Site) summaryPage(of summaryOfFunc) Handler {
	return func(c *Call) (Answer, error) {
		d, err := of(c.R, c.Scope)
		if err != nil {
			return nil, err
		}
		return View{Name: "summary.html", Title: "工作总结", Data: d}, nil
	}
}

// summaryDocx writes the summary as the form sends it, its figures filled
// in from the records at this moment.
func (s *Site) summaryDocx(of summaryOfFunc) Handler {
	return func(c *Call) (Answer, error) {
		d, err := of(c.R, c.Scope)
		if err != nil {
			return nil, err
		}
		return Download{Name: d.S.Title + ".docx", ContentType: docxType, Write: func(w io.Writer) error { return report.WriteDocx(w, d.S, d.Figures) }}, nil
	}
}

type templatesData struct {
	// Name, Query and Base as a summary's (Base: the summary's page);
	// Path is this page's.
	Name, Base, Path string
	Query            template.URL
	Templates        []report.Template
	Own              map[string]string // the organisation's own texts
	Effective        map[string]string // what a summary uses when the own text is empty
	CanWrite         bool
}

// reportTemplates shows, and saves, the texts an organisation's summaries
// are drafted from, for itself and those below it.
func (s *Site) reportTemplates(c *Call) (Answer, error) {
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
	d := templatesData{Name: o.Name, Query: template.URL("org=" + itoa(o.ID)), Base: "/reports/summary", Path: "/reports/templates", CanWrite: id.Allows(auth.PermWorkWrite, o.Path),
		Templates: report.Templates(work.Summarize(nil, "", ""))} // the lines' words, not their figures
	err = s.editTemplates(r, id, &d, report.Orgs, o.ID, o.Path)
	return templatesDone(c, d, err, "本组织和下级组织")
}

// editTemplates saves the texts posted (when the caller may write) and
// reads a node's own texts and those it inherits.
func (s *Site) editTemplates(r *http.Request, id auth.Identity, d *templatesData, h report.Holder, nodeID int64, path string) error {
	if r.Method == http.MethodPost {
		if !d.CanWrite {
			return auth.ErrForbidden
		}
		for _, t := range d.Templates {
			if err := h.SaveCustom(r.Context(), s.DB, nodeID, path, t.Key, r.PostFormValue(t.Key), id.User.ID, time.Now()); err != nil {
				return err
			}
		}
	}
	var err error
	if d.Own, err = h.Own(r.Context(), s.DB, nodeID); err != nil {
		return err
	}
	above, err := h.Inherited(r.Context(), s.DB, path)
	if err != nil {
		return err
	}
	d.Effective = map[string]string{}
	for _, t := range d.Templates {
		d.Effective[t.Key] = cmp.Or(above[t.Key], t.Text)
	}
	return nil
}

// templatesDone answers a templates page: the error, the saved notice, or the page.
func templatesDone(c *Call, d templatesData, err error, who string) (Answer, error) {
	switch {
	case err != nil:
		return nil, err
	case c.R.Method == http.MethodPost:
		return Redirect{To: d.Path + "?" + string(d.Query), Flash: "已保存起草模板;" + who + "起草工作总结时使用"}, nil
	}
	return View{Name: "reporttemplates.html", Title: "起草模板", Data: d}, nil
}
