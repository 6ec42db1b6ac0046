package bench

// Rosters in and out: an export of the whole tree, an import, and the pages
// and memory around imports.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"

	"dangjian/internal/auth"
	"dangjian/internal/cnid"
	"dangjian/internal/member"
	"dangjian/internal/org"
	"dangjian/internal/spreadsheet"
	"dangjian/internal/store"
)

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
	rows, err := spreadsheet.ExportMembers(ctx, cw, s.Members, store.All, f, root.Name+"党员花名册", false)
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
	sh, err := spreadsheet.Open("bench.xlsx", bytes.NewReader(buf.Bytes()))
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
	sh, err = spreadsheet.Open("bench.xlsx", bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	defer sh.Close()
	im := &spreadsheet.Importer{DB: s.DB, Orgs: s.Orgs, Members: s.Members}
	rep, err := im.Import(ctx, store.All, sh, spreadsheet.Options{OrgID: county.ID, DryRun: true})
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
