package api

import (
	"fmt"
	"sync"
	"testing"

	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// at4 sends the same request four times at once (a double click, a retry)
// and returns how many were accepted.
func at4(c *client, method, path string, body any) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, text := c.raw(method, path, body)
			if st >= 500 {
				c.t.Errorf("%s %s: %d %s", method, path, st, text)
			}
			if st < 300 {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return ok
}

// Every state change is taken once however often it is sent at once: a
// letter received or withdrawn, two letters for one member, a mobile
// record ended, a change request decided, a pipeline step, a flow out.
func TestStateChangesTakenOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatrix(t, db)
		admin := m.users["org_admin"] // street A
		other := m.org(m.streetA, "和平第二社区党支部", "branch")
		letter := func() int64 {
			var tr member.Transfer
			admin.do("POST", "/api/v1/transfers", map[string]any{"member_id": m.Person("own", "full").ID, "to_org_id": other.ID, "issued_on": "2026-06-01"}, 201, &tr)
			return tr.ID
		}
		check := func(what string, got int) {
			t.Helper()
			if got != 1 {
				t.Errorf("%s sent four times at once was taken %d times", what, got)
			}
			storetest.NoMismatch(t, db)
		}
		check("receiving a letter", at4(admin, "POST", fmt.Sprintf("/api/v1/transfers/%d/receive", letter()), map[string]any{}))
		check("withdrawing a letter", at4(admin, "POST", fmt.Sprintf("/api/v1/transfers/%d/cancel", letter()), nil))
		check("a letter for one member", at4(admin, "POST", "/api/v1/transfers",
			map[string]any{"member_id": m.Person("own", "full").ID, "to_text": "外省某支部", "issued_on": "2026-06-01"}))
		mobile := m.Person("own", "full").ID
		check("a flow out", at4(admin, "POST", "/api/v1/mobile", map[string]any{"kind": "out", "member_id": mobile, "present_place": "深圳", "since": "2026-01-01"}))
		l, err := m.e.api.Members.ListMobile(m.ctx, store.All, member.MobileFilter{Member: mobile}, store.Page{})
		if err != nil || len(l.Items) != 1 {
			t.Fatalf("mobile records of the member: %v %+v", err, l.Items)
		}
		check("ending a flow", at4(admin, "POST", fmt.Sprintf("/api/v1/mobile/%d/end", l.Items[0].ID), map[string]any{"on": "2026-06-01"}))
		check("deciding a change request", at4(admin, "POST", fmt.Sprintf("/api/v1/requests/%d/decision", m.request("own")), map[string]any{"approve": true}))
		check("a pipeline step", at4(admin, "POST", fmt.Sprintf("/api/v1/members/%d/steps", m.Person("own", "applicant").ID),
			map[string]any{"action": "activist", "on": date.New(2026, 2, 1)}))
	})
}
