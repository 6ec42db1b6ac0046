package stats

import (
	"context"
	"errors"
	"fmt"
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

// Apply adds d to the figures of every organisation whose id is in orgIDs.
// Rows are written in (org, key) order so that concurrent transactions take
// their row locks in the same order.
func Apply(ctx context.Context, q store.Querier, orgIDs []int64, d Delta) error {
	if p, _ := ctx.Value(pendingKey{}).(*Pending); p != nil {
		p.add(orgIDs, d)
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
	// Bounded statements: at most 300 rows (900 parameters) each.
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
		sb.WriteString("INSERT INTO org_stats (org_id, k, n) VALUES ")
		args := make([]any, 0, 3*(end-start))
		for i, r := range rows[start:end] {
			if i > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "($%d,$%d,$%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, r.org, r.k, d[r.k])
		}
		sb.WriteString(" ON CONFLICT (org_id, k) DO UPDATE SET n = org_stats.n + excluded.n")
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("update figures: %w", err)
		}
	}
	return nil
}

// ApplyPath adds d to the figures of every organisation on path.
func ApplyPath(ctx context.Context, q store.Querier, path string, d Delta) error {
	return Apply(ctx, q, store.PathIDs(path), d)
}

// Read returns the non-zero figures of one organisation's subtree.
func Read(ctx context.Context, q store.Querier, orgID int64) (map[string]int64, error) {
	m, err := ReadEach(ctx, q, []int64{orgID})
	if m[orgID] == nil {
		return map[string]int64{}, err
	}
	return m[orgID], err
}

// ReadEach returns the non-zero figures of the subtrees of several
// organisations, by organisation, reading a few hundred at a time.
func ReadEach(ctx context.Context, q store.Querier, orgIDs []int64) (map[int64]map[string]int64, error) {
	out := map[int64]map[string]int64{}
	const batch = 500
	for start := 0; start < len(orgIDs); start += batch {
		ids := orgIDs[start:min(start+batch, len(orgIDs))]
		args := make([]any, len(ids))
		marks := make([]string, len(ids))
		for i, id := range ids {
			args[i], marks[i] = id, "$"+strconv.Itoa(i+1)
		}
		rows, err := q.QueryContext(ctx, "SELECT org_id, k, n FROM org_stats WHERE org_id IN ("+strings.Join(marks, ", ")+") AND n <> 0", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n int64
			var k string
			if err := rows.Scan(&id, &k, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if out[id] == nil {
				out[id] = map[string]int64{}
			}
			out[id][k] = n
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Pending collects figure changes instead of writing them, so that a long
// run of changes in one transaction (an import) writes each organisation's
// figures once, at the end.
type Pending struct{ byOrg map[int64]Delta }

type pendingKey struct{}

// NewPending returns an empty collection of figure changes.
func NewPending() *Pending { return &Pending{byOrg: map[int64]Delta{}} }

// Defer returns a context in which Apply collects into the returned Pending.
func Defer(ctx context.Context) (context.Context, *Pending) {
	p := NewPending()
	return context.WithValue(ctx, pendingKey{}, p), p
}

func (p *Pending) add(ids []int64, d Delta) {
	for _, id := range ids {
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
		p.add([]int64{id}, d)
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
		if err := Apply(ctx, q, []int64{id}, p.byOrg[id]); err != nil {
			return err
		}
	}
	p.byOrg = map[int64]Delta{}
	return nil
}
