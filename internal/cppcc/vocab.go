// Package cppcc keeps the core of the consultative work of CPPCC committees
// (政协): committees and their handling units as a tree of their own, terms
// and sessions, members (委员), proposals (提案) from the draft to the
// proposer's evaluation with their states as one table of transitions
// (Steps) and their clocks, the committee's rules (its periods and the
// performance record's points), and each committee's figures maintained
// with the rows they count. It holds what the domains built on it share:
// the statutory clocks and the calendar, receipt codes, the proof of work
// spent, the moderators' samples for the classifier, text fingerprints, the
// public history, the numbering of a year's issues and the public
// channel's figures as read.
//
// Arrows: cppcc imports none of the domains built on it (duties, letters,
// opinion, forum) nor consultation, which puts them together; a proposal
// not filed goes into another channel through Service.Intake, which
// consultation.New supplies.
package cppcc

import "dangjian/internal/vocab"

// Parties are the parties and groups a member belongs to, as the CPPCC
// lists them: the Communist Party, the eight democratic parties, those
// without party affiliation, and the people's organisations that take part.
var Parties = vocab.Enum{
	{Code: "cpc", Label: "中国共产党"},
	{Code: "rcck", Label: "中国国民党革命委员会"},
	{Code: "cdl", Label: "中国民主同盟"},
	{Code: "cndca", Label: "中国民主建国会"},
	{Code: "cape", Label: "中国民主促进会"},
	{Code: "cpwdp", Label: "中国农工民主党"},
	{Code: "zgd", Label: "中国致公党"},
	{Code: "jiusan", Label: "九三学社"},
	{Code: "tdsgl", Label: "台湾民主自治同盟"},
	{Code: "none", Label: "无党派人士"},
	{Code: "acfic", Label: "中华全国工商业联合会"},
	{Code: "people_org", Label: "人民团体"},
}

// DefaultSectors are the 34 sectors (界别) of the 14th National Committee
// (2023: the Communist Youth League and the All-China Youth Federation
// became one sector and 环境资源界 was added); a committee edits its own list.
var DefaultSectors = []string{
	"中国共产党", "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会", "中国农工民主党",
	"中国致公党", "九三学社", "台湾民主自治同盟", "无党派人士", "中国共产主义青年团和中华全国青年联合会",
	"中华全国总工会", "中华全国妇女联合会", "中华全国工商业联合会", "中国科学技术协会", "中华全国台湾同胞联谊会",
	"中华全国归国华侨联合会", "文化艺术界", "科学技术界", "社会科学界", "经济界", "农业界", "教育界", "体育界",
	"新闻出版界", "医药卫生界", "对外友好界", "社会福利和社会保障界", "少数民族界", "宗教界",
	"特邀香港人士", "特邀澳门人士", "特别邀请人士", "环境资源界",
}

// DefaultCategories are the proposal categories a committee starts with.
var DefaultCategories = []string{"经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "党的建设", "其他"}

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
	{Code: "draft", Label: "暂存"},
	{Code: "signing", Label: "征集联名"},
	{Code: "submitted", Label: "待审查"},
	{Code: "returned", Label: "退回修改"},
	{Code: "filed", Label: "已立案待交办"},
	{Code: "rejected", Label: "不予立案"},
	{Code: "merged", Label: "已并案"},
	{Code: "withdrawn", Label: "已撤回"},
	{Code: "handling", Label: "办理中"},
	{Code: "replied", Label: "已答复待评价"},
	{Code: "rehandling", Label: "重新办理"},
	{Code: "closed", Label: "已办结"},
}

// SignerStates are a co-signer's answers (会签).
var SignerStates = vocab.Enum{
	{Code: "invited", Label: "待确认"},
	{Code: "confirmed", Label: "已确认联名"},
	{Code: "declined", Label: "不同意联名"},
	{Code: "lapsed", Label: "逾期未确认"},
}

// UnitRoles are a handling unit's part (主办 / 会办 / 分办).
var UnitRoles = vocab.Enum{
	{Code: "lead", Label: "主办"},
	{Code: "co", Label: "会办"},
	{Code: "split", Label: "分办"},
}

// UnitStates are the states of a unit's part.
var UnitStates = vocab.Enum{
	{Code: "handling", Label: "办理中"},
	{Code: "objected", Label: "申请调整"},
	{Code: "withdrawn", Label: "已调整给其他单位"},
	{Code: "extension", Label: "申请延期"},
	{Code: "opinion", Label: "已提出会办意见"},
	{Code: "replied", Label: "已答复"},
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

// MemberStatuses are a member's standing in the term.
var MemberStatuses = vocab.Enum{
	{Code: "active", Label: "在任"},
	{Code: "left", Label: "已离任"},
}

// Levels are where a 社情民意 item is adopted or instructed on (read by the
// performance record; kept by the opinion package).
var Levels = vocab.Enum{
	{Code: "county", Label: "县(区)级"},
	{Code: "city", Label: "市级"},
	{Code: "province", Label: "省级"},
	{Code: "national", Label: "全国"},
}
