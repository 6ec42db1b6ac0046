package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/cppcc"
	"dangjian/internal/date"
	"dangjian/internal/server"
	"dangjian/internal/store"
)

// consult: the office's filtered list page of the busiest committee over
// HTTP, and the committee's figures of a year, each beside counting the
// same rows; skipped when the database holds no proposals.
func (s *Suite) consult(ctx context.Context) error {
	var committee, proposals int64
	err := s.DB.QueryRowContext(ctx, `SELECT committee_id, COUNT(*) FROM proposals GROUP BY committee_id ORDER BY COUNT(*) DESC, committee_id LIMIT 1`).Scan(&committee, &proposals)
	if apperr.IsNotFound(err) {
		fmt.Fprintln(s.Out, "(no proposals: generate them with dangjian demo --members 0 --proposals N)")
		return nil
	}
	if err != nil {
		return err
	}
	c, err := s.Cppcc.Committee(ctx, store.All, committee)
	if err != nil {
		return err
	}
	var total int64
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM proposals").Scan(&total); err != nil {
		return err
	}
	// The page, as the committee's office opens it.
	name, pw := fmt.Sprintf("zx%d", time.Now().UnixNano()), auth.RandomPassword()
	u, err := s.Auth.CreateUser(ctx, auth.NewUser{Username: name, Password: pw})
	if err != nil {
		return err
	}
	if _, err := s.Auth.AddGrant(ctx, store.All, auth.GrantInput{UserID: u.ID, Role: auth.RoleCppccOffice, CommitteeID: &c.ID}); err != nil {
		return err
	}
	session, _, err := s.Auth.Login(ctx, name, pw, "127.0.0.1")
	if err != nil {
		return err
	}
	h := server.Handler(s.App, server.Defaults)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	client := &http.Client{}
	get := func(path string) error {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+path, nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: session})
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", path, res.StatusCode)
		}
		return nil
	}
	list := func(i int) error {
		state := []string{cppcc.Handling, cppcc.Submitted, cppcc.Closed, cppcc.Replied}[i%4]
		return get("/cppcc?committee=" + strconv.FormatInt(c.ID, 10) + "&state=" + state + "&page=" + strconv.Itoa(1+i%3))
	}
	p50, p99, err := timings(200, list)
	if err != nil {
		return err
	}
	// Baseline: the plain authenticated page that reads no rows (the help).
	h50, _, err := timings(200, func(int) error { return get("/help") })
	if err != nil {
		return err
	}
	s.add(fmt.Sprintf("CPPCC office list page, %d of %d proposals (p50 / p99)", proposals, total), ms(p50)+" / "+ms(p99), "help page: "+ms(h50)+" (p50)",
		fmt.Sprintf("%.1f× the help page (p50)", float64(p50)/float64(max(h50, time.Microsecond))))
	year := date.Of(time.Now()).Year()
	pd := cppcc.Period{From: (year-3)*100 + 1, To: year*100 + 12}
	f50, f99, err := timings(500, func(int) error { _, err := s.Cppcc.Figures(ctx, store.All, c.ID, pd, false); return err })
	if err != nil {
		return err
	}
	start := time.Now()
	rows, err := s.DB.QueryContext(ctx, `SELECT state, way, in_session, result_class, satisfaction, category, COUNT(*) FROM proposals
		WHERE committee_id = $1 AND month >= $2 AND month <= $3 GROUP BY state, way, in_session, result_class, satisfaction, category`, c.ID, pd.From, pd.To)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	recount := time.Since(start)
	s.add("CPPCC figures of "+c.Name+", four years (p50 / p99)", ms(f50)+" / "+ms(f99), "count the rows: "+ms(recount),
		fmt.Sprintf("%.0f× faster (p99)", float64(recount)/float64(max(f99, time.Microsecond))))
	return nil
}
