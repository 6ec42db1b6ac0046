package web

import (
	"html/template"
	"testing"
)

// MaxForm is the largest form a page takes.
const MaxForm = maxForm

// BreakTemplate replaces the template name by text for the test's duration.
func BreakTemplate(t testing.TB, name, text string) {
	saved := pages
	t.Cleanup(func() { pages = saved })
	broken := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	template.Must(broken.New(name).Parse(text))
	pages = broken
}
