package work

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/store"
)

// Filter narrows a list of records.
type Filter struct {
	OrgID    int64             // the subtree of this organisation (0: the whole scope)
	ParentID int64             // the records under one parent record
	From, To date.Date         // the kind's date within [From, To]
	Enums    map[string]string // column → code
	Q        string            // a substring of any text field
	View     string            // a named view of the kind
}

// FilterOf reads a list's filter from a query string: org, parent, q, view,
// from and to (dates of the kind's date), and each enum field by its column.
func FilterOf(k *Kind, q url.Values) (Filter, error) {
	f := Filter{Q: q.Get("q"), View: q.Get("view"), Enums: map[string]string{}}
	var v apperr.Invalid
	known := map[string]bool{"org": true, "org_q": true, "parent": k.Parent != "", "q": true, "view": true, "from": true, "to": true, "page": true, "size": true}
	for name, dst := range map[string]*int64{"org": &f.OrgID, "parent": &f.ParentID} {
		if s := q.Get(name); s != "" && known[name] {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				v.Add(name, "参数 %s 应为整数,收到“%s”", name, s)
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*date.Date{"from": &f.From, "to": &f.To} {
		d, err := date.Parse(q.Get(name))
		if err != nil {
			v.Add(name, "%s", err.Error())
		}
		*dst = d
	}
	for _, fd := range k.Fields {
		if fd.Type == Enum {
			f.Enums[fd.Col] = q.Get(fd.Col)
			known[fd.Col] = true
		}
	}
	for name := range q {
		if !known[name] {
			v.Add(name, "不认识的参数 %s", name)
		}
	}
	return f, v.Err()
}

// where builds the conditions of f after the scope's path range.
func (s *Service) where(ctx context.Context, q store.Querier, sc store.Scope, k *Kind, f Filter) (*store.Where, error) {
	if f.OrgID != 0 {
		path, err := s.pathIn(ctx, q, sc, f.OrgID)
		if err != nil {
			return nil, err
		}
		sc = store.ScopeOf(path)
	}
	w := store.NewWhere(sc.Range())
	w.Exact(sc, "o.path")
	w.Province(sc, "t.province_id")
	if f.ParentID != 0 {
		w.And("t.parent_id = ?", f.ParentID)
	}
	if k.Dated != "" && !f.From.IsZero() {
		w.And("t."+k.Dated+" >= ?", f.From)
	}
	if k.Dated != "" && !f.To.IsZero() {
		w.And("t."+k.Dated+" <= ?", f.To)
	}
	for col, code := range f.Enums {
		if fd, ok := k.Field(col); ok && fd.Type == Enum && code != "" {
			w.And("t."+col+" = ?", code)
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		var cols []string
		for _, fd := range k.Fields {
			if fd.Type == Text || fd.Type == Note {
				cols = append(cols, "t."+fd.Col)
			}
		}
		if len(cols) > 0 {
			w.Like(q, cols...)
		}
	}
	if f.View != "" {
		v, ok := k.view(f.View)
		if !ok {
			return nil, apperr.InvalidField("view", "没有“%s”这个筛选", f.View)
		}
		// A view's first "?" is today, its second today plus Days.
		today := s.Today()
		vals := []any{today, today.AddDate(0, 0, v.Days)}[:strings.Count(v.Cond, "?")]
		w.And(v.Cond, vals...)
	}
	return w, nil
}

func (k *Kind) view(name string) (View, bool) {
	for _, v := range k.Views {
		if v.Name == name {
			return v, true
		}
	}
	return View{}, false
}

func (k *Kind) order() string {
	if k.Dated != "" {
		// Undated records (not yet decided) first, the same on both databases.
		return " ORDER BY t." + k.Dated + " IS NOT NULL, t." + k.Dated + " DESC, t.id DESC"
	}
	return " ORDER BY t.id DESC"
}

// List returns one page of a kind's records in scope, newest first.
func (s *Service) List(ctx context.Context, sc store.Scope, k *Kind, f Filter, p store.Page) (store.List[Record], error) {
	out, p := store.NewList[Record](p)
	w, err := s.where(ctx, s.DB, sc, k, f)
	if err != nil {
		return out, err
	}
	from := k.selectFrom()
	var n int64
	if err := s.DB.QueryRowContext(ctx, store.CappedCount("SELECT 1"+from[strings.Index(from, " FROM "):]+w.String(), store.CountCap), w.Args...).Scan(&n); err != nil {
		return out, fmt.Errorf("list work records: %w", err)
	}
	out.SetTotal(n, store.CountCap)
	limit, args := w.Limit(p)
	today := s.Today()
	out.Items, err = store.Query(ctx, s.DB, func(sc store.Scanner) (Record, error) {
		r, err := k.scan(sc)
		if k.Derive != nil {
			k.Derive(&r, today)
		}
		return r, err
	}, from+w.String()+k.order()+limit, args...)
	return out, err
}

// Each calls fn for every record matching f, in list order, while reading
// them: fn must not query the database.
func (s *Service) Each(ctx context.Context, sc store.Scope, k *Kind, f Filter, fn func(Record) error) error {
	return s.each(ctx, s.DB, sc, k, f, fn)
}

func (s *Service) each(ctx context.Context, q store.Querier, sc store.Scope, k *Kind, f Filter, fn func(Record) error) error {
	w, err := s.where(ctx, q, sc, k, f)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, k.selectFrom()+w.String()+k.order(), w.Args...)
	if err != nil {
		return fmt.Errorf("read work records: %w", err)
	}
	defer rows.Close()
	today := s.Today()
	for rows.Next() {
		r, err := k.scan(rows)
		if err != nil {
			return err
		}
		if k.Derive != nil {
			k.Derive(&r, today)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
