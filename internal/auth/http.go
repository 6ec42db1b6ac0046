package auth

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"sort"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/store"
)

// SessionCookie is the name of the web session cookie.
const SessionCookie = "dj_session"

type identityKey struct{}
type authErrKey struct{}

// IdentityFrom returns the authenticated caller of a request, if any.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// ErrorFrom returns why the credentials a request presented were refused, if they were.
func ErrorFrom(ctx context.Context) error {
	err, _ := ctx.Value(authErrKey{}).(error)
	return err
}

// WithIdentity returns ctx carrying id (and id as the actor of changes).
func WithIdentity(ctx context.Context, id Identity, ip string) context.Context {
	ctx = context.WithValue(ctx, identityKey{}, id)
	return audit.WithActor(ctx, audit.Actor{UserID: id.User.ID, Username: id.User.Username, IP: ip})
}

// ClientIP is the address of the client of r (the proxy's, behind one).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// AddressKey is the key a client address is limited and counted by: an
// IPv4 address itself, an IPv6 address its /64 (one subscriber's network,
// in which a client may pick any address); anything else as it is.
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a.WithZone(""), 64).Masked().String()
}

type tlsKey struct{}

// OverTLS marks r as having reached the proxy in front over TLS.
func OverTLS(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), tlsKey{}, true))
}

// Secure tells whether the client's connection is TLS, here or at the
// trusted proxy in front: cookies are then marked Secure.
func Secure(r *http.Request) bool {
	b, _ := r.Context().Value(tlsKey{}).(bool)
	return r.TLS != nil || b
}

// AuditView records in the trail what one of the three administrators
// looks at (a GET of a page or of the API), as their changes are: every
// action of theirs is in it. Anyone else's views are not recorded.
func AuditView(r *http.Request, db *store.DB, what string) error {
	id, ok := IdentityFrom(r.Context())
	if r.Method != http.MethodGet || !ok || !id.User.IsAdmin() {
		return nil
	}
	return audit.Append(r.Context(), db, audit.Event{Action: "view", ObjectType: what,
		Detail: map[string]any{"path": r.URL.Path, "query": r.URL.RawQuery}})
}

// Credential returns the token a request presents and whether it came in the session cookie.
func Credential(r *http.Request) (token string, cookie bool) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), false
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return c.Value, true
	}
	return "", false
}

// Middleware authenticates the credentials of every request, if it presents
// any, and puts the identity (or the refusal) in the request's context.
// Handlers decide what a missing identity means.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, _ := Credential(r)
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		id, err := s.Authenticate(r.Context(), token)
		if err != nil {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authErrKey{}, err)))
			return
		}
		next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id, ClientIP(r))))
	})
}

// FromCookie tells whether the request authenticated with the session cookie
// (and so needs an anti-forgery token on every change).
func FromCookie(r *http.Request) bool {
	_, cookie := Credential(r)
	return cookie
}

// ScopesFor returns the scopes of the grants that carry p, broadest first.
func (id Identity) ScopesFor(p Perm) []store.Scope {
	var out []store.Scope
	seen := map[string]bool{}
	for _, g := range id.User.Grants {
		if !Allows(g.Role, p) {
			continue
		}
		sc := g.Scope()
		if !seen[sc.Path] {
			seen[sc.Path] = true
			out = append(out, sc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Path) < len(out[j].Path) })
	return out
}

// Allows tells whether a grant carrying p covers the organisation at path.
func (id Identity) Allows(p Perm, path string) bool {
	for _, sc := range id.ScopesFor(p) {
		if sc.Contains(path) {
			return true
		}
	}
	return false
}

// Within runs fn in the union of the scopes of the grants that carry p: a
// user with several grants sees in every list what any of them covers, and
// reaches every object any of them covers. It refuses with 403 when no
// grant carries p.
func (id Identity) Within(p Perm, fn func(sc store.Scope) error) error {
	scopes := id.ScopesFor(p)
	if len(scopes) == 0 {
		return ErrForbidden
	}
	return fn(store.Union(scopes...))
}

// WithinReading runs fn as Within(p), or, when narrower is set, within the
// scopes of the grants that carry the stronger permission strong, refused
// with refusal when none does: a roster search by a part of an ID number
// reads only where its reader may reveal numbers.
func (id Identity) WithinReading(p, strong Perm, narrower bool, refusal error, fn func(sc store.Scope) error) error {
	if !narrower {
		return id.Within(p, fn)
	}
	if len(id.ScopesFor(strong)) == 0 {
		return refusal
	}
	return id.Within(strong, fn)
}

// ErrForbidden refuses an action no grant of the caller's allows.
var ErrForbidden = apperr.New("forbidden", http.StatusForbidden, "您的角色没有进行此操作的权限")
