// Package auth owns who may do what: users, their role grants on the
// organisation tree and on the committees' tree, passwords, lockouts, web
// sessions and API tokens, the password policy, the rate limiter, and the
// roles and permissions every route names (roles.go). It imports store and
// audit; the API, the pages and the public channel authenticate through its
// Middleware and take their scopes from its Identity.
//
// # Scopes from grants
//
// Each grant is a role on an organisation's subtree, on a node of the
// committees' tree (the CPPCC roles), or, for the three administrator roles,
// the whole system. A handler runs once, in the union of the scopes of the
// caller's grants that carry the route's permission (Identity.ScopesFor,
// Within; store.Union): a user with grants on two branches sees both in every
// list, without the domain code knowing about grants. ScopesFor returns only
// scopes of the tree its permission belongs to, so a path of one tree is never
// read as a path of the other. A caller without the permission gets 403 before
// any object is looked up; a caller with it gets 404 for anything outside
// their grants. The API's and the pages' permission matrices (package api)
// check every route × role × own/sibling/ancestor/missing target.
//
// # The three administrators
//
// The system administrator manages accounts, the security administrator grants
// roles and sets the policy, the audit administrator reads the trail, and none
// of them reads members' personal data (classified protection, 等保; see
// docs/SECURITY.md). Service.guard and grantable keep them apart: no one acts
// on their own account or grants themselves a role; the administrator roles
// are granted only on the command line and never beside another role; their
// accounts are reset and unlocked by the security administrator alone.
//
// # Accounts and sessions
//
// Passwords are argon2id (19 MiB, two passes). Sessions and API tokens are
// 256-bit random secrets of which only the SHA-256 is stored; the prefix ("s."
// or "t.") says which table holds the hash. A session's last use is written at
// most once a minute and without waiting (store.TryExec). The policy (length,
// expiry, lockout, timeouts) is one row of settings. Authenticated tokens are
// cached for 2 s (identityCache), emptied by every committed change to
// accounts, grants, sessions, tokens or the policy in the same process.
package auth
