package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

// figureWalk drives the member and work-record API with random writes that
// are accepted and refused, deletes, steps and moves, and after every step
// recounts every maintained figure (as dangjian check does): one mistaken or
// hostile request must not corrupt a figure nor answer an internal error.
type figureWalk struct {
	t        *testing.T
	db       *store.DB
	e        *env
	r        *rand.Rand
	maker    *client
	checker  *client
	branches []org.Org
	streets  []org.Org
	// What the walk has made, by kind, to pick from.
	members, letters, mobiles, funds, disbursements, visits []int64
	seq                                                     int
	accepted                                                int
	op                                                      int
	byOp, tried                                             [14]int
}

func newFigureWalk(t *testing.T, db *store.DB, seed uint64) *figureWalk {
	e := newEnv(t, db, false)
	w := &figureWalk{t: t, db: db, e: e, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	w.maker = e.as(t, "jingban", auth.RoleOrgAdmin, &e.root.ID, nil)
	w.checker = e.as(t, "shenpi", auth.RoleOrgAdmin, &e.root.ID, nil)
	for i := range 2 {
		var street org.Org
		w.maker.do("POST", "/api/v1/orgs", map[string]any{"parent_id": e.root.ID, "name": fmt.Sprintf("街道党工委%d", i), "type": "working_committee"}, 201, &street)
		w.streets = append(w.streets, street)
		for j := range 2 {
			var b org.Org
			w.maker.do("POST", "/api/v1/orgs", map[string]any{"parent_id": street.ID, "name": fmt.Sprintf("社区党支部%d-%d", i, j), "type": "branch"}, 201, &b)
			w.branches = append(w.branches, b)
		}
	}
	return w
}

func (w *figureWalk) pick(ids []int64) int64 {
	if len(ids) == 0 || w.r.IntN(10) == 0 {
		return 999999 // a record that does not exist
	}
	return ids[w.r.IntN(len(ids))]
}

func (w *figureWalk) branch() org.Org { return w.branches[w.r.IntN(len(w.branches))] }

// date is a day around the test clock (2026-06-30), now and then out of every range.
func (w *figureWalk) date() any {
	switch w.r.IntN(12) {
	case 0:
		return "0000-01-01"
	case 1:
		return "9999-12-31"
	case 2:
		return "2027-03-01" // in the future
	case 3:
		return 20260101 // not text
	}
	return fmt.Sprintf("20%02d-%02d-%02d", 10+w.r.IntN(17), 1+w.r.IntN(12), 1+w.r.IntN(28))
}

// recent is mostly a day of this year before the test clock.
func (w *figureWalk) recent() any {
	if w.r.IntN(5) == 0 {
		return w.date()
	}
	return fmt.Sprintf("2026-%02d-%02d", 1+w.r.IntN(6), 1+w.r.IntN(28))
}

// money is an amount in fen, now and then hostile.
func (w *figureWalk) money() any {
	switch w.r.IntN(10) {
	case 0:
		return "9223372036854775807"
	case 1:
		return int64(9223372036854775807)
	case 2:
		return -100
	case 3:
		return 12.5
	case 4:
		return work.MaxFen + 1
	}
	return w.r.Int64N(500000) + 1
}

func (w *figureWalk) send(c *client, method, path string, body any) (int, string) {
	st, text := c.raw(method, path, body)
	if st >= 500 {
		w.t.Fatalf("%s %s %v: %d %s", method, path, body, st, text)
	}
	if st < 300 {
		w.accepted++
		w.byOp[w.op]++
	}
	w.tried[w.op]++
	return st, text
}

// created sends a creation and keeps the new id in ids.
func (w *figureWalk) created(ids *[]int64, path string, body any) {
	st, text := w.send(w.maker, "POST", path, body)
	if st == 201 {
		var out struct{ ID int64 }
		if err := json.Unmarshal([]byte(text), &out); err != nil {
			w.t.Fatal(err)
		}
		*ids = append(*ids, out.ID)
	}
}

func (w *figureWalk) step() {
	w.seq++
	w.op = w.r.IntN(14)
	switch w.op {
	case 0, 1:
		first := fmt.Sprintf("3201061985%02d%02d%03d", 1+w.r.IntN(12), 1+w.r.IntN(28), w.seq%1000)
		idn := first + string(cnid.CheckChar(first))
		if w.r.IntN(6) == 0 {
			idn = first + "0" // often a wrong check character
		}
		body := map[string]any{"org_id": w.branch().ID, "name": fmt.Sprintf("党员%d", w.seq), "id_number": idn, "ethnicity": "汉族", "education": "大学本科"}
		year := 2005 + w.r.IntN(19)
		switch w.r.IntN(4) {
		case 0:
			body["stage"], body["applied_on"] = "applicant", fmt.Sprintf("%d-03-01", year)
		case 1:
			body["stage"], body["applied_on"], body["activist_on"] = "activist", "2024-03-01", "2025-03-01"
		case 2:
			body["stage"], body["joined_on"] = "probationary", "2026-01-01"
		default:
			body["stage"], body["joined_on"], body["full_on"] = "full", fmt.Sprintf("%d-07-01", year), fmt.Sprintf("%d-07-01", year+1)
		}
		if w.r.IntN(5) == 0 {
			body["joined_on"] = w.date() // now and then a hostile or inconsistent date
		}
		w.created(&w.members, "/api/v1/members", body)
	case 2:
		body := map[string]any{[]string{"education", "post", "birth_date", "ethnicity"}[w.r.IntN(4)]: []any{"硕士研究生", "支部委员", w.date(), "蒙古族", 17}[w.r.IntN(5)]}
		w.send(w.maker, "PATCH", fmt.Sprintf("/api/v1/members/%d", w.pick(w.members)), body)
	case 3:
		body := map[string]any{"action": []string{"activist", "candidate", "admit", "confirm", "extend", "cancel"}[w.r.IntN(6)], "on": w.recent()}
		w.send(w.maker, "POST", fmt.Sprintf("/api/v1/members/%d/steps", w.pick(w.members)), body)
	case 4:
		w.created(&w.mobiles, "/api/v1/mobile", map[string]any{"kind": "out", "member_id": w.pick(w.members), "present_place": "深圳", "since": w.recent()})
	case 5:
		w.send(w.maker, "POST", fmt.Sprintf("/api/v1/mobile/%d/end", w.pick(w.mobiles)), map[string]any{"on": w.recent()})
	case 6:
		body := map[string]any{"member_id": w.pick(w.members), "to_org_id": w.branch().ID, "issued_on": w.recent()}
		if w.r.IntN(3) == 0 {
			body = map[string]any{"member_id": w.pick(w.members), "to_text": "外省某支部", "issued_on": w.recent()}
		}
		w.created(&w.letters, "/api/v1/transfers", body)
	case 7:
		action := []string{"receive", "cancel"}[w.r.IntN(2)]
		w.send(w.maker, "POST", fmt.Sprintf("/api/v1/transfers/%d/%s", w.pick(w.letters), action), map[string]any{})
	case 8:
		w.created(&w.funds, "/api/v1/work/funds", map[string]any{"org_id": w.branch().ID, "name": "关爱基金", "source": "党费",
			"set_on": w.recent(), "budget_fen": w.money()})
	case 9:
		if len(w.members) == 0 {
			return
		}
		w.created(&w.disbursements, "/api/v1/work/disbursements", map[string]any{"parent_id": w.pick(w.funds),
			"member": strconv.FormatInt(w.pick(w.members), 10), "purpose": "reward", "amount_fen": w.money(), "reason": "奖励"})
	case 10:
		action := []string{"approve", "reject"}[w.r.IntN(2)]
		w.send(w.checker, "POST", fmt.Sprintf("/api/v1/work/disbursements/%d/%s", w.pick(w.disbursements), action), nil)
	case 11:
		w.created(&w.visits, "/api/v1/work/visits", map[string]any{"org_id": w.branch().ID, "kind": "visit", "visited_on": w.recent(),
			"visitor": "王书记", "target_kind": "household", "target_name": "张家", "money_fen": w.money()})
	case 12:
		kind, ids := "visits", w.visits
		if w.r.IntN(2) == 0 {
			kind, ids = "funds", w.funds
		}
		w.send(w.maker, "DELETE", fmt.Sprintf("/api/v1/work/%s/%d", kind, w.pick(ids)), nil)
	case 13:
		b := w.branch()
		w.send(w.maker, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", b.ID), map[string]any{"parent_id": w.streets[w.r.IntN(2)].ID})
	}
}

// run takes steps steps, recounting the figures after each, and checks at
// the end that every row is kept in its organisation's province.
func (w *figureWalk) run(steps int) {
	for range steps {
		w.step()
		storetest.NoFigureMismatch(w.t, w.db, work.Recount)
		if w.t.Failed() {
			w.t.Fatalf("the figures differ from a recount after step %d", w.seq)
		}
	}
	storetest.NoMismatch(w.t, w.db, work.Recount)
}

// propertySteps is how long the walk is: a few hundred steps in CI, more
// with DANGJIAN_PROPERTY_STEPS.
func propertySteps(def int) int {
	if n, err := strconv.Atoi(os.Getenv("DANGJIAN_PROPERTY_STEPS")); err == nil && n > 0 {
		return n
	}
	return def
}

func TestFiguresSurviveRandomWrites(t *testing.T) {
	// The longest tests of the package run beside each other (their databases are their own).
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFigureWalk(t, db, 20261201)
		n := propertySteps(300)
		w.run(n)
		t.Logf("accepted by op %v of %v", w.byOp, w.tried)
		if w.accepted < n/5 {
			t.Fatalf("only %d of %d steps were accepted: the walk does not exercise the figures", w.accepted, n)
		}
	})
}

// FuzzFigures walks from fuzzed seeds: go test -run XXX -fuzz FuzzFigures ./internal/api/
func FuzzFigures(f *testing.F) {
	f.Add(uint64(1))
	f.Add(uint64(42))
	f.Fuzz(func(t *testing.T, seed uint64) {
		newFigureWalk(t, storetest.SQLite(t), seed).run(60)
	})
}
