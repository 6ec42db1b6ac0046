package cppcc

import "dangjian/internal/vocab"

// RejectReasons are the cases in which a proposal is not filed (不予立案),
// the ten of the National Committee's rules on proposals (《中国人民政治协商会议
// 全国委员会提案工作条例》, as its office lists them: cppcc.gov.cn, 知识问答
// “哪些提案不能被立案”); an eleventh lets a committee name its own.
var RejectReasons = vocab.Enum{
	{Code: "secret", Label: "涉及党和国家秘密的"},
	{Code: "forbidden", Label: "国家明令禁止的"},
	{Code: "party_internal", Label: "中共党员对党内有关组织、人事安排等方面有意见的"},
	{Code: "party_group", Label: "民主党派成员反映本组织内部问题的"},
	{Code: "litigation", Label: "进入民事、刑事、行政诉讼以及仲裁程序的"},
	{Code: "academic", Label: "属于学术研讨的"},
	{Code: "personal", Label: "为本人或亲属解决个人问题的"},
	{Code: "promotion", Label: "宣传、推介具体作品、产品的"},
	{Code: "report", Label: "指明举报的"},
	{Code: "vague", Label: "内容空泛、没有具体建议的"},
	{Code: "other", Label: "其他不宜作为提案的"},
}

// RejectRoutes are where a proposal not filed goes, so that nothing is lost.
var RejectRoutes = vocab.Enum{
	{Code: "opinion", Label: "转为社情民意信息"},
	{Code: "letter", Label: "转为委员来信"},
	{Code: "none", Label: "不再转送"},
}

// Ways are who proposes (提出方式).
var Ways = vocab.Enum{
	{Code: "member", Label: "委员个人"},
	{Code: "joint", Label: "委员联名"},
	{Code: "party", Label: "党派"},
	{Code: "group", Label: "人民团体"},
	{Code: "special", Label: "专门委员会"},
	{Code: "sector", Label: "界别"},
}

// States of a proposal.
var States = vocab.Enum{
	{Code: Draft, Label: "暂存"},
	{Code: Signing, Label: "征集联名"},
	{Code: Submitted, Label: "待审查"},
	{Code: Returned, Label: "退回修改"},
	{Code: Filed, Label: "已立案待交办"},
	{Code: Rejected, Label: "不予立案"},
	{Code: Merged, Label: "已并案"},
	{Code: Withdrawn, Label: "已撤回"},
	{Code: Handling, Label: "办理中"},
	{Code: Replied, Label: "已答复待评价"},
	{Code: Rehandling, Label: "重新办理"},
	{Code: Closed, Label: "已办结"},
}

// SignerStates are a co-signer's answers (会签).
var SignerStates = vocab.Enum{
	{Code: Invited, Label: "待确认"},
	{Code: Confirmed, Label: "已确认联名"},
	{Code: Declined, Label: "不同意联名"},
	{Code: Lapsed, Label: "逾期未确认"},
}

// UnitRoles are a handling unit's part (主办 / 会办 / 分办).
var UnitRoles = vocab.Enum{
	{Code: "lead", Label: "主办"},
	{Code: "co", Label: "会办"},
	{Code: "split", Label: "分办"},
}

// UnitStates are the states of a unit's part.
var UnitStates = vocab.Enum{
	{Code: PartHandling, Label: "办理中"},
	{Code: PartObjected, Label: "申请调整"},
	{Code: PartWithdrawn, Label: "已调整给其他单位"},
	{Code: PartExtension, Label: "申请延期"},
	{Code: PartOpinion, Label: "已提出会办意见"},
	{Code: PartReplied, Label: "已答复"},
}

// Classes are the result classes of a reply; D is used where a committee keeps it.
var Classes = vocab.Enum{
	{Code: "A", Label: "A类(所提问题已经解决或采纳)"},
	{Code: "B", Label: "B类(正在解决或列入计划解决)"},
	{Code: "C", Label: "C类(因条件限制留作参考)"},
	{Code: "D", Label: "D类(其他)"},
}

// Contacts are how the handling unit gets in touch before replying, as the proposer chose.
var Contacts = vocab.Enum{
	{Code: "visit", Label: "走访面商"},
	{Code: "phone", Label: "电话沟通"},
	{Code: "none", Label: "不需要"},
}

// Ratings are the proposer's evaluation of the handling (征询意见).
var Ratings = vocab.Enum{
	{Code: "satisfied", Label: "满意"},
	{Code: "basic", Label: "基本满意"},
	{Code: "unsatisfied", Label: "不满意"},
}

// Levels are where a 社情民意 item is adopted or instructed on (read by the
// performance record; kept by the opinion package).
var Levels = vocab.Enum{
	{Code: "county", Label: "县(区)级"},
	{Code: "city", Label: "市级"},
	{Code: "province", Label: "省级"},
	{Code: "national", Label: "全国"},
}
