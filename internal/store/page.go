package store

import (
	"context"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

// Page selects one page of a list; numbers start at 1.
type Page struct {
	Number int
	Size   int
}

// The bounds of a page: deeper than MaxPage a list is narrowed by its
// filters rather than paged through (and offsets stay small).
const (
	MaxPage = 10000
	MaxSize = 200
)

// Normalized fills in defaults: page 1, 20 rows, at most MaxSize rows, at most page MaxPage.
func (p Page) Normalized() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Number > MaxPage {
		p.Number = MaxPage
	}
	if p.Size < 1 {
		p.Size = 20
	}
	if p.Size > MaxSize {
		p.Size = MaxSize
	}
	return p
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// List is one page of results with the total count.
type List[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
	// More is set when there are more than Total matches: a count is capped
	// so that a broad search answers at once (see CountCap).
	More bool `json:"more,omitempty"`
	Page int  `json:"page"`
	Size int  `json:"size"`
}

// CountCap bounds how many matches a list counts exactly.
const CountCap = 10000

// CappedCount wraps a "SELECT 1 …" query so that it counts at most limit+1 rows.
func CappedCount(selectOnes string, limit int) string {
	return "SELECT COUNT(*) FROM (" + selectOnes + " LIMIT " + itoa(limit+1) + ") capped"
}

// SetTotal records a count capped at limit.
func (l *List[T]) SetTotal(n int64, limit int) {
	l.Total, l.More = min(n, int64(limit)), n > int64(limit)
}

// NewList starts an empty page of results for p, normalised.
func NewList[T any](p Page) (List[T], Page) {
	p = p.Normalized()
	return List[T]{Items: []T{}, Page: p.Number, Size: p.Size}, p
}

// Scanner is a row, from QueryRow or from Rows.
type Scanner interface{ Scan(dest ...any) error }

// Query runs a query and reads every row with scan.
func Query[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
