package report

import (
	"regexp"
	"strings"
	"time"

	"dangjian/internal/stats"
	"dangjian/internal/work"
)

// Figure is one number a summary may cite: its words, its value as shown,
// and the list that yields it (the same filter), for a reader to check.
type Figure struct {
	Key, Label, Text, Unit, Href string
}

// Section is a part of a summary: a heading and its paragraphs (a section
// without a heading is paragraphs alone, as a letter's body).
type Section struct {
	Heading    string
	Paragraphs []string
}

// Summary is a drafted summary.
type Summary struct {
	Title string
	// Subtitle is a line of its own after the opening, centred in the
	// title's font (the combined title of a 专刊's issue).
	Subtitle string
	Opening  string
	Sections []Section
	Closing  string
	// To is the addressee (主送机关), written flush left before the
	// opening; Signature the lines set right after the closing: the
	// issuing body and the date (GB/T 9704, 7.2.4 and 7.3.5).
	To        string
	Signature []string
}

// rosterFigures are the members' figures an organisation's summary may
// cite: each one's old key (the placeholder of texts saved before the
// figures had Chinese names), its Chinese name (its placeholder), unit,
// count and the roster's filter that lists it.
var rosterFigures = []struct {
	key, label, unit string
	n                func(stats.View) int64
	filter           string
}{
	{"members", "党员", "名", func(v stats.View) int64 { return v.Members }, ""},
	{"full", "正式党员", "名", func(v stats.View) int64 { return v.Full }, "&category=full"},
	{"probationary", "预备党员", "名", func(v stats.View) int64 { return v.Probationary }, "&category=probationary"},
	{"female", "女党员", "名", func(v stats.View) int64 { return v.Female }, ""},
	{"minority", "少数民族党员", "名", func(v stats.View) int64 { return v.Minority }, ""},
	{"college", "大专及以上学历党员", "名", func(v stats.View) int64 { return v.CollegeAbove }, ""},
	{"orgs", "党组织", "个", func(v stats.View) int64 { return v.Orgs }, ""},
	{"mobile_out", "流出党员", "名", func(v stats.View) int64 { return v.MobileOut }, ""},
}

// Figures are the figures a summary of organisation orgID may cite: the
// members' as of now and the work records' of the months from..to, each
// by its Chinese name, the placeholder the texts carry (〔走访慰问〕).
func Figures(orgID string, v stats.View, lines []work.Line, from, to string) map[string]Figure {
	out := map[string]Figure{}
	for _, f := range rosterFigures {
		href := "/members?org=" + orgID + f.filter
		switch f.key {
		case "orgs":
			href = "/orgs/" + orgID
		case "mobile_out":
			href = "/mobile?org=" + orgID
		}
		out[f.label] = Figure{Key: f.label, Label: f.label, Text: work.Grouped(f.n(v)), Unit: f.unit, Href: href}
	}
	for _, l := range lines {
		href := "/work/" + l.Kind + "?org=" + orgID
		if l.View != "" {
			href += "&view=" + l.View
		}
		if l.Period {
			href += "&from=" + from + "-01&to=" + monthEnd(to)
		}
		out[l.Label] = Figure{Key: l.Label, Label: l.Label, Text: l.Text, Unit: l.Unit, Href: href}
	}
	return out
}

// orgPlaceholders rewrites the English placeholders an organisation's
// texts were saved with before the figures had Chinese names
// (〔visits〕 → 〔走访慰问〕); Orgs reads every stored text through it.
var orgPlaceholders = func() *strings.Replacer {
	var pairs []string
	for _, f := range rosterFigures {
		pairs = append(pairs, "〔"+f.key+"〕", "〔"+f.label+"〕")
	}
	for _, l := range work.Summarize(nil, "", "") {
		pairs = append(pairs, "〔"+l.Key+"〕", "〔"+l.Label+"〕")
	}
	return strings.NewReplacer(pairs...)
}()

// monthEnd is the last day of a month ("2006-01"), as a list's date filter takes it.
func monthEnd(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, -1).Format("2006-01-02")
}

// Template is one sentence pattern of a summary: its key, what it is for,
// and its built-in text. {组织} and {期间} stand for the organisation's name
// and the period; 〔名称〕 for a figure, by its Chinese name.
type Template struct {
	Key, Label, Text string
}

// Templates are the sentence patterns of a summary over lines, in the
// document's order: the opening, the members, one per group of the work
// summary (a clause per figure), the closing.
func Templates(lines []work.Line) []Template {
	out := []Template{
		{"opening", "开头", "按照上级党组织的部署,{组织}坚持以党建引领基层治理,{期间}各项党建工作扎实推进。现将有关情况总结如下。"},
		{"members", "党员队伍", "现有党组织〔党组织〕个、党员〔党员〕名,其中正式党员〔正式党员〕名、预备党员〔预备党员〕名;女党员〔女党员〕名,少数民族党员〔少数民族党员〕名,大专及以上学历党员〔大专及以上学历党员〕名;流出党员〔流出党员〕名,均已纳入管理。"},
	}
	for _, g := range work.GroupLines(lines) {
		var clauses []string
		for _, l := range g.Lines {
			clauses = append(clauses, l.Label+"〔"+l.Label+"〕"+l.Unit)
		}
		out = append(out, Template{"group:" + g.Name, g.Name, strings.Join(clauses, ",") + "。"})
	}
	return append(out, Template{"closing", "结尾", "下一步,{组织}将继续加强基层党组织建设,补齐短板、巩固成果,推动党建工作再上新台阶。"})
}

// Draft writes a summary of a body's work (an organisation's, a
// committee's) in the months from..to in the form of the essays, from
// its templates (ts: an opening, sections, a closing), each replaced by
// the office's own text where custom has one; the title names the body,
// the period and what the document is (kind: 党建工作总结).
func Draft(name, from, to, kind string, ts []Template, custom map[string]string) Summary {
	words := strings.NewReplacer("{组织}", name, "{期间}", Period(from, to))
	text := func(t Template) string {
		if c := custom[t.Key]; c != "" {
			return words.Replace(c)
		}
		return words.Replace(t.Text)
	}
	s := Summary{Title: name + Period(from, to) + kind}
	for _, t := range ts {
		switch t.Key {
		case "opening":
			s.Opening = text(t)
		case "closing":
			s.Closing = text(t)
		default:
			s.Sections = append(s.Sections, Section{Heading: t.Label, Paragraphs: []string{text(t)}})
		}
	}
	return s
}

// Period writes months from..to as words: "2026年" for a whole year, else "2026年1月至6月".
func Period(from, to string) string {
	if len(from) != 7 || len(to) != 7 {
		return ""
	}
	if from[:4] == to[:4] && from[5:] == "01" && to[5:] == "12" {
		return from[:4] + "年"
	}
	if from[:4] == to[:4] {
		return from[:4] + "年" + strings.TrimPrefix(from[5:], "0") + "月至" + strings.TrimPrefix(to[5:], "0") + "月"
	}
	return from[:4] + "年" + strings.TrimPrefix(from[5:], "0") + "月至" + to[:4] + "年" + strings.TrimPrefix(to[5:], "0") + "月"
}

var placeholder = regexp.MustCompile(`〔([^〔〕]{1,40})〕`)

// Piece is a part of a filled paragraph: text, or a figure. Typed marks
// a number written by hand in the text: it does not follow the records.
type Piece struct {
	Text   string
	Figure *Figure
	Typed  bool
}

var typedNumber = regexp.MustCompile(`[0-9][0-9,.]*`)

// words splits text into its words and the numbers typed in it.
func words(text string) []Piece {
	var out []Piece
	last := 0
	for _, m := range typedNumber.FindAllStringIndex(text, -1) {
		if next := text[m[1]:]; strings.HasPrefix(next, "年") || strings.HasPrefix(next, "月") || strings.HasPrefix(next, "日") || strings.HasPrefix(next, "号") {
			continue // a date, not a figure
		}
		if m[0] > last {
			out = append(out, Piece{Text: text[last:m[0]]})
		}
		out = append(out, Piece{Text: text[m[0]:m[1]], Typed: true})
		last = m[1]
	}
	if last < len(text) {
		out = append(out, Piece{Text: text[last:]})
	}
	return out
}

// Fill splits a paragraph into its words and its figures, each figure
// from figs; a placeholder of no known figure is kept as typed and
// reported in unknown.
func Fill(text string, figs map[string]Figure) (pieces []Piece, unknown []string) {
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(text, -1) {
		key := text[m[2]:m[3]]
		f, ok := figs[key]
		if !ok {
			unknown = append(unknown, key)
			continue
		}
		pieces = append(pieces, words(text[last:m[0]])...)
		pieces = append(pieces, Piece{Figure: &f})
		last = m[1]
	}
	return append(pieces, words(text[last:])...), unknown
}

// Text is a whole summary as plain text with its figures filled in: the
// opening, each heading numbered (一、) and its paragraphs, the closing, a
// line each (what the library keeps of a published summary); a figure
// that is nought is not stated as work done (StatedSummary).
func Text(s Summary, figs map[string]Figure) string {
	s = StatedSummary(s, figs)
	var lines []string
	if s.Opening != "" {
		lines = append(lines, Plain(s.Opening, figs))
	}
	for i, sec := range s.Sections {
		lines = append(lines, Numeral(i)+sec.Heading)
		for _, p := range sec.Paragraphs {
			lines = append(lines, Plain(p, figs))
		}
	}
	if s.Closing != "" {
		lines = append(lines, Plain(s.Closing, figs))
	}
	return strings.Join(lines, "\n")
}

// Plain is a paragraph with its figures filled in.
func Plain(text string, figs map[string]Figure) string {
	pieces, _ := Fill(text, figs)
	var b strings.Builder
	for _, p := range pieces {
		if p.Figure != nil {
			b.WriteString(p.Figure.Text)
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}
