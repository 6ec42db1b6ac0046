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
	"dangjian/internal/date"
	"dangjian/internal/forum"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/store"
)

// The office's pages of the public channel: letters and cases with their
// clocks and steps, 社情民意 with the issues of the 专刊, the moderation
// queue and the calendar; a unit's letters; a member's 社情民意.
func (s *Site) casesRoutes() []route {
	return []route{
		{"GET /cppcc/letters", auth.PermCppccRead, 0, legacy(s.casesList)},
		{"GET /cppcc/letters/new", auth.PermCppccWrite, 0, legacy(s.caseNew)},
		{"POST /cppcc/letters", auth.PermCppccWrite, 0, legacy(s.caseRegister)},
		{"GET /cppcc/letters/{id}", auth.PermCppccRead, 0, legacy(s.caseRoute(cppcc.ViewOffice))},
		{"POST /cppcc/letters/{id}/{action}", auth.PermCppccWrite, 0, legacy(s.caseAct)},
		{"GET /cppcc/letters/{id}/files/{file}", auth.PermCppccRead, 0, s.caseFile(cppcc.ViewOffice)},
		{"GET /cppcc/inbox/letters/{id}/files/{file}", auth.PermCppccHandle, 0, s.caseFile(cppcc.ViewUnit)},
		{"GET /cppcc/inbox/letters", auth.PermCppccHandle, 0, legacy(s.unitCases)},
		{"GET /cppcc/inbox/letters/{id}", auth.PermCppccHandle, 0, legacy(s.caseRoute(cppcc.ViewUnit))},
		{"POST /cppcc/inbox/letters/{id}/{action}", auth.PermCppccHandle, 0, legacy(s.unitCaseAct)},
		{"GET /cppcc/opinions", auth.PermCppccRead, 0, legacy(s.opinionsList)},
		{"GET /cppcc/opinions/{id}", auth.PermCppccRead, 0, legacy(s.opinionRoute)},
		{"POST /cppcc/opinions/{id}/{action}", auth.PermCppccWrite, 0, legacy(s.opinionAct)},
		{"POST /cppcc/issues", auth.PermCppccWrite, 0, legacy(s.issueCompile)},
		{"GET /cppcc/issues/{id}", auth.PermCppccRead, 0, legacy(s.issueRoute)},
		{"GET /cppcc/issues/{id}/docx", auth.PermCppccRead, 0, legacy(s.issueDocx)},
		{"POST /cppcc/issues/{id}/forward", auth.PermCppccWrite, 0, legacy(s.issueForward)},
		{"GET /cppcc/moderation", auth.PermCppccWrite, 0, legacy(s.moderation)},
		{"POST /cppcc/moderation/{object}/{id}", auth.PermCppccWrite, 0, legacy(s.moderate)},
		{"GET /cppcc/calendar", auth.PermCppccRead, 0, legacy(s.calendarPage)},
		{"POST /cppcc/calendar", auth.PermCppccWrite, 0, legacy(s.calendarSave)},
		{"GET /cppcc/my/opinions", auth.PermCppccSelf, 0, legacy(s.myOpinions)},
		{"POST /cppcc/my/opinions", auth.PermCppccSelf, 0, legacy(s.myOpinionSubmit)},
		{"POST /cppcc/my/opinions/{id}", auth.PermCppccSelf, 0, legacy(s.myOpinionResubmit)},
	}
}

// committeeIn is the committee of the page: the query's, or the caller's first.
func (s *Site) committeeIn(r *http.Request, sc store.Scope) (committee.Committee, error) {
	if q := queryID(r, "committee"); q != 0 {
		return s.Cppcc.Committee(r.Context(), sc, q)
	}
	return s.Cppcc.CommitteeOf(r.Context(), sc)
}

type casesData struct {
	Committee committee.Committee
	Tab       string
	Tabs      []tab
	List      store.List[letters.Case]
	Pager     pager
	Figures   cppcc.PublicFigures
	Write     bool
	Unit      bool
	Months    monthsChip
	// Done is the case just supervised from the list, whose row shows the banner.
	Done int64
}

// flashRow tells whether the list holds the case just supervised.
func (d casesData) flashRow() bool {
	return slices.ContainsFunc(d.List.Items, func(x letters.Case) bool { return x.ID == d.Done })
}

// caseTabs are the office's lists of letters.
var caseTabs = []struct{ key, label string }{
	{"received", "待受理"}, {"held", "被拦截待审核"}, {"overdue", "逾期"}, {"handling", "办理中"}, {"replied", "已答复"}, {"review", "复查复核"}, {"all", "全部"},
}

func (s *Site) casesList(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d := casesData{Tab: cmp.Or(r.URL.Query().Get("tab"), "received"), Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0, Done: queryID(r, "done")}
	pg := pageOf(r)
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		c, err := s.committeeIn(r, sc)
		if err != nil {
			return err
		}
		d.Committee = c
		d.Months = listMonths(r)
		f := letters.CaseFilter{CommitteeID: c.ID, Months: d.Months.Period}
		switch d.Tab {
		case "held":
			f.Held = true
		case "overdue":
			f.Overdue = true
		case "all":
		case "received":
			f.State, f.Clean = "received", true
		default:
			f.State = d.Tab
		}
		if d.List, err = s.Cppcc.Letters.Cases(r.Context(), sc, cppcc.ViewOffice, f, pg); err != nil {
			return err
		}
		today := s.Cppcc.Today()
		d.Figures, err = s.Cppcc.PublicFigures(r.Context(), sc, c.ID, cppcc.Period{From: today.Year()*100 + 1, To: today.Year()*100 + 12})
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range caseTabs {
		d.Tabs = append(d.Tabs, tab{Label: t.label, Href: "/cppcc/letters?tab=" + t.key, Active: t.key == d.Tab})
	}
	d.Pager = newPager(r, d.List.Total, pg)
	s.show(w, r, id, http.StatusOK, "cases.html", "来信和信访", d)
}

func (s *Site) unitCases(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d := casesData{Unit: true}
	pg := pageOf(r)
	err := id.Within(auth.PermCppccHandle, func(sc store.Scope) error {
		var err error
		d.List, err = s.Cppcc.Letters.Cases(r.Context(), sc, cppcc.ViewUnit, letters.CaseFilter{}, pg)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pager = newPager(r, d.List.Total, pg)
	s.show(w, r, id, http.StatusOK, "cases.html", "承办来信", d)
}

type caseData struct {
	C       letters.Case
	View    cppcc.View
	Units   []committee.Committee
	Forms   map[string]*form
	Write   bool
	Person  *letters.Person
	Routes  any
	Steps   map[string]bool
	Windows bool
}

func (s *Site) caseRoute(view cppcc.View) func(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	return func(w http.ResponseWriter, r *http.Request, id auth.Identity) {
		cid, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.casePage(w, r, id, view, cid, nil, http.StatusOK)
	}
}

func (s *Site) casePage(w http.ResponseWriter, r *http.Request, id auth.Identity, view cppcc.View, cid int64, forms map[string]*form, status int) {
	perm := map[cppcc.View]auth.Perm{cppcc.ViewOffice: auth.PermCppccRead, cppcc.ViewUnit: auth.PermCppccHandle}[view]
	d := caseData{View: view, Forms: forms, Routes: letters.Routes, Steps: map[string]bool{}, Write: view == cppcc.ViewOffice && len(id.ScopesFor(auth.PermCppccWrite)) > 0}
	err := id.Within(perm, func(sc store.Scope) error {
		var err error
		if d.C, err = s.Cppcc.Letters.Case(r.Context(), sc, view, cid); err != nil {
			return err
		}
		if view == cppcc.ViewOffice {
			if d.Units, err = s.Cppcc.Units(r.Context(), sc, d.C.CommitteeID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Write && r.URL.Query().Get("reveal") == "1" {
		err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
			p, err := s.Cppcc.Letters.Person(r.Context(), sc, cid)
			d.Person = &p
			return err
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for _, st := range letters.Steps.Steps() {
		for _, from := range st.From {
			if from == d.C.State {
				d.Steps[st.Action] = true
			}
		}
	}
	s.show(w, r, id, status, "casepage.html", d.C.Title, d)
}

// caseFile downloads a letter's attachment.
func (s *Site) caseFile(view cppcc.View) Handler {
	return s.fileRoute(false, func(ctx context.Context, sc store.Scope, cid, file int64) (cppcc.File, []byte, error) {
		return s.Cppcc.Letters.CaseFile(ctx, sc, view, cid, file)
	})
}

// caseAct is the office's step on a letter.
func (s *Site) caseAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	cid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	action := r.PathValue("action")
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		if action == "publish" {
			_, err := s.Cppcc.Forum.Publish(r.Context(), sc, cid)
			return err
		}
		_, err := s.Public.Decide(r.Context(), sc, cid, letters.CaseAction{Action: action, Text: f.Get("text"), UnitID: f.id("unit_id"), Route: f.Get("route"),
			Hearing: f.Get("hearing") == "1"})
		return err
	})
	if err == nil {
		back := fmt.Sprintf("/cppcc/letters/%d", cid)
		if tab := f.Get("from"); action == "supervise" && tab != "" {
			// Back to the list's row, its banner there (on a phone the top is out of sight).
			back = fmt.Sprintf("/cppcc/letters?tab=%s&page=%d&done=%d#case-%d", url.QueryEscape(tab), max(1, f.id("page")), cid, cid)
		}
		done(w, r, back, "已"+letters.ActionLabel(action))
		return
	}
	if s.onForm(w, r, f, err) {
		s.casePage(w, r, id, cppcc.ViewOffice, cid, map[string]*form{action: f}, http.StatusBadRequest)
	}
}

func (s *Site) unitCaseAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	cid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	action := r.PathValue("action")
	days, _ := strconv.Atoi(f.Get("days"))
	err = id.Within(auth.PermCppccHandle, func(sc store.Scope) error {
		_, err := s.Cppcc.Letters.Handle(r.Context(), sc, cid, letters.CaseAction{Action: action, Text: f.Get("text"), Days: days, Approver: f.Get("approver")})
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/inbox/letters/%d", cid), "已"+letters.ActionLabel(action))
		return
	}
	if s.onForm(w, r, f, err) {
		s.casePage(w, r, id, cppcc.ViewUnit, cid, map[string]*form{action: f}, http.StatusBadRequest)
	}
}

type caseNewData struct {
	Committee committee.Committee
	Form      *form
	Boxes     any
	Channels  any
}

func (s *Site) caseNew(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.caseNewPage(w, r, id, &form{Errors: map[string]string{}, Labels: letterLabels}, http.StatusOK)
}

func (s *Site) caseNewPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := caseNewData{Form: f, Boxes: letters.Boxes, Channels: letters.Channels}
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		var err error
		d.Committee, err = s.committeeIn(r, sc)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "casenew.html", "登记来信来访", d)
}

func (s *Site) caseRegister(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	f.Labels = letterLabels
	people, _ := strconv.Atoi(cmp.Or(f.Get("people"), "1"))
	var rc letters.Receipt
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		in := letters.CaseInput{CommitteeID: f.id("committee_id"), Box: f.Get("box"), Channel: f.Get("channel"), Title: f.Get("title"), Content: f.Get("content"),
			Name: f.Get("name"), Phone: f.Get("phone"), IDNumber: f.Get("id_number"), People: people}
		if d := f.date("received_on"); d != nil {
			in.ReceivedOn = *d
		}
		var err error
		rc, err = s.Cppcc.Letters.Register(r.Context(), sc, in)
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/letters/%d", rc.Case.ID), "已登记。回执码 "+rc.Code+"(只显示这一次,请告知来信人)")
		return
	}
	if s.onForm(w, r, f, err) {
		s.caseNewPage(w, r, id, f, http.StatusBadRequest)
	}
}

type opinionsData struct {
	Committee committee.Committee
	Tab       string
	Tabs      []tab
	List      store.List[opinion.Opinion]
	Pager     pager
	Issues    []opinion.Issue
	Write     bool
	Form      *form
	Modes     any
	Months    monthsChip
}

func (s *Site) opinionsList(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.opinionsPage(w, r, id, nil, http.StatusOK)
}

func (s *Site) opinionsPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := opinionsData{Tab: cmp.Or(r.URL.Query().Get("tab"), "submitted"), Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0, Form: f, Modes: opinion.IssueModes}
	pg := pageOf(r)
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		c, err := s.committeeIn(r, sc)
		if err != nil {
			return err
		}
		d.Committee = c
		st := d.Tab
		if st == "all" {
			st = ""
		}
		d.Months = listMonths(r)
		if d.List, err = s.Cppcc.Opinions.Opinions(r.Context(), sc, cppcc.ViewOffice, opinion.Filter{CommitteeID: c.ID, State: st, Months: d.Months.Period}, pg); err != nil {
			return err
		}
		d.Issues, err = s.Cppcc.Opinions.Issues(r.Context(), sc, c.ID, s.Cppcc.Today().Year())
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range opinion.States {
		d.Tabs = append(d.Tabs, tab{Label: t.Label, Href: "/cppcc/opinions?tab=" + t.Code, Active: t.Code == d.Tab})
	}
	d.Tabs = append(d.Tabs, tab{Label: "全部", Href: "/cppcc/opinions?tab=all", Active: d.Tab == "all"})
	d.Pager = newPager(r, d.List.Total, pg)
	s.show(w, r, id, status, "opinions.html", "社情民意", d)
}

type opinionData struct {
	O      opinion.Opinion
	Forms  map[string]*form
	Write  bool
	Levels any
	Kinds  any
}

func (s *Site) opinionRoute(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.opinionPage(w, r, id, oid, nil, http.StatusOK)
}

func (s *Site) opinionPage(w http.ResponseWriter, r *http.Request, id auth.Identity, oid int64, forms map[string]*form, status int) {
	d := opinionData{Forms: forms, Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0, Levels: cppcc.Levels, Kinds: opinion.AdoptionKinds}
	err := id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		var err error
		d.O, err = s.Cppcc.Opinions.GetOpinion(r.Context(), sc, cppcc.ViewOffice, oid)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "opinionpage.html", d.O.Title, d)
}

func (s *Site) opinionAct(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	f.Labels = map[string]string{"title": "标题", "content": "正文", "note": "理由", "level": "层级", "kind": "类别", "by": "批示人", "text": "批示内容", "on": "日期"}
	action := r.PathValue("action")
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		if action == "adopt" {
			in := opinion.AdoptionInput{Level: f.Get("level"), Kind: f.Get("kind"), By: f.Get("by"), Text: f.Get("text")}
			if d := f.date("on"); d != nil {
				in.On = *d
			}
			_, err := s.Cppcc.Opinions.Adopt(r.Context(), sc, oid, in)
			return err
		}
		_, err := s.Cppcc.Opinions.ReviewOpinion(r.Context(), sc, oid, opinion.EditInput{Action: action, Title: f.Get("title"), Content: f.Get("content"), Note: f.Get("note")})
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/opinions/%d", oid), map[string]string{"edit": "已核稿", "return": "已退回报送人修改", "unuse": "已作不予编发处理", "adopt": "已记录"}[action])
		return
	}
	if s.onForm(w, r, f, err) {
		s.opinionPage(w, r, id, oid, map[string]*form{action: f}, http.StatusBadRequest)
	}
}

func (s *Site) issueCompile(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	f.Labels = map[string]string{"items": "编入的信息", "mode": "编发方式", "title": "综合标题", "signer": "签发人"}
	var is opinion.Issue
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		var err error
		is, err = s.Cppcc.Opinions.Compile(r.Context(), sc, opinion.IssueInput{CommitteeID: f.id("committee_id"), Mode: f.Get("mode"), Title: f.Get("title"), Signer: f.Get("signer"), Items: ids(f.Values["items"])})
		return err
	})
	if err == nil {
		done(w, r, fmt.Sprintf("/cppcc/issues/%d?committee=%d", is.ID, is.CommitteeID), "已编为"+is.Label)
		return
	}
	if s.onForm(w, r, f, err) {
		r.URL.RawQuery = "tab=edited&committee=" + f.Get("committee_id")
		s.opinionsPage(w, r, id, f, http.StatusBadRequest)
	}
}

type issueData struct {
	Committee committee.Committee
	I         opinion.Issue
	Write     bool
}

func (s *Site) issueOf(r *http.Request, id auth.Identity) (issueData, error) {
	d := issueData{Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0}
	iid, err := pathID(r)
	if err != nil {
		return d, err
	}
	err = id.Within(auth.PermCppccRead, func(sc store.Scope) error {
		c, err := s.committeeIn(r, sc)
		if err != nil {
			return err
		}
		d.Committee = c
		d.I, err = s.Cppcc.Opinions.Issue(r.Context(), sc, c.ID, iid)
		return err
	})
	return d, err
}

func (s *Site) issueRoute(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d, err := s.issueOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "issue.html", "社情民意专刊"+d.I.Label, d)
}

func (s *Site) issueDocx(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	d, err := s.issueOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := sendDocx(w, d.Committee.Name+"社情民意专刊"+d.I.Label+".docx", func(x io.Writer) error {
		return s.Cppcc.Opinions.WriteIssue(x, d.Committee, d.I)
	}); err != nil {
		s.fail(w, r, err)
	}
}

func (s *Site) issueForward(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	iid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	var is opinion.Issue
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		var err error
		is, err = s.Cppcc.Opinions.Forward(r.Context(), sc, f.id("committee_id"), iid, f.Get("to"))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, fmt.Sprintf("/cppcc/issues/%d?committee=%d", is.ID, is.CommitteeID), "已记录报送")
}

type moderationData struct {
	Committee committee.Committee
	Comments  []forum.Moderated
	Posts     []forum.Post
}

func (s *Site) moderation(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	var d moderationData
	err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		c, err := s.committeeIn(r, sc)
		if err != nil {
			return err
		}
		d.Committee = c
		d.Comments, d.Posts, err = s.Cppcc.Forum.Queue(r.Context(), sc, c.ID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, http.StatusOK, "moderation.html", "论坛审核", d)
}

func (s *Site) moderate(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	err = id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
		return s.Public.Moderate(r.Context(), sc, f.id("committee_id"), r.PathValue("object"), oid, forum.ModerateInput{Action: f.Get("action"), Body: f.Get("body"), Spam: f.Get("spam") == "1"})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/cppcc/moderation?committee="+f.Get("committee_id"), "已审核")
}

type calendarData struct {
	Year  int
	Days  []cppcc.CalendarDay
	Text  string
	Form  *form
	Write bool
}

func (s *Site) calendarPage(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	year := s.boardYear(r)
	days, err := s.Cppcc.CalendarDays(r.Context(), s.DB, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b strings.Builder
	for _, d := range days {
		kind := "休"
		if !d.Off {
			kind = "班"
		}
		fmt.Fprintf(&b, "%s %s %s\n", d.Day, kind, d.Note)
	}
	s.show(w, r, id, http.StatusOK, "calendar.html", "节假日安排", calendarData{Year: year, Days: days, Text: b.String(), Write: len(id.ScopesFor(auth.PermCppccWrite)) > 0})
}

// calendarSave reads a year's days, one a line: the date, 休 or 班, a note.
func (s *Site) calendarSave(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	f := newForm(r)
	year, _ := strconv.Atoi(f.Get("year"))
	var days []cppcc.CalendarDay
	for i, line := range strings.Split(f.Get("days"), "\n") {
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		d, err := date.Parse(parts[0])
		if err != nil || len(parts) < 2 || (parts[1] != "休" && parts[1] != "班") {
			f.Errors["days"] = fmt.Sprintf("第 %d 行应为“日期 休(或 班) 说明”,如“2026-10-01 休 国庆节”,收到“%s”", i+1, strings.TrimSpace(line))
			break
		}
		days = append(days, cppcc.CalendarDay{Day: d, Off: parts[1] == "休", Note: strings.Join(parts[2:], " ")})
	}
	if len(f.Errors) == 0 {
		err := id.Within(auth.PermCppccWrite, func(sc store.Scope) error {
			_, err := s.Cppcc.SetCalendar(r.Context(), sc, year, days)
			return err
		})
		if err == nil {
			done(w, r, fmt.Sprintf("/cppcc/calendar?year=%d", year), fmt.Sprintf("已保存%d年的节假日安排", year))
			return
		}
		if !s.onForm(w, r, f, err) {
			return
		}
	}
	f.Labels = map[string]string{"days": "节假日", "year": "年份"}
	s.show(w, r, id, http.StatusBadRequest, "calendar.html", "节假日安排", calendarData{Year: year, Text: f.Get("days"), Form: f, Write: true})
}

type myOpinionsData struct {
	Me   committee.Member
	List store.List[opinion.Opinion]
	Form *form
	Max  int
}

func (s *Site) myOpinions(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.myOpinionsPage(w, r, id, &form{Errors: map[string]string{}}, http.StatusOK)
}

func (s *Site) myOpinionsPage(w http.ResponseWriter, r *http.Request, id auth.Identity, f *form, status int) {
	d := myOpinionsData{Form: f, Max: opinion.MaxLength}
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		var err error
		if d.Me, err = s.Cppcc.Me(r.Context(), sc, id.User.ID); err != nil {
			return err
		}
		d.List, err = s.Cppcc.Opinions.Opinions(r.Context(), sc, cppcc.ViewMember, opinion.Filter{}, pageOf(r))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, id, status, "myopinions.html", "我的社情民意", d)
}

func (s *Site) myOpinionSubmit(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	s.myOpinionSend(w, r, id, 0)
}

// myOpinionResubmit sends a returned item again, as revised.
func (s *Site) myOpinionResubmit(w http.ResponseWriter, r *http.Request, id auth.Identity) {
	oid, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.myOpinionSend(w, r, id, oid)
}

// myOpinionSend sends a new item (oid 0) or a returned one again.
func (s *Site) myOpinionSend(w http.ResponseWriter, r *http.Request, id auth.Identity, oid int64) {
	f := newForm(r)
	f.Labels = map[string]string{"title": "标题", "content": "正文"}
	err := id.Within(auth.PermCppccSelf, func(sc store.Scope) error {
		in := opinion.Input{Title: f.Get("title"), Content: f.Get("content")}
		var err error
		if oid == 0 {
			_, err = s.Cppcc.Opinions.SubmitOpinion(r.Context(), sc, cppcc.ViewMember, in)
		} else {
			_, err = s.Cppcc.Opinions.ResubmitOpinion(r.Context(), sc, oid, in)
		}
		return err
	})
	if err == nil {
		done(w, r, "/cppcc/my/opinions", "已报送,待政协办公室核稿")
		return
	}
	if apperr.IsNotFound(err) {
		s.fail(w, r, err)
		return
	}
	if s.onForm(w, r, f, err) {
		s.myOpinionsPage(w, r, id, f, http.StatusBadRequest)
	}
}
