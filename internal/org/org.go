package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/date"
	"dangjian/internal/pinyin"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Org is one Party organisation.
type Org struct {
	ID          int64     `json:"id"`
	ParentID    *int64    `json:"parent_id"`
	Path        string    `json:"path"`
	Depth       int       `json:"depth"`
	Name        string    `json:"name"`
	Code        string    `json:"code"`
	Type        string    `json:"type"`
	TypeLabel   string    `json:"type_label"`
	Secretary   string    `json:"secretary"`
	FoundedOn   date.Date `json:"founded_on"`
	ManagerID   *int64    `json:"manager_id"`
	ManagerName string    `json:"manager_name,omitempty"`
	// The term (换届): its length in years (0: not recorded), the last
	// election and the end of the term.
	TermYears  int       `json:"term_years"`
	ElectedOn  date.Date `json:"elected_on"`
	TermEndsOn date.Date `json:"term_ends_on"`
	Members    int64     `json:"members"`
	SubOrgs    int64     `json:"sub_orgs"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Input is what a user supplies to create or change an organisation. On
// update, nil fields are left as they are.
type Input struct {
	ParentID  *int64     `json:"parent_id"`
	Name      *string    `json:"name"`
	Code      *string    `json:"code"`
	Type      *string    `json:"type"`
	Secretary *string    `json:"secretary"`
	FoundedOn *date.Date `json:"founded_on"`
	ManagerID *int64     `json:"manager_id"`
	TermYears *int       `json:"term_years"`
	ElectedOn *date.Date `json:"elected_on"`
}

// Service reads and changes organisations and units.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

func (s *Service) now() time.Time { return store.Now(s.Now) }

const orgCols = `o.id, o.parent_id, o.path, o.depth, o.name, COALESCE(o.code, ''), o.type, o.secretary,
	o.founded_on, o.manager_id, COALESCE(m.name, ''), o.created_at, o.updated_at, o.term_years, o.elected_on, o.term_ends_on`

const orgFrom = ` FROM orgs o LEFT JOIN orgs m ON m.id = o.manager_id
	WHERE o.dissolved_at IS NULL AND o.path >= $1 AND o.path < $2`

func scanOrg(sc store.Scanner) (Org, error) {
	var o Org
	var parent, manager sql.NullInt64
	err := sc.Scan(&o.ID, &parent, &o.Path, &o.Depth, &o.Name, &o.Code, &o.Type, &o.Secretary,
		&o.FoundedOn, &manager, &o.ManagerName, &o.CreatedAt, &o.UpdatedAt, &o.TermYears, &o.ElectedOn, &o.TermEndsOn)
	if parent.Valid {
		o.ParentID = &parent.Int64
	}
	if manager.Valid {
		o.ManagerID = &manager.Int64
	}
	o.TypeLabel = vocab.OrgTypes.Label(o.Type)
	return o, err
}

// Get returns a live organisation in scope, or a not-found error.
func (s *Service) Get(ctx context.Context, sc store.Scope, id int64) (Org, error) {
	return get(ctx, s.DB, sc, id)
}

func get(ctx context.Context, q store.Querier, sc store.Scope, id int64) (Org, error) {
	lo, hi := sc.Range()
	found, err := query(ctx, q, "SELECT "+orgCols+orgFrom+sc.Exact("o.path")+" AND o.id = $3", lo, hi, id)
	if err == nil && len(found) == 0 {
		return Org{}, apperr.NotFound("党组织")
	}
	if err != nil {
		return Org{}, err
	}
	return found[0], nil
}

// query lists organisations with the figures an organisation shows
// (people on its roster and below, organisations below), read from the
// maintained figures in one read per province.
func query(ctx context.Context, q store.Querier, query string, args ...any) ([]Org, error) {
	orgs, err := store.Query(ctx, q, scanOrg, query, args...)
	if err != nil || len(orgs) == 0 {
		if err != nil {
			return orgs, fmt.Errorf("read organisations: %w", err)
		}
		return orgs, nil
	}
	paths := make([]string, len(orgs))
	for i, o := range orgs {
		paths[i] = o.Path
	}
	m, err := stats.ReadEach(ctx, q, paths, stats.KMembers, stats.KOrgs)
	if err != nil {
		return nil, err
	}
	for i := range orgs {
		f := m[orgs[i].ID]
		orgs[i].Members, orgs[i].SubOrgs = f[stats.KMembers], max(f[stats.KOrgs]-1, 0)
	}
	return orgs, nil
}

// Narrow returns the scope of the subtree of organisation id within sc, or
// sc itself when id is 0.
func (s *Service) Narrow(ctx context.Context, sc store.Scope, id int64) (store.Scope, error) {
	if id == 0 {
		return sc, nil
	}
	o, err := s.Get(ctx, sc, id)
	if err != nil {
		return sc, err
	}
	return store.ScopeOf(o.Path), nil
}

// PathIn returns the path of organisation id if it lies in scope, and ""
// if it does not; live leaves dissolved organisations out. It is the
// cheap check of the write paths (no figures are read).
func PathIn(ctx context.Context, q store.Querier, sc store.Scope, id int64, live bool) (string, error) {
	_, path, err := NamePathIn(ctx, q, sc, id, live)
	return path, err
}

// NamePathIn is PathIn with the organisation's name.
func NamePathIn(ctx context.Context, q store.Querier, sc store.Scope, id int64, live bool) (name, path string, err error) {
	query := "SELECT name, path FROM orgs WHERE id = $1 AND path >= $2 AND path < $3" + sc.Exact("path")
	if live {
		query += " AND dissolved_at IS NULL"
	}
	lo, hi := sc.Range()
	err = q.QueryRowContext(ctx, query, id, lo, hi).Scan(&name, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return name, path, fmt.Errorf("read organisation: %w", err)
	}
	return name, path, nil
}

// GetOrTop returns the organisation id in scope or, for id 0, the highest
// one the scope sees (the page or list of "my" organisation).
func (s *Service) GetOrTop(ctx context.Context, sc store.Scope, id int64) (Org, error) {
	if id != 0 {
		return s.Get(ctx, sc, id)
	}
	roots, err := s.Roots(ctx, sc)
	if err != nil {
		return Org{}, err
	}
	if len(roots) == 0 {
		return Org{}, apperr.NotFound("党组织")
	}
	return roots[0], nil
}

// Roots returns the highest organisations the scope can see: the scope's own
// root, or every top-level organisation for the whole tree.
func (s *Service) Roots(ctx context.Context, sc store.Scope) ([]Org, error) {
	lo, hi := sc.Range()
	if parts := sc.Parts(); len(parts) > 1 {
		// A union: the root of each of its subtrees.
		return query(ctx, s.DB, "SELECT "+orgCols+orgFrom+sc.Exact("o.path")+" AND o.path IN ('"+strings.Join(parts, "', '")+"') ORDER BY o.id", lo, hi)
	}
	// "/" and "/1/" both have their highest organisation at depth 0.
	depth := max(strings.Count(sc.Path, "/")-2, 0)
	return query(ctx, s.DB, "SELECT "+orgCols+orgFrom+" AND o.depth = $3 ORDER BY o.id", lo, hi, depth)
}

// Children lists the live direct children of an organisation in scope.
func (s *Service) Children(ctx context.Context, sc store.Scope, id int64) ([]Org, error) {
	if _, err := s.Get(ctx, sc, id); err != nil {
		return nil, err
	}
	lo, hi := sc.Range()
	return query(ctx, s.DB, "SELECT "+orgCols+orgFrom+sc.Exact("o.path")+" AND o.parent_id = $3 ORDER BY o.id", lo, hi, id)
}

// Ancestors returns the organisations from the scope's root down to the
// parent of o (the breadcrumbs), skipping those above the scope.
func (s *Service) Ancestors(ctx context.Context, sc store.Scope, o Org) ([]Org, error) {
	var out []Org
	for _, id := range store.PathIDs(o.Path) {
		if id == o.ID {
			break
		}
		a, err := s.Get(ctx, sc, id)
		if err == nil {
			out = append(out, a)
		} else if _, ok := apperr.As(err); !ok {
			return nil, err
		}
	}
	return out, nil
}

// Search finds live organisations in scope by name substring, the
// beginning of the initials of the name's pinyin, or exact code.
func (s *Service) Search(ctx context.Context, sc store.Scope, q string, limit int) ([]Org, error) {
	lo, hi := sc.Range()
	q = strings.TrimSpace(q)
	if q == "" {
		return []Org{}, nil
	}
	if pinyin.Latin(q) {
		// Letters: the initials of the name's pinyin, or a code.
		plo, phi := pinyin.PrefixRange(q)
		return query(ctx, s.DB, "SELECT "+orgCols+orgFrom+sc.Exact("o.path")+
			" AND ((o.name_initials >= $3 AND o.name_initials < $4) OR o.code = $5) ORDER BY o.depth, o.id LIMIT $6",
			lo, hi, plo, phi, q, limit)
	}
	return query(ctx, s.DB, "SELECT "+orgCols+orgFrom+sc.Exact("o.path")+
		" AND (o.name LIKE $3"+store.LikeEscape+" OR o.code = $4) ORDER BY o.depth, o.id LIMIT $5",
		lo, hi, store.Contains(q), q, limit)
}

func initials(name string) string {
	_, in := pinyin.Name(name)
	return in
}

// FillInitials computes the pinyin initials of organisations stored before
// they were kept, batch rows at a time; it runs at start.
func (s *Service) FillInitials(ctx context.Context, batch int) error {
	for {
		type row struct {
			id   int64
			name string
		}
		rows, err := store.Query(ctx, s.DB, func(sc store.Scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.id, &r.name)
		}, "SELECT id, name FROM orgs WHERE name_initials IS NULL ORDER BY id LIMIT $1", batch)
		if err != nil || len(rows) == 0 {
			if err != nil {
				return fmt.Errorf("fill initials: %w", err)
			}
			return nil
		}
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			for _, r := range rows {
				if _, err := tx.ExecContext(ctx, "UPDATE orgs SET name_initials = $1 WHERE id = $2", initials(r.name), r.id); err != nil {
					return fmt.Errorf("fill initials: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fill initials: %w", err)
		}
	}
}

// Names returns the names of organisations by id (dissolved ones too), to
// show the parents' path of an organisation found.
func Names(ctx context.Context, q store.Querier, ids map[int64]bool) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids))
	marks := make([]string, 0, len(ids))
	for id := range ids {
		args = append(args, id)
		marks = append(marks, "$"+strconv.Itoa(len(args)))
	}
	rows, err := q.QueryContext(ctx, "SELECT id, name FROM orgs WHERE id IN ("+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read organisation names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read organisation names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}
