package store

import (
	"strconv"
	"strings"
)

// Scope is the part of the organisation tree a caller may see: the subtree
// under one organisation's materialised path. Every domain query that reads
// or writes organisations, members, units, transfers or statistics takes one.
type Scope struct {
	// Path is the materialised path of the scope's root, such as "/1/7/".
	// "/" is the whole tree.
	Path string
}

// All is the scope of the whole tree (system tasks such as migrations, the
// recount and the command line run by an operator on the server).
var All = Scope{Path: "/"}

// ScopeOf returns the scope of the subtree whose root has the given path.
func ScopeOf(path string) Scope { return Scope{Path: path} }

// Contains tells whether an organisation with the given path lies in the scope.
func (s Scope) Contains(path string) bool {
	return s.Path != "" && strings.HasPrefix(path, s.Path)
}

// Range returns the half-open interval [lo, hi) of paths in the scope, so that
// a query can say "path >= lo AND path < hi" and use the index on path.
// Paths consist of digits and '/', and '0' sorts right after '/'.
func (s Scope) Range() (lo, hi string) {
	return PathRange(s.Path)
}

// PathRange returns the half-open interval of paths at or below prefix.
func PathRange(prefix string) (lo, hi string) {
	return prefix, prefix[:len(prefix)-1] + "0"
}

// ChildPath returns the path of a child with the given id under parent.
func ChildPath(parent string, id int64) string {
	return parent + strconv.FormatInt(id, 10) + "/"
}

// PathIDs returns the organisation ids on a path, root first.
func PathIDs(path string) []int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	ids := make([]int64, 0, len(parts))
	for _, p := range parts {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
