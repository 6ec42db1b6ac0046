package spam

import (
	"math"
	"sort"
	"strconv"
	"sync"
	"unicode"
)

// Model is a multinomial naive Bayes classifier over the character unigrams
// and bigrams of a normalised text, with Laplace smoothing and equal
// priors (the labelled set's proportions are not those of the traffic).
// There is no naive Bayes library among the Go modules served here; the
// model is the textbook one (as decidim-ai uses), counts in memory.
type Model struct {
	mu     sync.RWMutex
	counts [2]map[string]int
	total  [2]int
	docs   [2]int
	vocab  map[string]struct{}
}

// NewModel is an untrained model.
func NewModel() *Model {
	return &Model{counts: [2]map[string]int{{}, {}}, vocab: map[string]struct{}{}}
}

// grams are a compact text's character unigrams and bigrams.
func grams(compact string) []string {
	var rs []rune
	for _, r := range compact {
		if unicode.IsSpace(r) {
			continue
		}
		rs = append(rs, r)
	}
	out := make([]string, 0, 2*len(rs))
	for i, r := range rs {
		out = append(out, string(r))
		if i+1 < len(rs) {
			out = append(out, string(rs[i:i+2]))
		}
	}
	return out
}

func label(spam bool) int {
	if spam {
		return 1
	}
	return 0
}

// Learn counts a text as spam or not.
func (m *Model) Learn(text string, spam bool) {
	g := grams(Normalize(text).Compact)
	m.mu.Lock()
	defer m.mu.Unlock()
	l := label(spam)
	for _, x := range g {
		m.counts[l][x]++
		m.vocab[x] = struct{}{}
	}
	m.total[l] += len(g)
	m.docs[l]++
}

// Samples is how many texts of each kind the model learnt (ham, spam).
func (m *Model) Samples() (ham, spam int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.docs[0], m.docs[1]
}

// LogOdds is log P(spam | t) / P(ham | t), bounded to ±8, and the grams
// that weigh most towards spam.
func (m *Model) LogOdds(t Text) (float64, []string) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.docs[0] == 0 || m.docs[1] == 0 {
		return 0, nil
	}
	v := float64(len(m.vocab) + 1)
	type w struct {
		g string
		x float64
	}
	var ws []w
	sum := 0.0
	seen := map[string]bool{}
	for _, g := range grams(t.Compact) {
		ps := (float64(m.counts[1][g]) + 1) / (float64(m.total[1]) + v)
		ph := (float64(m.counts[0][g]) + 1) / (float64(m.total[0]) + v)
		x := math.Log(ps / ph)
		sum += x
		if !seen[g] && len([]rune(g)) == 2 {
			seen[g] = true
			ws = append(ws, w{g, x})
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].x > ws[j].x })
	var top []string
	for _, x := range ws {
		if len(top) == 5 || x.x <= 1 {
			break
		}
		top = append(top, x.g)
	}
	return max(-4, min(4, sum)), top
}

// Verdict is the score of a text and why.
type Verdict struct {
	// Score is the probability of spam in percent.
	Score   int      `json:"score"`
	Held    bool     `json:"held"`
	Reasons []Reason `json:"reasons"`
}

// Threshold is the score at which a text is held for a moderator.
const Threshold = 50

// Check scores a letter or a comment, its title (or author) and its body:
// the model's log-odds plus the rules' weights, of the whole and of the
// body alone, the higher of the two. The body weighs at least as much as
// the title: a neutral title (来信反映) cannot lower what the body scores.
// A held text is kept and queued for a moderator, never dropped.
func (m *Model) Check(title, body string) Verdict {
	v := m.score(title + "\n" + body)
	if title != "" {
		if b := m.score(body); b.Score > v.Score {
			v = b
		}
	}
	return v
}

func (m *Model) score(text string) Verdict {
	t := Normalize(text)
	odds, top := m.LogOdds(t)
	reasons := Rules(t)
	total := odds
	for _, r := range reasons {
		total += r.Weight
	}
	p := 1 / (1 + math.Exp(-total))
	v := Verdict{Score: int(math.Round(p * 100)), Reasons: reasons}
	if len(top) > 0 || odds != 0 {
		v.Reasons = append([]Reason{{Rule: "bayes", Label: "与已标注的垃圾信息相似度(分类器)", Detail: strconv.Itoa(int(math.Round(100/(1+math.Exp(-odds))))) + "%" + detail(top), Weight: odds}}, v.Reasons...)
	}
	v.Held = v.Score >= Threshold
	return v
}

func detail(top []string) string {
	if len(top) == 0 {
		return ""
	}
	s := ",特征:"
	for i, g := range top {
		if i > 0 {
			s += "、"
		}
		s += g
	}
	return s
}
