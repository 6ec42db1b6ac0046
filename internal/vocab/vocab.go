// Package vocab holds the closed vocabularies of the registry: each value has
// a stable English code stored in the database and the Chinese label a user
// reads, taken from the Party's own statistical terms.
package vocab

import "strings"

// Item is one value of a vocabulary.
type Item struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Enum is an ordered vocabulary.
type Enum []Item

// Label returns the Chinese label of code, or code itself if unknown.
func (e Enum) Label(code string) string {
	for _, it := range e {
		if it.Code == code {
			return it.Label
		}
	}
	return code
}

// Parse accepts a code or a label (surrounding spaces ignored) and returns the code.
func (e Enum) Parse(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, it := range e {
		if it.Code == s || it.Label == s {
			return it.Code, true
		}
	}
	return "", false
}

// Index is code's place in the vocabulary's order, -1 when unknown.
func (e Enum) Index(code string) int {
	for i, it := range e {
		if it.Code == code {
			return i
		}
	}
	return -1
}

// LabelList returns the labels in order.
func (e Enum) LabelList() []string {
	ls := make([]string, len(e))
	for i, it := range e {
		ls[i] = it.Label
	}
	return ls
}

// Labels lists the labels, for messages that say what is allowed.
func (e Enum) Labels() string { return strings.Join(e.LabelList(), "、") }

// Organisation types.
var OrgTypes = Enum{
	{"committee", "党委"},
	{"working_committee", "党工委"},
	{"general_branch", "党总支"},
	{"branch", "党支部"},
	{"joint_branch", "联合党支部"},
	{"temporary_branch", "临时党支部"},
}

// Unit types.
var UnitTypes = Enum{
	{"enterprise", "企业"},
	{"market", "市场"},
	{"village", "村"},
	{"community", "社区"},
	{"agency", "机关"},
	{"school", "学校"},
	{"other", "其他"},
}

// Education levels, highest first.
var Education = Enum{
	{"postgraduate", "研究生"},
	{"bachelor", "大学本科"},
	{"college", "大学专科"},
	{"secondary", "中专"},
	{"high_school", "高中"},
	{"junior", "初中及以下"},
}

// Occupations are the occupations the roster offers and the development
// table counts by (any other is counted as 其他职业).
var Occupations = Enum{
	{"工人", "工人"}, {"农牧渔民", "农牧渔民"}, {"企业管理人员", "企业管理人员"}, {"专业技术人员", "专业技术人员"},
	{"机关干部", "机关干部"}, {"教师", "教师"}, {"社区工作者", "社区工作者"}, {"个体经营者", "个体经营者"},
	{"学生", "学生"}, {"离退休人员", "离退休人员"},
}

// CollegeOrAbove tells whether an education code counts as 大专及以上.
func CollegeOrAbove(code string) bool {
	return code == "postgraduate" || code == "bachelor" || code == "college"
}

// Development stages, in order.
var Stages = Enum{
	{"applicant", "入党申请人"},
	{"activist", "入党积极分子"},
	{"candidate", "发展对象"},
	{"probationary", "预备党员"},
	{"full", "正式党员"},
}

// Sexes.
var Sexes = Enum{
	{"male", "男"},
	{"female", "女"},
}

// Ethnicities are the 56 recognised ethnic groups; the code is the label.
var Ethnicities = func() Enum {
	names := "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
	var e Enum
	for _, n := range strings.Fields(names) {
		e = append(e, Item{n, n})
	}
	return e
}()

// ParseEthnicity accepts "汉族" or the short form "汉".
func ParseEthnicity(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if c, ok := Ethnicities.Parse(s); ok {
		return c, true
	}
	return Ethnicities.Parse(s + "族")
}
