package server

import (
	"net/http"

	"dangjian/internal/auth"
)

// Limits are the request rates allowed per client address (per /64 for IPv6).
type Limits struct {
	LoginPerMinute     float64 // attempts at POST /login and POST /api/v1/session
	LoginBurst         int
	AnonymousPerMinute float64 // every other request without valid credentials
	AnonymousBurst     int
}

// DefaultLimits keep a guesser to ten passwords a minute per address.
var DefaultLimits = Limits{LoginPerMinute: 10, LoginBurst: 10, AnonymousPerMinute: 600, AnonymousBurst: 120}

// rateLimit refuses, with 429, login attempts and unauthenticated requests
// beyond the limits. It runs after authentication, so a logged-in user is
// limited only by the server's capacity.
func rateLimit(next http.Handler, lim Limits) http.Handler {
	login := auth.NewLimiter(lim.LoginPerMinute, lim.LoginBurst)
	anon := auth.NewLimiter(lim.AnonymousPerMinute, lim.AnonymousBurst)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := auth.AddressKey(auth.ClientIP(r))
		isLogin := r.Method == http.MethodPost && (r.URL.Path == "/login" || r.URL.Path == "/api/v1/session")
		_, known := auth.IdentityFrom(r.Context())
		if (isLogin && !login.Allow(ip)) || (!known && !isLogin && !anon.Allow(ip)) {
			w.Header().Set("Retry-After", "60")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"请求过于频繁,请一分钟后再试"}}` + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
