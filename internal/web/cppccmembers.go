package web

import (
	"fmt"
	"net/http"
	"net/url"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/store"
)

// The committee's members: the list, registration and import, each member's
// record of duties and the year's performance with its honours.

type performanceData struct {
	Committee cppcc.Committee
	Year      int
	Items     []optionItem
	Lines     []duties.RankLine
	Honours   []duties.Honour
	Write     bool
	Filed     []cppcc.Proposal // the year's filed proposals, candidates for 优秀提案
	Form      *form
}

func (s *Site) cppccPerformance(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.performancePage(w, r, id, nil, http.StatusOK)
}

func (s *Site) performancePage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := performanceData{Year: s.boardYear(r), Items: options(cppcc.Items), Form: f, Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0}
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		var err error
		if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), sc); err != nil {
			return err
		}
		if d.Lines, err = s.Cppcc.Duties.Ranking(r.Context(), sc, d.Committee.ID, d.Year); err != nil {
			return err
		}
		if d.Honours, err = s.Cppcc.Duties.Honours(r.Context(), sc, d.Committee.ID, d.Year); err != nil {
			return err
		}
		if d.Write {
			l, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: d.Committee.ID, State: "closed"}, store.Page{Size: store.MaxSize})
			d.Filed = l.Items
			return err
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "performance.html", fmt.Sprintf("%s%d年委员履职情况", d.Committee.Name, d.Year), d)
}

func (s *Site) cppccHonour(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(r.Context(), sc)
		if err != nil {
			return err
		}
		_, err = s.Cppcc.Duties.AddHonour(r.Context(), sc, duties.HonourInput{CommitteeID: c.ID, Year: s.boardYear(r), Kind: f.Get("kind"),
			ProposalID: f.id("proposal_id"), MemberID: f.id("member_id"), Note: f.Get("note")})
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/performance?year=%d", s.boardYear(r)), "已记录评选结果")
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	s.performancePage(w, r, id, f, http.StatusBadRequest)
}

func (s *Site) cppccMemberRecord(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	mid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.recordPage(w, r, id, auth.PermCppccRead, cppcc.ViewOffice, mid)
}

func (s *Site) cppccMyRecord(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.recordPage(w, r, id, auth.PermCppccSelf, cppcc.ViewMember, 0)
}

// memberRecordData is a member's record; for the office, with the form that ties
// the member to their login account.
type memberRecordData struct {
	duties.Performance
	Link    bool
	Account string
	Form    *form
}

func (s *Site) recordPage(w http.ResponseWriter, r *http.Request, id auth.Identity, perm auth.Perm, view cppcc.View, mid int64) {
	s.recordWith(w, r, id, perm, view, mid, nil, http.StatusOK)
}

func (s *Site) recordWith(w http.ResponseWriter, r *http.Request, id auth.Identity, perm auth.Perm, view cppcc.View, mid int64, f *form, status int) {
	d := memberRecordData{Link: view == cppcc.ViewOffice && len(id.ScopesFor(auth.PermCppccWrite)) > 0, Form: f}
	err := id.Within(perm, func(sc store.Scope) error {
		var err error
		if d.Performance, err = s.Cppcc.Duties.Record(r.Context(), sc, view, mid, s.boardYear(r)); err != nil {
			return err
		}
		if d.Link && d.Member.UserID != nil {
			u, err := s.Auth.User(r.Context(), *d.Member.UserID)
			if err != nil {
				return err
			}
			d.Account = u.Username
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "record.html", fmt.Sprintf("%s %d年履职档案", d.Member.Name, d.Year), d)
}

func (s *Site) cppccLinkAccount(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	mid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	f.Labels = map[string]string{"username": "登录账号"}
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		_, err := s.Cppcc.LinkAccount(r.Context(), sc, mid, f.Get("username"))
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/members/%d", mid), "已关联登录账号 "+f.Get("username"))
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	s.recordWith(w, r, id, auth.PermCppccRead, cppcc.ViewOffice, mid, f, http.StatusBadRequest)
}

type membersData struct {
	Committee cppcc.Committee
	Q         string
	List      store.List[cppcc.Member]
	Pager     pager
	Write     bool
	Terms     []cppcc.Term
	Sectors   []string
	Parties   []optionItem
	Form      *form
	Import    *cppcc.ImportResult
}

func (s *Site) cppccMembers(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.membersPage(w, r, id, &form{Values: url.Values{}, Errors: map[string]string{}}, nil, http.StatusOK)
}

func (s *Site) membersPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, imp *cppcc.ImportResult, status int) {
	d := membersData{Q: r.URL.Query().Get("q"), Form: f, Import: imp, Parties: options(cppcc.Parties), Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0}
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		var err error
		if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), sc); err != nil {
			return err
		}
		if d.List, err = s.Cppcc.Members(r.Context(), sc, d.Committee.ID, d.Q, pageOf(r)); err != nil {
			return err
		}
		d.Pager = newPager(r, d.List.Total, pageOf(r))
		if d.Terms, err = s.Cppcc.Terms(r.Context(), sc, d.Committee.ID); err != nil {
			return err
		}
		d.Sectors, err = s.Cppcc.Names(r.Context(), d.Committee.ID, "sector")
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "cppccmembers.html", d.Committee.Name+" · 委员", d)
}

func (s *Site) cppccAddMember(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(r.Context(), sc)
		if err != nil {
			return err
		}
		_, err = s.Cppcc.AddMember(r.Context(), sc, cppcc.MemberInput{CommitteeID: c.ID, TermID: f.id("term_id"), Name: f.Get("name"), Sex: f.Get("sex"),
			Sector: f.Get("sector"), Party: f.Get("party"), Special: f.Get("special"), Team: f.Get("team"), Post: f.Get("post"), Phone: f.Get("phone")})
		return err
	})
	if err == nil {
		done(w, r, "/cppcc/members", "已登记委员 "+f.Get("name"))
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	s.membersPage(w, r, id, f, nil, http.StatusBadRequest)
}

func (s *Site) cppccImportMembers(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		f.Errors["file"] = "请选择要导入的委员名单(.xlsx 或 .csv)"
		s.membersPage(w, r, id, f, nil, http.StatusBadRequest)
		return
	}
	defer file.Close()
	var res cppcc.ImportResult
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(r.Context(), sc)
		if err != nil {
			return err
		}
		res, err = s.Cppcc.ImportMembers(r.Context(), sc, c.ID, parseID(r.PostFormValue("term_id")), hdr.Filename, file)
		return err
	})
	if err == nil {
		done(w, r, "/cppcc/members", fmt.Sprintf("已导入委员名单:新增 %d 人,更新 %d 人", res.Added, res.Updated))
		return
	}
	ae, ok := apperr.As(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if len(res.Problems) == 0 {
		f.Error = ae.Message
	} else {
		f.Error = fmt.Sprintf("名单有 %d 处需要修改,一名委员也没有导入", len(res.Problems))
	}
	s.membersPage(w, r, id, f, &res, http.StatusBadRequest)
}
