package web

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
)

func (s *Site) membersRoutes() []route {
	return []route{
		{"GET /members", auth.PermMemberRead, 0, legacy(s.memberList)},
		{"POST /members/batch", auth.PermMemberRead, 0, legacy(s.memberBatch)},
		{"POST /members/export/full", auth.PermMemberReveal, 0, legacy(s.memberExportFull)},
		{"GET /members/new", auth.PermMemberWrite, 0, legacy(s.memberForm)},
		{"POST /members/new", auth.PermMemberWrite, 0, legacy(s.memberSave)},
		{"GET /members/{id}", auth.PermMemberRead, 0, legacy(s.memberPage)},
		{"POST /members/{id}/reveal", auth.PermMemberReveal, 0, legacy(s.memberPage)},
		{"GET /members/{id}/edit", auth.PermMemberWrite, 0, legacy(s.memberForm)},
		{"POST /members/{id}/edit", auth.PermMemberWrite, 0, legacy(s.memberSave)},
		{"POST /members/{id}/steps", auth.PermMemberWrite, 0, legacy(s.memberStep)},
		{"POST /members/{id}/mobile", auth.PermMemberWrite, 0, legacy(s.memberMobile)},
	}
}

type memberListData struct {
	Org    org.Org
	Filter member.Filter
	List   store.List[member.Member]
	Pager  pager
	Sorts  []sortLink
	Export string // the list as filtered, as .xlsx
	// FullExport is the form that exports it with full numbers, for a role that may reveal them, with a reason.
	FullExport string
	CanReveal  bool
	Form       *form
	// Parents is each listed organisation's parents below the list's top
	// ("和平区委 › 新华街道"); Twins marks names that repeat on the page.
	Parents map[int64]string
	Twins   map[string]bool
	// The batch operations on the people ticked: Selected keeps the ticks
	// of a refused form; Batch is its action (with the list's query).
	Selected map[int64]bool
	Batch    string
	CanWrite bool
	To       orgPick
	OrgPick  orgPick // the filter's organisation
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
func (s *Site) memberList(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.memberListWith(w, r, id, nil, http.StatusOK)
}

// memberListWith shows the roster as filtered, with the full-export form f
// (and its error) when it comes back.
func (s *Site) memberListWith(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := memberListData{Form: f, Filter: rosterFilter(r), Selected: map[int64]bool{}, To: batchPicker(), Batch: "/members/batch?" + r.URL.RawQuery}
	if f != nil {
		for _, id := range selection(f) {
			d.Selected[id] = true
		}
		d.To.Text, d.To.Err = f.Get(d.To.Q), f.Err(d.To.Q)
	}
	p := pageOf(r)
	// A search by a part of an ID number or a phone reads where the caller may reveal them.
	d.Filter.Reveal = member.PartSearch(d.Filter.Q)
	err := id.WithinReading(auth.PermMemberRead, auth.PermMemberReveal, d.Filter.Reveal, member.ErrPartSearch, func(sc store.Scope) error {
		var err error
		if d.Filter.OrgID, err = s.orgFromQuery(r, sc); err != nil {
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
		d.Form, d.FiltersOpen, err = &form{Error: ae.Message, Errors: map[string]string{}}, true, nil
		for _, fe := range ae.Fields {
			d.Form.Errors[fe.Field] = fe.Message
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pager = newPager(r, d.List.Total, p)
	d.Pager.More = d.List.More
	if d.Parents, err = s.parents(r, d.Org, d.List.Items); err != nil {
		s.fail(w, r, err)
		return
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
	d.OrgPick = filterPicker(d.Org)
	d.Active = activeFilters(d.Filter)
	if d.Org.ID != 0 {
		qq := r.URL.Query()
		qq.Del("page")
		qq.Del("org_q") // the picker's text: the number stands for it
		qq.Set("org", itoa(d.Org.ID))
		d.Export = "/api/v1/members/export?" + qq.Encode()
		d.FullExport = "/members/export/full?" + qq.Encode()
		d.CanReveal = id.Allows(auth.PermMemberReveal, d.Org.Path)
	}
	title := "党员名册"
	if d.Org.ID != 0 {
		title = d.Org.Name + " · 党员名册"
	}
	s.show(w, r, id, status, "members.html", title, d)
}

// parents names the parents of each listed member's organisation, from
// below top (the list's organisation; the scope's top when 0) down.
func (s *Site) parents(r *http.Request, top org.Org, items []member.Member) (map[int64]string, error) {
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
func (s *Site) memberExportFull(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	filter := rosterFilter(r)
	err := id.Within(auth.PermMemberReveal, func(sc store.Scope) error {
		reason, err := spreadsheet.FullReason(f.Get("reason"))
		if err != nil {
			return err
		}
		o, err := s.Orgs.Get(r.Context(), sc, filter.OrgID)
		if err != nil {
			return err
		}
		name, write, err := spreadsheet.MembersExport(r.Context(), s.DB, s.Members, sc, o, filter, reason)
		if err != nil {
			return err
		}
		return sendXLSX(w, name, write)
	})
	if err != nil && s.onForm(w, r, f, err) {
		s.memberListWith(w, r, id, f, http.StatusBadRequest)
	}
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
	f := member.Filter{OrgID: queryID(r, "org"), Q: q.Get("q"), Stage: q.Get("stage"), Category: q.Get("category"), Status: q.Get("status"),
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
	StepForm   *form
	MobileForm *form
}

// memberPage shows one person; a POST to .../reveal shows the clear ID number and phone, audited.
func (s *Site) memberPage(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.memberPageWith(w, r, id, memberData{}, http.StatusOK)
}

func (s *Site) memberPageWith(w http.ResponseWriter, r *http.Request, id auth.Identity, d memberData, status int) {
	mid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	err = id.Within(auth.PermMemberRead, func(sc store.Scope) error {
		var err error
		if d.M, err = s.Members.Get(ctx, sc, mid); err != nil {
			return err
		}
		if d.History, err = s.Members.History(ctx, sc, mid); err != nil {
			return err
		}
		ts, err := s.Members.ListTransfers(ctx, sc, member.TransferFilter{Member: mid}, store.Page{Size: 50})
		if err != nil {
			return err
		}
		d.Transfers = ts.Items
		ms, err := s.Members.ListMobile(ctx, sc, member.MobileFilter{Member: mid}, store.Page{Size: 50})
		d.Mobile = ms.Items
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.CanWrite = id.Allows(auth.PermMemberWrite, d.M.OrgPath)
	d.CanReveal = id.Allows(auth.PermMemberReveal, d.M.OrgPath)
	if r.Method == http.MethodPost && r.URL.Path == "/members/"+itoa(mid)+"/reveal" {
		err := id.Within(auth.PermMemberReveal, func(sc store.Scope) error {
			v, err := s.Members.Reveal(ctx, sc, mid)
			d.Revealed = &v
			return err
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for _, t := range member.Transitions {
		if t.Applies(d.M) {
			d.Steps = append(d.Steps, t)
		}
	}
	s.show(w, r, id, status, "member.html", d.M.Name, d)
}

func (s *Site) memberStep(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	mid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	months, _ := strconv.Atoi(f.Get("months"))
	st := member.Step{Action: f.Get("action"), Months: months, Note: f.Get("note")}
	if on := f.date("on"); on != nil {
		st.On = *on
	}
	if len(f.Errors) == 0 {
		err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
			_, err := s.Members.Advance(r.Context(), sc, mid, st)
			return err
		})
		if err == nil {
			done(w, r, "/members/"+itoa(mid), "已办理")
			return
		}
		if !s.onForm(w, r, f, err) {
			return
		}
	}
	s.memberPageWith(w, r, id, memberData{StepForm: f}, http.StatusUnprocessableEntity)
}

func (s *Site) memberMobile(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	mid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	in := member.MobileInput{Kind: "out", MemberID: mid, PresentPlace: f.Get("present_place"), Contact: f.Get("contact")}
	if d := f.date("since"); d != nil {
		in.Since = *d
	}
	err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		_, err := s.Members.RegisterMobile(r.Context(), sc, in)
		return err
	})
	if err == nil {
		done(w, r, "/members/"+itoa(mid), "已登记为流出党员")
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	s.memberPageWith(w, r, id, memberData{MobileForm: f}, http.StatusBadRequest)
}

type memberFormData struct {
	Org  org.Org
	M    *member.Member
	Form *form
}

func (s *Site) memberForm(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.memberFormWith(w, r, id, nil, http.StatusOK)
}

func (s *Site) memberFormWith(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	var d memberFormData
	d.Form = f
	err := id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		if r.PathValue("id") != "" {
			mid, err := pathID(r)
			if err != nil {
				return err
			}
			m, err := s.Members.Get(r.Context(), sc, mid)
			if err != nil {
				return err
			}
			d.M = &m
			d.Org, err = s.Orgs.Get(r.Context(), sc, m.OrgID)
			return err
		}
		var err error
		d.Org, err = s.Orgs.Get(r.Context(), sc, queryID(r, "org"))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Form == nil {
		d.Form = &form{Errors: map[string]string{}, Values: map[string][]string{"stage": {"full"}, "ethnicity": {"汉族"}}}
		if m := d.M; m != nil {
			d.Form.Values = map[string][]string{"name": {m.Name}, "ethnicity": {m.Ethnicity}, "education": {m.Education},
				"occupation": {m.Occupation}, "post": {m.Post}}
		}
	}
	title := "登记党员"
	if d.M != nil {
		title = "修改 " + d.M.Name + " 的信息"
	}
	s.show(w, r, id, status, "memberform.html", title, d)
}

func (s *Site) memberSave(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	in := member.Input{Name: f.opt("name"), IDNumber: f.opt("id_number"), Ethnicity: f.opt("ethnicity"), Education: f.opt("education"),
		Phone: f.opt("phone"), Occupation: f.opt("occupation"), Post: f.opt("post")}
	editing := r.PathValue("id") != ""
	if !editing {
		orgID := queryID(r, "org")
		in.OrgID, in.Stage = &orgID, f.opt("stage")
		in.AppliedOn, in.ActivistOn, in.CandidateOn = f.date("applied_on"), f.date("activist_on"), f.date("candidate_on")
		in.JoinedOn, in.FullOn = f.date("joined_on"), f.date("full_on")
	}
	if len(f.Errors) == 0 {
		var saved member.Member
		err := id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
			var err error
			if editing {
				mid, perr := pathID(r)
				if perr != nil {
					return perr
				}
				saved, err = s.Members.Update(r.Context(), sc, mid, in)
			} else {
				saved, err = s.Members.Create(r.Context(), sc, in)
			}
			return err
		})
		if err == nil {
			done(w, r, "/members/"+itoa(saved.ID), "已保存")
			return
		}
		if !s.onForm(w, r, f, err) {
			return
		}
	}
	s.memberFormWith(w, r, id, f, http.StatusBadRequest)
}
