package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// Work adds a year of grassroots work records to the city Load made, through
// the work service, so that the work figures are maintained as in real use:
// links, visits (some to mobile members), pairings with commitments (some
// fulfilled, some overdue), a fund with disbursements waiting for approval,
// co-building, posts, volunteer activities, training, cadre exchange, the
// three cultivations and the talent pool with two-way selection.
func Work(ctx context.Context, a *app.App, sum Summary, seed uint64, today time.Time) error {
	w := &workLoader{ctx: ctx, r: rand.New(rand.NewPCG(seed, seed^0x3019)), svc: a.Work, sum: sum, now: date.Of(today)}
	for _, step := range []func() error{w.links, w.visits, w.pairings, w.funds, w.cobuilding, w.activities, w.training, w.talent} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

type workLoader struct {
	ctx context.Context
	r   *rand.Rand
	svc *work.Service
	sum Summary
	now date.Date
}

func (w *workLoader) save(kind string, in work.Input) (work.Record, error) {
	k, _ := work.KindOf(kind)
	r, err := w.svc.Save(w.ctx, store.All, k, 0, in)
	if err != nil {
		return r, fmt.Errorf("demo %s: %w", kind, err)
	}
	return r, nil
}

func (w *workLoader) act(kind string, id int64, action string, in work.Input) error {
	k, _ := work.KindOf(kind)
	if _, err := w.svc.Act(w.ctx, store.All, k, id, action, in); err != nil {
		return fmt.Errorf("demo %s %s: %w", kind, action, err)
	}
	return nil
}

// daysAgo is a day up to n days before today.
func (w *workLoader) daysAgo(n int) string { return w.now.AddDate(0, 0, -w.r.IntN(n)-1).String() }

func (w *workLoader) branch() org.Org { return w.sum.branches[w.r.IntN(len(w.sum.branches))] }

func (w *workLoader) person(b org.Org) (member.Member, bool) {
	var in []member.Member
	for _, m := range w.sum.people {
		if m.OrgID == b.ID && m.Stage == "full" {
			in = append(in, m)
		}
	}
	if len(in) == 0 {
		return member.Member{}, false
	}
	return in[w.r.IntN(len(in))], true
}

// links: most branches have a committee member or an instructor; a few have no one.
func (w *workLoader) links() error {
	for i, b := range w.sum.branches {
		if i%9 == 8 {
			continue
		}
		kind, post := "committee", "党(工)委委员"
		if i%3 == 2 {
			kind, post = "instructor", "党建指导员"
		}
		if _, err := w.save("links", work.Input{"org_id": b.ID, "kind": kind, "person": anyName(w.r), "post": post, "since": w.daysAgo(700)}); err != nil {
			return err
		}
	}
	return nil
}

func (w *workLoader) visits() error {
	for i := 0; i < 60; i++ {
		b := w.branch()
		m, ok := w.person(b)
		in := work.Input{"org_id": b.ID, "kind": []string{"visit", "care", "talk"}[i%3], "visited_on": w.daysAgo(330), "visitor": anyName(w.r) + "(书记)"}
		if ok && i%4 != 3 {
			in["target_kind"], in["target_member"] = "member", m.ID
		} else {
			in["target_kind"], in["target_name"] = "household", anyName(w.r)+"家"
		}
		if i%3 == 1 {
			in["money_fen"], in["goods"] = int64(200+100*w.r.IntN(9))*100, "米、油"
		}
		if _, err := w.save("visits", in); err != nil {
			return err
		}
	}
	// Mobile members are visited where they are registered.
	for _, m := range w.sum.people {
		if m.MobileOut && w.r.IntN(2) == 0 {
			in := work.Input{"org_id": m.OrgID, "kind": "talk", "visited_on": w.daysAgo(200), "visitor": "流动党员联络员",
				"target_kind": "member", "target_member": m.ID, "notes": "电话、微信联系,了解在外务工情况"}
			if _, err := w.save("visits", in); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *workLoader) pairings() error {
	items := []string{"帮助联系就业岗位", "协调修缮住房", "落实子女助学", "指导发展庭院种植", "参加技能培训", "按时参加组织生活"}
	for i := 0; i < 8; i++ {
		b := w.branch()
		p, err := w.save("pairings", work.Input{"org_id": b.ID, "kind": []string{"org_org", "cadre_person"}[i%2],
			"helper": []string{"市财政局机关党支部", "街道干部" + anyName(w.r)}[i%2], "helped": []string{b.Name, "困难党员户" + anyName(w.r)}[i%2],
			"started_on": w.daysAgo(300)})
		if err != nil {
			return err
		}
		for j := 0; j < 3; j++ {
			due := w.now.AddDate(0, 0, w.r.IntN(200)-90)
			it, err := w.save("pairing_items", work.Input{"parent_id": p.ID, "side": []string{"a", "a", "b"}[j], "content": items[w.r.IntN(len(items))], "due_on": due.String()})
			if err != nil {
				return err
			}
			switch {
			case due.Before(w.now) && w.r.IntN(3) > 0:
				err = w.act("pairing_items", it.ID, "fulfil", work.Input{"fulfilled_on": due.AddDate(0, 0, -w.r.IntN(10)).String()})
			case w.r.IntN(2) == 0:
				err = w.act("pairing_items", it.ID, "start", nil)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// funds: a fund per street with disbursements waiting for a second user's approval.
func (w *workLoader) funds() error {
	f, err := w.save("funds", work.Input{"org_id": w.sum.Street.ID, "name": "党员关爱帮扶基金", "source": "区委组织部划拨、党费返还",
		"set_on": w.now.AddDate(0, -10, 0).String(), "budget_fen": int64(200000) * 100})
	if err != nil {
		return err
	}
	for i := 0; i < 8; i++ {
		b := w.branch()
		if !store.ScopeOf(w.sum.Street.Path).Contains(b.Path) {
			continue
		}
		m, ok := w.person(b)
		if !ok {
			continue
		}
		if _, err := w.save("disbursements", work.Input{"parent_id": f.ID, "member": m.ID, "purpose": []string{"reward", "assistance"}[i%2],
			"amount_fen": int64(500+500*w.r.IntN(4)) * 100, "reason": []string{"优秀共产党员奖励", "生活困难帮扶"}[i%2]}); err != nil {
			return err
		}
	}
	return nil
}

func (w *workLoader) cobuilding() error {
	for i, partner := range []string{"区税务局机关党委", "滨江供电公司党委", "市第一中学党总支"} {
		b := w.sum.branches[i*5%len(w.sum.branches)]
		c, err := w.save("cobuilds", work.Input{"org_id": b.ID, "partner": partner, "signed_on": w.daysAgo(300), "content": "资源共享、活动共办、党员共管"})
		if err != nil {
			return err
		}
		for _, item := range []string{"联合开展主题党日", "共建党员志愿服务队"} {
			it, err := w.save("cobuild_items", work.Input{"parent_id": c.ID, "content": item, "due_on": w.now.AddDate(0, 2, 0).String()})
			if err != nil {
				return err
			}
			if w.r.IntN(2) == 0 {
				if err := w.act("cobuild_items", it.ID, "done", work.Input{"done_on": w.daysAgo(30)}); err != nil {
					return err
				}
			}
		}
	}
	for i := 0; i < 12; i++ {
		b := w.branch()
		m, ok := w.person(b)
		if !ok {
			continue
		}
		kind := []string{"model", "vanguard", "zone"}[i%3]
		name := map[string]string{"model": "便民服务示范岗", "vanguard": "安全生产先锋岗", "zone": "楼栋党员责任区"}[kind]
		if _, err := w.save("posts", work.Input{"org_id": b.ID, "kind": kind, "name": name, "member": m.ID, "since": w.daysAgo(500)}); err != nil {
			return err
		}
	}
	return nil
}

func (w *workLoader) activities() error {
	for i := 0; i < 10; i++ {
		b := w.branch()
		a, err := w.save("activities", work.Input{"org_id": b.ID, "kind": []string{"volunteer", "public_benefit"}[i%2],
			"title": []string{"清洁家园", "关爱空巢老人", "文明交通劝导", "义务理发"}[i%4], "held_on": w.daysAgo(300), "place": b.Name + "活动室"})
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for j := 0; j < 6; j++ {
			m, ok := w.person(b)
			if !ok || seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			if _, err := w.save("activity_people", work.Input{"parent_id": a.ID, "member": m.ID, "hours": int64(2 + w.r.IntN(3))}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *workLoader) training() error {
	t, err := w.save("trainings", work.Input{"org_id": w.sum.Street.ID, "title": "党员冬训班", "starts_on": w.now.AddDate(0, -3, 0).String(),
		"ends_on": w.now.AddDate(0, -3, 2).String(), "hours": int64(16), "organiser": w.sum.Street.Name})
	if err != nil {
		return err
	}
	for _, m := range w.sum.people {
		if m.Stage == "full" && store.ScopeOf(w.sum.Street.Path).Contains(pathOf(w.sum.branches, m.OrgID)) && w.r.IntN(8) == 0 {
			if _, err := w.save("training_people", work.Input{"parent_id": t.ID, "member": m.ID, "passed": "yes"}); err != nil {
				return err
			}
		}
	}
	for i, b := range w.sum.branches {
		if i%4 != 0 {
			continue
		}
		state := "normal"
		if i%12 == 4 {
			state = "fault"
		}
		if _, err := w.save("sites", work.Input{"org_id": b.ID, "name": b.Name + "远程教育终端站", "place": b.Name + "党员活动室", "state": state,
			"keeper": anyName(w.r)}); err != nil {
			return err
		}
	}
	for i := 0; i < 10; i++ {
		kind := []string{"down", "down", "down", "down", "down", "down", "up", "up", "temporary", "temporary"}[i]
		if _, err := w.save("exchanges", work.Input{"org_id": w.sum.Root.ID, "kind": kind, "person": anyName(w.r), "from_place": "市直机关",
			"to_place": []string{"东湖村", "桃源村", "和平社区"}[i%3], "post": []string{"第一书记", "村党支部副书记", "街道党工委副书记"}[i%3], "starts_on": w.daysAgo(330)}); err != nil {
			return err
		}
	}
	for i := 0; i < 9; i++ {
		if _, err := w.save("cultivations", work.Input{"org_id": w.branch().ID, "kind": []string{"member_to_leader", "leader_to_member", "leader_to_cadre"}[i%3],
			"person": anyName(w.r), "on_date": w.daysAgo(330), "notes": []string{"创办蔬菜种植合作社", "经营农家乐", "当选村委会委员"}[i%3]}); err != nil {
			return err
		}
	}
	return nil
}

// talent: a pool at the street, two enterprises' requests and their selections, one appointed.
func (w *workLoader) talent() error {
	var cands []work.Record
	sources := []string{"retired", "former_secretary", "veteran", "employee", "other"}
	for i := 0; i < 8; i++ {
		c, err := w.save("candidates", work.Input{"org_id": w.sum.Street.ID, "name": randomName(w.r, i%2 == 0), "sex": []string{"male", "female"}[i%2],
			"birth_year": int64(1962 + w.r.IntN(25)), "level": "township", "source": sources[i%len(sources)], "grade": []string{"excellent", "good"}[i%2],
			"assessment": "政治素质好,熟悉党务工作"})
		if err != nil {
			return err
		}
		cands = append(cands, c)
	}
	contract, err := w.svc.Upload(w.ctx, store.All, w.sum.Street.ID, "聘用合同.pdf", []byte("%PDF-1.4\n% demo contract\n%%EOF"))
	if err != nil {
		return err
	}
	for i, ent := range []string{"宏达机械有限公司", "远航物流有限公司"} {
		req, err := w.save("talent_requests", work.Input{"org_id": w.sum.Street.ID, "enterprise": ent, "post": "专职党务工作者", "asked_on": w.daysAgo(200)})
		if err != nil {
			return err
		}
		sel, err := w.save("selections", work.Input{"parent_id": req.ID, "candidate": cands[i].ID})
		if err != nil {
			return err
		}
		if i == 1 {
			continue
		}
		for _, step := range []string{"choose", "accept", "appoint"} {
			if err := w.act("selections", sel.ID, step, work.Input{"pay_grade": "2", "contract": contract.ID, "duty_letter": contract.ID}); err != nil {
				return err
			}
		}
		if _, err := w.save("reviews", work.Input{"parent_id": sel.ID, "year": int64(w.now.Year()), "score_board": int64(85), "score_members": int64(78),
			"score_superior": int64(88), "weight_board": int64(40), "weight_members": int64(30), "weight_superior": int64(30)}); err != nil {
			return err
		}
	}
	return nil
}

func pathOf(orgs []org.Org, id int64) string {
	for _, o := range orgs {
		if o.ID == id {
			return o.Path
		}
	}
	return ""
}
