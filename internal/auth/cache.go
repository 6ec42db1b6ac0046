package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// identityTTL bounds how long an authenticated token is trusted without
// reading the database again. A change made through this Service — logout,
// revocation, grants, passwords, disabling, the policy — takes effect at
// once, since it empties the cache; a change made by another process (the
// command line, a second server on the same PostgreSQL) within this time.
const identityTTL = 2 * time.Second

// maxCached bounds the cache; past it the cache starts again empty.
const maxCached = 50000

type cachedIdentity struct {
	id    Identity
	until time.Time
	gen   uint64
}

// identityCache keeps recent authentications by token hash. gen counts the
// changes: an entry read before a change is not used after it.
type identityCache struct {
	mu  sync.RWMutex
	m   map[string]cachedIdentity
	gen atomic.Uint64
}

// Authenticate returns the identity a session or API token stands for,
// from the cache when it was read within identityTTL and nothing changed since.
func (s *Service) Authenticate(ctx context.Context, token string) (Identity, error) {
	hash := hashToken(token)
	now := s.now()
	gen := s.cache.gen.Load()
	s.cache.mu.RLock()
	c, ok := s.cache.m[hash]
	s.cache.mu.RUnlock()
	if ok && c.gen == gen && now.Before(c.until) {
		return c.id, nil
	}
	id, err := s.authenticate(ctx, token)
	if err != nil {
		return id, err
	}
	s.cache.mu.Lock()
	if s.cache.m == nil || len(s.cache.m) >= maxCached {
		s.cache.m = map[string]cachedIdentity{}
	}
	s.cache.m[hash] = cachedIdentity{id: id, until: now.Add(identityTTL), gen: gen}
	s.cache.mu.Unlock()
	return id, nil
}

// Forget forgets every cached identity; it is called after each change to
// accounts, grants, sessions, tokens or the policy is committed (and by
// tests that change them in the database directly).
func (s *Service) Forget() {
	s.cache.gen.Add(1)
	s.cache.mu.Lock()
	s.cache.m = nil
	s.cache.mu.Unlock()
}
