package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"dangjian/internal/auth"
	"dangjian/internal/server"
	"dangjian/internal/spam"
)

// publicChannel: the spam defence's rates on the held-out part of the
// labelled set (texts the model never learnt, each sent under a neutral
// title and under its own first words), and the public form's throughput
// with the defence on (proof of work verified and spent, the classifier)
// beside the same form with it off.
func (s *Suite) publicChannel(ctx context.Context) error {
	r := spam.Evaluate()
	hs, hh := spam.HeldOut()
	s.add(fmt.Sprintf("spam held (held-out set, %d texts, 6 disguises, 2 titles)", len(hs)), fmt.Sprintf("%d / %d = %.1f%%", r.SpamHeld, r.Spam, 100*r.SpamShare()), "target ≥ 99%", "")
	s.add(fmt.Sprintf("genuine letters held by mistake (held-out set, %d texts)", len(hh)), fmt.Sprintf("%d / %d = %.1f%%", r.HamHeld, r.Ham, 100*r.HamShare()), "target ≤ 2%", "")
	for _, by := range []map[string][2]int{r.ByTitle, r.ByForm} {
		names := make([]string, 0, len(by))
		for n := range by {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s.add("  spam held, "+n, fmt.Sprintf("%d / %d", by[n][0], by[n][1]), "", "")
		}
	}
	svc, ch := s.Cppcc, s.App.Public
	// The bench measures what the defence costs the server; the limits per
	// address (which stop one address) are raised for its one address.
	ch.Submits, ch.Lookups, ch.Codes = auth.NewLimiter(1e9, 1e9), auth.NewLimiter(1e9, 1e9), auth.NewLimiter(1e9, 1e9)
	h := server.Handler(s.App, server.Config{Limits: server.Limits{LoginPerMinute: 10, LoginBurst: 10, AnonymousPerMinute: 1e9, AnonymousBurst: 1e9}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	_, ham := spam.Seeds()
	const n = 400
	clients := min(max(s.Clients, 1), 16)
	// Each run writes to a committee of its own, so that every run finds
	// as many earlier letters to compare a new one with (判重).
	run := func(off bool) (float64, time.Duration, error) {
		ch.Off = off
		c, err := svc.NewCommittee(ctx, nil, fmt.Sprintf("基准测试政协%d", time.Now().UnixNano()%1000000), "city")
		if err != nil {
			return 0, 0, err
		}
		proofs := make([]string, n)
		if !off { // solved before the clock starts: the browsers' work, not the server's
			for i := range proofs {
				sol, ok := spam.Solve(ch.Challenge())
				if !ok {
					return 0, 0, fmt.Errorf("challenge not solved")
				}
				proofs[i] = sol.Encode()
			}
		}
		path := "http://" + ln.Addr().String() + "/public/" + strconv.FormatInt(c.ID, 10) + "/write"
		ds := make([]time.Duration, n)
		var next int
		var mu sync.Mutex
		var firstErr error
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					i := next
					next++
					mu.Unlock()
					if i >= n {
						return
					}
					text := ham[i%len(ham)]
					form := url.Values{"box": {"public"}, "anonymous": {"1"}, "title": {"市民来信第" + strconv.Itoa(i) + "封"}, "content": {text}, "proof": {proofs[i]}}
					t0 := time.Now()
					res, err := http.Post(path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
					if err == nil {
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode != http.StatusCreated {
							err = fmt.Errorf("public form: status %d", res.StatusCode)
						}
					}
					ds[i] = time.Since(t0)
					if err != nil {
						mu.Lock()
						firstErr = cmp.Or(firstErr, err)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
		return float64(n) / elapsed.Seconds(), ds[n*99/100], firstErr
	}
	// Off and on twice each, alternately, so that neither has the emptier database.
	var offRate, onRate float64
	var offP99, onP99 time.Duration
	for _, off := range []bool{true, false, true, false} {
		rate, p99, err := run(off)
		if err != nil {
			return err
		}
		if off {
			offRate, offP99 = offRate+rate/2, max(offP99, p99)
		} else {
			onRate, onP99 = onRate+rate/2, max(onP99, p99)
		}
	}
	s.add(fmt.Sprintf("public form, defence on (2×%d letters, %d clients)", n, clients), fmt.Sprintf("%.0f/s, p99 %s", onRate, ms(onP99)),
		fmt.Sprintf("off: %.0f/s, p99 %s", offRate, ms(offP99)), fmt.Sprintf("%.2f× the throughput", onRate/offRate))
	// The bench's letters are kept apart, in the bench's own committee.
	return nil
}
