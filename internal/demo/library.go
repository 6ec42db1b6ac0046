package demo

import (
	"context"
	"strconv"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/date"
	"dangjian/internal/library"
	"dangjian/internal/org"
	"dangjian/internal/report"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// Library fills the experience library with documents the system wrote
// itself from the demo data: the year's work summary of the city and of
// each organisation two levels below it (its streets and their
// committees), drafted from the live figures as the summary page drafts
// them, published as 工作总结. It returns how many it published.
func Library(ctx context.Context, a *app.App, root org.Org, now time.Time) (int, error) {
	lib := a.Library
	today := date.Of(now)
	from, to := work.Period("", "", today)
	list := []org.Org{root}
	children, err := a.Orgs.Children(ctx, store.All, root.ID)
	if err != nil {
		return 0, err
	}
	for _, c := range children {
		list = append(list, c)
		below, err := a.Orgs.Children(ctx, store.All, c.ID)
		if err != nil {
			return 0, err
		}
		for _, b := range below {
			if b.Type != "branch" {
				list = append(list, b)
			}
		}
	}
	n := 0
	for i, o := range list {
		m, err := stats.Read(ctx, lib.DB, o.Path)
		if err != nil {
			return n, err
		}
		lines := work.Summarize(m, from, to)
		figs := report.Figures(strconv.FormatInt(o.ID, 10), stats.NewView(o.ID, m, today.Year()), lines, from, to)
		s := report.Draft(o.Name, from, to, "党建工作总结", report.Templates(lines), nil)
		see := "system"
		if i%3 == 2 {
			see = "subtree" // some kept to their own line
		}
		if _, err := lib.Publish(ctx, store.All, library.Input{OrgID: o.ID, Kind: "summary", Title: s.Title, Body: report.Text(s, figs),
			Tags: []string{"工作总结", from[:4] + "年"}, Visibility: see}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
