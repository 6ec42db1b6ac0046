package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestFieldsThatDoNotRead: a form whose date does not read as a date is
// refused before anything is saved, like one the service refuses: the
// page again with the values typed, the message beside the field and
// named in the banner; a person's step comes back 422, as a step the
// rules forbid, the others 400.
func TestFieldsThatDoNotRead(t *testing.T) {
	b := signedInSite(t)
	_, page := b.get("/")
	csrf := csrfOf(page)
	code, body := b.post("/orgs/1/new", url.Values{"csrf": {csrf}, "name": {"戊党委"}, "type": {"committee"}, "founded_on": {"2001-13-40"}})
	if code != 400 || !strings.Contains(body, `<a href="#founded_on">成立日期:日期“2001-13-40”格式不对`) ||
		!strings.Contains(body, `value="戊党委"`) || !strings.Contains(body, `value="2001-13-40"`) {
		t.Fatalf("a new organisation with a date that does not read: %d\n%s", code, body)
	}
	if _, tree := b.get("/orgs?q=" + url.QueryEscape("戊党委")); strings.Contains(tree, "戊党委</") {
		t.Fatal("the refused organisation was saved")
	}

	m, _ := b.person(b.branch("己党支部"), "庚同志", 1)
	code, body = b.post("/members/"+strconv.FormatInt(m.ID, 10)+"/steps", url.Values{"csrf": {csrf}, "action": {"extend"}, "on": {"昨天"}})
	if code != 422 || !strings.Contains(body, `<a href="#on">日期:日期“昨天”格式不对`) {
		t.Fatalf("a step on a day that does not read: %d\n%s", code, body)
	}
}
