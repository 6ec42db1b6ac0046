package dues

import (
	"dangjian/internal/apperr"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

// The kinds of member, by the base the rule reads for them.
const (
	KindWage         = "wage"          // 按月领取工资 (第一条)
	KindAnnual       = "annual"        // 实行年薪制 (第三条)
	KindSelfEmployed = "self_employed" // 不按月取得收入的个体经营者等 (第四条)
	KindRetired      = "retired"       // 离退休干部、职工 (第五条)
	KindFarmer       = "farmer"        // 农民党员 (第六条)
	KindStudent      = "student"       // 学生党员 (第六条)
	KindUnemployed   = "unemployed"    // 下岗失业的党员 (第六条)
	KindRelief       = "relief"        // 依靠抚恤或救济生活的党员 (第六条)
	KindAllowance    = "allowance"     // 领取当地最低生活保障金的党员 (第六条)
	KindHardship     = "hardship"      // 交纳党费确有困难、经批准少交或免交 (第七条)
)

// Kind is a kind of member with the base the rule reads and its article.
type Kind struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	// Base names what the base is ("" : none, a fixed amount).
	Base string `json:"base"`
	// Bands are the percentages of the base (none: a fixed amount).
	Bands []Band `json:"bands,omitempty"`
	// FlatFen is the fixed monthly amount; MinFen and MaxFen bound an
	// amount the branch sets (farmers; a reduced amount, MinFen 0).
	FlatFen int64  `json:"flat_fen,omitempty"`
	MinFen  int64  `json:"min_fen,omitempty"`
	MaxFen  int64  `json:"max_fen,omitempty"`
	Article string `json:"article"`
}

// Band is a band of the base, up to and including UpToFen (0: no upper
// end), and the share of the base it pays in thousandths (5 is 0.5 %).
type Band struct {
	UpToFen  int64  `json:"up_to_fen"`
	Permille int64  `json:"permille"`
	Label    string `json:"label"`
}

// WageBands are 第二条's, for members paid a wage (and, by 第三条 and
// 第四条, an annual salary or a self-employed income): "每月工资收入(税后)
// 在3000元以下(含3000元)者,交纳月工资收入的0.5%;3000元以上至5000元(含5000元)
// 者,交纳1%;5000元以上至10000元(含10000元)者,交纳1.5%;10000元以上者,交纳2%".
// Each band's share is of the whole base: 3,000.01 yuan pays 1 %, 30.00 yuan.
var WageBands = []Band{
	{UpToFen: 300_000, Permille: 5, Label: "3000元以下(含3000元)交纳0.5%"},
	{UpToFen: 500_000, Permille: 10, Label: "3000元以上至5000元(含5000元)交纳1%"},
	{UpToFen: 1_000_000, Permille: 15, Label: "5000元以上至10000元(含10000元)交纳1.5%"},
	{Permille: 20, Label: "10000元以上交纳2%"},
}

// PensionBands are 第五条's, for retired members: "5000元以下(含5000元)的
// 按0.5%交纳党费,5000元以上的按1%交纳党费".
var PensionBands = []Band{
	{UpToFen: 500_000, Permille: 5, Label: "5000元以下(含5000元)交纳0.5%"},
	{Permille: 10, Label: "5000元以上交纳1%"},
}

// Kinds are the kinds of member the rule names, in its order.
var Kinds = []Kind{
	{Code: KindWage, Label: "在职党员(按月领取工资)", Base: "每月工资总额中相对固定的、经常性的工资收入(税后)", Bands: WageBands, Article: "第一条、第二条"},
	{Code: KindAnnual, Label: "实行年薪制人员中的党员", Base: "当月实际领取的薪酬收入", Bands: WageBands, Article: "第三条"},
	{Code: KindSelfEmployed, Label: "个体经营者等不按月取得收入的党员", Base: "个人上季度月平均纯收入", Bands: WageBands, Article: "第四条"},
	{Code: KindRetired, Label: "离退休干部、职工中的党员", Base: "实际领取的离退休费总额或养老金总额", Bands: PensionBands, Article: "第五条"},
	{Code: KindFarmer, Label: "农民党员", MinFen: 20, MaxFen: 100, Article: "第六条"},
	{Code: KindStudent, Label: "学生党员", FlatFen: 20, Article: "第六条"},
	{Code: KindUnemployed, Label: "下岗失业的党员", FlatFen: 20, Article: "第六条"},
	{Code: KindRelief, Label: "依靠抚恤或救济生活的党员", FlatFen: 20, Article: "第六条"},
	{Code: KindAllowance, Label: "领取当地最低生活保障金的党员", FlatFen: 20, Article: "第六条"},
	{Code: KindHardship, Label: "交纳党费确有困难、经批准少交或免交的党员", MinFen: 0, MaxFen: CapFen, Article: "第七条"},
}

// KindLabels are the kinds in words, for messages and lists.
var KindLabels = func() vocab.Enum {
	e := make(vocab.Enum, len(Kinds))
	for i, k := range Kinds {
		e[i] = vocab.Item{Code: k.Code, Label: k.Label}
	}
	return e
}()

// kindOf is the kind of code.
func kindOf(code string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Code == code {
			return k, true
		}
	}
	return Kind{}, false
}

// CapFen is what a month's dues set by the rate come to at most:
// "每名党员月交纳党费数额一般不超过1000元,根据自愿可以多交" (组电明字〔2017〕5号 一(1)).
const CapFen = 100_000

// LargeFen is the voluntary payment made at once that goes wholly to the
// Centre: "自愿一次多交纳1000元以上的党费,全部上缴中央" (第十一条).
const LargeFen = 100_000

// MaxBaseFen bounds a base read (a million yuan a month).
const MaxBaseFen = 100_000_000

// Monthly is the month's dues of a member of kind with the base (for the
// kinds with bands) or the amount the branch set (farmers, a reduced
// amount), and the rule it follows in words; a field's error names the
// field and the rule it breaks. Shares are rounded to the fen, half up:
// the rule sets no rounding, and the fen is the smallest sum paid.
func Monthly(kind string, baseFen, amountFen int64) (int64, string, error) {
	k, ok := kindOf(kind)
	if !ok {
		return 0, "", apperr.InvalidField("kind", "党员类别应为:%s", KindLabels.Labels())
	}
	switch {
	case len(k.Bands) > 0:
		if baseFen <= 0 || baseFen > MaxBaseFen {
			return 0, "", apperr.InvalidField("base_fen", "请填写%s作为计算基数(大于0元,不超过%s元)", k.Base, work.Yuan(MaxBaseFen))
		}
		b := bandOf(k.Bands, baseFen)
		fen := (baseFen*b.Permille + 500) / 1000
		rule := k.Label + ":" + k.Base + b.Label + "(" + k.Article + ")"
		if fen > CapFen {
			fen, rule = CapFen, rule+";每月一般不超过1000元(组电明字〔2017〕5号)"
		}
		return fen, rule, nil
	case k.FlatFen > 0:
		return k.FlatFen, k.Label + "每月交纳" + work.Yuan(k.FlatFen) + "元(" + k.Article + ")", nil
	}
	if amountFen < k.MinFen || amountFen > k.MaxFen {
		return 0, "", apperr.InvalidField("amount_fen", "%s每月交纳%s元至%s元(%s)", k.Label, work.Yuan(k.MinFen), work.Yuan(k.MaxFen), k.Article)
	}
	return amountFen, k.Label + "每月交纳" + work.Yuan(amountFen) + "元(" + k.Article + ")", nil
}

// bandOf is the band of bands the base falls in.
func bandOf(bands []Band, baseFen int64) Band {
	for _, b := range bands {
		if b.UpToFen == 0 || baseFen <= b.UpToFen {
			return b
		}
	}
	return bands[len(bands)-1]
}
