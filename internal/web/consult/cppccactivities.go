package consult

import (
	"fmt"
	"net/url"
	"strings"

	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// The committee's meetings and activities (履职活动): the year's list, the
// record of one with its attendance, and the instructions it received.

func ids(vs []string) []int64 {
	var out []int64
	for _, v := range vs {
		if n := web.ParseID(v); n != 0 {
			out = append(out, n)
		}
	}
	return out
}

type activitiesData struct {
	Committee committee.Committee
	Year      int
	Kind      string
	Kinds     []web.OptionItem
	List      store.List[duties.Activity]
	Pager     web.Pager
	Write     bool
	Members   []committee.Member
	Keys      []cppcc.Proposal // the key proposals a supervision may be of
	Form      *web.Form
	Months    monthsChip
}

func (s *pages) cppccActivities(c *web.Call) (web.Answer, error) {
	q := c.R.URL.Query()
	f := &web.Form{Values: url.Values{"kind": {q.Get("kind")}, "proposal_id": {q.Get("proposal")}}, Errors: map[string]string{}}
	return s.activitiesPage(c, f)
}

// activitiesPage is the year's activities of the committee, with f the
// form of a new one.
func (s *pages) activitiesPage(c *web.Call, f *web.Form) (web.View, error) {
	r := c.R
	d := activitiesData{Year: s.boardYear(r), Kind: r.URL.Query().Get("kind"), Kinds: web.Options(duties.ActivityKinds), Form: f}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return web.View{}, err
	}
	if d.Committee, err = s.Cppcc.CommitteeOf(r.Context(), sc); err != nil {
		return web.View{}, err
	}
	d.Months = listMonths(r)
	if d.List, err = s.Cppcc.Duties.Activities(r.Context(), sc, d.Committee.ID, duties.ActivityFilter{Kind: d.Kind, Year: d.Year, Months: d.Months.Period}, web.PageOf(r)); err != nil {
		return web.View{}, err
	}
	d.Pager = web.NewPager(r, d.List.Total, web.PageOf(r))
	if d.Write = len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0; d.Write {
		l, err := s.Cppcc.Members(r.Context(), sc, d.Committee.ID, "", store.Page{Size: store.MaxSize})
		if err != nil {
			return web.View{}, err
		}
		d.Members = l.Items
		keys, err := s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: d.Committee.ID, Key: true}, store.Page{Size: store.MaxSize})
		if err != nil {
			return web.View{}, err
		}
		d.Keys = keys.Items
	}
	return web.View{Name: "activities.html", Title: d.Committee.Name + " · 履职活动", Data: d}, nil
}

// attendance moves the attendance list's choices (att_<member>: present,
// leave or absent) into the fields present, leave and absent, which a form
// may send as well.
func attendance(f *web.Form) {
	for k, vs := range f.Values {
		mid, ok := strings.CutPrefix(k, "att_")
		if !ok || web.ParseID(mid) == 0 {
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

func (s *pages) cppccRecordActivity(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	attendance(f)
	in := duties.ActivityInput{Kind: f.Get("kind"), ProposalID: f.ID("proposal_id"), Title: f.Get("title"), Lead: f.Get("lead"),
		Minutes: f.Get("minutes"), Outcome: f.Get("outcome"), Present: ids(f.Values["present"]), Leave: ids(f.Values["leave"]), Absent: ids(f.Values["absent"])}
	if d := f.Date("held_on"); d != nil {
		in.HeldOn = *d
	}
	if n := f.Count("reports"); n != nil {
		in.Reports = *n
	}
	if len(f.Errors) > 0 {
		return badForm(s.activitiesPage(c, f))
	}
	var a duties.Activity
	cm, err := s.Cppcc.CommitteeOf(r.Context(), c.Scope)
	if err == nil {
		in.CommitteeID = cm.ID
		a, err = s.Cppcc.Duties.RecordActivity(r.Context(), c.Scope, in)
	}
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.activitiesPage(c, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/activities/%d", a.ID), Flash: "已记录" + a.KindLabel}, nil
}

type activityData struct {
	A     duties.Activity
	Write bool
	Form  *web.Form
}

func (s *pages) cppccActivity(c *web.Call) (web.Answer, error) {
	return s.activityPage(c, nil)
}

// activityPage is the activity of the path, with f the refused form of an
// instruction or a document.
func (s *pages) activityPage(c *web.Call, f *web.Form) (web.View, error) {
	aid, err := web.PathID(c.R)
	if err != nil {
		return web.View{}, err
	}
	d := activityData{Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Form: f}
	sc, err := c.Within(auth.PermCppccRead)
	if err != nil {
		return web.View{}, err
	}
	if d.A, err = s.Cppcc.Duties.Activity(c.R.Context(), sc, aid); err != nil {
		return web.View{}, err
	}
	return web.View{Name: "activity.html", Title: d.A.Title, Data: d}, nil
}

func (s *pages) cppccInstruction(c *web.Call) (web.Answer, error) {
	aid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	in := duties.InstructionInput{By: f.Get("by"), Text: f.Get("text"), Adopted: f.Get("adopted")}
	if d := f.Date("on"); d != nil {
		in.On = *d
	}
	if _, err := s.Cppcc.Duties.AddInstruction(c.R.Context(), c.Scope, aid, in); err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.activityPage(c, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/activities/%d", aid), Flash: "已记录批示"}, nil
}
