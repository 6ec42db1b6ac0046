package party

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
	"dangjian/internal/web"
)

func (s *pages) transfersRoutes() []route {
	return []route{
		{"GET /transfers", auth.PermMemberRead, 0, s.transferList},
		{"GET /transfers/new", auth.PermMemberWrite, 0, s.transferForm},
		{"POST /transfers/new", auth.PermMemberWrite, 0, s.transferIssue},
		{"GET /transfers/{id}/print", auth.PermMemberRead, 0, s.letterPrint},
		{"POST /transfers/{id}/print", auth.PermMemberReveal, 0, s.letterPrint},
		{"POST /transfers/{id}/receive", auth.PermMemberWrite, 0, s.transferAct},
		{"POST /transfers/{id}/unreceive", auth.PermMemberWrite, 0, s.transferAct},
		{"POST /transfers/{id}/cancel", auth.PermMemberWrite, 0, s.transferAct},
		{"GET /mobile", auth.PermMemberRead, 0, s.mobileList},
		{"POST /mobile", auth.PermMemberWrite, 0, s.mobileRegisterIn},
		{"POST /mobile/{id}/end", auth.PermMemberWrite, 0, s.mobileEnd},
	}
}

type transferListData struct {
	Org   org.Org
	Tabs  []web.Tab
	List  store.List[member.Transfer]
	Pager web.Pager
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
func (s *pages) transferList(c *web.Call) (web.Answer, error) {
	r, id := c.R, c.ID
	q := r.URL.Query()
	key := q.Get("tab")
	if key == "" {
		key = "in"
	}
	f := member.TransferFilter{OrgID: web.QueryID(r, "org")}
	switch key {
	case "in", "out":
		f.Direction, f.Status = key, member.TransferPending
	case "risk":
		f.Risk = true
	}
	d := transferListData{CanReceive: map[int64]bool{}, CanCancel: map[int64]bool{}, CanUndo: map[int64]bool{}}
	p := web.PageOf(r)
	var err error
	if f.OrgID != 0 {
		if d.Org, err = s.Orgs.Get(r.Context(), c.Scope, f.OrgID); err != nil {
			return nil, err
		}
	}
	if d.List, err = s.Members.ListTransfers(r.Context(), c.Scope, f, p); err != nil {
		return nil, err
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
		d.Tabs = append(d.Tabs, web.Tab{Key: tb.key, Label: tb.label, Href: "/transfers?" + qq.Encode(), Active: tb.key == key})
	}
	d.Pager = web.NewPager(r, d.List.Total, p)
	d.Start = len(id.ScopesFor(auth.PermMemberWrite)) > 0
	return web.View{Name: "transfers.html", Title: "组织关系转接", Data: d}, nil
}

func (s *pages) pathOf(r *http.Request, id *int64) string {
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
	Form *web.Form
	To   web.OrgPick // the receiving organisation
	// Without a member yet (a letter started from 组织关系转接): the name
	// typed, its message, and the people it could mean.
	Who     string
	WhoErr  string
	Choices []web.Picked
}

// toPicker is the letter's receiving organisation, anywhere in the tree.
func toPicker() web.OrgPick {
	return web.OrgPick{ID: "to_org_id", Q: "to_q", Label: "接收的党组织(系统内)", For: "transfer"}
}

func (s *pages) transferForm(c *web.Call) (web.Answer, error) {
	return s.transferFormWith(c, transferFormData{Form: &web.Form{Errors: map[string]string{}}, To: toPicker()})
}

// transferFormWith is the letter's form (d.Form the refused one), or,
// without a member yet, the person picker that starts it.
func (s *pages) transferFormWith(c *web.Call, d transferFormData) (web.Answer, error) {
	r := c.R
	mid := web.QueryID(r, "member")
	var err error
	if mid == 0 {
		// Started from 组织关系转接: the person named in the picker.
		if mid, err = s.whoLeaves(r, c.Scope, &d); err != nil {
			return nil, err
		}
	}
	if mid != 0 {
		if d.M, err = s.Members.Get(r.Context(), c.Scope, mid); err != nil {
			return nil, err
		}
	}
	return web.View{Name: "transferform.html", Title: "开具组织关系介绍信", Data: d}, nil
}

// whoLeaves resolves the person picker of a letter started without a
// member: the person chosen, or the only member in scope of the name
// typed; 0 with the message and the choices otherwise.
func (s *pages) whoLeaves(r *http.Request, sc store.Scope, d *transferFormData) (int64, error) {
	q := r.URL.Query()
	for _, v := range q["who"] { // the hidden field the script fills, or a choice
		if n := web.ParseID(v); n > 0 {
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
		d.Choices = web.OfferPeople(l.Items)
	}
	return 0, nil
}

// letterInput is what a letter's form says besides its person, its
// receiving organisation in the system and its number: the one letter's
// and the roster's batch ("letterterms" lays the fields out for both).
func letterInput(f *web.Form) member.IssueInput {
	in := member.IssueInput{ToText: f.Get("to_text"), Reason: f.Get("reason"), DuesPaidTo: f.Get("dues_paid_to")}
	if n := f.Count("valid_days"); n != nil {
		in.ValidDays = *n
	}
	if on := f.Date("issued_on"); on != nil {
		in.IssuedOn = *on
	}
	return in
}

// transferIssue issues a letter. The receiving organisation is looked up by
// name or code across the whole system (a letter goes anywhere); when
// several match, the user picks one.
func (s *pages) transferIssue(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	d := transferFormData{Form: f, To: toPicker()}
	in := letterInput(f)
	in.MemberID, in.LetterNo = web.QueryID(r, "member"), f.Get("letter_no")
	var err error
	if in.ToOrgID, err = s.PickOrg(r.Context(), c.ID, f, &d.To); err != nil {
		return nil, err
	}
	if err = f.Invalid(); err == nil {
		var t member.Transfer
		if t, err = s.Members.Issue(r.Context(), c.Scope, in); err == nil {
			return web.Redirect{To: "/transfers?tab=out", Flash: "已开具介绍信 " + t.LetterNo + ",等待" + t.ToName + "接收"}, nil
		}
	}
	return web.Refused(r, f, err, func() (web.Answer, error) { return s.transferFormWith(c, d) })
}

// transferAct receives or cancels a letter.
func (s *pages) transferAct(c *web.Call) (web.Answer, error) {
	r := c.R
	tid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	receive, undo := strings.HasSuffix(r.URL.Path, "/receive"), strings.HasSuffix(r.URL.Path, "/unreceive")
	f := web.NewForm(r)
	var t member.Transfer
	switch {
	case undo:
		t, err = s.Members.UndoReceive(r.Context(), c.Scope, tid)
	case receive:
		var on date.Date // today, unless the form names the day
		if d := f.Date("on"); d != nil {
			on = *d
		}
		t, err = s.Members.Receive(r.Context(), c.Scope, tid, on)
	default:
		t, err = s.Members.Cancel(r.Context(), c.Scope, tid)
	}
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Code != "not_found" {
			return web.Redirect{To: "/transfers", Flash: ae.Message}, nil
		}
		return nil, err
	}
	msg := "已撤回介绍信 " + t.LetterNo
	switch {
	case undo:
		msg = "已撤销接收:" + t.Name + " 回到" + t.FromName + ",介绍信 " + t.LetterNo + " 重新待接收"
	case receive:
		msg = "已接收 " + t.Name + " 的组织关系(介绍信 " + t.LetterNo + ");24小时内可在“全部”中撤销接收"
	}
	return web.Redirect{To: "/transfers?tab=all", Flash: msg}, nil
}

type mobileData struct {
	Kind  string
	Tabs  []web.Tab
	List  store.List[member.Mobile]
	Pager web.Pager
	Form  *web.Form
	Orgs  []org.Org
	Write bool
}

func (s *pages) mobileList(c *web.Call) (web.Answer, error) {
	return s.mobileListWith(c, nil)
}

// mobileListWith is the list of mobile members (read within the grants
// that read the roster), with f the refused form of one coming in.
func (s *pages) mobileListWith(c *web.Call, f *web.Form) (web.Answer, error) {
	r, id := c.R, c.ID
	kind := r.URL.Query().Get("kind")
	if kind != "in" {
		kind = "out"
	}
	d := mobileData{Kind: kind, Form: f}
	p := web.PageOf(r)
	sc, err := c.Within(auth.PermMemberRead)
	if err != nil {
		return nil, err
	}
	if d.List, err = s.Members.ListMobile(r.Context(), sc, member.MobileFilter{OrgID: web.QueryID(r, "org"), Kind: kind}, p); err != nil {
		return nil, err
	}
	for _, k := range []struct{ key, label string }{{"out", "流出党员"}, {"in", "流入党员"}} {
		d.Tabs = append(d.Tabs, web.Tab{Key: k.key, Label: k.label, Href: "/mobile?kind=" + k.key, Active: k.key == kind})
	}
	d.Pager = web.NewPager(r, d.List.Total, p)
	if scopes := id.ScopesFor(auth.PermMemberWrite); len(scopes) > 0 {
		d.Write = true
		roots, err := s.Orgs.Roots(r.Context(), scopes[0])
		if err == nil && len(roots) > 0 {
			d.Orgs = append(roots, mustChildren(s, r, scopes[0], roots[0].ID)...)
		}
	}
	return web.View{Name: "mobile.html", Title: "流动党员", Data: d}, nil
}

func mustChildren(s *pages, r *http.Request, sc store.Scope, id int64) []org.Org {
	kids, _ := s.Orgs.Children(r.Context(), sc, id)
	return kids
}

func (s *pages) mobileRegisterIn(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	in := member.MobileInput{Kind: "in", OrgID: f.ID("org_id"), Name: f.Get("name"), RelationPlace: f.Get("relation_place"),
		Contact: f.Get("contact"), PresentPlace: f.Get("present_place")}
	if d := f.Date("since"); d != nil {
		in.Since = *d
	}
	if _, err := s.Members.RegisterMobile(c.R.Context(), c.Scope, in); err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) {
			c.R.URL.RawQuery = "kind=in"
			return s.mobileListWith(c, f)
		})
	}
	return web.Redirect{To: "/mobile?kind=in", Flash: "已登记流入党员 " + in.Name}, nil
}

func (s *pages) mobileEnd(c *web.Call) (web.Answer, error) {
	mid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	rec, err := s.Members.EndMobile(c.R.Context(), c.Scope, mid, date.Date{})
	if err != nil {
		return nil, err
	}
	return web.Redirect{To: "/mobile?kind=" + rec.Kind, Flash: "已结束 " + rec.Name + " 的流动登记"}, nil
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
func (s *pages) letterPrint(c *web.Call) (web.Answer, error) {
	r, id := c.R, c.ID
	tid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	var d letterData
	// The letter is read within the grants that read the roster, the printing in the clear's row too.
	sc, err := c.Within(auth.PermMemberRead)
	if err != nil {
		return nil, err
	}
	if d.T, err = s.Members.GetTransfer(r.Context(), sc, tid); err != nil {
		return nil, err
	}
	if d.T.Status == member.TransferPending {
		// A letter not received yet is chased with the receiving organisation.
		canAdd := id.Allows(auth.PermMemberWrite, s.pathOf(r, d.T.FromOrgID)) || id.Allows(auth.PermMemberWrite, s.pathOf(r, d.T.ToOrgID))
		if d.Reminders, err = s.remindFor(r.Context(), sc, "transfer", tid, d.T.ToName, canAdd); err != nil {
			return nil, err
		}
	}
	if d.T.MemberID != nil {
		if m, err := s.Members.Get(r.Context(), sc, *d.T.MemberID); err == nil {
			d.M = &m
		} else if _, ok := apperr.As(err); !ok {
			return nil, err
		}
	}
	if d.M != nil {
		d.IDNumber = d.M.IDMasked
		d.CanReveal = id.Allows(auth.PermMemberReveal, d.M.OrgPath)
		if r.Method == http.MethodPost {
			sc, err := c.Within(auth.PermMemberReveal)
			if err != nil {
				return nil, err
			}
			v, err := s.Members.RevealFor(r.Context(), sc, d.M.ID, "打印组织关系介绍信 "+d.T.LetterNo)
			if err != nil {
				return nil, err
			}
			d.IDNumber, d.Revealed = v.IDNumber, true
		}
		if !d.M.BirthDate.IsZero() {
			d.Age = ageOn(d.M.BirthDate, d.T.IssuedOn)
		}
	}
	if y, m, ok := strings.Cut(d.T.DuesPaidTo, "-"); ok {
		d.DuesYear, d.DuesMonth = y, strings.TrimPrefix(m, "0")
	}
	d.PrintedOn = s.Work.Today().Chinese()
	return web.View{Name: "letter.html", Title: "组织关系介绍信 " + d.T.LetterNo, Data: d}, nil
}

// ageOn is the age in whole years on a day.
func ageOn(birth, on date.Date) int {
	age := on.Year() - birth.Year()
	if on.Before(birth.AddYears(age)) {
		age--
	}
	return age
}
