package web

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
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

// TestRosterTellsTwinsApart: two people of one name are marked 同名 and
// each shows the parents of their branch; the pager jumps to a page.
func TestRosterTellsTwinsApart(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	orgs := b.mem.Orgs
	root := int64(1)
	mk := func(parent int64, name, typ string) int64 {
		o, err := orgs.Create(ctx, store.All, org.Input{ParentID: &parent, Name: &name, Type: &typ})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	a := mk(mk(root, "东城街道党工委", "working_committee"), "东城第一党支部", "branch")
	c := mk(mk(root, "西城街道党工委", "working_committee"), "西城第一党支部", "branch")
	for i, o := range []int64{a, c} {
		first := fmt.Sprintf("32010219850315%d21", i)
		idn := first + string(cnid.CheckChar(first))
		name, eth, stage, edu := "蔡强", "汉族", "full", "bachelor"
		j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
		if _, err := b.mem.Create(ctx, store.All, member.Input{OrgID: &o, Name: &name, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &f}); err != nil {
			t.Fatal(err)
		}
	}
	_, page := b.get("/members")
	if strings.Count(page, ">同名</span>") != 2 || !strings.Contains(page, "东城街道党工委</small>") || !strings.Contains(page, "西城街道党工委</small>") {
		t.Fatalf("the roster:\n%s", page)
	}
}
