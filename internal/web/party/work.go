package party

import (
	"io"
	"net/http"
	"strings"

	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/web"
	"dangjian/internal/work"
)

// The grassroots work pages: the index with the period's figures and their
// comparison (downloaded as .xlsx too), a record's attachment, the branches
// no one is linked to; a kind's list (worklist.go), a record's page
// (workrecord.go) and their forms (workform.go).
func (s *pages) workRoutes() []route {
	return []route{
		{"GET /work", auth.PermWorkRead, 0, s.workIndex},
		{"GET /work/compare/export", auth.PermWorkRead, 0, s.workCompareExport},
		{"GET /reports/summary", auth.PermWorkRead, 0, s.SummaryPage(s.summaryOf)},
		{"POST /reports/summary", auth.PermWorkRead, 0, s.SummaryPage(s.summaryOf)},
		{"POST /reports/summary/docx", auth.PermWorkRead, 0, s.SummaryDocx(s.summaryOf)},
		{"POST /reports/summary/draft", auth.PermWorkWrite, 0, s.SummaryDraft(s.summaryOf)},
		{"POST /reports/summary/publish", auth.PermWorkWrite, 0, s.SummaryPublish(s.summaryOf)},
		{"GET /reports/templates", auth.PermWorkRead, 0, s.reportTemplates},
		{"POST /reports/templates", auth.PermWorkWrite, 0, s.reportTemplates},
		{"GET /work/unlinked", auth.PermWorkRead, 0, s.workUnlinked},
		{"GET /work/{kind}", auth.PermWorkRead, 0, s.workList},
		{"POST /work/{kind}", auth.PermWorkWrite, 0, s.workCreate},
		{"GET /work/{kind}/export", auth.PermWorkRead, 0, s.workExport},
		{"GET /work/{kind}/{id}", auth.PermWorkRead, 0, s.workRecord},
		{"POST /work/{kind}/{id}", auth.PermWorkWrite, 0, s.workUpdate},
		{"POST /work/{kind}/{id}/delete", auth.PermWorkWrite, 0, s.workDelete},
		{"POST /work/{kind}/{id}/act/{action}", auth.PermWorkWrite, 0, s.workAct},
		{"GET /attachments/{id}", auth.PermWorkRead, 0, s.attachment},
	}
}

// workSummary is the work block of an organisation's page and of the work index.
type workSummary struct {
	OrgID    int64
	From, To string
	Groups   []work.Group
	Live     work.Live
}

// summary reads the work figures of an organisation for the months from..to.
func (s *pages) summary(r *http.Request, sc store.Scope, o org.Org, from, to string) (workSummary, error) {
	from, to = work.Period(from, to, s.Work.Today())
	ws := workSummary{OrgID: o.ID, From: from, To: to}
	m, err := stats.Read(r.Context(), s.DB, o.Path)
	if err != nil {
		return ws, err
	}
	ws.Groups = work.GroupLines(work.Summarize(m, from, to))
	ws.Live, err = s.Work.LiveFigures(r.Context(), sc, o.ID)
	return ws, err
}

type kindLink struct {
	Name, Label, Group string
}

type workIndexData struct {
	Org     org.Org
	Summary workSummary
	Kinds   []kindLink
	// Compared are the period's figures beside the period before and a year earlier.
	Compared []compareRow
	Periods  work.Periods
}

// compareRow is a line of the comparison as the page shows it.
type compareRow struct {
	Group, Label, Unit, Kind, View string
	Now, Prev, Year                string
	PrevDiff, PrevPct              string
	YearDiff, YearPct              string
}

// compared reads an organisation's figures and compares the months from..to.
func (s *pages) compared(r *http.Request, o org.Org, from, to string) ([]compareRow, work.Periods, error) {
	m, err := stats.Read(r.Context(), s.DB, o.Path)
	if err != nil {
		return nil, work.Periods{}, err
	}
	lines, p := work.Compare(m, from, to)
	return compareRows(lines), p, nil
}

// workCompareExport downloads the comparison of the work page as .xlsx.
func (s *pages) workCompareExport(c *web.Call) (web.Answer, error) {
	r := c.R
	o, err := s.workOrg(r, c.Scope)
	if err != nil {
		return nil, err
	}
	from, to := work.Period(r.URL.Query().Get("from"), r.URL.Query().Get("to"), s.Work.Today())
	rows, p, err := s.compared(r, o, from, to)
	if err != nil {
		return nil, err
	}
	title := o.Name + "基层工作统计比较(本期" + p.From + "至" + p.To + ",上期" + p.PrevFrom + "至" + p.PrevTo + ",去年同期" + p.YearFrom + "至" + p.YearTo + ")"
	var out [][]any
	for _, row := range rows {
		out = append(out, []any{row.Label, row.Now, row.Prev, strings.TrimSpace(row.PrevDiff + " " + row.PrevPct), row.Year, strings.TrimSpace(row.YearDiff + " " + row.YearPct), row.Unit})
	}
	return web.Download{Name: o.Name + "基层工作比较.xlsx", ContentType: web.XlsxType, Stream: true, Write: func(x io.Writer) error {
		return spreadsheet.WriteTable(x, "比较", title, []string{"项目", "本期", "上期", "比上期", "去年同期", "同比", "单位"}, out)
	}}, nil
}

// compareRows lays out the period lines of a comparison, money in yuan.
func compareRows(lines []work.Comparison) []compareRow {
	var out []compareRow
	show := func(unit string, n int64) string {
		if unit == "元" {
			return work.Yuan(n)
		}
		return work.Grouped(n)
	}
	for _, c := range lines {
		if !c.Period {
			continue
		}
		unit := c.Unit
		if unit == "万元" {
			unit = "元" // compared to the fen, in yuan
		}
		row := compareRow{Group: c.Group, Label: c.Label, Unit: unit, Kind: c.Kind, View: c.View,
			Now: show(unit, c.Value), Prev: show(unit, c.Prev), Year: show(unit, c.YearAgo)}
		row.PrevDiff, row.PrevPct = work.Change(c.Value, c.Prev)
		row.YearDiff, row.YearPct = work.Change(c.Value, c.YearAgo)
		if unit == "元" {
			row.PrevDiff, row.YearDiff = signedYuan(c.Value-c.Prev), signedYuan(c.Value-c.YearAgo)
		}
		out = append(out, row)
	}
	return out
}

func signedYuan(fen int64) string {
	if fen > 0 {
		return "+" + work.Yuan(fen)
	}
	return work.Yuan(fen)
}

// workOrg is the organisation a work page is about: ?org=, or the top of the caller's scope.
func (s *pages) workOrg(r *http.Request, sc store.Scope) (org.Org, error) {
	oid, err := s.OrgFromQuery(r, sc)
	if err != nil {
		return org.Org{}, err
	}
	return s.Orgs.GetOrTop(r.Context(), sc, oid)
}

// workIndex shows the work figures of a subtree for a period and the record sections.
func (s *pages) workIndex(c *web.Call) (web.Answer, error) {
	r := c.R
	var d workIndexData
	var err error
	if d.Org, err = s.workOrg(r, c.Scope); err != nil {
		return nil, err
	}
	if d.Summary, err = s.summary(r, c.Scope, d.Org, r.URL.Query().Get("from"), r.URL.Query().Get("to")); err != nil {
		return nil, err
	}
	if d.Compared, d.Periods, err = s.compared(r, d.Org, d.Summary.From, d.Summary.To); err != nil {
		return nil, err
	}
	for _, k := range work.Kinds {
		if k.Parent == "" {
			d.Kinds = append(d.Kinds, kindLink{k.Name, k.Label, k.Group})
		}
	}
	return web.View{Name: "work.html", Title: "基层工作", Data: d}, nil
}

// attachment serves a file as a download, never shown in the page.
func (s *pages) attachment(c *web.Call) (web.Answer, error) {
	aid, err := web.PathID(c.R)
	if err != nil {
		return nil, err
	}
	a, data, err := s.Work.Download(c.R.Context(), c.Scope, aid)
	if err != nil {
		return nil, err
	}
	return web.FileDownload(a.Name, data), nil
}

type unlinkedData struct {
	Org   org.Org
	List  store.List[work.Branch]
	Pager web.Pager
}

// workUnlinked lists the branches no committee member or instructor is linked to.
func (s *pages) workUnlinked(c *web.Call) (web.Answer, error) {
	var d unlinkedData
	p := web.PageOf(c.R)
	var err error
	if d.Org, err = s.workOrg(c.R, c.Scope); err != nil {
		return nil, err
	}
	if d.List, err = s.Work.Unlinked(c.R.Context(), c.Scope, d.Org.ID, p); err != nil {
		return nil, err
	}
	d.Pager = web.NewPager(c.R, d.List.Total, p)
	return web.View{Name: "unlinked.html", Title: "无人联系的党支部", Data: d}, nil
}
