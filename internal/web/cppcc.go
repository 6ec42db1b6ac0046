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
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/report"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// The pages of the consultative work: the office's board and a proposal's
// page with the review and assignment forms, a member's proposals with the
// draft, co-signing and evaluation forms, and a handling unit's inbox with
// its objection, opinion, extension and reply forms.
func (s *Site) cppccRoutes() []route {
	return []route{
		{"GET /cppcc", auth.PermCppccRead, 0, legacy(s.cppccBoard)},
		{"GET /cppcc/export/{table}", auth.PermCppccRead, 0, legacy(s.cppccExport)},
		{"GET /cppcc/proposals/{id}", auth.PermCppccRead, 0, legacy(s.proposalRoute(auth.PermCppccRead, cppcc.ViewOffice))},
		{"POST /cppcc/proposals/{id}/review", auth.PermCppccWrite, 0, legacy(s.cppccReview)},
		{"POST /cppcc/proposals/{id}/assign", auth.PermCppccWrite, 0, legacy(s.cppccAssign)},
		{"POST /cppcc/parts/{id}/decide", auth.PermCppccWrite, 0, legacy(s.cppccDecide)},
		{"POST /cppcc/proposals/{id}/key", auth.PermCppccLead, 0, legacy(s.cppccKey)},
		{"POST /cppcc/parts/{id}/remind", auth.PermCppccWrite, 0, legacy(s.cppccRemind)},
		{"GET /cppcc/members", auth.PermCppccRead, 0, legacy(s.cppccMembers)},
		{"POST /cppcc/members", auth.PermCppccWrite, 0, legacy(s.cppccAddMember)},
		{"POST /cppcc/members/import", auth.PermCppccWrite, 0, legacy(s.cppccImportMembers)},
		{"GET /cppcc/activities", auth.PermCppccRead, 0, legacy(s.cppccActivities)},
		{"POST /cppcc/activities", auth.PermCppccWrite, 0, legacy(s.cppccRecordActivity)},
		{"GET /cppcc/activities/{id}", auth.PermCppccRead, 0, legacy(s.cppccActivity)},
		{"POST /cppcc/activities/{id}/instructions", auth.PermCppccWrite, 0, legacy(s.cppccInstruction)},
		{"GET /cppcc/performance", auth.PermCppccRead, 0, legacy(s.cppccPerformance)},
		{"POST /cppcc/honours", auth.PermCppccWrite, 0, legacy(s.cppccHonour)},
		{"GET /cppcc/members/{id}", auth.PermCppccRead, 0, legacy(s.cppccMemberRecord)},
		{"POST /cppcc/members/{id}/account", auth.PermCppccWrite, 0, legacy(s.cppccLinkAccount)},
		{"GET /cppcc/my/record", auth.PermCppccSelf, 0, legacy(s.cppccMyRecord)},
		{"GET /cppcc/my", auth.PermCppccSelf, 0, legacy(s.cppccMine)},
		{"GET /cppcc/my/new", auth.PermCppccSelf, 0, legacy(s.cppccNew)},
		{"POST /cppcc/my", auth.PermCppccSelf, 0, legacy(s.cppccDraft)},
		{"GET /cppcc/my/{id}", auth.PermCppccSelf, 0, legacy(s.proposalRoute(auth.PermCppccSelf, cppcc.ViewMember))},
		{"POST /cppcc/my/{id}/{action}", auth.PermCppccSelf, 0, legacy(s.cppccMemberAct)},
		{"GET /cppcc/proposals/{id}/letters/{file}", auth.PermCppccRead, 0, legacy(s.letterRoute(auth.PermCppccRead, cppcc.ViewOffice))},
		{"GET /cppcc/my/{id}/letters/{file}", auth.PermCppccSelf, 0, legacy(s.letterRoute(auth.PermCppccSelf, cppcc.ViewMember))},
		{"GET /cppcc/inbox/{id}/letters/{file}", auth.PermCppccHandle, 0, legacy(s.letterRoute(auth.PermCppccHandle, cppcc.ViewUnit))},
		{"GET /cppcc/inbox", auth.PermCppccHandle, 0, legacy(s.cppccInbox)},
		{"GET /cppcc/inbox/{id}", auth.PermCppccHandle, 0, legacy(s.proposalRoute(auth.PermCppccHandle, cppcc.ViewUnit))},
		{"POST /cppcc/parts/{id}/{action}", auth.PermCppccHandle, 0, legacy(s.cppccUnitAct)},
		{"GET /cppcc/pick/members", auth.PermCppccSelf, 0, s.pickCoSigners},
		{"GET /cppcc/pick/units", auth.PermCppccWrite, 0, s.pickUnits},
	}
}

// cppccHome is the first page of a user whose only roles are the consultative work's.
func cppccHome(id auth.Identity) string {
	has := func(p auth.Perm) bool { return len(id.ScopesFor(p)) > 0 }
	switch {
	case has(auth.PermCppccRead):
		return "/cppcc"
	case has(auth.PermCppccSelf):
		return "/cppcc/my"
	case has(auth.PermCppccHandle):
		return "/cppcc/inbox"
	}
	return ""
}

type figureLine struct {
	Key, Label, Href string
	N                int64
	// Main marks a figure a phone shows before the list, the others folded.
	Main bool
}

type boardData struct {
	Committee  committee.Committee
	Period     string
	Lines      []figureLine
	Activities []figureLine
	Submitted  int64
	Units      []cppcc.UnitFigure
	Overdue    int64
	Tabs       []tab
	List       store.List[cppcc.Proposal]
	// Late are the parts past their date, the 逾期 tab's list.
	Late  store.List[cppcc.LatePart]
	Pager pager
	Write bool
	// State and OverdueTab are the list's filter, for its export.
	State      string
	OverdueTab bool
	Months     monthsChip
	// Done is the late part just urged (催办), whose row shows the banner.
	Done int64
}

// flashRow tells whether the list holds the late part just urged.
func (d boardData) flashRow() bool {
	return slices.ContainsFunc(d.Late.Items, func(p cppcc.LatePart) bool { return p.ID == d.Done })
}

// mainBoardLines are the board's figures a phone shows before the tabs.
var mainBoardLines = map[string]bool{"submitted": true, "filed": true, "st:handling": true, "st:closed": true}

// boardLines are the committee's figures on its board, in the words of E4's report.
var boardLines = []struct{ key, label, state string }{
	{"submitted", "提出提案", ""}, {"time:session", "其中大会期间", ""}, {"time:between", "其中闭会期间", ""},
	{"way:joint", "其中委员联名", ""}, {"filed", "立案", "filed"}, {"st:rejected", "不予立案(已转为社情民意或委员来信)", "rejected"},
	{"st:merged", "并案办理", "merged"}, {"st:handling", "正在办理", "handling"}, {"st:replied", "已答复待评价", "replied"},
	{"st:rehandling", "重新办理", "rehandling"}, {"st:closed", "已办结", "closed"}, {"class:A", "A类(已解决或采纳)", ""},
	{"class:B", "B类(正在解决或列入计划)", ""}, {"class:C", "C类(留作参考)", ""}, {"sat:satisfied", "提案者满意", ""},
	{"sat:basic", "提案者基本满意", ""}, {"sat:unsatisfied", "提案者不满意", ""}, {"rehandled", "经重新办理", ""},
	{"key", "重点提案", "key"},
}

// activityLines are the year's activities on the board, counted by the month they were held.
var activityLines = []struct{ key, label, kind string }{
	{"act:supervision_visit", "主席会议现场视察督办", "supervision_visit"}, {"act:supervision_forum", "督办座谈会", "supervision_forum"},
	{"act:supervision_consult", "专题协商督办", "supervision_consult"}, {"act:inspection", "委员视察", "inspection"},
	{"reports:inspection", "形成视察报告(篇)", "inspection"}, {"act:research", "专题调研", "research"}, {"reports:research", "形成调研报告(篇)", "research"},
	{"act:recommendation", "常委会建议案", "recommendation"}, {"instructions", "收到批示", ""}, {"instructions:adopted", "其中已采纳", ""},
	{"act:plenary", "全体会议", "plenary"}, {"act:standing", "常委会会议", "standing"}, {"act:chair", "主席会议", "chair"},
	{"act:topic_deliberation", "专题议政会", "topic_deliberation"}, {"act:topic_consult", "专题协商会", "topic_consult"}, {"act:symposium", "座谈会", "symposium"},
	{"attend:present", "委员出席(人次)", ""}, {"act:speech", "大会发言(份)", "speech"}, {"brief", "《政协简报》(期)", ""},
}

func (s *Site) cppccBoard(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	var d boardData
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(r.Context(), sc)
		if q := queryID(r, "committee"); q != 0 {
			c, err = s.Cppcc.Committee(r.Context(), sc, q)
		}
		if err != nil {
			return err
		}
		year := s.boardYear(r)
		f, err := s.Cppcc.Figures(r.Context(), sc, c.ID, cppcc.Period{From: year*100 + 1, To: year*100 + 12}, true)
		if err != nil {
			return err
		}
		d.Committee, d.Period, d.Units, d.Overdue, d.Submitted = c, fmt.Sprintf("%d年", year), f.Units, f.Overdue, f.Counts["submitted"]
		for _, l := range boardLines {
			line := figureLine{Key: l.key, Label: l.label, N: f.Counts[l.key], Main: mainBoardLines[l.key]}
			switch {
			case l.state == "key":
				line.Href = "/cppcc?key=1"
			case l.state != "":
				line.Href = "/cppcc?state=" + l.state
			}
			d.Lines = append(d.Lines, line)
		}
		for _, l := range activityLines {
			line := figureLine{Key: l.key, Label: l.label, N: f.Counts[l.key]}
			switch {
			case l.kind != "":
				line.Href = fmt.Sprintf("/cppcc/activities?kind=%s&year=%d", l.kind, year)
			case l.key == "brief":
				line.Href = fmt.Sprintf("/cppcc/briefs?year=%d", year)
			}
			d.Activities = append(d.Activities, line)
		}
		state := r.URL.Query().Get("state")
		overdue := r.URL.Query().Get("overdue") == "1"
		for _, t := range []struct{ state, label string }{{"submitted", "待审查"}, {"filed", "待交办"}, {"handling", "办理中"}, {"replied", "待评价"}, {"", "全部"}} {
			d.Tabs = append(d.Tabs, tab{Href: "/cppcc?state=" + t.state, Label: t.label, Active: t.state == state && !overdue})
		}
		d.Tabs = append(d.Tabs, tab{Href: "/cppcc?overdue=1", Label: fmt.Sprintf("逾期(%d)", f.Overdue), Active: overdue})
		pg := pageOf(r)
		d.Months = listMonths(r)
		if overdue {
			d.Late, err = s.Cppcc.LateParts(r.Context(), sc, c.ID, pg)
			d.Pager = newPager(r, d.Late.Total, pg)
		} else {
			d.List, err = s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: c.ID, State: state, Key: r.URL.Query().Get("key") == "1",
				Q: r.URL.Query().Get("q"), Months: d.Months.Period}, pg)
			d.Pager = newPager(r, d.List.Total, pg)
		}
		d.Write = len(id.ScopesFor(auth.PermCppccWrite)) > 0
		d.State, d.OverdueTab, d.Done = state, overdue, queryID(r, "done")
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "cppccboard.html", d.Committee.Name+" · 提案工作", d)
}

type proposalData struct {
	P         cppcc.Proposal
	View      string
	Units     []committee.Committee
	Reasons   []optionItem
	Routes    []optionItem
	Classes   []optionItem
	Contacts  []optionItem
	Ratings   []optionItem
	Forms     map[string]*form
	Write     bool
	MyParts   []cppcc.Part // the caller's unit's parts (unit view)
	MeID      int64
	CanSign   bool
	Steps     map[string]bool // actions the page offers, by the transition table
	Mergeable []cppcc.Proposal
	// Lead: the caller may make it a key proposal; Supervisions are the key proposal's.
	Lead         bool
	Supervisions []duties.Activity
	// Co and Split are the assignment's pickers of several units.
	Co, Split manyPick
}

// unitPickers are the assignment form's pickers of units, resolved from f.
func unitPickers(f *form, units []committee.Committee) (co, split manyPick, coIDs, splitIDs []int64) {
	co = manyPick{ID: "co", Q: "co_q", Label: "会办单位(可多个)", Pick: "/cppcc/pick/units", Noun: "承办单位"}
	split = manyPick{ID: "split", Q: "split_q", Label: "或:分办单位(至少两个,各自答复)", Pick: "/cppcc/pick/units", Noun: "承办单位"}
	if f == nil {
		return co, split, nil, nil
	}
	all := unitPicks(units)
	return co, split, pickMany(f, &co, all), pickMany(f, &split, all)
}

type optionItem struct{ Code, Label string }

func options(e vocab.Enum) []optionItem {
	out := make([]optionItem, len(e))
	for i, it := range e {
		out[i] = optionItem{it.Code, it.Label}
	}
	return out
}

// offered are the proposal's actions the table allows from its state.
func offered(state string) map[string]bool {
	out := map[string]bool{}
	for _, st := range cppcc.Steps.Steps() {
		for _, f := range st.From {
			if f == state && st.Object == "proposal" {
				out[st.Action] = true
			}
		}
	}
	return out
}

// proposalRoute shows a proposal from view.
func (s *Site) proposalRoute(perm auth.Perm, view cppcc.View) func(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	return func(w http.ResponseWriter, r *http.Request, id auth.Identity) {
		pid, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.proposalPage(w, r, id, perm, view, pid, nil, http.StatusOK)
	}
}

func (s *Site) proposalPage(w http.ResponseWriter, r *http.Request, id auth.Identity, perm auth.Perm, view cppcc.View, pid int64, forms map[string]*form, status int) {
	d := proposalData{View: string(view), Forms: forms}
	err := id.Within(perm, func(sc store.Scope) error {
		var err error
		if d.P, err = s.Cppcc.Get(r.Context(), sc, view, pid); err != nil {
			return err
		}
		d.Steps = offered(d.P.State)
		switch view {
		case cppcc.ViewOffice:
			d.Write = len(id.ScopesFor(auth.PermCppccWrite)) > 0
			d.Lead = len(id.ScopesFor(auth.PermCppccLead)) > 0
			if d.P.Key {
				l, err := s.Cppcc.Duties.Activities(r.Context(), store.All, d.P.CommitteeID, duties.ActivityFilter{ProposalID: d.P.ID}, store.Page{Size: store.MaxSize})
				if err != nil {
					return err
				}
				d.Supervisions = l.Items
			}
			if d.Units, err = s.Cppcc.Units(r.Context(), store.All, d.P.CommitteeID); err != nil {
				return err
			}
			d.Co, d.Split, _, _ = unitPickers(forms["assign"], d.Units)
			if d.P.State == "submitted" {
				l, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: d.P.CommitteeID, Category: d.P.Category}, store.Page{Size: 50})
				if err != nil {
					return err
				}
				for _, q := range l.Items {
					if q.ID != d.P.ID && (q.State == "filed" || q.State == "handling") {
						d.Mergeable = append(d.Mergeable, q)
					}
				}
			}
		case cppcc.ViewMember:
			me, err := s.Cppcc.Me(r.Context(), sc, id.User.ID)
			if err != nil {
				return err
			}
			d.MeID = me.ID
			for _, g := range d.P.Signers {
				if g.MemberID == me.ID && g.State == "invited" && d.P.State == "signing" {
					d.CanSign = true
				}
			}
		case cppcc.ViewUnit:
			mine, err := s.myUnits(r, sc, d.P.CommitteeID)
			if err != nil {
				return err
			}
			for _, x := range d.P.Parts {
				if mine[x.UnitID] && x.State != "withdrawn" {
					d.MyParts = append(d.MyParts, x)
				}
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Reasons, d.Routes, d.Classes = options(cppcc.RejectReasons), options(cppcc.RejectRoutes), options(cppcc.Classes[:3])
	d.Contacts, d.Ratings = options(cppcc.Contacts), options(cppcc.Ratings)
	title := "提案"
	if d.P.NumberText != "" {
		title = "提案" + d.P.NumberText
	}
	s.show(w, r, id, status, "proposal.html", title+" · "+d.P.Title, d)
}

// action is a step a page's form takes, with its message when done.
type action struct {
	msg string
	fn  func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error)
}

// actions runs the step the path's {action} names (the page of proposal
// pid shows the form's problems), or answers not found.
func (s *Site) actions(w http.ResponseWriter, r *http.Request, id auth.Identity, perm auth.Perm, view cppcc.View, back string, pid int64, acts map[string]action) {
	name := r.PathValue("action")
	a, ok := acts[name]
	if !ok {
		s.fail(w, r, apperr.NotFound("页面"))
		return
	}
	s.act(w, r, id, perm, view, back, pid, name, a.msg, a.fn)
}

// act runs a step of a proposal's page and returns to it: with the message
// on success, with the form's problems named at the top otherwise.
func (s *Site) act(w http.ResponseWriter, r *http.Request, id auth.Identity, perm auth.Perm, view cppcc.View, back string, pid int64, name, msg string,
	fn func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error)) {
	f := newForm(r)
	var p cppcc.Proposal
	err := id.Within(perm, func(sc store.Scope) error {
		var err error
		p, err = fn(r.Context(), sc, f)
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf(back, p.ID), msg)
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	if pid == 0 {
		s.fail(w, r, err)
		return
	}
	readPerm := map[cppcc.View]auth.Perm{cppcc.ViewOffice: auth.PermCppccRead, cppcc.ViewMember: auth.PermCppccSelf, cppcc.ViewUnit: auth.PermCppccHandle}[view]
	s.proposalPage(w, r, id, readPerm, view, pid, map[string]*form{name: f}, http.StatusBadRequest)
}

func (s *Site) cppccReview(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	pid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs := map[string]string{"file": "已立案", "reject": "已作不予立案处理", "return": "已退回提案者修改", "merge": "已并案"}
	action := r.PostFormValue("action")
	s.act(w, r, id, auth.PermCppccWrite, cppcc.ViewOffice, "/cppcc/proposals/%d", pid, "review", cmp.Or(msgs[action], "已审查"),
		func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Review(ctx, sc, pid, cppcc.ReviewInput{Action: action, Reason: f.Get("reject_reason"), Route: f.Get("route"), Into: f.id("into"), Note: f.Get("note")})
		})
}

func ids(vs []string) []int64 {
	var out []int64
	for _, v := range vs {
		if n := parseID(v); n != 0 {
			out = append(out, n)
		}
	}
	return out
}

func (s *Site) cppccAssign(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	pid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, id, auth.PermCppccWrite, cppcc.ViewOffice, "/cppcc/proposals/%d", pid, "assign", "已交办",
		func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			p, err := s.Cppcc.Get(ctx, sc, cppcc.ViewOffice, pid)
			if err != nil {
				return p, err
			}
			units, err := s.Cppcc.Units(ctx, store.All, p.CommitteeID)
			if err != nil {
				return p, err
			}
			co, split, coIDs, splitIDs := unitPickers(f, units)
			if err := pickErrors(co, split); err != nil {
				return p, err
			}
			return s.Cppcc.Assign(ctx, sc, pid, cppcc.AssignInput{Lead: f.id("lead"), Co: coIDs, Split: splitIDs})
		})
}

func (s *Site) cppccDecide(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	partID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, id, auth.PermCppccWrite, cppcc.ViewOffice, "/cppcc/proposals/%d", 0, "decide", "已处理承办单位的申请",
		func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			switch f.Get("what") {
			case "objection":
				return s.Cppcc.DecideObjection(ctx, sc, partID, f.id("unit_id"))
			case "extension":
				return s.Cppcc.DecideExtension(ctx, sc, partID, f.Get("grant") == "1")
			}
			return cppcc.Proposal{}, apperr.InvalidField("what", "请选择要处理的申请")
		})
}

type mineData struct {
	Me       committee.Member
	Mine     store.List[cppcc.Proposal]
	ToSign   []cppcc.Proposal
	Pager    pager
	Public   bool
	PublicOf store.List[cppcc.Proposal]
}

func (s *Site) cppccMine(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	var d mineData
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		var err error
		if d.Me, err = s.Cppcc.Me(r.Context(), sc, id.User.ID); err != nil {
			return err
		}
		q := r.URL.Query()
		state, _ := cppcc.States.Parse(q.Get("state"))
		f := cppcc.Filter{Mine: true, Own: q.Get("own") == "1", State: state}
		if d.Mine, err = s.Cppcc.List(r.Context(), sc, cppcc.ViewMember, f, pageOf(r)); err != nil {
			return err
		}
		toSign, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewMember, cppcc.Filter{ToSign: true}, store.Page{Size: store.MaxSize})
		d.ToSign = toSign.Items
		d.Pager = newPager(r, d.Mine.Total, pageOf(r))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "cppccmine.html", "我的提案", d)
}

type draftData struct {
	Me         committee.Member
	Categories []string
	CoSigners  manyPick
	Contacts   []optionItem
	Form       *form
}

// signersPicker is the draft's picker of co-signers, resolved from f.
func signersPicker(f *form, ms []committee.Member) (manyPick, []int64) {
	p := manyPick{ID: "co_signers", Q: "co_signers_q", Label: "附议委员(可多个;不选为个人提案)", Pick: "/cppcc/pick/members", Noun: "委员"}
	return p, pickMany(f, &p, memberPicks(ms))
}

// pickErrors is the refusal of pickers whose names typed found none or several.
func pickErrors(ps ...manyPick) error {
	var v apperr.Invalid
	for _, p := range ps {
		if p.Err != "" {
			v.Add(p.Q, "%s", p.Err)
		}
	}
	return v.Err()
}

func (s *Site) cppccNew(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.draftForm(w, r, id, &form{Values: url.Values{"public": {"1"}, "contact": {"phone"}}, Errors: map[string]string{}}, http.StatusOK)
}

func (s *Site) draftForm(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := draftData{Form: f, Contacts: options(cppcc.Contacts)}
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		var err error
		if d.Me, err = s.Cppcc.Me(r.Context(), sc, id.User.ID); err != nil {
			return err
		}
		if d.Categories, err = s.Cppcc.Names(r.Context(), d.Me.CommitteeID, "category"); err != nil {
			return err
		}
		ms, err := s.coSigners(r, sc, d.Me)
		d.CoSigners, _ = signersPicker(f, ms)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "proposalform.html", "起草提案", d)
}

func (s *Site) cppccDraft(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	var p cppcc.Proposal
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		me, err := s.Cppcc.Me(r.Context(), sc, id.User.ID)
		if err != nil {
			return err
		}
		ms, err := s.coSigners(r, sc, me)
		if err != nil {
			return err
		}
		picker, co := signersPicker(f, ms)
		if err := pickErrors(picker); err != nil {
			return err
		}
		way := "member"
		if len(co) > 0 {
			way = "joint"
		}
		in := cppcc.Input{CommitteeID: me.CommitteeID, Title: f.Get("title"), Category: f.Get("category"), Content: f.Get("content"), Way: way,
			Public: f.Get("public") == "1", PrivateReason: f.Get("private_reason"), Contact: f.Get("contact"), CoSigners: co}
		if p, err = s.Cppcc.Draft(r.Context(), sc, cppcc.ViewMember, in); err != nil {
			return err
		}
		if f.Get("then") == "submit" {
			p, err = s.Cppcc.Submit(r.Context(), sc, p.ID)
		}
		return err
	})
	if err == nil {
		msg := "已暂存,只有您本人可见"
		if p.State == "signing" {
			msg = "已提交,正在征集联名"
		} else if p.State == "submitted" {
			msg = "已提交,等待提案委员会审查"
		}
		done(w, r, fmt.Sprintf("/cppcc/my/%d", p.ID), msg)
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	if p.ID != 0 { // saved, but not submitted: the draft's page says why
		s.proposalPage(w, r, id, auth.PermCppccSelf, cppcc.ViewMember, p.ID, map[string]*form{"submit": f}, http.StatusBadRequest)
		return
	}
	s.draftForm(w, r, id, f, http.StatusBadRequest)
}

func (s *Site) cppccMemberAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	pid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.actions(w, r, id, auth.PermCppccSelf, cppcc.ViewMember, "/cppcc/my/%d", pid, map[string]action{
		"submit": {"已提交", func(ctx context.Context, sc store.Scope, _ *form) (cppcc.Proposal, error) {
			return s.Cppcc.Submit(ctx, sc, pid)
		}},
		"withdraw": {"已撤回", func(ctx context.Context, sc store.Scope, _ *form) (cppcc.Proposal, error) {
			return s.Cppcc.Withdraw(ctx, sc, pid)
		}},
		"sign": {"已答复联名邀请", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Sign(ctx, sc, pid, f.Get("confirm") == "1")
		}},
		"comment": {"已补充意见", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Comment(ctx, sc, pid, f.Get("note"))
		}},
		"evaluate": {"已提交评价,感谢您的意见", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Evaluate(ctx, sc, pid, cppcc.EvaluateInput{Attitude: f.Get("attitude"), Result: f.Get("result"), Note: f.Get("note")})
		}},
	})
}

type inboxData struct {
	List  store.List[cppcc.Part]
	Pager pager
	Open  bool
	Names map[int64]string
}

func (s *Site) cppccInbox(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d := inboxData{Open: r.URL.Query().Get("all") != "1", Names: map[int64]string{}}
	err := id.Within(auth.PermCppccHandle, func(sc store.Scope) error {
		var err error
		if d.List, err = s.Cppcc.Inbox(r.Context(), sc, d.Open, pageOf(r)); err != nil {
			return err
		}
		for _, x := range d.List.Items {
			p, err := s.Cppcc.Get(r.Context(), sc, cppcc.ViewUnit, x.ProposalID)
			if err != nil {
				return err
			}
			d.Names[x.ProposalID] = strings.TrimSpace(p.NumberText + " " + p.Title)
		}
		d.Pager = newPager(r, d.List.Total, pageOf(r))
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "inbox.html", "承办提案", d)
}

func (s *Site) cppccUnitAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	partID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.actions(w, r, id, auth.PermCppccHandle, cppcc.ViewUnit, "/cppcc/inbox/%d", parseID(r.PostFormValue("proposal")), map[string]action{
		"object": {"已申请调整承办单位", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Object(ctx, sc, partID, f.Get("text"))
		}},
		"opinion": {"已向主办单位提出会办意见", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Opinion(ctx, sc, partID, f.Get("text"))
		}},
		"extension": {"已申请延期", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			until := f.date("until")
			if until == nil {
				return cppcc.Proposal{}, apperr.InvalidField("until", "请填写延至的日期")
			}
			return s.Cppcc.AskExtension(ctx, sc, partID, f.Get("text"), *until)
		}},
		"reply": {"已答复提案者", func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			in := cppcc.ReplyInput{Class: f.Get("class"), Text: f.Get("text"), Contact: f.Get("contact")}
			if file, hdr, err := r.FormFile("file"); err == nil {
				defer file.Close()
				if in.Letter, err = io.ReadAll(file); err != nil {
					return cppcc.Proposal{}, err
				}
				in.LetterName = hdr.Filename
			}
			return s.Cppcc.Reply(ctx, sc, partID, in)
		}},
	})
}

// cppccTodos adds the consultative work's things due: the office's
// proposals to review, to assign and overdue; a member's invitations to
// co-sign and replies to evaluate; a unit's open parts. Each count is the
// total of the list its link opens.
func (s *Site) cppccTodos(ctx context.Context, id auth.Identity, add func(label, href, hint string, n int64, more bool)) error {
	type due struct {
		f                 cppcc.Filter
		label, href, hint string
	}
	lists := []struct {
		perm auth.Perm
		view cppcc.View
		due  []due
	}{
		{auth.PermCppccWrite, cppcc.ViewOffice, []due{
			{cppcc.Filter{State: "submitted"}, "待审查的提案", "/cppcc?state=submitted", "立案、退回修改、不予立案或并案"},
			{cppcc.Filter{State: "filed"}, "已立案待交办的提案", "/cppcc?state=filed", "交主办、会办或分办单位"},
			{cppcc.Filter{Overdue: true}, "承办单位逾期未办的提案", "/cppcc?overdue=1", "请催办"},
		}},
		{auth.PermCppccSelf, cppcc.ViewMember, []due{
			{cppcc.Filter{ToSign: true}, "请您联名的提案", "/cppcc/my#to-sign", "在会签期限内确认或不同意"},
			{cppcc.Filter{Own: true, State: "replied"}, "待您评价的答复", "/cppcc/my?own=1&state=replied", "评价办理态度和结果"},
		}},
	}
	one := store.Page{Size: 1}
	for _, l := range lists {
		if len(id.ScopesFor(l.perm)) == 0 {
			continue
		}
		err := id.Within(l.perm, func(sc store.Scope) error {
			var committee int64
			if l.view == cppcc.ViewOffice {
				c, err := s.Cppcc.CommitteeOf(ctx, sc)
				if err != nil {
					return err
				}
				committee = c.ID
			} else if _, err := s.Cppcc.Me(ctx, sc, id.User.ID); err != nil {
				return nil // an account not linked to a member's record has nothing due
			}
			for _, d := range l.due {
				d.f.CommitteeID = committee
				list, err := s.Cppcc.List(ctx, sc, l.view, d.f, one)
				if err != nil {
					return err
				}
				add(d.label, d.href, d.hint, list.Total, list.More)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := s.publicTodos(ctx, id, add); err != nil {
		return err
	}
	if len(id.ScopesFor(auth.PermCppccHandle)) == 0 {
		return nil
	}
	return id.Within(auth.PermCppccHandle, func(sc store.Scope) error {
		l, err := s.Cppcc.Inbox(ctx, sc, true, one)
		if err != nil {
			return err
		}
		add("未办完的承办提案", "/cppcc/inbox", "按期限答复或提出会办意见", l.Total, false)
		cs, err := s.Cppcc.Letters.Cases(ctx, sc, cppcc.ViewUnit, letters.CaseFilter{State: "handling"}, one)
		if err == nil {
			add("待办理的来信和信访件", "/cppcc/inbox/letters", "在期限内出具处理意见;情况复杂的经负责人批准延期", cs.Total, false)
		}
		return err
	})
}

// publicTodos are the office's things due in the public channel: letters
// to accept, letters held for review, cases past their date (to supervise),
// 社情民意 to edit, forum comments to moderate.
func (s *Site) publicTodos(ctx context.Context, id auth.Identity, add func(label, href, hint string, n int64, more bool)) error {
	if len(id.ScopesFor(auth.PermCppccWrite)) == 0 {
		return nil
	}
	one := store.Page{Size: 1}
	return id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(ctx, sc)
		if err != nil {
			return err
		}
		for _, d := range []struct {
			f                 letters.CaseFilter
			label, href, hint string
		}{
			{letters.CaseFilter{State: "received", Clean: true}, "待受理的来信", "/cppcc/letters?tab=received", "收到之日起15日内告知是否受理"},
			{letters.CaseFilter{Held: true}, "被拦截待审核的来信", "/cppcc/letters?tab=held", "放行,或确认为垃圾信息"},
			{letters.CaseFilter{Overdue: true}, "逾期的来信和信访件", "/cppcc/letters?tab=overdue", "请督办"},
		} {
			d.f.CommitteeID = c.ID
			l, err := s.Cppcc.Letters.Cases(ctx, sc, cppcc.ViewOffice, d.f, one)
			if err != nil {
				return err
			}
			add(d.label, d.href, d.hint, l.Total, false)
		}
		ops, err := s.Cppcc.Opinions.Opinions(ctx, sc, cppcc.ViewOffice, opinion.Filter{CommitteeID: c.ID, State: "submitted"}, one)
		if err != nil {
			return err
		}
		add("待核稿的社情民意", "/cppcc/opinions?tab=submitted", "核稿后编入专刊", ops.Total, false)
		n, err := s.Cppcc.Forum.QueueSize(ctx, sc, c.ID)
		if err == nil {
			add("待审核的论坛内容", "/cppcc/moderation", "被拦截的评论和被举报隐藏的内容", n, false)
		}
		return err
	})
}

// cppccExport downloads the board's lists as an office hands them in: the
// 提案目录 of the board's filter, or the year's 办理情况统计表.
func (s *Site) cppccExport(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	table := r.PathValue("table")
	if table != "catalogue" && table != "units" && table != "performance" && table != "members" {
		s.fail(w, r, apperr.NotFound("页面"))
		return
	}
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(r.Context(), sc)
		if q := queryID(r, "committee"); q != 0 {
			c, err = s.Cppcc.Committee(r.Context(), sc, q)
		}
		if err != nil {
			return err
		}
		if table == "catalogue" {
			state, _ := cppcc.States.Parse(r.URL.Query().Get("state"))
			rows, err := s.Cppcc.Catalogue(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: c.ID, State: state, Overdue: r.URL.Query().Get("overdue") == "1"})
			if err != nil {
				return err
			}
			return sendXLSX(w, c.Name+"提案目录.xlsx", func(x io.Writer) error {
				return spreadsheet.WriteTable(x, "提案目录", c.Name+"提案目录(共"+strconv.Itoa(len(rows))+"件)", cppcc.CatalogueHead, rows)
			})
		}
		if table == "members" {
			l, err := s.Cppcc.Members(r.Context(), sc, c.ID, "", store.Page{Size: store.MaxSize * store.MaxPage})
			if err != nil {
				return err
			}
			return sendXLSX(w, c.Name+"委员名单.xlsx", func(x io.Writer) error {
				return spreadsheet.WriteTable(x, "委员名单", c.Name+"委员名单(共"+strconv.FormatInt(l.Total, 10)+"人,电话已遮盖,原样导入时保留系统中的电话)", committee.MembersHead, committee.MembersTable(l.Items))
			})
		}
		year := s.boardYear(r)
		if table == "performance" {
			lines, err := s.Cppcc.Duties.Ranking(r.Context(), sc, c.ID, year)
			if err != nil {
				return err
			}
			return sendXLSX(w, fmt.Sprintf("%s%d年委员履职情况表.xlsx", c.Name, year), func(x io.Writer) error {
				return spreadsheet.WriteTable(x, "履职情况", fmt.Sprintf("%s%d年委员履职情况表(按积分排名)", c.Name, year), duties.RankHead, duties.RankTable(lines))
			})
		}
		f, err := s.Cppcc.Figures(r.Context(), sc, c.ID, cppcc.Period{From: year*100 + 1, To: year*100 + 12}, true)
		if err != nil {
			return err
		}
		return sendXLSX(w, fmt.Sprintf("%s%d年提案办理情况统计表.xlsx", c.Name, year), func(x io.Writer) error {
			return spreadsheet.WriteTable(x, "办理情况", fmt.Sprintf("%s%d年提出的提案办理情况统计表(逾期未办为截至今天)", c.Name, year), cppcc.UnitsHead, cppcc.UnitsTable(f))
		})
	})
	if err != nil {
		s.fail(w, r, err)
	}
}

// boardYear is the year the board shows: the query's, or this year.
func (s *Site) boardYear(r *http.Request) int {
	if y, _ := strconv.Atoi(r.URL.Query().Get("year")); y >= 1990 && y <= 2100 {
		return y
	}
	return s.Cppcc.Today().Year()
}

func (s *Site) cppccKey(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	pid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, id, auth.PermCppccLead, cppcc.ViewOffice, "/cppcc/proposals/%d", pid, "key", "已列为重点提案",
		func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.MarkKey(ctx, sc, pid, f.Get("lead"))
		})
}

func (s *Site) cppccRemind(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	partID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/cppcc/proposals/%d"
	if r.PostFormValue("from") == "overdue" {
		// Back to the part's row (of the proposal, %d), its banner there.
		back = fmt.Sprintf("/cppcc?overdue=1&page=%d&done=%d#late-%%d-%d", max(1, parseID(r.PostFormValue("page"))), partID, partID)
	}
	s.act(w, r, id, auth.PermCppccWrite, cppcc.ViewOffice, back, parseID(r.PostFormValue("proposal")), "remind", "已记录催办",
		func(ctx context.Context, sc store.Scope, f *form) (cppcc.Proposal, error) {
			return s.Cppcc.Remind(ctx, sc, partID, f.Get("text"))
		})
}

type activitiesData struct {
	Committee committee.Committee
	Year      int
	Kind      string
	Kinds     []optionItem
	List      store.List[duties.Activity]
	Pager     pager
	Write     bool
	Members   []committee.Member
	Keys      []cppcc.Proposal // the key proposals a supervision may be of
	Form      *form
	Months    monthsChip
}

func (s *Site) cppccActivities(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := &form{Values: url.Values{"kind": {r.URL.Query().Get("kind")}, "proposal_id": {r.URL.Query().Get("proposal")}}, Errors: map[string]string{}}
	s.activitiesPage(w, r, id, f, http.StatusOK)
}

func (s *Site) activitiesPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := activitiesData{Year: s.boardYear(r), Kind: r.URL.Query().Get("kind"), Kinds: options(duties.ActivityKinds), Form: f}
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		var err error
		if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), sc); err != nil {
			return err
		}
		d.Months = listMonths(r)
		if d.List, err = s.Cppcc.Duties.Activities(r.Context(), sc, d.Committee.ID, duties.ActivityFilter{Kind: d.Kind, Year: d.Year, Months: d.Months.Period}, pageOf(r)); err != nil {
			return err
		}
		d.Pager = newPager(r, d.List.Total, pageOf(r))
		if d.Write = len(id.ScopesFor(auth.PermCppccWrite)) > 0; !d.Write {
			return nil
		}
		l, err := s.Cppcc.Members(r.Context(), sc, d.Committee.ID, "", store.Page{Size: store.MaxSize})
		d.Members = l.Items
		if err != nil {
			return err
		}
		keys, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: d.Committee.ID, Key: true}, store.Page{Size: store.MaxSize})
		d.Keys = keys.Items
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "activities.html", d.Committee.Name+" · 履职活动", d)
}

// attendance moves the attendance list's choices (att_<member>: present,
// leave or absent) into the fields present, leave and absent, which a form
// may send as well.
func attendance(f *form) {
	for k, vs := range f.Values {
		mid, ok := strings.CutPrefix(k, "att_")
		if !ok || parseID(mid) == 0 {
			continue
		}
		for _, v := range vs {
			if v == "present" || v == "leave" || v == "absent" {
				f.Values[v] = append(f.Values[v], mid)
			}
		}
		delete(f.Values, k)
	}
}

func (s *Site) cppccRecordActivity(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	attendance(f)
	in := duties.ActivityInput{Kind: f.Get("kind"), ProposalID: f.id("proposal_id"), Title: f.Get("title"), Lead: f.Get("lead"),
		Minutes: f.Get("minutes"), Outcome: f.Get("outcome"), Present: ids(f.Values["present"]), Leave: ids(f.Values["leave"]), Absent: ids(f.Values["absent"])}
	if d := f.date("held_on"); d != nil {
		in.HeldOn = *d
	}
	if n := f.count("reports"); n != nil {
		in.Reports = *n
	}
	if len(f.Errors) > 0 {
		s.activitiesPage(w, r, id, f, http.StatusBadRequest)
		return
	}
	var a duties.Activity
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.Cppcc.CommitteeOf(r.Context(), sc)
		if err != nil {
			return err
		}
		in.CommitteeID = c.ID
		a, err = s.Cppcc.Duties.RecordActivity(r.Context(), sc, in)
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/activities/%d", a.ID), "已记录"+a.KindLabel)
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	s.activitiesPage(w, r, id, f, http.StatusBadRequest)
}

type activityData struct {
	A     duties.Activity
	Write bool
	Form  *form
}

func (s *Site) cppccActivity(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.activityPage(w, r, id, nil, http.StatusOK)
}

func (s *Site) activityPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	aid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := activityData{Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0, Form: f}
	err = id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		var err error
		d.A, err = s.Cppcc.Duties.Activity(r.Context(), sc, aid)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "activity.html", d.A.Title, d)
}

func (s *Site) cppccInstruction(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	aid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		in := duties.InstructionInput{By: f.Get("by"), Text: f.Get("text"), Adopted: f.Get("adopted")}
		if d := f.date("on"); d != nil {
			in.On = *d
		}
		_, err := s.Cppcc.Duties.AddInstruction(r.Context(), sc, aid, in)
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/activities/%d", aid), "已记录批示")
		return
	}
	if !s.onForm(w, r, f, err) {
		return
	}
	s.activityPage(w, r, id, f, http.StatusBadRequest)
}

type performanceData struct {
	Committee committee.Committee
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
	d := performanceData{Year: s.boardYear(r), Items: options(committee.Items), Form: f, Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0}
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
	Committee committee.Committee
	Q         string
	List      store.List[committee.Member]
	Pager     pager
	Write     bool
	Terms     []committee.Term
	Sectors   []string
	Parties   []optionItem
	Form      *form
	Import    *committee.ImportResult
}

func (s *Site) cppccMembers(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.membersPage(w, r, id, &form{Values: url.Values{}, Errors: map[string]string{}}, nil, http.StatusOK)
}

func (s *Site) membersPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, imp *committee.ImportResult, status int) {
	d := membersData{Q: r.URL.Query().Get("q"), Form: f, Import: imp, Parties: options(committee.Parties), Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0}
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
		_, err = s.Cppcc.AddMember(r.Context(), sc, committee.MemberInput{CommitteeID: c.ID, TermID: f.id("term_id"), Name: f.Get("name"), Sex: f.Get("sex"),
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
	var res committee.ImportResult
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

// letterRoute downloads a reply letter of a proposal the caller reaches from view.
func (s *Site) letterRoute(perm auth.Perm, view cppcc.View) func(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	return s.fileRoute(perm, false, func(ctx context.Context, sc store.Scope, pid, file int64) (cppcc.File, []byte, error) {
		return s.Cppcc.Letter(ctx, sc, view, pid, file)
	})
}

// fileRoute downloads a file of the object of the path's id ({file} in the
// path), read by fn within the grants carrying perm; shown, a PDF or a
// photo opens in the browser (sendShown).
func (s *Site) fileRoute(perm auth.Perm, shown bool, fn func(ctx context.Context, sc store.Scope, id, file int64) (cppcc.File, []byte, error)) func(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	return func(w http.ResponseWriter, r *http.Request, id auth.Identity) {
		oid, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var f cppcc.File
		var data []byte
		err = id.Within(perm, func(sc store.Scope) error {
			f, data, err = fn(r.Context(), sc, oid, parseID(r.PathValue("file")))
			return err
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if shown {
			sendShown(w, f.Name, f.Type, data)
			return
		}
		sendFile(w, f.Name, data)
	}
}

// monthsChip names the period a list is kept to (from a figure of a
// summary), with the link back to the whole list.
type monthsChip struct {
	Period      cppcc.Period
	Label, Href string
}

// listMonths reads the months a list is kept to, ?from=2026-01&to=2026-12
// (a figure's link from a summary); none or a wrong month keeps them all.
func listMonths(r *http.Request) monthsChip {
	q := r.URL.Query()
	pd, err := cppcc.PeriodOf(q.Get("from"), q.Get("to"))
	if err != nil {
		return monthsChip{}
	}
	u := *r.URL
	v := u.Query()
	v.Del("from")
	v.Del("to")
	u.RawQuery = v.Encode()
	return monthsChip{Period: pd, Label: report.Period(q.Get("from"), q.Get("to")), Href: u.RequestURI()}
}
