package web

import (
	"net/http"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

func (s *Site) transfersRoutes() []route {
	return []route{
		{"GET /transfers", auth.PermMemberRead, 0, legacy(s.transferList)},
		{"GET /transfers/new", auth.PermMemberWrite, 0, legacy(s.transferForm)},
		{"POST /transfers/new", auth.PermMemberWrite, 0, legacy(s.transferIssue)},
		{"GET /transfers/{id}/print", auth.PermMemberRead, 0, legacy(s.letterPrint)},
		{"POST /transfers/{id}/print", auth.PermMemberReveal, 0, legacy(s.letterPrint)},
		{"POST /transfers/{id}/receive", auth.PermMemberWrite, 0, legacy(s.transferAct)},
		{"POST /transfers/{id}/unreceive", auth.PermMemberWrite, 0, legacy(s.transferAct)},
		{"POST /transfers/{id}/cancel", auth.PermMemberWrite, 0, legacy(s.transferAct)},
		{"GET /mobile", auth.PermMemberRead, 0, legacy(s.mobileList)},
		{"POST /mobile", auth.PermMemberWrite, 0, legacy(s.mobileRegisterIn)},
		{"POST /mobile/{id}/end", auth.PermMemberWrite, 0, legacy(s.mobileEnd)},
	}
}

type tab struct {
	Key, Label, Href string
	Active           bool
}

type transferListData struct {
	Org   org.Org
	Tabs  []tab
	List  store.List[member.Transfer]
	Pager pager
	// Mine tells, per letter, whether the caller may receive it (in) or cancel it (out).
	CanReceive, CanCancel map[int64]bool
	CanUndo               map[int64]bool // a receipt that may still be taken back
	// Start is the person picker that starts a letter, for one who may issue them.
	Start bool
}

var transferTabs = []struct{ key, label string }{
	{"in", "待本组织接收"}, {"out", "已转出待对方接收"}, {"risk", "口袋党员风险"}, {"all", "全部介绍信"},
}

// transferList shows the letters of a subtree by tab: to receive, issued and pending, overdue (口袋党员 risk), all.
func (s *Site) transferList(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	q := r.URL.Query()
	key := q.Get("tab")
	if key == "" {
		key = "in"
	}
	f := member.TransferFilter{OrgID: queryID(r, "org")}
	switch key {
	case "in", "out":
		f.Direction, f.Status = key, member.TransferPending
	case "risk":
		f.Risk = true
	}
	d := transferListData{CanReceive: map[int64]bool{}, CanCancel: map[int64]bool{}, CanUndo: map[int64]bool{}}
	p := pageOf(r)
	err := id.Within(auth.PermMemberRead, func(sc store.Scope) error {
		var err error
		if f.OrgID != 0 {
			if d.Org, err = s.Orgs.Get(r.Context(), sc, f.OrgID); err != nil {
				return err
			}
		}
		d.List, err = s.Members.ListTransfers(r.Context(), sc, f, p)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range d.List.Items {
		if t.Undoable(store.Now(s.Members.Now)) {
			d.CanUndo[t.ID] = id.Allows(auth.PermMemberWrite, s.pathOf(r, t.ToOrgID))
		}
		if t.Status != member.TransferPending {
			continue
		}
		from, to := s.pathOf(r, t.FromOrgID), s.pathOf(r, t.ToOrgID)
		d.CanReceive[t.ID] = (to != "" && id.Allows(auth.PermMemberWrite, to)) || (to == "" && id.Allows(auth.PermMemberWrite, from))
		d.CanCancel[t.ID] = from != "" && id.Allows(auth.PermMemberWrite, from)
	}
	for _, tb := range transferTabs {
		qq := r.URL.Query()
		qq.Set("tab", tb.key)
		qq.Del("page")
		d.Tabs = append(d.Tabs, tab{tb.key, tb.label, "/transfers?" + qq.Encode(), tb.key == key})
	}
	d.Pager = newPager(r, d.List.Total, p)
	d.Start = len(id.ScopesFor(auth.PermMemberWrite)) > 0
	s.show(w, r, id, http.StatusOK, "transfers.html", "组织关系转接", d)
}

func (s *Site) pathOf(r *http.Request, id *int64) string {
	if id == nil {
		return ""
	}
	o, err := s.Orgs.Get(r.Context(), store.All, *id)
	if err != nil {
		return ""
	}
	return o.Path
}

type transferFormData struct {
	M    member.Member
	Form *form
	To   orgPick // the receiving organisation
	// Without a member yet (a letter started from 组织关系转接): the name
	// typed, its message, and the people it could mean.
	Who     string
	WhoErr  string
	Choices []picked
}

// toPicker is the letter's receiving organisation, anywhere in the tree.
func toPicker() orgPick {
	return orgPick{ID: "to_org_id", Q: "to_q", Label: "接收的党组织(系统内)", For: "transfer"}
}

func (s *Site) transferForm(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.transferFormWith(w, r, id, transferFormData{Form: &form{Errors: map[string]string{}}, To: toPicker()}, http.StatusOK)
}

func (s *Site) transferFormWith(w http.ResponseWriter, r *http.Request, id auth.Identity, d transferFormData, status int) {
	mid := queryID(r, "member")
	err := id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		var err error
		if mid == 0 {
			// Started from 组织关系转接: the person named in the picker.
			if mid, err = s.whoLeaves(r, sc, &d); err != nil || mid == 0 {
				return err
			}
		}
		d.M, err = s.Members.Get(r.Context(), sc, mid)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.M.ID == 0 {
		s.show(w, r, id, http.StatusOK, "transferform.html", "开具组织关系介绍信", d)
		return
	}
	s.show(w, r, id, status, "transferform.html", "开具组织关系介绍信", d)
}

// whoLeaves resolves the person picker of a letter started without a
// member: the person chosen, or the only member in scope of the name
// typed; 0 with the message and the choices otherwise.
func (s *Site) whoLeaves(r *http.Request, sc store.Scope, d *transferFormData) (int64, error) {
	q := r.URL.Query()
	for _, v := range q["who"] { // the hidden field the script fills, or a choice
		if n := parseID(v); n > 0 {
			return n, nil
		}
	}
	d.Who = strings.TrimSpace(q.Get("who_q"))
	if d.Who == "" {
		if q.Has("who_q") {
			d.WhoErr = "请输入要转出组织关系的党员姓名,并从列表中选择"
		}
		return 0, nil
	}
	if member.PartSearch(d.Who) {
		d.WhoErr = "请按姓名或拼音首字母查找党员"
		return 0, nil
	}
	l, err := s.Members.List(r.Context(), sc, member.Filter{Q: d.Who, Category: "member"}, store.Page{Size: 20})
	if err != nil {
		return 0, err
	}
	switch {
	case len(l.Items) == 1:
		return l.Items[0].ID, nil
	case len(l.Items) == 0:
		d.WhoErr = "您管理的党员中没有找到“" + d.Who + "”"
	default:
		d.WhoErr = "有" + strconv.Itoa(len(l.Items)) + "名党员符合“" + d.Who + "”,请在下面选择一位"
		d.Choices = offerPeople(l.Items)
	}
	return 0, nil
}

// letterInput is what a letter's form says besides its person, its
// receiving organisation in the system and its number: the one letter's
// and the roster's batch ("letterterms" lays the fields out for both).
func letterInput(f *form) member.IssueInput {
	in := member.IssueInput{ToText: f.Get("to_text"), Reason: f.Get("reason"), DuesPaidTo: f.Get("dues_paid_to")}
	if n := f.count("valid_days"); n != nil {
		in.ValidDays = *n
	}
	if on := f.date("issued_on"); on != nil {
		in.IssuedOn = *on
	}
	return in
}

// transferIssue issues a letter. The receiving organisation is looked up by
// name or code across the whole system (a letter goes anywhere); when
// several match, the user picks one.
func (s *Site) transferIssue(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	d := transferFormData{Form: f, To: toPicker()}
	in := letterInput(f)
	in.MemberID, in.LetterNo = queryID(r, "member"), f.Get("letter_no")
	var err error
	if in.ToOrgID, err = s.pickOrg(r.Context(), id, f, &d.To); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(f.Errors) == 0 {
		var t member.Transfer
		err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
			var err error
			t, err = s.Members.Issue(r.Context(), sc, in)
			return err
		})
		if err == nil {
			done(w, r, "/transfers?tab=out", "已开具介绍信 "+t.LetterNo+",等待"+t.ToName+"接收")
			return
		}
		if !s.onForm(w, r, f, err) {
			return
		}
	}
	s.transferFormWith(w, r, id, d, http.StatusBadRequest)
}

// transferAct receives or cancels a letter.
func (s *Site) transferAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	tid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	receive, undo := strings.HasSuffix(r.URL.Path, "/receive"), strings.HasSuffix(r.URL.Path, "/unreceive")
	f := newForm(r)
	var t member.Transfer
	err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		var err error
		if undo {
			t, err = s.Members.UndoReceive(r.Context(), sc, tid)
		} else if receive {
			var on date.Date // today, unless the form names the day
			if d := f.date("on"); d != nil {
				on = *d
			}
			t, err = s.Members.Receive(r.Context(), sc, tid, on)
		} else {
			t, err = s.Members.Cancel(r.Context(), sc, tid)
		}
		return err
	})
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Code != "not_found" {
			done(w, r, "/transfers", ae.Message)
			return
		}
		s.fail(w, r, err)
		return
	}
	msg := "已撤回介绍信 " + t.LetterNo
	switch {
	case undo:
		msg = "已撤销接收:" + t.Name + " 回到" + t.FromName + ",介绍信 " + t.LetterNo + " 重新待接收"
	case receive:
		msg = "已接收 " + t.Name + " 的组织关系(介绍信 " + t.LetterNo + ");24小时内可在“全部”中撤销接收"
	}
	done(w, r, "/transfers?tab=all", msg)
}

type mobileData struct {
	Kind  string
	Tabs  []tab
	List  store.List[member.Mobile]
	Pager pager
	Form  *form
	Orgs  []org.Org
	Write bool
}

func (s *Site) mobileList(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.mobileListWith(w, r, id, nil, http.StatusOK)
}

func (s *Site) mobileListWith(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	kind := r.URL.Query().Get("kind")
	if kind != "in" {
		kind = "out"
	}
	d := mobileData{Kind: kind, Form: f}
	p := pageOf(r)
	err := id.Within(auth.PermMemberRead, func(sc store.Scope) error {
		var err error
		d.List, err = s.Members.ListMobile(r.Context(), sc, member.MobileFilter{OrgID: queryID(r, "org"), Kind: kind}, p)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, k := range []struct{ key, label string }{{"out", "流出党员"}, {"in", "流入党员"}} {
		d.Tabs = append(d.Tabs, tab{k.key, k.label, "/mobile?kind=" + k.key, k.key == kind})
	}
	d.Pager = newPager(r, d.List.Total, p)
	if scopes := id.ScopesFor(auth.PermMemberWrite); len(scopes) > 0 {
		d.Write = true
		roots, err := s.Orgs.Roots(r.Context(), scopes[0])
		if err == nil && len(roots) > 0 {
			d.Orgs = append(roots, mustChildren(s, r, scopes[0], roots[0].ID)...)
		}
	}
	s.show(w, r, id, status, "mobile.html", "流动党员", d)
}

func mustChildren(s *Site, r *http.Request, sc store.Scope, id int64) []org.Org {
	kids, _ := s.Orgs.Children(r.Context(), sc, id)
	return kids
}

func (s *Site) mobileRegisterIn(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	in := member.MobileInput{Kind: "in", OrgID: f.id("org_id"), Name: f.Get("name"), RelationPlace: f.Get("relation_place"),
		Contact: f.Get("contact"), PresentPlace: f.Get("present_place")}
	if d := f.date("since"); d != nil {
		in.Since = *d
	}
	err := id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		_, err := s.Members.RegisterMobile(r.Context(), sc, in)
		return err
	})
	if err == nil {
		done(w, r, "/mobile?kind=in", "已登记流入党员 "+in.Name)
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	r.URL.RawQuery = "kind=in"
	s.mobileListWith(w, r, id, f, http.StatusBadRequest)
}

func (s *Site) mobileEnd(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	mid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rec member.Mobile
	err = id.Within(auth.PermMemberWrite, func(sc store.Scope) error {
		var err error
		rec, err = s.Members.EndMobile(r.Context(), sc, mid, date.Date{})
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/mobile?kind="+rec.Kind, "已结束 "+rec.Name+" 的流动登记")
}

type letterData struct {
	T         member.Transfer
	M         *member.Member // the person, when still in scope
	Age       int
	PrintedOn string
	Reminders *remindView // a letter waiting to be received is chased
	// DuesYear and DuesMonth are the 党费交到 written on the letter ("" for a blank).
	DuesYear, DuesMonth string
	// IDNumber is the number as printed on the stub and the letter alike:
	// in the clear when a role that may reveal it asked so (one look,
	// audited), masked otherwise.
	IDNumber  string
	Revealed  bool
	CanReveal bool
}

// letterPrint is a letter laid out as the printed form: the 存根 kept by
// the issuing organisation, the 介绍信 itself and the 回执 the receiving
// one sends back, on one A4 page. The ID number is masked, as on every
// page; a POST from a role that may reveal it prints it in the clear, the
// look recorded in the audit trail with the letter it was for.
func (s *Site) letterPrint(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	tid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d letterData
	err = id.Within(auth.PermMemberRead, func(sc store.Scope) error {
		var err error
		if d.T, err = s.Members.GetTransfer(r.Context(), sc, tid); err != nil {
			return err
		}
		if d.T.Status == member.TransferPending {
			// A letter not received yet is chased with the receiving organisation.
			canAdd := id.Allows(auth.PermMemberWrite, s.pathOf(r, d.T.FromOrgID)) || id.Allows(auth.PermMemberWrite, s.pathOf(r, d.T.ToOrgID))
			if d.Reminders, err = s.remindFor(r.Context(), sc, "transfer", tid, d.T.ToName, canAdd); err != nil {
				return err
			}
		}
		if d.T.MemberID != nil {
			if m, err := s.Members.Get(r.Context(), sc, *d.T.MemberID); err == nil {
				d.M = &m
			} else if _, ok := apperr.As(err); !ok {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.M != nil {
		d.IDNumber = d.M.IDMasked
		d.CanReveal = id.Allows(auth.PermMemberReveal, d.M.OrgPath)
		if r.Method == http.MethodPost {
			err := id.Within(auth.PermMemberReveal, func(sc store.Scope) error {
				v, err := s.Members.RevealFor(r.Context(), sc, d.M.ID, "打印组织关系介绍信 "+d.T.LetterNo)
				d.IDNumber, d.Revealed = v.IDNumber, true
				return err
			})
			if err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if !d.M.BirthDate.IsZero() {
			d.Age = ageOn(d.M.BirthDate, d.T.IssuedOn)
		}
	}
	if y, m, ok := strings.Cut(d.T.DuesPaidTo, "-"); ok {
		d.DuesYear, d.DuesMonth = y, strings.TrimPrefix(m, "0")
	}
	d.PrintedOn = s.Work.Today().Chinese()
	s.show(w, r, id, http.StatusOK, "letter.html", "组织关系介绍信 "+d.T.LetterNo, d)
}

// ageOn is the age in whole years on a day.
func ageOn(birth, on date.Date) int {
	age := on.Year() - birth.Year()
	if on.Before(birth.AddYears(age)) {
		age--
	}
	return age
}
