package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
)

// Grant is a role on an organisation's subtree (OrgID nil: the whole
// system), or, for a CPPCC role, on a node of the committees' tree
// (CommitteeID; OrgName and OrgPath are then the node's).
type Grant struct {
	ID          int64     `json:"id"`
	UserID      int64     `json:"user_id"`
	Role        string    `json:"role"`
	RoleLabel   string    `json:"role_label"`
	OrgID       *int64    `json:"org_id"`
	CommitteeID *int64    `json:"committee_id,omitempty"`
	OrgName     string    `json:"org_name"`
	OrgPath     string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Scope is the part of the tree the grant covers (of the committees' tree
// for a CPPCC role).
func (g Grant) Scope() store.Scope {
	if g.CommitteeID != nil {
		return store.ScopeOf(g.OrgPath)
	}
	if g.OrgID == nil {
		return store.All
	}
	return store.ScopeOf(g.OrgPath)
}

func (s *Service) grants(ctx context.Context, q store.Querier, userID int64) ([]Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.user_id, g.role, g.org_id, g.committee_id, COALESCE(o.name, c.name, ''), COALESCE(o.path, c.path, ''), g.created_at
		FROM grants g LEFT JOIN orgs o ON o.id = g.org_id LEFT JOIN committees c ON c.id = g.committee_id
		WHERE g.user_id = $1 AND g.revoked_at IS NULL AND (g.org_id IS NULL OR o.dissolved_at IS NULL) ORDER BY g.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("read grants: %w", err)
	}
	defer rows.Close()
	out := []Grant{}
	for rows.Next() {
		var g Grant
		var org, committee sql.NullInt64
		if err := rows.Scan(&g.ID, &g.UserID, &g.Role, &org, &committee, &g.OrgName, &g.OrgPath, &g.CreatedAt); err != nil {
			return nil, fmt.Errorf("read grants: %w", err)
		}
		switch {
		case committee.Valid:
			g.CommitteeID = &committee.Int64
		case org.Valid:
			g.OrgID = &org.Int64
		default:
			g.OrgName = "全系统"
		}
		g.RoleLabel = Roles.Label(g.Role)
		out = append(out, g)
	}
	return out, rows.Err()
}

// GrantInput gives a role on an organisation (nil for the whole system).
type GrantInput struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role"`
	OrgID  *int64 `json:"org_id"`
	// CommitteeID is the committee (a handling unit for 承办单位) of a CPPCC role.
	CommitteeID *int64 `json:"committee_id,omitempty"`
}

// AddGrant gives a user a role on an organisation in the granter's scope.
// The three administrator roles are granted on the whole system only.
func (s *Service) AddGrant(ctx context.Context, sc store.Scope, in GrantInput) (Grant, error) {
	defer s.Forget()
	role, ok := Roles.Parse(in.Role)
	if !ok {
		return Grant{}, apperr.InvalidField("role", "角色“%s”无效,应为 sysadmin、secadmin、auditor、org_admin、secretary、member、viewer、cppcc_office、cppcc_leader、cppcc_member、handler 之一", in.Role)
	}
	if in.OrgID != nil && *in.OrgID == 0 {
		in.OrgID = nil
	}
	if in.CommitteeID != nil && *in.CommitteeID == 0 {
		in.CommitteeID = nil
	}
	if CommitteeRole(role) {
		return s.addCommitteeGrant(ctx, sc, role, in)
	}
	if in.CommitteeID != nil {
		return Grant{}, apperr.InvalidField("committee_id", "只有政协的角色授予在政协或承办单位上")
	}
	if SystemRole(role) && in.OrgID != nil {
		return Grant{}, apperr.InvalidField("org_id", "系统管理员、安全管理员、审计管理员只能在全系统范围授予,不应指定党组织")
	}
	if !SystemRole(role) && in.OrgID == nil {
		return Grant{}, apperr.InvalidField("org_id", "请指定授权的党组织")
	}
	var gid int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.grantee(ctx, tx, in.UserID)
		if err != nil {
			return err
		}
		path := ""
		if in.OrgID != nil {
			lo, hi := sc.Range()
			err := tx.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = $1 AND dissolved_at IS NULL AND path >= $2 AND path < $3"+sc.Exact("path"),
				*in.OrgID, lo, hi).Scan(&path)
			if apperr.IsNotFound(err) {
				return apperr.InvalidField("org_id", "党组织不存在或不在您的管理范围内")
			}
			if err != nil {
				return fmt.Errorf("add grant: %w", err)
			}
		} else if !sc.IsAll() {
			return apperr.InvalidField("org_id", "只有全系统范围的安全管理员才能授予全系统角色")
		}
		if role == RoleMember && u.MemberID == nil {
			return apperr.InvalidField("role", "该用户未关联党员档案,不能授予“党员”角色")
		}
		if err := grantable(ctx, u, role, in.OrgID); err != nil {
			return err
		}
		return s.insertGrant(ctx, tx, u, role, in, path, &gid)
	})
	if err != nil {
		return Grant{}, err
	}
	return s.grantOf(ctx, in.UserID, gid)
}

// insertGrant stores a grant checked by the caller and audits it.
func (s *Service) insertGrant(ctx context.Context, tx *sql.Tx, u User, role string, in GrantInput, path string, gid *int64) error {
	if err := tx.QueryRowContext(ctx, `INSERT INTO grants (user_id, role, org_id, committee_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		in.UserID, role, in.OrgID, in.CommitteeID, audit.ActorOf(ctx).Username, s.now()).Scan(gid); err != nil {
		if err != nil {
			return fmt.Errorf("insert grant: %w", err)
		}
		return nil
	}
	detail := map[string]any{"username": u.Username, "role": role, "org_id": in.OrgID}
	if in.CommitteeID != nil {
		// A committee's path is not an organisation's: the entry names no path.
		path, detail = "", map[string]any{"username": u.Username, "role": role, "committee_id": in.CommitteeID}
	}
	return audit.Record(ctx, s.DB, tx, audit.Event{Action: "grant", ObjectType: "grant", ObjectID: *gid, OrgPath: path, Detail: detail})
}

// addCommitteeGrant gives a CPPCC role on a node of the committees' tree:
// an office, a leader or a member on a committee, a handler on a handling
// unit. Only a security administrator of the whole system grants them.
func (s *Service) addCommitteeGrant(ctx context.Context, sc store.Scope, role string, in GrantInput) (Grant, error) {
	if in.OrgID != nil {
		return Grant{}, apperr.InvalidField("org_id", "政协的角色不授予在党组织上,请指定政协或承办单位")
	}
	if in.CommitteeID == nil {
		return Grant{}, apperr.InvalidField("committee_id", "请指定授权的政协或承办单位")
	}
	if !sc.IsAll() {
		return Grant{}, apperr.InvalidField("committee_id", "只有全系统范围的安全管理员才能授予政协的角色")
	}
	var gid int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.grantee(ctx, tx, in.UserID)
		if err != nil {
			return err
		}
		var kind string
		err = tx.QueryRowContext(ctx, "SELECT kind FROM committees WHERE id = $1", *in.CommitteeID).Scan(&kind)
		if apperr.IsNotFound(err) {
			return apperr.InvalidField("committee_id", "政协或承办单位不存在")
		}
		if err != nil {
			return fmt.Errorf("add committee grant: %w", err)
		}
		if (kind == "unit") != (role == RoleHandler) {
			return apperr.InvalidField("committee_id", "“提案承办单位”角色授予在承办单位上,其他政协角色授予在政协上")
		}
		for _, g := range u.Grants {
			if g.Role == role && g.CommitteeID != nil && *g.CommitteeID == *in.CommitteeID {
				return apperr.Conflict("该用户已有此授权")
			}
		}
		if err := grantable(ctx, u, role, nil); err != nil {
			return err
		}
		return s.insertGrant(ctx, tx, u, role, in, "", &gid)
	})
	if err != nil {
		return Grant{}, err
	}
	return s.grantOf(ctx, in.UserID, gid)
}

// grantOf is the grant gid of a user, as it now reads.
func (s *Service) grantOf(ctx context.Context, userID, gid int64) (Grant, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return Grant{}, err
	}
	for _, g := range u.Grants {
		if g.ID == gid {
			return g, nil
		}
	}
	return Grant{}, apperr.NotFound("授权")
}

// grantee is the account a grant is for; a missing one is a wrong field.
func (s *Service) grantee(ctx context.Context, q store.Querier, id int64) (User, error) {
	u, err := s.userBy(ctx, q, "id", id)
	if apperr.IsNotFound(err) {
		return u, apperr.InvalidField("user_id", "用户不存在")
	}
	return u, err
}

// grantable refuses a grant that would break the separation of duties:
// nobody grants a role to themselves, the three administrators' roles are
// granted only on the server's command line, and an account holding one of
// them holds no other role (nor a business account one of them).
func grantable(ctx context.Context, u User, role string, orgID *int64) error {
	a := audit.ActorOf(ctx)
	switch {
	case a.UserID != 0 && a.UserID == u.ID:
		return refused("不能给自己授权")
	case a.UserID != 0 && SystemRole(role):
		return refused("系统管理员、安全管理员、审计管理员只能在服务器上用命令行授予")
	}
	for _, g := range u.Grants {
		if g.Role == role && g.CommitteeID == nil && ((g.OrgID == nil && orgID == nil) || (g.OrgID != nil && orgID != nil && *g.OrgID == *orgID)) {
			return apperr.Conflict("该用户已有此授权")
		}
	}
	switch {
	case u.IsAdmin():
		return refused("该账号是系统管理员、安全管理员或审计管理员(三员),不能再授予其他角色")
	case SystemRole(role) && len(u.Grants) > 0:
		return refused("该账号已有其他角色;三员须使用专门的账号,不能兼任业务角色或其他管理员角色")
	}
	return nil
}

// RevokeGrant ends a grant in the revoker's scope; the user's sessions keep
// running but lose the grant at their next request.
func (s *Service) RevokeGrant(ctx context.Context, sc store.Scope, id int64) error {
	defer s.Forget()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		var role string
		var org sql.NullInt64
		var path sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT g.user_id, g.role, g.org_id, o.path FROM grants g LEFT JOIN orgs o ON o.id = g.org_id
			WHERE g.id = $1 AND g.revoked_at IS NULL`, id).Scan(&userID, &role, &org, &path)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && path.Valid && !sc.Contains(path.String)) || (err == nil && !path.Valid && !sc.IsAll()) {
			return apperr.NotFound("授权")
		}
		if err != nil {
			return err
		}
		if a := audit.ActorOf(ctx); a.UserID != 0 && a.UserID == userID {
			return refused("不能收回自己的授权")
		} else if a.UserID != 0 && SystemRole(role) {
			return refused("系统管理员、安全管理员、审计管理员的授权只能在服务器上用命令行收回")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE grants SET revoked_at = $1 WHERE id = $2", s.now(), id); err != nil {
			return fmt.Errorf("revoke grant: %w", err)
		}
		return audit.Record(ctx, s.DB, tx, audit.Event{Action: "revoke", ObjectType: "grant", ObjectID: id, OrgPath: path.String,
			Detail: map[string]any{"user_id": userID, "role": role}})
	})
}
