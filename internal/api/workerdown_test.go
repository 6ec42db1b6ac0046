package api

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/fixture"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

// TestWorkerDown stops the worker that holds one district's rows while
// the server runs: the other district's users go on reading its members,
// roster, figures and work records; the stopped district's requests fail
// with the message a user reads when the server cannot answer (in
// Chinese, nothing half written); writes to the tree, copied on every
// node, and reads of the whole country wait for the worker too. Once it is
// back every request answers and every figure recounts.
//
// It stops a node of the cluster, so it runs alone, after the suite:
// DANGJIAN_TEST_CITUS_WORKER names the worker's Debian cluster ("15
// citus5443", for pg_ctlcluster) and its port (5443): .ci/run sets it.
func TestWorkerDown(t *testing.T) {
	worker := strings.Fields(os.Getenv("DANGJIAN_TEST_CITUS_WORKER"))
	if len(worker) != 3 {
		t.Skip(`DANGJIAN_TEST_CITUS_WORKER is not set ("15 citus5443 5443")`)
	}
	db := storetest.Citus(t)
	e := newEnv(t, db, false)
	ctx := context.Background()
	admin := e.as(t, "admin", auth.RoleOrgAdmin, &e.root.ID, nil)
	// Districts (provinces below the root) until one lies on the worker
	// to be stopped and one elsewhere.
	var down, up *org.Org
	for i := 0; i < 12 && (down == nil || up == nil); i++ {
		var d org.Org
		admin.do("POST", "/api/v1/orgs", map[string]any{"name": fmt.Sprintf("第%d区委", i+1), "type": "committee", "parent_id": e.root.ID}, 201, &d)
		var port int
		if err := db.QueryRowContext(ctx, `SELECT n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n ON n.groupid = p.groupid
			WHERE p.shardid = get_shard_id_for_distribution_column('members', $1::bigint)`, d.ID).Scan(&port); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(port) == worker[2] && down == nil {
			down = &d
		} else if fmt.Sprint(port) != worker[2] && up == nil {
			up = &d
		}
	}
	if down == nil || up == nil {
		t.Fatal("no two districts on different workers")
	}
	people := map[int64]member.Member{}
	for i, d := range []*org.Org{down, up} {
		var b org.Org
		admin.do("POST", "/api/v1/orgs", map[string]any{"name": d.Name + "机关党支部", "type": "branch", "parent_id": d.ID}, 201, &b)
		first := fmt.Sprintf("110105198501%02d%03d", i+1, 11)
		var m member.Member
		admin.do("POST", "/api/v1/members", map[string]any{"org_id": b.ID, "name": "党员" + d.Name, "id_number": first + string(cnid.CheckChar(first)),
			"ethnicity": "汉族", "education": "大学本科", "stage": "full", "joined_on": "2010-07-01", "full_on": "2011-07-01"}, 201, &m)
		people[d.ID] = m
		admin.do("POST", "/api/v1/work/visits", fixture.VisitBody(b.ID), 201, nil)
	}
	ctl := func(action string) {
		t.Helper()
		if out, err := exec.Command("pg_ctlcluster", worker[0], worker[1], action).CombinedOutput(); err != nil {
			t.Fatalf("pg_ctlcluster %s: %v %s", action, err, out)
		}
	}
	reads := func(d *org.Org) []string {
		return []string{
			fmt.Sprintf("/api/v1/members/%d", people[d.ID].ID),
			fmt.Sprintf("/api/v1/members?org=%d", d.ID),
			fmt.Sprintf("/api/v1/orgs/%d/stats", d.ID),
			fmt.Sprintf("/api/v1/work/visits?org=%d", d.ID),
		}
	}
	county := map[int64]*client{}
	for _, d := range []*org.Org{down, up} {
		county[d.ID] = e.as(t, fmt.Sprintf("county%d", d.ID), auth.RoleOrgAdmin, &d.ID, nil)
	}
	ctl("stop")
	t.Cleanup(func() { _ = exec.Command("pg_ctlcluster", worker[0], worker[1], "start").Run() })
	// A new connection per request: the pool's connections to the stopped
	// worker are gone with it.
	db.SetMaxIdleConns(0)
	for _, path := range reads(up) {
		if status, body := county[up.ID].raw("GET", path, nil); status != 200 {
			t.Errorf("with the other worker down, %s: %d %s", path, status, body)
		}
	}
	for _, path := range reads(down) {
		status, body := county[down.ID].raw("GET", path, nil)
		if status != 500 || !strings.Contains(body, "服务器内部错误") {
			t.Errorf("with its worker down, %s: %d %s", path, status, body)
		}
	}
	// Refused as the server failing, not as a missing parent (which it
	// was, before: the failed look-up read as "not found").
	if status, body := admin.raw("POST", "/api/v1/orgs", map[string]any{"name": "新区委", "type": "committee", "parent_id": e.root.ID}); status != 500 ||
		!strings.Contains(body, "服务器内部错误") {
		t.Errorf("a new organisation (the tree is on every node) with a worker down: %d %s", status, body)
	}
	// The whole country's reads need every worker: a member looked up by
	// number alone, without a province to route it to.
	if status, _ := admin.raw("GET", fmt.Sprintf("/api/v1/members/%d", people[up.ID].ID), nil); status != 500 {
		t.Errorf("a member read over the whole country with a worker down: %d", status)
	}
	ctl("start")
	for _, d := range []*org.Org{down, up} {
		for _, path := range reads(d) {
			admin.do("GET", path, nil, 200, nil)
		}
	}
	admin.do("POST", "/api/v1/orgs", map[string]any{"name": "新区委", "type": "committee", "parent_id": e.root.ID}, 201, nil)
	storetest.NoMismatch(t, db, work.Recount)
}
