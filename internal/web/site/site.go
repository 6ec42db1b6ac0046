// Package site puts the pages together: the core's Site (internal/web)
// with the rows of every domain's pages. Arrows: server → site → the
// domains' pages → web.
package site

import (
	"dangjian/internal/web"
	"dangjian/internal/web/consult"
	"dangjian/internal/web/party"
	"dangjian/internal/web/public"
)

// Sections are the domains' rows of the route table, as every Site serves them.
func Sections() []web.Section {
	return []web.Section{public.Routes, party.Routes, consult.Routes}
}
