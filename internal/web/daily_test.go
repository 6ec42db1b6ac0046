package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/audit"
	"dangjian/internal/auditview"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/report/docxtest"
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
	rows := sheetOf(t)(b.c.Get(b.srv.URL + "/orgs/terms/export?org=" + root[1]))
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
	// The filter's picker, typed without the script: the organisation its text names.
	_, east := b.get("/members?org_q=" + url.QueryEscape("东城第一党支部"))
	if strings.Count(east, `aria-label="选择 蔡强"`) != 1 || !strings.Contains(east, `value="东城第一党支部"`) {
		t.Fatalf("the roster of 东城第一党支部:\n%s", east)
	}
	if _, vague := b.get("/members?org_q=" + url.QueryEscape("第一党支部")); !strings.Contains(vague, "没有找到唯一的党组织") {
		t.Fatal("a text naming two organisations is not told so")
	}
	_, page := b.get("/members")
	if strings.Count(page, ">同名</span>") != 2 || !strings.Contains(page, "东城街道党工委</small>") || !strings.Contains(page, "西城街道党工委</small>") {
		t.Fatalf("the roster:\n%s", page)
	}
}

// TestRosterBatch: people ticked on the roster are exported alone, or
// issued letters in one go; with the receiving organisation in the
// caller's scope and 同时接收 ticked, they move. A form sent without a
// destination comes back with the ticks kept.
func TestRosterBatch(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	orgs := b.mem.Orgs
	root := int64(1)
	mk := func(name string) int64 {
		typ := "branch"
		o, err := orgs.Create(ctx, store.All, org.Input{ParentID: &root, Name: &name, Type: &typ})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	from, to := mk("东城第一党支部"), mk("东城第二党支部")
	var ids []string
	for i, name := range []string{"赵一", "钱二", "孙三"} {
		first := fmt.Sprintf("32010219800101%d31", i)
		idn := first + string(cnid.CheckChar(first))
		eth, stage, edu := "汉族", "full", "bachelor"
		j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
		m, err := b.mem.Create(ctx, store.All, member.Input{OrgID: &from, Name: &name, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &f})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strconv.FormatInt(m.ID, 10))
	}
	_, page := b.get(fmt.Sprintf("/members?org=%d", from))
	token := csrfOf(page)
	// Without a destination: refused, the ticks kept.
	code, back := b.post(fmt.Sprintf("/members/batch?org=%d", from), url.Values{"csrf": {token}, "op": {"letters"}, "m": {ids[0], ids[1]}})
	if code != 400 || !strings.Contains(back, "请选择接收的党组织") || strings.Count(back, `form="batch" aria-label="选择 `) != 3 ||
		!strings.Contains(back, `value="`+ids[0]+`" form="batch" aria-label="选择 赵一" checked`) || strings.Contains(back, `aria-label="选择 孙三" checked`) {
		t.Fatalf("refused batch: %d\n%s", code, back)
	}
	// The selection alone is exported.
	rows := sheetOf(t)(b.c.PostForm(b.srv.URL+fmt.Sprintf("/members/batch?org=%d", from), url.Values{"csrf": {token}, "op": {"export"}, "m": {ids[0], ids[2]}}))
	var names []string
	for _, r := range rows[2:] {
		names = append(names, r[1])
	}
	if strings.Join(names, ",") != "孙三,赵一" && strings.Join(names, ",") != "赵一,孙三" {
		t.Fatalf("exported %v", names)
	}
	// Letters to a branch of the caller's, received at once: the two move.
	code, out := b.post(fmt.Sprintf("/members/batch?org=%d", from), url.Values{"csrf": {token}, "op": {"letters"}, "m": {ids[0], ids[1]},
		"to_org_id": {strconv.FormatInt(to, 10)}, "to_q": {"东城第二党支部"}, "receive": {"1"}, "reason": {"支部调整"}})
	if code != 200 || !strings.Contains(out, "已为 2 人开具介绍信,其中 2 人已同时接收") {
		t.Fatalf("batch letters: %d\n%s", code, out)
	}
	l, err := b.mem.List(ctx, store.All, member.Filter{OrgID: to}, store.Page{})
	if err != nil || l.Total != 2 {
		t.Fatalf("the receiving branch has %d: %v", l.Total, err)
	}
}

// TestAuditByOrganisation: the trail filtered by an organisation keeps the
// entries about it and those below it, no sibling's; an entry names its object.
func TestAuditByOrganisation(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	orgs := b.mem.Orgs
	mk := func(parent int64, name string) org.Org {
		typ := "committee"
		o, err := orgs.Create(ctx, store.All, org.Input{ParentID: &parent, Name: &name, Type: &typ})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a := mk(1, "甲区委")
	mk(a.ID, "甲区某街道党工委")
	mk(1, "乙区委")
	l, err := audit.List(ctx, b.mem.DB, store.All, audit.Filter{OrgID: a.ID, Action: "create"}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range l.Items {
		names = append(names, auditview.RowOf(e).ObjectName)
	}
	if strings.Join(names, ",") != "甲区某街道党工委,甲区委" {
		t.Fatalf("the trail of 甲区委's subtree names %v", names)
	}
}

// TestStatsPrint: the printed table has the two rows of headings and its
// total line equals the sum of the lines below it, column by column.
func TestStatsPrint(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	root := int64(1)
	for i, name := range []string{"南城第一党支部", "南城第二党支部"} {
		typ := "branch"
		o, err := b.mem.Orgs.Create(ctx, store.All, org.Input{ParentID: &root, Name: &name, Type: &typ})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k <= i; k++ {
			first := fmt.Sprintf("32010219800101%d%d1", i, k)
			idn := first + string(cnid.CheckChar(first))
			n, eth, stage, edu := fmt.Sprintf("党员%d%d", i, k), "汉族", "full", "bachelor"
			j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
			if _, err := b.mem.Create(ctx, store.All, member.Input{OrgID: &o.ID, Name: &n, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &f}); err != nil {
				t.Fatal(err)
			}
		}
	}
	code, page := b.get("/orgs/1/stats/print")
	if code != 200 || !strings.Contains(page, "滨江市委党员队伍基本情况统计表") || !strings.Contains(page, `rowspan="2">党组织</th>`) {
		t.Fatalf("print: %d\n%s", code, page)
	}
	if lines := printedLines(t, page); len(lines) != 4 || lines[0][0] != 3 {
		t.Fatalf("lines %v", lines)
	}
	// A member admitted this year: the year's table of changes has the three at its start, one admitted, four at its end.
	first := "320102200001011231"
	idn, n, eth, stage, edu := first[:17]+string(cnid.CheckChar(first[:17])), "新党员", "汉族", "probationary", "bachelor"
	j := date.New(2026, 3, 1)
	branch := int64(2)
	if _, err := b.mem.Create(ctx, store.All, member.Input{OrgID: &branch, Name: &n, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, JoinedOn: &j}); err != nil {
		t.Fatal(err)
	}
	code, page = b.get("/orgs/1/stats/print?table=changes&from=2026-01&to=2026-12")
	if code != 200 || !strings.Contains(page, "滨江市委党员增减情况统计表") || !strings.Contains(page, "2026年1月1日") ||
		!strings.Contains(page, "/api/v1/orgs/1/annual/export?from=2026-01&amp;to=2026-12") {
		t.Fatalf("changes: %d\n%s", code, page)
	}
	if lines := printedLines(t, page); len(lines) != 4 || lines[0][0] != 3 || lines[0][1] != 1 || lines[0][2] != 1 || lines[0][len(lines[0])-1] != 4 || lines[1][2] != 1 {
		t.Fatalf("changes lines %v", lines)
	}
}

// printedLines reads the figures of a printed table, line by line, and
// checks that the lines below the total add up to it column by column.
func printedLines(t *testing.T, page string) [][]int {
	t.Helper()
	body := page[strings.Index(page, "<tbody>"):strings.Index(page, "</tbody>")]
	cell := regexp.MustCompile(`<td class="num">([\d,.]+)</td>`)
	var lines [][]int
	for _, tr := range strings.Split(body, "</tr>") {
		var nums []int
		for _, m := range cell.FindAllStringSubmatch(tr, -1) {
			n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
			nums = append(nums, n)
		}
		if len(nums) > 0 {
			lines = append(lines, nums)
		}
	}
	for c := range lines[0] {
		sum := 0
		for _, l := range lines[1:] {
			sum += l[c]
		}
		if sum != lines[0][c] {
			t.Fatalf("column %d: total %d, lines add to %d (%v)", c, lines[0][c], sum, lines)
		}
	}
	return lines
}

// TestPersonPicker: a work form names a person by picking; a name two
// people share comes back with both to choose from (with the
// organisation and birth month that tell them apart), the rest of the form
// kept; the one chosen is saved. No number is typed.
func TestPersonPicker(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	root := int64(1)
	var ids []int64
	for i := 0; i < 2; i++ {
		first := fmt.Sprintf("3201021980010%d131", i+1)
		idn := first + string(cnid.CheckChar(first))
		n, eth, stage, edu := "蔡强", "汉族", "full", "bachelor"
		j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
		m, err := b.mem.Create(ctx, store.All, member.Input{OrgID: &root, Name: &n, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &f})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	_, page := b.get("/work/visits?org=1")
	form := url.Values{"csrf": {csrfOf(page)}, "kind": {"visit"}, "visited_on": {"2026-06-01"}, "visitor": {"王书记"}, "target_kind": {"member"}, "target_member_q": {"蔡强"}}
	code, back := b.post("/work/visits?org=1", form)
	if code != 400 || strings.Count(back, `type="radio" name="target_member"`) != 2 || !strings.Contains(back, "1980-01") || !strings.Contains(back, `value="王书记"`) {
		t.Fatalf("a shared name: %d\n%s", code, back)
	}
	form.Set("target_member", strconv.FormatInt(ids[1], 10))
	if code, saved := b.post("/work/visits?org=1", form); code != 200 || !strings.Contains(saved, "已保存") || !strings.Contains(saved, "蔡强") {
		t.Fatalf("the person chosen: %d\n%s", code, saved)
	}
	res, err := b.c.Get(b.srv.URL + "/pick/members?org=1&q=" + url.QueryEscape("cq"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Count(string(body), `"name":"蔡强"`) != 2 || strings.Contains(string(body), "3201") {
		t.Fatalf("the picker by pinyin: %s", body)
	}
}

// TestWorkComparison: the work page sets a period's figures beside the
// period before it and the same months a year earlier, with the change and
// its share, each line linking to its list.
func TestWorkComparison(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/work/visits?org=1")
	token := csrfOf(page)
	for _, day := range []string{"2026-04-03", "2026-04-20", "2026-05-08", "2026-03-01", "2025-04-09"} {
		code, out := b.post("/work/visits?org=1", url.Values{"csrf": {token}, "kind": {"visit"}, "visited_on": {day}, "visitor": {"王书记"},
			"target_kind": {"household"}, "target_name": {"困难户"}})
		if code != 200 || !strings.Contains(out, "已保存") {
			t.Fatalf("visit on %s: %d", day, code)
		}
	}
	_, work := b.get("/work?org=1&from=2026-04&to=2026-05")
	row := regexp.MustCompile(`<a href="/work/visits\?org=1">走访慰问</a></td><td data-label="本期" class="num">(\d+)</td><td data-label="上期" class="num">(\d+)</td><td data-label="比上期" class="num">([^<]*)</td><td data-label="去年同期" class="num">(\d+)</td><td data-label="同比" class="num">([^<]*)</td>`).FindStringSubmatch(work)
	if row == nil {
		t.Fatalf("no comparison row for the visits:\n%s", work)
	}
	// This period 3, the two months before 1, a year earlier 1.
	if got := html.UnescapeString(strings.Join(row[1:], " ")); got != "3 1 +2(200.0%) 1 +2(200.0%)" {
		t.Fatalf("the visits compared: %s", got)
	}
	if !strings.Contains(work, "上期 2026-02 至 2026-03") || !strings.Contains(work, "去年同期 2025-04 至 2025-05") {
		t.Fatal("the periods compared are not named")
	}
	// The same table as an Excel sheet.
	rows := sheetOf(t)(b.c.Get(b.srv.URL + "/work/compare/export?org=1&from=2026-04&to=2026-05"))
	found := false
	for _, r := range rows {
		if len(r) >= 6 && r[0] == "走访慰问" {
			found = r[1] == "3" && r[2] == "1" && r[3] == "+2 200.0%" && r[4] == "1"
		}
	}
	if !found {
		t.Fatalf("the comparison sheet: %v", rows)
	}
}

// sheetOf reads the first sheet of a downloaded workbook: sheetOf(t)(client.Get(…)).
func sheetOf(t *testing.T) func(*http.Response, error) [][]string {
	return func(res *http.Response, err error) [][]string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		x, err := excelize.OpenReader(res.Body)
		if err != nil {
			t.Fatalf("the download (%d) is no workbook: %v", res.StatusCode, err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
}

// TestSummaryExport: the work summary drafted for a period cites the live
// figures; a sentence edited in the browser comes out in the .docx as
// edited, and every figure in it equals the live figure at export.
func TestSummaryExport(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/work/visits?org=1")
	token := csrfOf(page)
	for _, day := range []string{"2026-02-03", "2026-03-20"} {
		if code, _ := b.post("/work/visits?org=1", url.Values{"csrf": {token}, "kind": {"visit"}, "visited_on": {day}, "visitor": {"王书记"},
			"target_kind": {"household"}, "target_name": {"困难户"}}); code != 200 {
			t.Fatalf("visit: %d", code)
		}
	}
	code, draft := b.get("/reports/summary?org=1&from=2026-01&to=2026-06")
	if code != 200 || !strings.Contains(draft, "走访慰问〔走访慰问〕次") || strings.Contains(draft, "〔visits〕") || !regexp.MustCompile(`<a href="/work/visits\?org=1&amp;from=2026-01-01&amp;to=2026-06-30" class="figure" title="走访慰问">2</a>`).MatchString(draft) {
		t.Fatalf("the draft: %d\n%s", code, draft)
	}
	// The form posts back to the same organisation (its query not escaped into another key).
	if !strings.Contains(draft, `action="/reports/summary/docx?org=1&amp;from=2026-01&amp;to=2026-06"`) || !strings.Contains(draft, `href="/reports/templates?org=1"`) {
		t.Fatalf("the form's organisation:\n%s", draft)
	}
	form := url.Values{"csrf": {token}, "title": {"滨江市委2026年上半年党建工作总结"}, "opening": {"上半年,全市共走访慰问〔走访慰问〕次,党员〔党员〕名。"}, "closing": {"特此报告。"}}
	for _, p := range regexp.MustCompile(`<textarea name="(p\d+)" rows="3" aria-label="[^"]*">([^<]*)</textarea>`).FindAllStringSubmatch(draft, -1) {
		form.Add(p[1], html.UnescapeString(p[2]))
	}
	res, err := b.c.PostForm(b.srv.URL+"/reports/summary/docx?org=1&from=2026-01&to=2026-06", form)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	body := docxtest.Body(t, raw)
	for _, want := range []string{"滨江市委2026年上半年党建工作总结", "上半年,全市共走访慰问2次。", "走访慰问2次", "特此报告。", "本期间尚未开展专项资金工作。"} {
		if !strings.Contains(body, want) {
			t.Errorf("the .docx lacks %q", want)
		}
	}
	// A figure that is nought is not stated as work done (党员0名, 投入0.00元, 帮扶党员0人次).
	for _, nought := range []string{"党员0名", "0.00元", "0人次", "投入", "帮扶党员"} {
		if strings.Contains(body, nought) {
			t.Errorf("the .docx states %q", nought)
		}
	}
	// It ends with its 落款: the organisation, then the date in Arabic numerals, 右空四字.
	today := date.Of(time.Now()).Chinese()
	paras := docxtest.Paragraphs(t, raw)
	if n := len(paras); n < 2 || paras[n-2].Text != "滨江市委" || paras[n-1].Text != today || paras[n-1].Jc != "right" || paras[n-1].RightChars != 400 || paras[n-2].Jc != "right" {
		t.Errorf("the .docx does not end with its 落款 (滨江市委, %s): %+v", today, paras[max(0, len(paras)-2):])
	}
	// The preview shows the same: no nought stated, the section of no work 尚未开展, the 落款 last.
	code, preview := b.post("/reports/summary?org=1&from=2026-01&to=2026-06", form)
	if code != 200 {
		t.Fatalf("preview: %d", code)
	}
	shown := preview[strings.Index(preview, `id="summary-preview"`):]
	shown = shown[:strings.Index(shown, "</section>")]
	for _, want := range []string{"上半年,全市共走访慰问", ">2</a>次。", "<h4 class=\"doc-heading\">五、专项资金</h4>", "本期间尚未开展专项资金工作。",
		`<div class="doc-signature" id="summary-signature"><p class="doc-signer">滨江市委</p><p>` + today + `</p></div>`} {
		if !strings.Contains(shown, want) {
			t.Errorf("the preview lacks %q:\n%s", want, shown)
		}
	}
	if m := regexp.MustCompile(`>0(\.00)?</a>`).FindString(shown); m != "" || strings.Contains(shown, "投入") {
		t.Errorf("the preview states a nought figure %q:\n%s", m, shown)
	}

	// Saved as a draft, the edited texts come back on the next visit (the figures still live); discarded, it drafts afresh.
	// A draft saved with the English placeholders of before comes back with their Chinese names.
	old := url.Values{}
	for k, v := range form {
		old[k] = v
	}
	old.Set("opening", "上半年,全市共走访慰问〔visits〕次,党员〔members〕名。")
	if code, _ := b.post("/reports/summary/draft?org=1&from=2026-01&to=2026-06", old); code != 200 {
		t.Fatalf("save the draft: %d", code)
	}
	if _, again := b.get("/reports/summary?org=1&from=2026-01&to=2026-06"); !strings.Contains(again, `value="滨江市委2026年上半年党建工作总结"`) ||
		!strings.Contains(again, "上半年,全市共走访慰问〔走访慰问〕次,党员〔党员〕名。") || !strings.Contains(again, `id="draft-loaded"`) {
		t.Fatalf("the draft is not loaded:\n%s", again)
	}
	if _, other := b.get("/reports/summary?org=1&from=2026-01&to=2026-12"); strings.Contains(other, `id="draft-loaded"`) {
		t.Fatal("the draft of the first half is loaded for the year")
	}
	if code, _ := b.post("/reports/summary/draft?org=1&from=2026-01&to=2026-06", url.Values{"csrf": {token}, "discard": {"1"}}); code != 200 {
		t.Fatalf("discard: %d", code)
	}
	if _, fresh := b.get("/reports/summary?org=1&from=2026-01&to=2026-06"); strings.Contains(fresh, `id="draft-loaded"`) || strings.Contains(fresh, "上半年,全市共走访慰问〔走访慰问〕次,党员") {
		t.Fatalf("the discarded draft is still loaded:\n%s", fresh)
	}
}

// TestSummaryTemplates: an office rewrites the opening its summaries are
// drafted from; the organisations below it draft with it, with their own
// name and period; emptied, the built-in text comes back.
func TestSummaryTemplates(t *testing.T) {
	b := signedInSite(t)
	root, typ, name := int64(1), "committee", "北区党委"
	child, err := b.mem.Orgs.Create(context.Background(), store.All, org.Input{ParentID: &root, Name: &name, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/reports/templates?org=1")
	if !strings.Contains(page, `name="opening"`) || !strings.Contains(page, `name="group:走访慰问"`) {
		t.Fatalf("the templates page:\n%s", page)
	}
	// Typed with the English placeholder texts were saved with before, it reads with the figure's Chinese name.
	own := "{期间},{组织}以“党建+网格”为抓手,共走访慰问〔visits〕次。"
	if code, out := b.post("/reports/templates?org=1", url.Values{"csrf": {csrfOf(page)}, "opening": {own}}); code != 200 || !strings.Contains(out, "已保存起草模板") {
		t.Fatalf("save: %d", code)
	}
	_, draft := b.get(fmt.Sprintf("/reports/summary?org=%d&from=2026-01&to=2026-12", child.ID))
	if !strings.Contains(html.UnescapeString(draft), "2026年,北区党委以“党建+网格”为抓手,共走访慰问〔走访慰问〕次。") {
		t.Fatalf("the child's draft does not use the office's opening:\n%s", draft)
	}
	_, page = b.get("/reports/templates?org=1")
	b.post("/reports/templates?org=1", url.Values{"csrf": {csrfOf(page)}, "opening": {""}})
	if _, draft := b.get(fmt.Sprintf("/reports/summary?org=%d&from=2026-01&to=2026-12", child.ID)); !strings.Contains(draft, "按照上级党组织的部署,北区党委") {
		t.Fatal("the built-in opening did not come back")
	}
	l, err := audit.List(context.Background(), b.mem.DB, store.All, audit.Filter{ObjectType: "report_template"}, store.Page{})
	if err != nil || l.Total != 2 {
		t.Fatalf("the trail of the templates: %d %v", l.Total, err)
	}
}
