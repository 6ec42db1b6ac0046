package consult

import (
	"cmp"
	"context"
	"fmt"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// A proposal's page as the office, its proposer and its handling units see
// it, and the office's steps on it: review, assignment, the units' requests,
// key proposals, reminders.

type proposalData struct {
	P         cppcc.Proposal
	View      string
	Units     []committee.Committee
	Reasons   []web.OptionItem
	Routes    []web.OptionItem
	Classes   []web.OptionItem
	Contacts  []web.OptionItem
	Ratings   []web.OptionItem
	Forms     map[string]*web.Form
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
	Co, Split web.ManyPick
}

// unitPickers are the assignment form's pickers of units, resolved from f.
func unitPickers(f *web.Form, units []committee.Committee) (co, split web.ManyPick, coIDs, splitIDs []int64) {
	co = web.ManyPick{ID: "co", Q: "co_q", Label: "会办单位(可多个)", Pick: "/cppcc/pick/units", Noun: "承办单位"}
	split = web.ManyPick{ID: "split", Q: "split_q", Label: "或:分办单位(至少两个,各自答复)", Pick: "/cppcc/pick/units", Noun: "承办单位"}
	if f == nil {
		return co, split, nil, nil
	}
	all := unitPicks(units)
	return co, split, web.PickMany(f, &co, all), web.PickMany(f, &split, all)
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
func (s *pages) proposalRoute(perm auth.Perm, view cppcc.View) web.Handler {
	return func(c *web.Call) (web.Answer, error) {
		pid, err := web.PathID(c.R)
		if err != nil {
			return nil, err
		}
		return s.proposalPage(c, perm, view, pid, nil)
	}
}

// proposalPage is proposal pid read from view within the grants that
// carry perm, with forms the refused forms by the step they take.
func (s *pages) proposalPage(c *web.Call, perm auth.Perm, view cppcc.View, pid int64, forms map[string]*web.Form) (web.View, error) {
	r := c.R
	d := proposalData{View: string(view), Forms: forms}
	sc, err := c.Within(perm)
	if err != nil {
		return web.View{}, err
	}
	if d.P, err = s.Cppcc.Get(r.Context(), sc, view, pid); err != nil {
		return web.View{}, err
	}
	d.Steps = offered(d.P.State)
	switch view {
	case cppcc.ViewOffice:
		d.Write = len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0
		d.Lead = len(c.ID.ScopesFor(auth.PermCppccLead)) > 0
		if d.P.Key {
			l, err := s.Cppcc.Duties.Activities(r.Context(), store.All, d.P.CommitteeID, duties.ActivityFilter{ProposalID: d.P.ID}, store.Page{Size: store.MaxSize})
			if err != nil {
				return web.View{}, err
			}
			d.Supervisions = l.Items
		}
		if d.Units, err = s.Cppcc.Units(r.Context(), store.All, d.P.CommitteeID); err != nil {
			return web.View{}, err
		}
		d.Co, d.Split, _, _ = unitPickers(forms["assign"], d.Units)
		if d.P.State == "submitted" {
			l, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: d.P.CommitteeID, Category: d.P.Category}, store.Page{Size: 50})
			if err != nil {
				return web.View{}, err
			}
			for _, q := range l.Items {
				if q.ID != d.P.ID && (q.State == "filed" || q.State == "handling") {
					d.Mergeable = append(d.Mergeable, q)
				}
			}
		}
	case cppcc.ViewMember:
		me, err := s.Cppcc.Me(r.Context(), sc, c.ID.User.ID)
		if err != nil {
			return web.View{}, err
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
			return web.View{}, err
		}
		for _, x := range d.P.Parts {
			if mine[x.UnitID] && x.State != "withdrawn" {
				d.MyParts = append(d.MyParts, x)
			}
		}
	}
	d.Reasons, d.Routes, d.Classes = web.Options(cppcc.RejectReasons), web.Options(cppcc.RejectRoutes), web.Options(cppcc.Classes[:3])
	d.Contacts, d.Ratings = web.Options(cppcc.Contacts), web.Options(cppcc.Ratings)
	title := "提案"
	if d.P.NumberText != "" {
		title = "提案" + d.P.NumberText
	}
	return web.View{Name: "proposal.html", Title: title + " · " + d.P.Title, Data: d}, nil
}

// action is a step a page's form takes, with its message when done.
type action struct {
	msg string
	fn  func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error)
}

// actions runs the step the path's {action} names (the page of proposal
// pid shows the form's problems), or answers not found.
func (s *pages) actions(c *web.Call, view cppcc.View, back string, pid int64, acts map[string]action) (web.Answer, error) {
	name := c.R.PathValue("action")
	a, ok := acts[name]
	if !ok {
		return nil, apperr.NotFound("页面")
	}
	return s.act(c, view, back, pid, name, a.msg, a.fn)
}

// act runs a step of a proposal's page within the route's scope and
// returns to it: with the message on success, with the form's problems
// named at the top otherwise.
func (s *pages) act(c *web.Call, view cppcc.View, back string, pid int64, name, msg string,
	fn func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error)) (web.Answer, error) {
	f := web.NewForm(c.R)
	p, err := fn(c.R.Context(), c.Scope, f)
	if err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) {
			if pid == 0 {
				return nil, err
			}
			readPerm := map[cppcc.View]auth.Perm{cppcc.ViewOffice: auth.PermCppccRead, cppcc.ViewMember: auth.PermCppccSelf, cppcc.ViewUnit: auth.PermCppccHandle}[view]
			return s.proposalPage(c, readPerm, view, pid, map[string]*web.Form{name: f})
		})
	}
	return web.Redirect{To: fmt.Sprintf(back, p.ID), Flash: msg}, nil
}

func (s *pages) cppccReview(c *web.Call) (web.Answer, error) {
	pid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	msgs := map[string]string{"file": "已立案", "reject": "已作不予立案处理", "return": "已退回提案者修改", "merge": "已并案"}
	action := c.R.PostFormValue("action")
	return s.act(c, cppcc.ViewOffice, "/cppcc/proposals/%d", pid, "review", cmp.Or(msgs[action], "已审查"),
		func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Review(ctx, sc, pid, cppcc.ReviewInput{Action: action, Reason: f.Get("reject_reason"), Route: f.Get("route"), Into: f.ID("into"), Note: f.Get("note")})
		})
}

func (s *pages) cppccAssign(c *web.Call) (web.Answer, error) {
	pid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.act(c, cppcc.ViewOffice, "/cppcc/proposals/%d", pid, "assign", "已交办",
		func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
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
			return s.Cppcc.Assign(ctx, sc, pid, cppcc.AssignInput{Lead: f.ID("lead"), Co: coIDs, Split: splitIDs})
		})
}

func (s *pages) cppccDecide(c *web.Call) (web.Answer, error) {
	partID, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.act(c, cppcc.ViewOffice, "/cppcc/proposals/%d", 0, "decide", "已处理承办单位的申请",
		func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			switch f.Get("what") {
			case "objection":
				return s.Cppcc.DecideObjection(ctx, sc, partID, f.ID("unit_id"))
			case "extension":
				return s.Cppcc.DecideExtension(ctx, sc, partID, f.Get("grant") == "1")
			}
			return cppcc.Proposal{}, apperr.InvalidField("what", "请选择要处理的申请")
		})
}

func (s *pages) cppccKey(c *web.Call) (web.Answer, error) {
	pid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	return s.act(c, cppcc.ViewOffice, "/cppcc/proposals/%d", pid, "key", "已列为重点提案",
		func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.MarkKey(ctx, sc, pid, f.Get("lead"))
		})
}

func (s *pages) cppccRemind(c *web.Call) (web.Answer, error) {
	r := c.R
	partID, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	back := "/cppcc/proposals/%d"
	if r.PostFormValue("from") == "overdue" {
		// Back to the part's row (of the proposal, %d), its banner there.
		back = fmt.Sprintf("/cppcc?overdue=1&page=%d&done=%d#late-%%d-%d", max(1, web.ParseID(r.PostFormValue("page"))), partID, partID)
	}
	return s.act(c, cppcc.ViewOffice, back, web.ParseID(r.PostFormValue("proposal")), "remind", "已记录催办",
		func(ctx context.Context, sc store.Scope, f *web.Form) (cppcc.Proposal, error) {
			return s.Cppcc.Remind(ctx, sc, partID, f.Get("text"))
		})
}
