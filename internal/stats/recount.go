package stats

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"dangjian/internal/date"
	"dangjian/internal/store"
)

// Figures maps organisation id → key → count.
type Figures map[int64]map[string]int64

// Add counts n more of each key at org.
func (f Figures) Add(org int64, keys []string, n int64) {
	m := f[org]
	if m == nil {
		m = map[string]int64{}
		f[org] = m
	}
	for _, k := range keys {
		m[k] += n
	}
}

// Source counts the figures of more rows (another package's records) at
// their own organisations, calling add for each.
type Source func(ctx context.Context, q store.Querier, add func(org int64, key string, n int64)) error

// Recount computes every organisation's subtree figures from the raw rows,
// ignoring the maintained table but for which roots hold their whole subtree
// (KWhole): each row's keys are counted at its own organisation, then every
// organisation's own counts are added to each organisation on its path that
// holds them (Holders: from the province down, and such a root).
func Recount(ctx context.Context, q store.Querier, sources ...Source) (Figures, error) {
	whole, err := wholeRoots(ctx, q)
	if err != nil {
		return nil, err
	}
	own := Figures{}
	for _, src := range sources {
		err := src(ctx, q, func(org int64, key string, n int64) { own.Add(org, []string{key}, n) })
		if err != nil {
			return nil, err
		}
	}
	paths := map[int64]string{}
	err = each(ctx, q, "the organisations for the recount", "SELECT id, path, type, dissolved_at IS NULL FROM orgs", func(sc func(...any) error) error {
		var id int64
		var path, typ string
		var live bool
		if err := sc(&id, &path, &typ, &live); err != nil {
			return err
		}
		paths[id] = path
		if live {
			own.Add(id, OrgKeys(typ), 1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, q, "the units for the recount", "SELECT org_id, type, non_public, party_members, covering_org_id IS NOT NULL FROM units", func(sc func(...any) error) error {
		var org int64
		var u Unit
		if err := sc(&org, &u.Type, &u.NonPublic, &u.PartyMembers, &u.Covered); err != nil {
			return err
		}
		own.Add(org, UnitKeys(u), 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, q, "the people for the recount", `SELECT org_id, status = 'active', stage, sex, birth_date, education, ethnicity, mobile_out FROM members`,
		func(sc func(...any) error) error {
			var org int64
			var p Person
			var birth date.Date
			if err := sc(&org, &p.Active, &p.Stage, &p.Sex, &birth, &p.Education, &p.Ethnicity, &p.MobileOut); err != nil {
				return err
			}
			p.BirthYear = birth.Year()
			own.Add(org, PersonKeys(p), 1)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, q, "the mobile members received for the recount", "SELECT org_id FROM mobile_records WHERE kind = 'in' AND ended_on IS NULL", func(sc func(...any) error) error {
		var org int64
		if err := sc(&org); err != nil {
			return err
		}
		own.Add(org, []string{KMobileIn}, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, q, "the pending letters for the recount", "SELECT from_org_id, to_org_id FROM transfers WHERE status = 'pending'", func(sc func(...any) error) error {
		var from, to *int64
		if err := sc(&from, &to); err != nil {
			return err
		}
		if from != nil {
			own.Add(*from, []string{KTransferOut}, 1)
		}
		if to != nil {
			own.Add(*to, []string{KTransferIn}, 1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	total := Figures{}
	for r := range whole {
		total.Add(r, []string{KWhole}, 1)
	}
	for org, m := range own {
		path := paths[org]
		for _, anc := range Holders(path, whole[wholeRoot(path, true)]) {
			for k, n := range m {
				total.Add(anc, []string{k}, n)
			}
		}
	}
	return total, nil
}

// wholeRoots are the roots whose rows are marked as holding their whole
// subtree (KWhole).
func wholeRoots(ctx context.Context, q store.Querier) (map[int64]bool, error) {
	roots, err := orgIDs(ctx, q, "SELECT id FROM orgs WHERE parent_id IS NULL")
	if err != nil {
		return nil, err
	}
	return marked(ctx, q, roots)
}

// each runs query and gives fn each row to scan; an error says it was
// reading what.
func each(ctx context.Context, q store.Querier, what, query string, fn func(scan func(...any) error) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// Stored reads the whole maintained table.
func Stored(ctx context.Context, q store.Querier) (Figures, error) {
	f := Figures{}
	err := each(ctx, q, "the maintained figures", "SELECT org_id, k, n FROM org_stats WHERE n <> 0", func(sc func(...any) error) error {
		var org, n int64
		var k string
		if err := sc(&org, &k, &n); err != nil {
			return err
		}
		f.Add(org, []string{k}, n)
		return nil
	})
	return f, err
}

// Mismatch is one maintained figure that differs from the recount.
type Mismatch struct {
	OrgID   int64  `json:"org_id"`
	Key     string `json:"key"`
	Stored  int64  `json:"stored"`
	Counted int64  `json:"counted"`
}

// Check compares every maintained figure with a full recount, in one
// consistent snapshot (a read transaction).
func Check(ctx context.Context, db *store.DB, sources ...Source) ([]Mismatch, error) {
	var out []Mismatch
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		stored, err := Stored(ctx, tx)
		if err != nil {
			return err
		}
		counted, err := Recount(ctx, tx, sources...)
		if err != nil {
			return err
		}
		out = Compare(stored, counted)
		return nil
	})
	return out, err
}

// Compare lists the differences between two sets of figures, ordered by organisation and key.
func Compare(stored, counted Figures) []Mismatch {
	var out []Mismatch
	seen := map[int64]bool{}
	for _, f := range []Figures{stored, counted} {
		for org := range f {
			if seen[org] {
				continue
			}
			seen[org] = true
			keys := map[string]bool{}
			for k := range stored[org] {
				keys[k] = true
			}
			for k := range counted[org] {
				keys[k] = true
			}
			for k := range keys {
				if a, b := stored[org][k], counted[org][k]; a != b {
					out = append(out, Mismatch{OrgID: org, Key: k, Stored: a, Counted: b})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].OrgID != out[j].OrgID {
			return out[i].OrgID < out[j].OrgID
		}
		return out[i].Key < out[j].Key
	})
	return out
}
