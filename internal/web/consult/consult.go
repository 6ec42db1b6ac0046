// Package consult serves the pages of the consultative work (政协): the
// office's board and a proposal's steps, the members' and the handling
// units' pages, the committee's setup, activities, 简报 and honours, the
// entry of the proposals of parties and groups, the letters and 信访
// cases of the public channel, 社情民意 and the forum's moderation, the
// committee's summary and letters. Arrows: site → consult → web (the
// core: the route table's wrapper, forms, pickers, rendering).
package consult

import "dangjian/internal/web"

// pages are the consultative pages over the site's services.
type pages struct{ *web.Site }

// route is a row of the route table, written as the core's rows are.
type route web.Route

// Routes are the consultative pages' rows of the route table.
func Routes(s *web.Site) []web.Route {
	p := &pages{s}
	var rs []web.Route
	for _, part := range [][]route{p.cppccRoutes(), p.cppccSetupRoutes(), p.casesRoutes(), p.cppccSummaryRoutes(), p.briefRoutes(), p.entryRoutes()} {
		for _, rt := range part {
			rs = append(rs, web.Route(rt))
		}
	}
	return rs
}
