package bench

// The whole server under load on loopback: requests per second, and the
// requests of many provinces while SQL (a rebalance) runs.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/org"
	"dangjian/internal/server"
	"dangjian/internal/store"
)

// during: users of one county in each province reading pages and figures
// and recording visits while DuringSQL runs (a rebalance of the cluster
// moving some provinces' shards), beside the same load before it:
// requests answered, failed (and why) and the 99th percentile.
func (s *Suite) during(ctx context.Context, root org.Org) error {
	srv, err := s.serve(ctx, root)
	if err != nil {
		return err
	}
	defer srv.stop()
	counties, err := store.Query(ctx, s.DB, func(sc store.Scanner) (org.Org, error) {
		var o org.Org
		return o, sc.Scan(&o.ID, &o.Path)
	}, "SELECT id, path FROM orgs WHERE depth = 3 AND dissolved_at IS NULL ORDER BY id")
	if err != nil {
		return err
	}
	var gets, visits []string
	seen := map[int64]bool{}
	for _, c := range counties {
		prov := store.ProvinceOf(c.Path)
		if seen[prov] {
			continue
		}
		lo, hi := store.PathRange(c.Path)
		var branch int64
		if err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE type = 'branch' AND path >= $1 AND path < $2 ORDER BY id LIMIT 1", lo, hi).Scan(&branch); err != nil {
			continue
		}
		seen[prov] = true
		id := strconv.FormatInt(c.ID, 10)
		gets = append(gets, "/api/v1/orgs/"+id+"/stats", "/api/v1/members?org="+id+"&size=20", "/api/v1/orgs/"+id+"/children",
			"/api/v1/work/visits?org="+id)
		visits = append(visits, fmt.Sprintf(`{"org_id": %d, "kind": "visit", "visited_on": "2026-06-01", "visitor": "性能测试", "target_kind": "household", "target_name": "张家"}`, branch))
	}
	if len(visits) == 0 {
		return fmt.Errorf("no county with a branch")
	}
	load := func(until func() bool) loadResult {
		return loadUntil(8, until, func(i int) *http.Request {
			var req *http.Request
			if i%5 == 4 {
				req, _ = http.NewRequest("POST", srv.base+"/api/v1/work/visits", strings.NewReader(visits[(i/5)%len(visits)]))
			} else {
				req, _ = http.NewRequest("GET", srv.base+gets[i%len(gets)], nil)
			}
			req.Header.Set("Authorization", "Bearer "+srv.token)
			return req
		})
	}
	deadline := time.Now().Add(max(s.HTTPDuration, 5*time.Second))
	before := load(func() bool { return time.Now().After(deadline) })
	var running atomic.Bool
	running.Store(true)
	start := time.Now()
	var sqlErr error
	go func() {
		defer running.Store(false)
		for _, q := range strings.Split(s.DuringSQL, ";") {
			if q = strings.TrimSpace(q); q != "" {
				if _, err := s.DB.ExecContext(ctx, q); err != nil {
					sqlErr = err
					return
				}
			}
		}
	}()
	while := load(func() bool { return !running.Load() })
	took := time.Since(start)
	if sqlErr != nil {
		return sqlErr
	}
	s.add(fmt.Sprintf("requests in %d provinces while the SQL ran (%s)", len(visits), took.Round(time.Second)), while.String(),
		"before: "+before.String()+" in "+max(s.HTTPDuration, 5*time.Second).String(),
		fmt.Sprintf("%.1f× p99", float64(while.p99)/float64(max(before.p99, time.Microsecond))))
	return nil
}

// loadResult is what a load sent: how many requests, how many failed and
// why (a status, or the client's error), and their 99th percentile.
type loadResult struct {
	n   int
	why map[string]int
	p99 time.Duration
}

func (r loadResult) String() string {
	failed := 0
	var parts []string
	for k, v := range r.why {
		failed += v
		parts = append(parts, fmt.Sprintf("%s ×%d", k, v))
	}
	out := fmt.Sprintf("%d, %d failed, p99 %s", r.n, failed, ms(r.p99))
	if len(parts) > 0 {
		sort.Strings(parts)
		out += " (" + strings.Join(parts, "; ") + ")"
	}
	return out
}

// loadUntil sends the requests req(i) from clients loops until until
// holds, and returns what was sent; a request fails when it has no answer
// or a status other than 200 and 201.
func loadUntil(clients int, until func() bool, req func(i int) *http.Request) loadResult {
	var mu sync.Mutex
	var ds []time.Duration
	r := loadResult{why: map[string]int{}}
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Go(func() {
			for i := c; !until(); i += clients {
				start := time.Now()
				res, err := http.DefaultClient.Do(req(i))
				d := time.Since(start)
				why := ""
				if err != nil {
					why = err.Error()
				} else {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 && res.StatusCode != 201 {
						why = "HTTP " + strconv.Itoa(res.StatusCode)
					}
				}
				mu.Lock()
				ds = append(ds, d)
				if why != "" {
					r.why[why]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
	if len(ds) > 0 {
		r.p99 = ds[min(len(ds)-1, len(ds)*99/100)]
	}
	r.n = len(ds)
	return r
}

// benchServer is the whole server on loopback with an organisation
// administrator of the root: an API token and a signed-in browser session.
type benchServer struct {
	base          string
	token         string
	session, csrf string
	stop          func()
}

// serve starts the server of the suite.
func (s *Suite) serve(ctx context.Context, root org.Org) (benchServer, error) {
	var b benchServer
	name, pw := fmt.Sprintf("bench%d", time.Now().UnixNano()), auth.RandomPassword()
	u, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: name, Password: pw})
	if err != nil {
		return b, err
	}
	if _, err := s.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: auth.RoleOrgAdmin, OrgID: &root.ID}); err != nil {
		return b, err
	}
	if b.token, _, err = s.Auth.CreateToken(ctx, u.ID, "bench", nil); err != nil {
		return b, err
	}
	var id auth.Identity
	if b.session, id, err = s.Auth.Login(ctx, name, pw, "127.0.0.1"); err != nil {
		return b, err
	}
	b.csrf = id.CSRF
	h := server.Handler(s.App, server.Defaults)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return b, err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	b.base, b.stop = "http://"+ln.Addr().String(), func() { _ = srv.Close() }
	return b, nil
}

// http: authenticated requests per second on loopback under concurrent clients.
func (s *Suite) http(ctx context.Context, root, _ org.Org) error {
	if s.HTTPDuration <= 0 {
		return nil
	}
	srv, err := s.serve(ctx, root)
	if err != nil {
		return err
	}
	defer srv.stop()
	base, tok := srv.base, srv.token
	load := func(path string, withToken bool) float64 {
		tr := &http.Transport{MaxIdleConnsPerHost: s.Clients, MaxConnsPerHost: s.Clients}
		client := &http.Client{Transport: tr}
		defer tr.CloseIdleConnections()
		var n atomic.Int64
		deadline := time.Now().Add(s.HTTPDuration)
		var wg sync.WaitGroup
		for c := 0; c < s.Clients; c++ {
			wg.Go(func() {
				for time.Now().Before(deadline) {
					req, _ := http.NewRequest("GET", base+path, nil)
					if withToken {
						req.Header.Set("Authorization", "Bearer "+tok)
					}
					res, err := client.Do(req)
					if err != nil {
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode == 200 {
						n.Add(1)
					}
				}
			})
		}
		wg.Wait()
		return float64(n.Load()) / s.HTTPDuration.Seconds()
	}
	// Baseline: an authenticated request that reads no figures and no rows.
	plain := load("/api/v1/vocabularies", true)
	statsRate := load("/api/v1/orgs/"+strconv.FormatInt(root.ID, 10)+"/stats", true)
	s.add(fmt.Sprintf("GET stats of the root, %d clients", s.Clients), fmt.Sprintf("%.0f req/s", statsRate),
		fmt.Sprintf("GET vocabularies: %.0f req/s", plain), fmt.Sprintf("%.2f×", statsRate/max(plain, 1)))
	searchRate := load("/api/v1/members?q=zh&size=20", true)
	s.add(fmt.Sprintf("GET search zh, %d clients", s.Clients), fmt.Sprintf("%.0f req/s", searchRate),
		fmt.Sprintf("GET vocabularies: %.0f req/s", plain), fmt.Sprintf("%.2f×", searchRate/max(plain, 1)))
	s.add("server memory after the loads", rss(), "", "")
	return nil
}

// rss reads the peak resident set size of this process.
func rss() string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return "peak RSS " + strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
