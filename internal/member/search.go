package member

import (
	"context"
	"strings"

	"dangjian/internal/cnid"
	"dangjian/internal/store"
)

// Filter narrows the roster.
type Filter struct {
	OrgID    int64  // subtree of this organisation (0: the whole scope)
	Q        string // name substring, full pinyin or initials prefix, or an exact ID number
	Stage    string // development stage code
	Category string // "member" (正式+预备), "full" or "probationary"
	Mobile   bool   // only those flowing out
	Status   string // default active
	Sort     string // "name" (pinyin, default), "id", "birth_date", "joined_on"
	Desc     bool
}

var sorts = map[string]string{
	"name":       "m.name_pinyin",
	"id":         "m.id",
	"birth_date": "m.birth_date",
	"joined_on":  "m.joined_on",
}

// queryKind tells how a search text is matched.
func queryKind(q string) string {
	n := cnid.Normalize(q)
	if (len(n) == 18 || len(n) == 15) && strings.Trim(n, "0123456789X") == "" && strings.Trim(n[:6], "0123456789") == "" {
		return "id"
	}
	if strings.Trim(strings.ToLower(q), "abcdefghijklmnopqrstuvwxyz") == "" {
		return "pinyin"
	}
	return "name"
}

// query builds the conditions and order of a roster query.
func (s *Service) query(ctx context.Context, sc store.Scope, f Filter) (*store.Where, string, error) {
	sc, err := s.Orgs.Narrow(ctx, sc, f.OrgID)
	if err != nil {
		return nil, "", err
	}
	where := store.NewWhere(sc.Range())
	add := where.And
	status := f.Status
	if status == "" {
		status = StatusActive
	}
	add("m.status = ?", status)
	if q := strings.TrimSpace(f.Q); q != "" {
		switch queryKind(q) {
		case "id":
			hs := s.Box.Hashes(cnid.Normalize(q))
			vals := make([]any, len(hs))
			for i, h := range hs {
				vals[i] = h
			}
			add("m.id_hash IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(hs)), ", ")+")", vals...)
		case "pinyin":
			lo := strings.ToLower(q)
			if s.DB.Dialect == store.SQLite {
				// SQLite's LIKE uses no index on a case-sensitive column: a prefix is a range.
				hi := lo[:len(lo)-1] + string(lo[len(lo)-1]+1)
				add("((m.name_initials >= ? AND m.name_initials < ?) OR (m.name_pinyin >= ? AND m.name_pinyin < ?))", lo, hi, lo, hi)
			} else {
				// PostgreSQL's text_pattern_ops indexes serve LIKE 'prefix%'.
				add("(m.name_initials LIKE ? OR m.name_pinyin LIKE ?)", lo+"%", lo+"%")
			}
		default:
			add("m.name LIKE ?", "%"+strings.NewReplacer("%", "", "_", "").Replace(q)+"%")
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
	order, ok := sorts[f.Sort]
	if !ok {
		order = sorts["name"]
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	return where, " ORDER BY " + order + dir + ", m.id" + dir, nil
}

// List returns one page of the roster of a subtree in scope.
func (s *Service) List(ctx context.Context, sc store.Scope, f Filter, p store.Page) (store.List[Member], error) {
	out, p := store.NewList[Member](p)
	where, order, err := s.query(ctx, sc, f)
	if err != nil {
		return out, err
	}
	var n int64
	if err := s.DB.QueryRowContext(ctx, store.CappedCount("SELECT 1"+memberFrom+where.String()), where.Args...).Scan(&n); err != nil {
		return out, err
	}
	out.SetTotal(n)
	limit, args := where.Limit(p)
	items, err := store.Query(ctx, s.DB, s.scan, "SELECT "+memberCols+memberFrom+where.String()+order+limit, args...)
	out.Items = items
	return out, err
}

// Each calls fn for every person of the roster matching f, in one query, so
// that an export of any size streams.
func (s *Service) Each(ctx context.Context, sc store.Scope, f Filter, fn func(Member) error) error {
	where, order, err := s.query(ctx, sc, f)
	if err != nil {
		return err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+memberCols+memberFrom+where.String()+order, where.Args...)
	if err != nil {
		return err
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
