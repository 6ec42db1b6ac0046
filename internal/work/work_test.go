package work_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/fixture"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
	"dangjian/internal/work"
)

var clock = fixture.Day // 2026-06-30 12:00 in Beijing

// records is the fixture's tree and users with the work service's helpers:
// the street administrator enters (maker), the branch secretary approves
// (checker).
type records struct {
	*fixture.Fixture
	maker, checker context.Context
}

func newFixture(t *testing.T, db *store.DB) *records {
	f := &records{Fixture: fixture.New(t, db)}
	f.maker = f.Users["org_admin"].Acting(f.Ctx)
	f.checker = f.Users["secretary"].Acting(f.Ctx)
	return f
}

// kind is the record kind of that name.
func kind(name string) *work.Kind {
	k, ok := work.KindOf(name)
	if !ok {
		panic("no kind " + name)
	}
	return k
}

func (f *records) person(o org.Org, name string) member.Member {
	f.T.Helper()
	idn, eth, edu, stage := f.IDNumber("1980-01-01", true), "汉族", "大学本科", "full"
	j, fu := date.New(2010, 7, 1), date.New(2011, 7, 1)
	m, err := f.Members.Create(f.Ctx, store.All, member.Input{OrgID: &o.ID, Name: &name, IDNumber: &idn, Ethnicity: &eth, Education: &edu, Stage: &stage, JoinedOn: &j, FullOn: &fu})
	if err != nil {
		f.T.Fatal(err)
	}
	return m
}

func (f *records) save(ctx context.Context, sc store.Scope, name string, id int64, in work.Input) work.Record {
	f.T.Helper()
	r, err := f.Work.Save(ctx, sc, kind(name), id, in)
	if err != nil {
		f.T.Fatalf("save %s: %v", name, err)
	}
	return r
}

func (f *records) act(ctx context.Context, name string, id int64, action string, in work.Input) (work.Record, error) {
	return f.Work.Act(ctx, store.All, kind(name), id, action, in)
}

func (f *records) figure(o org.Org, key string) int64 {
	f.T.Helper()
	m, err := stats.Read(f.Ctx, f.DB, o.Path)
	if err != nil {
		f.T.Fatal(err)
	}
	return m[key]
}

var wantErr = storetest.WantErr

func pdf(name string) []byte { return []byte("%PDF-1.4\n" + name + "\n%%EOF") }

// samples are one valid input of every kind, for a record in org o whose
// people are called name; parents holds the ids of the records made before.
func (f *records) samples(o org.Org, name string, parents map[string]int64, file int64) map[string]work.Input {
	oid := o.ID
	return map[string]work.Input{
		"links":            {"org_id": oid, "kind": "党委成员联系", "person": "李委员", "post": "组织委员", "since": "2026-01-05"},
		"visits":           {"org_id": oid, "kind": "care", "visited_on": "2026-02-01", "visitor": "王书记", "target_kind": "member", "target_member": name, "money_fen": 50000, "goods": "米、油"},
		"pairings":         {"org_id": oid, "kind": "org_org", "helper": "市财政局机关党支部", "helped": "和平社区党支部", "started_on": "2026-01-10", "letter": file},
		"pairing_items":    {"parent_id": parents["pairings"], "side": "a", "content": "帮助修缮活动室", "due_on": "2026-09-30"},
		"pairing_progress": {"parent_id": parents["pairing_items"], "on_date": "2026-03-01", "note": "已完成设计", "evidence": file},
		"funds":            {"org_id": oid, "name": "党员关爱基金", "source": "县委组织部划拨", "set_on": "2026-01-01", "budget_fen": 1000000},
		"disbursements":    {"parent_id": parents["funds"], "member": name, "purpose": "assistance", "amount_fen": 80000, "reason": "困难帮扶"},
		"cobuilds":         {"org_id": oid, "partner": "区税务局", "signed_on": "2026-03-01", "until": "2027-02-28", "content": "共建文明街区"},
		"cobuild_items":    {"parent_id": parents["cobuilds"], "content": "联合开展主题党日", "due_on": "2026-07-01"},
		"posts":            {"org_id": oid, "kind": "model", "name": "便民服务示范岗", "member": name, "since": "2026-01-01"},
		"activities":       {"org_id": oid, "kind": "volunteer", "title": "清洁家园", "held_on": "2026-04-12", "place": "和平广场"},
		"activity_people":  {"parent_id": parents["activities"], "member": name, "hours": 3},
		"trainings":        {"org_id": oid, "title": "党员冬训", "starts_on": "2026-01-15", "ends_on": "2026-01-17", "hours": 16, "organiser": "街道党工委"},
		"training_people":  {"parent_id": parents["trainings"], "member": name, "passed": "结业"},
		"sites":            {"org_id": oid, "name": "和平社区终端站", "place": "社区服务中心二楼", "state": "normal"},
		"exchanges":        {"org_id": oid, "kind": "down", "person": "赵干部", "to_place": "和平村", "post": "第一书记", "starts_on": "2026-03-01"},
		"cultivations":     {"org_id": oid, "kind": "member_to_leader", "person": name, "on_date": "2026-05-01", "notes": "创办合作社"},
		"candidates":       {"org_id": oid, "name": "钱候选", "sex": "女", "birth_year": 1975, "level": "township", "source": "former_secretary", "grade": "优秀"},
		"talent_requests":  {"org_id": oid, "enterprise": "宏达机械有限公司", "post": "专职党务工作者", "asked_on": "2026-02-01"},
		"selections":       {"parent_id": parents["talent_requests"], "candidate": parents["candidates"]},
		"reviews":          {"parent_id": parents["selections"], "year": 2026, "score_board": 80, "score_members": 70, "score_superior": 90, "weight_board": 40, "weight_members": 30, "weight_superior": 30},
	}
}

// TestEveryKind makes, lists, changes and deletes a record of every kind
// within the caller's scope, keeping the figures equal to a recount, and
// shows that a caller scoped to the other street sees none of them.
func TestEveryKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.person(f.BranchA, "孙党员")
		scA := store.ScopeOf(f.StreetA.Path)
		scB := store.ScopeOf(f.StreetB.Path)
		att, err := f.Work.Upload(f.maker, scA, f.BranchA.ID, "承诺书.pdf", pdf("a"))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, k := range work.Kinds {
			in := f.samples(f.BranchA, "孙党员", ids, att.ID)[k.Name]
			if in == nil {
				t.Fatalf("no sample of %s", k.Name)
			}
			if k.Name == "reviews" {
				sel := ids["selections"]
				for _, step := range []string{"choose", "accept", "appoint"} {
					if _, err := f.act(f.checker, "selections", sel, step, work.Input{"pay_grade": "2", "contract": att.ID, "duty_letter": att.ID}); err != nil {
						t.Fatalf("%s: %v", step, err)
					}
				}
			}
			r := f.save(f.maker, scA, k.Name, 0, in)
			ids[k.Name] = r.ID
			if r.OrgID != f.BranchA.ID {
				t.Errorf("%s stored at org %d, want %d", k.Name, r.OrgID, f.BranchA.ID)
			}
			l, err := f.Work.List(f.Ctx, scA, k, work.Filter{OrgID: f.StreetA.ID}, store.Page{})
			if err != nil || l.Total != 1 || l.Items[0].ID != r.ID {
				t.Errorf("%s: list within street A = %+v, %v", k.Name, l, err)
			}
			if l, err := f.Work.List(f.Ctx, scB, k, work.Filter{}, store.Page{}); err != nil || l.Total != 0 {
				t.Errorf("%s: street B sees %d records (%v)", k.Name, l.Total, err)
			}
			if _, err := f.Work.Get(f.Ctx, scB, k, r.ID); err == nil {
				t.Errorf("%s: street B reads a record of street A", k.Name)
			}
			if _, err := f.Work.Save(f.maker, scB, k, r.ID, work.Input{}); err == nil {
				t.Errorf("%s: street B changes a record of street A", k.Name)
			}
			if k.Parent == "" {
				bad := maps.Clone(in)
				bad["org_id"] = f.BranchA.ID
				if _, err := f.Work.Save(f.maker, scB, k, 0, bad); err == nil {
					t.Errorf("%s: street B adds a record to street A", k.Name)
				}
			}
		}
		f.NoMismatch()
		if got := f.figure(f.City, "visits_fen@2026-02"); got != 50000 {
			t.Errorf("city visit money %d, want 50000", got)
		}
		if got := f.figure(f.StreetB, "visits@2026-02"); got != 0 {
			t.Errorf("street B counts street A's visit: %d", got)
		}
		// A changed parent date moves its children's figures.
		f.save(f.maker, scA, "trainings", ids["trainings"], work.Input{"starts_on": "2026-03-15", "ends_on": "2026-03-16"})
		if a, b := f.figure(f.City, "trained@2026-01"), f.figure(f.City, "trained@2026-03"); a != 0 || b != 1 {
			t.Errorf("trained by month after the training moved: Jan %d, Mar %d", a, b)
		}
		f.NoMismatch()
		// A record with records under it stays.
		err = f.Work.Delete(f.maker, scA, kind("pairings"), ids["pairings"])
		wantErr(t, err, "", "请先删除")
		// Delete children before parents: every figure returns to zero.
		for i := len(work.Kinds) - 1; i >= 0; i-- {
			k := work.Kinds[i]
			err := f.Work.Delete(f.maker, scA, k, ids[k.Name])
			switch k.Name {
			case "selections": // appointed, so kept, and with it its request and candidate
				wantErr(t, err, "", "不能修改或删除")
				continue
			case "talent_requests":
				wantErr(t, err, "", "请先删除")
				continue
			case "candidates":
				wantErr(t, err, "", "不能删除")
				continue
			}
			if err != nil {
				t.Fatalf("delete %s: %v", k.Name, err)
			}
		}
		f.NoMismatch()
		if got := f.figure(f.City, "visits@2026-02"); got != 0 {
			t.Errorf("visits after delete: %d", got)
		}
	})
}

// TestFundRace approves more disbursements at once than the fund can pay:
// the balance never goes below zero, on both databases.
func TestFundRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.person(f.BranchA, "周党员")
		fund := f.save(f.maker, store.All, "funds", 0, work.Input{"org_id": f.BranchA.ID, "name": "关爱基金", "source": "党费", "set_on": "2026-01-01", "budget_fen": 100000})
		var ids []int64
		for i := 0; i < 8; i++ {
			d := f.save(f.maker, store.All, "disbursements", 0, work.Input{"parent_id": fund.ID, "member": "周党员", "purpose": "reward", "amount_fen": 30000, "reason": "优秀党员奖励"})
			ids = append(ids, d.ID)
		}
		// The maker may not approve their own entry.
		_, err := f.act(f.maker, "disbursements", ids[0], "approve", nil)
		wantErr(t, err, "", "另一名用户")
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.act(f.checker, "disbursements", id, "approve", nil)
			}()
		}
		wg.Wait()
		approved := 0
		for _, err := range errs {
			if err == nil {
				approved++
				continue
			}
			wantErr(t, err, "", "余额不足")
		}
		got, err := f.Work.Get(f.Ctx, store.All, kind("funds"), fund.ID)
		if err != nil {
			t.Fatal(err)
		}
		if approved != 3 || got.Int("balance_fen") != 10000 {
			t.Fatalf("approved %d, balance %d fen; want 3 approved and 10000 fen left", approved, got.Int("balance_fen"))
		}
		if paid := f.figure(f.City, "fund_paid_fen@2026-06"); paid != 90000 {
			t.Errorf("paid figure %d, want 90000", paid)
		}
		// An approved entry is settled; a budget below what was paid is refused.
		_, err = f.act(f.checker, "disbursements", ids[0], "approve", nil)
		if err == nil {
			t.Error("approved twice")
		}
		_, err = f.Work.Save(f.maker, store.All, kind("funds"), fund.ID, work.Input{"budget_fen": 50000})
		wantErr(t, err, "budget_fen", "不能少于已批准发放")
		f.save(f.maker, store.All, "funds", fund.ID, work.Input{"budget_fen": 150000})
		got, _ = f.Work.Get(f.Ctx, store.All, kind("funds"), fund.ID)
		if got.Int("balance_fen") != 60000 {
			t.Errorf("balance after raising the budget: %d, want 60000", got.Int("balance_fen"))
		}
		f.NoMismatch()
	})
}

// TestSelectionSteps refuses every illegal step of two-way selection.
func TestSelectionSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		att, err := f.Work.Upload(f.maker, store.All, f.StreetA.ID, "合同.pdf", pdf("c"))
		if err != nil {
			t.Fatal(err)
		}
		cand := f.save(f.maker, store.All, "candidates", 0, work.Input{"org_id": f.StreetA.ID, "name": "吴候选", "sex": "male", "birth_year": 1970, "level": "township", "source": "veteran", "grade": "good"})
		req := f.save(f.maker, store.All, "talent_requests", 0, work.Input{"org_id": f.StreetA.ID, "enterprise": "宏达公司", "post": "党务工作者", "asked_on": "2026-03-01"})
		appoint := work.Input{"pay_grade": "2", "contract": att.ID, "duty_letter": att.ID}
		legal := map[string][]string{"recommended": {"choose", "decline"}, "chosen": {"accept", "decline"}, "accepted": {"appoint", "decline"}}
		// reach walks a new selection to a state along the legal path.
		reach := func(state string) int64 {
			sel := f.save(f.maker, store.All, "selections", 0, work.Input{"parent_id": req.ID, "candidate": cand.ID})
			path := map[string][]string{"recommended": nil, "chosen": {"choose"}, "accepted": {"choose", "accept"},
				"appointed": {"choose", "accept", "appoint"}, "declined": {"decline"}}[state]
			for _, step := range path {
				if _, err := f.act(f.maker, "selections", sel.ID, step, work.Input{"pay_grade": "1", "contract": att.ID, "duty_letter": att.ID, "declined_by": "org"}); err != nil {
					t.Fatalf("%s on the way to %s: %v", step, state, err)
				}
			}
			return sel.ID
		}
		for _, state := range []string{"recommended", "chosen", "accepted", "declined"} {
			for _, step := range []string{"choose", "accept", "appoint", "decline"} {
				if slices.Contains(legal[state], step) {
					continue
				}
				id := reach(state)
				_, err := f.act(f.maker, "selections", id, step, work.Input{"pay_grade": "1", "contract": att.ID, "duty_letter": att.ID, "declined_by": "org"})
				wantErr(t, err, "", "不能办理")
				// Close it so the candidate is free for the next try.
				if state != "declined" {
					if _, err := f.act(f.maker, "selections", id, "decline", work.Input{"declined_by": "org"}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		// Appointment needs its pay grade and both files; declining needs who declined.
		id := reach("accepted")
		_, err = f.act(f.maker, "selections", id, "appoint", work.Input{"pay_grade": "2"})
		wantErr(t, err, "contract", "请填写聘用合同")
		_, err = f.Work.Save(f.maker, store.All, kind("selections"), 0, work.Input{"parent_id": req.ID, "candidate": cand.ID})
		wantErr(t, err, "candidate", "已推荐给这家企业")
		if _, err := f.act(f.maker, "selections", id, "appoint", appoint); err != nil {
			t.Fatal(err)
		}
		// Appointed: no step is legal any more, and the candidate cannot be put forward again.
		for _, step := range []string{"choose", "accept", "appoint", "decline"} {
			_, err := f.act(f.maker, "selections", id, step, work.Input{"declined_by": "org"})
			wantErr(t, err, "", "不能办理")
		}
		other := f.save(f.maker, store.All, "talent_requests", 0, work.Input{"org_id": f.StreetA.ID, "enterprise": "远航物流", "post": "党务工作者", "asked_on": "2026-04-01"})
		_, err = f.Work.Save(f.maker, store.All, kind("selections"), 0, work.Input{"parent_id": other.ID, "candidate": cand.ID})
		wantErr(t, err, "candidate", "已在其他企业聘任")
		// A report-back: weighted scores and the recommendation.
		rev := f.save(f.maker, store.All, "reviews", 0, work.Input{"parent_id": id, "year": 2026, "score_board": 50, "score_members": 60, "score_superior": 55,
			"weight_board": 50, "weight_members": 25, "weight_superior": 25})
		if rev.Int("total") != 54 || rev.Str("advice") != "dismiss" {
			t.Errorf("review total %d advice %s, want 54 dismiss", rev.Int("total"), rev.Str("advice"))
		}
		_, err = f.Work.Save(f.maker, store.All, kind("reviews"), 0, work.Input{"parent_id": id, "year": 2026, "score_board": 50, "score_members": 60, "score_superior": 55,
			"weight_board": 50, "weight_members": 30, "weight_superior": 30})
		wantErr(t, err, "weight_superior", "权重之和应为100")
		f.save(f.maker, store.All, "reviews", rev.ID, work.Input{"decision": "dismiss"})
		if f.figure(f.City, "review_dismiss") != 1 || f.figure(f.City, "talent_appointed@2026-06") != 1 {
			t.Error("appointment or decision not counted")
		}
		// A declined selection has no report-back.
		cand = f.save(f.maker, store.All, "candidates", 0, work.Input{"org_id": f.StreetA.ID, "name": "陈候选", "sex": "male", "birth_year": 1980, "level": "city", "source": "other", "grade": "good"})
		_, err = f.Work.Save(f.maker, store.All, kind("reviews"), 0, work.Input{"parent_id": reach("declined"), "year": 2026, "score_board": 50, "score_members": 60,
			"score_superior": 55, "weight_board": 50, "weight_members": 25, "weight_superior": 25})
		wantErr(t, err, "", "只有已聘任的人选")
		f.NoMismatch()
	})
}

// TestCommitments follows a commitment letter's items to overdue and fulfilled.
func TestCommitments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		mobile := f.person(f.BranchA, "郑流动")
		if _, err := f.Members.RegisterMobile(f.Ctx, store.All, member.MobileInput{Kind: "out", MemberID: mobile.ID, PresentPlace: "深圳", Since: date.New(2026, 1, 1)}); err != nil {
			t.Fatal(err)
		}
		f.save(f.maker, store.All, "visits", 0, work.Input{"org_id": f.BranchA.ID, "kind": "visit", "visited_on": "2026-05-02", "visitor": "王书记", "target_kind": "member", "target_member": "郑流动"})
		if f.figure(f.StreetA, "visits_mobile@2026-05") != 1 {
			t.Error("a visit to a mobile member is not counted as such")
		}
		p := f.save(f.maker, store.All, "pairings", 0, work.Input{"org_id": f.BranchA.ID, "kind": "cadre_person", "helper": "李干部", "helped": "困难户张某", "started_on": "2026-01-01"})
		late := f.save(f.maker, store.All, "pairing_items", 0, work.Input{"parent_id": p.ID, "side": "a", "content": "联系就业", "due_on": "2026-06-01"})
		soon := f.save(f.maker, store.All, "pairing_items", 0, work.Input{"parent_id": p.ID, "side": "b", "content": "参加技能培训", "due_on": "2026-07-03"})
		f.save(f.maker, store.All, "pairing_items", 0, work.Input{"parent_id": p.ID, "side": "a", "content": "年底回访", "due_on": "2026-12-20"})
		if late.Names["status"] != "已逾期" {
			t.Errorf("an item past its date shows %q", late.Names["status"])
		}
		live, err := f.Work.LiveFigures(f.Ctx, store.All, f.StreetA.ID)
		if err != nil || live.Overdue != 1 || live.DueSoon != 1 || live.Unlinked != 1 {
			t.Errorf("live figures %+v, %v; want 1 overdue, 1 due soon, 1 unlinked branch", live, err)
		}
		soonList, err := f.Work.List(f.Ctx, store.All, kind("pairing_items"), work.Filter{OrgID: f.StreetA.ID, View: "soon"}, store.Page{})
		if err != nil || soonList.Total != 1 || soonList.Items[0].ID != soon.ID {
			t.Errorf("due soon: %+v %v", soonList, err)
		}
		if _, err := f.act(f.maker, "pairing_items", late.ID, "start", nil); err != nil {
			t.Fatal(err)
		}
		done, err := f.act(f.maker, "pairing_items", late.ID, "fulfil", work.Input{"fulfilled_on": "2026-06-20"})
		if err != nil || done.Names["status"] != "已兑现" {
			t.Fatalf("fulfil: %+v %v", done.Names, err)
		}
		_, err = f.act(f.maker, "pairing_items", late.ID, "start", nil)
		wantErr(t, err, "", "不能办理")
		if f.figure(f.City, "commit_done@2026-06") != 1 || f.figure(f.City, "commit_open") != 2 || f.figure(f.City, "commit_items") != 3 {
			t.Error("commitment figures wrong after fulfilment")
		}
		// Taken back the same day: open again, its date cleared, the figures with it; once more, and it is refused.
		undone, err := f.act(f.maker, "pairing_items", late.ID, "unfulfil", nil)
		if err != nil || undone.Str("status") != "in_progress" || !undone.Date("fulfilled_on").IsZero() {
			t.Fatalf("unfulfil: %+v %v", undone.V, err)
		}
		if f.figure(f.City, "commit_done@2026-06") != 0 || f.figure(f.City, "commit_open") != 3 {
			t.Error("commitment figures wrong after the undo")
		}
		_, err = f.act(f.maker, "pairing_items", late.ID, "unfulfil", nil)
		wantErr(t, err, "", "不能办理")
		if _, err := f.act(f.maker, "pairing_items", late.ID, "fulfil", work.Input{"fulfilled_on": "2026-06-20"}); err != nil {
			t.Fatal(err)
		}
		// A day and more later it stands.
		later := app.New(f.DB, f.Box, app.Settings{Now: func() time.Time { return clock.Add(work.UndoWindow + time.Minute) }}).Work
		_, err = later.Act(f.maker, store.All, kind("pairing_items"), late.ID, "unfulfil", nil)
		wantErr(t, err, "", "只能在办理后24小时内撤销")
		f.save(f.maker, store.All, "links", 0, work.Input{"org_id": f.BranchA.ID, "kind": "instructor", "person": "党建指导员甲", "since": "2026-01-01"})
		live, _ = f.Work.LiveFigures(f.Ctx, store.All, f.StreetA.ID)
		if live.Overdue != 0 || live.Unlinked != 0 {
			t.Errorf("after fulfilment and a link: %+v", live)
		}
		f.NoMismatch()
	})
}

// TestInputMessages names the field and the reason of each bad value.
func TestInputMessages(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	f.person(f.BranchB, "冯党员")
	_, err := f.Work.Save(f.maker, store.ScopeOf(f.StreetA.Path), kind("visits"), 0, work.Input{"org_id": f.BranchA.ID, "kind": "拜年",
		"visited_on": "2026/13/01", "target_kind": "member", "target_member": "冯党员", "money_fen": "12.5"})
	ae, _ := apperr.As(err)
	if ae == nil {
		t.Fatal("bad visit accepted")
	}
	want := map[string]string{"kind": "应为走访、慰问、谈心谈话之一", "visited_on": "格式不对", "target_member": "没有党员“冯党员”",
		"money_fen": "不是以分为单位的整数金额", "visitor": "请填写走访人"}
	for _, fe := range ae.Fields {
		if w, ok := want[fe.Field]; ok && strings.Contains(fe.Message, w) {
			delete(want, fe.Field)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing messages %v in %+v", want, ae.Fields)
	}
	if n, ok := work.ParseYuan("1,200.5元"); !ok || n != 120050 {
		t.Errorf("work.ParseYuan = %d %v", n, ok)
	}
	if _, ok := work.ParseYuan("12.345"); ok {
		t.Error("work.ParseYuan accepts thousandths of a yuan")
	}
	if work.Yuan(120005) != "1,200.05" || work.Yuan(-100000000) != "-1,000,000.00" || work.Yuan(5) != "0.05" {
		t.Errorf("work.Yuan = %s %s %s", work.Yuan(120005), work.Yuan(-100000000), work.Yuan(5))
	}
	if v, ok := work.ParseYuan(work.Yuan(123456789)); !ok || v != 123456789 {
		t.Errorf("work.Yuan does not read back: %d", v)
	}
	if work.Grouped(1642) != "1,642" || work.Grouped(999) != "999" || work.Grouped(-1000) != "-1,000" || work.Grouped(1000000) != "1,000,000" {
		t.Error("work.Grouped")
	}
}

// TestAttachments keeps files to the accepted types and sizes, in scope, and in backups.
func TestAttachments(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFixture(t, db)
	scA := store.ScopeOf(f.StreetA.Path)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"a.exe", []byte("MZ"), "不接受"},
		{"a.pdf", []byte("<html><script>"), "内容不是PDF"},
		{"a.pdf", nil, "是空的"},
		{"a.pdf", append(pdf("x"), make([]byte, work.MaxAttachment)...), "超过10MB"},
	} {
		_, err := f.Work.Upload(f.maker, scA, f.BranchA.ID, c.name, c.data)
		wantErr(t, err, "file", c.want)
	}
	if _, err := f.Work.Upload(f.maker, scA, f.BranchB.ID, "a.pdf", pdf("x")); err == nil {
		t.Error("uploaded to an organisation out of scope")
	}
	a, err := f.Work.Upload(f.maker, scA, f.BranchA.ID, `C:\材料\合同.pdf`, pdf("合同"))
	if err != nil || a.Name != "合同.pdf" {
		t.Fatalf("upload: %+v %v", a, err)
	}
	if _, _, err := f.Work.Download(f.Ctx, store.ScopeOf(f.StreetB.Path), a.ID); err == nil {
		t.Error("street B downloads street A's file")
	}
	file := t.TempDir() + "/backup.db"
	if err := db.Backup(f.Ctx, file); err != nil {
		t.Fatal(err)
	}
	bdb, err := store.Open(f.Ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	_, data, err := app.New(bdb, f.Box, app.Settings{}).Work.Download(f.Ctx, store.All, a.ID)
	if err != nil || string(data) != string(pdf("合同")) {
		t.Errorf("backup holds %q, %v", data, err)
	}
}

// TestWanYuan: large sums read in 万元, rounded to the hundredth, and keep the exact amount beside.
func TestWanYuan(t *testing.T) {
	for fen, want := range map[int64]string{218_000_000: "218.00", 1_234_567_89: "123.46", 1_000_000: "1.00", 123_456_789_000: "123,456.79", -2_500_000: "-2.50"} {
		if got := work.WanYuan(fen); got != want {
			t.Errorf("work.WanYuan(%d) = %q, want %q", fen, got, want)
		}
	}
	lines := work.Summarize(map[string]int64{"fund_budget_fen": 218_000_000}, "2026-01", "2026-12")
	for _, l := range lines {
		if l.Key == "fund_budget_fen" && (l.Text != "218.00" || l.Unit != "万元" || l.Exact != "2,180,000.00 元") {
			t.Fatalf("the budget line: %+v", l)
		}
	}
}

// TestCompare: a period's figures beside the period before it and the same
// months a year earlier, with the change and its share.
func TestCompare(t *testing.T) {
	m := map[string]int64{"visits@2026-04": 3, "visits@2026-05": 2, "visits@2026-02": 1, "visits@2026-03": 1, "visits@2025-04": 4, "visits@2025-06": 9, "links:committee": 7}
	lines, p := work.Compare(m, "2026-04", "2026-05")
	if p.PrevFrom != "2026-02" || p.PrevTo != "2026-03" || p.YearFrom != "2025-04" || p.YearTo != "2025-05" {
		t.Fatalf("periods %+v", p)
	}
	for _, l := range lines {
		switch l.Key {
		case "visits":
			if l.Value != 5 || l.Prev != 2 || l.YearAgo != 4 {
				t.Fatalf("visits: %+v", l)
			}
			if d, pct := work.Change(l.Value, l.Prev); d != "+3" || pct != "150.0%" {
				t.Fatalf("change %q %q", d, pct)
			}
		case "links:committee":
			if l.Prev != 0 || l.YearAgo != 0 {
				t.Fatal("a present count is compared")
			}
		}
	}
	if d, pct := work.Change(3, 0); d != "+3" || pct != "" {
		t.Fatalf("against nothing: %q %q", d, pct)
	}
	if _, p := work.Compare(m, "2025-11", "2026-02"); p.PrevFrom != "2025-07" || p.PrevTo != "2025-10" {
		t.Fatalf("across a year: %+v", p)
	}
}
