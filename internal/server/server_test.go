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
