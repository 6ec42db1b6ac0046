package cppcc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/flow"
	"dangjian/internal/secret"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// 2026-03-02 10:00 in Beijing: between the fourth session (January) and the fifth.
var fixedNow = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

type fixture struct {
	t         *testing.T
	ctx       context.Context
	db        *store.DB
	svc       *Service
	c, other  Committee
	lead, co  Committee // handling units
	third     Committee
	office    store.Scope
	members   []Member
	asMember  []context.Context
	officeCtx context.Context
	seq       int
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	box, err := secret.New([]byte(strings.Repeat("c", 32)))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: context.Background(), db: db, svc: &Service{DB: db, Box: box, Now: func() time.Time { return fixedNow }}}
	f.c = f.must(f.svc.NewCommittee(f.ctx, nil, "江城市政协", "city"))
	f.other = f.must(f.svc.NewCommittee(f.ctx, nil, "河西市政协", "city"))
	f.office = store.ScopeOf(f.c.Path)
	for _, c := range []Committee{f.c, f.other} {
		term, err := f.svc.NewTerm(f.ctx, store.All, c.ID, 14, date.New(2022, 1, 1), date.New(2026, 12, 31))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.NewSession(f.ctx, store.All, term.ID, 4, date.New(2026, 1, 10), date.New(2026, 1, 14)); err != nil {
			t.Fatal(err)
		}
	}
	f.lead = f.must(f.svc.NewUnit(f.ctx, f.office, f.c.ID, "江城市发展和改革委员会"))
	f.co = f.must(f.svc.NewUnit(f.ctx, f.office, f.c.ID, "江城市财政局"))
	f.third = f.must(f.svc.NewUnit(f.ctx, f.office, f.c.ID, "江城市教育局"))
	authn := &auth.Service{DB: db}
	terms, _ := f.svc.Terms(f.ctx, store.All, f.c.ID)
	for i, name := range []string{"李明", "王芳", "张伟"} {
		u, err := authn.CreateUser(f.ctx, auth.NewUser{Username: fmt.Sprintf("wy%d", i), Password: "Tq7#mwLp2xZa"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.svc.AddMember(f.ctx, f.office, MemberInput{CommitteeID: f.c.ID, TermID: terms[0].ID, Name: name, Sex: "男", Sector: "经济界",
			Party: "中国民主建国会", Phone: fmt.Sprintf("1391234567%d", i), UserID: &u.ID})
		if err != nil {
			t.Fatal(err)
		}
		f.members = append(f.members, m)
		f.asMember = append(f.asMember, audit.WithActor(f.ctx, audit.Actor{UserID: u.ID, Username: u.Username}))
	}
	f.officeCtx = audit.WithActor(f.ctx, audit.Actor{Username: "zxbgs"})
	return f
}

func (f *fixture) must(c Committee, err error) Committee {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) ok(p Proposal, err error) Proposal {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// draft is a proposal of member 0, joint with member 1 when joint.
func (f *fixture) draft(joint bool) Proposal {
	f.seq++
	in := Input{CommitteeID: f.c.ID, Title: fmt.Sprintf("关于加快老旧小区改造的建议(%d)", f.seq), Category: "社会建设", Way: "member", Public: true,
		Content: "老旧小区改造涉及面广、群众期盼高,目前存在资金来源单一、居民意见难统一等问题。建议设立专项资金并建立居民议事机制。", Contact: "phone"}
	if joint {
		in.Way, in.CoSigners = "joint", []int64{f.members[1].ID}
	}
	return f.ok(f.svc.Draft(f.asMember[0], f.office, ViewMember, in))
}

func (f *fixture) unitScope(u Committee) store.Scope { return store.ScopeOf(u.Path) }

func (f *fixture) partOf(p Proposal, unit Committee) int64 {
	f.t.Helper()
	for _, x := range p.Parts {
		if x.UnitID == unit.ID && x.State != PartWithdrawn {
			return x.ID
		}
	}
	f.t.Fatalf("no part of %s in %+v", unit.Name, p.Parts)
	return 0
}

// figures are the committee's figures of 2026, checked against a recount.
func (f *fixture) figures() map[string]int64 {
	f.t.Helper()
	ms, err := Check(f.ctx, f.db)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(ms) > 0 {
		f.t.Fatalf("figures differ from a recount: %+v", ms)
	}
	fig, err := f.svc.Figures(f.ctx, f.office, f.c.ID, Period{202601, 202612}, true)
	if err != nil {
		f.t.Fatal(err)
	}
	return fig.Counts
}

func (f *fixture) want(keys map[string]int64) {
	f.t.Helper()
	got := f.figures()
	for k, n := range keys {
		if got[k] != n {
			f.t.Errorf("figure %s = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

func TestJointProposalJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.draft(true)
		if p.State != Draft || len(p.Signers) != 1 {
			t.Fatalf("draft: %+v", p)
		}
		// A draft is its proposer's alone: not the office's, not the co-signer's.
		if _, err := f.svc.Get(f.ctx, f.office, ViewOffice, p.ID); !apperr.IsNotFound(err) {
			t.Fatalf("the office reads a draft: %v", err)
		}
		if _, err := f.svc.Get(f.asMember[1], f.office, ViewMember, p.ID); !apperr.IsNotFound(err) {
			t.Fatalf("a co-signer reads a draft: %v", err)
		}
		p = f.ok(f.svc.Submit(f.asMember[0], f.office, p.ID))
		if p.State != Signing {
			t.Fatalf("submitted joint: %s", p.State)
		}
		f.want(map[string]int64{"submitted": 0, "st:signing": 1})
		if _, err := f.svc.Sign(f.asMember[2], f.office, p.ID, true); err == nil {
			t.Fatal("a member not asked co-signed")
		}
		p = f.ok(f.svc.Sign(f.asMember[1], f.office, p.ID, true))
		if p.State != "submitted" || p.Signers[0].State != "confirmed" {
			t.Fatalf("after the last co-signer: %s %+v", p.State, p.Signers)
		}
		f.want(map[string]int64{"submitted": 1, "way:joint": 1, "time:between": 1, "st:submitted": 1})

		p = f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
		if p.NumberText != "第1号" {
			t.Fatalf("number: %q", p.NumberText)
		}
		p = f.ok(f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.lead.ID, Co: []int64{f.co.ID}}))
		f.want(map[string]int64{"filed": 1, "st:handling": 1, "cat:社会建设": 1})

		// The other committee's units and the third unit of this one do not reach it.
		if _, err := f.svc.Get(f.ctx, f.unitScope(f.third), ViewUnit, p.ID); !apperr.IsNotFound(err) {
			t.Fatalf("an unassigned unit reads the proposal: %v", err)
		}
		lead, co := f.partOf(p, f.lead), f.partOf(p, f.co)
		if _, err := f.svc.Reply(f.ctx, f.unitScope(f.co), lead, ReplyInput{Class: "B", Text: "x", Contact: "phone"}); !apperr.IsNotFound(err) {
			t.Fatalf("the co-handler replies for the lead: %v", err)
		}
		_, err := f.svc.Reply(f.ctx, f.unitScope(f.lead), lead, ReplyInput{Class: "B", Text: "已列入明年计划。", Contact: "phone"})
		if err == nil || !strings.Contains(err.Error(), "江城市财政局") {
			t.Fatalf("the lead replied before the co-handler's opinion: %v", err)
		}
		f.ok(f.svc.Opinion(f.ctx, f.unitScope(f.co), co, "同意安排专项资金。"))
		p = f.ok(f.svc.Reply(f.ctx, f.unitScope(f.lead), lead, ReplyInput{Class: "B", Text: "已列入明年计划。", Contact: "phone"}))
		if p.State != Replied || p.ResultClass != "B" {
			t.Fatalf("replied: %s %s", p.State, p.ResultClass)
		}
		f.want(map[string]int64{"class:B": 1, "st:replied": 1})

		if _, err := f.svc.Evaluate(f.asMember[1], f.office, p.ID, EvaluateInput{Attitude: "满意", Result: "满意"}); err == nil {
			t.Fatal("a co-signer evaluated for the first proposer")
		}
		p = f.ok(f.svc.Evaluate(f.asMember[0], f.office, p.ID, EvaluateInput{Attitude: "满意", Result: "不满意", Note: "资金没有落实"}))
		if p.State != Rehandling || p.Rehandles != 1 {
			t.Fatalf("unsatisfied: %s", p.State)
		}
		f.want(map[string]int64{"rehandled": 1, "class:B": 0, "st:rehandling": 1})
		p = f.ok(f.svc.Reply(f.ctx, f.unitScope(f.lead), lead, ReplyInput{Class: "A", Text: "资金已落实。", Contact: "visit"}))
		p = f.ok(f.svc.Evaluate(f.asMember[0], f.office, p.ID, EvaluateInput{Attitude: "满意", Result: "满意"}))
		if p.State != Closed {
			t.Fatalf("satisfied: %s", p.State)
		}
		f.want(map[string]int64{"st:closed": 1, "sat:satisfied": 1, "class:A": 1, "rehandled": 1, "submitted": 1})
		fig, _ := f.svc.Figures(f.ctx, f.office, f.c.ID, Period{202601, 202612}, true)
		for _, u := range fig.Units {
			if u.UnitID == f.lead.ID && (u.Assigned != 1 || u.Lead != 1 || u.OnTime != 1) {
				t.Errorf("lead unit's line: %+v", u)
			}
		}
		// Every step is in the history, with who took it by name, never by login.
		if len(p.Events) < 10 || p.Events[0].By != "李明" {
			t.Errorf("history: %+v", p.Events)
		}
		for _, e := range p.Events {
			if strings.ContainsAny(e.By, "abcdefghijklmnopqrstuvwxyz:") {
				t.Errorf("the history names %q for %s", e.By, e.ActionLabel)
			}
		}
		// Another committee's office sees nothing of it.
		if _, err := f.svc.Get(f.ctx, store.ScopeOf(f.other.Path), ViewOffice, p.ID); !apperr.IsNotFound(err) {
			t.Fatalf("another committee reads the proposal: %v", err)
		}
		storetest.NoMismatch(t, db)
	})
}

// The same step sent twice at once is taken once (compare-and-set).
func TestStepTakenOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID))
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"})
			}()
		}
		wg.Wait()
		done := 0
		for _, err := range errs {
			if err == nil {
				done++
			} else if _, ok := apperr.As(store.Explain(err)); !ok {
				t.Errorf("a concurrent step failed with %v", err)
			}
		}
		if done != 1 {
			t.Fatalf("filed %d times: %v", done, errs)
		}
		f.want(map[string]int64{"filed": 1, "submitted": 1})
	})
}

// TestEveryCell tries every action a person takes on a proposal in every
// state: it is done exactly where Steps allows it, and leads where Steps says.
func TestEveryCell(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	reach := map[string]func() Proposal{}
	reach["draft"] = func() Proposal { return f.draft(false) }
	reach["signing"] = func() Proposal { return f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(true).ID)) }
	reach["submitted"] = func() Proposal { return f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID)) }
	review := func(from, action string, into int64) func() Proposal {
		return func() Proposal {
			return f.ok(f.svc.Review(f.officeCtx, f.office, reach[from]().ID, ReviewInput{Action: action, Reason: "vague", Route: "none", Note: "请补充", Into: into}))
		}
	}
	reach["returned"] = review("submitted", "return", 0)
	reach["filed"] = review("submitted", "file", 0)
	reach["rejected"] = review("submitted", "reject", 0)
	reach["merged"] = func() Proposal { return review("submitted", "merge", reach["filed"]().ID)() }
	reach["withdrawn"] = func() Proposal { return f.ok(f.svc.Withdraw(f.asMember[0], f.office, f.draft(false).ID)) }
	reach["handling"] = func() Proposal {
		return f.ok(f.svc.Assign(f.officeCtx, f.office, reach["filed"]().ID, AssignInput{Lead: f.lead.ID}))
	}
	reach["replied"] = func() Proposal {
		p := reach["handling"]()
		return f.ok(f.svc.Reply(f.ctx, f.unitScope(f.lead), f.partOf(p, f.lead), ReplyInput{Class: "C", Text: "留作参考。", Contact: "phone"}))
	}
	reach["rehandling"] = func() Proposal {
		return f.ok(f.svc.Evaluate(f.asMember[0], f.office, reach["replied"]().ID, EvaluateInput{Attitude: "满意", Result: "不满意", Note: "未解决"}))
	}
	reach["closed"] = func() Proposal {
		return f.ok(f.svc.Evaluate(f.asMember[0], f.office, reach["replied"]().ID, EvaluateInput{Attitude: "满意", Result: "满意"}))
	}
	try := map[string]func(p Proposal) (Proposal, error){
		"submit":   func(p Proposal) (Proposal, error) { return f.svc.Submit(f.asMember[0], f.office, p.ID) },
		"withdraw": func(p Proposal) (Proposal, error) { return f.svc.Withdraw(f.asMember[0], f.office, p.ID) },
		"return": func(p Proposal) (Proposal, error) {
			return f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "return", Note: "请补充"})
		},
		"file": func(p Proposal) (Proposal, error) {
			return f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"})
		},
		"reject": func(p Proposal) (Proposal, error) {
			return f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "reject", Reason: "secret", Route: "none"})
		},
		"assign": func(p Proposal) (Proposal, error) {
			return f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.third.ID})
		},
		"evaluate": func(p Proposal) (Proposal, error) {
			return f.svc.Evaluate(f.asMember[0], f.office, p.ID, EvaluateInput{Attitude: "满意", Result: "基本满意"})
		},
		"dissatisfied": func(p Proposal) (Proposal, error) {
			return f.svc.Evaluate(f.asMember[0], f.office, p.ID, EvaluateInput{Attitude: "满意", Result: "不满意", Note: "未解决"})
		},
		"merge": func(p Proposal) (Proposal, error) {
			return f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "merge", Into: reach["filed"]().ID})
		},
	}
	states := States
	for action, do := range try {
		step := Steps.Steps()[slices.IndexFunc(Steps.Steps(), func(s flow.Step) bool { return s.Object == "proposal" && s.Action == action })]
		for _, st := range states {
			p := reach[st.Code]()
			if p.State != st.Code {
				t.Fatalf("reached %s for %s", p.State, st.Code)
			}
			got, err := do(p)
			allowed := slices.Contains(step.From, st.Code)
			switch {
			case allowed && err != nil:
				t.Errorf("%s from %s refused: %v", action, st.Code, err)
			case allowed && got.State != step.To:
				t.Errorf("%s from %s led to %s, Steps says %s", action, st.Code, got.State, step.To)
			case !allowed && err == nil:
				t.Errorf("%s from %s was done (to %s); Steps does not allow it", action, st.Code, got.State)
			case !allowed:
				var ae *apperr.Error
				if !errors.As(err, &ae) || strings.ContainsAny(ae.Message, "abcdefghijklmnopqrstuvwxyz") && !strings.Contains(ae.Message, "“") {
					t.Errorf("%s from %s refused without a message in Chinese: %v", action, st.Code, err)
				}
			}
		}
	}
	if ms, err := Check(f.ctx, f.db); err != nil || len(ms) > 0 {
		t.Fatalf("figures after every cell: %v %+v", err, ms)
	}
}

// A unit objects within its days and the office gives the part to another
// unit; an extension goes no further than the committee's longest period.
func TestObjectionAndExtension(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID))
		p = f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
		p = f.ok(f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.third.ID}))
		part := f.partOf(p, f.third)
		p = f.ok(f.svc.Object(f.ctx, f.unitScope(f.third), part, "不属于本单位职责"))
		p = f.ok(f.svc.DecideObjection(f.officeCtx, f.office, part, f.lead.ID))
		if _, err := f.svc.Get(f.ctx, f.unitScope(f.third), ViewUnit, p.ID); !apperr.IsNotFound(err) {
			t.Fatalf("the unit relieved of it still reads it: %v", err)
		}
		lead := f.partOf(p, f.lead)
		_, err := f.svc.AskExtension(f.ctx, f.unitScope(f.lead), lead, "需要调研", date.New(2026, 12, 1))
		storetest.WantErr(t, err, "until", "最迟")
		p = f.ok(f.svc.AskExtension(f.ctx, f.unitScope(f.lead), lead, "需要调研", date.New(2026, 8, 1)))
		p = f.ok(f.svc.DecideExtension(f.officeCtx, f.office, lead, true))
		for _, x := range p.Parts {
			if x.ID == lead && x.DueOn != date.New(2026, 8, 1) {
				t.Fatalf("due after the extension: %v", x.DueOn)
			}
		}
		// Each part runs on a clock of its own, the same date as the part's, every change audited.
		ks, err := f.svc.Clocks(f.ctx, db, f.c, "part", lead)
		if err != nil || len(ks) != 1 || ks[0].State.Due != date.New(2026, 8, 1) || ks[0].Label != "提案答复" {
			t.Fatalf("the lead's clock %+v %v", ks, err)
		}
		relieved, _ := f.svc.Clocks(f.ctx, db, f.c, "part", part)
		if len(relieved) != 1 || !relieved[0].State.Stopped {
			t.Errorf("the relieved unit's clock runs on: %+v", relieved)
		}
		var changes int
		if err := db.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'clock'").Scan(&changes); err != nil || changes < 4 {
			t.Errorf("clock changes audited: %d %v", changes, err)
		}
		fig, err := f.svc.Figures(f.ctx, f.office, f.c.ID, Period{202601, 202612}, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range fig.Units {
			want := int64(0)
			if u.UnitID == f.lead.ID {
				want = 1
			}
			if u.Assigned != want {
				t.Errorf("%s assigned %d, want %d", u.Name, u.Assigned, want)
			}
		}
		f.figures()
	})
}

// A period is read from its whole years' rows and its other months' rows:
// every way of cutting it gives the same figures.
func TestPeriodsAddUp(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	for i := 0; i < 3; i++ {
		p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID))
		if i > 0 {
			f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
		}
	}
	read := func(from, to int) map[string]int64 {
		fig, err := f.svc.Figures(f.ctx, f.office, f.c.ID, Period{from, to}, true)
		if err != nil {
			t.Fatal(err)
		}
		return fig.Counts
	}
	whole := read(202601, 202612)
	if whole["submitted"] != 3 || whole["filed"] != 2 {
		t.Fatalf("the year: %v", whole)
	}
	for _, pd := range [][2]int{{202511, 202612}, {202603, 202603}, {202501, 202712}, {202512, 202703}} {
		if got := read(pd[0], pd[1]); fmt.Sprint(got) != fmt.Sprint(whole) {
			t.Errorf("%v: %v, the year %v", pd, got, whole)
		}
	}
	if got := read(202601, 202602); len(got) != 0 {
		t.Errorf("months without proposals: %v", got)
	}
	for _, c := range []struct {
		pd   Period
		want []span
	}{
		{Period{202601, 202612}, []span{{years: true, lo: 2026, hi: 2026}}},
		{Period{202603, 202605}, []span{{lo: 202603, hi: 202605}}},
		{Period{202511, 202712}, []span{{lo: 202511, hi: 202512}, {years: true, lo: 2026, hi: 2027}}},
		{Period{202511, 202602}, []span{{lo: 202511, hi: 202512}, {lo: 202601, hi: 202602}}},
	} {
		if got := spans(c.pd); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("spans(%v) = %v, want %v", c.pd, got, c.want)
		}
	}
}

// A key rotation seals every member's phone under the new key; the phone
// reads the same, and no phone is stored in the clear.
func TestMembersPhonesRotate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		box, err := secret.New([]byte(strings.Repeat("c", 32)), []byte(strings.Repeat("d", 32)))
		if err != nil {
			t.Fatal(err)
		}
		f.svc.Box = box
		n, err := f.svc.Reencrypt(f.ctx, 2)
		if err != nil || n != len(f.members) {
			t.Fatalf("re-encrypted %d of %d: %v", n, len(f.members), err)
		}
		if n, _ := f.svc.Reencrypt(f.ctx, 2); n != 0 {
			t.Fatalf("a second pass re-encrypted %d", n)
		}
		m, err := f.svc.Member(f.ctx, f.office, f.members[1].ID)
		if err != nil || m.Phone != f.members[1].Phone || m.PhoneMasked != "139****5671" {
			t.Fatalf("after the rotation: %+v %v", m, err)
		}
		var enc string
		if err := db.QueryRowContext(f.ctx, "SELECT phone_enc FROM cppcc_members WHERE id = $1", m.ID).Scan(&enc); err != nil || !strings.HasPrefix(enc, secret.Prefix(2)) {
			t.Fatalf("sealed %q %v", enc, err)
		}
		storetest.NoClearIdentifiers(t, db, []string{f.members[0].Phone, f.members[1].Phone})
	})
}

// A committee sets its own periods: the next assignment takes them; a period
// out of its bounds is refused with the field named.
func TestCommitteeRules(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	r := DefaultRules
	r.ReplyMonths, r.MaxMonths = 2, 1
	_, err := f.svc.SetRules(f.officeCtx, f.office, f.c.ID, r)
	storetest.WantErr(t, err, "max_months", "不应少于")
	r.MaxMonths, r.SignDays = 4, 0
	_, err = f.svc.SetRules(f.officeCtx, f.office, f.c.ID, r)
	storetest.WantErr(t, err, "sign_days", "1 到 60")
	r.SignDays = 5
	if _, err := f.svc.SetRules(f.officeCtx, f.office, f.c.ID, r); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetRules(f.officeCtx, store.ScopeOf(f.other.Path), f.c.ID, r); !apperr.IsNotFound(err) {
		t.Fatalf("another committee's office set the rules: %v", err)
	}
	p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID))
	p = f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
	p = f.ok(f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.lead.ID}))
	if due := p.Parts[0].DueOn; due != date.New(2026, 5, 2) {
		t.Fatalf("due with a reply of two months: %v", due)
	}
}

// An office's member list in and out of Excel: the export imported back
// adds nobody and keeps the phones; a list with wrong cells names each by
// row and column and writes nothing; new members are added.
func TestMembersInAndOutOfExcel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		terms, _ := f.svc.Terms(f.ctx, store.All, f.c.ID)
		term := terms[0].ID
		list, err := f.svc.Members(f.ctx, f.office, f.c.ID, "", store.Page{Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		file := func(rows [][]any) *bytes.Buffer {
			var b bytes.Buffer
			if err := spreadsheet.WriteTable(&b, "委员名单", "江城市政协委员名单", MembersHead, rows); err != nil {
				t.Fatal(err)
			}
			return &b
		}
		res, err := f.svc.ImportMembers(f.officeCtx, f.office, f.c.ID, term, "名单.xlsx", file(MembersTable(list.Items)))
		if err != nil || res.Added != 0 || res.Updated != 3 {
			t.Fatalf("the export imported back: %+v %v", res, err)
		}
		m, _ := f.svc.Member(f.ctx, f.office, f.members[1].ID)
		if m.Phone != f.members[1].Phone {
			t.Fatalf("the phone after importing the masked export: %q", m.Phone)
		}
		bad := [][]any{
			{"赵新委员", "男", "经济界", "九三学社", "", "第1活动组", "委员", "13900001111"},
			{"钱新委员", "未知", "经济界", "九三学社", "", "", "", ""},
			{"孙新委员", "女", "不存在的界别", "中国民主同盟", "", "", "", "12345"},
		}
		res, err = f.svc.ImportMembers(f.officeCtx, f.office, f.c.ID, term, "名单.xlsx", file(bad))
		ae, ok := apperr.As(err)
		if !ok || !strings.Contains(ae.Message, "第 4 行“性别”") || !strings.Contains(ae.Message, "第 5 行“界别”") || !strings.Contains(ae.Message, "第 5 行“联系电话”") ||
			len(res.Problems) != 3 {
			t.Fatalf("a list with wrong cells: %+v %v", res, err)
		}
		if after, _ := f.svc.Members(f.ctx, f.office, f.c.ID, "", store.Page{}); after.Total != 3 {
			t.Fatalf("a refused list wrote %d members", after.Total-3)
		}
		res, err = f.svc.ImportMembers(f.officeCtx, f.office, f.c.ID, term, "名单.xlsx", file(bad[:1]))
		if err != nil || res.Added != 1 {
			t.Fatalf("a new member: %+v %v", res, err)
		}
		if _, err := f.svc.ImportMembers(f.officeCtx, store.ScopeOf(f.other.Path), f.c.ID, term, "名单.xlsx", file(bad[:1])); err == nil {
			t.Fatal("another committee's office imported into this one")
		}
		storetest.NoClearIdentifiers(t, db, []string{"13900001111", f.members[0].Phone})
	})
}

// A reply may carry its letter: what its extension says it is, read back by
// the proposer and the office, and by no other unit.
func TestReplyLetter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID))
		p = f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
		p = f.ok(f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.lead.ID}))
		part := f.partOf(p, f.lead)
		_, err := f.svc.Reply(f.ctx, f.unitScope(f.lead), part, ReplyInput{Class: "A", Text: "已办理", Contact: "phone", LetterName: "答复函.pdf", Letter: []byte("MZ\\x90 not a pdf")})
		storetest.WantErr(t, err, "file", "不是PDF文件")
		if q, _ := f.svc.Get(f.ctx, f.office, ViewOffice, p.ID); q.State != "handling" {
			t.Fatalf("a refused letter left the reply taken: %s", q.State)
		}
		_, err = f.svc.Reply(f.ctx, f.unitScope(f.lead), part, ReplyInput{Class: "A", Text: "已办理", Contact: "phone", LetterName: "答复函.exe", Letter: []byte("MZ")})
		storetest.WantErr(t, err, "file", "只接受PDF")
		letter := []byte("%PDF-1.4\n% 答复函\n")
		p = f.ok(f.svc.Reply(f.ctx, f.unitScope(f.lead), part, ReplyInput{Class: "A", Text: "已办理", Contact: "phone", LetterName: `C:\\文件\\答复函.pdf`, Letter: letter}))
		files := p.Parts[0].Letters
		if len(files) != 1 || files[0].Name != "答复函.pdf" {
			t.Fatalf("letters: %+v", files)
		}
		for _, v := range []struct {
			ctx  context.Context
			sc   store.Scope
			view View
		}{{f.asMember[0], f.office, ViewMember}, {f.ctx, f.office, ViewOffice}, {f.ctx, f.unitScope(f.lead), ViewUnit}} {
			got, data, err := f.svc.Letter(v.ctx, v.sc, v.view, p.ID, files[0].ID)
			if err != nil || !bytes.Equal(data, letter) || got.Type != "application/pdf" {
				t.Fatalf("%s reads the letter: %v %q", v.view, err, data)
			}
		}
		if _, _, err := f.svc.Letter(f.ctx, f.unitScope(f.co), ViewUnit, p.ID, files[0].ID); !apperr.IsNotFound(err) {
			t.Fatalf("another unit reads the letter: %v", err)
		}
		storetest.NoMismatch(t, db)
	})
}

// TestEveryUnitCell tries every step of a unit's part in every state, and
// every answer of a co-signer in every state: done exactly where Steps
// allows it, leading where Steps says.
func TestEveryUnitCell(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	// A handling proposal with a lead and a co-handler; states reached by steps.
	handling := func() Proposal {
		p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(false).ID))
		p = f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
		return f.ok(f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.lead.ID, Co: []int64{f.co.ID}}))
	}
	type part struct {
		p    Proposal
		id   int64
		unit Committee
	}
	lead := func(p Proposal) part { return part{p, f.partOf(p, f.lead), f.lead} }
	reach := map[string]func() part{
		"handling": func() part { return lead(handling()) },
		"objected": func() part {
			x := lead(handling())
			f.ok(f.svc.Object(f.ctx, f.unitScope(f.lead), x.id, "不属于本单位"))
			return x
		},
		"extension": func() part {
			x := lead(handling())
			f.ok(f.svc.AskExtension(f.ctx, f.unitScope(f.lead), x.id, "调研", date.New(2026, 7, 1)))
			return x
		},
		"opinion": func() part {
			p := handling()
			x := part{p, f.partOf(p, f.co), f.co}
			f.ok(f.svc.Opinion(f.ctx, f.unitScope(f.co), x.id, "同意"))
			return x
		},
		"replied": func() part {
			p := handling()
			f.ok(f.svc.Opinion(f.ctx, f.unitScope(f.co), f.partOf(p, f.co), "同意"))
			x := lead(p)
			f.ok(f.svc.Reply(f.ctx, f.unitScope(f.lead), x.id, ReplyInput{Class: "B", Text: "计划中", Contact: "phone"}))
			return x
		},
		"withdrawn": func() part {
			x := lead(handling())
			f.ok(f.svc.Object(f.ctx, f.unitScope(f.lead), x.id, "不属于本单位"))
			f.ok(f.svc.DecideObjection(f.officeCtx, f.office, x.id, f.third.ID))
			return x
		},
	}
	try := map[string]func(x part) error{
		"object": func(x part) error {
			_, err := f.svc.Object(f.ctx, f.unitScope(x.unit), x.id, "不属于本单位")
			return err
		},
		"keep": func(x part) error { _, err := f.svc.DecideObjection(f.officeCtx, f.office, x.id, 0); return err },
		"reassign": func(x part) error {
			_, err := f.svc.DecideObjection(f.officeCtx, f.office, x.id, f.third.ID)
			return err
		},
		"ask_extension": func(x part) error {
			_, err := f.svc.AskExtension(f.ctx, f.unitScope(x.unit), x.id, "调研", date.New(2026, 7, 1))
			return err
		},
		"extend":           func(x part) error { _, err := f.svc.DecideExtension(f.officeCtx, f.office, x.id, true); return err },
		"refuse_extension": func(x part) error { _, err := f.svc.DecideExtension(f.officeCtx, f.office, x.id, false); return err },
		"opinion": func(x part) error {
			// the co-handler's own part, when the state is of a co part; the lead's otherwise (refused by role)
			_, err := f.svc.Opinion(f.ctx, f.unitScope(x.unit), x.id, "同意")
			return err
		},
		"reply": func(x part) error {
			if x.unit.ID == f.lead.ID { // the lead answers once its co-handler has given its opinion
				now, _ := f.svc.Get(f.ctx, f.office, ViewOffice, x.p.ID)
				for _, y := range now.Parts {
					if y.UnitID == f.co.ID && y.State == "handling" {
						f.ok(f.svc.Opinion(f.ctx, f.unitScope(f.co), y.ID, "同意"))
					}
				}
			}
			_, err := f.svc.Reply(f.ctx, f.unitScope(x.unit), x.id, ReplyInput{Class: "A", Text: "已解决", Contact: "phone"})
			return err
		},
	}
	for action, do := range try {
		step := Steps.Steps()[slices.IndexFunc(Steps.Steps(), func(s flow.Step) bool { return s.Object == "unit" && s.Action == action })]
		for _, st := range UnitStates {
			x := reach[st.Code]()
			err := do(x)
			allowed := slices.Contains(step.From, st.Code)
			// Steps allows a role's step only to that role: opinion to a co part, reply to a lead.
			if action == "opinion" && x.unit.ID != f.co.ID || action == "reply" && x.unit.ID == f.co.ID {
				allowed = false
			}
			got, _ := f.svc.Get(f.ctx, f.office, ViewOffice, x.p.ID)
			var now string
			for _, y := range got.Parts {
				if y.ID == x.id {
					now = y.State
				}
			}
			switch {
			case allowed && err != nil:
				t.Errorf("%s from %s refused: %v", action, st.Code, err)
			case allowed && now != step.To:
				t.Errorf("%s from %s led to %s, Steps says %s", action, st.Code, now, step.To)
			case !allowed && err == nil:
				t.Errorf("%s from %s was done (now %s); Steps does not allow it", action, st.Code, now)
			case !allowed && now != st.Code:
				t.Errorf("%s from %s was refused but moved the part to %s", action, st.Code, now)
			}
		}
	}
	// A co-signer's answers.
	for _, action := range []string{"confirm", "decline"} {
		for _, st := range []string{"invited", "confirmed", "declined"} {
			p := f.ok(f.svc.Submit(f.asMember[0], f.office, f.draft(true).ID))
			if st != "invited" {
				f.ok(f.svc.Sign(f.asMember[1], f.office, p.ID, st == "confirmed"))
			}
			_, err := f.svc.Sign(f.asMember[1], f.office, p.ID, action == "confirm")
			if (st == "invited") != (err == nil) {
				t.Errorf("%s from %s: %v", action, st, err)
			}
		}
	}
	if ms, err := Check(f.ctx, f.db); err != nil || len(ms) > 0 {
		t.Fatalf("figures after every cell: %v %+v", err, ms)
	}
}

// A party's proposal names its contact person, who evaluates the reply for
// the party; nobody else can, and without a contact it is refused.
func TestPartyProposalEvaluatedByContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := Input{CommitteeID: f.c.ID, Title: "关于发展职业教育的建议", Category: "其他", Way: "party", ProposerName: "民建江城市委会", Public: true,
			Content: "职业教育是培养技术技能人才的主渠道,建议加大投入、深化产教融合,建设一批市级实训基地。"}
		if _, err := f.svc.Draft(f.officeCtx, f.office, ViewOffice, in); !hasField(err, "evaluator_id") {
			t.Fatalf("a party's proposal without its contact: %v, want refused on evaluator_id", err)
		}
		in.EvaluatorID = f.members[2].ID
		p := f.ok(f.svc.Draft(f.officeCtx, f.office, ViewOffice, in))
		if p.EvaluatorName != "张伟" || p.ProposerID != nil {
			t.Fatalf("entered as %+v, want 张伟 as its contact", p)
		}
		p = f.ok(f.svc.Review(f.officeCtx, f.office, p.ID, ReviewInput{Action: "file"}))
		p = f.ok(f.svc.Assign(f.officeCtx, f.office, p.ID, AssignInput{Lead: f.lead.ID}))
		p = f.ok(f.svc.Reply(f.ctx, f.unitScope(f.lead), f.partOf(p, f.lead), ReplyInput{Class: "A", Text: "已列入年度计划。", Contact: "phone"}))
		if _, err := f.svc.Evaluate(f.asMember[0], f.office, p.ID, EvaluateInput{Attitude: "满意", Result: "满意"}); err == nil {
			t.Fatal("a member who is not the party's contact evaluated its proposal")
		}
		mine, err := f.svc.List(f.asMember[2], f.office, ViewMember, Filter{Mine: true}, store.Page{})
		if err != nil || mine.Total != 1 {
			t.Fatalf("the contact's own list holds %d (%v), want the party's proposal", mine.Total, err)
		}
		p = f.ok(f.svc.Evaluate(f.asMember[2], f.office, p.ID, EvaluateInput{Attitude: "满意", Result: "基本满意"}))
		if p.State != Closed || p.Satisfaction != "basic" {
			t.Errorf("evaluated by its contact: %s %s, want closed as basically satisfied", p.State, p.Satisfaction)
		}
		f.want(map[string]int64{"way:party": 1, "sat:basic": 1, "st:closed": 1})
	})
}

// hasField is whether err refuses field.
func hasField(err error, field string) bool {
	ae, ok := apperr.As(err)
	return ok && slices.ContainsFunc(ae.Fields, func(f apperr.FieldError) bool { return f.Field == field })
}
