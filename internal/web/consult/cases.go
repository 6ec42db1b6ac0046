package consult

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/forum"
	"dangjian/internal/letters"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// The office's pages of the public channel: letters and cases with their
// clocks and steps, 社情民意 with the issues of the 专刊 (opinions.go), the
// moderation queue and the calendar; a unit's letters; a member's 社情民意.
func (s *pages) casesRoutes() []route {
	return []route{
		{"GET /cppcc/letters", auth.PermCppccRead, 0, s.casesList},
		{"GET /cppcc/letters/new", auth.PermCppccWrite, 0, s.caseNew},
		{"POST /cppcc/letters", auth.PermCppccWrite, 0, s.caseRegister},
		{"GET /cppcc/letters/{id}", auth.PermCppccRead, 0, s.caseRoute(cppcc.ViewOffice)},
		{"POST /cppcc/letters/{id}/{action}", auth.PermCppccWrite, 0, s.caseAct},
		{"GET /cppcc/letters/{id}/files/{file}", auth.PermCppccRead, 0, s.caseFile(cppcc.ViewOffice)},
		{"GET /cppcc/inbox/letters/{id}/files/{file}", auth.PermCppccHandle, 0, s.caseFile(cppcc.ViewUnit)},
		{"GET /cppcc/inbox/letters", auth.PermCppccHandle, 0, s.unitCases},
		{"GET /cppcc/inbox/letters/{id}", auth.PermCppccHandle, 0, s.caseRoute(cppcc.ViewUnit)},
		{"POST /cppcc/inbox/letters/{id}/{action}", auth.PermCppccHandle, 0, s.unitCaseAct},
		{"GET /cppcc/opinions", auth.PermCppccRead, 0, s.opinionsList},
		{"GET /cppcc/opinions/{id}", auth.PermCppccRead, 0, s.opinionRoute},
		{"POST /cppcc/opinions/{id}/{action}", auth.PermCppccWrite, 0, s.opinionAct},
		{"POST /cppcc/issues", auth.PermCppccWrite, 0, s.issueCompile},
		{"GET /cppcc/issues/{id}", auth.PermCppccRead, 0, s.issueRoute},
		{"GET /cppcc/issues/{id}/docx", auth.PermCppccRead, 0, s.issueDocx},
		{"POST /cppcc/issues/{id}/forward", auth.PermCppccWrite, 0, s.issueForward},
		{"GET /cppcc/moderation", auth.PermCppccWrite, 0, s.moderation},
		{"POST /cppcc/moderation/{object}/{id}", auth.PermCppccWrite, 0, s.moderate},
		{"GET /cppcc/calendar", auth.PermCppccRead, 0, s.calendarPage},
		{"POST /cppcc/calendar", auth.PermCppccWrite, 0, s.calendarSave},
		{"GET /cppcc/my/opinions", auth.PermCppccSelf, 0, s.myOpinions},
		{"POST /cppcc/my/opinions", auth.PermCppccSelf, 0, s.myOpinionSubmit},
		{"POST /cppcc/my/opinions/{id}", auth.PermCppccSelf, 0, s.myOpinionResubmit},
	}
}

// committeeIn is the committee of the page: the query's, or the caller's first.
func (s *pages) committeeIn(r *http.Request, sc store.Scope) (committee.Committee, error) {
	if q := web.QueryID(r, "committee"); q != 0 {
		return s.Cppcc.Committee(r.Context(), sc, q)
	}
	return s.Cppcc.CommitteeOf(r.Context(), sc)
}

type casesData struct {
	Committee committee.Committee
	Tab       string
	Tabs      []web.Tab
	List      store.List[letters.Case]
	Pager     web.Pager
	Figures   cppcc.PublicFigures
	Write     bool
	Unit      bool
	Months    monthsChip
	// Done is the case just supervised from the list, whose row shows the banner.
	Done int64
}

// FlashRow tells whether the list holds the case just supervised.
func (d casesData) FlashRow() bool {
	return slices.ContainsFunc(d.List.Items, func(x letters.Case) bool { return x.ID == d.Done })
}

// caseTabs are the office's lists of letters.
var caseTabs = []struct{ key, label string }{
	{"received", "待受理"}, {"held", "被拦截待审核"}, {"overdue", "逾期"}, {"handling", "办理中"}, {"replied", "已答复"}, {"review", "复查复核"}, {"all", "全部"},
}

func (s *pages) casesList(c *web.Call) (web.Answer, error) {
	r := c.R
	d := casesData{Tab: cmp.Or(r.URL.Query().Get("tab"), "received"), Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0, Done: web.QueryID(r, "done")}
	pg := web.PageOf(r)
	cm, err := s.committeeIn(r, c.Scope)
	if err != nil {
		return nil, err
	}
	d.Committee = cm
	d.Months = listMonths(r)
	f := letters.CaseFilter{CommitteeID: cm.ID, Months: d.Months.Period}
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
	if d.List, err = s.Cppcc.Letters.Cases(r.Context(), c.Scope, cppcc.ViewOffice, f, pg); err != nil {
		return nil, err
	}
	today := s.Cppcc.Today()
	if d.Figures, err = s.Cppcc.PublicFigures(r.Context(), c.Scope, cm.ID, cppcc.Period{From: today.Year()*100 + 1, To: today.Year()*100 + 12}); err != nil {
		return nil, err
	}
	for _, t := range caseTabs {
		d.Tabs = append(d.Tabs, web.Tab{Label: t.label, Href: "/cppcc/letters?tab=" + t.key, Active: t.key == d.Tab})
	}
	d.Pager = web.NewPager(r, d.List.Total, pg)
	return web.View{Name: "cases.html", Title: "来信和信访", Data: d}, nil
}

func (s *pages) unitCases(c *web.Call) (web.Answer, error) {
	d := casesData{Unit: true}
	pg := web.PageOf(c.R)
	var err error
	if d.List, err = s.Cppcc.Letters.Cases(c.R.Context(), c.Scope, cppcc.ViewUnit, letters.CaseFilter{}, pg); err != nil {
		return nil, err
	}
	d.Pager = web.NewPager(c.R, d.List.Total, pg)
	return web.View{Name: "cases.html", Title: "承办来信", Data: d}, nil
}

type caseData struct {
	C       letters.Case
	View    cppcc.View
	Units   []committee.Committee
	Forms   map[string]*web.Form
	Write   bool
	Person  *letters.Person
	Routes  any
	Steps   map[string]bool
	Windows bool
}

func (s *pages) caseRoute(view cppcc.View) web.Handler {
	return func(c *web.Call) (web.Answer, error) {
		cid, err := web.PathID(c.R)
		if err != nil {
			return nil, err
		}
		return s.casePage(c, view, cid, nil)
	}
}

// casePage is a letter as view shows it, with forms the refused forms by action.
func (s *pages) casePage(c *web.Call, view cppcc.View, cid int64, forms map[string]*web.Form) (web.Answer, error) {
	r := c.R
	perm := map[cppcc.View]auth.Perm{cppcc.ViewOffice: auth.PermCppccRead, cppcc.ViewUnit: auth.PermCppccHandle}[view]
	d := caseData{View: view, Forms: forms, Routes: letters.Routes, Steps: map[string]bool{}, Write: view == cppcc.ViewOffice && len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0}
	sc, err := c.Within(perm)
	if err != nil {
		return nil, err
	}
	if d.C, err = s.Cppcc.Letters.Case(r.Context(), sc, view, cid); err != nil {
		return nil, err
	}
	if view == cppcc.ViewOffice {
		if d.Units, err = s.Cppcc.Units(r.Context(), sc, d.C.CommitteeID); err != nil {
			return nil, err
		}
	}
	if d.Write && r.URL.Query().Get("reveal") == "1" {
		wsc, err := c.Within(auth.PermCppccWrite)
		if err != nil {
			return nil, err
		}
		p, err := s.Cppcc.Letters.Person(r.Context(), wsc, cid)
		if err != nil {
			return nil, err
		}
		d.Person = &p
	}
	for _, st := range letters.Steps.Steps() {
		for _, from := range st.From {
			if from == d.C.State {
				d.Steps[st.Action] = true
			}
		}
	}
	return web.View{Name: "casepage.html", Title: d.C.Title, Data: d}, nil
}

// caseFile sends a letter's attachment, as view reaches it: a photo or a
// PDF the sender attached (its type checked when the letter came) opens in
// the browser, in a sandbox; any other file is saved.
func (s *pages) caseFile(view cppcc.View) web.Handler {
	return s.fileRoute(true, func(ctx context.Context, sc store.Scope, cid, file int64) (cppcc.File, []byte, error) {
		return s.Cppcc.Letters.CaseFile(ctx, sc, view, cid, file)
	})
}

// caseAct is the office's step on a letter.
func (s *pages) caseAct(c *web.Call) (web.Answer, error) {
	r := c.R
	cid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(r)
	action := r.PathValue("action")
	if action == "publish" {
		_, err = s.Cppcc.Forum.Publish(r.Context(), c.Scope, cid)
	} else {
		_, err = s.Public.Decide(r.Context(), c.Scope, cid, letters.CaseAction{Action: action, Text: f.Get("text"), UnitID: f.ID("unit_id"), Route: f.Get("route"),
			Hearing: f.Get("hearing") == "1"})
	}
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) {
			return s.casePage(c, cppcc.ViewOffice, cid, map[string]*web.Form{action: f})
		})
	}
	back := fmt.Sprintf("/cppcc/letters/%d", cid)
	if tab := f.Get("from"); action == "supervise" && tab != "" {
		// Back to the list's row, its banner there (on a phone the top is out of sight).
		back = fmt.Sprintf("/cppcc/letters?tab=%s&page=%d&done=%d#case-%d", url.QueryEscape(tab), max(1, f.ID("page")), cid, cid)
	}
	return web.Redirect{To: back, Flash: "已" + letters.ActionLabel(action)}, nil
}

func (s *pages) unitCaseAct(c *web.Call) (web.Answer, error) {
	r := c.R
	cid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(r)
	action := r.PathValue("action")
	days, _ := strconv.Atoi(f.Get("days"))
	if _, err := s.Cppcc.Letters.Handle(r.Context(), c.Scope, cid, letters.CaseAction{Action: action, Text: f.Get("text"), Days: days, Approver: f.Get("approver")}); err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.casePage(c, cppcc.ViewUnit, cid, map[string]*web.Form{action: f}) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/inbox/letters/%d", cid), Flash: "已" + letters.ActionLabel(action)}, nil
}

type caseNewData struct {
	Committee committee.Committee
	Form      *web.Form
	Boxes     any
	Channels  any
}

func (s *pages) caseNew(c *web.Call) (web.Answer, error) {
	return s.caseNewPage(c, &web.Form{Errors: map[string]string{}, Labels: web.LetterLabels})
}

func (s *pages) caseNewPage(c *web.Call, f *web.Form) (web.Answer, error) {
	d := caseNewData{Form: f, Boxes: letters.Boxes, Channels: letters.Channels}
	var err error
	if d.Committee, err = s.committeeIn(c.R, c.Scope); err != nil {
		return nil, err
	}
	return web.View{Name: "casenew.html", Title: "登记来信来访", Data: d}, nil
}

func (s *pages) caseRegister(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	f.Labels = web.LetterLabels
	people, _ := strconv.Atoi(cmp.Or(f.Get("people"), "1"))
	in := letters.CaseInput{CommitteeID: f.ID("committee_id"), Box: f.Get("box"), Channel: f.Get("channel"), Title: f.Get("title"), Content: f.Get("content"),
		Name: f.Get("name"), Phone: f.Get("phone"), IDNumber: f.Get("id_number"), People: people}
	if d := f.Date("received_on"); d != nil {
		in.ReceivedOn = *d
	}
	rc, err := s.Cppcc.Letters.Register(c.R.Context(), c.Scope, in)
	if err != nil {
		return web.Refused(c.R, f, err, func() (web.Answer, error) { return s.caseNewPage(c, f) })
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/letters/%d", rc.Case.ID), Flash: "已登记。回执码 " + rc.Code + "(只显示这一次,请告知来信人)"}, nil
}

type moderationData struct {
	Committee committee.Committee
	Comments  []forum.Moderated
	Posts     []forum.Post
}

func (s *pages) moderation(c *web.Call) (web.Answer, error) {
	var d moderationData
	var err error
	if d.Committee, err = s.committeeIn(c.R, c.Scope); err != nil {
		return nil, err
	}
	if d.Comments, d.Posts, err = s.Cppcc.Forum.Queue(c.R.Context(), c.Scope, d.Committee.ID); err != nil {
		return nil, err
	}
	return web.View{Name: "moderation.html", Title: "论坛审核", Data: d}, nil
}

func (s *pages) moderate(c *web.Call) (web.Answer, error) {
	oid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(c.R)
	in := forum.ModerateInput{Action: f.Get("action"), Body: f.Get("body"), Spam: f.Get("spam") == "1"}
	if err := s.Public.Moderate(c.R.Context(), c.Scope, f.ID("committee_id"), c.R.PathValue("object"), oid, in); err != nil {
		return nil, err
	}
	return web.Redirect{To: "/cppcc/moderation?committee=" + f.Get("committee_id"), Flash: "已审核"}, nil
}

type calendarData struct {
	Year  int
	Days  []cppcc.CalendarDay
	Text  string
	Form  *web.Form
	Write bool
}

func (s *pages) calendarPage(c *web.Call) (web.Answer, error) {
	year := s.boardYear(c.R)
	days, err := s.Cppcc.CalendarDays(c.R.Context(), s.DB, year)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, d := range days {
		kind := "休"
		if !d.Off {
			kind = "班"
		}
		fmt.Fprintf(&b, "%s %s %s\n", d.Day, kind, d.Note)
	}
	return web.View{Name: "calendar.html", Title: "节假日安排", Data: calendarData{Year: year, Days: days, Text: b.String(), Write: len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0}}, nil
}

// calendarSave reads a year's days, one a line: the date, 休 or 班, a note.
func (s *pages) calendarSave(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	year, _ := strconv.Atoi(f.Get("year"))
	again := func() (web.Answer, error) {
		f.Labels = map[string]string{"days": "节假日", "year": "年份"}
		return web.View{Status: http.StatusBadRequest, Name: "calendar.html", Title: "节假日安排", Data: calendarData{Year: year, Text: f.Get("days"), Form: f, Write: true}}, nil
	}
	var days []cppcc.CalendarDay
	for i, line := range strings.Split(f.Get("days"), "\n") {
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		d, err := date.Parse(parts[0])
		if err != nil || len(parts) < 2 || (parts[1] != "休" && parts[1] != "班") {
			f.Errors["days"] = fmt.Sprintf("第 %d 行应为“日期 休(或 班) 说明”,如“2026-10-01 休 国庆节”,收到“%s”", i+1, strings.TrimSpace(line))
			return again()
		}
		days = append(days, cppcc.CalendarDay{Day: d, Off: parts[1] == "休", Note: strings.Join(parts[2:], " ")})
	}
	if _, err := s.Cppcc.SetCalendar(c.R.Context(), c.Scope, year, days); err != nil {
		return web.Refused(c.R, f, err, again)
	}
	return web.Redirect{To: fmt.Sprintf("/cppcc/calendar?year=%d", year), Flash: fmt.Sprintf("已保存%d年的节假日安排", year)}, nil
}
