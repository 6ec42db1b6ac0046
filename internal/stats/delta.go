package stats

import (
	"context"
	"fmt"
	"regexp"
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

// Holders are the organisations on path whose figures count a change made
// at path: every organisation from the province (the root's child) down.
// Figures stop at the province: a root holds only what sits at the root
// itself, and its subtree's figures are summed at read from its own row
// and its children's (see Read), so that no write of the country touches
// one row that every other write touches too.
func Holders(path string) []int64 {
	ids := store.PathIDs(path)
	if len(ids) > 1 {
		return ids[1:]
	}
	return ids
}

// ApplyPath adds d to the figures of every organisation on path that holds
// them (Holders).
func ApplyPath(ctx context.Context, q store.Querier, path string, d Delta) error {
	return apply(ctx, q, store.ProvinceOf(path), Holders(path), d)
}

// ApplyAbove adds d to the holders above the organisation at path (its
// subtree's figures leaving or joining its ancestors when it moves).
func ApplyAbove(ctx context.Context, q store.Querier, path string, d Delta) error {
	if len(store.PathIDs(path)) == 1 {
		return nil
	}
	h := Holders(path)
	return apply(ctx, q, store.ProvinceOf(path), h[:len(h)-1], d)
}

// apply adds d to the figures of the organisations orgIDs, all of province
// prov. Rows are written in (org, key) order so that concurrent
// transactions take their row locks in the same order.
func apply(ctx context.Context, q store.Querier, prov int64, orgIDs []int64, d Delta) error {
	if p, _ := ctx.Value(pendingKey{}).(*Pending); p != nil {
		p.add(prov, orgIDs, d)
		return nil
	}
	keys := make([]string, 0, len(d))
	for k, v := range d {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 || len(orgIDs) == 0 {
		return nil
	}
	// Counted before and after the write, so that a read made meanwhile is not kept as current.
	changes.Add(1)
	defer changes.Add(1)
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

// ReadAll returns the figures of the whole tree: the roots' own rows and
// the provinces'.
func ReadAll(ctx context.Context, q store.Querier) (map[string]int64, error) {
	const all = -1 // every row summed under one key
	m := map[int64]map[string]int64{}
	// The roots and their children, by the index on the parent.
	err := ownRows(ctx, q, "SELECT id FROM orgs WHERE parent_id IS NULL UNION ALL SELECT id FROM orgs WHERE parent_id IN (SELECT id FROM orgs WHERE parent_id IS NULL)", nil, "", m, all)
	if m[all] == nil {
		return map[string]int64{}, err
	}
	return m[all], err
}

// ownRows adds to out, under the organisation as (or each under its own
// when as is 0), the rows of the organisations orgs lists (roots and provinces) that
// are of their own province: a root's row and a province's. Their ids are
// read first, so that the figures are read by the primary key (province,
// organisation) — on a cluster, from those provinces' shards alone.
func ownRows(ctx context.Context, q store.Querier, orgs string, args []any, only string, out map[int64]map[string]int64, as int64) error {
	var ids []any
	err := each(ctx, q, orgs, func(sc func(...any) error) error {
		var id int64
		if err := sc(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, args...)
	if err != nil || len(ids) == 0 {
		return err
	}
	marks := make([]string, len(ids))
	for i := range ids {
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	// Both columns of the key are given the list: with the province alone
	// the rows of whole provinces would be scanned for their own rows.
	list := strings.Join(marks, ", ")
	return each(ctx, q, "SELECT org_id, k, n FROM org_stats WHERE province_id IN ("+list+") AND org_id IN ("+list+") AND org_id = province_id AND n <> 0"+only,
		func(sc func(...any) error) error { return scanInto(sc, out, as) }, ids...)
}

// ReadEach returns the non-zero figures (those of keys, when given) of the
// subtrees of the organisations at paths, by organisation id: one read per province (a few
// hundred organisations at a time), and for a root its own row and its
// children's, summed.
func ReadEach(ctx context.Context, q store.Querier, paths []string, keys ...string) (map[int64]map[string]int64, error) {
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
			if err := readRoot(ctx, q, id, only, out); err != nil {
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
			args := []any{prov}
			marks := make([]string, len(ids))
			for i, id := range ids {
				args = append(args, id)
				marks[i] = "$" + strconv.Itoa(i+2)
			}
			err := each(ctx, q, "SELECT org_id, k, n FROM org_stats WHERE province_id = $1 AND org_id IN ("+strings.Join(marks, ", ")+") AND n <> 0"+only,
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

// readRoot adds to out[root] the root's own row and its children's.
func readRoot(ctx context.Context, q store.Querier, root int64, only string, out map[int64]map[string]int64) error {
	return ownRows(ctx, q, "SELECT id FROM orgs WHERE id = $1 OR parent_id = $1", []any{root}, only, out, root)
}

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
	if out[id] == nil {
		out[id] = map[string]int64{}
	}
	out[id][k] += n
	return nil
}

// Pending collects figure changes instead of writing them, so that a long
// run of changes in one transaction (an import) writes each organisation's
// figures once, at the end.
type Pending struct {
	byOrg map[int64]Delta
	prov  map[int64]int64 // each organisation's province
}

type pendingKey struct{}

// NewPending returns an empty collection of figure changes.
func NewPending() *Pending { return &Pending{byOrg: map[int64]Delta{}, prov: map[int64]int64{}} }

// Defer returns a context in which Apply collects into the returned Pending.
func Defer(ctx context.Context) (context.Context, *Pending) {
	p := NewPending()
	return context.WithValue(ctx, pendingKey{}, p), p
}

func (p *Pending) add(prov int64, ids []int64, d Delta) {
	for _, id := range ids {
		p.prov[id] = prov
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
		p.add(q.prov[id], []int64{id}, d)
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
	for _, id := range ids {
		if err := apply(ctx, q, p.prov[id], []int64{id}, p.byOrg[id]); err != nil {
			return err
		}
	}
	p.byOrg, p.prov = map[int64]Delta{}, map[int64]int64{}
	return nil
}
