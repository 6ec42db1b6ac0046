package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dangjian/internal/store/storetest"
)

type slow struct{ started chan struct{} }

func (s slow) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(s.started)
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(w, "done")
	})
}

// A shutdown lets the request in flight finish and answers it in full.
func TestGracefulShutdown(t *testing.T) {
	db := storetest.SQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := slow{started: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- Run(ctx, "127.0.0.1:0", New(db, log, nil, DefaultLimits, s), log, func(a string) { addrc <- a })
	}()
	addr := <-addrc

	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil || res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()

	body := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			body <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body <- string(b)
	}()
	<-s.started
	cancel()
	if got := <-body; got != "done" {
		t.Fatalf("request in flight got %q", got)
	}
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

func TestMetricsCountRequests(t *testing.T) {
	h := New(storetest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)), nil, DefaultLimits)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `dangjian_http_request_duration_seconds_count{code="200",method="GET",route="GET /healthz"} 1`) {
		t.Fatalf("metrics do not count the health check:\n%s", rec.Body.String())
	}
}

func TestLoginAttemptsAreRateLimited(t *testing.T) {
	h := New(storetest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)), nil, Limits{LoginPerMinute: 10, LoginBurst: 10, AnonymousPerMinute: 600, AnonymousBurst: 3})
	codes := map[int]int{}
	for i := 0; i < 12; i++ {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{}`))
		req.RemoteAddr = "192.0.2.7:5555"
		h.ServeHTTP(rec, req)
		codes[rec.Code]++
		if i >= 10 && (rec.Code != 429 || !strings.Contains(rec.Body.String(), "请求过于频繁")) {
			t.Fatalf("attempt %d: %d %s", i+1, rec.Code, rec.Body.String())
		}
	}
	// Another address is not affected; anonymous reads have their own, larger budget.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{}`))
	req.RemoteAddr = "192.0.2.8:5555"
	h.ServeHTTP(rec, req)
	if rec.Code == 429 {
		t.Fatal("another address was limited")
	}
	for i := 0; i < 4; i++ {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = "192.0.2.9:5555"
		h.ServeHTTP(rec, req)
		if want := map[bool]int{true: 429, false: 200}[i == 3]; rec.Code != want {
			t.Fatalf("anonymous request %d: %d, want %d", i+1, rec.Code, want)
		}
	}
}
