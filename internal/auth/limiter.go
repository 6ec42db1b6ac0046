package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter keeps one token bucket per key (a client address, a user name).
type Limiter struct {
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

// NewLimiter allows perMinute events a minute per key, burst at once.
func NewLimiter(perMinute float64, burst int) *Limiter {
	return &Limiter{every: rate.Limit(perMinute / 60), burst: burst, buckets: map[string]*bucket{}}
}

// Allow tells whether one more event of key is within the rate, and counts it.
func (l *Limiter) Allow(key string) bool {
	now := time.Now()
	return l.bucket(key, now).AllowN(now, 1)
}

// Has tells whether one more event of key would be within the rate,
// without counting it (Spend counts it afterwards).
func (l *Limiter) Has(key string) bool {
	now := time.Now()
	return l.bucket(key, now).TokensAt(now) >= 1
}

// Spend counts one event of key.
func (l *Limiter) Spend(key string) { l.Allow(key) }

func (l *Limiter) bucket(key string, now time.Time) *rate.Limiter {
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
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim
}
