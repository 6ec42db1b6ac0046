package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"dangjian/internal/cnid"
	"dangjian/internal/pinyin"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// MaxSelection bounds the people chosen on the roster for one batch operation.
const MaxSelection = 500

// Filter narrows the roster.
type Filter struct {
	OrgID    int64  // subtree of this organisation (0: the whole scope)
	Q        string // name substring, full pinyin or initials prefix, or an exact ID number
	Stage    string // development stage code
	Category string // "member" (正式+预备), "full" or "probationary"
	Mobile   bool   // only those flowing out
	// IDs keeps only these people (a selection on the roster, at most MaxSelection).
	IDs []int64
	// Reveal: the caller may reveal ID numbers and phones in the scope, and
	// so search by their parts (PartSearch).
	Reveal bool
	// ProbationDue keeps the probationary members whose probation ends
	// within this many days (those already past it too); 0: no such filter.
	ProbationDue int
	Status       string // default active
	Sort         string // "name" (pinyin, default), "id", "birth_date", "joined_on"
	Desc         bool
	// Limit bounds how many people Each reads (0: all).
	Limit int
	// prefixOnly matches a name search at the beginning of names (a large scope).
	prefixOnly bool
}

// Audited is the filter as the audit trail keeps it: an ID number or a
// phone searched for is kept masked.
func (f Filter) Audited() map[string]any {
	q := strings.TrimSpace(f.Q)
	switch {
	case PartSearch(q):
		q = "(按号码的一部分查找)"
	case queryKind(q) == "id":
		q = cnid.Mask(cnid.Normalize(q))
	case phoneRunRE.MatchString(q):
		q = MaskPhones(q)
	}
	out := map[string]any{}
	for k, v := range map[string]any{"org": f.OrgID, "q": q, "stage": f.Stage, "category": f.Category, "mobile": f.Mobile, "probation_due": f.ProbationDue, "selected": len(f.IDs),
		"status": f.Status, "sort": f.Sort, "desc": f.Desc} {
		if v != "" && v != int64(0) && v != 0 && v != false {
			out[k] = v
		}
	}
	return out
}

var sorts = map[string]string{
	"name":              "m.name_pinyin",
	"id":                "m.id",
	"birth_date":        "m.birth_date",
	"joined_on":         "m.joined_on",
	"probation_ends_on": "m.probation_ends_on",
}

// memberFromDue reads the probations ending soon over the whole tree from
// their partial index first (members_probation_due), checking each one's
// organisation after: for a national scope the organisations are millions
// and those due a few thousand. Below the top, the join from the
// organisations of the scope into members_probation_org reads less.
const memberFromDue = ` FROM members m CROSS JOIN orgs o WHERE o.id = m.org_id AND o.path >= $1 AND o.path < $2`

// queryKind tells how a search text is matched.
func queryKind(q string) string {
	n := cnid.Normalize(q)
	if (len(n) == 18 || len(n) == 15) && strings.Trim(n, "0123456789X") == "" && strings.Trim(n[:6], "0123456789") == "" {
		return "id"
	}
	if pinyin.Latin(q) {
		return "pinyin"
	}
	return "name"
}

// Parts of a pinyin search, each read in its own index order (see listPinyin).
const (
	bothParts    = ""
	initialsPart = "initials" // the initials start with the text
	fullPart     = "full"     // the full pinyin does, and the initials do not
)

// query builds the conditions and order of a roster query; part selects
// one part of a pinyin search.
func (s *Service) query(ctx context.Context, sc store.Scope, f Filter, part string) (*store.Where, string, string, error) {
	sc, err := s.Orgs.Narrow(ctx, sc, f.OrgID)
	if err != nil {
		return nil, "", "", err
	}
	from := memberFrom
	where := store.NewWhere(sc.Range())
	where.Exact(sc, "o.path")
	where.Province(sc, "m.province_id")
	add := where.And
	status := f.Status
	if status == "" {
		status = StatusActive
	}
	add("m.status = ?", status)
	if q := strings.TrimSpace(f.Q); PartSearch(q) {
		if !f.Reveal {
			return nil, "", "", ErrPartSearch
		}
		cond, args := s.partCondition(q)
		add(cond, args...)
	} else if q != "" {
		switch queryKind(q) {
		case "id":
			hs := s.Box.Hashes(cnid.Normalize(q))
			hashIn(where, "m.id_hash", hs)
			// The registry names the person's province: one worker answers.
			if prov, ok, err := provinceOf(ctx, s.DB, hs); err != nil {
				return nil, "", "", err
			} else if ok {
				add("m.province_id = ?", prov)
			}
		case "pinyin":
			// A prefix is a range of the index: the columns compare byte by
			// byte on both engines (SQLite's BINARY, PostgreSQL's "C").
			lo, hi := pinyin.PrefixRange(q)
			initials, full := "m.name_initials >= ? AND m.name_initials < ?", "m.name_pinyin >= ? AND m.name_pinyin < ?"
			args := []any{lo, hi}
			switch part {
			case initialsPart:
				add(initials, args...)
			case fullPart:
				add(full, args...)
				add("NOT ("+initials+")", args...)
			default:
				add("(("+initials+") OR ("+full+"))", append(args, args...)...)
			}
		default:
			if f.prefixOnly {
				add("m.name >= ? AND m.name < ?", q, q+"\U0010FFFF")
			} else {
				where.Like(q, "m.name")
			}
		}
	}
	if f.Stage != "" {
		add("m.stage = ?", f.Stage)
	}
	switch f.Category {
	case "member":
		add("m.stage IN ('probationary', 'full')")
	case "full", "probationary":
		add("m.stage = ?", f.Category)
	}
	if f.Mobile {
		add("m.mobile_out = TRUE")
	}
	if len(f.IDs) > 0 {
		ids := make([]any, 0, len(f.IDs))
		for _, id := range f.IDs[:min(len(f.IDs), MaxSelection)] {
			ids = append(ids, id)
		}
		add("m.id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")", ids...)
	}
	if f.ProbationDue > 0 {
		// Written out in full so that the planner can take the partial indexes.
		add("m.stage = 'probationary' AND m.status = 'active' AND m.probation_ends_on <= ?", s.today().AddDate(0, 0, f.ProbationDue))
		if sc.Whole() {
			from = memberFromDue
		}
	}
	order, ok := sorts[f.Sort]
	if !ok {
		order = sorts["name"]
	}
	switch {
	case part == initialsPart:
		order = "m.name_initials, m.name_pinyin"
	case f.prefixOnly:
		order = "m.name"
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	return where, " ORDER BY " + order + dir + ", m.id" + dir, from, nil
}

// largeScope is the number of people above which a name search matches the
// beginning of names only: a substring needs every name read.
var largeScope int64 = 50000

// List returns one page of the roster of a subtree in scope.
func (s *Service) List(ctx context.Context, sc store.Scope, f Filter, p store.Page) (store.List[Member], error) {
	if q := strings.TrimSpace(f.Q); q != "" && (f.Sort == "" || f.Sort == "name") && !f.Desc {
		switch queryKind(q) {
		case "pinyin":
			return s.listPinyin(ctx, sc, f, p)
		case "name":
			n, err := s.people(ctx, sc, f.OrgID)
			if err != nil {
				return store.List[Member]{}, err
			}
			f.prefixOnly = n > largeScope
		}
	}
	out, p := store.NewList[Member](p)
	where, order, from, err := s.query(ctx, sc, f, bothParts)
	if err != nil {
		return out, err
	}
	if PartSearch(f.Q) {
		if err := s.auditPartSearch(ctx, f.Q, f.OrgID); err != nil {
			return out, err
		}
	}
	countCap := store.CountCap
	if f.prefixOnly {
		countCap = SearchCountCap
	}
	var n int64
	if err := s.DB.QueryRowContext(ctx, store.CappedCount("SELECT 1"+from+where.String(), countCap), where.Args...).Scan(&n); err != nil {
		return out, fmt.Errorf("list members: %w", err)
	}
	out.SetTotal(n, countCap)
	limit, args := where.Limit(p)
	items, err := store.Query(ctx, s.DB, s.scan, "SELECT "+memberCols+from+where.String()+order+limit, args...)
	out.Items = items
	if err != nil {
		return out, fmt.Errorf("list members: %w", err)
	}
	return out, nil
}

// Each calls fn for every person of the roster matching f, in one query, so
// that an export of any size streams.
func (s *Service) Each(ctx context.Context, sc store.Scope, f Filter, fn func(Member) error) error {
	where, order, from, err := s.query(ctx, sc, f, bothParts)
	if err != nil {
		return err
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+memberCols+from+where.String()+order+limit, where.Args...)
	if err != nil {
		return fmt.Errorf("read members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := s.scan(rows)
		if err != nil {
			return err
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SearchCountCap bounds the count of the matches of a pinyin search, or a
// name search over a large scope: a prefix of two letters matches hundreds
// of thousands of people in a national tree; the list says "200+" and the
// user types more.
const SearchCountCap = 200

// listPinyin answers a pinyin search in two parts, each read in its own
// index order with a limit, so that the first page streams instead of
// sorting every match: those whose initials start with the text (by
// initials, then pinyin), then those whose full pinyin does.
func (s *Service) listPinyin(ctx context.Context, sc store.Scope, f Filter, p store.Page) (store.List[Member], error) {
	out, p := store.NewList[Member](p)
	want := p.Offset() + p.Size
	var all []Member
	for _, part := range []string{initialsPart, fullPart} {
		where, order, from, err := s.query(ctx, sc, f, part)
		if err != nil {
			return out, err
		}
		var n int64
		if err := s.DB.QueryRowContext(ctx, store.CappedCount("SELECT 1"+from+where.String(), SearchCountCap), where.Args...).Scan(&n); err != nil {
			return out, fmt.Errorf("list members by pinyin: %w", err)
		}
		out.Total += n
		if len(all) >= want {
			continue
		}
		args := append(append([]any(nil), where.Args...), want-len(all))
		items, err := store.Query(ctx, s.DB, s.scan, "SELECT "+memberCols+from+where.String()+order+" LIMIT $"+strconv.Itoa(len(args)), args...)
		if err != nil {
			return out, fmt.Errorf("list members by pinyin: %w", err)
		}
		all = append(all, items...)
	}
	out.SetTotal(out.Total, SearchCountCap)
	if p.Offset() < len(all) {
		out.Items = all[p.Offset():]
	}
	return out, nil
}

// people is the number of people on the roster of the scope (narrowed to an organisation).
func (s *Service) people(ctx context.Context, sc store.Scope, orgID int64) (int64, error) {
	sc, err := s.Orgs.Narrow(ctx, sc, orgID)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, part := range sc.Parts() {
		m, err := stats.Read(ctx, s.DB, part)
		if err != nil {
			return 0, err
		}
		for k, n := range m {
			if strings.HasPrefix(k, stats.KStage) {
				total += n
			}
		}
	}
	return total, nil
}

// provinceOf is the province of the person registered under one of the
// hashes of an ID number, if one is.
func provinceOf(ctx context.Context, q store.Querier, hashes []string) (int64, bool, error) {
	for _, h := range hashes {
		var prov int64
		err := q.QueryRowContext(ctx, "SELECT province_id FROM id_numbers WHERE id_hash = $1", h).Scan(&prov)
		if err == nil {
			return prov, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
	}
	return 0, false, nil
}

// hashIn adds to w the condition that col is one of the hashes hs.
func hashIn(w *store.Where, col string, hs []string) {
	vals := make([]any, len(hs))
	for i, h := range hs {
		vals[i] = h
	}
	w.And(col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(hs)), ", ")+")", vals...)
}
