package consult

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/duties"
	"dangjian/internal/report"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/web"
)

// The pages of the consultative work: the office's board and a proposal's
// page with the review and assignment forms, a member's proposals with the
// draft, co-signing and evaluation forms, and a handling unit's inbox with
// its objection, opinion, extension and reply forms.
func (s *pages) cppccRoutes() []route {
	return []route{
		{"GET /cppcc", auth.PermCppccRead, 0, s.cppccBoard},
		{"GET /cppcc/export/{table}", auth.PermCppccRead, 0, s.cppccExport},
		{"GET /cppcc/proposals/{id}", auth.PermCppccRead, 0, s.proposalRoute(auth.PermCppccRead, cppcc.ViewOffice)},
		{"POST /cppcc/proposals/{id}/review", auth.PermCppccWrite, 0, s.cppccReview},
		{"POST /cppcc/proposals/{id}/assign", auth.PermCppccWrite, 0, s.cppccAssign},
		{"POST /cppcc/parts/{id}/decide", auth.PermCppccWrite, 0, s.cppccDecide},
		{"POST /cppcc/proposals/{id}/key", auth.PermCppccLead, 0, s.cppccKey},
		{"POST /cppcc/parts/{id}/remind", auth.PermCppccWrite, 0, s.cppccRemind},
		{"GET /cppcc/members", auth.PermCppccRead, 0, s.cppccMembers},
		{"POST /cppcc/members", auth.PermCppccWrite, 0, s.cppccAddMember},
		{"POST /cppcc/members/import", auth.PermCppccWrite, 0, s.cppccImportMembers},
		{"GET /cppcc/activities", auth.PermCppccRead, 0, s.cppccActivities},
		{"POST /cppcc/activities", auth.PermCppccWrite, 0, s.cppccRecordActivity},
		{"GET /cppcc/activities/{id}", auth.PermCppccRead, 0, s.cppccActivity},
		{"POST /cppcc/activities/{id}/instructions", auth.PermCppccWrite, 0, s.cppccInstruction},
		{"GET /cppcc/performance", auth.PermCppccRead, 0, s.cppccPerformance},
		{"POST /cppcc/honours", auth.PermCppccWrite, 0, s.cppccHonour},
		{"GET /cppcc/members/{id}", auth.PermCppccRead, 0, s.cppccMemberRecord},
		{"POST /cppcc/members/{id}/account", auth.PermCppccWrite, 0, s.cppccLinkAccount},
		{"GET /cppcc/my/record", auth.PermCppccSelf, 0, s.cppccMyRecord},
		{"GET /cppcc/my", auth.PermCppccSelf, 0, s.cppccMine},
		{"GET /cppcc/my/new", auth.PermCppccSelf, 0, s.cppccNew},
		{"POST /cppcc/my", auth.PermCppccSelf, 0, s.cppccDraft},
		{"GET /cppcc/my/{id}", auth.PermCppccSelf, 0, s.proposalRoute(auth.PermCppccSelf, cppcc.ViewMember)},
		{"POST /cppcc/my/{id}/{action}", auth.PermCppccSelf, 0, s.cppccMemberAct},
		{"GET /cppcc/proposals/{id}/letters/{file}", auth.PermCppccRead, 0, s.letterRoute(cppcc.ViewOffice)},
		{"GET /cppcc/my/{id}/letters/{file}", auth.PermCppccSelf, 0, s.letterRoute(cppcc.ViewMember)},
		{"GET /cppcc/inbox/{id}/letters/{file}", auth.PermCppccHandle, 0, s.letterRoute(cppcc.ViewUnit)},
		{"GET /cppcc/inbox", auth.PermCppccHandle, 0, s.cppccInbox},
		{"GET /cppcc/inbox/{id}", auth.PermCppccHandle, 0, s.proposalRoute(auth.PermCppccHandle, cppcc.ViewUnit)},
		{"POST /cppcc/parts/{id}/{action}", auth.PermCppccHandle, 0, s.cppccUnitAct},
		{"GET /cppcc/pick/members", auth.PermCppccSelf, 0, s.pickCoSigners},
		{"GET /cppcc/pick/units", auth.PermCppccWrite, 0, s.pickUnits},
	}
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
	Tabs       []web.Tab
	List       store.List[cppcc.Proposal]
	// Late are the parts past their date, the 逾期 tab's list.
	Late  store.List[cppcc.LatePart]
	Pager web.Pager
	Write bool
	// State and OverdueTab are the list's filter, for its export.
	State      string
	OverdueTab bool
	Months     monthsChip
	// Done is the late part just urged (催办), whose row shows the banner.
	Done int64
}

// FlashRow tells whether the list holds the late part just urged.
func (d boardData) FlashRow() bool {
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

func (s *pages) cppccBoard(c *web.Call) (web.Answer, error) {
	r, sc := c.R, c.Scope
	var d boardData
	cm, err := s.Cppcc.CommitteeOf(r.Context(), sc)
	if q := web.QueryID(r, "committee"); q != 0 {
		cm, err = s.Cppcc.Committee(r.Context(), sc, q)
	}
	if err != nil {
		return nil, err
	}
	year := s.boardYear(r)
	f, err := s.Cppcc.Figures(r.Context(), sc, cm.ID, cppcc.Period{From: year*100 + 1, To: year*100 + 12}, true)
	if err != nil {
		return nil, err
	}
	d.Committee, d.Period, d.Units, d.Overdue, d.Submitted = cm, fmt.Sprintf("%d年", year), f.Units, f.Overdue, f.Counts["submitted"]
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
		d.Tabs = append(d.Tabs, web.Tab{Href: "/cppcc?state=" + t.state, Label: t.label, Active: t.state == state && !overdue})
	}
	d.Tabs = append(d.Tabs, web.Tab{Href: "/cppcc?overdue=1", Label: fmt.Sprintf("逾期(%d)", f.Overdue), Active: overdue})
	pg := web.PageOf(r)
	d.Months = listMonths(r)
	if overdue {
		d.Late, err = s.Cppcc.LateParts(r.Context(), sc, cm.ID, pg)
		d.Pager = web.NewPager(r, d.Late.Total, pg)
	} else {
		d.List, err = s.Cppcc.List(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: cm.ID, State: state, Key: r.URL.Query().Get("key") == "1",
			Q: r.URL.Query().Get("q"), Months: d.Months.Period}, pg)
		d.Pager = web.NewPager(r, d.List.Total, pg)
	}
	if err != nil {
		return nil, err
	}
	d.Write = len(c.ID.ScopesFor(auth.PermCppccWrite)) > 0
	d.State, d.OverdueTab, d.Done = state, overdue, web.QueryID(r, "done")
	return web.View{Name: "cppccboard.html", Title: d.Committee.Name + " · 提案工作", Data: d}, nil
}

// cppccExport downloads the board's lists as an office hands them in: the
// 提案目录 of the board's filter, or the year's 办理情况统计表.
func (s *pages) cppccExport(c *web.Call) (web.Answer, error) {
	r, sc := c.R, c.Scope
	table := r.PathValue("table")
	if table != "catalogue" && table != "units" && table != "performance" && table != "members" {
		return nil, apperr.NotFound("页面")
	}
	cm, err := s.Cppcc.CommitteeOf(r.Context(), sc)
	if q := web.QueryID(r, "committee"); q != 0 {
		cm, err = s.Cppcc.Committee(r.Context(), sc, q)
	}
	if err != nil {
		return nil, err
	}
	workbook := func(name string, write func(io.Writer) error) (web.Answer, error) {
		return web.Download{Name: name, ContentType: web.XlsxType, Stream: true, Write: write}, nil
	}
	if table == "catalogue" {
		state, _ := cppcc.States.Parse(r.URL.Query().Get("state"))
		rows, err := s.Cppcc.Catalogue(r.Context(), sc, cppcc.ViewOffice, cppcc.Filter{CommitteeID: cm.ID, State: state, Overdue: r.URL.Query().Get("overdue") == "1"})
		if err != nil {
			return nil, err
		}
		return workbook(cm.Name+"提案目录.xlsx", func(x io.Writer) error {
			return spreadsheet.WriteTable(x, "提案目录", cm.Name+"提案目录(共"+strconv.Itoa(len(rows))+"件)", cppcc.CatalogueHead, rows)
		})
	}
	if table == "members" {
		l, err := s.Cppcc.Members(r.Context(), sc, cm.ID, "", store.Page{Size: store.MaxSize * store.MaxPage})
		if err != nil {
			return nil, err
		}
		return workbook(cm.Name+"委员名单.xlsx", func(x io.Writer) error {
			return spreadsheet.WriteTable(x, "委员名单", cm.Name+"委员名单(共"+strconv.FormatInt(l.Total, 10)+"人,电话已遮盖,原样导入时保留系统中的电话)", committee.MembersHead, committee.MembersTable(l.Items))
		})
	}
	year := s.boardYear(r)
	if table == "performance" {
		lines, err := s.Cppcc.Duties.Ranking(r.Context(), sc, cm.ID, year)
		if err != nil {
			return nil, err
		}
		return workbook(fmt.Sprintf("%s%d年委员履职情况表.xlsx", cm.Name, year), func(x io.Writer) error {
			return spreadsheet.WriteTable(x, "履职情况", fmt.Sprintf("%s%d年委员履职情况表(按积分排名)", cm.Name, year), duties.RankHead, duties.RankTable(lines))
		})
	}
	f, err := s.Cppcc.Figures(r.Context(), sc, cm.ID, cppcc.Period{From: year*100 + 1, To: year*100 + 12}, true)
	if err != nil {
		return nil, err
	}
	return workbook(fmt.Sprintf("%s%d年提案办理情况统计表.xlsx", cm.Name, year), func(x io.Writer) error {
		return spreadsheet.WriteTable(x, "办理情况", fmt.Sprintf("%s%d年提出的提案办理情况统计表(逾期未办为截至今天)", cm.Name, year), cppcc.UnitsHead, cppcc.UnitsTable(f))
	})
}

// boardYear is the year the board shows: the query's, or this year.
func (s *pages) boardYear(r *http.Request) int {
	if y, _ := strconv.Atoi(r.URL.Query().Get("year")); y >= 1990 && y <= 2100 {
		return y
	}
	return s.Cppcc.Today().Year()
}

// letterRoute downloads a reply letter of a proposal the caller reaches from view.
func (s *pages) letterRoute(view cppcc.View) web.Handler {
	return s.fileRoute(false, func(ctx context.Context, sc store.Scope, pid, file int64) (cppcc.File, []byte, error) {
		return s.Cppcc.Letter(ctx, sc, view, pid, file)
	})
}

// fileRoute downloads a file of the object of the path's id ({file} in the
// path), read by fn within the route's scope; shown, a PDF or a photo
// opens in the browser (in a sandbox), any other file is saved.
func (s *pages) fileRoute(shown bool, fn func(ctx context.Context, sc store.Scope, id, file int64) (cppcc.File, []byte, error)) web.Handler {
	return func(c *web.Call) (web.Answer, error) {
		oid, err := web.PathID(c.R)
		if err != nil {
			return nil, err
		}
		f, data, err := fn(c.R.Context(), c.Scope, oid, web.ParseID(c.R.PathValue("file")))
		if err != nil {
			return nil, err
		}
		if shown {
			return web.FileShown(f.Name, f.Type, data), nil
		}
		return web.FileDownload(f.Name, data), nil
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

// badForm is a page shown again, status 400, for a form refused before it
// reached the service (a date that is no date, no file chosen).
func badForm(v web.View, err error) (web.Answer, error) {
	v.Status = http.StatusBadRequest
	return v, err
}
