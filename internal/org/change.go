package org

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

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
			return fmt.Errorf("create organisation: %w", err)
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
			if err != nil {
				return fmt.Errorf("move organisation: %w", err)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET parent_id = $1 WHERE id = $2", p.ID, o.ID); err != nil {
			return fmt.Errorf("move organisation: %w", err)
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
				return fmt.Errorf("dissolve organisation: %w", err)
			}
			if n > 0 {
				return apperr.Conflict(c.msg, n)
			}
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET dissolved_at = $1, updated_at = $1 WHERE id = $2", now, id); err != nil {
			return fmt.Errorf("dissolve organisation: %w", err)
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
