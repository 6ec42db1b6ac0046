// Package party serves the pages of the Party side: the landing page with
// the figures and the to-do list, organisations and their terms, the
// roster and its import, members and their steps, transfers and letters
// (one by one and in batches), units and coverage, the statistics print,
// the grassroots work records and their summaries, and the 催办 of a due
// item. Arrows: site → party → web (the core: the route table's wrapper,
// forms, pickers, rendering).
package party

import (
	"dangjian/internal/auth"
	"dangjian/internal/web"
)

// pages are the Party side's pages over the site's services.
type pages struct{ *web.Site }

// route is a row of the route table, written as the core's rows are.
type route web.Route

// Routes are the Party side's rows of the route table.
func Routes(s *web.Site) []web.Route {
	p := &pages{s}
	rows := []route{
		{"GET /{$}", auth.PermAuth, 0, p.dashboard},
		{"POST /remind", auth.PermAuth, 0, p.remindAdd},
	}
	var rs []web.Route
	for _, part := range [][]route{rows, p.orgsRoutes(), p.rosterRoutes(), p.membersRoutes(), p.transfersRoutes(), p.unitsRoutes(), p.workRoutes()} {
		for _, rt := range part {
			rs = append(rs, web.Route(rt))
		}
	}
	return rs
}
