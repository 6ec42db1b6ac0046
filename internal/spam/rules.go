package spam

import (
	"regexp"
	"slices"
	"strings"

	"dangjian/internal/pinyin"
)

// Reason is one thing found in a text, as the moderator reads it, and how
// much it weighs in the score (log-odds; negative lowers it).
type Reason struct {
	Rule   string  `json:"rule"`
	Label  string  `json:"label"`
	Detail string  `json:"detail"`
	Weight float64 `json:"weight"`
}

// Vocabulary is the known spam vocabulary: words of gambling, pornography,
// fraud and illegal services that spam repeats. A word is found as written
// or as a homophone (the same pinyin).
var Vocabulary = []string{
	"博彩", "彩金", "百家乐", "真人视讯", "娱乐城", "注册送", "首充", "首存", "返水", "提款", "出款", "现金网", "时时彩", "六合彩", "一肖中特", "特码",
	"棋牌", "老虎机", "体育投注", "赌球", "荷官", "赌场", "刷单", "日赚", "日入", "躺赚", "代开发票", "办证", "裸聊", "约炮", "一夜情", "上门服务",
	"成人视频", "看片", "无码", "私密直播", "网贷", "下款", "不看征信", "稳赚不赔", "带单", "代孕", "迷药", "听话水", "仿真枪", "外挂", "靓号", "套现",
	"空降", "包夜", "陪酒", "推油", "涨停", "内幕消息", "返佣", "拉人头", "黄色小视频", "福利视频", "全套", "个人信息出售", "出售公民个人信息", "精准营销",
}

// ReportWords are the words of a citizen who reports spam, fraud or vice
// rather than spreads it (举报, 被骗, 请…查处): found, they lower the score.
var ReportWords = []string{"举报", "被骗", "受骗", "骗走", "上当", "报警", "查处", "打击", "治理", "整治", "反映", "请有关部门", "请公安", "依法", "建议", "担心", "提醒", "涉嫌", "非法", "部门", "希望", "发现", "政府"}

var (
	linkRe = regexp.MustCompile(`(?i)(https?://\S+|www\.[a-z0-9-]+(\.[a-z0-9-]+)*|[a-z0-9-]{2,}\.(com|net|cc|vip|top|xyz|me|co|org|cn|info|app|club|site|live|bet|win|tv)\b)`)
	qqRe   = regexp.MustCompile(`qq(号|群)?\d{5,11}`)
	wxRe   = regexp.MustCompile(`微信(号)?[a-z][a-z0-9_-]{5,19}`)
	telRe  = regexp.MustCompile(`(?:^|\D)(1[3-9]\d{9})(?:$|\D)`)
	tgRe   = regexp.MustCompile(`telegram|飞机号|纸飞机`)
	// vocabSyllables are the vocabulary's words read as pinyin.
	vocabSyllables = func() map[string]string {
		out := map[string]string{}
		for _, w := range Vocabulary {
			out[" "+strings.Join(pinyin.Syllables(w), " ")+" "] = w
		}
		return out
	}()
)

// Rules are what the rules find in t.
func Rules(t Text) []Reason {
	var out []Reason
	if m := linkRe.FindString(t.Plain); m != "" {
		out = append(out, Reason{Rule: "link", Label: "含网址或域名", Detail: m, Weight: 1.5})
	} else if m := linkRe.FindString(t.Compact); m != "" {
		out = append(out, Reason{Rule: "link", Label: "含拆开书写的网址或域名", Detail: m, Weight: 2})
	}
	for _, c := range []struct {
		re    *regexp.Regexp
		label string
	}{{qqRe, "含QQ号"}, {wxRe, "含微信号"}, {telRe, "含手机号码"}, {tgRe, "含境外通讯工具账号"}} {
		if ms := c.re.FindStringSubmatch(t.Compact); ms != nil {
			m := ms[len(ms)-1]
			if c.re == telRe { // a phone number is shown masked
				m = m[:3] + "****" + m[7:]
			} else {
				m = ms[0]
			}
			out = append(out, Reason{Rule: "contact", Label: c.label, Detail: m, Weight: 1})
		}
	}
	var found []string
	for _, w := range Vocabulary {
		if strings.Contains(t.Compact, w) {
			found = append(found, w)
		}
	}
	spoken := " " + strings.Join(t.Syllables, " ") + " "
	var homophones []string
	for syl, w := range vocabSyllables {
		if !slices.Contains(found, w) && strings.Contains(spoken, syl) {
			homophones = append(homophones, w)
		}
	}
	slices.Sort(homophones)
	if len(found) > 0 {
		out = append(out, Reason{Rule: "vocabulary", Label: "含垃圾信息常用词", Detail: strings.Join(found, "、"), Weight: 1.2 * float64(min(len(found), 3))})
	}
	if len(homophones) > 0 {
		out = append(out, Reason{Rule: "homophone", Label: "含垃圾信息常用词的谐音", Detail: strings.Join(homophones, "、"), Weight: 1.2 * float64(min(len(homophones), 2))})
	}
	var report []string
	for _, w := range ReportWords {
		if strings.Contains(t.Compact, w) {
			report = append(report, w)
		}
	}
	if len(report) > 0 {
		out = append(out, Reason{Rule: "report", Label: "是举报、求助或建议的语气", Detail: strings.Join(report, "、"), Weight: -3 * float64(min(len(report), 3))})
	}
	return out
}
