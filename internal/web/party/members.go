package party

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

func (s *pages) membersRoutes() []route {
	return []route{
		{"GET /members", auth.PermMemberRead, 0, s.memberList},
		{"POST /members/batch", auth.PermMemberRead, 0, s.memberBatch},
		{"POST /members/export/full", auth.PermMemberReveal, 0, s.memberExportFull},
		{"GET /members/new", auth.PermMemberWrite, 0, s.memberForm},
		{"POST /members/new", auth.PermMemberWrite, 0, s.memberSave},
		{"GET /members/{id}", auth.PermMemberRead, 0, s.memberPage},
		{"POST /members/{id}/reveal", auth.PermMemberReveal, 0, s.memberPage},
		{"GET /members/{id}/edit", auth.PermMemberWrite, 0, s.memberForm},
		{"POST /members/{id}/edit", auth.PermMemberWrite, 0, s.memberSave},
		{"POST /members/{id}/steps", auth.PermMemberWrite, 0, s.memberStep},
		{"POST /members/{id}/mobile", auth.PermMemberWrite, 0, s.memberMobile},
	}
}

type memberListData struct {
	Org    org.Org
	Filter member.Filter
	List   store.List[member.Member]
	Pager  web.Pager
	Sorts  []sortLink
	Export string // the list as filtered, as .xlsx
	// FullExport is the form that exports it with full numbers, for a role that may reveal them, with a reason.
	FullExport string
	CanReveal  bool
	Form       *web.Form
	// Parents is each listed organisation's parents below the list's top
	// ("和平区委 › 新华街道"); Twins marks names that repeat on the page.
	Parents map[int64]string
	Twins   map[string]bool
	// The batch operations on the people ticked: Selected keeps the ticks
	// of a refused form; Batch is its action (with the list's query).
	Selected map[int64]bool
	Batch    string
	CanWrite bool
	To       web.OrgPick
	OrgPick  web.OrgPick // the filter's organisation
	// The filters are folded on a phone (the list comes first), open when
	// they hold a refused value; Active counts those set beside the defaults.
	FiltersOpen bool
	Active      int
}

type sortLink struct {
	Label, Href string
	Active      bool
}

// memberList is the roster of an organisation's subtree with search, filters, paging and sorting.
func (s *pages) memberList(c *web.Call) (web.Answer, error) {
	return s.memberListWith(c, nil)
}

// memberListWith shows the roster as filtered, with the full-export form f
// (and its error) when it comes back. It reads within the grants that read
// the roster, whichever the row's permission (the full export's, a batch's).
func (s *pages) memberListWith(c *web.Call, f *web.Form) (web.Answer, error) {
	r, id := c.R, c.ID
	d := memberListData{Form: f, Filter: rosterFilter(r), Selected: map[int64]bool{}, To: batchPicker(), Batch: "/members/batch?" + r.URL.RawQuery}
	if f != nil {
		for _, id := range selection(f) {
			d.Selected[id] = true
		}
		d.To.Text, d.To.Err = f.Get(d.To.Q), f.Err(d.To.Q)
	}
	p := web.PageOf(r)
	// A search by a part of an ID number or a phone reads where the caller may reveal them.
	d.Filter.Reveal = member.PartSearch(d.Filter.Q)
	err := id.WithinReading(auth.PermMemberRead, auth.PermMemberReveal, d.Filter.Reveal, member.ErrPartSearch, func(sc store.Scope) error {
		var err error
		if d.Filter.OrgID, err = s.OrgFromQuery(r, sc); err != nil {
			return err
		}
		if d.Filter.OrgID != 0 {
			if d.Org, err = s.Orgs.Get(r.Context(), sc, d.Filter.OrgID); err != nil {
				return err
			}
		}
		d.List, err = s.Members.List(r.Context(), sc, d.Filter, p)
		return err
	})
	if ae, ok := apperr.As(err); ok && (errors.Is(err, member.ErrPartSearch) || ae.Code == "invalid") {
		// Told on the roster itself, above an empty list, the filters open.
		d.Form, d.FiltersOpen, err = &web.Form{Error: ae.Message, Errors: map[string]string{}}, true, nil
		for _, fe := range ae.Fields {
			d.Form.Errors[fe.Field] = fe.Message
		}
	}
	if err != nil {
		return nil, err
	}
	d.Pager = web.NewPager(r, d.List.Total, p)
	d.Pager.More = d.List.More
	if d.Parents, err = s.parents(r, d.Org, d.List.Items); err != nil {
		return nil, err
	}
	d.Twins = map[string]bool{}
	seen := map[string]int{}
	for _, m := range d.List.Items {
		seen[m.Name]++
		d.Twins[m.Name] = seen[m.Name] > 1
	}
	for _, so := range []struct{ key, label string }{{"name", "姓名拼音"}, {"birth_date", "出生日期"}, {"joined_on", "入党日期"}, {"id", "登记先后"}} {
		qq := r.URL.Query()
		qq.Del("page")
		qq.Set("sort", so.key)
		active := d.Filter.Sort == so.key || (d.Filter.Sort == "" && so.key == "name")
		qq.Del("desc")
		if active && !d.Filter.Desc {
			qq.Set("desc", "1")
		}
		label := so.label
		if active {
			label += map[bool]string{false: " ↑", true: " ↓"}[d.Filter.Desc]
		}
		d.Sorts = append(d.Sorts, sortLink{label, "/members?" + qq.Encode(), active})
	}
	d.CanWrite = len(id.ScopesFor(auth.PermMemberWrite)) > 0 && (d.Org.ID == 0 || id.Allows(auth.PermMemberWrite, d.Org.Path))
	d.OrgPick = web.FilterPicker(d.Org)
	d.Active = activeFilters(d.Filter)
	if d.Org.ID != 0 {
		qq := r.URL.Query()
		qq.Del("page")
		qq.Del("org_q") // the picker's text: the number stands for it
		qq.Set("org", web.Itoa(d.Org.ID))
		d.Export = "/api/v1/members/export?" + qq.Encode()
		d.FullExport = "/members/export/full?" + qq.Encode()
		d.CanReveal = id.Allows(auth.PermMemberReveal, d.Org.Path)
	}
	title := "党员名册"
	if d.Org.ID != 0 {
		title = d.Org.Name + " · 党员名册"
	}
	return web.View{Name: "members.html", Title: title, Data: d}, nil
}

// parents names the parents of each listed member's organisation, from
// below top (the list's organisation; the scope's top when 0) down.
func (s *pages) parents(r *http.Request, top org.Org, items []member.Member) (map[int64]string, error) {
	ids := map[int64]bool{}
	for _, m := range items {
		for _, a := range store.PathIDs(m.OrgPath) {
			ids[a] = true
		}
	}
	names, err := org.Names(r.Context(), s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, m := range items {
		var path []string
		below := top.ID == 0
		chain := store.PathIDs(m.OrgPath)
		for i, a := range chain {
			if below && i < len(chain)-1 && i > 0 {
				path = append(path, names[a])
			}
			below = below || a == top.ID
		}
		out[m.OrgID] = strings.Join(path, " › ")
	}
	return out, nil
}

// memberExportFull downloads the roster as filtered with full ID numbers,
// birth dates and phones, for the reason the form gives (in the audit trail
// with the export); without a reason the roster comes back with the message.
func (s *pages) memberExportFull(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	filter := rosterFilter(r)
	export := func() (web.Answer, error) {
		reason, err := spreadsheet.FullReason(f.Get("reason"))
		if err != nil {
			return nil, err
		}
		o, err := s.Orgs.Get(r.Context(), c.Scope, filter.OrgID)
		if err != nil {
			return nil, err
		}
		name, write, err := spreadsheet.MembersExport(r.Context(), s.DB, s.Members, c.Scope, o, filter, reason)
		if err != nil {
			return nil, err
		}
		return web.Download{Name: name, ContentType: web.XlsxType, Stream: true, Write: write}, nil
	}
	a, err := export()
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.memberListWith(c, f) })
	}
	return a, nil
}

// rosterFilter reads the roster's filters from the query: the members
// (正式 and 预备) unless another category, or all ("all"), is asked for.
// activeFilters counts the roster's filters set otherwise than a roster
// opens: the text searched, the stage, the status (other than 在册), the
// category (other than 党员) and 只看流出党员. The organisation is the
// roster's own, in its title.
func activeFilters(f member.Filter) int {
	n := 0
	for _, on := range []bool{f.Q != "", f.Stage != "", f.Status != "", f.Category != "member", f.Mobile} {
		if on {
			n++
		}
	}
	return n
}

func rosterFilter(r *http.Request) member.Filter {
	q := r.URL.Query()
	f := member.Filter{OrgID: web.QueryID(r, "org"), Q: q.Get("q"), Stage: q.Get("stage"), Category: q.Get("category"), Status: q.Get("status"),
		Mobile: q.Get("mobile") == "1", Sort: q.Get("sort"), Desc: q.Get("desc") == "1"}
	f.ProbationDue, _ = strconv.Atoi(q.Get("probation_due"))
	f.ProbationDue = min(max(f.ProbationDue, 0), 366)
	if f.ProbationDue > 0 && f.Sort == "" {
		f.Sort = "probation_ends_on" // the most urgent first
	}
	switch {
	case !q.Has("category"):
		f.Category = "member"
	case f.Category == "all":
		f.Category = ""
	}
	return f
}

type memberData struct {
	M          member.Member
	Revealed   *member.Revealed
	History    []member.StageEvent
	Transfers  []member.Transfer
	Mobile     []member.Mobile
	CanWrite   bool
	CanReveal  bool
	Steps      []member.Transition
	StepForm   *web.Form
	MobileForm *web.Form
}

// memberPage shows one person; a POST to .../reveal shows the clear ID number and phone, audited.
func (s *pages) memberPage(c *web.Call) (web.Answer, error) {
	return s.memberPageWith(c, memberData{})
}

// memberPageWith shows one person with d's refused form, if any: a step
// refused comes back 422 (a step the rules forbid), the rest 400.
func (s *pages) memberPageWith(c *web.Call, d memberData) (web.Answer, error) {
	r, id := c.R, c.ID
	mid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	// The person is read within the grants that read the roster, whichever the row's permission (a reveal's, a step's).
	sc, err := c.Within(auth.PermMemberRead)
	if err != nil {
		return nil, err
	}
	if d.M, err = s.Members.Get(ctx, sc, mid); err != nil {
		return nil, err
	}
	if d.History, err = s.Members.History(ctx, sc, mid); err != nil {
		return nil, err
	}
	ts, err := s.Members.ListTransfers(ctx, sc, member.TransferFilter{Member: mid}, store.Page{Size: 50})
	if err != nil {
		return nil, err
	}
	d.Transfers = ts.Items
	ms, err := s.Members.ListMobile(ctx, sc, member.MobileFilter{Member: mid}, store.Page{Size: 50})
	if err != nil {
		return nil, err
	}
	d.Mobile = ms.Items
	d.CanWrite = id.Allows(auth.PermMemberWrite, d.M.OrgPath)
	d.CanReveal = id.Allows(auth.PermMemberReveal, d.M.OrgPath)
	if r.Method == http.MethodPost && r.URL.Path == "/members/"+web.Itoa(mid)+"/reveal" {
		sc, err := c.Within(auth.PermMemberReveal)
		if err != nil {
			return nil, err
		}
		v, err := s.Members.Reveal(ctx, sc, mid)
		if err != nil {
			return nil, err
		}
		d.Revealed = &v
	}
	for _, t := range member.Transitions {
		if t.Applies(d.M) {
			d.Steps = append(d.Steps, t)
		}
	}
	v := web.View{Name: "member.html", Title: d.M.Name, Data: d}
	if d.StepForm != nil {
		v.Status = http.StatusUnprocessableEntity
	}
	return v, nil
}

func (s *pages) memberStep(c *web.Call) (web.Answer, error) {
	mid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	months, _ := strconv.Atoi(f.Get("months"))
	st := member.Step{Action: f.Get("action"), Months: months, Note: f.Get("note")}
	if on := f.Date("on"); on != nil {
		st.On = *on
	}
	if err = f.Invalid(); err == nil {
		if _, err = s.Members.Advance(c.R.Context(), c.Scope, mid, st); err == nil {
			return web.Redirect{To: "/members/" + web.Itoa(mid), Flash: "已办理"}, nil
		}
	}
	return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.memberPageWith(c, memberData{StepForm: f}) })
}

func (s *pages) memberMobile(c *web.Call) (web.Answer, error) {
	mid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	in := member.MobileInput{Kind: "out", MemberID: mid, PresentPlace: f.Get("present_place"), Contact: f.Get("contact")}
	if d := f.Date("since"); d != nil {
		in.Since = *d
	}
	if _, err := s.Members.RegisterMobile(c.R.Context(), c.Scope, in); err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.memberPageWith(c, memberData{MobileForm: f}) })
	}
	return web.Redirect{To: "/members/" + web.Itoa(mid), Flash: "已登记为流出党员"}, nil
}

type memberFormData struct {
	Org  org.Org
	M    *member.Member
	Form *web.Form
}

func (s *pages) memberForm(c *web.Call) (web.Answer, error) {
	return s.memberFormWith(c, nil)
}

// memberFormWith is the form of a new person or of one's particulars, with f the refused form.
func (s *pages) memberFormWith(c *web.Call, f *web.Form) (web.Answer, error) {
	r := c.R
	var d memberFormData
	d.Form = f
	if r.PathValue("id") != "" {
		mid, err := web.PathID(r)
		if err != nil {
			return nil, err
		}
		m, err := s.Members.Get(r.Context(), c.Scope, mid)
		if err != nil {
			return nil, err
		}
		d.M = &m
		if d.Org, err = s.Orgs.Get(r.Context(), c.Scope, m.OrgID); err != nil {
			return nil, err
		}
	} else {
		var err error
		if d.Org, err = s.Orgs.Get(r.Context(), c.Scope, web.QueryID(r, "org")); err != nil {
			return nil, err
		}
	}
	if d.Form == nil {
		d.Form = &web.Form{Errors: map[string]string{}, Values: map[string][]string{"stage": {"full"}, "ethnicity": {"汉族"}}}
		if m := d.M; m != nil {
			d.Form.Values = map[string][]string{"name": {m.Name}, "ethnicity": {m.Ethnicity}, "education": {m.Education},
				"occupation": {m.Occupation}, "post": {m.Post}}
		}
	}
	title := "登记党员"
	if d.M != nil {
		title = "修改 " + d.M.Name + " 的信息"
	}
	return web.View{Name: "memberform.html", Title: title, Data: d}, nil
}

func (s *pages) memberSave(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	in := member.Input{Name: f.Opt("name"), IDNumber: f.Opt("id_number"), Ethnicity: f.Opt("ethnicity"), Education: f.Opt("education"),
		Phone: f.Opt("phone"), Occupation: f.Opt("occupation"), Post: f.Opt("post")}
	editing := r.PathValue("id") != ""
	if !editing {
		orgID := web.QueryID(r, "org")
		in.OrgID, in.Stage = &orgID, f.Opt("stage")
		in.AppliedOn, in.ActivistOn, in.CandidateOn = f.Date("applied_on"), f.Date("activist_on"), f.Date("candidate_on")
		in.JoinedOn, in.FullOn = f.Date("joined_on"), f.Date("full_on")
	}
	var saved member.Member
	err := f.Invalid()
	switch {
	case err != nil:
	case editing:
		var mid int64
		if mid, err = web.PathID(r); err != nil {
			return nil, err
		}
		saved, err = s.Members.Update(r.Context(), c.Scope, mid, in)
	default:
		saved, err = s.Members.Create(r.Context(), c.Scope, in)
	}
	if err == nil {
		return web.Redirect{To: "/members/" + web.Itoa(saved.ID), Flash: "已保存"}, nil
	}
	return web.Refused(r, f, err, func() (web.Answer, error) { return s.memberFormWith(c, f) })
}
