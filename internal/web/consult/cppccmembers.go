package consult

import (
	"fmt"
	"net/url"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// The committee's members: the list, registration and import, each member's
// record of duties and the year's performance with its honours.

type performanceData struct {
	Committee committee.Committee
	Year      int
	Items     []web.OptionItem
	Lines     []duties.RankLine
	Honours   []duties.Honour
	Write     bool
	Filed     []cppcc.Proposal // the year's filed proposals, candidates for 优秀提案
	Form      *web.Form
}

func (s *pages) cppccPerformance(c *web.Call) (web.Answer, error) {
	return s.performancePage(c, nil)
}

// performancePage is the year's performance of the committee's members,
// with f the refused form of an honour.
func (s *pages) performancePage(c *web.Call, f *web.Form) (web.View, error) {
	r := c.R
	d := performanceData{Year: s.boardYear(r), Items: web.Options(committee.Items), Form: f, Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return web.View{}, err
	}
	if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), sc); err != nil {
		return web.View{}, err
	}
	if d.Lines, err = s.Cppcc.Duties.Ranking(r.Context(), sc, d.Committee.ID, d.Year); err != nil {
		return web.View{}, err
	}
	if d.Honours, err = s.Cppcc.Duties.Honours(r.Context(), sc, d.Committee.ID, d.Year); err != nil {
		return web.View{}, err
	}
	if d.Write {
		l, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: d.Committee.ID, State: "closed"}, store.Page{Size: store.MaxSize})
		if err != nil {
			return web.View{}, err
		}
		d.Filed = l.Items
	}
	return web.View{Name: "performance.html", Title: fmt.Sprintf("%s%d年委员履职情况", d.Committee.Name, d.Year), Data: d}, nil
}

func (s *pages) cppccHonour(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	cm, err := s.Cppcc.CommitteeOf(r.Context(), c.Scope)
	if err == nil {
		_, err = s.Cppcc.Duties.AddHonour(r.Context(), c.Scope, duties.HonourInput{CommitteeID: cm.ID, Year: s.boardYear(r), Kind: f.Get("kind"),
			ProposalID: f.ID("proposal_id"), MemberID: f.ID("member_id"), Note: f.Get("note")})
	}
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.performancePage(c, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/performance?year=%d", s.boardYear(r)), Flash: "已记录评选结果"}, nil
}

func (s *pages) cppccMemberRecord(c *web.Call) (web.Answer, error) {
	mid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.recordWith(c, auth.PermCppccRead, cppcc.ViewOffice, mid, nil)
}

func (s *pages) cppccMyRecord(c *web.Call) (web.Answer, error) {
	return s.recordWith(c, auth.PermCppccSelf, cppcc.ViewMember, 0, nil)
}

// memberRecordData is a member's record; for the office, with the form that ties
// the member to their login account.
type memberRecordData struct {
	duties.Performance
	Link    bool
	Account string
	Form    *web.Form
}

// recordWith is member mid's record of the year read from view within the
// grants that carry perm (the caller's own in the member's view), with f
// the refused form of the account it is tied to.
func (s *pages) recordWith(c *web.Call, perm auth.Perm, view cppcc.View, mid int64, f *web.Form) (web.View, error) {
	r := c.R
	d := memberRecordData{Link: view == cppcc.ViewOffice && len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Form: f}
	sc, err := c.Within(perm)
	if err != nil {
		return web.View{}, err
	}
	if d.Performance, err = s.Cppcc.Duties.Record(r.Context(), sc, view, mid, s.boardYear(r)); err != nil {
		return web.View{}, err
	}
	if d.Link && d.Member.UserID != nil {
		u, err := s.Auth.User(r.Context(), *d.Member.UserID)
		if err != nil {
			return web.View{}, err
		}
		d.Account = u.Username
	}
	return web.View{Name: "record.html", Title: fmt.Sprintf("%s %d年履职档案", d.Member.Name, d.Year), Data: d}, nil
}

func (s *pages) cppccLinkAccount(c *web.Call) (web.Answer, error) {
	mid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	f.Labels = map[string]string{"username": "登录账号"}
	if _, err := s.Cppcc.LinkAccount(c.R.Context(), c.Scope, mid, f.Get("username")); err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.recordWith(c, auth.PermCppccRead, cppcc.ViewOffice, mid, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/members/%d", mid), Flash: "已关联登录账号 " + f.Get("username")}, nil
}

type membersData struct {
	Committee committee.Committee
	Q         string
	List      store.List[committee.Member]
	Pager     web.Pager
	Write     bool
	Terms     []committee.Term
	Sectors   []string
	Parties   []web.OptionItem
	Form      *web.Form
	Import    *committee.ImportResult
}

func (s *pages) cppccMembers(c *web.Call) (web.Answer, error) {
	return s.membersPage(c, &web.Form{Values: url.Values{}, Errors: map[string]string{}}, nil)
}

// membersPage is the committee's members, with f the refused form of a new
// member and imp the refused import of a list.
func (s *pages) membersPage(c *web.Call, f *web.Form, imp *committee.ImportResult) (web.View, error) {
	r := c.R
	d := membersData{Q: r.URL.Query().Get("q"), Form: f, Import: imp, Parties: web.Options(committee.Parties), Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return web.View{}, err
	}
	if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), sc); err != nil {
		return web.View{}, err
	}
	if d.List, err = s.Cppcc.Members(r.Context(), sc, d.Committee.ID, d.Q, web.PageOf(r)); err != nil {
		return web.View{}, err
	}
	d.Pager = web.NewPager(r, d.List.Total, web.PageOf(r))
	if d.Terms, err = s.Cppcc.Terms(r.Context(), sc, d.Committee.ID); err != nil {
		return web.View{}, err
	}
	if d.Sectors, err = s.Cppcc.Names(r.Context(), d.Committee.ID, "sector"); err != nil {
		return web.View{}, err
	}
	return web.View{Name: "cppccmembers.html", Title: d.Committee.Name + " · 委员", Data: d}, nil
}

func (s *pages) cppccAddMember(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	cm, err := s.Cppcc.CommitteeOf(r.Context(), c.Scope)
	if err == nil {
		_, err = s.Cppcc.AddMember(r.Context(), c.Scope, committee.MemberInput{CommitteeID: cm.ID, TermID: f.ID("term_id"), Name: f.Get("name"), Sex: f.Get("sex"),
			Sector: f.Get("sector"), Party: f.Get("party"), Special: f.Get("special"), Team: f.Get("team"), Post: f.Get("post"), Phone: f.Get("phone")})
	}
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.membersPage(c, f, nil) })
	}
	return web.Redirect{To: "/cppcc/members", Flash: "已登记委员 " + f.Get("name")}, nil
}

func (s *pages) cppccImportMembers(c *web.Call) (web.Answer, error) {
	r := c.R
	f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		f.Errors["file"] = "请选择要导入的委员名单(.xlsx 或 .csv)"
		return badForm(s.membersPage(c, f, nil))
	}
	defer file.Close()
	var res committee.ImportResult
	cm, err := s.Cppcc.CommitteeOf(r.Context(), c.Scope)
	if err == nil {
		res, err = s.Cppcc.ImportMembers(r.Context(), c.Scope, cm.ID, web.ParseID(r.PostFormValue("term_id")), hdr.Filename, file)
	}
	if err == nil {
		return web.Redirect{To: "/cppcc/members", Flash: fmt.Sprintf("已导入委员名单:新增 %d 人,更新 %d 人", res.Added, res.Updated)}, nil
	}
	ae, ok := apperr.As(err)
	if !ok {
		return nil, err
	}
	if len(res.Problems) == 0 {
		f.Error = ae.Message
	} else {
		f.Error = fmt.Sprintf("名单有 %d 处需要修改,一名委员也没有导入", len(res.Problems))
	}
	return badForm(s.membersPage(c, f, &res))
}
