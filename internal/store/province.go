package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Rehome gives prov as province to the rows of every provincial table (and
// to the registry of ID numbers) that belong to the subtree [lo, hi): a
// subtree moved to another province takes its rows along, in tx. The audit
// trail stays where it was written (each entry keeps the path it named).
func (db *DB) Rehome(ctx context.Context, tx *sql.Tx, prov int64, lo, hi string) error {
	orgs := "SELECT id FROM orgs WHERE path >= $2 AND path < $3"
	members := "SELECT id FROM members WHERE org_id IN (" + orgs + ")"
	return db.moveAll(ctx, tx, prov, func(t Table) string {
		if t.MemberCol != "" {
			return t.MemberCol + " IN (" + members + ")"
		}
		if t.OrgCol != "" {
			return t.OrgCol + " IN (" + orgs + ")"
		}
		return ""
	}, lo, hi)
}

// MoveMember gives prov as province to a person's rows (their record, its
// history, requests and letters, their ID number's entry), in tx: a person
// received by an organisation of another province. On a Citus cluster that
// is a transaction over two workers, atomic like any other.
func (db *DB) MoveMember(ctx context.Context, tx *sql.Tx, memberID, prov int64) error {
	return db.moveAll(ctx, tx, prov, func(t Table) string {
		switch {
		case t.Name == "members":
			return "id = $2"
		case t.MemberCol != "":
			return t.MemberCol + " = $2"
		}
		return ""
	}, memberID)
}

// moveAll moves to province prov the rows of each provincial table that
// where names (no condition: the table is left alone), the tables that
// follow a member first, then the registry of the people moved.
func (db *DB) moveAll(ctx context.Context, tx *sql.Tx, prov int64, where func(Table) string, args ...any) error {
	var memberCond string
	var first, then []Table
	for _, t := range Tables {
		if t.Role != Provincial || where(t) == "" {
			continue
		}
		if t.Name == "members" {
			memberCond = where(t)
		}
		if t.MemberCol != "" {
			first = append(first, t)
		} else {
			then = append(then, t)
		}
	}
	if memberCond != "" {
		// The registry is distributed by the number, not the province:
		// its rows change in place.
		if _, err := tx.ExecContext(ctx, `UPDATE id_numbers SET province_id = $1 WHERE id_hash IN (
			SELECT id_hash FROM members WHERE `+memberCond+`)`, append([]any{prov}, args...)...); err != nil {
			return fmt.Errorf("move the ID numbers' entries to province %d: %w", prov, err)
		}
	}
	for _, t := range append(first, then...) {
		if err := db.MoveRows(ctx, tx, t.Name, where(t), prov, args...); err != nil {
			return err
		}
	}
	return nil
}

// MoveRows gives the rows of table that meet cond (whose parameters are
// args, numbered from $2) the province prov ($1). A Citus cluster does not
// change a row's distribution column in place: the rows are copied to their
// new shard, ids kept, and deleted from the old one.
func (db *DB) MoveRows(ctx context.Context, tx *sql.Tx, table, cond string, prov int64, args ...any) error {
	all := append([]any{prov}, args...)
	cond = "(" + cond + ") AND province_id <> $1"
	if !db.Citus {
		if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET province_id = $1 WHERE "+cond, all...); err != nil {
			return fmt.Errorf("move rows of %s to province %d: %w", table, prov, err)
		}
		return nil
	}
	cols, err := columns(ctx, tx, table)
	if err != nil {
		return fmt.Errorf("read the columns of %s: %w", table, err)
	}
	vals := make([]string, len(cols))
	for i, c := range cols {
		vals[i] = c
		if c == "province_id" {
			vals[i] = "$1::bigint"
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") OVERRIDING SYSTEM VALUE SELECT "+
		strings.Join(vals, ", ")+" FROM "+table+" WHERE "+cond, all...); err != nil {
		return fmt.Errorf("copy rows of %s to province %d: %w", table, prov, err)
	}
	if _, err = tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE "+cond, all...); err != nil {
		return fmt.Errorf("delete the rows of %s moved to province %d: %w", table, prov, err)
	}
	return nil
}

// columns lists a table's columns in order.
func columns(ctx context.Context, q Querier, table string) ([]string, error) {
	return Query(ctx, q, func(sc Scanner) (string, error) {
		var c string
		return c, sc.Scan(&c)
	}, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
		ORDER BY ordinal_position`, table)
}

// ProvinceIs is the condition " AND col = <province of path>" that routes a
// statement on the rows of one organisation's province to its worker.
func ProvinceIs(col, path string) string {
	return InProvince(col, ProvinceOf(path))
}

// InProvince is the condition " AND col = prov" that routes a statement to
// the worker of province prov.
func InProvince(col string, prov int64) string {
	return " AND " + col + " = " + strconv.FormatInt(prov, 10)
}

// ProvinceParam is the condition " AND col = <province>" that routes a
// query over a provincial table to the one worker of the scope's province,
// or "" when the scope spans several provinces (or is the whole tree).
func (s Scope) ProvinceParam(col string) string {
	prov, ok := s.Province()
	if !ok {
		return ""
	}
	return " AND " + col + " = " + strconv.FormatInt(prov, 10)
}

// Province is the province the whole scope lies in, if it lies in one.
func (s Scope) Province() (int64, bool) {
	var prov int64
	for _, p := range s.Parts() {
		ids := PathIDs(p)
		if len(ids) < 2 || (prov != 0 && ids[1] != prov) {
			return 0, false
		}
		prov = ids[1]
	}
	return prov, prov != 0
}

// Misplaced is a count of rows of a table kept in the wrong province.
type Misplaced struct {
	Table string `json:"table"`
	Rows  int64  `json:"rows"`
}

// CheckPlacement counts, table by table, the rows whose province is not the
// one of their organisation (of their member, for the tables that follow a
// member; of the path named, for the audit trail), and the provinces whose
// registry of ID numbers does not hold as many numbers as their roster.
func CheckPlacement(ctx context.Context, q Querier) ([]Misplaced, error) {
	type orgPath struct {
		id   int64
		path string
	}
	orgs, err := Query(ctx, q, func(sc Scanner) (orgPath, error) {
		var o orgPath
		return o, sc.Scan(&o.id, &o.path)
	}, "SELECT id, path FROM orgs")
	if err != nil {
		return nil, fmt.Errorf("read the organisations' paths: %w", err)
	}
	paths := make(map[int64]string, len(orgs))
	for _, o := range orgs {
		paths[o.id] = o.path
	}
	bodies, err := Query(ctx, q, func(sc Scanner) (orgPath, error) {
		var o orgPath
		return o, sc.Scan(&o.id, &o.path)
	}, "SELECT id, path FROM committees")
	if err != nil {
		return nil, fmt.Errorf("read the committees' paths: %w", err)
	}
	committees := make(map[int64]string, len(bodies))
	for _, o := range bodies {
		committees[o.id] = o.path
	}
	type group struct {
		key  string
		prov int64
		n    int64
	}
	groups := func(table, query string) ([]group, error) {
		gs, err := Query(ctx, q, func(sc Scanner) (group, error) {
			var g group
			return g, sc.Scan(&g.key, &g.prov, &g.n)
		}, query)
		if err != nil {
			return nil, fmt.Errorf("count the rows of %s by province: %w", table, err)
		}
		return gs, nil
	}
	var out []Misplaced
	for _, t := range Tables {
		if t.Role != Provincial {
			continue
		}
		var bad int64
		byPath := func(col string, paths map[int64]string) error {
			gs, err := groups(t.Name, "SELECT CAST("+col+" AS TEXT), province_id, COUNT(*) FROM "+t.Name+" GROUP BY "+col+", province_id")
			if err != nil {
				return err
			}
			for _, g := range gs {
				id, _ := strconv.ParseInt(g.key, 10, 64)
				if ProvinceOf(paths[id]) != g.prov {
					bad += g.n
				}
			}
			return nil
		}
		switch {
		case t.OrgCol != "":
			if err := byPath(t.OrgCol, paths); err != nil {
				return nil, err
			}
		case t.CommitteeCol != "":
			if err := byPath(t.CommitteeCol, committees); err != nil {
				return nil, err
			}
		case t.Parent != "":
			if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.Name+` x
				WHERE NOT EXISTS (SELECT 1 FROM `+t.Parent+` p WHERE p.province_id = x.province_id AND p.id = x.`+t.ParentCol+")").Scan(&bad); err != nil {
				return nil, fmt.Errorf("count the rows of %s away from their %s: %w", t.Name, t.Parent, err)
			}
		case t.MemberCol != "":
			// Joined on the province too, as a Citus cluster joins colocated rows.
			if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.Name+" x WHERE x."+t.MemberCol+` IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM members m WHERE m.province_id = x.province_id AND m.id = x.`+t.MemberCol+")").Scan(&bad); err != nil {
				return nil, fmt.Errorf("count the rows of %s away from their member: %w", t.Name, err)
			}
		default: // the audit trail
			gs, err := groups(t.Name, "SELECT org_path, province_id, COUNT(*) FROM "+t.Name+" GROUP BY org_path, province_id")
			if err != nil {
				return nil, err
			}
			for _, g := range gs {
				if ProvinceOf(g.key) != g.prov {
					bad += g.n
				}
			}
		}
		if bad > 0 {
			out = append(out, Misplaced{Table: t.Name, Rows: bad})
		}
	}
	roster, err := groups("members", "SELECT 'members', province_id, COUNT(*) FROM members GROUP BY province_id")
	if err != nil {
		return nil, err
	}
	registry, err := groups("id_numbers", "SELECT 'id_numbers', province_id, COUNT(*) FROM id_numbers GROUP BY province_id")
	if err != nil {
		return nil, err
	}
	diff := map[int64]int64{}
	for _, g := range roster {
		diff[g.prov] += g.n
	}
	for _, g := range registry {
		diff[g.prov] -= g.n
	}
	var off int64
	for _, d := range diff {
		off += max(d, -d)
	}
	if off > 0 {
		out = append(out, Misplaced{Table: "id_numbers", Rows: off})
	}
	return out, nil
}
