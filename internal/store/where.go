package store

import (
	"strconv"
	"strings"
)

// Where builds the conditions of a query with numbered placeholders, which
// both SQLite and PostgreSQL accept.
type Where struct {
	sb   strings.Builder
	Args []any
}

// NewWhere starts with arguments already used by the query ($1, $2, …).
func NewWhere(args ...any) *Where { return &Where{Args: args} }

// And appends " AND cond", replacing each ? in cond with the next placeholder for vals.
func (w *Where) And(cond string, vals ...any) {
	for _, v := range vals {
		w.Args = append(w.Args, v)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.Args)), 1)
	}
	w.sb.WriteString(" AND ")
	w.sb.WriteString(cond)
}

// Exact appends the condition that keeps a union scope's rows (Scope.Exact).
func (w *Where) Exact(sc Scope, cols ...string) { w.sb.WriteString(sc.Exact(cols...)) }

// Province appends the condition that routes the query to the worker of
// the scope's province, when it lies in one (Scope.ProvinceParam).
func (w *Where) Province(sc Scope, col string) { w.sb.WriteString(sc.ProvinceParam(col)) }

// String returns the conditions added so far.
func (w *Where) String() string { return w.sb.String() }

// Limit returns " LIMIT $n OFFSET $m" for a page and the arguments with them.
func (w *Where) Limit(p Page) (string, []any) {
	n := len(w.Args)
	args := append(append([]any(nil), w.Args...), p.Size, p.Offset())
	return " LIMIT $" + strconv.Itoa(n+1) + " OFFSET $" + strconv.Itoa(n+2), args
}

// likeEscapes make a user's text literal inside a LIKE pattern.
var likeEscapes = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// LikeEscape follows every LIKE whose pattern Contains or Prefix made: the
// escape character both engines then read (SQLite has none by default).
const LikeEscape = ` ESCAPE '\'`

// Contains is the LIKE pattern that finds s anywhere, its % and _ literal.
func Contains(s string) string { return "%" + likeEscapes.Replace(s) + "%" }

// Prefix is the LIKE pattern that finds what starts with s, its % and _ literal.
func Prefix(s string) string { return likeEscapes.Replace(s) + "%" }

// Like appends the condition that one of cols holds s (a pattern of Contains).
func (w *Where) Like(s string, cols ...string) {
	ors := make([]string, len(cols))
	vals := make([]any, len(cols))
	for i, c := range cols {
		ors[i], vals[i] = c+" LIKE ?"+LikeEscape, Contains(s)
	}
	w.And("("+strings.Join(ors, " OR ")+")", vals...)
}
