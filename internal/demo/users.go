package demo

import (
	"context"

	"dangjian/internal/app"
	"dangjian/internal/auth"
	"dangjian/internal/store"
)

// Account is a demo login.
type Account struct {
	Username, Password, Role, Scope string
}

// Accounts creates one account for each role that works inside the tree, so
// that a newcomer can try every view: the city's organisation department,
// the first street's committee, a branch secretary, a member and a
// statistics viewer. The three administrators exist from the first start.
func Accounts(ctx context.Context, a *app.App, sum Summary) ([]Account, error) {
	plan := []struct {
		user, display, role string
		orgID               int64
		scope               string
		member              *int64
	}{
		{"zuzhibu", "市委组织部", auth.RoleOrgAdmin, sum.Root.ID, sum.Root.Name, nil},
		{"jiedao", "街道党工委", auth.RoleOrgAdmin, sum.Street.ID, sum.Street.Name, nil},
		// The secretary's account bears the branch's secretary's name: the
		// records they make name them (a visit's 走访人), not their post.
		{"zhibu", sum.Branch.Secretary, auth.RoleSecretary, sum.Branch.ID, sum.Branch.Name, nil},
		{"dangyuan", sum.Member.Name, auth.RoleMember, sum.Branch.ID, "本人(" + sum.Member.Name + ")", &sum.Member.ID},
		{"tongji", "统计查看", auth.RoleViewer, sum.Root.ID, sum.Root.Name, nil},
	}
	var out []Account
	for _, p := range plan {
		pw := auth.RandomPassword()
		u, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: p.user, DisplayName: p.display, Password: pw, MemberID: p.member})
		if err != nil {
			return nil, err
		}
		org := p.orgID
		if _, err := a.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: p.role, OrgID: &org}); err != nil {
			return nil, err
		}
		out = append(out, Account{p.user, pw, auth.Roles.Label(p.role), p.scope})
	}
	return out, nil
}
