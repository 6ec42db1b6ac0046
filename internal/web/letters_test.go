package web_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
)

// person adds a full member with a valid ID number (its sequence seq) to the organisation o.
func (b *browser) person(o int64, name string, seq int) (member.Member, string) {
	b.t.Helper()
	first := fmt.Sprintf("32010219800101%03d", seq)
	idn := first + string(cnid.CheckChar(first))
	eth, stage, edu := "汉族", "full", "bachelor"
	j, f := date.New(2010, 7, 1), date.New(2011, 7, 1)
	m, err := b.mem.Create(context.Background(), store.All, member.Input{OrgID: &o, Name: &name, IDNumber: &idn, Ethnicity: &eth,
		Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &f})
	if err != nil {
		b.t.Fatal(err)
	}
	return m, idn
}

// branch adds a branch under the root.
func (b *browser) branch(name string) int64 {
	b.t.Helper()
	root, typ := int64(1), "branch"
	o, err := b.mem.Orgs.Create(context.Background(), store.All, org.Input{ParentID: &root, Name: &name, Type: &typ})
	if err != nil {
		b.t.Fatal(err)
	}
	return o.ID
}

var visitorRE = regexp.MustCompile(`<input id="[^"]*-visitor" name="visitor" value="([^"]*)"(?: placeholder="([^"]*)")?>`)

// TestVisitorIsThePerson: a visit's 走访人 comes filled in with the
// signed-in person's own name — the member the account is linked to, or
// its display name — and never with a role's name or the login: an
// account that names no person leaves it empty, asking for the name.
func TestVisitorIsThePerson(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	visitor := func() (value, placeholder string) {
		t.Helper()
		code, page := b.get("/work/visits?org=1")
		m := visitorRE.FindStringSubmatch(page)
		if code != 200 || m == nil {
			t.Fatalf("the visit form: %d, no 走访人 field\n%s", code, page)
		}
		return html.UnescapeString(m[1]), html.UnescapeString(m[2])
	}
	set := func(query string, args ...any) {
		t.Helper()
		if _, err := b.mem.DB.ExecContext(ctx, query, args...); err != nil {
			t.Fatal(err)
		}
		b.auth.Forget() // the account as the next request reads it
	}
	// No display name: not the login "wang".
	if v, p := visitor(); v != "" || p != "请填写走访人的姓名" {
		t.Errorf("an account without a name fills the 走访人 with %q (placeholder %q)", v, p)
	}
	set("UPDATE users SET display_name = '支部书记' WHERE username = 'wang'")
	if v, p := visitor(); v != "" || p != "请填写走访人的姓名" {
		t.Errorf("an account named for its post fills the 走访人 with %q (placeholder %q)", v, p)
	}
	set("UPDATE users SET display_name = '李书记' WHERE username = 'wang'")
	if v, _ := visitor(); v != "李书记" {
		t.Errorf("the 走访人 is %q, not the display name", v)
	}
	m, _ := b.person(b.branch("和平里第一党支部"), "欧阳慧", 11)
	set("UPDATE users SET display_name = '支部书记', member_id = $1 WHERE username = 'wang'", m.ID)
	if v, _ := visitor(); v != "欧阳慧" {
		t.Errorf("the 走访人 is %q, not the member the account is linked to", v)
	}
}

var stubRE = regexp.MustCompile(`(?s)<section class="letter-part stub".*?</section>`)

// TestLetterStubCarriesTheNumber: the 存根 of a printed letter carries the
// ID number as the letter itself does: masked, or in the clear for a role
// that may reveal it and asked, one audited look for both.
func TestLetterStubCarriesTheNumber(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	m, idn := b.person(b.branch("光明第一党支部"), "转出人", 21)
	letter, err := b.mem.Issue(ctx, store.All, member.IssueInput{MemberID: m.ID, ToText: "中共某县委组织部", IssuedOn: date.Of(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	looks := func() int {
		var n int
		if err := b.mem.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND object_type = 'member' AND object_id = $1 AND detail LIKE $2",
			m.ID, "%"+letter.LetterNo+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	path := fmt.Sprintf("/transfers/%d/print", letter.ID)
	code, page := b.get(path)
	stub := stubRE.FindString(page)
	if code != 200 || !strings.Contains(stub, `id="stub-id">`+cnid.Mask(idn)+`<`) || strings.Contains(page, idn) {
		t.Fatalf("the stub before asking: %d\n%s", code, stub)
	}
	code, page = b.post(path, url.Values{"csrf": {csrfOf(page)}})
	stub = stubRE.FindString(page)
	if code != 200 || !strings.Contains(stub, `id="stub-id">`+idn+`<`) || !strings.Contains(page, `id="letter-id">`+idn+`<`) {
		t.Fatalf("the stub after asking: %d\n%s", code, stub)
	}
	if n := looks(); n != 1 {
		t.Errorf("printing the stub and the letter recorded %d looks, want 1", n)
	}
}

// TestBatchLettersCarryTerms: letters issued from the roster's ticks ask
// for the 有效期 and the 党费交到 as one letter does, refuse them beside
// their fields (issuing none), and print them as one letter does.
func TestBatchLettersCarryTerms(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	from := b.branch("文昌第一党支部")
	var ids []string
	var people []member.Member
	for i, name := range []string{"周一", "吴二"} {
		m, _ := b.person(from, name, 31+i)
		ids, people = append(ids, strconv.FormatInt(m.ID, 10)), append(people, m)
	}
	code, page := b.get(fmt.Sprintf("/members?org=%d", from))
	if code != 200 || !strings.Contains(page, `id="valid_days" name="valid_days" type="number" inputmode="numeric" min="1" max="90" value="30"`) ||
		!strings.Contains(page, `id="dues_paid_to" name="dues_paid_to" type="month"`) {
		t.Fatalf("the roster's batch form asks no 有效期 or 党费交到:\n%s", page)
	}
	batch := func(validDays, dues string) (int, string) {
		return b.post(fmt.Sprintf("/members/batch?org=%d", from), url.Values{"csrf": {csrfOf(page)}, "op": {"letters"}, "m": ids,
			"to_text": {"中共某县委组织部"}, "valid_days": {validDays}, "dues_paid_to": {dues}, "reason": {"工作调动"}})
	}
	code, back := batch("120", "2026-5")
	if code != 400 || !strings.Contains(back, "有效期应为1至90天") || !strings.Contains(back, `value="120"`) {
		t.Fatalf("a batch with a 有效期 of 120 days: %d\n%s", code, back)
	}
	if l, err := b.mem.ListTransfers(ctx, store.All, member.TransferFilter{}, store.Page{}); err != nil || l.Total != 0 {
		t.Fatalf("a refused batch issued %d letters: %v", l.Total, err)
	}
	if code, out := batch("45", "2026-5"); code != 200 || !strings.Contains(out, "已为 2 人开具介绍信") {
		t.Fatalf("the batch: %d\n%s", code, out)
	}
	for _, m := range people {
		l, err := b.mem.ListTransfers(ctx, store.All, member.TransferFilter{Member: m.ID}, store.Page{})
		if err != nil || len(l.Items) != 1 || l.Items[0].ValidDays != 45 || l.Items[0].DuesPaidTo != "2026-05" {
			t.Fatalf("%s's letter: %+v %v", m.Name, l.Items, err)
		}
		_, printed := b.get(fmt.Sprintf("/transfers/%d/print", l.Items[0].ID))
		if !strings.Contains(printed, `id="letter-valid">(有效期 <u>45</u> 天)`) || !strings.Contains(printed, `<span id="letter-dues"><u>2026</u> 年 <u>5</u> 月</span>`) {
			t.Fatalf("%s's printed letter:\n%s", m.Name, printed)
		}
	}
}

// TestRiskTabNamesDaysPast: the 口袋党员 tab lists a letter past its
// 有效期 with the days since, not one still valid, which tells how long it
// still is.
func TestRiskTabNamesDaysPast(t *testing.T) {
	b := signedInSite(t)
	ctx := context.Background()
	o := b.branch("滨江第一党支部")
	late, _ := b.person(o, "逾期甲", 41)
	fresh, _ := b.person(o, "未逾期乙", 42)
	today := date.Of(time.Now())
	if _, err := b.mem.Issue(ctx, store.All, member.IssueInput{MemberID: late.ID, ToText: "中共甲县委组织部", IssuedOn: today.AddDate(0, 0, -40)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.mem.Issue(ctx, store.All, member.IssueInput{MemberID: fresh.ID, ToText: "中共乙县委组织部", IssuedOn: today.AddDate(0, 0, -10), ValidDays: 20}); err != nil {
		t.Fatal(err)
	}
	_, risk := b.get("/transfers?tab=risk")
	if !strings.Contains(risk, "逾期甲") || !strings.Contains(risk, "已过有效期 10 天") || strings.Contains(risk, "未逾期乙") {
		t.Fatalf("the risk tab:\n%s", risk)
	}
	_, all := b.get("/transfers?tab=all")
	if !strings.Contains(all, "有效期至"+today.AddDate(0, 0, 10).Chinese()) {
		t.Fatalf("the letter still valid does not say to when:\n%s", all)
	}
}
