package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/vocab"
)

// Vocabularies of the work records.
var (
	LinkKinds    = vocab.Enum{{Code: "committee", Label: "党委成员联系"}, {Code: "instructor", Label: "党建指导员"}}
	VisitKinds   = vocab.Enum{{Code: "visit", Label: "走访"}, {Code: "care", Label: "慰问"}, {Code: "talk", Label: "谈心谈话"}}
	VisitTargets = vocab.Enum{{Code: "member", Label: "党员"}, {Code: "household", Label: "群众户"}, {Code: "org", Label: "组织或单位"}}
	PairKinds    = vocab.Enum{{Code: "org_org", Label: "组织结对"}, {Code: "cadre_person", Label: "干部结对户或个人"}}
	PairSides    = vocab.Enum{{Code: "a", Label: "帮扶方承诺"}, {Code: "b", Label: "受助方承诺"}}
	ItemStates   = vocab.Enum{{Code: "pending", Label: "未开始"}, {Code: "in_progress", Label: "办理中"}, {Code: "fulfilled", Label: "已兑现"}}
	Purposes     = vocab.Enum{{Code: "reward", Label: "奖励"}, {Code: "assistance", Label: "帮扶"}}
	Approvals    = vocab.Enum{{Code: "pending", Label: "待审批"}, {Code: "approved", Label: "已批准"}, {Code: "rejected", Label: "已驳回"}}
	DoneStates   = vocab.Enum{{Code: "pending", Label: "未完成"}, {Code: "done", Label: "已完成"}}
	PostKinds    = vocab.Enum{{Code: "model", Label: "党员示范岗"}, {Code: "vanguard", Label: "党员先锋岗"}, {Code: "zone", Label: "党员责任区"}}
	ActKinds     = vocab.Enum{{Code: "volunteer", Label: "志愿服务"}, {Code: "public_benefit", Label: "公益活动"}}
	SiteStates   = vocab.Enum{{Code: "normal", Label: "正常"}, {Code: "fault", Label: "故障"}, {Code: "stopped", Label: "停用"}}
	ExchKinds    = vocab.Enum{{Code: "down", Label: "下派任职"}, {Code: "up", Label: "提拔到上级"}, {Code: "temporary", Label: "外派挂职"}}
	CultKinds    = vocab.Enum{{Code: "member_to_leader", Label: "党员培养成致富带头人"}, {Code: "leader_to_member", Label: "致富带头人培养成党员"},
		{Code: "leader_to_cadre", Label: "党员致富带头人培养成村组干部"}}
	PoolLevels   = vocab.Enum{{Code: "city", Label: "市级人才库"}, {Code: "township", Label: "乡镇(街道)人才库"}}
	Sources      = vocab.Enum{{Code: "retired", Label: "退休退职人员"}, {Code: "former_secretary", Label: "离任村党支部书记"}, {Code: "veteran", Label: "退伍军人"}, {Code: "employee", Label: "企业职工"}, {Code: "other", Label: "其他"}}
	Grades       = vocab.Enum{{Code: "excellent", Label: "优秀"}, {Code: "good", Label: "称职"}, {Code: "basic", Label: "基本称职"}, {Code: "poor", Label: "不称职"}}
	Sexes        = vocab.Enum{{Code: "male", Label: "男"}, {Code: "female", Label: "女"}}
	RequestState = vocab.Enum{{Code: "open", Label: "待选派"}, {Code: "filled", Label: "已选派"}, {Code: "closed", Label: "已撤回"}}
	SelStates    = vocab.Enum{{Code: "recommended", Label: "组织推荐"}, {Code: "chosen", Label: "企业选中"}, {Code: "accepted", Label: "本人同意"}, {Code: "appointed", Label: "已聘任"}, {Code: "declined", Label: "未成"}}
	DeclinedBy   = vocab.Enum{{Code: "org", Label: "组织撤回推荐"}, {Code: "enterprise", Label: "企业未选"}, {Code: "candidate", Label: "本人不同意"}}
	PayGrades    = vocab.Enum{{Code: "1", Label: "一档"}, {Code: "2", Label: "二档"}, {Code: "3", Label: "三档"}, {Code: "4", Label: "四档"}}
	Decisions    = vocab.Enum{{Code: "renew", Label: "续聘"}, {Code: "dismiss", Label: "解聘"}}
)

const today = "?"

// Kinds lists every kind of work record, parents before their children.
var Kinds = []*Kind{
	{Name: "links", Label: "联系指导", Noun: "联系关系", Group: "联系指导", Dated: "since",
		Fields: []Field{
			{Col: "kind", Label: "类别", Type: Enum, Enum: LinkKinds, Required: true, List: true},
			{Col: "person", Label: "联系人", Type: Text, Required: true, List: true},
			{Col: "post", Label: "职务", Type: Text, List: true, Hint: "如 党委委员、组织委员、党建指导员"},
			{Col: "since", Label: "联系起始", Type: Date, Past: true, Required: true, List: true},
			{Col: "until", Label: "联系截止", Type: Date, List: true, Hint: "仍在联系的留空"},
		},
		Check: func(r *Record, v *apperr.Invalid) { notBefore(r, v, "until", "since") },
		Figures: func(r Record, _ *Record) []Fig {
			if !r.Date("until").IsZero() {
				return nil
			}
			return []Fig{{"links:" + r.Str("kind"), 1}}
		}},

	{Name: "visits", Label: "走访慰问", Noun: "走访慰问记录", Group: "走访帮扶", Dated: "visited_on",
		Fields: []Field{
			{Col: "kind", Label: "方式", Type: Enum, Enum: VisitKinds, Required: true, List: true},
			{Col: "visited_on", Label: "日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "visitor", Label: "走访人", Type: Text, Required: true, List: true, Self: true},
			{Col: "target_kind", Label: "对象类别", Type: Enum, Enum: VisitTargets, Required: true},
			{Col: "target_member", Label: "走访党员", Type: Member, List: true, Hint: "对象为党员时填写姓名"},
			{Col: "target_name", Label: "对象名称", Type: Text, List: true, Hint: "群众户的户主姓名或组织、单位名称"},
			{Col: "target_mobile", Label: "流动党员", Type: Int, Auto: true, List: true},
			{Col: "money_fen", Label: "慰问金", Type: Fen, List: true},
			{Col: "goods", Label: "慰问物品", Type: Text},
			{Col: "notes", Label: "情况记录", Type: Note},
			{Col: "photo", Label: "现场照片", Type: File, Added: "work_photos", Hint: "可用手机直接拍照上传"},
		},
		Check: func(r *Record, v *apperr.Invalid) {
			if r.Str("target_kind") == "member" && r.Int("target_member") == 0 {
				v.Add("target_member", "走访对象为党员时,请填写走访党员的姓名")
			}
			if r.Str("target_kind") != "member" {
				r.V["target_member"] = int64(0)
				if r.Str("target_name") == "" {
					v.Add("target_name", "请填写走访对象的名称")
				}
			}
		},
		Prepare: func(ctx context.Context, tx *sql.Tx, before, r *Record) error {
			// Whether the person visited was a mobile member when visited.
			if before != nil && before.Int("target_member") == r.Int("target_member") {
				return nil
			}
			mobile := int64(0)
			if id := r.Int("target_member"); id != 0 {
				var out bool
				if err := tx.QueryRowContext(ctx, "SELECT mobile_out FROM members WHERE id = $1", id).Scan(&out); err != nil {
					return err
				}
				if out {
					mobile = 1
				}
			}
			r.V["target_mobile"] = mobile
			return nil
		},
		Views: []View{{Name: "mobile", Label: "走访慰问流动党员", Cond: "t.target_mobile = 1"}},
		Figures: func(r Record, _ *Record) []Fig {
			d := r.Date("visited_on")
			return concat(monthly("visits", d, 1), monthly("visits_mobile", d, r.Int("target_mobile")), monthly("visits_fen", d, r.Int("money_fen")))
		}},

	{Name: "pairings", Label: "结对帮扶", Noun: "结对", Group: "走访帮扶", Dated: "started_on",
		Fields: []Field{
			{Col: "kind", Label: "结对方式", Type: Enum, Enum: PairKinds, Required: true, List: true},
			{Col: "helper", Label: "帮扶方", Type: Text, Required: true, List: true, Hint: "组织名称或帮扶干部姓名"},
			{Col: "helped", Label: "受助方", Type: Text, Required: true, List: true, Hint: "结对组织名称或帮扶户、个人"},
			{Col: "started_on", Label: "结对日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "letter", Label: "双向承诺书", Type: File},
			{Col: "notes", Label: "说明", Type: Note},
		},
		Figures: func(Record, *Record) []Fig { return []Fig{{"pairings", 1}} }},

	{Name: "pairing_items", Label: "承诺事项", Noun: "承诺事项", Group: "走访帮扶", Parent: "pairings", Dated: "due_on", Status: "status",
		Fields: []Field{
			{Col: "side", Label: "承诺方", Type: Enum, Enum: PairSides, Required: true, List: true},
			{Col: "content", Label: "承诺内容", Type: Text, Required: true, List: true},
			{Col: "due_on", Label: "承诺完成日期", Type: Date, Required: true, List: true},
			{Col: "status", Label: "状态", Type: Enum, Enum: ItemStates, Auto: true, List: true},
			{Col: "fulfilled_on", Label: "兑现日期", Type: Date, Past: true, Step: "fulfil", Required: true, List: true},
			{Col: "evidence", Label: "兑现佐证", Type: File, Step: "fulfil", Added: "work_photos", Hint: "照片或文件,可用手机直接拍照上传"},
		},
		Actions: []Action{
			{Name: "start", Label: "开始办理", From: []string{"pending"}, To: "in_progress"},
			{Name: "fulfil", Label: "确认兑现", From: []string{"pending", "in_progress"}, To: "fulfilled"},
			{Name: "unfulfil", Label: "撤销兑现", From: []string{"fulfilled"}, To: "in_progress", Undoes: "fulfil"},
		},
		Views: []View{
			{Name: "overdue", Label: "已逾期", Cond: "t.status <> 'fulfilled' AND t.due_on < " + today},
			{Name: "soon", Label: "七日内到期", Cond: "t.status <> 'fulfilled' AND t.due_on >= " + today + " AND t.due_on <= " + today, Days: 7},
			{Name: "open", Label: "未兑现", Cond: "t.status <> 'fulfilled'"},
		},
		Derive: func(r *Record, day date.Date) {
			if r.Str("status") != "fulfilled" && r.Date("due_on").Before(day) {
				r.Names["status"] = "已逾期"
			}
		},
		Figures: func(r Record, _ *Record) []Fig {
			if r.Str("status") == "fulfilled" {
				return concat([]Fig{{"commit_items", 1}}, monthly("commit_done", r.Date("fulfilled_on"), 1))
			}
			return []Fig{{"commit_items", 1}, {"commit_open", 1}}
		}},

	{Name: "pairing_progress", Label: "进展记录", Noun: "进展记录", Group: "走访帮扶", Parent: "pairing_items", Dated: "on_date",
		Fields: []Field{
			{Col: "on_date", Label: "日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "note", Label: "进展情况", Type: Text, Required: true, List: true},
			{Col: "evidence", Label: "佐证材料", Type: File, List: true},
		}},

	{Name: "funds", Label: "专项资金", Noun: "专项资金", Group: "走访帮扶", Dated: "set_on",
		Fields: []Field{
			{Col: "name", Label: "资金名称", Type: Text, Required: true, List: true},
			{Col: "source", Label: "资金来源", Type: Text, Required: true, List: true, Hint: "如 县委组织部划拨、党费返还"},
			{Col: "set_on", Label: "设立日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "budget_fen", Label: "预算总额", Type: Fen, Required: true, List: true},
			{Col: "balance_fen", Label: "余额", Type: Fen, Auto: true, List: true},
		},
		Check: func(r *Record, _ *apperr.Invalid) {
			if r.ID == 0 {
				r.V["balance_fen"] = r.Int("budget_fen")
			}
		},
		Managed: []string{"balance_fen"},
		After:   rebudget,
		Figures: func(r Record, _ *Record) []Fig {
			return []Fig{{"funds", 1}, {"fund_budget_fen", r.Int("budget_fen")}}
		}},

	{Name: "disbursements", Label: "资金发放", Noun: "资金发放", Group: "走访帮扶", Parent: "funds", Dated: "decided_on", Status: "status",
		Fields: []Field{
			{Col: "member", Label: "发放对象", Type: Member, Required: true, List: true},
			{Col: "purpose", Label: "用途", Type: Enum, Enum: Purposes, Required: true, List: true},
			{Col: "amount_fen", Label: "金额", Type: Fen, Required: true, List: true},
			{Col: "reason", Label: "事由", Type: Text, Required: true, List: true},
			{Col: "status", Label: "状态", Type: Enum, Enum: Approvals, Auto: true, List: true},
			{Col: "decided_on", Label: "审批日期", Type: Date, Auto: true, List: true},
			{Col: "checker", Label: "审批人", Type: Text, Auto: true, List: true},
		},
		Check: func(r *Record, v *apperr.Invalid) {
			if r.Int("amount_fen") <= 0 {
				v.Add("amount_fen", "发放金额必须大于0")
			}
		},
		Lock: func(r Record) string {
			if r.Str("status") != "pending" {
				return "已审批的发放记录不能修改或删除"
			}
			return ""
		},
		Views: []View{{Name: "pending", Label: "待审批", Cond: "t.status = 'pending'"}},
		Actions: []Action{
			{Name: "approve", Label: "批准发放", From: []string{"pending"}, To: "approved", Checker: true, Do: spend},
			{Name: "reject", Label: "驳回", From: []string{"pending"}, To: "rejected", Checker: true},
		},
		Figures: func(r Record, _ *Record) []Fig {
			if r.Str("status") != "approved" {
				return nil
			}
			d := r.Date("decided_on")
			return concat(monthly("fund_paid_fen", d, r.Int("amount_fen")), monthly("fund_grants", d, 1), monthly("fund_"+r.Str("purpose"), d, 1))
		}},

	{Name: "cobuilds", Label: "共建协议", Noun: "共建协议", Group: "阵地与活动", Dated: "signed_on",
		Fields: []Field{
			{Col: "partner", Label: "共建单位", Type: Text, Required: true, List: true},
			{Col: "partner_org", Label: "共建党组织", Type: Org, Hint: "共建单位的党组织在本系统中时填写"},
			{Col: "signed_on", Label: "签订日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "until", Label: "有效期至", Type: Date, List: true},
			{Col: "content", Label: "协议内容", Type: Note},
			{Col: "document", Label: "协议文本", Type: File},
		},
		Check:   func(r *Record, v *apperr.Invalid) { notBefore(r, v, "until", "signed_on") },
		Figures: func(r Record, _ *Record) []Fig { return monthly("cobuilds", r.Date("signed_on"), 1) }},

	{Name: "cobuild_items", Label: "共建事项", Noun: "共建事项", Group: "阵地与活动", Parent: "cobuilds", Dated: "due_on", Status: "status",
		Fields: []Field{
			{Col: "content", Label: "事项", Type: Text, Required: true, List: true},
			{Col: "due_on", Label: "完成期限", Type: Date, List: true},
			{Col: "status", Label: "状态", Type: Enum, Enum: DoneStates, Auto: true, List: true},
			{Col: "done_on", Label: "完成日期", Type: Date, Past: true, Step: "done", Required: true, List: true},
		},
		Actions: []Action{{Name: "done", Label: "确认完成", From: []string{"pending"}, To: "done"}},
		Figures: func(r Record, _ *Record) []Fig {
			return concat([]Fig{{"cobuild_items", 1}}, monthly("cobuild_done", r.Date("done_on"), 1))
		}},

	{Name: "posts", Label: "示范岗与责任区", Noun: "岗区", Group: "阵地与活动", Dated: "since",
		Fields: []Field{
			{Col: "kind", Label: "类别", Type: Enum, Enum: PostKinds, Required: true, List: true},
			{Col: "name", Label: "岗区名称", Type: Text, Required: true, List: true},
			{Col: "member", Label: "党员", Type: Member, Required: true, List: true},
			{Col: "since", Label: "设岗日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "until", Label: "撤岗日期", Type: Date, List: true},
			{Col: "duty", Label: "岗位职责或责任区范围", Type: Note},
		},
		Check: func(r *Record, v *apperr.Invalid) { notBefore(r, v, "until", "since") },
		Figures: func(r Record, _ *Record) []Fig {
			if !r.Date("until").IsZero() {
				return nil
			}
			return []Fig{{"posts:" + r.Str("kind"), 1}}
		}},

	{Name: "activities", Label: "志愿服务与公益活动", Noun: "活动", Group: "阵地与活动", Dated: "held_on",
		Fields: []Field{
			{Col: "kind", Label: "类别", Type: Enum, Enum: ActKinds, Required: true, List: true},
			{Col: "title", Label: "活动名称", Type: Text, Required: true, List: true},
			{Col: "held_on", Label: "日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "place", Label: "地点", Type: Text, List: true},
			{Col: "notes", Label: "活动情况", Type: Note},
			{Col: "photo", Label: "活动照片", Type: File, Added: "work_photos", Hint: "可用手机直接拍照上传"},
		},
		Figures: func(r Record, _ *Record) []Fig { return monthly("activities", r.Date("held_on"), 1) }},

	{Name: "activity_people", Label: "参加人员", Noun: "参加人员", Group: "阵地与活动", Parent: "activities",
		Fields: []Field{
			{Col: "member", Label: "党员", Type: Member, List: true, Hint: "党员填姓名;群众在下一栏填写"},
			{Col: "name", Label: "其他参加人", Type: Text, List: true},
			{Col: "hours", Label: "服务时长(小时)", Type: Int, Min: 0, Max: 24, Required: true, List: true},
		},
		Check: func(r *Record, v *apperr.Invalid) {
			if r.Int("member") == 0 && r.Str("name") == "" {
				v.Add("member", "请填写参加的党员或其他参加人")
			}
		},
		Figures: func(r Record, p *Record) []Fig {
			d := p.Date("held_on")
			return concat(monthly("volunteers", d, 1), monthly("volunteer_hours", d, r.Int("hours")))
		}},

	{Name: "trainings", Label: "教育培训", Noun: "培训班", Group: "教育培训", Dated: "starts_on",
		Fields: []Field{
			{Col: "title", Label: "培训班名称", Type: Text, Required: true, List: true},
			{Col: "starts_on", Label: "开班日期", Type: Date, Required: true, List: true},
			{Col: "ends_on", Label: "结业日期", Type: Date, List: true},
			{Col: "hours", Label: "学时", Type: Int, Min: 1, Max: 2000, Required: true, List: true},
			{Col: "place", Label: "地点", Type: Text},
			{Col: "organiser", Label: "主办单位", Type: Text, List: true},
		},
		Check:   func(r *Record, v *apperr.Invalid) { notBefore(r, v, "ends_on", "starts_on") },
		Figures: func(r Record, _ *Record) []Fig { return monthly("trainings", r.Date("starts_on"), 1) }},

	{Name: "training_people", Label: "参训人员", Noun: "参训人员", Group: "教育培训", Parent: "trainings",
		Fields: []Field{
			{Col: "member", Label: "党员", Type: Member, Required: true, List: true},
			{Col: "passed", Label: "结业情况", Type: Enum, Enum: vocab.Enum{{Code: "yes", Label: "结业"}, {Code: "no", Label: "未结业"}}, Required: true, List: true},
		},
		Figures: func(r Record, p *Record) []Fig {
			d := p.Date("starts_on")
			return concat(monthly("trained", d, 1), monthly("training_hours", d, p.Int("hours")))
		}},

	{Name: "sites", Label: "远程教育站点", Noun: "终端站点", Group: "教育培训",
		Fields: []Field{
			{Col: "name", Label: "站点名称", Type: Text, Required: true, List: true},
			{Col: "place", Label: "所在地点", Type: Text, Required: true, List: true},
			{Col: "state", Label: "运行状态", Type: Enum, Enum: SiteStates, Required: true, List: true},
			{Col: "keeper", Label: "管理员", Type: Text, List: true},
			{Col: "opened_on", Label: "建站日期", Type: Date, Past: true, List: true},
		},
		Figures: func(r Record, _ *Record) []Fig { return []Fig{{"sites", 1}, {"sites:" + r.Str("state"), 1}} }},

	{Name: "exchanges", Label: "干部交流", Noun: "干部交流", Group: "人才工作", Dated: "starts_on",
		Fields: []Field{
			{Col: "kind", Label: "交流方式", Type: Enum, Enum: ExchKinds, Required: true, List: true},
			{Col: "person", Label: "干部姓名", Type: Text, Required: true, List: true},
			{Col: "from_place", Label: "原单位", Type: Text, List: true},
			{Col: "to_place", Label: "任职单位(村、社区、乡镇)", Type: Text, Required: true, List: true},
			{Col: "post", Label: "任职岗位", Type: Text, Required: true, List: true},
			{Col: "starts_on", Label: "起始日期", Type: Date, Required: true, List: true},
			{Col: "ends_on", Label: "结束日期", Type: Date, List: true},
		},
		Check: func(r *Record, v *apperr.Invalid) { notBefore(r, v, "ends_on", "starts_on") },
		Figures: func(r Record, _ *Record) []Fig {
			return monthly("exch_"+r.Str("kind"), r.Date("starts_on"), 1)
		}},

	{Name: "cultivations", Label: "三个培养", Noun: "培养记录", Group: "人才工作", Dated: "on_date",
		Fields: []Field{
			{Col: "kind", Label: "培养方向", Type: Enum, Enum: CultKinds, Required: true, List: true},
			{Col: "person", Label: "姓名", Type: Text, Required: true, List: true},
			{Col: "on_date", Label: "日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "notes", Label: "情况", Type: Text, List: true, Hint: "如 创办的产业、担任的职务"},
		},
		Figures: func(r Record, _ *Record) []Fig { return monthly("cult_"+r.Str("kind"), r.Date("on_date"), 1) }},

	{Name: "candidates", Label: "党务工作者人才库", Noun: "人才库人员", Group: "人才工作",
		Fields: []Field{
			{Col: "name", Label: "姓名", Type: Text, Required: true, List: true},
			{Col: "sex", Label: "性别", Type: Enum, Enum: Sexes, Required: true, List: true},
			{Col: "birth_year", Label: "出生年份", Type: Int, Min: 1940, Max: 2010, Required: true, List: true},
			{Col: "level", Label: "入库层级", Type: Enum, Enum: PoolLevels, Required: true, List: true},
			{Col: "source", Label: "来源", Type: Enum, Enum: Sources, Required: true, List: true},
			{Col: "grade", Label: "考察等次", Type: Enum, Enum: Grades, Required: true, List: true},
			{Col: "assessment", Label: "考察评价", Type: Note},
		},
		Figures: func(r Record, _ *Record) []Fig { return []Fig{{"talent", 1}, {"talent:" + r.Str("source"), 1}} }},

	{Name: "talent_requests", Label: "企业用人需求", Noun: "用人需求", Group: "人才工作", Dated: "asked_on",
		Fields: []Field{
			{Col: "enterprise", Label: "企业名称", Type: Text, Required: true, List: true},
			{Col: "post", Label: "岗位", Type: Text, Required: true, List: true, Hint: "如 专职党务工作者、党组织书记"},
			{Col: "asked_on", Label: "提出日期", Type: Date, Past: true, Required: true, List: true},
			{Col: "needs", Label: "要求", Type: Note},
		},
		Figures: func(r Record, _ *Record) []Fig { return monthly("talent_requests", r.Date("asked_on"), 1) }},

	{Name: "selections", Label: "双向选择", Noun: "推荐人选", Group: "人才工作", Parent: "talent_requests", Dated: "appointed_on", Status: "state",
		Fields: []Field{
			{Col: "candidate", Label: "推荐人选", Type: Ref, Ref: "candidates", Required: true, List: true},
			{Col: "state", Label: "进度", Type: Enum, Enum: SelStates, Auto: true, List: true},
			{Col: "declined_by", Label: "未成原因", Type: Enum, Enum: DeclinedBy, Step: "decline", Required: true, List: true},
			{Col: "appointed_on", Label: "聘任日期", Type: Date, Past: true, Step: "appoint", Required: true, List: true},
			{Col: "pay_grade", Label: "薪酬档次", Type: Enum, Enum: PayGrades, Step: "appoint", Required: true, List: true},
			{Col: "contract", Label: "聘用合同", Type: File, Step: "appoint", Required: true},
			{Col: "duty_letter", Label: "目标责任书", Type: File, Step: "appoint", Required: true},
		},
		Actions: []Action{
			{Name: "choose", Label: "企业选中", From: []string{"recommended"}, To: "chosen"},
			{Name: "accept", Label: "本人同意", From: []string{"chosen"}, To: "accepted"},
			{Name: "appoint", Label: "聘任", From: []string{"accepted"}, To: "appointed"},
			{Name: "decline", Label: "未成", From: []string{"recommended", "chosen", "accepted"}, To: "declined"},
		},
		Prepare: recommend,
		Lock: func(r Record) string {
			if r.Str("state") != "recommended" {
				return "已进入双向选择的推荐不能修改或删除"
			}
			return ""
		},
		Figures: func(r Record, _ *Record) []Fig {
			return concat([]Fig{{"selections", 1}}, monthly("talent_appointed", r.Date("appointed_on"), 1))
		}},

	{Name: "reviews", Label: "年度述职", Noun: "述职评议", Group: "人才工作", Parent: "selections",
		Fields: []Field{
			{Col: "year", Label: "年度", Type: Int, Min: 2000, Max: 2100, Required: true, List: true},
			{Col: "score_board", Label: "企业决策层评分", Type: Int, Min: 0, Max: 100, Required: true, List: true},
			{Col: "score_members", Label: "党员大会评分", Type: Int, Min: 0, Max: 100, Required: true, List: true},
			{Col: "score_superior", Label: "上级党组织评分", Type: Int, Min: 0, Max: 100, Required: true, List: true},
			{Col: "weight_board", Label: "企业决策层权重(%)", Type: Int, Min: 0, Max: 100, Required: true},
			{Col: "weight_members", Label: "党员大会权重(%)", Type: Int, Min: 0, Max: 100, Required: true},
			{Col: "weight_superior", Label: "上级党组织权重(%)", Type: Int, Min: 0, Max: 100, Required: true},
			{Col: "total", Label: "综合得分", Type: Int, Auto: true, List: true},
			{Col: "advice", Label: "建议", Type: Enum, Enum: Decisions, Auto: true, List: true},
			{Col: "decision", Label: "决定", Type: Enum, Enum: Decisions, List: true, Hint: "上级党组织作出决定后填写"},
		},
		Check: scoreReview,
		Prepare: func(ctx context.Context, tx *sql.Tx, _, r *Record) error {
			var state string
			if err := tx.QueryRowContext(ctx, "SELECT state FROM selections WHERE id = $1", r.ParentID).Scan(&state); err != nil {
				return err
			}
			if state != "appointed" {
				return apperr.Rule("只有已聘任的人选才有年度述职评议,该人选当前为“%s”", SelStates.Label(state))
			}
			return nil
		},
		Figures: func(r Record, _ *Record) []Fig {
			f := []Fig{{"reviews", 1}}
			if d := r.Str("decision"); d != "" {
				f = append(f, Fig{"review_" + d, 1})
			}
			return f
		}},
}

// PassScore is the weighted score at or above which a report-back recommends renewal.
const PassScore = 60

// scoreReview weighs the three audiences' scores (weights summing to 100)
// and recommends renewal at PassScore or above.
func scoreReview(r *Record, v *apperr.Invalid) {
	wb, wm, ws := r.Int("weight_board"), r.Int("weight_members"), r.Int("weight_superior")
	if wb+wm+ws != 100 {
		v.Add("weight_superior", "三方权重之和应为100,现为%d", wb+wm+ws)
		return
	}
	total := (r.Int("score_board")*wb + r.Int("score_members")*wm + r.Int("score_superior")*ws + 50) / 100
	r.V["total"] = total
	r.V["advice"] = "dismiss"
	if total >= PassScore {
		r.V["advice"] = "renew"
	}
}

// recommend refuses to put forward a candidate already appointed, or one
// already put forward for the same request and not turned down.
func recommend(ctx context.Context, tx *sql.Tx, before, r *Record) error {
	if before != nil && before.Int("candidate") == r.Int("candidate") {
		return nil
	}
	var state string
	err := tx.QueryRowContext(ctx, `SELECT state FROM selections WHERE candidate = $1 AND id <> $2 AND (state = 'appointed' OR parent_id = $3 AND state <> 'declined')
		ORDER BY state = 'appointed' DESC LIMIT 1`, r.Int("candidate"), r.ID, r.ParentID).Scan(&state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		if err != nil {
			return fmt.Errorf("recommend talent: %w", err)
		}
		return nil
	case state == "appointed":
		return apperr.InvalidField("candidate", "该人选已在其他企业聘任,不能再推荐")
	}
	return apperr.InvalidField("candidate", "该人选已推荐给这家企业(进度:%s)", SelStates.Label(state))
}

// spend takes an approved disbursement from its fund's balance; the
// conditional update is what keeps the balance from going below zero when
// two approvals race: the second finds the balance already lowered.
func spend(ctx context.Context, tx *sql.Tx, r Record) error {
	res, err := tx.ExecContext(ctx, "UPDATE funds SET balance_fen = balance_fen - $1 WHERE id = $2 AND balance_fen >= $1", r.Int("amount_fen"), r.ParentID)
	if err != nil {
		return fmt.Errorf("spend from fund: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		var bal int64
		if err := tx.QueryRowContext(ctx, "SELECT balance_fen FROM funds WHERE id = $1", r.ParentID).Scan(&bal); err != nil {
			return fmt.Errorf("spend from fund: %w", err)
		}
		return apperr.Rule("专项资金余额不足:本次发放%s元,余额仅%s元", Yuan(r.Int("amount_fen")), Yuan(bal))
	}
	return nil
}

// rebudget moves a fund's balance by the change of its budget, refusing a
// budget below what has already been approved.
func rebudget(ctx context.Context, tx *sql.Tx, before *Record, r Record) error {
	if before == nil {
		return nil
	}
	change := r.Int("budget_fen") - before.Int("budget_fen")
	res, err := tx.ExecContext(ctx, "UPDATE funds SET balance_fen = balance_fen + $1 WHERE id = $2 AND balance_fen + $1 >= 0", change, r.ID)
	if err != nil {
		return fmt.Errorf("rebudget fund: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return apperr.InvalidField("budget_fen", "预算总额不能少于已批准发放的金额(已发放%s元)", Yuan(before.Int("budget_fen")-before.Int("balance_fen")))
	}
	return nil
}

func notBefore(r *Record, v *apperr.Invalid, later, earlier string) {
	if l, e := r.Date(later), r.Date(earlier); !l.IsZero() && l.Before(e) {
		f, _ := r.Kind.Field(later)
		g, _ := r.Kind.Field(earlier)
		v.Add(later, "%s(%s)不能早于%s(%s)", f.Label, l, g.Label, e)
	}
}

func concat(parts ...[]Fig) []Fig {
	var out []Fig
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// kindsByName indexes Kinds.
var kindsByName = func() map[string]*Kind {
	m := map[string]*Kind{}
	for _, k := range Kinds {
		if m[k.Name] != nil {
			panic(fmt.Sprintf("work kind %s declared twice", k.Name))
		}
		m[k.Name] = k
	}
	return m
}()

// KindOf returns the kind with a name.
func KindOf(name string) (*Kind, bool) {
	k, ok := kindsByName[name]
	return k, ok
}

// Children lists the kinds whose records belong to records of k.
func (k *Kind) Children() []*Kind {
	var out []*Kind
	for _, c := range Kinds {
		if c.Parent == k.Name {
			out = append(out, c)
		}
	}
	return out
}
