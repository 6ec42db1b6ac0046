package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/store"
)

// The committee's meetings and activities (履职活动): the year's list, the
// record of one with its attendance, and the instructions it received.

func ids(vs []string) []int64 {
	var out []int64
	for _, v := range vs {
		if n := parseID(v); n != 0 {
			out = append(out, n)
		}
	}
	return out
}

type activitiesData struct {
	Committee cppcc.Committee
	Year      int
	Kind      string
	Kinds     []optionItem
	List      store.List[duties.Activity]
	Pager     pager
	Write     bool
	Members   []cppcc.Member
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
