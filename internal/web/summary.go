package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/library"
	"dangjian/internal/report"
	"dangjian/internal/store"
)

// Hidden is a hidden field of a form.
type Hidden struct{ Name, Value string }

// SummaryData is a work summary's page: an organisation's or a committee's
// summary of a period, drafted from its figures or as the user edited it.
type SummaryData struct {
	// Name is the organisation's or committee's; Query names it in the
	// page's links (org=5, committee=3); Back and BackLabel lead to the
	// figures it is drafted from, Base is the page's path.
	Name, Back, BackLabel, Base string
	Query                       template.URL
	// TemplatesPath is the page of the templates it is drafted from;
	// Hidden names the organisation or committee in the period's form.
	TemplatesPath string
	Hidden        []Hidden
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
	// Holder keeps the texts of the node HolderID at HolderPath (an
	// organisation or a committee): its drafts, and where it publishes.
	Holder     report.Holder
	HolderID   int64
	HolderPath string
}

// previewBlock is a heading of the preview (numbered), or a paragraph.
type previewBlock struct {
	Heading string
	Pieces  []report.Piece
}

// Signed is a drafted summary with its 落款: the body's name and today.
func Signed(s report.Summary, name string, today date.Date) report.Summary {
	s.Signature = []string{name, today.Chinese()}
	return s
}

// period names the summary's months as its draft is kept.
func (d SummaryData) period() string { return d.From + ".." + d.To }

// WithDraft is the form as it came, or, when it brings no texts, with
// the texts of the draft saved for the period.
func (d *SummaryData) WithDraft(ctx context.Context, db *store.DB, f url.Values) (url.Values, error) {
	if f.Has("title") {
		return f, nil
	}
	dr, ok, err := d.Holder.Draft(ctx, db, d.HolderID, d.period())
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

// SummaryDraft saves the texts the form sends as the office's draft of the
// period, or discards the draft ("discard").
func (s *Site) SummaryDraft(of SummaryOf) Handler {
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
		if err := d.Holder.SaveDraft(r.Context(), s.DB, d.HolderID, d.HolderPath, d.period(), texts, c.ID.User.ID, time.Now()); err != nil {
			return nil, err
		}
		return Redirect{To: d.Base + "?" + string(d.Query) + "&from=" + d.From + "&to=" + d.To, Flash: msg}, nil
	}
}

// Edited sets the drafted summary, or the texts as the user edited them
// (the figures still placeholders) when the form sends them back, and
// fills in the preview.
func (d *SummaryData) Edited(f url.Values, drafted report.Summary) {
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
func (d SummaryData) paragraphs() []string {
	out := []string{d.S.Opening}
	for _, sec := range d.S.Sections {
		out = append(out, sec.Paragraphs...)
	}
	return append(out, d.S.Closing)
}

// SummaryOf drafts a summary (an organisation's, a committee's) within a scope.
type SummaryOf func(r *http.Request, sc store.Scope) (SummaryData, error)

// SummaryPage drafts a work summary for a period within the grants
// carrying the row's permission: the texts to edit, and the preview with
// every figure linked to its list.
func (s *Site) SummaryPage(of SummaryOf) Handler {
	return func(c *Call) (Answer, error) {
		d, err := of(c.R, c.Scope)
		if err != nil {
			return nil, err
		}
		return View{Name: "summary.html", Title: "工作总结", Data: d}, nil
	}
}

// SummaryDocx writes the summary as the form sends it, its figures filled
// in from the records at this moment.
func (s *Site) SummaryDocx(of SummaryOf) Handler {
	return func(c *Call) (Answer, error) {
		d, err := of(c.R, c.Scope)
		if err != nil {
			return nil, err
		}
		return Download{Name: d.S.Title + ".docx", ContentType: DocxType, Write: func(w io.Writer) error { return report.WriteDocx(w, d.S, d.Figures) }}, nil
	}
}

// TemplatesData is the page of the texts summaries are drafted from.
type TemplatesData struct {
	// Name, Query and Base as a summary's (Base: the summary's page);
	// Path is this page's.
	Name, Base, Path string
	Query            template.URL
	Templates        []report.Template
	Own              map[string]string // the organisation's own texts
	Effective        map[string]string // what a summary uses when the own text is empty
	CanWrite         bool
}

// EditTemplates saves the texts posted (when the caller may write) and
// reads a node's own texts and those it inherits.
func (s *Site) EditTemplates(r *http.Request, id auth.Identity, d *TemplatesData, h report.Holder, nodeID int64, path string) error {
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

// TemplatesDone answers a templates page: the error, the saved notice, or the page.
func TemplatesDone(c *Call, d TemplatesData, err error, who string) (Answer, error) {
	switch {
	case err != nil:
		return nil, err
	case c.R.Method == http.MethodPost:
		return Redirect{To: d.Path + "?" + string(d.Query), Flash: "已保存起草模板;" + who + "起草工作总结时使用"}, nil
	}
	return View{Name: "reporttemplates.html", Title: "起草模板", Data: d}, nil
}

// SummaryPublish publishes a work summary, as the form sends it with its
// figures filled in now, to the library as the organisation's or the
// committee's 工作总结, read by the whole system.
func (s *Site) SummaryPublish(of SummaryOf) Handler {
	return func(c *Call) (Answer, error) {
		r := c.R
		d, err := of(r, c.Scope)
		if err != nil {
			return nil, err
		}
		in := library.Input{OrgID: d.HolderID, Kind: "summary", Title: d.S.Title, Body: report.Text(d.S, d.Figures), Visibility: "system"}
		var doc library.Doc
		if d.Holder == report.Committees {
			doc, err = s.Library.PublishCommittee(r.Context(), library.Publisher{CommitteeID: d.HolderID, Path: d.HolderPath}, in)
		} else {
			doc, err = s.Library.Publish(r.Context(), c.Scope, in)
		}
		if err != nil {
			return nil, err
		}
		return Redirect{To: fmt.Sprintf("/library/%d", doc.ID), Flash: "已将工作总结发布到经验交流库(全系统可见,可撤回)"}, nil
	}
}
