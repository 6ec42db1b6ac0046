package store

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Scope is the part of the organisation tree a caller may see: the subtree
// under one organisation's materialised path, or the union of several (a
// user with grants on two branches). Every domain query that reads or
// writes organisations, members, units, transfers or statistics takes one.
type Scope struct {
	// Path is the materialised path of the scope's root, such as "/1/7/";
	// "/" with no parts is the whole tree. For a union it is the deepest
	// common ancestor of the parts, itself outside the scope.
	Path string
	// parts are the subtrees of a union (nil: the whole subtree under Path).
	parts []string
}

// All is the scope of the whole tree (system tasks such as migrations, the
// recount and the command line run by an operator on the server).
var All = Scope{Path: "/"}

// ScopeOf returns the scope of the subtree whose root has the given path.
func ScopeOf(path string) Scope { return Scope{Path: path} }

var pathRE = regexp.MustCompile(`^/([0-9]+/)*$`)

// Union is the scope of every subtree of scs: a subtree inside another is
// dropped, and a union of one subtree is that subtree's scope.
func Union(scs ...Scope) Scope {
	var roots []string
	for _, sc := range scs {
		roots = append(roots, sc.Parts()...)
	}
	slices.Sort(roots)
	var kept []string
	for _, p := range roots {
		if len(kept) == 0 || !strings.HasPrefix(p, kept[len(kept)-1]) {
			kept = append(kept, p)
		}
	}
	switch len(kept) {
	case 0:
		return Scope{}
	case 1:
		return ScopeOf(kept[0])
	}
	for _, p := range kept {
		if !pathRE.MatchString(p) {
			panic("store: not an organisation path: " + p) // paths are written into queries (Exact)
		}
	}
	common := kept[0]
	for _, p := range kept[1:] {
		for !strings.HasPrefix(p, common) {
			common = common[:strings.LastIndex(common[:len(common)-1], "/")+1]
		}
	}
	return Scope{Path: common, parts: kept}
}

// Parts are the roots of the subtrees the scope is made of.
func (s Scope) Parts() []string {
	if s.parts != nil {
		return s.parts
	}
	if s.Path == "" {
		return nil
	}
	return []string{s.Path}
}

// IsRoot tells whether path is the root of the scope or of one of its parts
// (an organisation the scope's holder may not move or dissolve).
func (s Scope) IsRoot(path string) bool { return slices.Contains(s.Parts(), path) }

// Whole tells whether the scope is the whole tree or one top
// organisation's subtree (no union): a query over it reads most of the
// tree, and is better driven from a selective index than by path.
func (s Scope) Whole() bool { return len(s.Parts()) <= 1 && strings.Count(s.Path, "/") <= 2 }

// IsAll tells whether the scope is the whole tree.
func (s Scope) IsAll() bool { return s.Path == "/" && s.parts == nil }

// Contains tells whether an organisation with the given path lies in the scope.
func (s Scope) Contains(path string) bool {
	for _, p := range s.Parts() {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// Range returns the half-open interval [lo, hi) of paths under the scope's
// root, so that a query can say "path >= lo AND path < hi" and use the
// index on path. For a union the interval holds more than the scope: the
// query adds Exact.
func (s Scope) Range() (lo, hi string) {
	return PathRange(s.Path)
}

// Exact is the condition (" AND …", or "" for one subtree) that keeps the
// rows whose path column is in one of a union's subtrees; with several
// columns (a letter's two sides), in any of them.
func (s Scope) Exact(cols ...string) string {
	if s.parts == nil {
		return ""
	}
	var any []string
	for _, col := range cols {
		for _, p := range s.parts {
			lo, hi := PathRange(p)
			any = append(any, col+" >= '"+lo+"' AND "+col+" < '"+hi+"'")
		}
	}
	return " AND (" + strings.Join(any, " OR ") + ")"
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

// ProvinceOf returns the id of the top-level organisation below the root on
// path (the root itself for the root; 0 for no organisation), the key by
// which the tables that grow with the members are distributed.
func ProvinceOf(path string) int64 {
	ids := PathIDs(path)
	switch {
	case len(ids) > 1:
		return ids[1]
	case len(ids) == 1:
		return ids[0]
	}
	return 0
}
