// Package pinyin turns Chinese personal names into the full pinyin and the
// initials by which users search (张三 → "zhangsan", "zs"), reading the
// polyphonic characters of common surnames as surnames.
package pinyin

import (
	"strings"
	"sync"
	"unicode"

	gopinyin "github.com/mozillazg/go-pinyin"
)

// surnames gives the surname reading of characters whose most common reading differs.
var surnames = map[rune]string{
	'曾': "zeng", '单': "shan", '解': "xie", '仇': "qiu", '朴': "piao", '区': "ou",
	'查': "zha", '乐': "yue", '覃': "qin", '盖': "ge", '缪': "miao", '尉': "yu",
	'翟': "zhai", '沈': "shen", '秘': "bi", '任': "ren", '华': "hua", '万': "wan",
	'柏': "bai", '贾': "jia", '臧': "zang", '那': "na", '纪': "ji", '燕': "yan",
	'种': "chong", '员': "yun", '句': "gou", '召': "shao", '繁': "po", '长': "zhang",
	'殷': "yin", '藏': "zang", '应': "ying", '居': "ju", '葛': "ge", '宁': "ning",
}

var args = func() gopinyin.Args {
	a := gopinyin.NewArgs()
	a.Style = gopinyin.Normal
	return a
}()

// Name returns the full pinyin and the initials of a name, lower case,
// without separators. Latin letters and digits are kept as they are; other
// characters (such as the middle dot of minority names) are dropped.
func Name(name string) (full, initials string) {
	var f, in strings.Builder
	first := true
	for _, r := range name {
		var syl string
		switch {
		case first && surnames[r] != "":
			syl = surnames[r]
		case unicode.Is(unicode.Han, r):
			syl = reading(r)
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			syl = strings.ToLower(string(r))
		}
		first = false
		if syl == "" {
			continue
		}
		f.WriteString(syl)
		in.WriteByte(syl[0])
	}
	return f.String(), in.String()
}

// readings keeps the reading of each character once looked up: the library
// strips the tone marks with regular expressions at every look-up, and
// names share few thousand characters.
var readings sync.Map

func reading(r rune) string {
	if v, ok := readings.Load(r); ok {
		return v.(string)
	}
	syl := ""
	if p := gopinyin.SinglePinyin(r, args); len(p) > 0 {
		syl = p[0]
	}
	readings.Store(r, syl)
	return syl
}

// Latin tells whether q is letters a–z alone (either case): a search by pinyin.
func Latin(q string) bool {
	return q != "" && strings.Trim(strings.ToLower(q), "abcdefghijklmnopqrstuvwxyz") == ""
}

// PrefixRange is the half-open range of lower-case strings starting with
// q (q is Latin): an index range on both engines.
func PrefixRange(q string) (string, string) {
	lo := strings.ToLower(q)
	return lo, lo[:len(lo)-1] + string(lo[len(lo)-1]+1)
}

// Syllables is the reading of each Chinese character of s, lower case
// without tones, and each run of Latin letters or digits as it is: the
// form in which homophones of a word look the same (菠菜 and 博彩 are both
// "bo cai").
func Syllables(s string) []string {
	var out []string
	var run strings.Builder
	flush := func() {
		if run.Len() > 0 {
			out = append(out, run.String())
			run.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if syl := reading(r); syl != "" {
				out = append(out, syl)
			}
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			run.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}
