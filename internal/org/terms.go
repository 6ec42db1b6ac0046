package org

import (
	"context"
	"fmt"

	"dangjian/internal/date"
	"dangjian/internal/store"
)

// termOf is the term an input sets over the one stored.
func termOf(in Input, years int, elected date.Date) (int, date.Date) {
	if in.TermYears != nil {
		years = *in.TermYears
	}
	if in.ElectedOn != nil {
		elected = *in.ElectedOn
	}
	return years, elected
}

// TermEnd is the end of a term of years from an election (zero when
// either is not recorded).
func TermEnd(years int, elected date.Date) date.Date {
	if years <= 0 || elected.IsZero() {
		return date.Date{}
	}
	return elected.AddYears(years)
}

// DefaultTerm is the usual length of a term for an organisation type:
// 《中国共产党基层组织选举工作条例》(2020) gives a basic-level committee
// five years and a general branch or branch committee three.
func DefaultTerm(typ string) int {
	if typ == "committee" || typ == "working_committee" {
		return 5
	}
	return 3
}

// TermFilter chooses organisations by the end of their term.
type TermFilter struct {
	OrgID int64     // subtree of this organisation (0: the whole scope)
	By    date.Date // terms ending on or before this day (overdue included)
}

// DueTerms lists the live organisations in scope whose term ends by f.By,
// the earliest end first: those due or overdue for 换届.
func (s *Service) DueTerms(ctx context.Context, sc store.Scope, f TermFilter, p store.Page) (store.List[Org], error) {
	out, p := store.NewList[Org](p)
	sc, err := s.Narrow(ctx, sc, f.OrgID)
	if err != nil {
		return out, err
	}
	w := store.NewWhere(sc.Range())
	w.Exact(sc, "o.path")
	w.And("o.dissolved_at IS NULL AND o.term_ends_on IS NOT NULL AND o.term_ends_on <= ?", f.By)
	from := " FROM orgs o LEFT JOIN orgs m ON m.id = o.manager_id WHERE o.path >= $1 AND o.path < $2"
	count := "SELECT 1" + from + w.String()
	if sc.Whole() {
		// Over the whole tree the terms due are read from their index in
		// order, not the millions of organisations by path.
		count += " ORDER BY o.term_ends_on"
	}
	if err := s.DB.QueryRowContext(ctx, store.CappedCount(count, store.CountCap), w.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("due terms: %w", err)
	}
	out.SetTotal(out.Total, store.CountCap)
	limit, args := w.Limit(p)
	out.Items, err = query(ctx, s.DB, "SELECT "+orgCols+from+w.String()+" ORDER BY o.term_ends_on, o.id"+limit, args...)
	return out, err
}
