package web

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/roster"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

func (s *Site) workRoutes() []route {
	return []route{
		{"GET /work", auth.PermWorkRead, 0, s.workIndex},
		{"GET /work/compare/export", auth.PermWorkRead, 0, s.workCompareExport},
		{"GET /reports/summary", auth.PermWorkRead, 0, legacy(s.summaryPage(auth.PermWorkRead, s.summaryOf))},
		{"POST /reports/summary", auth.PermWorkRead, 0, legacy(s.summaryPage(auth.PermWorkRead, s.summaryOf))},
		{"POST /reports/summary/docx", auth.PermWorkRead, 0, legacy(s.summaryDocx(auth.PermWorkRead, s.summaryOf))},
		{"POST /reports/summary/draft", auth.PermWorkWrite, 0, legacy(s.summaryDraft(auth.PermWorkWrite, s.summaryOf))},
		{"GET /reports/templates", auth.PermWorkRead, 0, legacy(s.reportTemplates)},
		{"POST /reports/templates", auth.PermWorkWrite, 0, legacy(s.reportTemplates)},
		{"GET /work/unlinked", auth.PermWorkRead, 0, s.workUnlinked},
		{"GET /work/{kind}", auth.PermWorkRead, 0, s.workList},
		{"POST /work/{kind}", auth.PermWorkWrite, 0, s.workCreate},
		{"GET /work/{kind}/export", auth.PermWorkRead, 0, s.workExport},
		{"GET /work/{kind}/{id}", auth.PermWorkRead, 0, s.workRecord},
		{"POST /work/{kind}/{id}", auth.PermWorkWrite, 0, s.workUpdate},
		{"POST /work/{kind}/{id}/delete", auth.PermWorkWrite, 0, s.workDelete},
		{"POST /work/{kind}/{id}/act/{action}", auth.PermWorkWrite, 0, s.workAct},
		{"GET /attachments/{id}", auth.PermWorkRead, 0, s.attachment},
	}
}

// workSummary is the work block of an organisation's page and of the work index.
type workSummary struct {
	OrgID    int64
	From, To string
	Groups   []work.Group
	Live     work.Live
}

// summary reads the work figures of an organisation for the months from..to.
func (s *Site) summary(r *http.Request, sc store.Scope, o org.Org, from, to string) (workSummary, error) {
	from, to = work.Period(from, to, s.Work.Today())
	ws := workSummary{OrgID: o.ID, From: from, To: to}
	m, err := stats.Read(r.Context(), s.DB, o.Path)
	if err != nil {
		return ws, err
	}
	ws.Groups = work.GroupLines(work.Summarize(m, from, to))
	ws.Live, err = s.Work.LiveFigures(r.Context(), sc, o.ID)
	return ws, err
}

type kindLink struct {
	Name, Label, Group string
}

type workIndexData struct {
	Org     org.Org
	Summary workSummary
	Kinds   []kindLink
	// Compared are the period's figures beside the period before and a year earlier.
	Compared []compareRow
	Periods  work.Periods
}

// compareRow is a line of the comparison as the page shows it.
type compareRow struct {
	Group, Label, Unit, Kind, View string
	Now, Prev, Year                string
	PrevDiff, PrevPct              string
	YearDiff, YearPct              string
}

// compared reads an organisation's figures and compares the months from..to.
func (s *Site) compared(r *http.Request, o org.Org, from, to string) ([]compareRow, work.Periods, error) {
	m, err := stats.Read(r.Context(), s.DB, o.Path)
	if err != nil {
		return nil, work.Periods{}, err
	}
	lines, p := work.Compare(m, from, to)
	return compareRows(lines), p, nil
}

// workCompareExport downloads the comparison of the work page as .xlsx.
func (s *Site) workCompareExport(c *Call) (Answer, error) {
	r := c.R
	o, err := s.workOrg(r, c.Scope)
	if err != nil {
		return nil, err
	}
	from, to := work.Period(r.URL.Query().Get("from"), r.URL.Query().Get("to"), s.Work.Today())
	rows, p, err := s.compared(r, o, from, to)
	if err != nil {
		return nil, err
	}
	title := o.Name + "基层工作统计比较(本期" + p.From + "至" + p.To + ",上期" + p.PrevFrom + "至" + p.PrevTo + ",去年同期" + p.YearFrom + "至" + p.YearTo + ")"
	var out [][]any
	for _, row := range rows {
		out = append(out, []any{row.Label, row.Now, row.Prev, strings.TrimSpace(row.PrevDiff + " " + row.PrevPct), row.Year, strings.TrimSpace(row.YearDiff + " " + row.YearPct), row.Unit})
	}
	return Download{Name: o.Name + "基层工作比较.xlsx", ContentType: xlsxType, Stream: true, Write: func(x io.Writer) error {
		return roster.WriteTable(x, "比较", title, []string{"项目", "本期", "上期", "比上期", "去年同期", "同比", "单位"}, out)
	}}, nil
}

// compareRows lays out the period lines of a comparison, money in yuan.
func compareRows(lines []work.Comparison) []compareRow {
	var out []compareRow
	show := func(unit string, n int64) string {
		if unit == "元" {
			return work.Yuan(n)
		}
		return work.Grouped(n)
	}
	for _, c := range lines {
		if !c.Period {
			continue
		}
		unit := c.Unit
		if unit == "万元" {
			unit = "元" // compared to the fen, in yuan
		}
		row := compareRow{Group: c.Group, Label: c.Label, Unit: unit, Kind: c.Kind, View: c.View,
			Now: show(unit, c.Value), Prev: show(unit, c.Prev), Year: show(unit, c.YearAgo)}
		row.PrevDiff, row.PrevPct = work.Change(c.Value, c.Prev)
		row.YearDiff, row.YearPct = work.Change(c.Value, c.YearAgo)
		if unit == "元" {
			row.PrevDiff, row.YearDiff = signedYuan(c.Value-c.Prev), signedYuan(c.Value-c.YearAgo)
		}
		out = append(out, row)
	}
	return out
}

func signedYuan(fen int64) string {
	if fen > 0 {
		return "+" + work.Yuan(fen)
	}
	return work.Yuan(fen)
}

// workOrg is the organisation a work page is about: ?org=, or the top of the caller's scope.
func (s *Site) workOrg(r *http.Request, sc store.Scope) (org.Org, error) {
	oid, err := s.orgFromQuery(r, sc)
	if err != nil {
		return org.Org{}, err
	}
	return s.Orgs.GetOrTop(r.Context(), sc, oid)
}

// workIndex shows the work figures of a subtree for a period and the record sections.
func (s *Site) workIndex(c *Call) (Answer, error) {
	r := c.R
	var d workIndexData
	var err error
	if d.Org, err = s.workOrg(r, c.Scope); err != nil {
		return nil, err
	}
	if d.Summary, err = s.summary(r, c.Scope, d.Org, r.URL.Query().Get("from"), r.URL.Query().Get("to")); err != nil {
		return nil, err
	}
	if d.Compared, d.Periods, err = s.compared(r, d.Org, d.Summary.From, d.Summary.To); err != nil {
		return nil, err
	}
	for _, k := range work.Kinds {
		if k.Parent == "" {
			d.Kinds = append(d.Kinds, kindLink{k.Name, k.Label, k.Group})
		}
	}
	return View{Name: "work.html", Title: "基层工作", Data: d}, nil
}

// fieldView is one input of a form.
type fieldView struct {
	Col, Label, Type, Value, Err, Hint, Placeholder string
	Required                                        bool
	Options                                         vocab.Enum
	// A person's field is a picker: Value is the id chosen (hidden), Text
	// the name shown; Choices are the people a refused name could mean.
	Text    string
	Choices []picked
}

// formView is a form over some fields of a kind.
type formView struct {
	Action, Title, Submit, Error string
	Fields                       []fieldView
	Multipart, Open              bool
	// Step: a step of the record's state, shown as a button rather than
	// folded, confirmed before it is sent.
	Step    bool
	Confirm string
	// Org is the organisation whose people a person's field offers.
	Org int64
}

var typeOf = map[work.FieldType]string{work.Text: "text", work.Note: "note", work.Date: "date", work.Enum: "enum", work.Fen: "yuan",
	work.Int: "int", work.Member: "member", work.Org: "org", work.Ref: "ref", work.File: "file"}

// buildForm lays out the fields of k that step sets ("" for the record's own form),
// filled from rec (nil: empty) or from what the user typed (f).
func (s *Site) buildForm(r *http.Request, sc store.Scope, k *work.Kind, step string, rec *work.Record, f *form, orgID int64) (formView, error) {
	fv := formView{Org: orgID}
	var err error
	for _, fd := range k.Fields {
		if fd.Step != step || fd.Auto || fd.Col == k.Status {
			continue
		}
		v := fieldView{Col: fd.Col, Label: fd.Label, Type: typeOf[fd.Type], Required: fd.Required, Hint: fd.Hint, Options: fd.Enum}
		if rec != nil {
			v.Value = display(*rec, fd, false)
			if fd.Type == work.Ref || fd.Type == work.Member {
				v.Value = strconv.FormatInt(rec.Int(fd.Col), 10)
				v.Text = rec.Names[fd.Col]
			}
		}
		if fd.Type == work.Date && (step != "" || (rec == nil && fd.Past)) {
			// A step, or a new record of something that happened: most often today.
			v.Value = s.Work.Today().String()
		}
		if f != nil && f.Values != nil {
			v.Value, v.Err, v.Text = f.Get(fd.Col), f.Err(fd.Col), f.Get(fd.Col+"_q")
		}
		switch fd.Type {
		case work.File:
			fv.Multipart = true
			if rec != nil && rec.Int(fd.Col) != 0 {
				v.Hint = "已上传:" + rec.Names[fd.Col] + "(不选择文件则保留)"
			} else {
				v.Hint = "不超过10MB,接受" + work.AllowedTypes
			}
		case work.Member:
			if v.Err != "" && v.Text != "" {
				// The people the name could mean, to choose from.
				if v.Choices, err = s.personChoices(r, sc, orgID, v.Text); err != nil {
					return fv, err
				}
			}
		case work.Ref:
			ref, _ := work.KindOf(fd.Ref)
			l, err := s.Work.List(r.Context(), sc, ref, work.Filter{}, store.Page{Size: 200})
			if err != nil {
				return fv, err
			}
			for _, it := range l.Items {
				v.Options = append(v.Options, vocab.Item{Code: strconv.FormatInt(it.ID, 10), Label: it.Str(ref.Title()) + "(" + it.OrgName + ")"})
			}
		}
		fv.Fields = append(fv.Fields, v)
	}
	if f != nil {
		fv.Error, fv.Open = f.Error, true
	}
	return fv, nil
}

// fillSelf offers the signed-in user's own name in a new record's Self
// fields (a visit's 走访人); an account that names no person leaves them
// empty, with a placeholder that asks for the name.
func (s *Site) fillSelf(ctx context.Context, k *work.Kind, fv *formView, id auth.Identity) error {
	me, err := s.personName(ctx, id)
	if err != nil {
		return err
	}
	for i, v := range fv.Fields {
		if fd, ok := k.Field(v.Col); ok && fd.Self && v.Value == "" {
			fv.Fields[i].Value, fv.Fields[i].Placeholder = me, "请填写"+fd.Label+"的姓名"
		}
	}
	return nil
}

// personName is the signed-in user's own name: the member the account is
// linked to, else its display name unless that is a role's name (an
// account named for its post, "支部书记"); "" when the account names no
// person (the user name is a login, not a name).
func (s *Site) personName(ctx context.Context, id auth.Identity) (string, error) {
	if mid := id.User.MemberID; mid != nil {
		m, err := s.Members.Get(ctx, store.All, *mid)
		if err == nil {
			return m.Name, nil
		}
		if _, ok := apperr.As(err); !ok {
			return "", err
		}
	}
	name := strings.TrimSpace(id.User.DisplayName)
	if slices.Contains(auth.Roles.LabelList(), name) {
		return "", nil
	}
	return name, nil
}

// display is a record's value as a person reads it.
func display(r work.Record, fd work.Field, forList bool) string {
	switch fd.Type {
	case work.Fen:
		if forList && r.Int(fd.Col) == 0 {
			return ""
		}
		return work.Yuan(r.Int(fd.Col))
	case work.Int:
		if fd.Auto && fd.Col == "target_mobile" {
			if r.Int(fd.Col) == 1 {
				return "是"
			}
			return ""
		}
		return strconv.FormatInt(r.Int(fd.Col), 10)
	case work.Date:
		if forList {
			return r.Date(fd.Col).Chinese()
		}
		return r.Date(fd.Col).String()
	case work.Text, work.Note:
		return r.Str(fd.Col)
	case work.Enum:
		if forList {
			return r.Names[fd.Col]
		}
		return r.Str(fd.Col)
	}
	return r.Names[fd.Col]
}

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
	Pager        pager
	Views        []tab
	Enums        []fieldView
	Q, From, To  string
	Export       string
	Create       *formView
	CreateAction string
	// Filtering: the list is narrowed by what the filters hold (they stay unfolded on a phone).
	Filtering bool
	OrgPick   orgPick // the filter's organisation
}

// workList shows one kind's records in a subtree, with filters, export and the form to add one.
func (s *Site) workList(c *Call) (Answer, error) {
	return s.workListWith(c, nil)
}

// workListWith is the list, with f the refused form of a new record.
func (s *Site) workListWith(c *Call, f *form) (Answer, error) {
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
	p := pageOf(r)
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
	d.Pager = newPager(r, l.Total, p)
	if k.Parent == "" && c.ID.Allows(auth.PermWorkWrite, d.Org.Path) {
		fv, err := s.buildForm(r, sc, k, "", nil, f, d.Org.ID)
		if err != nil {
			return nil, err
		}
		fv.Action, fv.Title, fv.Submit = "/work/"+k.Name+"?org="+itoa(d.Org.ID), "新增"+k.Noun, "保存"
		fv.Open = fv.Open || q.Get("new") == "1"
		if f == nil {
			if err := s.fillSelf(r.Context(), k, &fv, c.ID); err != nil {
				return nil, err
			}
		}
		d.Create = &fv
	}
	base := url.Values{"org": {itoa(d.Org.ID)}}
	if len(k.Views) > 0 {
		d.Views = append(d.Views, tab{"", "全部", "/work/" + k.Name + "?" + base.Encode(), filter.View == ""})
		for _, v := range k.Views {
			d.Views = append(d.Views, tab{v.Name, v.Label, "/work/" + k.Name + "?org=" + itoa(d.Org.ID) + "&view=" + v.Name, filter.View == v.Name})
		}
	}
	d.OrgPick = filterPicker(d.Org)
	d.Export = "/work/" + k.Name + "/export?" + r.URL.RawQuery
	if r.URL.RawQuery == "" {
		d.Export += base.Encode()
	}
	return View{Name: "worklist.html", Title: k.Label, Data: d}, nil
}

// input turns a posted form into a record input: money typed in yuan
// becomes fen, uploaded files become attachments of the organisation.
func (s *Site) input(r *http.Request, k *work.Kind, step string, f *form, orgID int64) (work.Input, error) {
	in := work.Input{}
	for _, fd := range k.Fields {
		if fd.Step != step || fd.Auto || fd.Col == k.Status {
			continue
		}
		switch fd.Type {
		case work.Fen:
			fen, ok := work.ParseYuan(f.Get(fd.Col))
			if !ok {
				in[fd.Col] = work.Bad(fd.Label + "“" + f.Get(fd.Col) + "”格式不对,应为以元为单位的金额,最多两位小数,如 500 或 1200.50")
				continue
			}
			in[fd.Col] = fen
		case work.File:
			file, hdr, err := r.FormFile(fd.Col)
			if err != nil {
				continue // nothing chosen: a new record has none, a changed one keeps its file
			}
			data, err := io.ReadAll(io.LimitReader(file, work.MaxAttachment+1))
			file.Close()
			if err != nil {
				return nil, err
			}
			// Stored with the record, in its transaction (work.NewFile).
			in[fd.Col] = work.NewFile{OrgID: orgID, Name: hdr.Filename, Data: data}
		case work.Member:
			// The person chosen in the picker, or else the name typed.
			in[fd.Col] = cmp.Or(f.Get(fd.Col), strings.TrimSpace(f.Get(fd.Col+"_q")))
		default:
			in[fd.Col] = f.Get(fd.Col)
		}
	}
	return in, nil
}

// workCreate adds a record: a top-level one to ?org=, a child one to ?parent=.
func (s *Site) workCreate(c *Call) (Answer, error) {
	r := c.R
	k, ok := work.KindOf(r.PathValue("kind"))
	if !ok {
		return nil, apperr.NotFound("页面")
	}
	f := newForm(r)
	parentID := queryID(r, "parent")
	again := func() (Answer, error) {
		if k.Parent != "" {
			return s.showRecord(c, k.Parent, parentID, map[string]*form{k.Name: f})
		}
		return s.workListWith(c, f)
	}
	orgID := queryID(r, "org")
	if k.Parent != "" {
		pk, _ := work.KindOf(k.Parent)
		p, err := s.Work.Get(r.Context(), c.Scope, pk, parentID)
		if err != nil {
			return refused(r, f, err, again)
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
		return refused(r, f, err, again)
	case k.Parent != "":
		return Redirect{To: "/work/" + k.Parent + "/" + itoa(parentID), Flash: "已添加" + k.Noun}, nil
	}
	return Redirect{To: "/work/" + k.Name + "/" + itoa(rec.ID), Flash: "已保存" + k.Noun}, nil
}

type childView struct {
	Kind *work.Kind
	Head []string
	Rows []rowView
	Add  *formView
}

type fact struct {
	Label, Value, Href string
	Warn               bool
}

type recordData struct {
	Kind     *work.Kind
	Heading  string
	Rec      work.Record
	Parent   *work.Record
	Facts    []fact
	Edit     *formView
	Notice   string
	Actions  []formView
	Children []childView
	Delete   bool
	// Reminders are the 催办 of a record that has a state to chase.
	Reminders *remindView
}

func (s *Site) workRecord(c *Call) (Answer, error) {
	rid, err := pathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.showRecord(c, c.R.PathValue("kind"), rid, nil)
}

// showRecord shows a record with its facts, its steps, the records under it
// and the forms to change it; forms holds what a refused form typed, by kind
// (or by "edit" and by action name).
func (s *Site) showRecord(c *Call, kind string, rid int64, forms map[string]*form) (Answer, error) {
	r := c.R
	k, ok := work.KindOf(kind)
	if !ok {
		return nil, apperr.NotFound("页面")
	}
	d := recordData{Kind: k}
	sc, err := c.Within(auth.PermWorkRead)
	if err != nil {
		return nil, err
	}
	if d.Rec, err = s.Work.Get(r.Context(), sc, k, rid); err != nil {
		return nil, err
	}
	if k.Parent != "" {
		pk, _ := work.KindOf(k.Parent)
		p, err := s.Work.Get(r.Context(), sc, pk, d.Rec.ParentID)
		if err != nil {
			return nil, err
		}
		d.Parent = &p
	}
	if title, ok := k.Field(k.Title()); ok {
		d.Heading = display(d.Rec, title, true)
	}
	d.Facts = append(d.Facts, fact{Label: "所属党组织", Value: d.Rec.OrgName, Href: "/orgs/" + itoa(d.Rec.OrgID)})
	for _, fd := range k.Fields {
		ft := fact{Label: fd.Label, Value: display(d.Rec, fd, true)}
		if fd.Type == work.File && d.Rec.Int(fd.Col) != 0 {
			ft.Href = "/attachments/" + itoa(d.Rec.Int(fd.Col))
		}
		ft.Warn = ft.Value == "已逾期"
		d.Facts = append(d.Facts, ft)
	}
	d.Facts = append(d.Facts, fact{Label: "录入", Value: d.Rec.Maker + " " + d.Rec.CreatedAt.In(date.Shanghai).Format("2006-01-02 15:04")})
	write := c.ID.Allows(auth.PermWorkWrite, d.Rec.OrgPath)
	if k.Status != "" {
		suggest := d.Rec.OrgName
		if d.Parent != nil && d.Parent.Str("helper") != "" {
			suggest = d.Parent.Str("helper")
		}
		if d.Reminders, err = s.remindFor(r.Context(), sc, k.Name, rid, suggest, write); err != nil {
			return nil, err
		}
	}
	if k.Lock != nil {
		d.Notice = k.Lock(d.Rec)
	}
	if write && d.Notice == "" {
		fv, err := s.buildForm(r, sc, k, "", &d.Rec, forms["edit"], d.Rec.OrgID)
		if err != nil {
			return nil, err
		}
		fv.Action, fv.Title, fv.Submit = "/work/"+k.Name+"/"+itoa(rid), "修改", "保存修改"
		d.Edit, d.Delete = &fv, true
	}
	for _, a := range k.Actions {
		perm := auth.PermWorkWrite
		if a.Checker {
			perm = auth.PermFundApprove
		}
		if !c.ID.Allows(perm, d.Rec.OrgPath) || !slices.Contains(a.From, d.Rec.Str(k.Status)) {
			continue
		}
		if a.Undoes != "" && store.Now(s.Work.Now).Sub(d.Rec.UpdatedAt) > work.UndoWindow {
			continue // past the time a step may be taken back
		}
		if a.Checker && c.ID.User.ID == d.Rec.CreatedBy {
			d.Notice = "“" + a.Label + "”须由录入人以外的另一名有审批权限的用户办理"
			continue
		}
		fv, err := s.buildForm(r, sc, k, a.Name, nil, forms[a.Name], d.Rec.OrgID)
		if err != nil {
			return nil, err
		}
		fv.Action, fv.Title, fv.Submit = "/work/"+k.Name+"/"+itoa(rid)+"/act/"+a.Name, a.Label, a.Label
		// A step is a button in sight, asked once more before it is taken.
		fv.Step, fv.Confirm = true, "确定“"+a.Label+"”?办理后记录状态随之改变。"
		d.Actions = append(d.Actions, fv)
	}
	for _, ck := range k.Children() {
		l, err := s.Work.List(r.Context(), sc, ck, work.Filter{ParentID: rid}, store.Page{Size: 200})
		if err != nil {
			return nil, err
		}
		cv := childView{Kind: ck}
		cv.Head, cv.Rows = rows(ck, l.Items, false)
		if write {
			fv, err := s.buildForm(r, sc, ck, "", nil, forms[ck.Name], d.Rec.OrgID)
			if err != nil {
				return nil, err
			}
			fv.Action, fv.Title, fv.Submit = "/work/"+ck.Name+"?parent="+itoa(rid), "添加"+ck.Noun, "添加"
			cv.Add = &fv
		}
		d.Children = append(d.Children, cv)
	}
	return View{Name: "workrecord.html", Title: k.Noun, Data: d}, nil
}

func (s *Site) workUpdate(c *Call) (Answer, error) {
	return s.workChange(c, "edit")
}

func (s *Site) workAct(c *Call) (Answer, error) {
	return s.workChange(c, c.R.PathValue("action"))
}

// workChange saves the edit form (step "edit") or takes a step of a record.
func (s *Site) workChange(c *Call, step string) (Answer, error) {
	r := c.R
	k, ok := work.KindOf(r.PathValue("kind"))
	rid, err := pathID(r)
	if !ok || err != nil {
		return nil, apperr.NotFound("页面")
	}
	f := newForm(r)
	perm, msg := auth.PermWorkWrite, "已保存修改"
	a, isAction := k.Action(step)
	if isAction {
		msg = "已办理:" + a.Label
		if a.Checker {
			perm = auth.PermFundApprove
		}
	}
	// A step of the checker's is taken within the grants that approve; a
	// caller without one sees the record again with the refusal.
	err = c.ID.Within(perm, func(sc store.Scope) error {
		rec, err := s.Work.Get(r.Context(), sc, k, rid)
		if err != nil {
			return err
		}
		if !isAction {
			in, err := s.input(r, k, "", f, rec.OrgID)
			if err != nil {
				return err
			}
			_, err = s.Work.Save(r.Context(), sc, k, rid, in)
			return err
		}
		in, err := s.input(r, k, step, f, rec.OrgID)
		if err != nil {
			return err
		}
		_, err = s.Work.Act(r.Context(), sc, k, rid, step, in)
		return err
	})
	if err != nil {
		return refused(r, f, err, func() (Answer, error) { return s.showRecord(c, k.Name, rid, map[string]*form{step: f}) })
	}
	return Redirect{To: "/work/" + k.Name + "/" + itoa(rid), Flash: msg}, nil
}

func (s *Site) workDelete(c *Call) (Answer, error) {
	k, ok := work.KindOf(c.R.PathValue("kind"))
	rid, err := pathID(c.R)
	if !ok || err != nil {
		return nil, apperr.NotFound("页面")
	}
	rec, err := s.Work.Get(c.R.Context(), c.Scope, k, rid)
	if err != nil {
		return nil, err
	}
	if err := s.Work.Delete(c.R.Context(), c.Scope, k, rid); err != nil {
		return nil, err
	}
	if k.Parent != "" {
		return Redirect{To: "/work/" + k.Parent + "/" + itoa(rec.ParentID), Flash: "已删除" + k.Noun}, nil
	}
	return Redirect{To: "/work/" + k.Name + "?org=" + itoa(rec.OrgID), Flash: "已删除" + k.Noun}, nil
}

// workExport downloads the list as filtered, as .xlsx; the export is in the audit trail.
func (s *Site) workExport(c *Call) (Answer, error) {
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
	name, write, err := roster.WorkExport(r.Context(), s.DB, s.Work, c.Scope, k, filter, o)
	if err != nil {
		return nil, err
	}
	return Download{Name: name, ContentType: xlsxType, Stream: true, Write: write}, nil
}

// attachment serves a file as a download, never shown in the page.
func (s *Site) attachment(c *Call) (Answer, error) {
	aid, err := pathID(c.R)
	if err != nil {
		return nil, err
	}
	a, data, err := s.Work.Download(c.R.Context(), c.Scope, aid)
	if err != nil {
		return nil, err
	}
	return fileDownload(a.Name, data), nil
}

// fileDownload is a stored file to save (never shown in the browser).
func fileDownload(name string, data []byte) Download {
	return Download{Name: name, ContentType: "application/octet-stream", Write: func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}}
}

// sendFile answers a stored file as a download (never shown in the browser).
func sendFile(w http.ResponseWriter, name string, data []byte) {
	sendAs(w, "attachment", "application/octet-stream", name, data)
}

// shownTypes are the kinds of stored file a browser shows itself: a phone
// opens a PDF or a photo rather than saving it.
var shownTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// sendShown sends a stored file of a checked type (its first bytes are
// those of its type) to be shown in the browser when it can be, in a
// sandbox (no script of it runs, it reaches nothing of the site), and
// else (Word, Excel, OFD) downloaded.
func sendShown(w http.ResponseWriter, name, contentType string, data []byte) {
	if !shownTypes[contentType] {
		sendFile(w, name, data)
		return
	}
	w.Header().Set("Content-Security-Policy", "sandbox")
	sendAs(w, "inline", contentType, name, data)
}

// sendAs sends a file inline or as an attachment, its name in UTF-8 (RFC 5987).
func sendAs(w http.ResponseWriter, disposition, contentType, name string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", disposition+"; filename*=UTF-8''"+rfc5987(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// rfc5987 percent-encodes a name as an ext-value of RFC 5987: every byte
// but its attr-chars.
func rfc5987(name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

type unlinkedData struct {
	Org   org.Org
	List  store.List[work.Branch]
	Pager pager
}

// workUnlinked lists the branches no committee member or instructor is linked to.
func (s *Site) workUnlinked(c *Call) (Answer, error) {
	var d unlinkedData
	p := pageOf(c.R)
	var err error
	if d.Org, err = s.workOrg(c.R, c.Scope); err != nil {
		return nil, err
	}
	if d.List, err = s.Work.Unlinked(c.R.Context(), c.Scope, d.Org.ID, p); err != nil {
		return nil, err
	}
	d.Pager = newPager(c.R, d.List.Total, p)
	return View{Name: "unlinked.html", Title: "无人联系的党支部", Data: d}, nil
}
