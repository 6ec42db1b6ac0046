package stats

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"dangjian/internal/store"
)

// changes counts the writes of figures in this process (see Changes).
var changes atomic.Uint64

// Changes counts the writes of figures made in this process so far, so
// that a cache of figures can tell it is out of date.
func Changes() uint64 { return changes.Load() }

// Touch counts a write of figures kept elsewhere (the consultative work's).
func Touch() { changes.Add(1) }

// Delta is a change of figures, key by key.
type Delta map[string]int64

// Add adds sign (+1 or -1) to every key.
func (d Delta) Add(keys []string, sign int64) {
	for _, k := range keys {
		d[k] += sign
	}
}

// Change returns the delta of replacing the keys before with the keys after.
func Change(before, after []string) Delta {
	d := Delta{}
	d.Add(before, -1)
	d.Add(after, +1)
	return d
}

// Scaled returns d multiplied by f.
func (d Delta) Scaled(f int64) Delta {
	out := make(Delta, len(d))
	for k, v := range d {
		out[k] = v * f
	}
	return out
}

// KWhole marks a root's row that holds the figures of its whole subtree (n
// is 1); a root's row without it holds only what sits at the root itself.
const KWhole = "whole"

// WholeAtRoot tells whether the roots of db keep their whole subtree's
// figures in their own row, so that the country's figures are one read: on
// SQLite and one PostgreSQL, where that row is one more row each write locks
// beside its province's. On a Citus cluster figures stop at the province: the
// root's row would be a hot spot on one shard that every write of the country
// writes, each a transaction across workers; a root's figures are there
// summed at read from its own row and its children's (see Read).
func WholeAtRoot(db *store.DB) bool { return !db.Citus }

// Holders are the organisations on path whose figures count a change made
// at path: every organisation from the province (the root's child) down, and
// the root too when whole is true (its row holds its whole subtree).
func Holders(path string, whole bool) []int64 {
	ids := store.PathIDs(path)
	if len(ids) > 1 && !whole {
		return ids[1:]
	}
	return ids
}

// ApplyPath adds d to the figures of every organisation on path that holds
// them (Holders).
func ApplyPath(ctx context.Context, db *store.DB, q store.Querier, path string, d Delta) error {
	whole := WholeAtRoot(db)
	return apply(ctx, q, store.ProvinceOf(path), wholeRoot(path, whole), Holders(path, whole), d)
}

// ApplyAbove adds d to the holders above the organisation at path (its
// subtree's figures leaving or joining its ancestors when it moves).
func ApplyAbove(ctx context.Context, db *store.DB, q store.Querier, path string, d Delta) error {
	if len(store.PathIDs(path)) == 1 {
		return nil
	}
	whole := WholeAtRoot(db)
	h := Holders(path, whole)
	return apply(ctx, q, store.ProvinceOf(path), wholeRoot(path, whole), h[:len(h)-1], d)
}

// wholeRoot is the root of path when roots keep their whole subtree, else 0.
func wholeRoot(path string, whole bool) int64 {
	if ids := store.PathIDs(path); whole && len(ids) > 0 {
		return ids[0]
	}
	return 0
}

// apply adds d to the figures of the organisations orgIDs, all of province
// prov but for root (0: none), whose row is of its own province and is made
// sure to hold its whole subtree first (ensureWhole).
func apply(ctx context.Context, q store.Querier, prov, root int64, orgIDs []int64, d Delta) error {
	if p, _ := ctx.Value(pendingKey{}).(*Pending); p != nil {
		p.add(prov, root, orgIDs, d)
		return nil
	}
	if !changesAny(d) || len(orgIDs) == 0 {
		return nil
	}
	// Counted before and after the write, so that a read made meanwhile is not kept as current.
	changes.Add(1)
	defer changes.Add(1)
	if root == 0 {
		return upsert(ctx, q, prov, orgIDs, d)
	}
	if err := ensureWhole(ctx, q, root); err != nil {
		return err
	}
	// The root's row first, as it is the first on every path: writers lock in the same order.
	if err := upsert(ctx, q, root, []int64{root}, d); err != nil {
		return err
	}
	return upsert(ctx, q, prov, slices.DeleteFunc(slices.Clone(orgIDs), func(id int64) bool { return id == root }), d)
}

// changesAny tells whether d changes a figure (a change that does not writes nothing).
func changesAny(d Delta) bool {
	for _, v := range d {
		if v != 0 {
			return true
		}
	}
	return false
}

// ensureWhole turns the row of root into its whole subtree's the first time
// a change is counted there: a root's row written before roots kept their
// subtree (a database of an earlier version) holds only what sits at the
// root itself, and its children's rows are added to it in the transaction
// that marks it (KWhole). A concurrent writer's insert of the mark waits for
// this one's, so no change is counted in a child and missed at the root.
func ensureWhole(ctx context.Context, q store.Querier, root int64) error {
	res, err := q.ExecContext(ctx, "INSERT INTO org_stats (province_id, org_id, k, n) VALUES ($1, $1, '"+KWhole+"', 1) ON CONFLICT (province_id, org_id, k) DO NOTHING", root)
	if err != nil {
		return fmt.Errorf("mark the root's figures: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("mark the root's figures: %w", err)
	}
	if n == 0 {
		return nil
	}
	children, err := orgIDs(ctx, q, "SELECT id FROM orgs WHERE parent_id = $1", root)
	if err != nil {
		return err
	}
	sum := map[int64]map[string]int64{}
	if err := ownRows(ctx, q, children, "", sum, root); err != nil {
		return err
	}
	return upsert(ctx, q, root, []int64{root}, sum[root])
}

// upsert adds d to the figures of the organisations orgIDs, all of province
// prov. Rows are written in (org, key) order so that concurrent
// transactions take their row locks in the same order.
func upsert(ctx context.Context, q store.Querier, prov int64, orgIDs []int64, d Delta) error {
	keys := make([]string, 0, len(d))
	for k, v := range d {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 || len(orgIDs) == 0 {
		return nil
	}
	sort.Strings(keys)
	ids := append([]int64(nil), orgIDs...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	// Bounded statements: at most 300 rows (1,200 parameters) each.
	const batch = 300
	type row struct {
		org int64
		k   string
	}
	rows := make([]row, 0, len(ids)*len(keys))
	for _, id := range ids {
		for _, k := range keys {
			rows = append(rows, row{id, k})
		}
	}
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var sb strings.Builder
		sb.WriteString("INSERT INTO org_stats (province_id, org_id, k, n) VALUES ")
		args := make([]any, 0, 4*(end-start))
		for i, r := range rows[start:end] {
			if i > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d)", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
			args = append(args, prov, r.org, r.k, d[r.k])
		}
		sb.WriteString(" ON CONFLICT (province_id, org_id, k) DO UPDATE SET n = org_stats.n + excluded.n")
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("update figures: %w", err)
		}
	}
	return nil
}

// Read returns the non-zero figures of the subtree of the organisation at path.
func Read(ctx context.Context, q store.Querier, path string) (map[string]int64, error) {
	ids := store.PathIDs(path)
	if len(ids) == 0 {
		return ReadAll(ctx, q)
	}
	m, err := ReadEach(ctx, q, []string{path})
	if m[ids[len(ids)-1]] == nil {
		return map[string]int64{}, err
	}
	return m[ids[len(ids)-1]], err
}

// ReadAll returns the figures of the whole tree: the roots' subtrees.
func ReadAll(ctx context.Context, q store.Querier) (map[string]int64, error) {
	const all = -1 // every row summed under one key
	roots, err := orgIDs(ctx, q, "SELECT id FROM orgs WHERE parent_id IS NULL")
	if err != nil {
		return nil, err
	}
	m := map[int64]map[string]int64{}
	err = readRoots(ctx, q, roots, nil, m, all)
	if m[all] == nil {
		return map[string]int64{}, err
	}
	return m[all], err
}

// readRoots adds to out[as] the figures of the subtrees of roots: a root's
// own row when it holds its whole subtree (KWhole), else that row and its
// children's (a Citus cluster's, or a database of an earlier version before
// its first change). The rows are read by the primary key (province,
// organisation) — on a cluster, from those organisations' shards alone.
func readRoots(ctx context.Context, q store.Querier, roots []int64, keys []string, out map[int64]map[string]int64, as int64) error {
	with := keys
	if len(keys) > 0 {
		with = append(slices.Clone(keys), KWhole)
	}
	before := out[as][KWhole]
	if err := ownRows(ctx, q, roots, keyFilter(with), out, as); err != nil {
		return err
	}
	marks := out[as][KWhole] - before
	delete(out[as], KWhole)
	open := roots // those whose rows hold what sits at them alone
	switch {
	case marks == int64(len(roots)):
		return nil
	case marks > 0:
		whole, err := marked(ctx, q, roots)
		if err != nil {
			return err
		}
		open = slices.DeleteFunc(slices.Clone(roots), func(r int64) bool { return whole[r] })
	}
	children, err := orgIDs(ctx, q, "SELECT id FROM orgs WHERE parent_id IN ("+placeholders(len(open), 1)+")", anys(open)...)
	if err != nil {
		return err
	}
	return ownRows(ctx, q, children, keyFilter(keys), out, as)
}

// marked are those of roots whose rows are marked as holding their whole
// subtree (KWhole).
func marked(ctx context.Context, q store.Querier, roots []int64) (map[int64]bool, error) {
	own := map[int64]map[string]int64{}
	if err := ownRows(ctx, q, roots, keyFilter([]string{KWhole}), own, 0); err != nil {
		return nil, err
	}
	whole := map[int64]bool{}
	for r, m := range own {
		if m[KWhole] == 1 {
			whole[r] = true
		}
	}
	return whole, nil
}

// orgIDs returns the ids query selects.
func orgIDs(ctx context.Context, q store.Querier, query string, args ...any) ([]int64, error) {
	var ids []int64
	err := each(ctx, q, "the organisations' ids", query, func(sc func(...any) error) error {
		var id int64
		if err := sc(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, args...)
	return ids, err
}

// ownRows adds to out, under the organisation as (or each under its own
// when as is 0), the rows of the organisations ids (roots and provinces) that
// are of their own province: a root's row and a province's.
func ownRows(ctx context.Context, q store.Querier, ids []int64, only string, out map[int64]map[string]int64, as int64) error {
	if len(ids) == 0 {
		return nil
	}
	// Both columns of the key are given the list: with the province alone
	// the rows of whole provinces would be scanned for their own rows.
	list := placeholders(len(ids), 1)
	return each(ctx, q, "the roots' figures", "SELECT org_id, k, n FROM org_stats WHERE province_id IN ("+list+") AND org_id IN ("+list+") AND org_id = province_id AND n <> 0"+only,
		func(sc func(...any) error) error { return scanInto(sc, out, as) }, anys(ids)...)
}

// placeholders returns n placeholders from $from, separated by commas.
func placeholders(n, from int) string {
	m := make([]string, n)
	for i := range m {
		m[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(m, ", ")
}

func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// keyFilter is the condition on the keys (none: every key) of a read.
func keyFilter(keys []string) string {
	only := ""
	for i, k := range keys {
		if !keyRE.MatchString(k) {
			panic("stats: not a figure key: " + k) // written into the query
		}
		only += map[bool]string{true: " AND k IN (", false: ", "}[i == 0] + "'" + k + "'"
	}
	if only != "" {
		only += ")"
	}
	return only
}

// ReadEach returns the non-zero figures (those of keys, when given) of the
// subtrees of the organisations at paths, by organisation id: one read per
// province (a few hundred organisations at a time), and for a root
// readRoots'.
func ReadEach(ctx context.Context, q store.Querier, paths []string, keys ...string) (map[int64]map[string]int64, error) {
	only := keyFilter(keys)
	out := map[int64]map[string]int64{}
	byProv := map[int64][]int64{}
	var provs []int64
	for _, p := range paths {
		ids := store.PathIDs(p)
		if len(ids) == 0 {
			continue
		}
		id := ids[len(ids)-1]
		if len(ids) == 1 {
			if err := readRoots(ctx, q, ids, keys, out, id); err != nil {
				return nil, err
			}
			continue
		}
		prov := ids[1]
		if byProv[prov] == nil {
			provs = append(provs, prov)
		}
		byProv[prov] = append(byProv[prov], id)
	}
	const batch = 500
	for _, prov := range provs {
		all := byProv[prov]
		for start := 0; start < len(all); start += batch {
			ids := all[start:min(start+batch, len(all))]
			args := append([]any{prov}, anys(ids)...)
			err := each(ctx, q, "the provinces' figures", "SELECT org_id, k, n FROM org_stats WHERE province_id = $1 AND org_id IN ("+placeholders(len(ids), 2)+") AND n <> 0"+only,
				func(sc func(...any) error) error { return scanInto(sc, out, 0) }, args...)
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// keyRE is what figure keys are made of.
var keyRE = regexp.MustCompile(`^[a-z_:0-9]+$`)

// scanInto adds a row (org, key, n) to out, under the organisation as if
// it were 0.
func scanInto(sc func(...any) error, out map[int64]map[string]int64, as int64) error {
	var id, n int64
	var k string
	if err := sc(&id, &k, &n); err != nil {
		return err
	}
	if as != 0 {
		id = as
	}
	addTo(out, id, k, n)
	return nil
}

// addTo adds n to out[org][k].
func addTo(out map[int64]map[string]int64, org int64, k string, n int64) {
	if out[org] == nil {
		out[org] = map[string]int64{}
	}
	out[org][k] += n
}

// Pending collects figure changes instead of writing them, so that a long
// run of changes in one transaction (an import) writes each organisation's
// figures once, at the end.
type Pending struct {
	byOrg map[int64]Delta
	prov  map[int64]int64 // each organisation's province
	roots map[int64]bool  // the roots whose rows hold their whole subtree (ensureWhole)
}

type pendingKey struct{}

// NewPending returns an empty collection of figure changes.
func NewPending() *Pending {
	return &Pending{byOrg: map[int64]Delta{}, prov: map[int64]int64{}, roots: map[int64]bool{}}
}

// Defer returns a context in which Apply collects into the returned Pending.
func Defer(ctx context.Context) (context.Context, *Pending) {
	p := NewPending()
	return context.WithValue(ctx, pendingKey{}, p), p
}

// add collects d for the organisations ids of province prov, and for root
// (0: none), whose row is of its own province and holds its whole subtree.
func (p *Pending) add(prov, root int64, ids []int64, d Delta) {
	if root != 0 {
		p.roots[root] = true
	}
	for _, id := range ids {
		p.prov[id] = prov
		if id == root {
			p.prov[id] = root
		}
		m := p.byOrg[id]
		if m == nil {
			m = Delta{}
			p.byOrg[id] = m
		}
		for k, v := range d {
			m[k] += v
		}
	}
}

// Merge adds what q collected to p.
func (p *Pending) Merge(q *Pending) {
	for id, d := range q.byOrg {
		p.add(q.prov[id], 0, []int64{id}, d)
	}
	for r := range q.roots {
		p.roots[r] = true
	}
}

// Flush writes what p collected, in organisation order, and empties it.
func (p *Pending) Flush(ctx context.Context, q store.Querier) error {
	ids := make([]int64, 0, len(p.byOrg))
	for id := range p.byOrg {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	ctx = context.WithValue(ctx, pendingKey{}, (*Pending)(nil))
	for _, r := range slices.Sorted(maps.Keys(p.roots)) {
		if err := ensureWhole(ctx, q, r); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if err := apply(ctx, q, p.prov[id], 0, []int64{id}, p.byOrg[id]); err != nil {
			return err
		}
	}
	p.byOrg, p.prov, p.roots = map[int64]Delta{}, map[int64]int64{}, map[int64]bool{}
	return nil
}
