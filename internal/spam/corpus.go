package spam

import (
	"embed"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/longbridgeapp/opencc"
)

// The labelled set the project keeps: corpus/spam.txt is spam of every
// kind the public inputs meet (gambling, pornography, fraud, illegal
// services), corpus/ham.txt genuine citizens' letters, a fifth of them
// reporting gambling, pornography or fraud in its own words, with the
// addresses and numbers it saw. One text a line.
//
//go:embed corpus/*.txt
var corpus embed.FS

// Seeds are the labelled set.
func Seeds() (spam, ham []string) {
	read := func(name string) []string {
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
	return read("spam.txt"), read("ham.txt")
}

var trained = sync.OnceValue(func() *Model {
	m := NewModel()
	s, h := Seeds()
	for _, x := range s {
		m.Learn(x, true)
	}
	for _, x := range h {
		m.Learn(x, false)
	}
	return m
})

// Trained is a new model that learnt the labelled set (moderators'
// decisions are then learnt on top of it).
func Trained() *Model {
	base := trained()
	m := NewModel()
	base.mu.RLock()
	defer base.mu.RUnlock()
	for l := range 2 {
		for g, n := range base.counts[l] {
			m.counts[l][g] = n
			m.vocab[g] = struct{}{}
		}
		m.total[l], m.docs[l] = base.total[l], base.docs[l]
	}
	return m
}

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

// Rates are the shares a filter holds: of spam (the higher the better)
// and of genuine letters (held by mistake; the lower the better).
type Rates struct {
	Spam, SpamHeld, Ham, HamHeld int
	// ByForm is the spam held of each disguise (held, of).
	ByForm map[string][2]int
	// Missed and Mistaken are examples of each error.
	Missed, Mistaken []string
}

// SpamShare is the share of spam held.
func (r Rates) SpamShare() float64 { return float64(r.SpamHeld) / float64(max(1, r.Spam)) }

// HamShare is the share of genuine letters held by mistake.
func (r Rates) HamShare() float64 { return float64(r.HamHeld) / float64(max(1, r.Ham)) }

// Evaluate measures the filter on the labelled set by k-fold cross-validation:
// each fold is checked by a model that learnt only the other folds, spam in
// every disguise of Forms, genuine letters as written and in traditional
// characters.
func Evaluate(k int) Rates {
	spam, ham := Seeds()
	rnd := rand.New(rand.NewPCG(1, 2))
	r := Rates{ByForm: map[string][2]int{}}
	for fold := range k {
		m := NewModel()
		for i, x := range spam {
			if i%k != fold {
				m.Learn(x, true)
			}
		}
		for i, x := range ham {
			if i%k != fold {
				m.Learn(x, false)
			}
		}
		for i, x := range spam {
			if i%k != fold {
				continue
			}
			for _, f := range Forms {
				text := f.Fn(x, rnd)
				held := m.Check(text).Held
				c := r.ByForm[f.Name]
				c[1]++
				r.Spam++
				if held {
					c[0]++
					r.SpamHeld++
				} else {
					r.Missed = append(r.Missed, text)
				}
				r.ByForm[f.Name] = c
			}
		}
		for i, x := range ham {
			if i%k != fold {
				continue
			}
			for _, text := range []string{x, Forms[1].Fn(x, rnd)} {
				r.Ham++
				if m.Check(text).Held {
					r.HamHeld++
					r.Mistaken = append(r.Mistaken, text)
				}
			}
		}
	}
	return r
}
