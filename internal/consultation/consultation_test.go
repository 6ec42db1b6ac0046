package consultation

import (
	"fmt"
	"testing"
	"time"

	"dangjian/internal/clock"
	"dangjian/internal/cppcc"
	"dangjian/internal/cppcc/cppcctest"
	"dangjian/internal/date"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/spam"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

// fixture is the committees of cppcctest with every service on their core's day.
type fixture struct {
	*cppcctest.Fixture
	svc *Services
	seq int
}

func newFixture(t *testing.T, db *store.DB, y int, m time.Month, d int) *fixture {
	f := &fixture{Fixture: cppcctest.New(t, db, y, m, d)}
	f.svc = New(db, f.Core.Box, func() time.Time { return f.Day })
	return f
}

func (f *fixture) ok(p cppcc.Proposal, err error) cppcc.Proposal {
	f.T.Helper()
	if err != nil {
		f.T.Fatal(err)
	}
	return p
}

// draft is a proposal of member 0.
func (f *fixture) draft() cppcc.Proposal {
	f.seq++
	in := cppcc.Input{CommitteeID: f.C.ID, Title: fmt.Sprintf("关于加快老旧小区改造的建议(%d)", f.seq), Category: "社会建设", Way: "member", Public: true,
		Content: "老旧小区改造涉及面广、群众期盼高,目前存在资金来源单一、居民意见难统一等问题。建议设立专项资金并建立居民议事机制。", Contact: "phone"}
	return f.ok(f.svc.Draft(f.AsMember[0], f.Office, cppcc.ViewMember, in))
}

func (f *fixture) partOf(p cppcc.Proposal, unit cppcc.Committee) int64 {
	f.T.Helper()
	for _, x := range p.Parts {
		if x.UnitID == unit.ID && x.State != cppcc.PartWithdrawn {
			return x.ID
		}
	}
	f.T.Fatalf("no part of %s in %+v", unit.Name, p.Parts)
	return 0
}

// want checks C's figures of 2026, once every committee's agree with a recount.
func (f *fixture) want(keys map[string]int64) {
	f.T.Helper()
	ms, err := Check(f.Ctx, f.DB)
	if err != nil || len(ms) > 0 {
		f.T.Fatalf("figures differ from a recount: %+v %v", ms, err)
	}
	fig, err := f.svc.Figures(f.Ctx, f.Office, f.C.ID, cppcc.Period{From: 202601, To: 202612}, true)
	if err != nil {
		f.T.Fatal(err)
	}
	for k, n := range keys {
		if fig.Counts[k] != n {
			f.T.Errorf("figure %s = %d, want %d (all: %v)", k, fig.Counts[k], n, fig.Counts)
		}
	}
}

// Every review outcome on every route: a proposal not filed becomes the
// 社情民意 item or the members' letter its route names, linked both ways and
// counted where it lands; the others route nowhere.
func TestRejectedProposalIsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 2026, 3, 2)
		submitted := func() cppcc.Proposal { return f.ok(f.svc.Submit(f.AsMember[0], f.Office, f.draft().ID)) }
		filed := f.ok(f.svc.Review(f.OfficeCtx, f.Office, submitted().ID, cppcc.ReviewInput{Action: "file"}))
		for _, in := range []cppcc.ReviewInput{{Action: "return", Note: "请补充具体建议"}, {Action: "merge", Into: filed.ID}} {
			if p := f.ok(f.svc.Review(f.OfficeCtx, f.Office, submitted().ID, in)); p.RoutedID != nil || p.RejectRoute != "" {
				t.Errorf("%s routed the proposal: %+v", in.Action, p)
			}
		}
		for _, route := range cppcc.RejectRoutes {
			p := submitted()
			got := f.ok(f.svc.Review(f.OfficeCtx, f.Office, p.ID, cppcc.ReviewInput{Action: "reject", Reason: "personal", Route: route.Code, Note: "属个人诉求"}))
			if got.State != "rejected" || got.RejectRoute != route.Code || got.RejectRouteLabel != route.Label {
				t.Fatalf("%s: rejected as %+v", route.Code, got)
			}
			switch route.Code {
			case "opinion":
				if got.RoutedID == nil {
					t.Fatalf("转为社情民意信息: no item linked from the proposal")
				}
				o, err := f.svc.Opinions.GetOpinion(f.OfficeCtx, f.Office, cppcc.ViewOffice, *got.RoutedID)
				if err != nil {
					t.Fatal(err)
				}
				if o.ProposalID == nil || *o.ProposalID != p.ID || o.Title != p.Title || o.Content != p.Content || o.MemberID == nil || *o.MemberID != f.Members[0].ID || o.State != "submitted" {
					t.Errorf("the item is %+v, want the proposal's text credited to %s and linked to proposal %d", o, f.Members[0].Name, p.ID)
				}
				list, err := f.svc.Opinions.Opinions(f.OfficeCtx, f.Office, cppcc.ViewOffice, opinion.Filter{CommitteeID: f.C.ID}, store.Page{})
				if err != nil || list.Total != 1 {
					t.Errorf("the office's list of items holds %d (%v), want the routed one", list.Total, err)
				}
			case "letter":
				if got.RoutedID == nil {
					t.Fatalf("转为委员来信: no letter linked from the proposal")
				}
				x, err := f.svc.Letters.Case(f.OfficeCtx, f.Office, cppcc.ViewOffice, *got.RoutedID)
				if err != nil {
					t.Fatal(err)
				}
				if x.ProposalID == nil || *x.ProposalID != p.ID || x.Box != "member" || x.Title != p.Title || x.Content != p.Content || x.Sender != "李*" || x.State != "received" {
					t.Errorf("the letter is %+v, want the proposal's text from 李* in the members' box, linked to proposal %d", x, p.ID)
				}
			case "none":
				if got.RoutedID != nil {
					t.Errorf("不再转送 routed to %d", *got.RoutedID)
				}
			}
		}
		f.want(map[string]int64{"submitted": 6, "st:rejected": 3})
		pf, err := f.svc.PublicFigures(f.Ctx, f.Office, f.C.ID, cppcc.Period{From: 202601, To: 202612})
		if err != nil {
			t.Fatal(err)
		}
		for k, n := range map[string]int64{"o:submitted": 1, "c:box:member": 1, "c:all": 1} {
			if pf.Counts[k] != n {
				t.Errorf("figure %s = %d, want %d (all: %v)", k, pf.Counts[k], n, pf.Counts)
			}
		}
	})
}

// The office's overdue lists say who is late: a unit's part past its date
// with the unit, the date and the days; a letter with the date its clock
// runs to and the days past it. A letter held as spam is no one's late work.
func TestOverdueSaysWhoIsLate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newFixture(t, db, 2026, 3, 2)
		filter := spam.Trained()
		held, err := c.svc.Letters.SubmitPublic(c.Ctx, letters.CaseInput{CommitteeID: c.C.ID, Box: "public", Anonymous: true, Title: "澳門新葡京官方網站",
			Content: "註冊就送38元彩金,首充返水,加 威 信 xpj8888 領取,www.xpj888.vip"}, filter)
		if err != nil || !held.Case.Held {
			t.Fatalf("spam not held: %+v %v", held.Case, err)
		}
		p := c.ok(c.svc.Submit(c.AsMember[0], c.Office, c.draft().ID))
		p = c.ok(c.svc.Review(c.OfficeCtx, c.Office, p.ID, cppcc.ReviewInput{Action: "file"}))
		p = c.ok(c.svc.Assign(c.OfficeCtx, c.Office, p.ID, cppcc.AssignInput{Lead: c.Lead.ID, Co: []int64{c.Co.ID}}))
		lead := p.Parts[0]
		for _, x := range p.Parts {
			if x.UnitID == c.Lead.ID {
				lead = x
			}
		}
		// The co-unit answers; the lead unit does not, and its date passes.
		c.ok(c.svc.Opinion(c.OfficeCtx, store.ScopeOf(c.Co.Path), c.partOf(p, c.Co), "同意主办单位的意见,资金由财政统筹。"))
		c.Day = lead.DueOn.AddDate(0, 0, 10).Time().Add(2 * time.Hour)
		// A letter of today, its clock running.
		genuine, err := c.svc.Letters.SubmitPublic(c.Ctx, letters.CaseInput{CommitteeID: c.C.ID, Box: "public", Title: "建议增加公交班次", Content: "建议十二路公交晚高峰增加班次,等车时间太长。", Anonymous: true}, filter)
		if err != nil || genuine.Case.Held {
			t.Fatalf("a genuine letter: %+v %v", genuine.Case, err)
		}

		late, err := c.svc.LateParts(c.Ctx, c.Office, c.C.ID, store.Page{Number: 1, Size: 20})
		if err != nil || late.Total != 1 || len(late.Items) != 1 {
			t.Fatalf("late parts %+v %v", late, err)
		}
		if x := late.Items[0]; x.UnitName != c.Lead.Name || x.Days != 10 || x.DueOn.String() != lead.DueOn.String() || x.Title != p.Title || x.Number != "第1号" {
			t.Errorf("the late part reads %+v, want %s, due %s, 10 days", x, c.Lead.Name, lead.DueOn.Chinese())
		}
		if _, err := c.svc.LateParts(c.Ctx, store.ScopeOf(c.Other.Path), c.C.ID, store.Page{Number: 1, Size: 20}); err == nil {
			if l, _ := c.svc.LateParts(c.Ctx, store.ScopeOf(c.Other.Path), c.C.ID, store.Page{Number: 1, Size: 20}); l.Total != 0 {
				t.Errorf("another committee's office sees the late parts: %+v", l)
			}
		}
		f, _ := c.svc.Figures(c.Ctx, c.Office, c.C.ID, cppcc.Period{From: 202601, To: 202612}, false)
		if f.Overdue != late.Total {
			t.Errorf("the tab counts %d, the list holds %d", f.Overdue, late.Total)
		}

		pf, err := c.svc.PublicFigures(c.Ctx, c.Office, c.C.ID, cppcc.Period{From: 202601, To: 202612})
		if err != nil || pf.Overdue != 0 {
			t.Errorf("overdue letters %d (%v), want 0: a held letter is not late work", pf.Overdue, err)
		}
		all, err := c.svc.Letters.Cases(c.Ctx, c.Office, cppcc.ViewOffice, letters.CaseFilter{CommitteeID: c.C.ID}, store.Page{Number: 1, Size: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range all.Items {
			switch {
			case x.ID == held.Case.ID && (x.DueOn != nil || x.Overdue):
				t.Errorf("a held letter shows a date to keep: %+v", x.DueOn)
			case x.ID == genuine.Case.ID && (x.DueOn == nil || x.Overdue):
				t.Errorf("a letter in hand shows no date, or is late: %+v %v", x.DueOn, x.Overdue)
			}
		}
		l, err := c.svc.Letters.Cases(c.Ctx, c.Office, cppcc.ViewOffice, letters.CaseFilter{CommitteeID: c.C.ID, Overdue: true}, store.Page{Number: 1, Size: 20})
		if err != nil || l.Total != 0 {
			t.Errorf("overdue letters listed %+v %v", l.Items, err)
		}
		// Released, the held letter's clock is the office's again, and late.
		cppcctest.OK(c.svc.Letters.Decide(c.OfficeCtx, c.Office, held.Case.ID, letters.CaseAction{Action: "release"}, filter))(t)
		l, err = c.svc.Letters.Cases(c.Ctx, c.Office, cppcc.ViewOffice, letters.CaseFilter{CommitteeID: c.C.ID, Overdue: true}, store.Page{Number: 1, Size: 20})
		if err != nil || l.Total != 1 || l.Items[0].ID != held.Case.ID || l.Items[0].DueOn == nil || l.Items[0].DaysOverdue <= 0 {
			t.Fatalf("the released letter, late: %+v %v", l.Items, err)
		}
		if want := clock.Between(*l.Items[0].DueOn, date.Of(c.Day)); l.Items[0].DaysOverdue != want {
			t.Errorf("days overdue %d, want %d", l.Items[0].DaysOverdue, want)
		}
		storetest.NoMismatch(t, db)
	})
}
