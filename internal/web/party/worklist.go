package party

import (
	"net/url"
	"strconv"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

// A kind's list of records: its rows, filters and export, and the form
// that adds a record (to an organisation, or under another record).

// cell is one cell of a record list.
type cell struct {
	Text, Href string
	Warn       bool
}

type rowView struct {
	Href  string
	Cells []cell
}

// rows lays out records as a list: the org, then the kind's list fields.
func rows(k *work.Kind, recs []work.Record, withOrg bool) ([]string, []rowView) {
	var head []string
	if withOrg {
		head = append(head, "所属党组织")
	}
	for _, fd := range k.Fields {
		if fd.List {
			head = append(head, fd.Label)
		}
	}
	out := make([]rowView, 0, len(recs))
	for _, rec := range recs {
		rv := rowView{Href: "/work/" + k.Name + "/" + strconv.FormatInt(rec.ID, 10)}
		if withOrg {
			rv.Cells = append(rv.Cells, cell{Text: rec.OrgName})
		}
		for _, fd := range k.Fields {
			if !fd.List {
				continue
			}
			c := cell{Text: display(rec, fd, true)}
			if fd.Type == work.File && rec.Int(fd.Col) != 0 {
				c.Href = "/attachments/" + strconv.FormatInt(rec.Int(fd.Col), 10)
			}
			c.Warn = c.Text == "已逾期"
			rv.Cells = append(rv.Cells, c)
		}
		out = append(out, rv)
	}
	return head, out
}

type workListData struct {
	Kind         *work.Kind
	Org          org.Org
	Head         []string
	Rows         []rowView
	Pager        web.Pager
	Views        []web.Tab
	Enums        []fieldView
	Q, From, To  string
	Export       string
	Create       *formView
	CreateAction string
	// Filtering: the list is narrowed by what the filters hold (they stay unfolded on a phone).
	Filtering bool
	OrgPick   web.OrgPick // the filter's organisation
}

// workList shows one kind's records in a subtree, with filters, export and the form to add one.
func (s *pages) workList(c *web.Call) (web.Answer, error) {
	return s.workListWith(c, nil)
}

// workListWith is the list, with f the refused form of a new record.
func (s *pages) workListWith(c *web.Call, f *web.Form) (web.Answer, error) {
	r := c.R
	k, ok := work.KindOf(r.PathValue("kind"))
	if !ok {
		return nil, apperr.NotFound("页面")
	}
	q := r.URL.Query()
	d := workListData{Kind: k, Q: q.Get("q"), From: q.Get("from"), To: q.Get("to")}
	filter, err := work.FilterOf(k, q)
	if err != nil {
		return nil, err
	}
	d.Filtering = d.Q != "" || d.From != "" || d.To != ""
	for _, fd := range k.Fields {
		if fd.Type == work.Enum && fd.List {
			d.Enums = append(d.Enums, fieldView{Col: fd.Col, Label: fd.Label, Options: fd.Enum, Value: q.Get(fd.Col)})
			d.Filtering = d.Filtering || q.Get(fd.Col) != ""
		}
	}
	p := web.PageOf(r)
	sc, err := c.Within(auth.PermWorkRead)
	if err != nil {
		return nil, err
	}
	if d.Org, err = s.workOrg(r, sc); err != nil {
		return nil, err
	}
	filter.OrgID = d.Org.ID
	l, err := s.Work.List(r.Context(), sc, k, filter, p)
	if err != nil {
		return nil, err
	}
	d.Head, d.Rows = rows(k, l.Items, true)
	d.Pager = web.NewPager(r, l.Total, p)
	if k.Parent == "" && c.ID.Allows(auth.PermWorkWrite, d.Org.Path) {
		fv, err := s.buildForm(r, sc, k, "", nil, f, d.Org.ID)
		if err != nil {
			return nil, err
		}
		fv.Action, fv.Title, fv.Submit = "/work/"+k.Name+"?org="+web.Itoa(d.Org.ID), "新增"+k.Noun, "保存"
		fv.Open = fv.Open || q.Get("new") == "1"
		if f == nil {
			if err := s.fillSelf(r.Context(), k, &fv, c.ID); err != nil {
				return nil, err
			}
		}
		d.Create = &fv
	}
	base := url.Values{"org": {web.Itoa(d.Org.ID)}}
	if len(k.Views) > 0 {
		d.Views = append(d.Views, web.Tab{Key: "", Label: "全部", Href: "/work/" + k.Name + "?" + base.Encode(), Active: filter.View == ""})
		for _, v := range k.Views {
			d.Views = append(d.Views, web.Tab{Key: v.Name, Label: v.Label, Href: "/work/" + k.Name + "?org=" + web.Itoa(d.Org.ID) + "&view=" + v.Name, Active: filter.View == v.Name})
		}
	}
	d.OrgPick = web.FilterPicker(d.Org)
	d.Export = "/work/" + k.Name + "/export?" + r.URL.RawQuery
	if r.URL.RawQuery == "" {
		d.Export += base.Encode()
	}
	return web.View{Name: "worklist.html", Title: k.Label, Data: d}, nil
}

// workCreate adds a record: a top-level one to ?org=, a child one to ?parent=.
func (s *pages) workCreate(c *web.Call) (web.Answer, error) {
	r := c.R
	k, ok := work.KindOf(r.PathValue("kind"))
	if !ok {
		return nil, apperr.NotFound("页面")
	}
	f := web.NewForm(r)
	parentID := web.QueryID(r, "parent")
	again := func() (web.Answer, error) {
		if k.Parent != "" {
			return s.showRecord(c, k.Parent, parentID, map[string]*web.Form{k.Name: f})
		}
		return s.workListWith(c, f)
	}
	orgID := web.QueryID(r, "org")
	if k.Parent != "" {
		pk, _ := work.KindOf(k.Parent)
		p, err := s.Work.Get(r.Context(), c.Scope, pk, parentID)
		if err != nil {
			return web.Refused(r, f, err, again)
		}
		orgID = p.OrgID
	}
	in, err := s.input(r, k, "", f, orgID)
	if err != nil {
		return nil, err
	}
	in["org_id"], in["parent_id"] = orgID, parentID
	rec, err := s.Work.Save(r.Context(), c.Scope, k, 0, in)
	switch {
	case err != nil:
		return web.Refused(r, f, err, again)
	case k.Parent != "":
		return web.Redirect{To: "/work/" + k.Parent + "/" + web.Itoa(parentID), Flash: "已添加" + k.Noun}, nil
	}
	return web.Redirect{To: "/work/" + k.Name + "/" + web.Itoa(rec.ID), Flash: "已保存" + k.Noun}, nil
}

// workExport downloads the list as filtered, as .xlsx; the export is in the audit trail.
func (s *pages) workExport(c *web.Call) (web.Answer, error) {
	r := c.R
	k, ok := work.KindOf(r.PathValue("kind"))
	if !ok {
		return nil, apperr.NotFound("页面")
	}
	filter, err := work.FilterOf(k, r.URL.Query())
	if err != nil {
		return nil, err
	}
	o, err := s.workOrg(r, c.Scope)
	if err != nil {
		return nil, err
	}
	name, write, err := spreadsheet.WorkExport(r.Context(), s.DB, s.Work, c.Scope, k, filter, o)
	if err != nil {
		return nil, err
	}
	return web.Download{Name: name, ContentType: web.XlsxType, Stream: true, Write: write}, nil
}
