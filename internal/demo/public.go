package demo

import (
	"context"
	"fmt"
	"time"

	"dangjian/internal/audit"
	"dangjian/internal/committee"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/forum"
	"dangjian/internal/letters"
	"dangjian/internal/opinion"
	"dangjian/internal/spam"
	"dangjian/internal/store"
)

// holidays2026 are the days of the State Council's notice for 2026 (国务院
// 办公厅关于2026年部分节假日安排的通知) as the demo keeps them: the office
// keeps the real calendar on its page, each year.
var holidays2026 = []struct {
	from, to string
	note     string
	off      bool
}{
	{"2026-01-01", "2026-01-03", "元旦", true}, {"2026-01-04", "2026-01-04", "元旦调休上班", false},
	{"2026-02-14", "2026-02-14", "春节调休上班", false}, {"2026-02-15", "2026-02-23", "春节", true}, {"2026-02-28", "2026-02-28", "春节调休上班", false},
	{"2026-04-04", "2026-04-06", "清明节", true}, {"2026-05-01", "2026-05-05", "劳动节", true}, {"2026-05-09", "2026-05-09", "劳动节调休上班", false},
	{"2026-06-19", "2026-06-21", "端午节", true}, {"2026-09-20", "2026-09-20", "国庆节调休上班", false}, {"2026-09-25", "2026-09-27", "中秋节", true},
	{"2026-10-01", "2026-10-07", "国庆节", true}, {"2026-10-10", "2026-10-10", "国庆节调休上班", false},
}

// The targets of a demo letter that are not a state of their own: a case
// whose handling was extended, a letter held as spam.
const (
	extendedTarget = "handling_extended"
	heldTarget     = "held"
)

// demoLetters are the year's letters: each with the state the demo carries it to.
var demoLetters = []struct {
	box, channel, title, content, target string
	people                               int
	public                               bool
}{
	{"petition", "online", "楼顶漏水三年无人维修", "我家住在幸福里小区三号楼,楼顶防水层老化,连续三年雨季漏水,物业和开发商相互推诿,请求有关部门协调维修。", letters.Final, 1, false},
	{"public", "online", "建议增设口袋公园", "建议在老城区利用边角地建设口袋公园,方便居民就近休闲锻炼,也能改善城市面貌。", letters.Closed, 1, true},
	{"public", "online", "建议延长图书馆开放时间", "建议市图书馆周末延长开放到晚上九点,方便上班族和学生自习。", letters.Closed, 1, true},
	{"petition", "visit", "反映征地补偿标准偏低", "我村征地补偿标准低于邻村,请求重新核定补偿标准并公开依据。共有八户村民一同前来反映。", letters.Review, 8, false},
	{"member", "online", "请委员关注乡村学校校车问题", "我们村的孩子上学要走五公里山路,希望委员关注乡村学校校车配备问题,建议纳入民生实事。", letters.Replied, 1, true},
	{"petition", "letter", "拖欠农民工工资半年", "我们在某工地干活,工资被拖欠半年,多次讨要没有结果,请劳动监察部门帮助。", extendedTarget, 1, false},
	{"public", "phone", "路灯坏了一个多月", "反映滨江路东段的路灯坏了一个多月,晚上回家黑漆漆的很不安全,请尽快维修。", letters.Handling, 1, false},
	{"petition", "upper", "小区消防通道被占用", "小区的消防通道长期被私家车占用,一旦发生火灾后果不堪设想,请消防部门处理。", letters.Accepted, 1, false},
	{"public", "online", "咨询失业保险金申领", "我想咨询一下失业保险金的申领条件和需要准备的材料,在哪里办理。", letters.Transferred, 1, false},
	{"petition", "online", "要求赔偿个人投资损失", "我在网上投资理财亏损了十万元,要求政府赔偿我的全部损失。", letters.NotAccepted, 1, false},
	{"public", "online", "菜市场缺斤短两", "反映城东菜市场缺斤短两的问题,希望加强计量器具的检查。", letters.Received, 1, false},
	{"petition", "online", "再次反映楼顶漏水", "上次反映的楼顶漏水问题至今没有人来看,雨季又要到了,请尽快处理。", letters.Received, 1, false},
	{"public", "online", "澳门新葡京官方网站", "注册就送38元彩金,首充返水,加 威 信 xpj8888 领取,www.xpj888.vip", heldTarget, 1, false},
	{"public", "online", "兼职刷单日入三百", "网络兼职刷单,在家动动手指日入三百,宝妈学生均可,加 V 信 sd6666 详聊", letters.Junk, 1, false},
}

// consultPublic adds the year's public channel: the calendar, letters and
// cases in every state (a repeat, a collective visit, spam held and
// judged), 社情民意 compiled into issues and adopted, and the forum.
func consultPublic(ctx context.Context, d *consultation.Services, sc store.Scope, c committee.Committee, units []committee.Committee, members []committee.Member, users []int64,
	open, now time.Time, at func(time.Time)) error {
	office, err := officeActor(ctx, d.DB)
	if err != nil {
		return err
	}
	if date.Of(now).Year() == 2026 {
		var days []cppcc.CalendarDay
		for _, h := range holidays2026 {
			from, _ := date.Parse(h.from)
			to, _ := date.Parse(h.to)
			for x := from; !x.After(to); x = x.AddDate(0, 0, 1) {
				days = append(days, cppcc.CalendarDay{Day: x, Off: h.off, Note: h.note})
			}
		}
		if _, err := d.SetCalendar(office, sc, 2026, days); err != nil {
			return err
		}
	}
	filter := spam.Trained()
	span := now.Sub(open)
	when := func(k, of int) { at(open.Add(span * time.Duration(k) / time.Duration(of))) }
	var replied []int64
	for i, l := range demoLetters {
		// The older a letter's state, the earlier it came.
		rank := map[string]int{letters.Final: 0, letters.Review: 1, letters.Closed: 2, letters.Replied: 3, extendedTarget: 3, letters.Handling: 5, letters.Accepted: 7,
			letters.Transferred: 6, letters.NotAccepted: 6}[l.target]
		if l.target == letters.Received || l.target == heldTarget || l.target == letters.Junk {
			rank = 10
		}
		when(rank, 12)
		in := letters.CaseInput{CommitteeID: c.ID, Box: l.box, Title: l.title, Content: l.content, People: l.people, PublicOK: l.public, NameOK: l.public && i%2 == 0}
		if l.box == "public" && (l.target == heldTarget || l.target == letters.Junk || i%3 == 0) {
			in.Anonymous = true
		} else {
			in.Name, in.Phone = randomNameFixed(i), fmt.Sprintf("137%08d", 26000000+i)
		}
		if i == 11 { // the second letter about the roof, from the same person
			in.Name, in.Phone = randomNameFixed(0), fmt.Sprintf("137%08d", 26000000)
		}
		var rc letters.Receipt
		var err error
		if l.channel == "online" {
			rc, err = d.Letters.SubmitPublic(ctx, in, filter)
		} else {
			in.Channel = l.channel
			rc, err = d.Letters.Register(office, sc, in)
		}
		if err != nil {
			return fmt.Errorf("demo letter %d: %w", i, err)
		}
		id := rc.Case.ID
		step := func(k int, a letters.CaseAction) error {
			when(min(rank+k, 11), 12)
			_, err := d.Letters.Decide(office, sc, id, a, filter)
			return err
		}
		unit := units[i%len(units)]
		handle := func(k int, a letters.CaseAction) error {
			when(min(rank+k, 11), 12)
			_, err := d.Letters.Handle(ctx, store.ScopeOf(unit.Path), id, a)
			return err
		}
		answer := func(k int, a letters.CaseAction) error {
			when(min(rank+k, 11), 12)
			_, err := d.Letters.Answer(ctx, rc.Code, a)
			return err
		}
		var steps []func() error
		accept := func() error { return step(0, letters.CaseAction{Action: "accept"}) }
		route := func() error {
			return step(0, letters.CaseAction{Action: "route", Route: []string{"refer", "assign"}[i%2], UnitID: unit.ID})
		}
		reply := func() error {
			return handle(1, letters.CaseAction{Action: "reply", Text: "经调查核实,已会同有关部门研究处理:一、已安排专人现场查看;二、已明确整改措施和完成时限;三、将于一个月内向您反馈结果。"})
		}
		switch l.target {
		case letters.Accepted:
			steps = []func() error{accept}
		case letters.Handling:
			steps = []func() error{accept, route}
		case extendedTarget:
			steps = []func() error{accept, route, func() error {
				return handle(1, letters.CaseAction{Action: "extend", Days: 30, Approver: "局长", Text: "涉及多家单位,需要进一步核实工程款支付情况"})
			}}
		case letters.Replied:
			steps = []func() error{accept, route, reply}
		case letters.Closed:
			steps = []func() error{accept, route, reply, func() error { return answer(2, letters.CaseAction{Action: "rate", Rating: "满意"}) }}
		case letters.Review:
			steps = []func() error{accept, route, reply, func() error {
				return answer(2, letters.CaseAction{Action: "request_review", Text: "补偿标准仍低于邻村,请复查。"})
			}}
		case letters.Final:
			steps = []func() error{accept, route, reply,
				func() error {
					return answer(2, letters.CaseAction{Action: "request_review", Text: "维修没有彻底解决漏水,请复查。"})
				},
				func() error {
					return step(3, letters.CaseAction{Action: "decide_review", Text: "经复查,维持原处理意见,并督促开发商限期完成维修。"})
				},
				func() error {
					return answer(4, letters.CaseAction{Action: "request_recheck", Text: "仍不服,请复核。"})
				},
				func() error {
					return step(5, letters.CaseAction{Action: "decide_recheck", Text: "经复核,原处理意见正确,予以维持。"})
				},
			}
		case letters.Transferred:
			steps = []func() error{func() error {
				return step(0, letters.CaseAction{Action: "transfer", Text: "市人力资源和社会保障局"})
			}}
		case letters.NotAccepted:
			steps = []func() error{func() error {
				return step(0, letters.CaseAction{Action: "not_accept", Text: "投资损失属于民事纠纷,应当通过诉讼等法定途径解决"})
			}}
		case letters.Junk:
			steps = []func() error{func() error { return step(0, letters.CaseAction{Action: "junk"}) }}
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return fmt.Errorf("demo letter %d (%s): %w", i, l.target, err)
			}
		}
		if l.public && (l.target == letters.Closed || l.target == letters.Replied) {
			replied = append(replied, id)
		}
	}
	when(11, 12)
	for i, id := range replied {
		p, err := d.Forum.Publish(office, sc, id)
		if err != nil {
			return fmt.Errorf("demo post: %w", err)
		}
		for j, body := range []string{"支持这个建议,我们小区旁边就有一块空地,一直荒着。", "希望尽快落实,也希望答复里说的时间表能公开。"} {
			if j > i {
				break
			}
			if _, err := d.Forum.AddComment(ctx, c.ID, p.ID, forum.CommentInput{Author: []string{"老街坊", "上班族"}[j], Body: body}, filter); err != nil {
				return err
			}
		}
		for v := range 3 + i {
			if _, err := d.Forum.Vote(ctx, c.ID, p.ID, fmt.Sprintf("demo-voter-%d", v), "support", 1); err != nil {
				return err
			}
		}
		if i == 0 {
			if _, err := d.Forum.AddComment(ctx, c.ID, p.ID, forum.CommentInput{Author: "美女主播", Body: "同城上门服务,加 薇 信 abc12345 看福利视频"}, filter); err != nil {
				return err
			}
		}
	}
	return demoOpinions(ctx, d, sc, c, users, open, now, at)
}

// demoOpinions are the year's 社情民意: members' items, edited, compiled into
// a single and a combined issue, adopted and instructed on.
func demoOpinions(ctx context.Context, d *consultation.Services, sc store.Scope, c committee.Committee, users []int64, open, now time.Time, at func(time.Time)) error {
	office, err := officeActor(ctx, d.DB)
	if err != nil {
		return err
	}
	span := now.Sub(open)
	when := func(k int) { at(open.Add(span * time.Duration(k) / 12)) }
	items := []struct{ title, edited, content string }{
		{"老旧小区加装电梯推进难", "关于加快老旧小区加装电梯的建议", "近期走访发现,部分老旧小区加装电梯推进缓慢,主要原因是低层住户补偿标准不统一、审批环节多。建议出台统一的补偿指导标准,简化审批流程,设立专项补助资金。"},
		{"社区养老服务时间短", "关于延长社区养老服务时间的建议", "社区养老服务中心只在上午开放,子女上班的老人下午无人照看。建议延长服务时间至下午六点,并引入专业社会组织运营。"},
		{"农村寄递物流最后一公里", "关于畅通农村寄递物流最后一公里的建议", "不少行政村没有快递网点,村民取件要到镇上。建议整合邮政、供销和快递资源,在村级便民服务中心设立共同配送点。"},
		{"校外培训预付费风险", "关于加强校外培训预付费监管的建议", "个别校外培训机构收取大额预付费后关门,家长维权困难。建议推行预付费资金第三方存管,限制一次性收费的期限。"},
		{"电动自行车充电安全", "", "小区飞线充电现象普遍,存在火灾隐患。建议加快建设集中充电设施,并加强宣传和巡查。"},
	}
	var ids []int64
	for i, it := range items {
		when(2 + i)
		o, err := d.Opinions.SubmitOpinion(audit.WithActor(ctx, audit.Actor{UserID: users[i%len(users)], Username: []string{"weiyuan", "weiyuan2", "weiyuan3"}[i%len(users)]}), sc, cppcc.ViewMember,
			opinion.Input{Title: it.title, Content: it.content})
		if err != nil {
			return fmt.Errorf("demo opinion %d: %w", i, err)
		}
		ids = append(ids, o.ID)
		if it.edited == "" {
			continue
		}
		if _, err := d.Opinions.ReviewOpinion(office, sc, o.ID, opinion.EditInput{Action: "edit", Title: it.edited, Content: it.content}); err != nil {
			return err
		}
	}
	when(7)
	first, err := d.Opinions.Compile(office, sc, opinion.IssueInput{CommitteeID: c.ID, Mode: "single", Signer: "陈秘书长", Items: ids[:1]})
	if err != nil {
		return err
	}
	if _, err := d.Opinions.Compile(office, sc, opinion.IssueInput{CommitteeID: c.ID, Mode: "combined", Title: "关于民生实事的几点建议", Signer: "陈秘书长", Items: ids[1:3]}); err != nil {
		return err
	}
	if _, err := d.Opinions.Forward(office, sc, c.ID, first.ID, "省政协办公厅、市委办公室"); err != nil {
		return err
	}
	when(9)
	for _, a := range []struct {
		id int64
		in opinion.AdoptionInput
	}{
		{ids[0], opinion.AdoptionInput{Level: "city", Kind: "adopted"}},
		{ids[0], opinion.AdoptionInput{Level: "province", Kind: "instruction", By: "副省长", Text: "请省住建厅研究,适时出台全省指导意见。"}},
		{ids[1], opinion.AdoptionInput{Level: "city", Kind: "instruction", By: "市长", Text: "请市民政局牵头研究落实。"}},
	} {
		if _, err := d.Opinions.Adopt(office, sc, a.id, a.in); err != nil {
			return err
		}
	}
	return nil
}

// randomNameFixed is the i-th of a few letter writers' names.
func randomNameFixed(i int) string {
	names := []string{"赵建国", "钱秀英", "孙立军", "李桂兰", "周志强", "吴海燕", "郑国庆", "王淑芬", "冯德胜", "陈丽华", "褚明", "卫东", "蒋红梅", "沈建平"}
	return names[i%len(names)]
}
