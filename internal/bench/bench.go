// Package bench is the fixed benchmark suite of "dangjian bench": every
// figure is measured beside a baseline taken in the same run, because the
// machines it runs on are shared and noisy.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/app"
	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/roster"
	"dangjian/internal/server"
	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/work"
)

// Row is one line of the result table.
type Row struct {
	Name     string
	Value    string
	Baseline string
	Ratio    string
}

// Suite runs against an open, populated database, through its services.
type Suite struct {
	*app.App
	Out io.Writer
	// HTTPDuration is how long each HTTP load lasts; Clients how many connections it uses.
	HTTPDuration time.Duration
	Clients      int
	// ImportRows and ExportRows size the roster benchmarks (0 skips them).
	ImportRows, ExportRows int
	// DuringSQL, when set, is the only benchmark: the statements are run
	// while a county's users read and write, and the failed requests counted.
	DuringSQL string
	// Consult alone runs only the consultative work's benchmarks; Public
	// only the public channel's (the spam defence's rates, the form's throughput).
	Consult, Public bool
	// Library, when above 0, runs only the experience library's benchmark at as many documents.
	Library int
	// Only, when not empty, names the steps of the suite to run (Steps).
	Only []string
	rows []Row
}

// Steps are the names of the suite's steps, in the order they run.
var Steps = []string{"figures", "search", "list", "transfers", "writes", "http", "export", "import", "beside", "cppcc", "public"}

// timings runs fn n times and returns the 50th and 99th percentiles.
func timings(n int, fn func(i int) error) (p50, p99 time.Duration, err error) {
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := fn(i); err != nil {
			return 0, 0, err
		}
		ds[i] = time.Since(start)
	}
	sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
	return ds[n/2], ds[min(n-1, n*99/100)], nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000) }

func (s *Suite) add(name, value, baseline, ratio string) {
	s.rows = append(s.rows, Row{name, value, baseline, ratio})
	fmt.Fprintf(s.Out, "%-44s %16s   %-34s %s\n", name, value, baseline, ratio)
}

// Run runs the whole suite and returns the table.
func (s *Suite) Run(ctx context.Context) ([]Row, error) {
	fmt.Fprintf(s.Out, "%-44s %16s   %-34s %s\n", "benchmark", "measured", "baseline (same run)", "ratio")
	if s.Consult {
		return s.rows, s.consult(ctx)
	}
	if s.Public {
		return s.rows, s.publicChannel(ctx)
	}
	if s.Library > 0 {
		return s.rows, s.library(ctx, s.Library)
	}
	roots, err := s.Orgs.Roots(ctx, store.All)
	if err != nil || len(roots) == 0 {
		return nil, fmt.Errorf("the database holds no organisations: generate data first with dangjian demo")
	}
	root := roots[0]
	county, err := s.orgAtDepth(ctx, 3)
	if err != nil {
		return nil, err
	}
	if s.DuringSQL != "" {
		return s.rows, s.during(ctx, root)
	}
	steps := []func(context.Context, org.Org, org.Org) error{s.figures, s.search, s.listPage, s.transfers, s.treeWrites, s.http, s.export, s.importRows, s.beside,
		func(ctx context.Context, _, _ org.Org) error { return s.consult(ctx) },
		func(ctx context.Context, _, _ org.Org) error { return s.publicChannel(ctx) }}
	for i, step := range steps {
		if len(s.Only) > 0 && !slices.Contains(s.Only, Steps[i]) {
			continue
		}
		if err := step(ctx, root, county); err != nil {
			return s.rows, err
		}
	}
	return s.rows, nil
}

func (s *Suite) orgAtDepth(ctx context.Context, depth int) (org.Org, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE depth = $1 AND dissolved_at IS NULL ORDER BY id LIMIT 1", depth).Scan(&id)
	if err != nil {
		return org.Org{}, fmt.Errorf("no organisation at depth %d: %w", depth, err)
	}
	return s.Orgs.Get(ctx, store.All, id)
}

// figures: reading the maintained figures against counting the rows.
func (s *Suite) figures(ctx context.Context, root, county org.Org) error {
	for _, o := range []org.Org{root, county} {
		p50, p99, err := timings(500, func(int) error { _, err := stats.Read(ctx, s.DB, o.Path); return err })
		if err != nil {
			return err
		}
		lo, hi := store.PathRange(o.Path)
		count := func() error {
			rows, err := s.DB.QueryContext(ctx, `SELECT m.stage, m.sex, m.education, COUNT(*) FROM members m JOIN orgs x ON x.id = m.org_id
				WHERE x.path >= $1 AND x.path < $2 AND m.status = 'active' GROUP BY m.stage, m.sex, m.education`, lo, hi)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}
		start := time.Now()
		if err := count(); err != nil {
			return err
		}
		recount := time.Since(start)
		s.add("figures of "+o.Name+" (p50 / p99)", ms(p50)+" / "+ms(p99), "count the rows: "+ms(recount), fmt.Sprintf("%.0f× faster (p99)", float64(recount)/float64(max(p99, time.Microsecond))))
	}
	return nil
}

func (s *Suite) sample(ctx context.Context, n int) ([]member.Member, error) {
	var out []member.Member
	var maxID int64
	if err := s.DB.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM members").Scan(&maxID); err != nil {
		return nil, err
	}
	for i := 0; i < n && maxID > 0; i++ {
		m, err := s.Members.Get(ctx, store.All, 1+int64(i)*maxID/int64(n))
		if err == nil {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no members to search for")
	}
	return out, nil
}

// search: exact ID, pinyin initials, full-pinyin and name prefixes anywhere; a name substring in a county.
func (s *Suite) search(ctx context.Context, root, county org.Org) error {
	sample, err := s.sample(ctx, 200)
	if err != nil {
		return err
	}
	_, base99, err := timings(len(sample), func(i int) error { _, err := s.Members.Get(ctx, store.All, sample[i].ID); return err })
	if err != nil {
		return err
	}
	baseline := "read one member by key: " + ms(base99)
	cases := []struct {
		name  string
		sc    store.Scope
		query func(m member.Member) member.Filter
	}{
		{"search exact ID number, whole tree", store.All, func(m member.Member) member.Filter { return member.Filter{Q: m.IDNumber} }},
		{"search pinyin initials prefix, whole tree", store.All, func(m member.Member) member.Filter { return member.Filter{Q: m.Initials} }},
		{"search full pinyin prefix, whole tree", store.All, func(m member.Member) member.Filter { return member.Filter{Q: m.Pinyin[:min(4, len(m.Pinyin))]} }},
		{"search name prefix (two characters), whole tree", store.All, func(m member.Member) member.Filter {
			r := []rune(m.Name)
			return member.Filter{Q: string(r[:min(2, len(r))])}
		}},
		{"search name substring, in a county", store.ScopeOf(county.Path), func(m member.Member) member.Filter {
			r := []rune(m.Name)
			return member.Filter{Q: string(r[len(r)-1:])}
		}},
	}
	for _, c := range cases {
		_, p99, err := timings(len(sample), func(i int) error {
			_, err := s.Members.List(ctx, c.sc, c.query(sample[i]), store.Page{Size: 20})
			return err
		})
		if err != nil {
			return err
		}
		s.add(c.name+" (p99)", ms(p99), baseline, fmt.Sprintf("%.1f×", float64(p99)/float64(max(base99, time.Microsecond))))
	}
	return nil
}

// listPage: a filtered, sorted roster page of a county.
func (s *Suite) listPage(ctx context.Context, _, county org.Org) error {
	_, base99, err := timings(100, func(int) error { _, err := s.Orgs.Get(ctx, store.All, county.ID); return err })
	if err != nil {
		return err
	}
	_, p99, err := timings(100, func(i int) error {
		_, err := s.Members.List(ctx, store.All, member.Filter{OrgID: county.ID, Category: "full", Sort: "name"}, store.Page{Number: 1 + i%5, Size: 20})
		return err
	})
	if err != nil {
		return err
	}
	s.add("filtered list page of a county (p99)", ms(p99), "read the county: "+ms(base99), fmt.Sprintf("%.1f×", float64(p99)/float64(max(base99, time.Microsecond))))
	return nil
}

// transfers: a member received by a branch of another province (their rows
// move to it: on a cluster a transaction over two workers) against one
// received within the province, letter issued and received each time.
func (s *Suite) transfers(ctx context.Context, _, county org.Org) error {
	const n = 40
	branch := func(cond string, args ...any) (int64, error) {
		var id int64
		err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE type = 'branch' AND dissolved_at IS NULL AND "+cond+" ORDER BY id LIMIT 1", args...).Scan(&id)
		return id, err
	}
	lo, hi := store.PathRange(county.Path)
	near, err := branch("path >= $1 AND path < $2", lo, hi)
	if err != nil {
		return fmt.Errorf("no branch in %s: %w", county.Name, err)
	}
	ids := store.PathIDs(county.Path)
	plo, phi := store.PathRange(store.ChildPath(store.ChildPath("/", ids[0]), ids[1]))
	far, err := branch("(path < $1 OR path >= $2) AND depth > 1", plo, phi)
	if err != nil {
		return fmt.Errorf("no branch in another province: %w", err)
	}
	// Full members of the county elsewhere than the receiving branch, with no letter pending.
	people, err := store.Query(ctx, s.DB, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT m.id FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2 AND m.province_id = $3
		AND m.stage = 'full' AND m.status = 'active' AND m.org_id <> $4 AND NOT EXISTS (SELECT 1 FROM transfers t
		WHERE t.province_id = m.province_id AND t.member_id = m.id AND t.status = 'pending') ORDER BY m.id LIMIT $5`,
		lo, hi, store.ProvinceOf(county.Path), near, 2*n)
	if err != nil {
		return err
	}
	if len(people) < 2*n {
		return fmt.Errorf("%d full members in %s, %d needed", len(people), county.Name, 2*n)
	}
	today := date.Of(time.Now())
	move := func(to int64) func(int) error {
		return func(i int) error {
			m := people[i]
			if to == far {
				m = people[n+i]
			}
			t, err := s.Members.Issue(ctx, store.All, member.IssueInput{MemberID: m, ToOrgID: to, IssuedOn: today, Reason: "性能测试"})
			if err != nil {
				return err
			}
			_, err = s.Members.Receive(ctx, store.All, t.ID, today)
			return err
		}
	}
	_, base99, err := timings(n, move(near))
	if err != nil {
		return err
	}
	p50, p99, err := timings(n, move(far))
	if err != nil {
		return err
	}
	s.add("letter issued and received in another province (p50 / p99)", ms(p50)+" / "+ms(p99), "within the province: "+ms(base99),
		fmt.Sprintf("%.1f× (p99)", float64(p99)/float64(max(base99, time.Microsecond))))
	return nil
}

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

// treeWrites: a new organisation (the tree is a reference table on a
// cluster: written on every node) against a work record of the same
// branch (one province's row).
func (s *Suite) treeWrites(ctx context.Context, _, county org.Org) error {
	lo, hi := store.PathRange(county.Path)
	var street int64
	if err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE depth = $1 AND path >= $2 AND path < $3 ORDER BY id LIMIT 1", county.Depth+1, lo, hi).Scan(&street); err != nil {
		return fmt.Errorf("no street in %s: %w", county.Name, err)
	}
	visits, _ := work.KindOf("visits")
	w := s.Work
	const n = 50
	_, base99, err := timings(n, func(int) error {
		_, err := w.Save(ctx, store.All, visits, 0, work.Input{"org_id": street, "kind": "visit", "visited_on": "2026-06-01", "visitor": "性能测试",
			"target_kind": "household", "target_name": "张家"})
		return err
	})
	if err != nil {
		return err
	}
	typ := "branch"
	p50, p99, err := timings(n, func(i int) error {
		name := fmt.Sprintf("性能测试党支部%d-%d", time.Now().UnixNano(), i)
		_, err := s.Orgs.Create(ctx, store.All, org.Input{ParentID: &street, Name: &name, Type: &typ})
		return err
	})
	if err != nil {
		return err
	}
	s.add("create an organisation (p50 / p99)", ms(p50)+" / "+ms(p99), "record a visit there: "+ms(base99),
		fmt.Sprintf("%.1f× (p99)", float64(p99)/float64(max(base99, time.Microsecond))))
	return nil
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

// beside: other users' page loads and API reads while a roster of
// ImportRows rows is imported over the API, beside the same loads without
// an import; then the server's memory before, during and after six
// uploads on the import page at once.
func (s *Suite) beside(ctx context.Context, root, county org.Org) error {
	if s.ImportRows <= 0 || s.HTTPDuration <= 0 {
		return nil
	}
	srv, err := s.serve(ctx, root)
	if err != nil {
		return err
	}
	defer srv.stop()
	base, tok, session := srv.base, srv.token, srv.session
	file, err := rosterFile(s.ImportRows)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(county.ID, 10)
	pages := []string{"/orgs/" + id, "/members?org=" + id, "/api/v1/orgs/" + id + "/stats", "/api/v1/members?org=" + id + "&size=20"}
	importPath := base + "/api/v1/members/import?org=" + id + "&filename=bench.xlsx&dry_run=1"
	load := func(until func() bool) loadResult {
		return loadUntil(4, until, func(i int) *http.Request {
			req, _ := http.NewRequest("GET", base+pages[i%len(pages)], nil)
			req.Header.Set("Cookie", auth.SessionCookie+"="+session)
			if i%2 == 1 {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			return req
		})
	}
	deadline := time.Now().Add(s.HTTPDuration)
	idle := load(func() bool { return time.Now().After(deadline) })
	var importing atomic.Bool
	importing.Store(true)
	start := time.Now()
	var importErr error
	go func() {
		defer importing.Store(false)
		importErr = post(importPath, tok, file.Bytes())
	}()
	during := load(func() bool { return !importing.Load() })
	took := time.Since(start)
	if importErr != nil {
		return importErr
	}
	s.add(fmt.Sprintf("pages during a %d-row import (%s)", s.ImportRows, took.Round(time.Second)), during.String(),
		"without an import: "+idle.String(), fmt.Sprintf("%.1f× p99", float64(during.p99)/float64(max(idle.p99, time.Microsecond))))

	// Six uploads on the import page at once queue: the memory they take comes back.
	runtime.GC()
	debug.FreeOSMemory()
	before := rssNow()
	var peak atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() { errs[i] = upload(srv, id, file.Bytes()) })
	}
	sampling := make(chan struct{})
	go func() {
		for {
			if v := rssNow(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-sampling:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	wg.Wait()
	close(sampling)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	time.Sleep(time.Second)
	after := rssNow()
	s.add(fmt.Sprintf("memory around six web imports at once (%.1f MB each)", float64(file.Len())/1e6),
		fmt.Sprintf("peak %d MB, after %d MB", peak.Load()>>20, after>>20), fmt.Sprintf("before: %d MB", before>>20),
		fmt.Sprintf("peak %.1f×, after %.2f× of before", float64(peak.Load())/float64(max(before, 1)), float64(after)/float64(max(before, 1))))
	return nil
}

// upload sends a roster through the import page (a dry run) as the signed-in
// administrator and waits on its progress page until the import has ended.
func upload(srv benchServer, orgID string, file []byte) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", srv.csrf)
	_ = mw.WriteField("mode", "all")
	_ = mw.WriteField("dry_run", "1")
	fw, _ := mw.CreateFormFile("file", "bench.xlsx")
	_, _ = fw.Write(file)
	if err := mw.Close(); err != nil {
		return err
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path string, body io.Reader, contentType string) (*http.Response, string, error) {
		req, _ := http.NewRequest(method, srv.base+path, body)
		req.Header.Set("Cookie", auth.SessionCookie+"="+srv.session)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := c.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b), nil
	}
	res, text, err := send("POST", "/members/import?org="+orgID, &body, mw.FormDataContentType())
	if err != nil {
		return err
	}
	job := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/imports/") {
		return fmt.Errorf("upload: %d %.300s", res.StatusCode, text)
	}
	for {
		res, text, err := send("GET", job, nil, "")
		if err != nil {
			return err
		}
		if res.StatusCode != 200 {
			return fmt.Errorf("import page: %d %.300s", res.StatusCode, text)
		}
		if !strings.Contains(text, `id="import-progress"`) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// post sends a roster to the import API and wants it accepted.
func post(url, tok string, body []byte) error {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return fmt.Errorf("import: %d %.300s", res.StatusCode, b)
	}
	return nil
}

// rssNow is this process's resident memory now, in bytes.
func rssNow() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
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

// export: streaming the roster of the whole tree to an .xlsx.
func (s *Suite) export(ctx context.Context, root, _ org.Org) error {
	if s.ExportRows <= 0 {
		return nil
	}
	start := time.Now()
	n := 0
	f := member.Filter{Sort: "id", Limit: s.ExportRows}
	if err := s.Members.Each(ctx, store.All, f, func(member.Member) error { n++; return nil }); err != nil {
		return err
	}
	read := time.Since(start)
	start = time.Now()
	cw := &countWriter{}
	rows, err := roster.ExportMembers(ctx, cw, s.Members, store.All, f, root.Name+"党员花名册", false)
	if err != nil {
		return err
	}
	took := time.Since(start)
	s.add(fmt.Sprintf("export %d rows to .xlsx", rows), took.Round(time.Millisecond).String()+fmt.Sprintf(" (%.0f MB)", float64(cw.n)/1e6),
		fmt.Sprintf("read the same %d rows: %s", n, read.Round(time.Millisecond)), fmt.Sprintf("%.1f×; %s", float64(took)/float64(max(read, time.Millisecond)), rss()))
	return nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// importRows: checking and writing a new roster (rolled back: a dry run), against parsing it.
func (s *Suite) importRows(ctx context.Context, _, county org.Org) error {
	if s.ImportRows <= 0 {
		return nil
	}
	buf, err := rosterFile(s.ImportRows)
	if err != nil {
		return err
	}
	// The baseline: reading every row of the file with the same library.
	start := time.Now()
	sh, err := roster.Open("bench.xlsx", bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	for err == nil {
		_, err = sh.Next()
	}
	if err := errors.Join(sh.Close(), ignoreEOF(err)); err != nil {
		return err
	}
	parse := time.Since(start)
	start = time.Now()
	sh, err = roster.Open("bench.xlsx", bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	defer sh.Close()
	im := &roster.Importer{DB: s.DB, Orgs: s.Orgs, Members: s.Members}
	rep, err := im.Import(ctx, store.All, sh, roster.Options{OrgID: county.ID, DryRun: true})
	if err != nil {
		return err
	}
	took := time.Since(start)
	s.add(fmt.Sprintf("import %d rows (dry run: checked, written, rolled back)", s.ImportRows), took.Round(time.Millisecond).String()+
		fmt.Sprintf(" (%d added, %d errors)", rep.Added, len(rep.Errors)), "parse the file: "+parse.Round(time.Millisecond).String(),
		fmt.Sprintf("%.2f of the parse speed", float64(parse)/float64(max(took, time.Millisecond))))
	return nil
}

// rosterFile is an .xlsx roster of n new people.
func rosterFile(n int) (*bytes.Buffer, error) {
	x := excelize.NewFile()
	sw, _ := x.NewStreamWriter("Sheet1")
	_ = sw.SetRow("A1", []any{"姓名", "公民身份号码", "民族", "学历", "入党日期", "转正日期"})
	for i := 0; i < n; i++ {
		birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%12000)
		first := fmt.Sprintf("81%04d%s%03d", i/12000, birth.Format("20060102"), 1)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		joined := birth.AddDate(25, 0, 0)
		_ = sw.SetRow(cell, []any{"导入测试" + strconv.Itoa(i), first + string(cnid.CheckChar(first)), "汉族", "大学本科",
			joined.Format("2006-01-02"), joined.AddDate(1, 0, 0).Format("2006-01-02")})
	}
	_ = sw.Flush()
	var buf bytes.Buffer
	return &buf, errors.Join(x.Write(&buf), x.Close())
}

func ignoreEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
