package cppcc

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/report"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// SummaryTemplates are the sentence patterns of a committee's work summary
// (工作总结), in the form of E4's report: the opening, proposals, key
// proposals and supervision, inspections and research, 社情民意, the
// letters and visits, the forum, the closing. 〔名称〕 is a figure of
// SummaryFigures by its Chinese name; {组织} and {期间} the committee's
// name and the period, {党委} the Party committee it works under.
func SummaryTemplates() []report.Template {
	return []report.Template{
		{Key: "opening", Label: "开头", Text: "{期间},{组织}在{党委}的领导下,围绕中心、服务大局,认真履行政治协商、民主监督、参政议政职能,各项工作取得新的进展。现将有关情况总结如下。"},
		{Key: "proposals", Label: "提案工作", Text: "委员和参加政协的各单位共提出提案〔提出提案〕件,其中大会期间〔大会期间提出〕件、闭会期间〔闭会期间提出〕件,委员联名提案〔委员联名提案〕件;经审查立案〔立案〕件,并案办理〔并案办理〕件。已答复的提案中,所提问题已经解决或采纳的A类〔A类答复〕件,正在解决或列入计划的B类〔B类答复〕件,留作参考的C类〔C类答复〕件;提案者对办理结果满意〔提案者满意〕件、基本满意〔提案者基本满意〕件。"},
		{Key: "key", Label: "重点提案督办", Text: "遴选重点提案〔重点提案〕件,由主席会议成员领衔督办,开展现场视察督办〔现场视察督办〕次、督办座谈会〔督办座谈会〕次、专题协商督办〔专题协商督办〕次。"},
		{Key: "activities", Label: "视察调研", Text: "组织委员视察〔委员视察〕次,形成视察报告〔视察报告〕篇;开展专题调研〔专题调研〕次,形成调研报告〔调研报告〕篇;向党委、政府提出常委会建议案〔常委会建议案〕件,收到领导批示〔收到领导批示〕件,其中已采纳〔批示已采纳〕件。"},
		{Key: "meetings", Label: "会议和简报", Text: "召开全体会议〔全体会议〕次、常委会会议〔常委会会议〕次、主席会议〔主席会议〕次,举办专题议政会〔专题议政会〕次、专题协商会〔专题协商会〕次、座谈会〔座谈会〕次,委员出席〔委员出席会议和活动〕人次、请假〔委员请假〕人次;收到大会发言〔大会发言〕份;编发《政协简报》〔政协简报〕期。"},
		{Key: "opinions", Label: "社情民意", Text: "收到委员报送的社情民意信息〔社情民意信息〕条,编发《社情民意专刊》〔社情民意专刊〕期,被上级采用〔社情民意被采用〕条,获领导批示〔社情民意获批示〕条。"},
		{Key: "letters", Label: "委员来信和信访", Text: "收到委员信箱、民意信箱来信和信访事项〔来信和信访事项〕件,依法受理〔受理〕件,转送有权处理机关〔转送有权处理机关〕件;按期答复〔按期答复〕件,来信人满意〔来信人满意〕件;重复来信〔重复来信〕件,集体访〔集体访〕批。"},
		{Key: "forum", Label: "网上议政", Text: "经来信人同意在网上议政园地公开来信和答复〔公开来信〕篇,收到群众留言〔群众留言〕条。"},
		{Key: "closing", Label: "结尾", Text: "下一步,{组织}将坚持团结和民主两大主题,进一步提高履职能力,为推动经济社会高质量发展贡献政协力量。"},
	}
}

// SummaryDraft drafts committee c's summary of the months from..to from
// its templates, each replaced by the office's own text where custom has
// one (an older text's English placeholders read as their Chinese names).
func SummaryDraft(c committee.Committee, from, to string, custom map[string]string) report.Summary {
	party := strings.NewReplacer("{党委}", c.PartyCommittee())
	ts := SummaryTemplates()
	for i := range ts {
		ts[i].Text = party.Replace(ts[i].Text)
	}
	own := map[string]string{}
	for k, v := range custom {
		own[k] = party.Replace(SummaryPlaceholders(v))
	}
	return report.Draft(c.Name, from, to, "工作总结", ts, own)
}

// oldPlaceholders rewrites the English placeholders texts were saved
// with before the figures had Chinese names (〔submitted〕 → 〔提出提案〕).
var oldPlaceholders = func() *strings.Replacer {
	var pairs []string
	for _, x := range summaryFigures {
		pairs = append(pairs, "〔"+x.key+"〕", "〔"+x.label+"〕")
	}
	return strings.NewReplacer(pairs...)
}()

// SummaryPlaceholders is a text of a committee's summary with each
// figure's placeholder by its Chinese name, as the pages show it; a text
// saved with the English ones reads the same.
func SummaryPlaceholders(text string) string { return oldPlaceholders.Replace(text) }

// summaryFigure is a figure of a committee's summary: its key (the
// placeholder of texts saved before the Chinese ones), words (its
// placeholder), the count it is read from and the list that yields it.
type summaryFigure struct {
	key, label, unit string
	count            string // a key of Figures.Counts, or "p:" + a key of PublicFigures.Counts
	list             string // the list's path and filter, without the period
}

var summaryFigures = []summaryFigure{
	{"submitted", "提出提案", "件", "submitted", "/cppcc"},
	{"in_session", "大会期间提出", "件", "time:session", "/cppcc"},
	{"between", "闭会期间提出", "件", "time:between", "/cppcc"},
	{"joint", "委员联名提案", "件", "way:joint", "/cppcc"},
	{"filed", "立案", "件", "filed", "/cppcc"},
	{"merged", "并案办理", "件", "st:merged", "/cppcc?state=merged"},
	{"class_a", "A类答复", "件", "class:A", "/cppcc"},
	{"class_b", "B类答复", "件", "class:B", "/cppcc"},
	{"class_c", "C类答复", "件", "class:C", "/cppcc"},
	{"satisfied", "提案者满意", "件", "sat:satisfied", "/cppcc"},
	{"basic", "提案者基本满意", "件", "sat:basic", "/cppcc"},
	{"key", "重点提案", "件", "key", "/cppcc?key=1"},
	{"supervision_visit", "现场视察督办", "次", "act:supervision_visit", "/cppcc/activities?kind=supervision_visit"},
	{"supervision_forum", "督办座谈会", "次", "act:supervision_forum", "/cppcc/activities?kind=supervision_forum"},
	{"supervision_consult", "专题协商督办", "次", "act:supervision_consult", "/cppcc/activities?kind=supervision_consult"},
	{"inspection", "委员视察", "次", "act:inspection", "/cppcc/activities?kind=inspection"},
	{"inspection_reports", "视察报告", "篇", "reports:inspection", "/cppcc/activities?kind=inspection"},
	{"research", "专题调研", "次", "act:research", "/cppcc/activities?kind=research"},
	{"research_reports", "调研报告", "篇", "reports:research", "/cppcc/activities?kind=research"},
	{"recommendation", "常委会建议案", "件", "act:recommendation", "/cppcc/activities?kind=recommendation"},
	{"instructions", "收到领导批示", "件", "instructions", "/cppcc/activities"},
	{"instructions_adopted", "批示已采纳", "件", "instructions:adopted", "/cppcc/activities"},
	{"plenary", "全体会议", "次", "act:plenary", "/cppcc/activities?kind=plenary"},
	{"standing", "常委会会议", "次", "act:standing", "/cppcc/activities?kind=standing"},
	{"chair", "主席会议", "次", "act:chair", "/cppcc/activities?kind=chair"},
	{"topic_deliberation", "专题议政会", "次", "act:topic_deliberation", "/cppcc/activities?kind=topic_deliberation"},
	{"topic_consult", "专题协商会", "次", "act:topic_consult", "/cppcc/activities?kind=topic_consult"},
	{"symposium", "座谈会", "次", "act:symposium", "/cppcc/activities?kind=symposium"},
	{"attended", "委员出席会议和活动", "人次", "attend:present", "/cppcc/activities"},
	{"on_leave", "委员请假", "人次", "attend:leave", "/cppcc/activities"},
	{"speech", "大会发言", "份", "act:speech", "/cppcc/activities?kind=speech"},
	{"briefs", "政协简报", "期", "brief", "/cppcc/briefs"},
	{"opinions", "社情民意信息", "条", "p:o:submitted", "/cppcc/opinions?tab=all"},
	{"issues", "社情民意专刊", "期", "p:o:issue", "/cppcc/opinions?tab=all"},
	{"opinions_adopted", "社情民意被采用", "条", "p:o:adopted", "/cppcc/opinions?tab=all"},
	{"opinions_instruction", "社情民意获批示", "条", "p:o:instruction", "/cppcc/opinions?tab=all"},
	{"letters", "来信和信访事项", "件", "p:c:all", "/cppcc/letters?tab=all"},
	{"accepted", "受理", "件", "p:c:accepted", "/cppcc/letters?tab=all"},
	{"transferred", "转送有权处理机关", "件", "p:c:transferred", "/cppcc/letters?tab=transferred"},
	{"on_time", "按期答复", "件", "p:c:ontime", "/cppcc/letters?tab=all"},
	{"letters_satisfied", "来信人满意", "件", "p:c:sat:satisfied", "/cppcc/letters?tab=all"},
	{"repeats", "重复来信", "件", "p:c:repeat", "/cppcc/letters?tab=all"},
	{"collective", "集体访", "批", "p:c:collective", "/cppcc/letters?tab=all"},
	{"posts", "公开来信", "篇", "p:f:post", "/cppcc/moderation"},
	{"comments", "群众留言", "条", "p:f:comment", "/cppcc/moderation"},
}

// SummaryFigures reads the figures a committee's summary of the months
// from..to ("2006-01") may cite, by their Chinese names, each with the
// list of the same period that yields it.
func (s *Service) SummaryFigures(ctx context.Context, sc store.Scope, committeeID int64, from, to string) (map[string]report.Figure, error) {
	pd, err := PeriodOf(from, to)
	if err != nil {
		return nil, err
	}
	f, err := s.Figures(ctx, sc, committeeID, pd, false)
	if err != nil {
		return nil, err
	}
	pf, err := s.PublicFigures(ctx, sc, committeeID, pd)
	if err != nil {
		return nil, err
	}
	months := "from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to)
	out := map[string]report.Figure{}
	for _, x := range summaryFigures {
		n := f.Counts[x.count]
		if k, ok := strings.CutPrefix(x.count, "p:"); ok {
			n = pf.Counts[k]
		}
		sep := "?"
		if strings.Contains(x.list, "?") {
			sep = "&"
		}
		out[x.label] = report.Figure{Key: x.label, Label: x.label, Text: work.Grouped(n), Unit: x.unit, Href: x.list + sep + months}
	}
	return out, nil
}

// PeriodOf reads months "2006-01" as a Period, from not after to.
func PeriodOf(from, to string) (Period, error) {
	month := func(v string) int {
		if len(v) != 7 || v[4] != '-' {
			return 0
		}
		y, err1 := strconv.Atoi(v[:4])
		m, err2 := strconv.Atoi(v[5:])
		if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 1949 || y > 2100 {
			return 0
		}
		return y*100 + m
	}
	pd := Period{From: month(from), To: month(to)}
	if pd.From == 0 || pd.To == 0 || pd.From > pd.To {
		return pd, apperr.InvalidField("from", "期间应为起止月份(如 2026-01 至 2026-12),起始月份不晚于截止月份")
	}
	return pd, nil
}
