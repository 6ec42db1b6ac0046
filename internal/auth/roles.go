package auth

import "dangjian/internal/vocab"

// Role identifiers, as on the command line and in the API.
const (
	RoleSysadmin  = "sysadmin"
	RoleSecadmin  = "secadmin"
	RoleAuditor   = "auditor"
	RoleOrgAdmin  = "org_admin"
	RoleSecretary = "secretary"
	RoleMember    = "member"
	RoleViewer    = "viewer"
	// The consultative work's roles, granted on a node of the committees'
	// tree (a committee; a handling unit for RoleHandler), never on the
	// organisation tree.
	RoleCppccOffice = "cppcc_office"
	RoleCppccLeader = "cppcc_leader"
	RoleCppccMember = "cppcc_member"
	RoleHandler     = "handler"
)

// Roles with their Chinese names.
var Roles = vocab.Enum{
	{Code: RoleSysadmin, Label: "系统管理员"},
	{Code: RoleSecadmin, Label: "安全管理员"},
	{Code: RoleAuditor, Label: "审计管理员"},
	{Code: RoleOrgAdmin, Label: "组织部/党(工)委管理员"},
	{Code: RoleSecretary, Label: "支部书记"},
	{Code: RoleMember, Label: "党员"},
	{Code: RoleViewer, Label: "统计查看"},
	{Code: RoleCppccOffice, Label: "政协办公室(提案委员会)"},
	{Code: RoleCppccLeader, Label: "政协主席会议成员"},
	{Code: RoleCppccMember, Label: "政协委员"},
	{Code: RoleHandler, Label: "提案承办单位"},
}

// CommitteeRole tells whether a role is granted on the committees' tree.
func CommitteeRole(role string) bool {
	return role == RoleCppccOffice || role == RoleCppccLeader || role == RoleCppccMember || role == RoleHandler
}

// SystemRole tells whether a role is granted on the whole system only.
func SystemRole(role string) bool {
	return role == RoleSysadmin || role == RoleSecadmin || role == RoleAuditor
}

// Perm is one kind of action.
type Perm string

// The permissions the routes ask for.
const (
	PermOrgRead      Perm = "org.read"       // the tree and organisations' particulars
	PermOrgWrite     Perm = "org.write"      // create, change, move, dissolve organisations
	PermUnitRead     Perm = "unit.read"      // units and coverage
	PermUnitWrite    Perm = "unit.write"     // register and change units
	PermStatsRead    Perm = "stats.read"     // figures
	PermMemberRead   Perm = "member.read"    // rows about persons (masked)
	PermMemberWrite  Perm = "member.write"   // the roster, pipeline, mobile records, transfers
	PermMemberReveal Perm = "member.reveal"  // full ID numbers and phones, each look audited
	PermRequestAdmin Perm = "request.admin"  // decide members' change requests
	PermSelf         Perm = "self"           // a member's own record and requests
	PermUserRead     Perm = "user.read"      // the list of accounts
	PermUserAdmin    Perm = "user.admin"     // create, change, disable accounts, reset passwords
	PermGrantAdmin   Perm = "grant.admin"    // role grants, password policy, unlocking
	PermAuditRead    Perm = "audit.read"     // the audit trail
	PermAuditorTrail Perm = "audit.auditors" // the trail of the audit administrators' own actions
	PermWorkRead     Perm = "work.read"      // grassroots work records (visits, pairings, funds, …)
	PermWorkWrite    Perm = "work.write"     // record grassroots work
	PermFundApprove  Perm = "fund.approve"   // approve or reject disbursements entered by another user
	// PermLibraryRead reads the experience library: every role of the
	// work, none of the three administrators'.
	PermLibraryRead Perm = "library.read"
	// The consultative work's permissions, whose scopes are paths of the
	// committees' tree: no role carries one of them and one of the above.
	PermCppccRead   Perm = "cppcc.read"   // a committee's members, proposals and figures
	PermCppccWrite  Perm = "cppcc.write"  // members, sessions, review and assignment of proposals
	PermCppccLead   Perm = "cppcc.lead"   // choose key proposals, lead their supervision
	PermCppccSelf   Perm = "cppcc.self"   // a member's own proposals, co-signing and evaluation
	PermCppccHandle Perm = "cppcc.handle" // a handling unit's assigned proposals and replies
)

var rolePerms = map[string][]Perm{
	RoleSysadmin: {PermUserRead, PermUserAdmin},
	RoleSecadmin: {PermUserRead, PermGrantAdmin, PermOrgRead, PermAuditorTrail},
	RoleAuditor:  {PermAuditRead},
	RoleOrgAdmin: {PermOrgRead, PermOrgWrite, PermUnitRead, PermUnitWrite, PermStatsRead,
		PermMemberRead, PermMemberWrite, PermMemberReveal, PermRequestAdmin, PermWorkRead, PermWorkWrite, PermFundApprove, PermLibraryRead},
	RoleSecretary: {PermOrgRead, PermUnitRead, PermUnitWrite, PermStatsRead,
		PermMemberRead, PermMemberWrite, PermMemberReveal, PermRequestAdmin, PermWorkRead, PermWorkWrite, PermFundApprove, PermLibraryRead},
	RoleMember: {PermSelf, PermLibraryRead},
	RoleViewer: {PermOrgRead, PermUnitRead, PermStatsRead, PermLibraryRead},

	RoleCppccOffice: {PermCppccRead, PermCppccWrite, PermLibraryRead},
	RoleCppccLeader: {PermCppccRead, PermCppccLead, PermLibraryRead},
	RoleCppccMember: {PermCppccSelf, PermLibraryRead},
	RoleHandler:     {PermCppccHandle, PermLibraryRead},
}

// PermAuth is asked by routes open to every logged-in user.
const PermAuth Perm = "auth"

// Allows tells whether a role carries a permission.
func Allows(role string, p Perm) bool {
	if p == PermAuth {
		return true
	}
	for _, q := range rolePerms[role] {
		if q == p {
			return true
		}
	}
	return false
}
