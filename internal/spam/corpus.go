package spam

import (
	"embed"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// The labelled set the project keeps, one text a line, in two parts.
// corpus/spam.txt and corpus/ham.txt are what the model learns: spam of
// every kind the public inputs meet (pornographic-video keyword chains,
// gambling, invoices, loans, fake medicine, link farms, recruitment
// scams, other illegal services) and genuine citizens' letters, many of
// them reporting such spam in their own words, with the addresses and
// numbers they saw. corpus/heldout_spam.txt and corpus/heldout_ham.txt
// were written apart, before the rules and the model were tuned, in
// other senders' wording: the model never learns them, and the published
// held shares are measured on them alone.
//
//go:embed corpus/*.txt
var corpus embed.FS

func lines(name string) []string {
	b, err := corpus.ReadFile("corpus/" + name)
	if err != nil {
		panic(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Seeds are the part of the labelled set the model learns.
func Seeds() (spam, ham []string) { return lines("spam.txt"), lines("ham.txt") }

// HeldOut are the part of the labelled set the model never learns.
func HeldOut() (spam, ham []string) { return lines("heldout_spam.txt"), lines("heldout_ham.txt") }

var trained = sync.OnceValue(func() *Model {
	m := NewModel()
	m.Train(Seeds())
	return m
})

// Trained is a new model that learnt the labelled set (moderators'
// decisions are then learnt on top of it).
func Trained() *Model { return trained().copy() }

var s2t = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("s2t")
	if err != nil {
		panic(err)
	}
	return cc
})

// disguises are spellings spam uses to pass filters, each a variant of a word.
var disguises = strings.NewReplacer("微信", "威信", "博彩", "菠菜", "QQ", "扣扣", "澳门", "噢门", "彩金", "彩今", "新葡京", "新莆京", "裸聊", "果聊", "赌博", "dubo", "百家乐", "baijiale", "刷单", "shuadan")

// Forms are the ways spam disguises a text, by name: each takes a text and
// a random source and writes it in that disguise.
var Forms = []struct {
	Name string
	Fn   func(string, *rand.Rand) string
}{
	{"原文", func(s string, _ *rand.Rand) string { return s }},
	{"繁体", func(s string, _ *rand.Rand) string {
		t, err := s2t().Convert(s)
		if err != nil {
			return s
		}
		return t
	}},
	{"全角", func(s string, _ *rand.Rand) string {
		var b strings.Builder
		for _, r := range s {
			if r > ' ' && r < 0x7f {
				r += 0xFEE0
			}
			b.WriteRune(r)
		}
		return b.String()
	}},
	{"字间插符号", func(s string, rnd *rand.Rand) string {
		seps := []string{" ", "*", "·", "|", "_", "❤", "-", "、"}
		var b strings.Builder
		for i, r := range []rune(s) {
			if i > 0 && rnd.IntN(2) == 0 {
				b.WriteString(seps[rnd.IntN(len(seps))])
			}
			b.WriteRune(r)
		}
		return b.String()
	}},
	{"谐音与拼音", func(s string, _ *rand.Rand) string { return disguises.Replace(s) }},
	{"混合", func(s string, rnd *rand.Rand) string {
		t, _ := s2t().Convert(disguises.Replace(s))
		var b strings.Builder
		for i, r := range []rune(t) {
			if i > 0 && rnd.IntN(3) == 0 {
				b.WriteString(" ")
			}
			if r > ' ' && r < 0x7f && rnd.IntN(2) == 0 {
				r += 0xFEE0
			}
			b.WriteRune(r)
		}
		return b.String()
	}},
}

// Titles are the titles a text is sent under, by name: a neutral one and
// the text's own first words (to its first comma, at most 15 characters).
var Titles = []struct {
	Name string
	Fn   func(string) string
}{
	{"标题为“来信反映”", func(string) string { return "来信反映" }},
	{"标题为原文开头", func(s string) string {
		head, _, _ := strings.Cut(s, ",")
		if utf8.RuneCountInString(head) > 15 {
			head = string([]rune(head)[:15])
		}
		return head
	}},
}

// Rates are the shares a filter holds: of spam (the higher the better)
// and of genuine letters (held by mistake; the lower the better).
type Rates struct {
	Spam, SpamHeld, Ham, HamHeld int
	// ByForm and ByTitle are the spam held of each disguise and of each
	// title (held, of).
	ByForm, ByTitle map[string][2]int
	// Missed and Mistaken are examples of each error.
	Missed, Mistaken []string
}

// SpamShare is the share of spam held.
func (r Rates) SpamShare() float64 { return float64(r.SpamHeld) / float64(max(1, r.Spam)) }

// HamShare is the share of genuine letters held by mistake.
func (r Rates) HamShare() float64 { return float64(r.HamHeld) / float64(max(1, r.Ham)) }

// Evaluate measures the trained model on the held-out set, which it never
// learnt: each text sent as a letter under every title of Titles, spam in
// every disguise of Forms, genuine letters as written and in traditional
// characters.
func Evaluate() Rates {
	spam, ham := HeldOut()
	return measure(Trained(), spam, ham, rand.New(rand.NewPCG(1, 2)))
}

// CrossValidate measures the filter on the part it learns, in k folds:
// each fold is checked by a model that learnt the other k-1 alone.
func CrossValidate(k int) Rates {
	spam, ham := Seeds()
	rnd := rand.New(rand.NewPCG(3, 4))
	var r Rates
	for f := range k {
		var learnSpam, learnHam, testSpam, testHam []string
		for i, x := range spam {
			if i%k == f {
				testSpam = append(testSpam, x)
			} else {
				learnSpam = append(learnSpam, x)
			}
		}
		for i, x := range ham {
			if i%k == f {
				testHam = append(testHam, x)
			} else {
				learnHam = append(learnHam, x)
			}
		}
		m := NewModel()
		m.Train(learnSpam, learnHam)
		r.add(measure(m, testSpam, testHam, rnd))
	}
	return r
}

// add counts o into r.
func (r *Rates) add(o Rates) {
	r.Spam, r.SpamHeld, r.Ham, r.HamHeld = r.Spam+o.Spam, r.SpamHeld+o.SpamHeld, r.Ham+o.Ham, r.HamHeld+o.HamHeld
	for _, by := range []struct {
		to   *map[string][2]int
		from map[string][2]int
	}{{&r.ByForm, o.ByForm}, {&r.ByTitle, o.ByTitle}} {
		if *by.to == nil {
			*by.to = map[string][2]int{}
		}
		for key, c := range by.from {
			x := (*by.to)[key]
			(*by.to)[key] = [2]int{x[0] + c[0], x[1] + c[1]}
		}
	}
	r.Missed, r.Mistaken = append(r.Missed, o.Missed...), append(r.Mistaken, o.Mistaken...)
}

// measure checks spam and ham with m, each text under every title, spam in
// every disguise, genuine letters as written and in traditional characters.
func measure(m *Model, spam, ham []string, rnd *rand.Rand) Rates {
	r := Rates{ByForm: map[string][2]int{}, ByTitle: map[string][2]int{}}
	count := func(c map[string][2]int, key string, held bool) {
		x := c[key]
		x[1]++
		if held {
			x[0]++
		}
		c[key] = x
	}
	for _, x := range spam {
		for _, f := range Forms {
			for _, t := range Titles {
				title, body := f.Fn(t.Fn(x), rnd), f.Fn(x, rnd)
				held := m.Check(title, body).Held
				count(r.ByForm, f.Name, held)
				count(r.ByTitle, t.Name, held)
				r.Spam++
				if held {
					r.SpamHeld++
				} else {
					r.Missed = append(r.Missed, title+" / "+body)
				}
			}
		}
	}
	for _, x := range ham {
		for _, f := range Forms[:2] {
			for _, t := range Titles {
				title, body := f.Fn(t.Fn(x), rnd), f.Fn(x, rnd)
				r.Ham++
				if m.Check(title, body).Held {
					r.HamHeld++
					r.Mistaken = append(r.Mistaken, title+" / "+body)
				}
			}
		}
	}
	return r
}
