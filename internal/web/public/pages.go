// Package public serves the pages open without an account (a committee's
// mailboxes, a letter followed by its receipt code, the forum, the
// library's public documents) and the experience library's pages of the
// signed-in. Arrows: site → public → web (the core: the route table's
// wrapper, forms, pickers, rendering).
package public

import "dangjian/internal/web"

// pages are the public and the library's pages over the site's services.
type pages struct{ *web.Site }

// route is a row of the route table, written as the core's rows are.
type route web.Route

// Routes are the public and the library's rows of the route table.
func Routes(s *web.Site) []web.Route {
	p := &pages{s}
	var rs []web.Route
	for _, part := range [][]route{p.publicRoutes(), p.publicLibraryRoutes(), p.libraryRoutes()} {
		for _, rt := range part {
			rs = append(rs, web.Route(rt))
		}
	}
	return rs
}
