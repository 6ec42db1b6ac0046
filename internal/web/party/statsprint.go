package party

import (
	"strconv"

	"dangjian/internal/stats/tables"
	"dangjian/internal/web"
)

// statsTables are the statistics tables a page prints, by their key.
var statsTables = []struct{ key, label string }{{"members", "党员队伍基本情况"}, {"changes", "党员增减"}, {"development", "发展党员"},
	{"orgs", "党组织增减"}, {"mobile", "流动党员"}, {"work", "基层工作"}, {"coverage", "单位与党组织覆盖"}}

type statsPrintData struct {
	T         tables.StatsTable
	L         tables.StatsLayout
	Heads     []tables.Heading
	Sub       []string   // the second heading row: the columns of the grouped headings
	Rows      [][]string // a line's name, then its figures
	Tabs      []web.Tab
	Export    string
	Workbook  string
	PrintedOn string
	// Period is the months of a table of the period (empty for the others).
	Period *statsPeriod
}

// statsPeriod is the period a table of the period is read for, as its form shows it.
type statsPeriod struct{ Table, From, To string }

// statsPrint lays out one statistics table of an organisation for paper:
// the organisation's name and the table's title, the date or period, the
// total, each child and 本级, as the Excel export has them.
func (s *pages) statsPrint(c *web.Call) (web.Answer, error) {
	r := c.R
	oid, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	key := q.Get("table")
	today := s.Work.Today()
	var d statsPrintData
	export := "/api/v1/orgs/" + web.Itoa(oid) + "/stats/export"
	days := tables.DaysOf(q.Get("from"), q.Get("to"), today)
	months := "from=" + days.From.String()[:7] + "&to=" + days.To.String()[:7]
	d.Workbook = "/api/v1/orgs/" + web.Itoa(oid) + "/annual/export?" + months
	read := func() (tables.StatsTable, error) {
		return tables.ReadStats(r.Context(), s.DB, s.Orgs, c.Scope, oid)
	}
	for _, a := range tables.AnnualLayouts(days) {
		if a.Key == key {
			d.L, export = a.Layout, d.Workbook
			d.Period = &statsPeriod{key, days.From.String()[:7], days.To.String()[:7]}
			read = func() (tables.StatsTable, error) {
				return tables.ReadAnnual(r.Context(), s.DB, s.Orgs, c.Scope, oid, days)
			}
		}
	}
	switch {
	case d.Period != nil:
	case key == "work":
		d.L, export = tables.WorkLayout(q.Get("from"), q.Get("to"), today), "/api/v1/orgs/"+web.Itoa(oid)+"/work/export"
	case key == "coverage":
		d.L, export = tables.CoverageLayout(today), "/api/v1/orgs/"+web.Itoa(oid)+"/coverage/export"
	default:
		key = "members"
		year, _ := strconv.Atoi(q.Get("year"))
		d.L = tables.MembersLayout(year, today)
	}
	if d.T, err = read(); err != nil {
		return nil, err
	}
	d.Heads, d.Export, d.PrintedOn = d.L.Headings(), export, today.Chinese()
	for _, h := range d.Heads {
		if !h.Alone {
			for k := h.First; k <= h.Last; k++ {
				d.Sub = append(d.Sub, d.L.Columns[k].Label)
			}
		}
	}
	for _, line := range d.T.Lines {
		d.Rows = append(d.Rows, append([]string{line.Name}, d.L.Cells(line.Figures)...))
	}
	for _, t := range statsTables {
		d.Tabs = append(d.Tabs, web.Tab{Key: t.key, Label: t.label, Href: "/orgs/" + web.Itoa(oid) + "/stats/print?table=" + t.key + "&" + months, Active: t.key == key})
	}
	return web.View{Name: "statsprint.html", Title: d.T.Org.Name + d.L.Title, Data: d}, nil
}
