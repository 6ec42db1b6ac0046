package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dangjian/internal/auth"
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
		errc <- Run(ctx, "127.0.0.1:0", New(db, log, nil, Defaults, s), log, func(a string) { addrc <- a })
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
	h := New(storetest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)), nil, Config{Limits: DefaultLimits, MetricsToken: "m-token"})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer m-token")
	h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `dangjian_http_request_duration_seconds_count{code="200",method="GET",route="GET /healthz"} 1`) {
		t.Fatalf("metrics do not count the health check:\n%s", rec.Body.String())
	}
}

func TestLoginAttemptsAreRateLimited(t *testing.T) {
	h := New(storetest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)), nil, Config{Limits: Limits{LoginPerMinute: 10, LoginBurst: 10, AnonymousPerMinute: 600, AnonymousBurst: 3}})
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

// /metrics answers only to its token, and not at all without one.
func TestMetricsNeedTheirToken(t *testing.T) {
	db := storetest.SQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	get := func(h http.Handler, auth string) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := get(New(db, log, nil, Defaults), ""); got != http.StatusNotFound {
		t.Errorf("metrics without a token set: %d", got)
	}
	h := New(db, log, nil, Config{Limits: DefaultLimits, MetricsToken: "m-token"})
	for tok, want := range map[string]int{"": 401, "wrong": 401, "m-token": 200} {
		if got := get(h, tok); got != want {
			t.Errorf("metrics with %q: %d, want %d", tok, got, want)
		}
	}
}

// echo answers with the client address and whether the connection is TLS, as the server sees them.
type echo struct{}

func (echo) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /who", func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprintf(w, "%s %v", auth.ClientIP(r), auth.Secure(r))
	})
}

// Behind a trusted proxy the client's address and scheme come from its
// headers; from anyone else the same headers change nothing.
func TestTrustedProxy(t *testing.T) {
	db := storetest.SQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProxies("proxy.example"); err == nil || !strings.Contains(err.Error(), "代理地址“proxy.example”无效") {
		t.Fatalf("a bad proxy address: %v", err)
	}
	h := New(db, log, nil, Config{Limits: DefaultLimits, TrustProxy: proxies}, echo{})
	for _, c := range []struct{ remote, xff, proto, want string }{
		{"192.0.2.1:5000", "198.51.100.7", "https", "198.51.100.7 true"},
		{"10.1.1.1:5000", "203.0.113.5, 198.51.100.7, 10.2.2.2", "https", "198.51.100.7 true"}, // a second proxy on the way
		{"192.0.2.1:5000", "", "http", "192.0.2.1 false"},
		{"203.0.113.9:5000", "198.51.100.7", "https", "203.0.113.9 false"}, // not a proxy: headers ignored
	} {
		req := httptest.NewRequest("GET", "/who", nil)
		req.RemoteAddr = c.remote
		if c.xff != "" {
			req.Header.Set("X-Forwarded-For", c.xff)
		}
		req.Header.Set("X-Forwarded-Proto", c.proto)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != c.want {
			t.Errorf("from %s with %q: %q, want %q", c.remote, c.xff, got, c.want)
		}
	}
}

// With a certificate and key the server speaks TLS itself.
func TestServesTLS(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	go func() {
		_ = RunTLS(ctx, "127.0.0.1:0", certFile, keyFile, New(storetest.SQLite(t), log, nil, Defaults, echo{}), log, func(a string) { addrc <- a })
	}()
	addr := <-addrc
	pool := x509.NewCertPool()
	pool.AddCert(must(x509.ParseCertificate(der)))
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := c.Get("https://" + addr + "/who")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if b, _ := io.ReadAll(res.Body); !strings.HasSuffix(string(b), " true") {
		t.Fatalf("over TLS the server sees %q", b)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The limits key on an IPv6 address's /64 (one subscriber's network, in
// which a client picks any address), an IPv4 address on itself (issue 26, point 9).
func TestLimitsKeyOnSlash64(t *testing.T) {
	h := New(storetest.SQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)), nil, Config{Limits: Limits{LoginPerMinute: 10, LoginBurst: 10, AnonymousPerMinute: 1, AnonymousBurst: 1}})
	for _, c := range []struct {
		addr string
		want int
	}{
		{"[2001:db8:1:2::1]:5555", 200},
		{"[2001:db8:1:2:ffff:ffff:ffff:ffff]:5555", 429}, // the same /64
		{"[2001:db8:1:3::1]:5555", 200},
		{"192.0.2.10:5555", 200},
		{"192.0.2.11:5555", 200},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = c.addr
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("from %s: %d, want %d", c.addr, rec.Code, c.want)
		}
	}
}
