package web

import (
	"cmp"
	"net/http"
	"slices"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/auditview"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/member"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

func (s *Site) adminRoutes() []Route {
	return []Route{
		{"GET /users", auth.PermUserRead, 0, s.userList},
		{"POST /users", auth.PermUserRead, 0, s.userAct},
		{"GET /audit", auth.PermAuditRead, 0, s.auditList},
		{"GET /me", auth.PermAuth, 0, s.mePage},
		{"POST /me", auth.PermAuth, 0, s.meAct},
	}
}

type usersData struct {
	List             store.List[auth.User]
	Pager            Pager
	CanAdmin         bool // 系统管理员: accounts
	CanGrant         bool // 安全管理员: grants and unlocking
	Form             *Form
	NewPassword, For string
	GrantOrg         OrgPick // the organisation a role is granted over
	// Bodies are the committees and units a CPPCC role is granted on.
	Bodies []committee.Committee
}

func grantPicker() OrgPick {
	return OrgPick{ID: "org_id", Q: "org_q", Label: "党组织(三员角色不填)", For: "grant"}
}

func (s *Site) userList(c *Call) (Answer, error) {
	return s.userListWith(c, usersData{GrantOrg: grantPicker()})
}

// userListWith is the users page with d's form, new password or choices.
func (s *Site) userListWith(c *Call, d usersData) (Answer, error) {
	r, id := c.R, c.ID
	p := PageOf(r)
	var err error
	if d.List, err = s.Auth.Users(r.Context(), p); err != nil {
		return nil, err
	}
	d.Pager = NewPager(r, d.List.Total, p)
	d.CanAdmin = len(id.ScopesFor(auth.PermUserAdmin)) > 0
	d.CanGrant = len(id.ScopesFor(auth.PermGrantAdmin)) > 0
	if d.CanGrant {
		if d.Bodies, err = s.Cppcc.Nodes(r.Context()); err != nil {
			return nil, err
		}
	}
	return View{Name: "users.html", Title: "用户与授权", Data: d}, nil
}

// userAct carries out one form of the users page, named by its "op" field.
func (s *Site) userAct(c *Call) (Answer, error) {
	r, id := c.R, c.ID
	f := NewForm(r)
	ctx := r.Context()
	d := usersData{Form: f, GrantOrg: grantPicker()}
	var msg string
	var err error
	switch f.Get("op") {
	case "create":
		err = id.Within(auth.PermUserAdmin, func(store.Scope) error {
			pw := auth.RandomPassword()
			u, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: f.Get("username"), DisplayName: f.Get("display_name"), Password: pw, MustChange: true})
			d.NewPassword, d.For = pw, u.Username
			return err
		})
	case "reset":
		// A business account's by the system administrator, an administrator's by the security administrator (Auth.Reset).
		perm := auth.PermUserAdmin
		if len(id.ScopesFor(perm)) == 0 {
			perm = auth.PermGrantAdmin
		}
		err = id.Within(perm, func(store.Scope) error {
			pw := auth.RandomPassword()
			d.NewPassword, d.For = pw, f.Get("username")
			return s.Auth.Reset(ctx, f.ID("user_id"), pw)
		})
	case "grant":
		err = id.Within(auth.PermGrantAdmin, func(sc store.Scope) error {
			in := auth.GrantInput{UserID: f.ID("user_id"), Role: f.Get("role")}
			o, err := s.PickOrg(ctx, id, f, &d.GrantOrg)
			if err != nil {
				return err
			}
			if msg := f.Errors[d.GrantOrg.Q]; msg != "" {
				return apperr.InvalidField(d.GrantOrg.Q, "%s", msg)
			}
			if o != 0 {
				in.OrgID = &o
			}
			if c := f.ID("committee_id"); c != 0 {
				in.CommitteeID = &c
			}
			g, err := s.Auth.AddGrant(ctx, sc, in)
			msg = "已授予 " + g.RoleLabel + " · " + g.OrgName
			return err
		})
	case "revoke":
		err = id.Within(auth.PermGrantAdmin, func(sc store.Scope) error {
			msg = "已收回授权"
			return s.Auth.RevokeGrant(ctx, sc, f.ID("grant_id"))
		})
	case "unlock":
		err = id.Within(auth.PermGrantAdmin, func(store.Scope) error {
			_, err := s.Auth.Unlock(ctx, f.ID("user_id"))
			msg = "已解除锁定"
			return err
		})
	default:
		err = ErrUnknownOp
	}
	// A new password is shown once, on this answer, never in a URL.
	return finishOp(c, f, err, d.NewPassword != "", func() (Answer, error) { return s.userListWith(c, d) }, "/users", msg)
}

// finishOp ends an operation posted from a page: a user's mistake shows
// the page again with the form and its message, a secret the operation made
// (shown) is shown once on the page itself, and otherwise the browser goes
// back to the page with msg.
func finishOp(c *Call, f *Form, err error, shown bool, again func() (Answer, error), to, msg string) (Answer, error) {
	switch {
	case err != nil:
		return Refused(c.R, f, err, again)
	case shown:
		return again()
	}
	return Redirect{To: to, Flash: msg}, nil
}

type auditData struct {
	Rows []auditview.Row
	// The choices of the filters: codes with their words.
	Actions, Objects []auditview.Choice
	Filter           audit.Filter
	Export           string // the trail as filtered, as .xlsx
	From             string
	To               string
	List             store.List[audit.Entry]
	Pager            Pager
	Org              OrgPick // the organisation whose entries (and its subtree's) are shown
}

func (s *Site) auditList(c *Call) (Answer, error) {
	r := c.R
	q := r.URL.Query()
	filters := r.URL.Query()
	filters.Del("page") // the export takes the filters, not the page
	d := auditData{Export: "/api/v1/audit/export?" + filters.Encode(), From: q.Get("from"), To: q.Get("to"),
		Org: OrgPick{ID: "org", Q: "org_q", Label: "党组织(含下级)", For: "audit", Hint: "只看该组织及下级的记录"}}
	p := PageOf(r)
	f, err := audit.FilterOf(q)
	if err != nil {
		return nil, err
	}
	// The trail is read system-wide: the organisation the picker's text names, anywhere.
	if f.OrgID, err = s.OrgFromQuery(r, store.All); err != nil {
		ae, ok := apperr.As(err)
		if !ok || len(ae.Fields) == 0 {
			return nil, err
		}
		// Told under the picker, above an empty list.
		d.Org.Err, d.Org.Text = ae.Fields[0].Message, q.Get("org_q")
	} else {
		d.Filter = f
		if f.OrgID != 0 {
			o, err := s.Orgs.Get(r.Context(), store.All, f.OrgID)
			if err != nil {
				return nil, err
			}
			d.Org.Value, d.Org.Text = o.ID, o.Name
		}
		if d.List, err = audit.List(r.Context(), s.DB, c.Scope, f, p); err != nil {
			return nil, err
		}
	}
	d.Pager = NewPager(r, d.List.Total, p)
	for _, e := range d.List.Items {
		d.Rows = append(d.Rows, auditview.RowOf(e))
	}
	d.Actions, d.Objects = auditview.Actions(), auditview.Objects()
	return View{Name: "audit.html", Title: "审计日志", Data: d}, nil
}

type meData struct {
	// APIUser: the account works beyond its own record (a member's alone
	// has no use for API tokens) or has tokens already.
	APIUser  bool
	Grants   []auth.Grant
	Tokens   []auth.Token
	NewToken string
	Member   *member.Member
	Requests []member.ChangeRequest
	ToDecide []member.ChangeRequest
	// Asked is each request's changes as "字段:旧 → 新" (phones masked).
	Asked map[int64][]string
	Form  *Form
}

// changeLines writes what a request changes, from the member's present
// record to the value asked.
func changeLines(m member.Member, rq member.ChangeRequest) []string {
	var out []string
	line := func(label, old string, asked *string) {
		if asked != nil {
			out = append(out, label+":"+cmp.Or(old, "(空)")+" → "+cmp.Or(*asked, "(空)"))
		}
	}
	line("联系电话", m.PhoneMasked, rq.Shown.Phone)
	if rq.Shown.Education != nil {
		asked := vocab.Education.Label(*rq.Shown.Education)
		line("学历", m.EducationLabel, &asked)
	}
	line("职业", m.Occupation, rq.Shown.Occupation)
	line("工作岗位", m.Post, rq.Shown.Post)
	return out
}

func (s *Site) mePage(c *Call) (Answer, error) {
	return s.mePageWith(c, meData{})
}

// mePageWith is the caller's own page with d's form or new token.
func (s *Site) mePageWith(c *Call, d meData) (Answer, error) {
	id := c.ID
	ctx := c.R.Context()
	d.Grants = id.User.Grants
	var err error
	if d.Tokens, err = s.Auth.Tokens(ctx, id.User.ID); err != nil {
		return nil, err
	}
	d.APIUser = len(d.Tokens) > 0 || slices.ContainsFunc(id.User.Grants, func(g auth.Grant) bool { return g.Role != auth.RoleMember })
	if mid := id.User.MemberID; mid != nil && len(id.ScopesFor(auth.PermSelf)) > 0 {
		m, err := s.Members.Get(ctx, store.All, *mid)
		if err != nil {
			return nil, err
		}
		d.Member = &m
		l, err := s.Members.Requests(ctx, store.All, "", *mid, store.Page{Size: 20})
		if err != nil {
			return nil, err
		}
		d.Requests = l.Items
	}
	d.Asked = map[int64][]string{}
	if d.Member != nil {
		for _, rq := range d.Requests {
			d.Asked[rq.ID] = changeLines(*d.Member, rq)
		}
	}
	for _, sc := range id.ScopesFor(auth.PermRequestAdmin) {
		l, err := s.Members.Requests(ctx, sc, "pending", 0, store.Page{Size: 50})
		if err != nil {
			return nil, err
		}
		for _, rq := range l.Items {
			m, err := s.Members.Get(ctx, sc, rq.MemberID)
			if err != nil {
				return nil, err
			}
			d.Asked[rq.ID] = changeLines(m, rq)
		}
		d.ToDecide = append(d.ToDecide, l.Items...)
	}
	return View{Name: "me.html", Title: "我的", Data: d}, nil
}

func (s *Site) meAct(c *Call) (Answer, error) {
	r, id := c.R, c.ID
	f := NewForm(r)
	ctx := r.Context()
	d := meData{Form: f}
	var err error
	msg := "已办理"
	switch f.Get("op") {
	case "token":
		d.NewToken, _, err = s.Auth.CreateToken(ctx, id.User.ID, f.Get("name"), nil)
	case "revoke_token":
		err = s.Auth.RevokeToken(ctx, id.User.ID, f.ID("token_id"))
		msg = "令牌已撤销"
	case "request":
		if id.User.MemberID == nil || len(id.ScopesFor(auth.PermSelf)) == 0 {
			err = errNoSelf
			break
		}
		_, err = s.Members.RequestChange(ctx, *id.User.MemberID, id.User.ID, member.RequestInput{
			Changes: member.Input{Phone: f.Opt("phone"), Education: f.Opt("education"), Occupation: f.Opt("occupation"), Post: f.Opt("post")},
			Note:    f.Get("note")})
		msg = "申请已提交,待党组织审核"
	case "decide":
		err = id.Within(auth.PermRequestAdmin, func(sc store.Scope) error {
			_, err := s.Members.Decide(ctx, sc, f.ID("request_id"), member.Decision{Approve: f.Get("approve") == "1"})
			return err
		})
	default:
		err = ErrUnknownOp
	}
	return finishOp(c, f, err, d.NewToken != "", func() (Answer, error) { return s.mePageWith(c, d) }, "/me", msg)
}

var errNoSelf = apperr.New("forbidden", http.StatusForbidden, "您的账号没有关联党员档案")

// ErrUnknownOp refuses a form whose op is none the page knows (a page out of date).
var ErrUnknownOp = apperr.New("bad_form", http.StatusBadRequest, "表单内容不完整,请刷新页面后重试")
