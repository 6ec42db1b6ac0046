package web

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/date"
)

// TestTermsDue: organisations whose term ends within 90 days, or has
// ended, are on the to-do list with the count of the list it opens; a
// refused term is named in the banner at the top of the form.
func TestTermsDue(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/")
	root := regexp.MustCompile(`href="/orgs/(\d+)/new"`).FindStringSubmatch(page)
	if root == nil {
		t.Fatal("no 新建下级组织 on the dashboard")
	}
	today := date.Of(time.Now())
	for _, o := range []struct{ name, elected string }{
		{"甲党委", today.AddYears(-5).AddDate(0, 0, 30).String()},  // ends in 30 days
		{"乙党委", today.AddYears(-5).AddDate(0, 0, -10).String()}, // ended 10 days ago
		{"丙党委", today.AddYears(-2).String()},                    // three years to go
	} {
		code, _ := b.post("/orgs/"+root[1]+"/new", url.Values{"csrf": {csrfOf(page)}, "name": {o.name}, "type": {"committee"},
			"term_years": {"5"}, "elected_on": {o.elected}})
		if code != 200 {
			t.Fatalf("create %s: %d", o.name, code)
		}
	}
	// A term of nine years is refused; the banner names the field and links to it.
	code, refused := b.post("/orgs/"+root[1]+"/new", url.Values{"csrf": {csrfOf(page)}, "name": {"丁党委"}, "type": {"committee"}, "term_years": {"9"}})
	if code != 400 || !strings.Contains(refused, `id="error-banner"`) || !strings.Contains(refused, `<a href="#term_years">任期(年):每届任期应为1至5年`) {
		t.Fatalf("refused term: %d\n%s", code, refused)
	}
	if !strings.Contains(refused, `value="丁党委"`) {
		t.Fatal("the refused form lost the name")
	}

	_, todo := b.get("/todo")
	line := regexp.MustCompile(`<a href="(/orgs/terms\?org=\d+)"><b class="todo-n">(\d+)</b> <span class="todo-label">90日内任期届满或已到期的党组织`).FindStringSubmatch(todo)
	if line == nil || line[2] != "2" {
		t.Fatalf("to-do: %v\n%s", line, todo)
	}
	_, list := b.get(html.UnescapeString(line[1]))
	if !strings.Contains(list, "共 2 条") || !strings.Contains(list, "甲党委") || !strings.Contains(list, "乙党委") || strings.Contains(list, "丙党委") {
		t.Fatalf("the list the to-do opens:\n%s", list)
	}
	if i, j := strings.Index(list, "乙党委"), strings.Index(list, "甲党委"); i > j || !strings.Contains(list, "已超期") {
		t.Fatal("the overdue organisation is not first, marked 已超期")
	}
	_, header := b.get("/orgs")
	if !strings.Contains(header, `id="todo-count"`) {
		t.Fatal("no to-do count in the header")
	}

	// The export opens back with the same two organisations.
	res, err := b.c.Get(b.srv.URL + "/orgs/terms/export?org=" + root[1])
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	x, err := excelize.OpenReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	var names []string
	for _, r := range rows {
		if len(r) > 7 && (r[1] == "甲党委" || r[1] == "乙党委") {
			names = append(names, r[1]+r[7])
		}
	}
	if strings.Join(names, ",") != "乙党委已超期,甲党委即将届满" {
		t.Fatalf("exported: %v (rows %v)", names, rows)
	}
}
