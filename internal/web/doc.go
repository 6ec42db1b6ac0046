// Package web is the core of the pages people read in a browser: the Site
// over the services, its route table and the wrapper every row is served
// through (Site.serve), the answers, rendering of the one set of embedded
// templates and static files (no asset comes from outside), forms,
// pickers, paging, the layout, sign-in and password, help, the to-do
// list, the summaries' machinery and the account pages. The domains'
// pages are packages below it that import it (internal/web/party,
// consult, public); internal/web/site hands their rows to the Site as
// Sections. Arrows: server → site → party/consult/public → web.
//
// Pages are rendered on the server with html/template and read without
// JavaScript: figures stand in tables beside the charts (drawn by
// static/app.js from a JSON block the CSP allows), tree nodes are links. A
// page handler receives the caller's scope and returns a view, a redirect
// or an error; forms post back, a refused form comes back filled in with
// each message beside its field, and every form carries the anti-forgery
// token. The to-do counts run the very queries their links open, so a
// count equals its list; the header's count is kept per user for 30 s or
// until a figure changes (stats.Changes). Pickers carry ids checked
// against the picker's scope on the server, and no page shows an input for
// an internal number (the page matrix checks it); below 640 px tables
// become cards.
package web
