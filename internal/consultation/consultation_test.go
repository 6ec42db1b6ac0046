package consultation

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/clock"
	"dangjian/internal/committee"
	"dangjian/internal/committee/committeetest"
	"dangjian/internal/cppcc"
	"dangjian/internal/cppcc/cppcctest"
	"dangjian/internal/date"
	"dangjian/internal/duties"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/secret"
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

// draft is a proposal of member 0, joint with member 1 when joint.
func (f *fixture) draft(joint bool) cppcc.Proposal {
	f.seq++
	in := cppcc.Input{CommitteeID: f.C.ID, Title: fmt.Sprintf("关于加快老旧小区改造的建议(%d)", f.seq), Category: "社会建设", Way: "member", Public: true,
		Content: "老旧小区改造涉及面广、群众期盼高,目前存在资金来源单一、居民意见难统一等问题。建议设立专项资金并建立居民议事机制。", Contact: "phone"}
	if joint {
		in.Way, in.CoSigners = "joint", []int64{f.Members[1].ID}
	}
	return f.ok(f.svc.Draft(f.AsMember[0], f.Office, cppcc.ViewMember, in))
}

func (f *fixture) partOf(p cppcc.Proposal, unit committee.Committee) int64 {
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
		submitted := func() cppcc.Proposal { return f.ok(f.svc.Submit(f.AsMember[0], f.Office, f.draft(false).ID)) }
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
		p := c.ok(c.svc.Submit(c.AsMember[0], c.Office, c.draft(false).ID))
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
		committeetest.OK(c.svc.Letters.Decide(c.OfficeCtx, c.Office, held.Case.ID, letters.CaseAction{Action: "release"}, filter))(t)
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

// The chair meeting's key proposal, its supervision, the activities
// members attend, the instructions received and a 催办, counted in the
// figures and in each member's record as in the year's list.
func TestKeyProposalActivitiesAndRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 2026, 3, 2)
		plain := f.ok(f.svc.Review(f.OfficeCtx, f.Office, f.ok(f.svc.Submit(f.AsMember[0], f.Office, f.draft(false).ID)).ID, cppcc.ReviewInput{Action: "file"}))
		p := f.ok(f.svc.Submit(f.AsMember[0], f.Office, f.draft(true).ID))
		p = f.ok(f.svc.Sign(f.AsMember[1], f.Office, p.ID, true))
		p = f.ok(f.svc.Review(f.OfficeCtx, f.Office, p.ID, cppcc.ReviewInput{Action: "file"}))
		p = f.ok(f.svc.Assign(f.OfficeCtx, f.Office, p.ID, cppcc.AssignInput{Lead: f.Lead.ID}))
		_, err := f.svc.MarkKey(f.OfficeCtx, f.Office, p.ID, "")
		storetest.WantErr(t, err, "lead", "领衔督办")
		p = f.ok(f.svc.MarkKey(f.OfficeCtx, f.Office, p.ID, "王副主席"))
		if !p.Key || p.KeyLead != "王副主席" {
			t.Fatalf("key: %+v", p)
		}
		if _, err := f.svc.MarkKey(f.OfficeCtx, f.Office, p.ID, "李副主席"); err == nil {
			t.Fatal("a key proposal marked twice")
		}
		_, err = f.svc.Duties.RecordActivity(f.OfficeCtx, f.Office, duties.ActivityInput{CommitteeID: f.C.ID, Kind: "supervision_visit", ProposalID: plain.ID, Title: "现场视察", HeldOn: date.New(2026, 3, 1)})
		storetest.WantErr(t, err, "proposal_id", "重点提案")
		_, err = f.svc.Duties.RecordActivity(f.OfficeCtx, f.Office, duties.ActivityInput{CommitteeID: f.C.ID, Kind: "inspection", Title: "视察", HeldOn: date.New(2026, 3, 9)})
		storetest.WantErr(t, err, "held_on", "不能晚于今天")
		_, err = f.svc.Duties.RecordActivity(f.OfficeCtx, f.Office, duties.ActivityInput{CommitteeID: f.C.ID, Kind: "inspection", Title: "视察", HeldOn: date.New(2026, 3, 1),
			Present: []int64{f.Members[0].ID}, Leave: []int64{f.Members[0].ID}})
		storetest.WantErr(t, err, "present", "既是")
		visit, err := f.svc.Duties.RecordActivity(f.OfficeCtx, f.Office, duties.ActivityInput{CommitteeID: f.C.ID, Kind: "supervision_visit", ProposalID: p.ID, Title: "主席会议督办老旧小区改造",
			HeldOn: date.New(2026, 3, 1), Lead: "王副主席", Present: []int64{f.Members[0].ID, f.Members[1].ID}, Leave: []int64{f.Members[2].ID}})
		if err != nil || len(visit.Attendance) != 3 || visit.ProposalTitle != p.Title {
			t.Fatalf("supervision: %+v %v", visit, err)
		}
		if _, err := f.svc.Duties.RecordActivity(f.OfficeCtx, f.Office, duties.ActivityInput{CommitteeID: f.C.ID, Kind: "inspection", Title: "视察生态环境保护", HeldOn: date.New(2026, 2, 20),
			Reports: 2, Present: []int64{f.Members[0].ID}, Absent: []int64{f.Members[2].ID}}); err != nil {
			t.Fatal(err)
		}
		rec, err := f.svc.Duties.RecordActivity(f.OfficeCtx, f.Office, duties.ActivityInput{CommitteeID: f.C.ID, Kind: "recommendation", Title: "关于加快城市更新的建议案", HeldOn: date.New(2026, 2, 25)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Duties.AddInstruction(f.OfficeCtx, f.Office, rec.ID, duties.InstructionInput{By: "市长", On: date.New(2026, 2, 28)})
		storetest.WantErr(t, err, "text", "批示内容")
		if rec, err = f.svc.Duties.AddInstruction(f.OfficeCtx, f.Office, rec.ID, duties.InstructionInput{By: "市长", On: date.New(2026, 2, 28), Text: "请住建局研究落实。", Adopted: "纳入城市更新行动方案"}); err != nil || len(rec.Instructions) != 1 {
			t.Fatalf("instruction: %+v %v", rec, err)
		}
		if _, err := f.svc.Duties.Activity(f.Ctx, store.ScopeOf(f.Other.Path), rec.ID); !apperr.IsNotFound(err) {
			t.Fatalf("another committee reads the activity: %v", err)
		}
		part := f.partOf(p, f.Lead)
		p = f.ok(f.svc.Remind(f.OfficeCtx, f.Office, part, "请加快办理"))
		if e := p.Events[len(p.Events)-1]; e.Action != "remind" || !strings.Contains(e.Note, "催办江城市发展和改革委员会") || !strings.Contains(e.Note, "请加快办理") {
			t.Fatalf("催办 not recorded: %+v", e)
		}
		f.want(map[string]int64{"key": 1, "act:supervision_visit": 1, "act:inspection": 1, "reports:inspection": 2, "act:recommendation": 1,
			"instructions": 1, "instructions:adopted": 1})

		// The records: member 0 proposed two (both filed, one key), attended the supervision and the inspection.
		r0, err := f.svc.Duties.Record(f.AsMember[0], f.Office, cppcc.ViewMember, 0, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"proposal": 2, "filed": 2, "key": 1, "supervision": 1, "inspection": 1}
		if fmt.Sprint(r0.Counts) != fmt.Sprint(want) || r0.Points != 2*2+2*2+5+2+2 {
			t.Fatalf("member 0's record: %v = %d", r0.Counts, r0.Points)
		}
		sum := 0
		for _, e := range r0.Entries {
			sum += e.Points
		}
		if sum != r0.Points {
			t.Fatalf("entries add up to %d, the record says %d", sum, r0.Points)
		}
		rank, err := f.svc.Duties.Ranking(f.Ctx, f.Office, f.C.ID, 2026)
		if err != nil || len(rank) != 3 {
			t.Fatalf("ranking: %+v %v", rank, err)
		}
		for _, l := range rank {
			r, err := f.svc.Duties.Record(f.Ctx, f.Office, cppcc.ViewOffice, l.Member.ID, 2026)
			if err != nil || r.Points != l.Points {
				t.Errorf("%s: the list says %d, the record %d (%v)", l.Member.Name, l.Points, r.Points, err)
			}
		}
		if rank[0].Member.ID != f.Members[0].ID || rank[0].Rank != 1 || rank[2].Member.ID != f.Members[2].ID || rank[2].Points != -3 {
			t.Fatalf("ranking: %+v", rank)
		}
		// A committee's own points: one proposal counted a year.
		if _, err := db.ExecContext(f.Ctx, `UPDATE committees SET rules = $1 WHERE id = $2`, `{"points": {"proposal": {"points": 2, "cap": 1}, "filed": {"points": 2}}}`, f.C.ID); err != nil {
			t.Fatal(err)
		}
		r0, _ = f.svc.Duties.Record(f.AsMember[0], f.Office, cppcc.ViewMember, 0, 2026)
		var counted []bool
		for _, e := range r0.Entries {
			if e.Item == "proposal" {
				counted = append(counted, e.Counted)
			}
		}
		if r0.Points != 2+2*2 || fmt.Sprint(counted) != "[true false]" {
			t.Fatalf("with a cap of one proposal: %d %+v", r0.Points, r0.Entries)
		}
		storetest.NoMismatch(t, db)
	})
}

// The year's selections count in the records; a co-signer adds a view once
// the proposal is answered; a committee edits its own lists.
func TestHonoursCommentsAndLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 2026, 3, 2)
		p := f.ok(f.svc.Submit(f.AsMember[0], f.Office, f.draft(true).ID))
		_, err := f.svc.Comment(f.AsMember[1], f.Office, p.ID, "同意")
		if err == nil {
			t.Fatal("a co-signer commented before confirming")
		}
		p = f.ok(f.svc.Sign(f.AsMember[1], f.Office, p.ID, true))
		p = f.ok(f.svc.Review(f.OfficeCtx, f.Office, p.ID, cppcc.ReviewInput{Action: "file"}))
		p = f.ok(f.svc.Assign(f.OfficeCtx, f.Office, p.ID, cppcc.AssignInput{Lead: f.Lead.ID}))
		if _, err := f.svc.Comment(f.AsMember[1], f.Office, p.ID, "同意"); err == nil {
			t.Fatal("a co-signer commented before the reply")
		}
		p = f.ok(f.svc.Reply(f.Ctx, store.ScopeOf(f.Lead.Path), f.partOf(p, f.Lead), cppcc.ReplyInput{Class: "A", Text: "已解决", Contact: "phone"}))
		p = f.ok(f.svc.Comment(f.AsMember[1], f.Office, p.ID, "希望尽快落实到各社区"))
		if e := p.Events[len(p.Events)-1]; e.Action != "comment" || e.Note != "希望尽快落实到各社区" {
			t.Fatalf("the comment: %+v", e)
		}
		if _, err := f.svc.Comment(f.AsMember[2], f.Office, p.ID, "同意"); err == nil {
			t.Fatal("a member not co-signing commented")
		}
		_, err = f.svc.Duties.AddHonour(f.OfficeCtx, f.Office, duties.HonourInput{CommitteeID: f.C.ID, Year: 2026, Kind: "excellent_proposal", ProposalID: f.ok(f.svc.Submit(f.AsMember[0], f.Office, f.draft(false).ID)).ID})
		storetest.WantErr(t, err, "proposal_id", "已立案")
		if _, err := f.svc.Duties.AddHonour(f.OfficeCtx, f.Office, duties.HonourInput{CommitteeID: f.C.ID, Year: 2026, Kind: "excellent_proposal", ProposalID: p.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Duties.AddHonour(f.OfficeCtx, f.Office, duties.HonourInput{CommitteeID: f.C.ID, Year: 2026, Kind: "excellent_proposal", ProposalID: p.ID}); err == nil {
			t.Fatal("a proposal honoured twice")
		}
		if _, err := f.svc.Duties.AddHonour(f.OfficeCtx, f.Office, duties.HonourInput{CommitteeID: f.C.ID, Year: 2026, Kind: "active_member", MemberID: f.Members[2].ID}); err != nil {
			t.Fatal(err)
		}
		hs, err := f.svc.Duties.Honours(f.Ctx, f.Office, f.C.ID, 2026)
		if err != nil || len(hs) != 2 {
			t.Fatalf("honours: %+v %v", hs, err)
		}
		rank, _ := f.svc.Duties.Ranking(f.Ctx, f.Office, f.C.ID, 2026)
		for _, l := range rank {
			r, _ := f.svc.Duties.Record(f.Ctx, f.Office, cppcc.ViewOffice, l.Member.ID, 2026)
			if r.Points != l.Points {
				t.Errorf("%s: the list %d, the record %d", l.Member.Name, l.Points, r.Points)
			}
			switch l.Member.ID {
			case f.Members[0].ID:
				if l.Counts["excellent"] != 1 {
					t.Errorf("the first proposer's excellent proposal: %v", l.Counts)
				}
			case f.Members[2].ID:
				if l.Counts["active"] != 1 {
					t.Errorf("the active member: %v", l.Counts)
				}
			}
		}
		_, err = f.svc.SetList(f.OfficeCtx, f.Office, f.C.ID, "category", []string{"经济", "经济"})
		storetest.WantErr(t, err, "names", "重复")
		if _, err := f.svc.SetList(f.OfficeCtx, f.Office, f.C.ID, "category", []string{"经济建设", "乡村振兴", "其他"}); err != nil {
			t.Fatal(err)
		}
		in := cppcc.Input{CommitteeID: f.C.ID, Title: "关于发展乡村旅游的建议", Category: "乡村振兴", Way: "member", Public: true, Content: "乡村旅游资源丰富但开发不足,建议统一规划、完善设施、培育品牌。"}
		if _, err := f.svc.Draft(f.AsMember[0], f.Office, cppcc.ViewMember, in); err != nil {
			t.Fatalf("a draft in the new category: %v", err)
		}
		in.Category = "社会建设"
		_, err = f.svc.Draft(f.AsMember[0], f.Office, cppcc.ViewMember, in)
		storetest.WantErr(t, err, "category", "不在本政协的类别中")
	})
}

// TestCommitteeWorkStaysInOneProvince runs, on a Citus cluster, a provincial
// committee's work through connections that refuse any statement planned on
// more than one shard: the office's board, review and assignment, a member's
// drafting, co-signing and evaluation, a unit's inbox and reply, the
// activities and the records. Each is answered by the province's worker.
func TestCommitteeWorkStaysInOneProvince(t *testing.T) {
	db := storetest.Citus(t)
	ctx := context.Background()
	box, _ := secret.New([]byte(strings.Repeat("c", 32)))
	day := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	now := func() time.Time { return day }
	setup := &cppcc.Service{Service: &committee.Service{DB: db, Box: box, Now: now}}
	national, err := setup.NewCommittee(ctx, nil, "全国政协", "national")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{Fixture: &cppcctest.Fixture{Fixture: &committeetest.Fixture{T: t, Ctx: ctx, DB: db, Committees: setup.Service, Day: day}, Core: setup}}
	f.C = committeetest.OK(setup.NewCommittee(ctx, &national.ID, "江南省政协", "province"))(t)
	f.Office = store.ScopeOf(f.C.Path)
	term, err := setup.NewTerm(ctx, f.Office, f.C.ID, 13, date.New(2023, 1, 1), date.New(2027, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.NewSession(ctx, f.Office, term.ID, 4, date.New(2026, 1, 10), date.New(2026, 1, 14)); err != nil {
		t.Fatal(err)
	}
	f.Lead = committeetest.OK(setup.NewUnit(ctx, f.Office, f.C.ID, "省发展改革委"))(t)
	f.Co = committeetest.OK(setup.NewUnit(ctx, f.Office, f.C.ID, "省财政厅"))(t)
	authn := &auth.Service{DB: db}
	for i, name := range []string{"省委员甲", "省委员乙"} {
		u, err := authn.CreateUser(ctx, auth.NewUser{Username: fmt.Sprintf("sw%d", i), Password: "Tq7#mwLp2xZa"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := setup.AddMember(ctx, f.Office, committee.MemberInput{CommitteeID: f.C.ID, TermID: term.ID, Name: name, Sex: "女", Sector: "经济界", Party: "九三学社", UserID: &u.ID})
		if err != nil {
			t.Fatal(err)
		}
		f.Members = append(f.Members, m)
		f.AsMember = append(f.AsMember, audit.WithActor(ctx, audit.Actor{UserID: u.ID, Username: u.Username}))
	}
	f.OfficeCtx = audit.WithActor(ctx, audit.Actor{Username: "szx"})
	guarded, err := store.Open(ctx, db.URL+"&options=-c%20citus.multi_task_query_log_level%3Derror")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { guarded.Close() })
	guarded.Signer = db.Signer
	f.svc = New(guarded, box, now)

	p := f.ok(f.svc.Submit(f.AsMember[0], f.Office, f.draft(true).ID))
	p = f.ok(f.svc.Sign(f.AsMember[1], f.Office, p.ID, true))
	if _, err := f.svc.List(ctx, f.Office, cppcc.ViewOffice, cppcc.Filter{CommitteeID: f.C.ID, State: "submitted"}, store.Page{}); err != nil {
		t.Fatalf("the office's list: %v", err)
	}
	p = f.ok(f.svc.Review(f.OfficeCtx, f.Office, p.ID, cppcc.ReviewInput{Action: "file"}))
	p = f.ok(f.svc.Assign(f.OfficeCtx, f.Office, p.ID, cppcc.AssignInput{Lead: f.Lead.ID, Co: []int64{f.Co.ID}}))
	f.ok(f.svc.MarkKey(f.OfficeCtx, f.Office, p.ID, "副主席"))
	if _, err := f.svc.Inbox(ctx, store.ScopeOf(f.Lead.Path), true, store.Page{}); err != nil {
		t.Fatalf("the unit's inbox: %v", err)
	}
	f.ok(f.svc.Opinion(ctx, store.ScopeOf(f.Co.Path), f.partOf(p, f.Co), "同意"))
	f.ok(f.svc.Reply(ctx, store.ScopeOf(f.Lead.Path), f.partOf(p, f.Lead), cppcc.ReplyInput{Class: "A", Text: "已解决", Contact: "phone", LetterName: "答复.pdf", Letter: []byte("%PDF-1.4\n")}))
	p = f.ok(f.svc.Evaluate(f.AsMember[0], f.Office, p.ID, cppcc.EvaluateInput{Attitude: "满意", Result: "满意"}))
	if _, err := f.svc.Figures(ctx, f.Office, f.C.ID, cppcc.Period{From: 202601, To: 202612}, true); err != nil {
		t.Fatalf("the figures: %v", err)
	}
	if _, err := f.svc.List(f.AsMember[1], f.Office, cppcc.ViewMember, cppcc.Filter{Mine: true}, store.Page{}); err != nil {
		t.Fatalf("a member's list: %v", err)
	}
	a, err := f.svc.Duties.RecordActivity(f.OfficeCtx, f.Office, duties.ActivityInput{CommitteeID: f.C.ID, Kind: "supervision_visit", ProposalID: p.ID, Title: "督办", HeldOn: date.New(2026, 3, 1),
		Present: []int64{f.Members[0].ID}})
	if err != nil {
		t.Fatalf("an activity: %v", err)
	}
	if _, err := f.svc.Duties.AddInstruction(f.OfficeCtx, f.Office, a.ID, duties.InstructionInput{By: "省长", On: date.New(2026, 3, 2), Text: "请研究"}); err != nil {
		t.Fatalf("an instruction: %v", err)
	}
	if _, err := f.svc.Duties.Record(f.AsMember[0], f.Office, cppcc.ViewMember, 0, 2026); err != nil {
		t.Fatalf("a member's record: %v", err)
	}
	if _, err := f.svc.Duties.Ranking(ctx, f.Office, f.C.ID, 2026); err != nil {
		t.Fatalf("the year's list: %v", err)
	}
	if ms, err := Check(ctx, db); err != nil || len(ms) > 0 {
		t.Fatalf("figures: %v %+v", err, ms)
	}
}

// A member's 社情民意 item, edited into an issue and adopted at two levels:
// the item and each adoption in the member's performance record, with
// their points, and the same points in the year's ranking.
func TestOpinionsInTheRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newFixture(t, db, 2026, 3, 2)
		o, err := c.svc.Opinions.SubmitOpinion(c.AsMember[0], c.Office, cppcc.ViewMember, opinion.Input{Title: "老旧小区加装电梯推进难",
			Content: "近期走访发现,部分老旧小区加装电梯推进缓慢,主要原因是低层住户补偿标准不统一、审批环节多。建议出台统一的补偿指导标准,简化审批流程。"})
		if err != nil {
			t.Fatal(err)
		}
		o = committeetest.OK(c.svc.Opinions.ReviewOpinion(c.OfficeCtx, c.Office, o.ID, opinion.EditInput{Action: "edit", Title: "关于加快老旧小区加装电梯的建议", Content: o.Content}))(t)
		committeetest.OK(c.svc.Opinions.Compile(c.OfficeCtx, c.Office, opinion.IssueInput{CommitteeID: c.C.ID, Mode: "single", Signer: "张主任", Items: []int64{o.ID}}))(t)
		committeetest.OK(c.svc.Opinions.Adopt(c.OfficeCtx, c.Office, o.ID, opinion.AdoptionInput{Level: "city", Kind: "adopted"}))(t)
		committeetest.OK(c.svc.Opinions.Adopt(c.OfficeCtx, c.Office, o.ID, opinion.AdoptionInput{Level: "province", Kind: "instruction", By: "副省长", Text: "请住建厅研究"}))(t)

		rec, err := c.svc.Duties.Record(c.AsMember[0], c.Office, cppcc.ViewMember, 0, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Counts["opinion"] != 1 || rec.Counts["opinion_adopted"] != 1 || rec.Counts["opinion_instruction"] != 1 {
			t.Errorf("the record counts %v", rec.Counts)
		}
		if want := committee.DefaultPoints["opinion"].Points + committee.DefaultPoints["opinion_adopted"].Points + committee.DefaultPoints["opinion_instruction"].Points; rec.Points != want {
			t.Errorf("record points %d, want %d", rec.Points, want)
		}
		rank, err := c.svc.Duties.Ranking(c.Ctx, c.Office, c.C.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if rank[0].Member.ID != c.Members[0].ID || rank[0].Points != rec.Points {
			t.Errorf("the ranking's first line %+v, record %d", rank[0], rec.Points)
		}
		c.want(nil)
	})
}
