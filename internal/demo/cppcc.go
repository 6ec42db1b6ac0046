package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"dangjian/internal/app"
	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/duties"
	"dangjian/internal/store"
)

var demoUnits = []string{"市发展和改革委员会", "市教育局", "市财政局", "市卫生健康委员会", "市住房和城乡建设局", "市生态环境局", "市农业农村局", "市人力资源和社会保障局"}

var demoTopics = []struct{ title, category string }{
	{"关于推进老旧小区加装电梯的建议", "社会建设"}, {"关于加强农村学校寄宿制建设的建议", "社会建设"}, {"关于优化营商环境降低企业物流成本的建议", "经济建设"},
	{"关于建设县域医共体的建议", "社会建设"}, {"关于推动乡村特色产业发展的建议", "经济建设"}, {"关于加强河湖长制落实的建议", "生态文明建设"},
	{"关于保护历史文化街区的建议", "文化建设"}, {"关于完善灵活就业人员社保的建议", "社会建设"}, {"关于发展社区嵌入式托育服务的建议", "社会建设"},
	{"关于推进垃圾分类常态化的建议", "生态文明建设"}, {"关于加强非公企业党建工作的建议", "党的建设"}, {"关于支持中小企业数字化转型的建议", "经济建设"},
}

// Consult adds the demo committee: a term with a session a year, handling
// units, members across sectors and parties, and a session's proposals in
// every state, each taken there step by step through the service on the
// days between the session and now. It returns the logins of its roles.
func Consult(ctx context.Context, a *app.App, cityName string, now time.Time) ([]Account, error) {
	svc := a.Cppcc
	c, err := svc.NewCommittee(ctx, nil, cityName+"政协", "city")
	if err != nil {
		return nil, err
	}
	sc := store.ScopeOf(c.Path)
	today := date.Of(now)
	year := today.Year()
	if today.Before(date.New(year, 1, 20)) {
		year--
	}
	term, err := svc.NewTerm(ctx, sc, c.ID, 14, date.New(year-3, 1, 1), date.New(year+1, 12, 31))
	if err != nil {
		return nil, err
	}
	for y := year - 3; y <= year; y++ {
		if _, err := svc.NewSession(ctx, sc, term.ID, y-year+4, date.New(y, 1, 10), date.New(y, 1, 14)); err != nil {
			return nil, err
		}
	}
	var units []committee.Committee
	for _, n := range demoUnits {
		u, err := svc.NewUnit(ctx, sc, c.ID, n)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	accounts := []Account{}
	grant := func(user, display, role string, node int64, scope string) (int64, error) {
		pw := auth.RandomPassword()
		u, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: user, DisplayName: display, Password: pw})
		if err != nil {
			return 0, err
		}
		if _, err := a.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: role, CommitteeID: &node}); err != nil {
			return 0, err
		}
		accounts = append(accounts, Account{user, pw, auth.Roles.Label(role), scope})
		return u.ID, nil
	}
	if _, err := grant("zhengxie", "政协提案委员会", auth.RoleCppccOffice, c.ID, c.Name); err != nil {
		return nil, err
	}
	if _, err := grant("zhuxi", "政协主席会议成员", auth.RoleCppccLeader, c.ID, c.Name); err != nil {
		return nil, err
	}
	if _, err := grant("chengban", units[0].Name, auth.RoleHandler, units[0].ID, units[0].Name); err != nil {
		return nil, err
	}
	sectors, err := svc.Names(ctx, c.ID, "sector")
	if err != nil {
		return nil, err
	}
	parties := committee.Parties
	r := rand.New(rand.NewPCG(14, 1))
	var members []committee.Member
	var users []int64
	for i := 0; i < 40; i++ {
		in := committee.MemberInput{CommitteeID: c.ID, TermID: term.ID, Name: randomName(r, i%2 == 0),
			Sex: []string{"男", "女"}[i%2], Sector: sectors[(i*5)%len(sectors)], Party: parties[i%len(parties)].Label, Team: fmt.Sprintf("第%d活动组", i%4+1),
			Post: "委员", Phone: fmt.Sprintf("139%08d", 20260000+i)}
		if i < 3 {
			id, err := grant([]string{"weiyuan", "weiyuan2", "weiyuan3"}[i], in.Name, auth.RoleCppccMember, c.ID, "本人("+in.Name+")")
			if err != nil {
				return nil, err
			}
			in.UserID = &id
			users = append(users, id)
		}
		m, err := svc.AddMember(ctx, sc, in)
		if err != nil {
			return nil, err
		}
		members = append(members, m)
	}
	// The session's proposals, each carried to its state on the days from the session to now.
	open := date.New(year, 1, 11).Time().Add(2 * time.Hour)
	span := now.Sub(open)
	clock := open
	d := app.New(a.DB, a.Box, app.Settings{Now: func() time.Time { return clock }}).Cppcc
	office, err := officeActor(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	as := func(i int) context.Context {
		return audit.WithActor(ctx, audit.Actor{UserID: users[i%len(users)], Username: []string{"weiyuan", "weiyuan2", "weiyuan3"}[i%len(users)]})
	}
	targets := []string{cppcc.Draft, cppcc.Signing, cppcc.Submitted, cppcc.Returned, cppcc.Rejected, cppcc.Filed, cppcc.Handling, cppcc.Merged, cppcc.Handling, cppcc.Replied, cppcc.Rehandling, cppcc.Closed, cppcc.Closed, cppcc.Closed}
	var firstFiled, firstHandling, firstClosed int64
	for i, target := range targets {
		clock = open.Add(time.Duration(i) * time.Hour)
		topic := demoTopics[i%len(demoTopics)]
		in := cppcc.Input{CommitteeID: c.ID, Title: topic.title, Category: topic.category, Way: "member", Public: i%5 != 4, Contact: []string{"phone", "visit", "none"}[i%3],
			Content: "近年来,群众对这一问题反映较多。经调研发现,相关政策落实不到位、部门协同不足、资金保障不够。建议:一是完善政策措施;二是建立部门联动机制;三是加大财政投入并加强督促检查。"}
		if !in.Public {
			in.PrivateReason = "涉及具体企业经营情况"
		}
		if i%3 == 1 {
			in.Way, in.CoSigners = "joint", []int64{members[(i+1)%3].ID, members[(i+2)%3].ID}
		}
		p, err := d.Draft(as(i), sc, cppcc.ViewMember, in)
		if err != nil {
			return nil, fmt.Errorf("demo proposal %d: %w", i, err)
		}
		step := func(k int) { clock = open.Add(span * time.Duration(k) / 12).Add(time.Duration(i) * time.Minute) }
		do := func(k int, fn func() (cppcc.Proposal, error)) error {
			step(k)
			q, err := fn()
			if err != nil {
				return fmt.Errorf("demo proposal %d (%s, now %s): %w", i, target, p.State, err)
			}
			p = q
			return nil
		}
		if target == cppcc.Draft {
			continue
		}
		if err := do(0, func() (cppcc.Proposal, error) { return d.Submit(as(i), sc, p.ID) }); err != nil {
			return nil, err
		}
		if p.State == cppcc.Signing && target != cppcc.Signing {
			for _, g := range p.Signers {
				if err := do(0, func() (cppcc.Proposal, error) {
					return d.Sign(memberCtx(ctx, members, users, g.MemberID), sc, p.ID, true)
				}); err != nil {
					return nil, err
				}
			}
		}
		review := map[string]cppcc.ReviewInput{cppcc.Returned: {Action: "return", Note: "请补充具体建议和数据"}, cppcc.Rejected: {Action: "reject", Reason: "vague", Route: "opinion"},
			cppcc.Merged: {Action: "merge", Into: firstFiled}}
		switch target {
		case cppcc.Signing, cppcc.Submitted:
			continue
		case cppcc.Returned, cppcc.Rejected, cppcc.Merged:
			if err := do(1, func() (cppcc.Proposal, error) { return d.Review(office, sc, p.ID, review[target]) }); err != nil {
				return nil, err
			}
			continue
		}
		if err := do(1, func() (cppcc.Proposal, error) { return d.Review(office, sc, p.ID, cppcc.ReviewInput{Action: "file"}) }); err != nil {
			return nil, err
		}
		if firstFiled == 0 {
			firstFiled = p.ID
		}
		if target == cppcc.Filed {
			continue
		}
		lead, co := units[i%len(units)], units[(i+3)%len(units)]
		if i%4 == 0 {
			lead = units[0]
		}
		if err := do(2, func() (cppcc.Proposal, error) {
			return d.Assign(office, sc, p.ID, cppcc.AssignInput{Lead: lead.ID, Co: []int64{co.ID}})
		}); err != nil {
			return nil, err
		}
		if target == cppcc.Handling {
			if firstHandling == 0 {
				firstHandling = p.ID
			}
			continue
		}
		for _, x := range p.Parts {
			if x.Role == "co" {
				if err := do(3, func() (cppcc.Proposal, error) {
					return d.Opinion(ctx, store.ScopeOf(co.Path), x.ID, "同意主办单位的办理意见,本单位将在职责范围内配合落实。")
				}); err != nil {
					return nil, err
				}
			}
		}
		reply := func(k int, class string) error {
			for _, x := range p.Parts {
				if x.Role == "lead" && x.State == cppcc.PartHandling {
					return do(k, func() (cppcc.Proposal, error) {
						return d.Reply(ctx, store.ScopeOf(lead.Path), x.ID, cppcc.ReplyInput{Class: class, Contact: []string{"phone", "visit", "phone"}[i%3],
							Text: "经认真研究,现答复如下:一、已会同有关部门开展专题调研;二、已将相关事项列入年度工作计划;三、下一步将加大资金投入,定期向委员通报进展。"})
					})
				}
			}
			return nil
		}
		if err := reply(5, []string{"A", "B", "C"}[i%3]); err != nil {
			return nil, err
		}
		switch target {
		case cppcc.Replied:
			continue
		case cppcc.Rehandling:
			if err := do(7, func() (cppcc.Proposal, error) {
				return d.Evaluate(as(i), sc, p.ID, cppcc.EvaluateInput{Attitude: "基本满意", Result: "不满意", Note: "答复未提出具体时间表"})
			}); err != nil {
				return nil, err
			}
			continue
		}
		if err := do(8, func() (cppcc.Proposal, error) {
			return d.Evaluate(as(i), sc, p.ID, cppcc.EvaluateInput{Attitude: "满意", Result: []string{"满意", "基本满意"}[i%2]})
		}); err != nil {
			return nil, err
		}
		if firstClosed == 0 {
			firstClosed = p.ID
		}
	}
	if err := consultYear(ctx, d, sc, c, members, firstHandling, open, now, func(t time.Time) { clock = t }); err != nil {
		return nil, err
	}
	if err := consultPublic(ctx, d, sc, c, units, members, users, open, now, func(t time.Time) { clock = t }); err != nil {
		return nil, err
	}
	// The year's selections.
	if firstClosed != 0 {
		if _, err := d.Duties.AddHonour(office, sc, duties.HonourInput{CommitteeID: c.ID, Year: year, Kind: "excellent_proposal", ProposalID: firstClosed, Note: "年度优秀提案"}); err != nil {
			return nil, err
		}
	}
	if _, err := d.Duties.AddHonour(office, sc, duties.HonourInput{CommitteeID: c.ID, Year: year, Kind: "active_member", MemberID: members[0].ID}); err != nil {
		return nil, err
	}
	return accounts, nil
}

// consultYear adds the year's activities: a key proposal and its supervision,
// inspections and research with their reports, a recommendation with the
// instruction it received, the plenary session's attendance.
func consultYear(ctx context.Context, d *consultation.Services, sc store.Scope, c committee.Committee, members []committee.Member, key int64, open, now time.Time, at func(time.Time)) error {
	office, err := officeActor(ctx, d.DB)
	if err != nil {
		return err
	}
	span := now.Sub(open)
	day := func(k int) date.Date { t := open.Add(span * time.Duration(k) / 12); at(t); return date.Of(t) }
	if key != 0 {
		day(3)
		if _, err := d.MarkKey(audit.WithActor(ctx, audit.Actor{Username: "zhuxi"}), sc, key, "李副主席"); err != nil {
			return err
		}
	}
	ids := func(from, n int) []int64 {
		var out []int64
		for _, m := range members[from : from+n] {
			out = append(out, m.ID)
		}
		return out
	}
	plan := []duties.ActivityInput{
		{Kind: "plenary", Title: "政协第十四届委员会第四次会议", Present: ids(0, 36), Leave: ids(36, 3), Absent: ids(39, 1)},
		{Kind: "speech", Title: "大会发言:推进城乡融合发展", Present: ids(3, 4)},
		{Kind: "supervision_visit", ProposalID: key, Title: "主席会议现场视察重点提案办理", Lead: "李副主席", Present: ids(0, 8)},
		{Kind: "supervision_forum", ProposalID: key, Title: "重点提案督办座谈会", Lead: "李副主席", Present: ids(2, 6), Leave: ids(8, 1)},
		{Kind: "inspection", Title: "视察城市生态环境保护", Lead: "王副主席", Reports: 1, Present: ids(5, 10)},
		{Kind: "inspection", Title: "视察农村寄宿制学校建设", Lead: "赵副主席", Reports: 1, Present: ids(12, 9)},
		{Kind: "research", Title: "关于民营经济高质量发展的专题调研", Lead: "王副主席", Reports: 2, Present: ids(18, 7)},
		{Kind: "recommendation", Title: "关于加快推进城市更新的建议案", Present: ids(20, 5)},
		{Kind: "standing", Title: "第十四届常委会第十次会议", Present: ids(0, 15), Leave: ids(15, 2)},
		{Kind: "chair", Title: "第十四届政协第二十次主席会议", Minutes: "会议听取了重点提案督办情况的汇报,研究了下一阶段协商计划。", Present: ids(0, 6), Leave: ids(6, 1)},
	}
	var reported []duties.Activity
	for i, in := range plan {
		if in.ProposalID == 0 && duties.Supervision(in.Kind) {
			continue
		}
		in.CommitteeID, in.HeldOn = c.ID, day(min(i+1, 11))
		a, err := d.Duties.RecordActivity(office, sc, in)
		if err != nil {
			return fmt.Errorf("demo activity %s: %w", in.Title, err)
		}
		if in.Kind == "plenary" || in.Kind == "chair" {
			reported = append(reported, a)
		}
		if in.Kind == "recommendation" {
			if _, err := d.Duties.AddInstruction(office, sc, a.ID, duties.InstructionInput{By: "市长", On: day(11), Text: "请市住建局会同有关部门认真研究,吸收到城市更新行动方案中。",
				Adopted: "纳入全市城市更新行动方案"}); err != nil {
				return err
			}
		}
	}
	// The 《政协简报》 reporting the plenary session and the chair meeting.
	for _, a := range reported {
		if _, err := d.Duties.IssueBrief(office, sc, duties.BriefInput{CommitteeID: c.ID, Title: a.Title + "召开", ActivityID: a.ID, Signer: "李副主席", IssuedOn: a.HeldOn,
			Content: a.HeldOn.Chinese() + "," + a.Title + "召开。会议传达学习了中共市委有关会议精神,协商讨论了年度重点工作,委员们积极建言献策。"}); err != nil {
			return fmt.Errorf("demo brief: %w", err)
		}
	}
	return nil
}

// PlaceOf is the place a Party committee is named after: 滨江市 of 滨江市委 or 中共滨江市委员会.
func PlaceOf(committee string) string {
	name := strings.TrimPrefix(committee, "中共")
	for _, suffix := range []string{"委员会", "委"} {
		if strings.HasSuffix(name, suffix) {
			return strings.TrimSuffix(name, suffix)
		}
	}
	return name
}

// memberCtx is the audit actor of a member with an account (the demo's co-signers have one).
func memberCtx(ctx context.Context, members []committee.Member, users []int64, id int64) context.Context {
	for i, m := range members[:len(users)] {
		if m.ID == id {
			return audit.WithActor(ctx, audit.Actor{UserID: users[i], Username: []string{"weiyuan", "weiyuan2", "weiyuan3"}[i]})
		}
	}
	return ctx
}

// officeActor is ctx acting as the demo's office account (its steps read
// under its display name).
func officeActor(ctx context.Context, db *store.DB) (context.Context, error) {
	var id int64
	if err := db.QueryRowContext(ctx, "SELECT id FROM users WHERE username = 'zhengxie'").Scan(&id); err != nil {
		return ctx, fmt.Errorf("the demo's office account: %w", err)
	}
	return audit.WithActor(ctx, audit.Actor{UserID: id, Username: "zhengxie"}), nil
}
