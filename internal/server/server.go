// Package server assembles the HTTP handler: the API, the pages, /healthz
// and /metrics, behind access logging, metrics, security headers and panic
// recovery; and runs it with a graceful shutdown. Handler builds the API
// and the pages over the services of an app.App.
package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"dangjian/internal/api"
	"dangjian/internal/app"
	"dangjian/internal/auth"
	"dangjian/internal/store"
	"dangjian/internal/web"
	"dangjian/internal/web/site"
)

// Registrar adds its routes to a mux.
type Registrar interface{ Register(mux *http.ServeMux) }

// Config is how the server meets its network.
type Config struct {
	Limits Limits
	// MetricsToken is the Bearer token /metrics asks for; without one /metrics is off.
	MetricsToken string
	// TrustProxy are the addresses of the reverse proxies (TLS in front)
	// whose X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustProxy []netip.Prefix
}

// Defaults are the limits without metrics and without a proxy.
var Defaults = Config{Limits: DefaultLimits}

// New returns the whole handler. Requests are authenticated by authn (when
// not nil) and rate-limited before they reach the parts.
func New(db *store.DB, log *slog.Logger, authn *auth.Service, cfg Config, parts ...Registrar) http.Handler {
	mux := http.NewServeMux()
	for _, p := range parts {
		p.Register(mux)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := db.PingContext(ctx); err != nil {
			log.Error("health check failed", "err", err)
			http.Error(w, "数据库不可用", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.DB, "dangjian"))
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "dangjian_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request, by route pattern and status.",
		Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
	}, []string{"method", "route", "code"})
	reg.MustRegister(duration)
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch {
		case cfg.MetricsToken == "":
			http.Error(w, "指标接口未启用:请用 --metrics-token 或 DANGJIAN_METRICS_TOKEN 设置访问令牌", http.StatusNotFound)
		case subtle.ConstantTimeCompare([]byte(got), []byte(cfg.MetricsToken)) != 1:
			http.Error(w, "读取指标须提供访问令牌(Authorization: Bearer …)", http.StatusUnauthorized)
		default:
			metrics.ServeHTTP(w, r)
		}
	})
	var h http.Handler = rateLimit(notePattern(mux), cfg.Limits)
	if authn != nil {
		h = authn.Middleware(h)
	}
	return fromProxy(observe(h, log, duration), cfg.TrustProxy)
}

// Handler is the whole application's handler: the API and the pages over
// a's services, behind New's middleware.
func Handler(a *app.App, cfg Config) http.Handler {
	return New(a.DB, a.Log, a.Auth, cfg, &api.API{App: a}, Site(a))
}

// Site is the pages over a's services.
func Site(a *app.App) *web.Site {
	return &web.Site{DB: a.DB, Orgs: a.Orgs, Members: a.Members, Auth: a.Auth, Work: a.Work, Cppcc: a.Cppcc, Public: a.Public, Library: a.Library, Log: a.Log,
		Sections: site.Sections()}
}

// fromProxy takes the client's address and scheme from the headers of a
// trusted reverse proxy: the nearest address of X-Forwarded-For that is not
// a trusted proxy itself, and X-Forwarded-Proto. From anyone else the
// headers are ignored.
func fromProxy(next http.Handler, trusted []netip.Prefix) http.Handler {
	trust := func(addr string) bool {
		ip, err := netip.ParseAddr(strings.TrimSpace(addr))
		if err != nil {
			return false
		}
		ip = ip.Unmap()
		return slices.ContainsFunc(trusted, func(p netip.Prefix) bool { return p.Contains(ip) })
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(trusted) == 0 || !trust(auth.ClientIP(r)) {
			next.ServeHTTP(w, r)
			return
		}
		hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop := strings.TrimSpace(hops[i])
			if _, err := netip.ParseAddr(hop); err != nil {
				break
			}
			if !trust(hop) {
				r.RemoteAddr = net.JoinHostPort(hop, "0")
				break
			}
		}
		if strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			r = auth.OverTLS(r)
		}
		next.ServeHTTP(w, r)
	})
}

// ParseProxies reads a comma-separated list of addresses and networks
// (127.0.0.1, 10.0.0.0/8).
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("代理地址“%s”无效,应为 IP 地址或网段,如 127.0.0.1 或 10.0.0.0/8", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p)
	}
	return out, nil
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

type patternKey struct{}

// notePattern tells observe which route pattern served the request: the
// handlers between them hand on copies of the request, which the mux then
// marks, not the one observe holds.
func notePattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(patternKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

// observe logs every request with its server time, counts it in the
// metrics, sets the security headers and turns a panic into a 500.
func observe(next http.Handler, log *slog.Logger, duration *prometheus.HistogramVec) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		rec := &recorder{ResponseWriter: w}
		var route string
		r = r.WithContext(context.WithValue(r.Context(), patternKey{}, &route))
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic while serving", "method", r.Method, "path", r.URL.Path, "panic", p)
				if rec.status == 0 {
					http.Error(rec, "服务器内部错误", http.StatusInternalServerError)
				}
			}
			elapsed := time.Since(start)
			if route == "" {
				route = "unmatched"
			}
			duration.WithLabelValues(r.Method, route, strconv.Itoa(rec.status)).Observe(elapsed.Seconds())
			log.Info("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status,
				"bytes", rec.bytes, "ms", float64(elapsed.Microseconds())/1000, "remote", r.RemoteAddr)
		}()
		next.ServeHTTP(rec, r)
	})
}

// Run serves h on addr until ctx ends, then stops accepting connections and
// lets requests in flight finish (up to 20 seconds). ready, if not nil,
// receives the address actually listened on.
func Run(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	return RunTLS(ctx, addr, "", "", h, log, ready)
}

// RunTLS is Run terminating TLS itself with the certificate and key files
// (PEM) when certFile is not empty.
func RunTLS(ctx context.Context, addr, certFile, keyFile string, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      10 * time.Minute, // large exports stream for a while
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
