package api

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/auditview"
	"dangjian/internal/auth"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/store"
)

// LoginInput is a user name and password.
type LoginInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// SessionAnswer is a new session: its token (as a Bearer token or the
// dj_session cookie) and the anti-forgery token cookie-based clients send
// in X-CSRF-Token.
type SessionAnswer struct {
	Token              string    `json:"token"`
	CSRF               string    `json:"csrf_token"`
	User               auth.User `json:"user"`
	MustChangePassword bool      `json:"must_change_password"`
}

// Me is the caller's account.
type Me struct {
	User               auth.User `json:"user"`
	MustChangePassword bool      `json:"must_change_password"`
}

// PasswordChange is the caller's own password change.
type PasswordChange struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

// PasswordReset is an administrator's reset.
type PasswordReset struct {
	Password string `json:"password"`
}

// TokenInput names a new API token and its optional expiry.
type TokenInput struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// NewToken is a created token with its secret, shown once.
type NewToken struct {
	Token  string     `json:"token"`
	Record auth.Token `json:"record"`
}

// Verification is the result of checking the audit chain.
type Verification struct {
	Entries  int64           `json:"entries"`
	Problems []audit.Problem `json:"problems"`
}

func (a *API) accessRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/session", Tag: "登录", Summary: "用用户名和密码登录,得到会话令牌", Body: LoginInput{}, Result: SessionAnswer{},
			Status: http.StatusCreated, Handle: withBody(a.login)},
		{Method: "DELETE", Path: "/api/v1/session", Tag: "登录", Summary: "退出登录(结束当前会话)", Perm: auth.PermAuth, DuringChange: true, Status: http.StatusNoContent,
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				tok, _ := auth.Credential(r)
				return nil, a.Auth.Logout(r.Context(), tok)
			}},
		{Method: "GET", Path: "/api/v1/me", Tag: "本人", Summary: "当前用户及其授权", Perm: auth.PermAuth, DuringChange: true, Result: Me{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				id := identity(r)
				return Me{User: id.User, MustChangePassword: id.MustChange}, nil
			}},
		{Method: "POST", Path: "/api/v1/me/password", Tag: "本人", Summary: "修改本人密码(将结束本人的全部会话)", Perm: auth.PermAuth, DuringChange: true,
			Body: PasswordChange{}, Status: http.StatusNoContent, Handle: withBody(a.changeOwnPassword)},
		{Method: "GET", Path: "/api/v1/me/member", Tag: "本人", Summary: "本人的党员档案", Perm: auth.PermSelf, Result: member.Member{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				mid, err := ownMember(r)
				if err != nil {
					return nil, err
				}
				return a.Members.Get(r.Context(), store.All, mid)
			}},
		{Method: "GET", Path: "/api/v1/me/requests", Tag: "本人", Summary: "本人提出的信息修改申请", Perm: auth.PermSelf, Result: store.List[member.ChangeRequest]{},
			Query: pageParams(), Handle: func(r *http.Request, _ store.Scope) (any, error) {
				mid, err := ownMember(r)
				if err != nil {
					return nil, err
				}
				p, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return a.Members.Requests(r.Context(), store.All, "", mid, p)
			}},
		{Method: "POST", Path: "/api/v1/me/requests", Tag: "本人", Summary: "申请修改本人的联系电话、学历、职业或工作岗位", Perm: auth.PermSelf,
			Body: member.RequestInput{}, Result: member.ChangeRequest{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, _ store.Scope, in member.RequestInput) (any, error) {
				mid, err := ownMember(r)
				if err != nil {
					return nil, err
				}
				return a.Members.RequestChange(r.Context(), mid, identity(r).User.ID, in)
			})},
		{Method: "GET", Path: "/api/v1/requests", Tag: "党员", Summary: "党员提出的信息修改申请", Perm: auth.PermRequestAdmin,
			Query: describe(pageParams(), Param{"status", "pending、approved、rejected", "string"}), Result: store.List[member.ChangeRequest]{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				p, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return a.Members.Requests(r.Context(), sc, r.URL.Query().Get("status"), 0, p)
			}},
		{Method: "POST", Path: "/api/v1/requests/{id}/decision", Tag: "党员", Summary: "同意(并修改档案)或驳回修改申请", Perm: auth.PermRequestAdmin,
			Body: member.Decision{}, Result: member.ChangeRequest{},
			Handle: withIDBody("修改申请", func(r *http.Request, sc store.Scope, id int64, d member.Decision) (any, error) {
				return a.Members.Decide(r.Context(), sc, id, d)
			})},
		{Method: "POST", Path: "/api/v1/members/{id}/reveal", Tag: "党员", Summary: "查看完整的公民身份号码和联系电话(记入审计日志)", Perm: auth.PermMemberReveal,
			Result: member.Revealed{}, Handle: withID("人员", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return a.Members.Reveal(r.Context(), sc, id)
			})},

		// API tokens (each user their own).
		{Method: "GET", Path: "/api/v1/tokens", Tag: "访问令牌", Summary: "本人的访问令牌", Perm: auth.PermAuth, Result: []auth.Token{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				return a.Auth.Tokens(r.Context(), identity(r).User.ID)
			}},
		{Method: "POST", Path: "/api/v1/tokens", Tag: "访问令牌", Summary: "为本人新建访问令牌(令牌只显示这一次;须用登录会话创建,不能用令牌创建令牌;默认90天后过期,最长一年)", Perm: auth.PermAuth,
			Body: TokenInput{}, Result: NewToken{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, _ store.Scope, in TokenInput) (any, error) {
				if identity(r).TokenID != 0 {
					return nil, errTokenFromToken
				}
				tok, rec, err := a.Auth.CreateToken(r.Context(), identity(r).User.ID, in.Name, in.ExpiresAt)
				return NewToken{Token: tok, Record: rec}, err
			})},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Tag: "访问令牌", Summary: "撤销本人的访问令牌(立即失效)", Perm: auth.PermAuth, Status: http.StatusNoContent,
			Handle: withID("访问令牌", func(r *http.Request, _ store.Scope, id int64) (any, error) {
				return nil, a.Auth.RevokeToken(r.Context(), identity(r).User.ID, id)
			})},

		// Accounts (系统管理员) and grants (安全管理员).
		{Method: "GET", Path: "/api/v1/users", Tag: "用户", Summary: "用户列表", Perm: auth.PermUserRead, Query: pageParams(), Result: store.List[auth.User]{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) {
				p, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return a.Auth.Users(r.Context(), p)
			}},
		{Method: "POST", Path: "/api/v1/users", Tag: "用户", Summary: "新建用户", Perm: auth.PermUserAdmin, Body: auth.NewUser{}, Result: auth.User{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, _ store.Scope, in auth.NewUser) (any, error) {
				return a.Auth.CreateUser(r.Context(), in)
			})},
		{Method: "GET", Path: "/api/v1/users/{id}", Tag: "用户", Summary: "用户详情", Perm: auth.PermUserRead, Result: auth.User{},
			Handle: withID("用户", func(r *http.Request, _ store.Scope, id int64) (any, error) { return a.Auth.User(r.Context(), id) })},
		{Method: "PATCH", Path: "/api/v1/users/{id}", Tag: "用户", Summary: "修改用户名称或停用用户", Perm: auth.PermUserAdmin, Body: auth.UserPatch{}, Result: auth.User{},
			Handle: withIDBody("用户", func(r *http.Request, _ store.Scope, id int64, p auth.UserPatch) (any, error) {
				return a.Auth.UpdateUser(r.Context(), id, p)
			})},
		{Method: "POST", Path: "/api/v1/users/{id}/password", Tag: "用户", Summary: "重置用户密码(用户下次登录须修改)", Perm: auth.PermUserAdmin,
			Body: PasswordReset{}, Status: http.StatusNoContent,
			Handle: withIDBody("用户", func(r *http.Request, _ store.Scope, id int64, p PasswordReset) (any, error) {
				return nil, a.Auth.Reset(r.Context(), id, p.Password)
			})},
		{Method: "POST", Path: "/api/v1/users/{id}/admin-password", Tag: "用户", Summary: "重置系统管理员、安全管理员或审计管理员(三员)的密码(安全管理员;不能重置本人)",
			Perm: auth.PermGrantAdmin, Body: PasswordReset{}, Status: http.StatusNoContent,
			Handle: withIDBody("用户", func(r *http.Request, _ store.Scope, id int64, p PasswordReset) (any, error) {
				return nil, a.Auth.Reset(r.Context(), id, p.Password)
			})},
		{Method: "POST", Path: "/api/v1/users/{id}/unlock", Tag: "用户", Summary: "解除账号锁定", Perm: auth.PermGrantAdmin, Result: auth.User{},
			Handle: withID("用户", func(r *http.Request, _ store.Scope, id int64) (any, error) { return a.Auth.Unlock(r.Context(), id) })},
		{Method: "POST", Path: "/api/v1/grants", Tag: "用户", Summary: "授予角色(在某党组织及其全部下级范围内)", Perm: auth.PermGrantAdmin,
			Body: auth.GrantInput{}, Result: auth.Grant{}, Status: http.StatusCreated,
			Handle: withBody(func(r *http.Request, sc store.Scope, in auth.GrantInput) (any, error) {
				return a.Auth.AddGrant(r.Context(), sc, in)
			})},
		{Method: "DELETE", Path: "/api/v1/grants/{id}", Tag: "用户", Summary: "收回授权", Perm: auth.PermGrantAdmin, Status: http.StatusNoContent,
			Handle: withID("授权", func(r *http.Request, sc store.Scope, id int64) (any, error) {
				return nil, a.Auth.RevokeGrant(r.Context(), sc, id)
			})},
		{Method: "GET", Path: "/api/v1/policy", Tag: "用户", Summary: "密码、锁定与会话策略", Perm: auth.PermGrantAdmin, Result: auth.Policy{},
			Handle: func(r *http.Request, _ store.Scope) (any, error) { return a.Auth.Policy(r.Context()) }},
		{Method: "PUT", Path: "/api/v1/policy", Tag: "用户", Summary: "修改密码、锁定与会话策略", Perm: auth.PermGrantAdmin, Body: auth.Policy{}, Result: auth.Policy{},
			Handle: withBody(func(r *http.Request, _ store.Scope, p auth.Policy) (any, error) {
				return a.Auth.SetPolicy(r.Context(), p)
			})},

		// The audit trail (审计管理员).
		{Method: "GET", Path: "/api/v1/audit", Tag: "审计", Summary: "审计日志", Perm: auth.PermAuditRead, Query: auditParams(), Result: store.List[audit.Entry]{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				f, err := auditFilter(r)
				if err != nil {
					return nil, err
				}
				p, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return audit.List(r.Context(), a.DB, sc, f, p)
			}},
		{Method: "GET", Path: "/api/v1/audit/auditors", Tag: "审计", Summary: "审计管理员本身的操作记录(安全管理员查看)", Perm: auth.PermAuditorTrail,
			Query: pageParams(), Result: store.List[audit.Entry]{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				p, err := pageParam(r)
				if err != nil {
					return nil, err
				}
				return audit.List(r.Context(), a.DB, store.All, audit.Filter{ByRole: auth.RoleAuditor}, p)
			}},
		{Method: "GET", Path: "/api/v1/audit/export", Tag: "审计", Summary: "导出审计日志为 Excel(导出本身也记入审计日志)", Perm: auth.PermAuditRead,
			Query: auditFilterParams, Handle: a.exportAudit},
		{Method: "GET", Path: "/api/v1/audit/verify", Tag: "审计", Summary: "校验审计日志的哈希链,列出被修改或删除的记录", Perm: auth.PermAuditRead, Result: Verification{},
			Handle: func(r *http.Request, sc store.Scope) (any, error) {
				if !sc.IsAll() {
					return nil, auth.ErrForbidden
				}
				ps, n, err := audit.Verify(r.Context(), a.DB)
				if ps == nil {
					ps = []audit.Problem{}
				}
				return Verification{Entries: n, Problems: ps}, err
			}},
	}
}

var errTokenFromToken = apperr.New("forbidden", http.StatusForbidden, "访问令牌不能用来创建新的令牌,请登录后在“我的”页面创建")

func ownMember(r *http.Request) (int64, error) {
	id := identity(r)
	if id.User.MemberID == nil {
		return 0, apperr.NotFound("本人的党员档案")
	}
	return *id.User.MemberID, nil
}

func (a *API) login(r *http.Request, _ store.Scope, in LoginInput) (any, error) {
	tok, id, err := a.Auth.Login(r.Context(), strings.TrimSpace(in.Username), in.Password, auth.ClientIP(r))
	if err != nil {
		return nil, err
	}
	return SessionAnswer{Token: tok, CSRF: id.CSRF, User: id.User, MustChangePassword: id.MustChange}, nil
}

func (a *API) changeOwnPassword(r *http.Request, _ store.Scope, in PasswordChange) (any, error) {
	return nil, a.Auth.ChangeOwnPassword(r.Context(), identity(r).User.ID, in.OldPassword, in.NewPassword)
}

// auditFilterParams are the trail's filters (auditFilter), the page's and the export's.
var auditFilterParams = []Param{{"user", "用户名", "string"}, {"action", "操作,如 login、create、update、reveal、export", "string"},
	{"object_type", "对象类型,如 member、org、user", "string"}, {"from", "起始日期(含),如 2026-01-01", "string"},
	{"to", "截止日期(含)", "string"}, {"org", "党组织编号:只看该组织及下级的记录", "integer"}, {"org_q", "党组织名称(页面的选择框,接口不读)", "string"}}

func auditParams() []Param { return describe(pageParams(), auditFilterParams...) }

func auditFilter(r *http.Request) (audit.Filter, error) { return audit.FilterOf(r.URL.Query()) }

func (a *API) exportAudit(r *http.Request, sc store.Scope) (any, error) {
	f, err := auditFilter(r)
	if err != nil {
		return nil, err
	}
	if err := audit.Append(r.Context(), a.DB, audit.Event{Action: "export", ObjectType: "audit", OrgPath: sc.Path,
		Detail: map[string]any{"filter": r.URL.RawQuery}}); err != nil {
		return nil, err
	}
	name := "审计日志-" + date.Of(a.now()).String() + ".xlsx"
	return Download{Name: name, ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		Write: func(w io.Writer) error { return writeAuditSheet(r, a, sc, f, w) }}, nil
}

// writeAuditSheet streams the trail into a workbook, one row an entry.
func writeAuditSheet(r *http.Request, a *API, sc store.Scope, f audit.Filter, w io.Writer) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "审计日志"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 11, 16); err != nil {
		return err
	}
	header := []any{"序号", "时间(北京时间)", "用户", "来源地址", "操作", "对象", "对象名称", "对象编号", "内容", "原始记录", "哈希"}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row := 2
	err = audit.Each(r.Context(), a.DB, sc, f, func(e audit.Entry) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		w := auditview.RowOf(e)
		return sw.SetRow(cell, []any{e.ID, e.At.In(date.Shanghai).Format("2006-01-02 15:04:05"), e.Username, e.IP, w.ActionLabel,
			w.ObjectLabel, w.ObjectName, e.ObjectID, strings.Join(w.Lines, "\n"), string(e.Detail), e.Hash})
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}
