package library

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"dangjian/internal/apperr"
	"dangjian/internal/store"
)

// indexed is what the index holds of a document: the words of its title,
// and of its title, tags and body together (Body: one field for every
// word, so that a word is one searcher, not one a field), and the terms
// that filter it.
type indexed struct {
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Tags       []string  `json:"tags"`
	Kind       string    `json:"kind"`
	Visibility string    `json:"visibility"`
	Path       string    `json:"path"`
	Published  time.Time `json:"published"`
}

func indexMapping() mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = cjk.AnalyzerName
		f.Store = false
		// The snippets find the words in the row's own text: no term vectors.
		f.IncludeTermVectors = false
		return f
	}
	term := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("title", text())
	doc.AddFieldMappingsAt("body", text())
	for _, name := range []string{"tags", "kind", "visibility", "path"} {
		doc.AddFieldMappingsAt(name, term())
	}
	published := bleve.NewDateTimeFieldMapping()
	published.Store = false
	doc.AddFieldMappingsAt("published", published)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = cjk.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	return m
}

// Open opens the index when it is not open (creating it when missing)
// and brings it up to the table when it last looked Every ago or more;
// every search does so first.
func (s *Service) Open(ctx context.Context) error {
	s.mu.Lock()
	var err error
	opening := s.index == nil
	switch {
	case s.index != nil:
	case s.Dir == "":
		s.index, err = bleve.NewMemOnly(indexMapping())
	default:
		s.index, err = bleve.Open(s.Dir)
		if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
			s.index, err = bleve.New(s.Dir, indexMapping())
		}
		if err == nil {
			s.mark = s.savedMark()
		}
	}
	due := opening || s.now().Sub(s.looked) >= Every
	s.mu.Unlock()
	if err != nil || !due {
		return err
	}
	return s.Sync(ctx)
}

// Close closes the index.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index == nil {
		return nil
	}
	err := s.index.Close()
	s.index = nil
	return err
}

const markKey = "dangjian:mark"

func (s *Service) savedMark() time.Time {
	b, err := s.index.GetInternal([]byte(markKey))
	if err != nil || len(b) == 0 {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, string(b))
	return t
}

// lookBack is how long a row's transaction may take to commit after the
// time it carries (and how far the servers' clocks may differ): a sync
// started at T has seen every row whose time is before T less lookBack.
const lookBack = 10 * time.Second

// Every is how often a search looks for rows another server wrote (this
// server's own writes are indexed as they are made).
var Every = 2 * time.Second

// Sync indexes the rows changed since the index last looked: every row
// the first time (in batches by id), then those whose time is at or after
// the mark — the start of the last sync less lookBack — skipping the
// versions already indexed; the mark then moves to this sync's start less
// lookBack, and is kept in the index for the next start of the server.
func (s *Service) Sync(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index == nil {
		return apperr.Rule("经验库的检索索引没有打开")
	}
	if s.seen == nil {
		s.seen = map[int64]time.Time{}
	}
	s.looked = s.now()
	settled := s.looked.UTC().Add(-lookBack)
	const batch = 2000
	full := s.mark.IsZero()
	for after := int64(0); ; {
		var docs []Doc
		var last int64
		var more bool
		var err error
		if full {
			docs, err = store.Query(ctx, s.DB, scanDoc, "SELECT "+docCols+docFrom+" WHERE d.id > $1 ORDER BY d.id LIMIT $2", after, batch)
			if more = len(docs) == batch; more {
				last = docs[len(docs)-1].ID
			}
		} else {
			docs, last, more, err = s.changed(ctx, after, batch)
		}
		if err != nil {
			return err
		}
		b := s.index.NewBatch()
		for _, d := range docs {
			if v, ok := s.seen[d.ID]; ok && v.Equal(d.UpdatedAt) {
				continue
			}
			if err := addTo(b, d); err != nil {
				return err
			}
			s.seen[d.ID] = d.UpdatedAt
		}
		if b.Size() > 0 {
			if err := s.index.Batch(b); err != nil {
				return err
			}
		}
		if !more {
			break
		}
		after = last
	}
	if settled.After(s.mark) {
		s.mark = settled
		return s.index.SetInternal([]byte(markKey), []byte(s.mark.Format(time.RFC3339Nano)))
	}
	return nil
}

// changed reads the rows of the look-back window this server has not
// indexed in their present version: their ids and times first (a light
// read), then the rows themselves.
func (s *Service) changed(ctx context.Context, after int64, batch int) (docs []Doc, last int64, more bool, err error) {
	type version struct {
		id int64
		at time.Time
	}
	vs, err := store.Query(ctx, s.DB, func(sc store.Scanner) (version, error) {
		var v version
		return v, sc.Scan(&v.id, &v.at)
	}, "SELECT id, updated_at FROM library_docs WHERE updated_at >= $1 AND id > $2 ORDER BY id LIMIT $3", s.mark, after, batch)
	if err != nil || len(vs) == 0 {
		return nil, 0, false, err
	}
	var ids []string
	var args []any
	for _, v := range vs {
		if at, ok := s.seen[v.id]; !ok || !at.Equal(v.at) {
			args = append(args, v.id)
			ids = append(ids, "$"+strconv.Itoa(len(args)))
		}
	}
	if len(ids) > 0 {
		if docs, err = store.Query(ctx, s.DB, scanDoc, "SELECT "+docCols+docFrom+" WHERE d.id IN ("+strings.Join(ids, ", ")+")", args...); err != nil {
			return nil, 0, false, err
		}
	}
	return docs, vs[len(vs)-1].id, len(vs) == batch, nil
}

// addTo puts a document into a batch, or takes it out when withdrawn.
func addTo(b *bleve.Batch, d Doc) error {
	id := strconv.FormatInt(d.ID, 10)
	if d.State != "published" {
		b.Delete(id)
		return nil
	}
	return b.Index(id, indexed{Title: d.Title, Body: d.Title + "\n" + strings.Join(d.Tags, " ") + "\n" + d.Body, Tags: d.Tags, Kind: d.Kind, Visibility: d.Visibility, Path: d.OrgPath,
		Published: d.PublishedOn.Time()})
}

// put indexes a document this server just wrote.
func (s *Service) put(d Doc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index == nil {
		return nil // not opened: the next Open reads it from the table
	}
	b := s.index.NewBatch()
	if err := addTo(b, d); err != nil {
		return err
	}
	if s.seen == nil {
		s.seen = map[int64]time.Time{}
	}
	s.seen[d.ID] = d.UpdatedAt
	return s.index.Batch(b)
}

// Count is how many documents the index holds.
func (s *Service) Count() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index == nil {
		return 0, nil
	}
	return s.index.DocCount()
}

// Query is a search of the library.
type Query struct {
	Text string
	Kind string
	Tag  string
	// OrgID keeps the documents of an organisation's subtree (0: all).
	OrgID int64
	Page  store.Page
}

// Piece is a part of a title or snippet: text, marked when it matched.
type Piece struct {
	Text string
	Mark bool
}

// Hit is a document found, with its title and a passage of its body,
// the words that matched marked.
type Hit struct {
	Doc     Doc
	Title   []Piece
	Snippet []Piece
	Score   float64
}

// Results are a page of hits, the count of all of them, and when
// browsing (no words) their count by kind.
type Results struct {
	Hits  []Hit
	Total int64
	Kinds map[string]int64
	Page  int
	Size  int
}

// match is the query of the words: every word somewhere in the document
// (its title, tags or body), a word in the title or a tag weighing more.
func match(words []string) query.Query {
	var all, more []query.Query
	for _, w := range words {
		body := bleve.NewMatchQuery(w)
		body.SetField("body")
		body.SetOperator(query.MatchQueryOperatorAnd)
		all = append(all, body)
		title := bleve.NewMatchQuery(w)
		title.SetField("title")
		title.SetOperator(query.MatchQueryOperatorAnd)
		title.SetBoost(3)
		tag := bleve.NewTermQuery(w)
		tag.SetField("tags")
		tag.SetBoost(2)
		more = append(more, title, tag)
	}
	q := bleve.NewBooleanQuery()
	q.AddMust(all...)
	q.AddShould(more...)
	return q
}

// readable is the index's side of visible: public and system-wide
// documents, and those of the scope's line kept to their subtree (for
// Public, the public ones).
func readable(sc store.Scope) query.Query {
	term := func(field, v string) query.Query {
		q := bleve.NewTermQuery(v)
		q.SetField(field)
		return q
	}
	if isPublic(sc) {
		return term("visibility", "public")
	}
	open := bleve.NewDisjunctionQuery(term("visibility", "public"), term("visibility", "system"))
	var line []query.Query
	for _, p := range sc.Parts() {
		pre := bleve.NewPrefixQuery(p)
		pre.SetField("path")
		line = append(line, pre)
		for _, a := range ancestors(p) {
			line = append(line, term("path", a))
		}
	}
	if len(line) == 0 {
		return open
	}
	open.AddQuery(bleve.NewConjunctionQuery(term("visibility", "subtree"), bleve.NewDisjunctionQuery(line...)))
	return open
}

// The bounds of a query, checked before any work: people type a few short
// words, and the index's work grows with each word's length.
const (
	maxQuery = 100 // characters of the whole query
	maxWords = 10
	maxWord  = 30 // characters of one word
)

// searchWords are the words of a query, or the reason it is refused.
func searchWords(text string) ([]string, error) {
	if utf8.RuneCountInString(text) > maxQuery {
		return nil, apperr.InvalidField("q", "检索内容最多%d个字", maxQuery)
	}
	words := Split(text)
	if len(words) > maxWords {
		return nil, apperr.InvalidField("q", "检索词最多%d个", maxWords)
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) > maxWord {
			return nil, apperr.InvalidField("q", "每个检索词最多%d个字", maxWord)
		}
	}
	return words, nil
}

// Search finds the documents the scope may read that match the query,
// best first (without words: the latest first).
func (s *Service) Search(ctx context.Context, sc store.Scope, q Query) (Results, error) {
	pg := q.Page.Normalized()
	out := Results{Page: pg.Number, Size: pg.Size, Kinds: map[string]int64{}}
	words, err := searchWords(q.Text)
	if err != nil {
		return out, err
	}
	if err := s.Open(ctx); err != nil {
		return Results{}, err
	}
	filters := []query.Query{readable(sc)}
	if q.Kind != "" {
		k := bleve.NewTermQuery(q.Kind)
		k.SetField("kind")
		filters = append(filters, k)
	}
	if q.Tag != "" {
		t := bleve.NewTermQuery(q.Tag)
		t.SetField("tags")
		filters = append(filters, t)
	}
	if q.OrgID != 0 {
		o, err := s.Orgs.Get(ctx, sc, q.OrgID)
		if err != nil {
			return out, err
		}
		p := bleve.NewPrefixQuery(o.Path)
		p.SetField("path")
		filters = append(filters, p)
	}
	var main query.Query = bleve.NewMatchAllQuery()
	if len(words) > 0 {
		main = match(words)
	}
	// The filters weigh nothing in the order (and are not scored): only the words do.
	bq := bleve.NewBooleanQuery()
	bq.AddMust(main)
	bq.AddFilter(bleve.NewConjunctionQuery(filters...))
	req := bleve.NewSearchRequestOptions(bq, pg.Size, pg.Offset(), false)
	if len(words) == 0 {
		// Browsing: the latest first, with the count of each kind (a count
		// over every match, left out of searches by words for their speed).
		req.SortBy([]string{"-published", "-_id"})
		req.AddFacet("kind", bleve.NewFacetRequest("kind", len(Kinds)))
	}
	s.mu.Lock()
	res, err := s.index.SearchInContext(ctx, req)
	s.mu.Unlock()
	if err != nil {
		return out, err
	}
	out.Total = int64(res.Total)
	if f := res.Facets["kind"]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			out.Kinds[t.Term] = int64(t.Count)
		}
	}
	out.Hits, err = s.hits(ctx, sc, res.Hits, words)
	return out, err
}

// hits reads the documents of the index's hits back from the table, in
// the index's order, again within the scope (a row the index still holds
// but the table no longer shows is left out).
func (s *Service) hits(ctx context.Context, sc store.Scope, ms search.DocumentMatchCollection, words []string) ([]Hit, error) {
	out := []Hit{}
	if len(ms) == 0 {
		return out, nil
	}
	w := store.NewWhere()
	marks := make([]string, len(ms))
	for i, m := range ms {
		id, _ := strconv.ParseInt(m.ID, 10, 64)
		w.Args = append(w.Args, id)
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	w.And("d.state = 'published'")
	visible(w, sc)
	docs, err := store.Query(ctx, s.DB, scanDoc, "SELECT "+docCols+docFrom+" WHERE d.id IN ("+strings.Join(marks, ", ")+")"+w.String(), w.Args...)
	if err != nil {
		return nil, err
	}
	byID := map[string]Doc{}
	for _, d := range docs {
		byID[strconv.FormatInt(d.ID, 10)] = d
	}
	for _, m := range ms {
		d, ok := byID[m.ID]
		if !ok {
			continue
		}
		out = append(out, Hit{Doc: d, Score: m.Score, Title: marked(d.Title, spans(d.Title, words), 0, len(d.Title)),
			Snippet: snippet(d.Body, spans(d.Body, words))})
	}
	return out, nil
}

type span struct{ start, end int }

// spans are the byte ranges of the query's words in text, in order,
// merged where they touch or overlap.
func spans(text string, words []string) []span {
	lower := strings.ToLower(text)
	var out []span
	for _, w := range words {
		w = strings.ToLower(w)
		if w == "" {
			continue
		}
		for at := 0; ; {
			i := strings.Index(lower[at:], w)
			if i < 0 {
				break
			}
			out = append(out, span{at + i, at + i + len(w)})
			at += i + len(w)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	var merged []span
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// snippetLen is how many characters of a body a hit shows.
const snippetLen = 120

// snippet is a passage of the body around its first matched word (its
// start without words), the words marked.
func snippet(body string, sps []span) []Piece {
	body = strings.ReplaceAll(body, "\n", " ")
	from := 0
	if len(sps) > 0 {
		// Start a few characters before the first match.
		from = sps[0].start
		for back := 0; back < 20 && from > 0; back++ {
			_, size := utf8.DecodeLastRuneInString(body[:from])
			from -= size
		}
	}
	to := from
	for n := 0; n < snippetLen && to < len(body); n++ {
		_, size := utf8.DecodeRuneInString(body[to:])
		to += size
	}
	pieces := marked(body, sps, from, to)
	if from > 0 {
		pieces = append([]Piece{{Text: "…"}}, pieces...)
	}
	if to < len(body) {
		pieces = append(pieces, Piece{Text: "…"})
	}
	return pieces
}

// marked cuts text[from:to] into pieces, those inside spans marked.
func marked(text string, sps []span, from, to int) []Piece {
	var out []Piece
	at := from
	for _, sp := range sps {
		if sp.end <= at || sp.start >= to {
			continue
		}
		start, end := max(sp.start, at), min(sp.end, to)
		if start > at {
			out = append(out, Piece{Text: text[at:start]})
		}
		out = append(out, Piece{Text: text[start:end], Mark: true})
		at = end
	}
	if at < to {
		out = append(out, Piece{Text: text[at:to]})
	}
	return out
}

// Related are up to n documents the scope may read nearest to a document:
// those sharing its tags and the words of its title.
func (s *Service) Related(ctx context.Context, sc store.Scope, d Doc, n int) ([]Doc, error) {
	if err := s.Open(ctx); err != nil {
		return nil, err
	}
	near := bleve.NewDisjunctionQuery()
	title := bleve.NewMatchQuery(d.Title)
	title.SetField("title")
	title.SetBoost(2)
	near.AddQuery(title)
	for _, t := range d.Tags {
		q := bleve.NewTermQuery(t)
		q.SetField("tags")
		q.SetBoost(3)
		near.AddQuery(q)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(near)
	bq.AddFilter(readable(sc))
	bq.AddMustNot(bleve.NewDocIDQuery([]string{strconv.FormatInt(d.ID, 10)}))
	req := bleve.NewSearchRequestOptions(bq, n, 0, false)
	s.mu.Lock()
	res, err := s.index.SearchInContext(ctx, req)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	hits, err := s.hits(ctx, sc, res.Hits, nil)
	out := make([]Doc, len(hits))
	for i, h := range hits {
		out[i] = h.Doc
	}
	return out, err
}
