package spam

import (
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"

	"dangjian/internal/pinyin"
)

// Text is a submission in the forms the checks read.
type Text struct {
	// Plain is the text folded (NFKC: full-width to half-width, circled
	// and styled characters to plain ones), in simplified characters and
	// lower case, with its spaces and punctuation.
	Plain string
	// Compact is Plain without anything between the characters (spaces,
	// punctuation, symbols, emoji), with known variant spellings of spam
	// words replaced by the words (威信 → 微信, 扣扣 → qq, bocai → 博彩).
	Compact string
	// Unquoted is Compact of what lies outside quotation marks: the words
	// of the sender, not the words a reporter quotes.
	Unquoted string
	// Syllables is Compact read as pinyin, for homophones.
	Syllables []string
}

// quoteRe finds a quoted passage: in Chinese quotation marks, corner
// brackets or a pair of straight quotes.
var quoteRe = regexp.MustCompile(`“[^”]*”|「[^」]*」|『[^』]*』|‘[^’]*’|"[^"]*"`)

var t2s = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("t2s")
	if err != nil {
		panic("spam: the embedded OpenCC dictionary did not load: " + err.Error())
	}
	return cc
})

// variants are spellings spam uses for the words its readers look for:
// homophones and look-alikes, split characters and pinyin.
var variants = strings.NewReplacer(
	"威信", "微信", "薇信", "微信", "徽信", "微信", "维信", "微信", "v信", "微信", "vx", "微信", "wx", "微信", "weixin", "微信", "weixing", "微信", "彳言", "信",
	"扣扣", "qq", "企鹅号", "qq", "扣号", "qq", "抠抠", "qq",
	"菠菜", "博彩", "bocai", "博彩", "dubo", "赌博", "duchang", "赌场", "caijin", "彩金", "baijiale", "百家乐", "bjl", "百家乐",
	"luoliao", "裸聊", "yuepao", "约炮", "shuadan", "刷单", "fapiao", "发票", "qipai", "棋牌",
	"噢门", "澳门", "奥门", "澳门", "新莆京", "新葡京", "新浦京", "新葡京",
	"菠彩", "博彩", "博采", "博彩", "彩今", "彩金", "果聊", "裸聊",
	"点com", ".com", "点cn", ".cn", "点net", ".net", "dotcom", ".com",
	"〇", "0", "幺", "1", "壹", "1", "贰", "2", "叁", "3", "肆", "4", "柒", "7", "捌", "8", "玖", "9",
)

// Normalize reads s in the forms the checks use.
func Normalize(s string) Text {
	plain := strings.ToLower(norm.NFKC.String(s))
	if simp, err := t2s().Convert(plain); err == nil {
		plain = simp
	}
	compact := compacted(plain)
	return Text{Plain: plain, Compact: compact, Unquoted: compacted(quoteRe.ReplaceAllString(plain, " ")), Syllables: pinyin.Syllables(compact)}
}

// compacted is plain without anything between the characters, its
// variant spellings replaced.
func compacted(plain string) string {
	var b strings.Builder
	for _, r := range plain {
		if unicode.Is(unicode.Han, r) || (r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) || r == '.' {
			b.WriteRune(r)
		}
	}
	return variants.Replace(b.String())
}
