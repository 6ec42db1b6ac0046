package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Unit is a workplace or place (企业、市场、村、社区、机关…) registered with an
// organisation, and whether a Party organisation covers it.
type Unit struct {
	ID              int64     `json:"id"`
	OrgID           int64     `json:"org_id"`
	OrgName         string    `json:"org_name"`
	Name            string    `json:"name"`
	Type            string    `json:"type"`
	TypeLabel       string    `json:"type_label"`
	CreditCode      string    `json:"credit_code"`
	NonPublic       bool      `json:"non_public"`
	Staff           int       `json:"staff"`
	PartyMembers    int       `json:"party_members"`
	CoveringOrgID   *int64    `json:"covering_org_id"`
	CoveringOrgName string    `json:"covering_org_name,omitempty"`
	Address         string    `json:"address"`
	Gap             string    `json:"gap"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// UnitInput creates or changes a unit; nil fields are left alone on update.
// A covering_org_id of 0 removes the coverage.
type UnitInput struct {
	OrgID         *int64  `json:"org_id"`
	Name          *string `json:"name"`
	Type          *string `json:"type"`
	CreditCode    *string `json:"credit_code"`
	NonPublic     *bool   `json:"non_public"`
	Staff         *int    `json:"staff"`
	PartyMembers  *int    `json:"party_members"`
	CoveringOrgID *int64  `json:"covering_org_id"`
	Address       *string `json:"address"`
}

func (u Unit) facts() stats.Unit {
	return stats.Unit{Type: u.Type, NonPublic: u.NonPublic, PartyMembers: u.PartyMembers, Covered: u.CoveringOrgID != nil}
}

// gapOf names what a unit lacks: "" when covered, "no_org" (有党员无组织) or
// "no_member" (有企业无党员).
func gapOf(f stats.Unit) string {
	switch {
	case f.Covered:
		return ""
	case f.PartyMembers > 0:
		return "no_org"
	default:
		return "no_member"
	}
}

const unitCols = `u.id, u.org_id, o.name, u.name, u.type, u.credit_code, u.non_public, u.staff, u.party_members,
	u.covering_org_id, COALESCE(c.name, ''), u.address, u.created_at, u.updated_at`

const unitFrom = ` FROM units u JOIN orgs o ON o.id = u.org_id LEFT JOIN orgs c ON c.id = u.covering_org_id
	WHERE o.path >= $1 AND o.path < $2`

func scanUnit(sc store.Scanner) (Unit, error) {
	var u Unit
	var cov sql.NullInt64
	err := sc.Scan(&u.ID, &u.OrgID, &u.OrgName, &u.Name, &u.Type, &u.CreditCode, &u.NonPublic, &u.Staff, &u.PartyMembers,
		&cov, &u.CoveringOrgName, &u.Address, &u.CreatedAt, &u.UpdatedAt)
	if cov.Valid {
		u.CoveringOrgID = &cov.Int64
	}
	u.TypeLabel = vocab.UnitTypes.Label(u.Type)
	u.Gap = gapOf(u.facts())
	return u, err
}

func getUnit(ctx context.Context, q store.Querier, sc store.Scope, id int64) (Unit, error) {
	lo, hi := sc.Range()
	u, err := scanUnit(q.QueryRowContext(ctx, "SELECT "+unitCols+unitFrom+sc.Exact("o.path")+" AND u.id = $3", lo, hi, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, apperr.NotFound("单位")
	}
	if err != nil {
		return u, fmt.Errorf("read unit: %w", err)
	}
	return u, nil
}

// GetUnit returns a unit registered with an organisation in scope.
func (s *Service) GetUnit(ctx context.Context, sc store.Scope, id int64) (Unit, error) {
	return getUnit(ctx, s.DB, sc, id)
}

// UnitFor tells whether unit id may be named as the workplace of a person
// of the organisation at path: a unit registered in scope, or one
// registered by an organisation above the person's along the path (a
// street's enterprise named by a branch secretary for a member).
func UnitFor(ctx context.Context, q store.Querier, sc store.Scope, path string, id int64) (bool, error) {
	var p string
	err := q.QueryRowContext(ctx, "SELECT o.path FROM units u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1", id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && (sc.Contains(p) || strings.HasPrefix(path, p)), err
}

// UnitFilter narrows a unit list.
type UnitFilter struct {
	OrgID int64  // the subtree of this organisation (0: the whole scope)
	Type  string // unit type code
	Gap   string // "no_org", "no_member", "covered" or ""
	Q     string // name substring
}

// ListUnits lists units in the subtree, newest first.
func (s *Service) ListUnits(ctx context.Context, sc store.Scope, f UnitFilter, p store.Page) (store.List[Unit], error) {
	out, p := store.NewList[Unit](p)
	sc, err := s.Narrow(ctx, sc, f.OrgID)
	if err != nil {
		return out, err
	}
	where := store.NewWhere(sc.Range())
	where.Exact(sc, "o.path")
	add := where.And
	if f.Type != "" {
		add("u.type = ?", f.Type)
	}
	switch f.Gap {
	case "covered":
		add("u.covering_org_id IS NOT NULL")
	case "no_org":
		add("u.covering_org_id IS NULL AND u.party_members > 0")
	case "no_member":
		add("u.covering_org_id IS NULL AND u.party_members = 0")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where.Like(q, "u.name")
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+unitFrom+where.String(), where.Args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("list units: %w", err)
	}
	limit, args := where.Limit(p)
	items, err := store.Query(ctx, s.DB, scanUnit, "SELECT "+unitCols+unitFrom+where.String()+" ORDER BY u.id DESC"+limit, args...)
	out.Items = items
	if err != nil {
		return out, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}

func validateUnit(in UnitInput, creating bool) error {
	var v apperr.Invalid
	if in.Name != nil || creating {
		name := str(in.Name)
		switch {
		case name == "":
			v.Add("name", "单位名称不能为空")
		case utf8.RuneCountInString(name) > 100:
			v.Add("name", "单位名称不能超过100个字")
		}
	}
	if in.Type != nil || creating {
		if _, ok := vocab.UnitTypes.Parse(str(in.Type)); !ok {
			v.Add("type", "单位类别“%s”无效,应为%s之一", str(in.Type), vocab.UnitTypes.Labels())
		}
	}
	if creating && (in.OrgID == nil || *in.OrgID == 0) {
		v.Add("org_id", "请选择登记单位的党组织")
	}
	if in.Staff != nil && *in.Staff < 0 {
		v.Add("staff", "职工人数不能为负数")
	}
	if in.PartyMembers != nil && *in.PartyMembers < 0 {
		v.Add("party_members", "党员人数不能为负数")
	}
	if in.Staff != nil && in.PartyMembers != nil && *in.PartyMembers > *in.Staff && *in.Staff > 0 {
		v.Add("party_members", "党员人数(%d)不能多于职工人数(%d)", *in.PartyMembers, *in.Staff)
	}
	return v.Err()
}

// SaveUnit creates a unit (id 0) or changes one, keeping the coverage
// figures of the organisations it is registered with up to date.
func (s *Service) SaveUnit(ctx context.Context, sc store.Scope, id int64, in UnitInput) (Unit, error) {
	if err := validateUnit(in, id == 0); err != nil {
		return Unit{}, err
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var u, before Unit
		var oldPath string
		var oldKeys []string
		if id != 0 {
			var err error
			if u, err = getUnit(ctx, tx, sc, id); err != nil {
				return err
			}
			before = u
			o, err := get(ctx, tx, store.All, u.OrgID)
			if err != nil {
				return err
			}
			oldPath, oldKeys = o.Path, stats.UnitKeys(u.facts())
		}
		if in.OrgID != nil {
			u.OrgID = *in.OrgID
		}
		owner, err := get(ctx, tx, sc, u.OrgID)
		if apperr.IsNotFound(err) {
			return apperr.InvalidField("org_id", "登记单位的党组织不存在或不在您的管理范围内")
		}
		if err != nil {
			return err
		}
		if in.Name != nil {
			u.Name = str(in.Name)
		}
		if in.Type != nil {
			u.Type, _ = vocab.UnitTypes.Parse(*in.Type)
		}
		if in.CreditCode != nil {
			u.CreditCode = str(in.CreditCode)
		}
		if in.NonPublic != nil {
			u.NonPublic = *in.NonPublic
		}
		if in.Staff != nil {
			u.Staff = *in.Staff
		}
		if in.PartyMembers != nil {
			u.PartyMembers = *in.PartyMembers
		}
		if in.Address != nil {
			u.Address = str(in.Address)
		}
		if in.CoveringOrgID != nil {
			u.CoveringOrgID = nil
			if *in.CoveringOrgID != 0 {
				if _, err := get(ctx, tx, sc, *in.CoveringOrgID); err != nil {
					return apperr.InvalidField("covering_org_id", "覆盖该单位的党组织不存在或不在您的管理范围内")
				}
				u.CoveringOrgID = in.CoveringOrgID
			}
		}
		now := s.now()
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO units (org_id, name, type, credit_code, non_public, staff, party_members, covering_org_id, address, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
				u.OrgID, u.Name, u.Type, u.CreditCode, u.NonPublic, u.Staff, u.PartyMembers, nullID(u.CoveringOrgID), u.Address, now).Scan(&id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE units SET org_id = $1, name = $2, type = $3, credit_code = $4, non_public = $5, staff = $6,
				party_members = $7, covering_org_id = $8, address = $9, updated_at = $10 WHERE id = $11`,
				u.OrgID, u.Name, u.Type, u.CreditCode, u.NonPublic, u.Staff, u.PartyMembers, nullID(u.CoveringOrgID), u.Address, now, id)
		}
		if err != nil {
			return fmt.Errorf("save unit: %w", err)
		}
		newKeys := stats.UnitKeys(u.facts())
		if oldPath == owner.Path {
			err = stats.ApplyPath(ctx, s.DB, tx, owner.Path, stats.Change(oldKeys, newKeys))
		} else {
			if oldPath != "" {
				if err := stats.ApplyPath(ctx, s.DB, tx, oldPath, stats.Change(oldKeys, nil)); err != nil {
					return err
				}
			}
			err = stats.ApplyPath(ctx, s.DB, tx, owner.Path, stats.Change(nil, newKeys))
		}
		if err != nil {
			return err
		}
		after, err := getUnit(ctx, tx, store.All, id)
		if err != nil {
			return err
		}
		if oldPath == "" {
			return audit.Change(ctx, s.DB, tx, "create", "unit", id, owner.Path, nil, after)
		}
		return audit.Change(ctx, s.DB, tx, "update", "unit", id, owner.Path, before, after)
	})
	if err != nil {
		return Unit{}, err
	}
	return s.GetUnit(ctx, sc, id)
}
