package spam

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
	"棋牌", "老虎机", "体育投注", "赌球", "荷官", "赌场", "刷单", "日赚", "日入", "躺赚", "办证", "裸聊", "约炮", "一夜情", "上门服务",
	"成人视频", "看片", "无码", "私密直播", "网贷", "下款", "不看征信", "稳赚不赔", "带单", "代孕", "迷药", "听话水", "仿真枪", "外挂", "靓号", "套现",
	"空降", "包夜", "陪酒", "推油", "涨停", "内幕消息", "返佣", "拉人头", "黄色小视频", "福利视频", "全套", "个人信息出售", "出售公民个人信息", "精准营销",
	"包治百病", "祖传秘方", "特效药", "无效退款", "药到病除", "代开", "停息挂账", "债务优化", "高回报",
}

// ReportWords are the words of a citizen who reports spam, fraud or vice
// rather than spreads it (举报, 被骗, 请…查处): found, they lower the score.
var ReportWords = []string{"举报", "被骗", "受骗", "骗走", "上当", "报警", "查处", "打击", "治理", "整治", "请有关部门", "请公安", "依法", "担心", "提醒",
	"合法吗", "是否合法", "是不是真的", "正规吗", "是否正规", "是不是正规", "追回", "诈骗",
	"是不是传销", "是否传销", "是传销吗", "属于传销", "靠谱吗", "是不是骗", "是骗局吗", "对方失联", "失联了"}

// MildReportWords are words a report carries but a pitch may carry too
// ("政府网站建设", "涉嫌违法交易"): each lowers the score a third as much.
var MildReportWords = []string{"反映", "建议", "涉嫌", "非法", "部门", "希望", "发现", "政府", "请问", "冒充", "假冒", "请帮助", "请帮忙", "货没收到", "没收到货", "不给退", "不退钱"}

// ChainWords are the short words pornographic-video sites
// string together in the text they inject ("国产精品一区二区三区在线观看"):
// one of them is common in a citizen's letter, three or more in a row are
// not. Latin words are found inside a run of letters and digits ("91av").
var ChainWords = []string{
	"一区", "二区", "三区", "四区", "五区", "六区", "专区", "精品", "国产", "日韩", "欧美", "亚洲", "日本", "韩国", "无码", "有码", "中文字幕", "乱码",
	"高清", "免费观看", "免费看", "免费", "在线观看", "在线播放", "在线视频", "在线看", "在线", "视频", "播放", "观看", "不卡", "完整版", "手机版",
	"自拍", "偷拍", "人妻", "少妇", "熟女", "美女", "丝袜", "制服", "成人", "午夜", "福利", "伦理", "三级", "毛片", "黄片", "黄色", "色情",
	"久久", "综合", "色区", "传媒", "麻豆", "果冻", "天美", "星空", "蜜桃", "影院", "电影", "网站", "网址", "入口", "导航", "资源", "番号", "女优",
	"直播", "主播", "永久", "最新", "地址", "发布页", "防屏蔽", "防走失", "不迷路", "收藏", "大全", "合集", "下载", "一本道", "东京热", "草榴",
	"av", "porn", "sex", "xxx", "xvideos", "91", "99re", "1024",
}

var (
	linkRe = regexp.MustCompile(`(?i)(https?://\S+|www\.[a-z0-9-]+(\.[a-z0-9-]+)*|[a-z0-9-]{2,}\.(com|net|cc|vip|top|xyz|me|co|org|cn|info|app|club|site|live|bet|win|tv|icu|cyou|fun|pw|tk|ws|la|in|io|one|link|pro|biz|us|shop|online|buzz|asia|ink|work|red|ltd|wang|ren|porn|sex|xxx)\b)`)
	qqRe   = regexp.MustCompile(`qq(号|群)?\d{5,11}`)
	wxRe   = regexp.MustCompile(`微信(号)?[a-z][a-z0-9_-]{5,19}`)
	telRe  = regexp.MustCompile(`(?:^|\D)(1[3-9]\d{9})(?:$|\D)`)
	// A landline with its area code, as the compact text writes it
	// (0734-8826 1130 → 073488261130).
	landRe = regexp.MustCompile(`(?:^|\D)(0[1-9]\d{8,10})(?:$|\D)`)
	// A UnionPay card number (16 or 19 digits; an identity card's 18 are
	// not one), the account a transfer is asked to.
	cardRe = regexp.MustCompile(`(?:^|\D)(62(?:\d{14}|\d{17}))(?:$|\D)`)
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
	// One address is what a reporter quotes too; several are a link farm.
	if ms := distinct(linkRe.FindAllString(t.Plain, -1)); len(ms) > 0 {
		out = append(out, Reason{Rule: "link", Label: "含网址或域名", Detail: strings.Join(ms, "、"), Weight: 1.5 + float64(min(len(ms)-1, 2))})
	} else if ms := distinct(linkRe.FindAllString(t.Compact, -1)); len(ms) > 0 {
		out = append(out, Reason{Rule: "link", Label: "含拆开书写的网址或域名", Detail: strings.Join(ms, "、"), Weight: 2 + float64(min(len(ms)-1, 2))})
	}
	for _, c := range []struct {
		re    *regexp.Regexp
		label string
	}{{qqRe, "含QQ号"}, {wxRe, "含微信号"}, {telRe, "含手机号码"}, {landRe, "含固定电话号码"}, {cardRe, "含银行卡号"}, {tgRe, "含境外通讯工具账号"}} {
		if ms := c.re.FindStringSubmatch(t.Compact); ms != nil {
			m := ms[len(ms)-1]
			switch c.re {
			case telRe, landRe, cardRe: // a number is shown masked
				m = m[:3] + strings.Repeat("*", len(m)-7) + m[len(m)-4:]
			default:
				m = ms[0]
			}
			out = append(out, Reason{Rule: "contact", Label: c.label, Detail: m, Weight: 1})
		}
	}
	var found []string
	quoted := 0 // of found, the words only a quotation holds
	for _, w := range Vocabulary {
		if strings.Contains(t.Compact, w) {
			found = append(found, w)
			if !strings.Contains(t.Unquoted, w) {
				quoted++
			}
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
		out = append(out, Reason{Rule: "vocabulary", Label: "含垃圾信息常用词", Detail: strings.Join(found, "、"), Weight: quotedHalf(1.2, len(found), quoted, 3)})
	}
	if len(homophones) > 0 {
		out = append(out, Reason{Rule: "homophone", Label: "含垃圾信息常用词的谐音", Detail: strings.Join(homophones, "、"), Weight: 1.2 * float64(min(len(homophones), 2))})
	}
	var report []string
	tone := 0.0
	for _, ws := range []struct {
		words  []string
		weight float64
	}{{ReportWords, 3}, {MildReportWords, 1}} {
		for _, w := range ws.words {
			if strings.Contains(t.Compact, w) {
				report = append(report, w)
				tone += ws.weight
			}
		}
	}
	if run, n := chains(t.Compact); n > 0 {
		own := n
		if t.Unquoted != t.Compact {
			_, own = chains(t.Unquoted)
			own = min(own, n)
		}
		out = append(out, Reason{Rule: "chain", Label: "含成串的色情网站关键词", Detail: run, Weight: quotedHalf(0.75, n, n-own, 8)})
	}
	if cues, n := pitch(t.Compact); n > 0 {
		own := n
		if t.Unquoted != t.Compact {
			_, own = pitch(t.Unquoted)
			own = min(own, n)
		}
		out = append(out, Reason{Rule: "pitch", Label: "是推销、招揽或诈骗通知的说法", Detail: strings.Join(cues, ";"), Weight: quotedHalf(pitchWeight, n, n-own, 5)})
	}
	// A business named in quotation marks that the writer says they or
	// their family use, with a way to reach it: a soft-sell advert dressed
	// as a suggestion ("我们楼装的是“安达电梯”…业务员电话…").
	if m := endorseRe.FindString(withQuotes(t.Plain)); m != "" && (hasContact(out) || reachRe.MatchString(t.Compact)) {
		out = append(out, Reason{Rule: "endorse", Label: "以亲身经历推荐具名的商家并留下联系方式", Detail: m, Weight: endorseWeight})
	}
	// A reporter's tone lowers the score by at most 6: a text that scores
	// more than that (a body that is strongly spam) is held whatever words
	// of a report it carries.
	if len(report) > 0 {
		out = append(out, Reason{Rule: "report", Label: "是举报、求助或建议的语气", Detail: strings.Join(report, "、"), Weight: -min(tone, 6)})
	}
	return out
}

// Pitches are the ways a sales pitch, a solicitation or a fraud notice
// speaks to its reader, by what the moderator is told: each found once.
// A citizen's letter may say one of them; spam says several.
var Pitches = []Pitch{
	newPitch("优惠或收益", `优惠|特价|低价|报价|折扣|打折|[一二三四五六七八九][一二三四五六七八九]?折|立减|首单|新用户|原价|免费领|领取|限时|名额有限|名额不多|还有.{1,4}名额|仅剩|只剩.{0,4}名额|包分配|正在招生|火热招生|招生中|邀请(好友|码)|新人(券|礼|红包)|各得|比.{1,8}便宜|便宜(一半|[一二三四五六七八九]成)|先到先得|包过|保过|稳赚|保本|高收益|高回报|日赚|月入|躺赚|收入可观|时间自由|在家(就能|就可以|即可|也能)(做|赚|干)|双倍退款|退款|理赔|赔付|返现|返利|红包|补贴|上市|原始股|翻倍|团购价|内部价|价格(很|非常|特别|也)?(实惠|公道|便宜|亲民)|费用(也)?不高|性价比|只要[0-9一二三四五六七八九十百千]+元|免费(送|赠送|提供|体验|试用|安装|投放|上门|检测|讲座)|买.送.|(还|就|即)送|凭.{0,8}(享|可打|送)|报名(就)?送|新(客|顾客|会员)(第一次|首次|只要|仅需|享|送)|试听课|免费(听课|试听|出方案|设计方案|量房|评估)|搞活动.{0,4}(安装|只要|优惠|打折|送|特价)|(月费|只需|才)(才)?[0-9一二三四五六七八九十两百千]+(元|块)`),
	newPitch("招揽联系", `(联系|添加|加|咨询|详询|致电|拨打|私信|点击|扫码|回复|找)(专员|客服|老师|经理|顾问|助理|微信|qq|链接|下方|本人|我们)|可以联系(他们|我|她|他)|可上门|上门洽谈|欢迎(咨询|来电|合作|选购|大家|各位|叔叔|阿姨|广大|市民|家长)|欢迎.{0,6}朋友|(来|到)店里(看看|坐坐|体验)|(报名|咨询|订购|预约|招生|订餐)(电话|热线)|咨询请|请打电话|(打电话|致电|来电).{0,12}(报名|预约|咨询)|给大家(说|推荐|介绍|分享)|欢迎.{0,8}(考察|参观|洽谈|加盟|体验|参加|来玩)|有意者|有兴趣|感兴趣|需要的(朋友|老板|可以)|有需要的|有同样.{0,10}(可以|的人|的朋友)|强烈推荐|推荐(给)?大家|大家可以|(可以|不妨)(带|去|来).{0,8}(看看|试试|体验)|试试|找我|搜一下|关键词|下单|订餐|预订|订购|(小程序|淘宝|抖音|快手|拼多多)(搜|店铺)|说是.{0,6}介绍|报我的?名字|报.{1,8}(到店|可享|打折)|私信我|私聊我|想了解的(朋友|姐妹|可以|请)|(凡是|只要)说.{0,12}(看到|介绍)|(可以|可|就|不妨)(联系|找|加)(他们|这家|她们|我们)|想(参观|了解|体验|报名|试试)的(可以|请|朋友|联系)|(也|都|就)(找|选|用)这家|课程顾问|(加|关注)(他们|我们)的(服务号|公众号|微信)|门店(在|地址)`),
	newPitch("自称商家", `我们是.{0,10}(公司|团队|工作室|平台|机构|中心|厂家)|本(公司|店|平台|团队|工作室|厂)|我(这边|这里)有|我们这边是|专业(做|办|代|提供|从事|承接)|诚招|招募|诚邀|承接|我们(研发|生产|开发|推出|代理|经营)的|我们(厂|店|馆|工作室|连锁)|我开的|加盟|店址|就在.{0,10}(旁边|对面|附近)`),
	newPitch("功效承诺", `治病|包治|根治|特效|神药|一贴|不用吃药|年轻十岁|三高|药到病除|偏方|秘方|量子|能量水|磁疗|排毒|壮阳|增高|丰胸|减肥药|瘦身|(降糖|降压|降脂)(茶|仪|产品|枕|贴|酒)|(胰岛素|降压药|药)都停了|停了胰岛素|不用打胰岛素|(专家|名医|教授)(坐诊|义诊)|体验中心|(介绍|推荐|销售|卖)(一些)?.{0,10}(健康|保健)(产品|品)|成绩提高[0-9一二三四五六七八九十]+分`),
	newPitch("通知式诈骗", `冻结|解冻|安全账户|违法交易|洗钱|配合调查|验证码|保证金|手续费|资料费|激活|注销|征信|停止催收|处理逾期|信息需要更新|已被(冻结|停用|注销|列入)|逾期将|逾期影响|逾期不能参加|逾期取消|中奖|获奖|缴费通知|否则.{0,6}(作废|取消|冻结|停用|失效)|(先交|先缴|需要您?先交).{0,8}费|(扫码|扫描.{0,6}二维码).{0,8}(缴费|支付|付款|转账|缴纳)|请(家长|您|各位).{0,10}(扫描|扫码|点击|转账|缴费)`),
	newPitch("亲历推荐", `亲测|值得(推荐|一试|信赖)|真心推荐|良心推荐|口碑|好评|回头客`),
	newPitch("急用转账", `(急需|急用|紧急|马上|速|尽快|立即|赶紧)(转|汇|打)(账|款|钱)|(急需|急用|紧急|马上|速|立即|赶紧).{0,8}(转账|汇款|打款|转过去|汇过去|打过去|转到|汇到)|转账到|汇款到|打到.{0,6}(账户|卡上)|(转|汇|打)到.{0,10}(个人账户|私人账户|指定账户|这个账户)|给(这个|下面|以下)的?(账户|卡号|账号|卡)|(先|帮我|替我)(转账|汇款|打款|转一下|转一笔)|手术费|垫付|不方便接电话|不要耽误|不要打电话|别打电话|不要(声张|告诉|外传)|换了新(号码|号|微信)|这是我的新(号码|微信|号)|(办完|转完|弄完).{0,4}(截图|告诉我|回复我)|(我是|这是)(您|你)(家)?(孩子|小孩|儿子|女儿)?的(班主任|老师|辅导员|导师|领导|老板|经理)|我是你们?的?(领导|校长|院长|局长|老板|经理)|我是.(书记|主任|局长|处长|科长|校长|院长|总)|我是你的?(表|堂)?(弟|哥|姐|妹|侄子|外甥|同学|老同学)|(你|您)先(帮我|帮忙)?(转|垫|打|汇)|帮忙转给|账号(我)?发(给)?你|(明天|回头|过两天|下周).{0,4}还你|(千万)?别(告诉|跟).{0,4}(爸|妈|家里|别人)`),
	newPitch("称呼读者", `^亲|亲爱的(家长|朋友|用户|客户|会员)|朋友你好|大哥你好|老板你好|美女你好|尊敬的(用户|客户|会员|车主)|您的(银行卡|账户|快递|包裹|订单|社保|医保|etc)`),
}

// Pitch is one of the ways a pitch speaks: its label and its expression,
// read as its alternatives (cues), each a handful of words or an expression
// with the literals one of which any text it matches holds.
type Pitch struct {
	Label string
	// Re is the whole expression: what the cues find in a text is what it
	// finds, word for word.
	Re   *regexp.Regexp
	cues []cue
}

// cue is an alternative of a pitch's expression: the words it matches,
// or an expression and the literals (needles) it needs.
type cue struct {
	words   []string
	re      *regexp.Regexp
	needles []string
}

func newPitch(label, expr string) Pitch {
	syn, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err)
	}
	alts := []*syntax.Regexp{syn.Simplify()}
	if alts[0].Op == syntax.OpAlternate {
		alts = alts[0].Sub
	}
	p := Pitch{Label: label, Re: regexp.MustCompile(expr)}
	for _, a := range alts {
		if x, ok := exact(a); ok && !slices.Contains(x, "") {
			p.cues = append(p.cues, cue{words: x})
		} else {
			p.cues = append(p.cues, cue{re: regexp.MustCompile(a.String()), needles: needles(a)})
		}
	}
	return p
}

// maxNeedles bounds the literals a pitch is searched for by.
const maxNeedles = 64

// needles are literals one of which any match of re holds, or nil when a
// match may hold none of them. Of a sequence, the literals of its part
// whose shortest literal is longest (then the fewest) are kept.
func needles(re *syntax.Regexp) []string {
	if x, ok := exact(re); ok {
		if slices.Contains(x, "") {
			return nil
		}
		return minimal(x)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return needles(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return needles(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		consider := func(n []string) {
			n = minimal(n)
			if n != nil && !slices.Contains(n, "") && (best == nil || runes(n) > runes(best) || runes(n) == runes(best) && len(n) < len(best)) {
				best = n
			}
		}
		// run is what the exact parts in a row match, one after the other.
		run := []string{""}
		for _, sub := range re.Sub {
			x, ok := exact(sub)
			switch {
			case !ok:
				consider(run)
				run = []string{""}
				consider(needles(sub))
			case len(run)*len(x) <= maxNeedles:
				run = product(run, x)
			default:
				consider(run)
				run = x
			}
		}
		consider(run)
		return best
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			n := needles(sub)
			if n == nil {
				return nil
			}
			out = append(out, n...)
		}
		return minimal(out)
	}
	return nil
}

// minimal is ss without the literals that hold another of them (a text
// holding 便宜一半 holds 便宜), each once.
func minimal(ss []string) []string {
	var out []string
	for i, s := range ss {
		if !slices.ContainsFunc(ss[:i], func(t string) bool { return t == s }) &&
			!slices.ContainsFunc(ss, func(t string) bool { return t != s && strings.Contains(s, t) }) {
			out = append(out, s)
		}
	}
	return out
}

// exact are the strings re matches when they are few: literals, small
// classes of characters, and their alternatives, options and sequences.
func exact(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}, re.Flags&syntax.FoldCase == 0
	case syntax.OpCharClass:
		var out []string
		for i := 0; i < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == 10 {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, true
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest: // greedy: with the option first
		x, ok := exact(re.Sub[0])
		return append(x, ""), ok
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			x, ok := exact(sub)
			if !ok {
				return nil, false
			}
			out = append(out, x...)
		}
		return out, len(out) <= maxNeedles
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			x, ok := exact(sub)
			if !ok || len(out)*len(x) > maxNeedles {
				return nil, false
			}
			out = product(out, x)
		}
		return out, true
	}
	return nil, false
}

// product is each of a followed by each of b.
func product(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// runes is the length of the shortest of ss, in characters.
func runes(ss []string) int {
	n := utf8.RuneCountInString(ss[0])
	for _, s := range ss[1:] {
		n = min(n, utf8.RuneCountInString(s))
	}
	return n
}

// pitchLiterals are the words and needles of all the pitches' cues, by
// their first character.
var pitchLiterals = func() map[rune][]string {
	out := map[rune][]string{}
	for _, p := range Pitches {
		for _, c := range p.cues {
			for _, w := range append(slices.Clone(c.words), c.needles...) {
				r, _ := utf8.DecodeRuneInString(w)
				if !slices.Contains(out[r], w) {
					out[r] = append(out[r], w)
				}
			}
		}
	}
	return out
}()

// literalsIn are the pitches' literals compact holds, found in one pass.
func literalsIn(compact string) map[string]bool {
	found := map[string]bool{}
	for i, r := range compact {
		for _, w := range pitchLiterals[r] {
			if strings.HasPrefix(compact[i:], w) {
				found[w] = true
			}
		}
	}
	return found
}

// find is what p finds in compact, each once, in the order the whole
// expression finds them (leftmost first; at one place, the first
// alternative), given the literals compact holds.
func (p Pitch) find(compact string, holds map[string]bool) []string {
	type match struct{ start, end, alt int }
	var ms []match
	for i, c := range p.cues {
		for _, w := range c.words {
			if holds[w] {
				for at := 0; ; {
					j := strings.Index(compact[at:], w)
					if j < 0 {
						break
					}
					ms = append(ms, match{at + j, at + j + len(w), i})
					at += j + len(w)
				}
			}
		}
		if c.re != nil && (c.needles == nil || slices.ContainsFunc(c.needles, func(n string) bool { return holds[n] })) {
			for _, m := range c.re.FindAllStringIndex(compact, -1) {
				ms = append(ms, match{m[0], m[1], i})
			}
		}
	}
	slices.SortStableFunc(ms, func(a, b match) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.alt - b.alt
	})
	var out []string
	at := 0
	for _, m := range ms {
		if m.start >= at {
			out = append(out, compact[m.start:m.end])
			at = m.end
		}
	}
	return distinct(out)
}

// neutralPhrases are a citizen's words that hold a pitch's word but make
// no pitch (a tax relief asked about, a subsidy policy): they are read out
// before the pitches are.
var neutralPhrases = strings.NewReplacer("优惠政策", "|", "税收优惠", "|", "有没有优惠", "|", "补贴政策", "|", "有没有补贴", "|")

// endorseRe finds a writer's own use of a business they name in quotation
// marks: 我家用的是“清源”牌, 我在“仁心推拿馆”做了, 跟着“金牛财经”的老师.
var endorseRe = regexp.MustCompile(`(用的是|在用|装的是|用了|住在|住了|学了|在|跟着|换成了|推荐|找的是|选的是|买的是)“[^”]{2,12}”`)

// withQuotes is plain with nothing between its characters but its Chinese
// quotation marks, so that a name spaced out or strewn with symbols reads
// as one.
func withQuotes(plain string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Han, r) || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '“' || r == '”' {
			return r
		}
		return -1
	}, plain)
}

// reachRe finds how a reader is told to reach a business besides a number:
// its address or shop, an appointment, a code to scan, an account to add.
var reachRe = regexp.MustCompile(`地址|门店|店在|预约|联系|扫码|加他们|服务号|公众号|找他们|找这家`)

// endorseWeight is what a named business endorsed with a way to reach it weighs.
const endorseWeight = 3.0

// hasContact reports whether the reasons found hold a contact.
func hasContact(rs []Reason) bool {
	return slices.ContainsFunc(rs, func(r Reason) bool { return r.Rule == "contact" })
}

// pitchWeight is what each distinct pitch word found weighs.
const pitchWeight = 1.5

// pitch is what of the pitches compact says, each "label:words", and how
// many distinct words.
func pitch(compact string) ([]string, int) {
	var out []string
	n := 0
	compact = neutralPhrases.Replace(compact)
	holds := literalsIn(compact)
	for _, p := range Pitches {
		if ms := p.find(compact, holds); len(ms) > 0 {
			out = append(out, p.Label+":"+strings.Join(ms, "/"))
			n += len(ms)
		}
	}
	return out, n
}

// quotedHalf is what n words found weigh, each w, at most limit of them,
// the quoted of them (found only inside quotation marks, as a reporter
// quotes what was sent to them) half as much.
func quotedHalf(w float64, n, quoted, limit int) float64 {
	own := min(n-quoted, limit)
	return w*float64(own) + w/2*float64(min(quoted, limit-own))
}

// distinct is ms without repeats, in order.
func distinct(ms []string) []string {
	var out []string
	for _, m := range ms {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// chainsByLength are the chain words, longest first (the longest is matched).
var chainsByLength = func() []string {
	out := slices.Clone(ChainWords)
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}()

// chains reads a compact text as a sequence of chain words and others: the
// longest run of three or more chain words in a row, and how many chain
// words all such runs hold.
func chains(compact string) (string, int) {
	var longest []string
	n := 0
	var run []string
	end := func() {
		if len(run) >= 3 {
			n += len(run)
			if len(run) > len(longest) {
				longest = run
			}
		}
		run = nil
	}
	for i := 0; i < len(compact); {
		if c := compact[i]; c < utf8.RuneSelf {
			j := i
			for j < len(compact) && compact[j] < utf8.RuneSelf && compact[j] != '.' {
				j++
			}
			if j == i { // a dot
				end()
				i++
				continue
			}
			if w := compact[i:j]; slices.ContainsFunc(ChainWords, func(c string) bool { return c == w || (c[0] >= 'a' && strings.Contains(w, c)) }) {
				run = append(run, w)
			} else {
				end()
			}
			i = j
			continue
		}
		w := ""
		for _, c := range chainsByLength {
			if strings.HasPrefix(compact[i:], c) {
				w = c
				break
			}
		}
		if w == "" {
			end()
			_, size := utf8.DecodeRuneInString(compact[i:])
			i += size
			continue
		}
		run = append(run, w)
		i += len(w)
	}
	end()
	return strings.Join(longest, ""), n
}
