package spam

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"unicode"
)

// Model is a logistic regression over the character unigrams and bigrams
// of a normalised text (each counted once), trained by stochastic gradient
// descent with L2 regularisation; classes are weighed equally (the
// labelled set's proportions are not those of the traffic). It took over
// from a naive Bayes model when a held-out set showed soft-sell spam,
// written in a letter's common characters, scored as genuine: the
// regression weighs each gram against all the others, where naive Bayes
// let the many common characters of letters (的, 我, 想) outvote the few
// that sell. There is no such model among the Go modules served here;
// the algorithm is the textbook one, weights in memory.
type Model struct {
	mu   sync.RWMutex
	w    map[string]float64
	bias float64
	docs [2]int
}

// The training's settings, chosen by 5-fold cross-validation on the learnt
// part (CrossValidate), never on the held-out set.
const (
	epochs = 20
	rate   = 0.1
	l2     = 0.02
	// learnSteps are the steps one moderator's decision is learnt with.
	learnSteps = 5
	// oddsBound bounds what the model adds to the rules' weights.
	oddsBound = 4
	// pitchedBound bounds what the model takes off a text whose pitches
	// weigh as much as three of the sender's own: soft-sell written as a
	// letter is what the model reads as one.
	pitchedBound = 2
)

// NewModel is an untrained model.
func NewModel() *Model { return &Model{w: map[string]float64{}} }

// grams are a compact text's character unigrams and bigrams, each once.
func grams(compact string) []string {
	var rs []rune
	for _, r := range compact {
		if !unicode.IsSpace(r) {
			rs = append(rs, r)
		}
	}
	out := make([]string, 0, 2*len(rs))
	seen := map[string]bool{}
	for i := range rs {
		for _, g := range []string{string(rs[i]), string(rs[i:min(i+2, len(rs))])} {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
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

// example is a text's grams and its label.
type example struct {
	g []string
	y int
}

// Train learns spam and ham together, in a fixed shuffled order (the same
// texts always give the same model).
func (m *Model) Train(spam, ham []string) {
	var xs []example
	for _, s := range spam {
		xs = append(xs, example{grams(Normalize(s).Compact), 1})
	}
	for _, s := range ham {
		xs = append(xs, example{grams(Normalize(s).Compact), 0})
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	m.mu.Lock()
	defer m.mu.Unlock()
	for range epochs {
		rnd.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		for _, x := range xs {
			m.step(x)
		}
	}
	m.docs[1] += len(spam)
	m.docs[0] += len(ham)
}

// step is one gradient step on x; m.mu is held.
func (m *Model) step(x example) {
	p := 1 / (1 + math.Exp(-m.logit(x.g)))
	d := float64(x.y) - p
	m.bias += rate * d
	for _, g := range x.g {
		m.w[g] += rate * (d - l2*m.w[g])
	}
}

func (m *Model) logit(g []string) float64 {
	z := m.bias
	for _, x := range g {
		z += m.w[x]
	}
	return z
}

// Learn learns one text as spam or not (a moderator's decision).
func (m *Model) Learn(text string, spam bool) {
	x := example{grams(Normalize(text).Compact), label(spam)}
	m.mu.Lock()
	defer m.mu.Unlock()
	for range learnSteps {
		m.step(x)
	}
	m.docs[x.y]++
}

// Samples is how many texts of each kind the model learnt (ham, spam).
func (m *Model) Samples() (ham, spam int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.docs[0], m.docs[1]
}

// copy is a model with m's weights, to learn on apart.
func (m *Model) copy() *Model {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := &Model{w: make(map[string]float64, len(m.w)), bias: m.bias, docs: m.docs}
	for g, x := range m.w {
		out.w[g] = x
	}
	return out
}

// LogOdds is the model's log-odds of spam for t, bounded to ±oddsBound, and
// the bigrams that weigh most towards spam.
func (m *Model) LogOdds(t Text) (float64, []string) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.docs[0] == 0 || m.docs[1] == 0 {
		return 0, nil
	}
	g := grams(t.Compact)
	type w struct {
		g string
		x float64
	}
	var ws []w
	for _, x := range g {
		if len([]rune(x)) == 2 {
			ws = append(ws, w{x, m.w[x]})
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].x > ws[j].x })
	var top []string
	for _, x := range ws {
		if len(top) == 5 || x.x <= 0.3 {
			break
		}
		top = append(top, x.g)
	}
	return max(-oddsBound, min(oddsBound, m.logit(g))), top
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
	for _, r := range reasons {
		if r.Rule == "pitch" && r.Weight >= 3*pitchWeight {
			odds = max(odds, -pitchedBound)
		}
	}
	total := odds
	for _, r := range reasons {
		total += r.Weight
	}
	p := 1 / (1 + math.Exp(-total))
	v := Verdict{Score: int(math.Round(p * 100)), Reasons: reasons}
	if len(top) > 0 || odds != 0 {
		v.Reasons = append([]Reason{{Rule: "model", Label: "与已标注的垃圾信息相似度(分类器)", Detail: strconv.Itoa(int(math.Round(100/(1+math.Exp(-odds))))) + "%" + detail(top), Weight: odds}}, v.Reasons...)
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
