package report

import (
	"strings"
	"unicode/utf8"
)

// A summary states the work done: a figure that is nought is no work
// done, and is not written out as such ("投入0.00元", "帮扶党员0人次").
// A paragraph is read as sentences (ending in 。;!?), a sentence as
// clauses (between commas), a clause as items (between 、); a part whose
// figures are all nought is left out with its words, and a part all of
// whose parts with figures were left out is left out whole: its other
// words (a lead-in as 已答复的提案中, a comment as 均已纳入管理) speak of
// those figures. A section left with nothing says the work is 尚未开展.

// IsZero tells whether a figure is nought ("0", "0.00", "0.00万").
func (f Figure) IsZero() bool {
	digits := strings.TrimRight(f.Text, "万亿")
	if digits == "" {
		return false
	}
	for _, r := range digits {
		if r != '0' && r != '.' && r != ',' {
			return false
		}
	}
	return strings.ContainsRune(digits, '0')
}

// The separators of the levels a paragraph is read in: sentences,
// clauses, items.
var levels = []string{"。;；!！?？", ",，", "、"}

// leadIns are the words that open a list of items and belong to all of
// them: kept when the first item is left out (其中大会期间…、闭会期间…).
var leadIns = []string{"其中", "现有"}

// part is a piece of text and the separator after it.
type part struct{ body, sep string }

// split cuts text after each rune of seps.
func split(text, seps string) []part {
	var out []part
	start := 0
	for i, r := range text {
		if strings.ContainsRune(seps, r) {
			out = append(out, part{text[start:i], string(r)})
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(text) {
		out = append(out, part{text[start:], ""})
	}
	return out
}

// figuresIn counts the figures a piece of text cites, and of them the nought ones.
func figuresIn(text string, figs map[string]Figure) (all, zero int) {
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if f, ok := figs[m[1]]; ok {
			all++
			if f.IsZero() {
				zero++
			}
		}
	}
	return all, zero
}

// Stated is a paragraph with the parts that cite only nought figures left
// out (its figures still placeholders); "" when nothing is left.
func Stated(text string, figs map[string]Figure) string {
	if all, zero := figuresIn(text, figs); zero == 0 || all == 0 {
		return text
	}
	out, _ := stated(text, figs, 0)
	return strings.TrimSpace(out)
}

// stated leaves out, at level and below, the parts of text that cite only
// nought figures; gone tells that text cites figures and none is left.
func stated(text string, figs map[string]Figure, level int) (out string, gone bool) {
	all, zero := figuresIn(text, figs)
	switch {
	case all == 0:
		return text, false
	case zero == all:
		return "", true
	case zero == 0 || level == len(levels):
		return text, false
	}
	parts := split(text, levels[level])
	var kept []part
	cited := false // a kept part cites a figure
	for i, p := range parts {
		body, gone := stated(p.body, figs, level+1)
		if gone {
			continue
		}
		if n, _ := figuresIn(body, figs); n > 0 {
			cited = true
		}
		if len(kept) == 0 && i > 0 && level == len(levels)-1 {
			for _, w := range leadIns {
				if strings.HasPrefix(parts[0].body, w) && !strings.HasPrefix(body, w) {
					body = w + body
				}
			}
		}
		kept = append(kept, part{body, p.sep})
	}
	if !cited {
		return "", true
	}
	// The last part kept ends as the text did (a sentence as the paragraph's
	// last sentence, when that one ended).
	if last := parts[len(parts)-1]; last.sep != "" || level > 0 {
		kept[len(kept)-1].sep = last.sep
	}
	var b strings.Builder
	for _, p := range kept {
		b.WriteString(p.body + p.sep)
	}
	return b.String(), false
}

// StatedSummary is a summary as it is written out: each paragraph Stated,
// a paragraph left with nothing left out, and a section left with no
// paragraph saying its work is 尚未开展 in the period.
func StatedSummary(s Summary, figs map[string]Figure) Summary {
	out := s
	out.Opening, out.Closing = Stated(s.Opening, figs), Stated(s.Closing, figs)
	out.Sections = nil
	for _, sec := range s.Sections {
		var paras []string
		for _, p := range sec.Paragraphs {
			if st := Stated(p, figs); st != "" || p == "" {
				paras = append(paras, st)
			}
		}
		if len(paras) == 0 && len(sec.Paragraphs) > 0 && sec.Heading != "" {
			paras = []string{"本期间尚未开展" + strings.TrimSuffix(sec.Heading, "工作") + "工作。"}
		}
		out.Sections = append(out.Sections, Section{Heading: sec.Heading, Paragraphs: paras})
	}
	return out
}
