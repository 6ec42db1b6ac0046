package server

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"dangjian/internal/auth"
)

// limiter keeps one token bucket per client address.
type limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute float64, burst int) *limiter {
	return &limiter{every: rate.Limit(perMinute / 60), burst: burst, buckets: map[string]*bucket{}}
}

func (l *limiter) allow(ip string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > 10*time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[ip]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[ip] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// Limits are the request rates allowed per client address.
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
	login := newLimiter(lim.LoginPerMinute, lim.LoginBurst)
	anon := newLimiter(lim.AnonymousPerMinute, lim.AnonymousBurst)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := auth.ClientIP(r)
		isLogin := r.Method == http.MethodPost && (r.URL.Path == "/login" || r.URL.Path == "/api/v1/session")
		_, known := auth.IdentityFrom(r.Context())
		if (isLogin && !login.allow(ip)) || (!known && !isLogin && !anon.allow(ip)) {
			w.Header().Set("Retry-After", "60")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"请求过于频繁,请一分钟后再试"}}` + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
