// Package org keeps the organisation tree and the units (单位) registered with
// it. Every function takes the caller's store.Scope and sees nothing outside it.
package org

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
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
		return orgs, err
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
	return name, path, err
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

func validate(in Input, creating bool) error {
	var v apperr.Invalid
	if in.Name != nil || creating {
		name := ""
		if in.Name != nil {
			name = strings.TrimSpace(*in.Name)
		}
		switch {
		case name == "":
			v.Add("name", "组织名称不能为空")
		case utf8.RuneCountInString(name) > 100:
			v.Add("name", "组织名称不能超过100个字")
		}
	}
	if in.Type != nil || creating {
		t := ""
		if in.Type != nil {
			t = *in.Type
		}
		if _, ok := vocab.OrgTypes.Parse(t); !ok {
			v.Add("type", "组织类别“%s”无效,应为%s之一", t, vocab.OrgTypes.Labels())
		}
	}
	if in.Code != nil && utf8.RuneCountInString(*in.Code) > 50 {
		v.Add("code", "组织代码不能超过50个字符")
	}
	if in.FoundedOn != nil && in.FoundedOn.After(date.Of(time.Now())) {
		v.Add("founded_on", "成立日期不能晚于今天")
	}
	if in.TermYears != nil && (*in.TermYears < 0 || *in.TermYears > 5) {
		v.Add("term_years", "每届任期应为1至5年(党的基层委员会一般5年,总支部、支部委员会3年),不记录任期请留空")
	}
	if in.ElectedOn != nil && in.ElectedOn.After(date.Of(time.Now())) {
		v.Add("elected_on", "上次换届日期不能晚于今天")
	}
	if in.ElectedOn != nil && in.FoundedOn != nil && !in.FoundedOn.IsZero() && in.ElectedOn.Before(*in.FoundedOn) {
		v.Add("elected_on", "上次换届日期不能早于成立日期")
	}
	return v.Err()
}

// termOf is the term an input sets over the one stored.
func termOf(in Input, years int, elected date.Date) (int, date.Date) {
	if in.TermYears != nil {
		years = *in.TermYears
	}
	if in.ElectedOn != nil {
		elected = *in.ElectedOn
	}
	return years, elected
}

// TermEnd is the end of a term of years from an election (zero when
// either is not recorded).
func TermEnd(years int, elected date.Date) date.Date {
	if years <= 0 || elected.IsZero() {
		return date.Date{}
	}
	return elected.AddYears(years)
}

// DefaultTerm is the usual length of a term for an organisation type:
// 《中国共产党基层组织选举工作条例》(2020) gives a basic-level committee
// five years and a general branch or branch committee three.
func DefaultTerm(typ string) int {
	if typ == "committee" || typ == "working_committee" {
		return 5
	}
	return 3
}

func nullCode(c *string) any {
	if c == nil || strings.TrimSpace(*c) == "" {
		return nil
	}
	return strings.TrimSpace(*c)
}

func nullID(id *int64) any {
	if id == nil || *id == 0 {
		return nil
	}
	return *id
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// CanHold tells why an organisation of type child may not stand under one
// of type parent, or "": a branch (党支部, 联合党支部, 临时党支部) has no
// organisations below it, and a general branch (党总支) only branches.
func CanHold(parent, child string) string {
	branch := func(t string) bool { return t == "branch" || t == "joint_branch" || t == "temporary_branch" }
	switch {
	case branch(parent):
		return vocab.OrgTypes.Label(parent) + "下不能设立下级党组织(党小组不是党组织,在支部内记录)"
	case parent == "general_branch" && !branch(child):
		return "党总支下只能设立党支部,不能设立" + vocab.OrgTypes.Label(child)
	}
	return ""
}

// Create adds an organisation under a parent in scope. Only the whole-tree
// scope may create a top-level organisation.
func (s *Service) Create(ctx context.Context, sc store.Scope, in Input) (Org, error) {
	if err := validate(in, true); err != nil {
		return Org{}, err
	}
	typ, _ := vocab.OrgTypes.Parse(*in.Type)
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		parentPath, depth := "/", 0
		var parent any
		if in.ParentID != nil && *in.ParentID != 0 {
			p, err := get(ctx, tx, sc, *in.ParentID)
			if apperr.IsNotFound(err) {
				return apperr.InvalidField("parent_id", "上级党组织不存在或不在您的管理范围内")
			}
			if err != nil {
				return err
			}
			if why := CanHold(p.Type, typ); why != "" {
				return apperr.InvalidField("type", "%s", why)
			}
			parentPath, depth, parent = p.Path, p.Depth+1, p.ID
		} else if !sc.IsAll() {
			return apperr.InvalidField("parent_id", "请选择上级党组织")
		}
		if err := s.checkManager(ctx, tx, sc, in.ManagerID); err != nil {
			return err
		}
		now := s.now()
		var fd date.Date
		if in.FoundedOn != nil {
			fd = *in.FoundedOn
		}
		years, elected := termOf(in, 0, date.Date{})
		err := tx.QueryRowContext(ctx, `INSERT INTO orgs (parent_id, path, depth, name, code, type, secretary, founded_on, manager_id, created_at, updated_at,
			term_years, elected_on, term_ends_on, name_initials)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14) RETURNING id`,
			parent, store.TempKey(), depth, str(in.Name), nullCode(in.Code), typ, str(in.Secretary), fd, nullID(in.ManagerID), now,
			years, elected, TermEnd(years, elected), initials(str(in.Name))).Scan(&id)
		if err != nil {
			return codeConflict(err)
		}
		path := store.ChildPath(parentPath, id)
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET path = $1 WHERE id = $2", path, id); err != nil {
			return err
		}
		if err := stats.ApplyPath(ctx, s.DB, tx, path, stats.Change(nil, stats.OrgKeys(typ))); err != nil {
			return err
		}
		return s.audited(ctx, tx, "create", id, nil)
	})
	if err != nil {
		return Org{}, err
	}
	return s.Get(ctx, sc, id)
}

func (s *Service) checkManager(ctx context.Context, q store.Querier, sc store.Scope, id *int64) error {
	if id == nil || *id == 0 {
		return nil
	}
	if _, err := get(ctx, q, sc, *id); err != nil {
		return apperr.InvalidField("manager_id", "属地管理党组织不存在或不在您的管理范围内")
	}
	return nil
}

func codeConflict(err error) error {
	msg := strings.ToLower(err.Error())
	if strings.Contains(msg, "unique") && strings.Contains(msg, "code") {
		return apperr.InvalidField("code", "组织代码已被其他党组织使用")
	}
	return err
}

// Update changes the given fields of an organisation in scope.
func (s *Service) Update(ctx context.Context, sc store.Scope, id int64, in Input) (Org, error) {
	if err := validate(in, false); err != nil {
		return Org{}, err
	}
	if in.ParentID != nil {
		return Org{}, apperr.InvalidField("parent_id", "调整上级党组织请使用“移动”功能")
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, err := get(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if err := s.checkManager(ctx, tx, sc, in.ManagerID); err != nil {
			return err
		}
		if in.ManagerID != nil && *in.ManagerID == id {
			return apperr.InvalidField("manager_id", "属地管理党组织不能是本组织自己")
		}
		name, code, typ, sec, fd, mgr := o.Name, nullCode(&o.Code), o.Type, o.Secretary, o.FoundedOn, nullID(o.ManagerID)
		if in.Name != nil {
			name = str(in.Name)
		}
		if in.Code != nil {
			code = nullCode(in.Code)
		}
		if in.Type != nil {
			typ, _ = vocab.OrgTypes.Parse(*in.Type)
		}
		if in.Secretary != nil {
			sec = str(in.Secretary)
		}
		if in.FoundedOn != nil {
			fd = *in.FoundedOn
		}
		if in.ManagerID != nil {
			mgr = nullID(in.ManagerID)
		}
		years, elected := termOf(in, o.TermYears, o.ElectedOn)
		_, err = tx.ExecContext(ctx, `UPDATE orgs SET name = $1, code = $2, type = $3, secretary = $4, founded_on = $5, manager_id = $6, updated_at = $7,
			term_years = $8, elected_on = $9, term_ends_on = $10, name_initials = $11 WHERE id = $12`,
			name, code, typ, sec, fd, mgr, s.now(), years, elected, TermEnd(years, elected), initials(name), id)
		if err != nil {
			return codeConflict(err)
		}
		if err := stats.ApplyPath(ctx, s.DB, tx, o.Path, stats.Change(stats.OrgKeys(o.Type), stats.OrgKeys(typ))); err != nil {
			return err
		}
		return s.audited(ctx, tx, "update", id, o)
	})
	if err != nil {
		return Org{}, err
	}
	return s.Get(ctx, sc, id)
}

// Move puts a subtree under a new parent. The figures of the subtree leave
// every old ancestor and join every new one in the same transaction.
func (s *Service) Move(ctx context.Context, sc store.Scope, id, newParentID int64) (Org, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, err := get(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if sc.IsRoot(o.Path) || o.Depth == 0 {
			return apperr.Rule("不能移动您所管理范围的最高一级党组织")
		}
		p, err := get(ctx, tx, sc, newParentID)
		if apperr.IsNotFound(err) {
			return apperr.InvalidField("parent_id", "新的上级党组织不存在或不在您的管理范围内")
		}
		if err != nil {
			return err
		}
		if strings.HasPrefix(p.Path, o.Path) {
			return apperr.Rule("不能把党组织移动到它自己或它的下级组织之下")
		}
		if why := CanHold(p.Type, o.Type); why != "" {
			return apperr.Rule("%s", why)
		}
		if o.ParentID != nil && *o.ParentID == p.ID {
			return nil
		}
		newPath := store.ChildPath(p.Path, o.ID)
		sub, err := stats.Read(ctx, tx, o.Path)
		if err != nil {
			return err
		}
		d := stats.Delta(sub)
		if err := stats.ApplyAbove(ctx, s.DB, tx, o.Path, d.Scaled(-1)); err != nil {
			return err
		}
		if err := stats.ApplyAbove(ctx, s.DB, tx, newPath, d); err != nil {
			return err
		}
		lo, hi := store.PathRange(o.Path)
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET path = $1 || substr(path, $2), depth = depth + $3, updated_at = $4
			WHERE path >= $5 AND path < $6`, newPath, len(o.Path)+1, p.Depth+1-o.Depth, s.now(), lo, hi); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET parent_id = $1 WHERE id = $2", p.ID, o.ID); err != nil {
			return err
		}
		if prov := store.ProvinceOf(newPath); prov != store.ProvinceOf(o.Path) {
			lo, hi := store.PathRange(newPath)
			if err := s.DB.Rehome(ctx, tx, prov, lo, hi); err != nil {
				return err
			}
		}
		return s.audited(ctx, tx, "move", id, o)
	})
	if err != nil {
		return Org{}, err
	}
	return s.Get(ctx, sc, id)
}

// Dissolve ends an organisation that has no live sub-organisation, nobody on
// its roster, no registered unit and no pending transfer letter.
func (s *Service) Dissolve(ctx context.Context, sc store.Scope, id int64) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, err := get(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if sc.IsRoot(o.Path) {
			return apperr.Rule("不能撤销您所管理范围的最高一级党组织")
		}
		checks := []struct {
			q   string
			msg string
		}{
			{"SELECT COUNT(*) FROM orgs WHERE parent_id = $1 AND dissolved_at IS NULL", "该党组织还有%d个下级党组织,请先撤销或移走下级组织"},
			{"SELECT COUNT(*) FROM members WHERE org_id = $1 AND status = 'active'", "该党组织还有%d名党员(含发展对象等),请先转出组织关系"},
			{"SELECT COUNT(*) FROM units WHERE org_id = $1", "该党组织还登记有%d个单位,请先移交给其他党组织"},
			{"SELECT COUNT(*) FROM units WHERE covering_org_id = $1", "该党组织还覆盖着%d个单位,请先调整这些单位的党组织覆盖情况"},
			{"SELECT COUNT(*) FROM transfers WHERE (from_org_id = $1 OR to_org_id = $1) AND status = 'pending'", "该党组织还有%d封未办结的组织关系介绍信"},
		}
		for _, c := range checks {
			var n int
			if err := tx.QueryRowContext(ctx, c.q, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Conflict(c.msg, n)
			}
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET dissolved_at = $1, updated_at = $1 WHERE id = $2", now, id); err != nil {
			return err
		}
		if err := stats.ApplyPath(ctx, s.DB, tx, o.Path, stats.Change(stats.OrgKeys(o.Type), nil)); err != nil {
			return err
		}
		return audit.Change(ctx, s.DB, tx, "dissolve", "org", id, o.Path, o, nil)
	})
}

// audited records a change of organisation id, reading its state after the change in tx.
func (s *Service) audited(ctx context.Context, tx *sql.Tx, action string, id int64, before any) error {
	after, err := get(ctx, tx, store.All, id)
	if err != nil {
		return err
	}
	return audit.Change(ctx, s.DB, tx, action, "org", id, after.Path, before, after)
}

// TermFilter chooses organisations by the end of their term.
type TermFilter struct {
	OrgID int64     // subtree of this organisation (0: the whole scope)
	By    date.Date // terms ending on or before this day (overdue included)
}

// DueTerms lists the live organisations in scope whose term ends by f.By,
// the earliest end first: those due or overdue for 换届.
func (s *Service) DueTerms(ctx context.Context, sc store.Scope, f TermFilter, p store.Page) (store.List[Org], error) {
	out, p := store.NewList[Org](p)
	sc, err := s.Narrow(ctx, sc, f.OrgID)
	if err != nil {
		return out, err
	}
	w := store.NewWhere(sc.Range())
	w.Exact(sc, "o.path")
	w.And("o.dissolved_at IS NULL AND o.term_ends_on IS NOT NULL AND o.term_ends_on <= ?", f.By)
	from := " FROM orgs o LEFT JOIN orgs m ON m.id = o.manager_id WHERE o.path >= $1 AND o.path < $2"
	count := "SELECT 1" + from + w.String()
	if sc.Whole() {
		// Over the whole tree the terms due are read from their index in
		// order, not the millions of organisations by path.
		count += " ORDER BY o.term_ends_on"
	}
	if err := s.DB.QueryRowContext(ctx, store.CappedCount(count, store.CountCap), w.Args...).Scan(&out.Total); err != nil {
		return out, err
	}
	out.SetTotal(out.Total, store.CountCap)
	limit, args := w.Limit(p)
	out.Items, err = query(ctx, s.DB, "SELECT "+orgCols+from+w.String()+" ORDER BY o.term_ends_on, o.id"+limit, args...)
	return out, err
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
			return err
		}
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			for _, r := range rows {
				if _, err := tx.ExecContext(ctx, "UPDATE orgs SET name_initials = $1 WHERE id = $2", initials(r.name), r.id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
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
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
