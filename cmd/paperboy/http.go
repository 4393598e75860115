package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// listen opens the HTTP listener early, so a port in use is an error at
// start and not a log line later.
func (m *Main) listen(a *app, p *platforms, met *metrics) (*httpServer, error) {
	ln, err := net.Listen("tcp", a.cfg.HTTP.Listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen %s: %w", a.cfg.HTTP.Listen, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := a.db.Ping(r.Context()); err != nil {
			// Which database: with replicas, a load balancer drops the
			// replicas that cannot reach the shared PostgreSQL.
			http.Error(w, "database unavailable ("+dbEngine(a)+")", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(met.reg, promhttp.HandlerOpts{}))
	p.mount(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	a.log.Info("http server listening", "addr", ln.Addr().String())
	return &httpServer{srv: srv, ln: ln}, nil
}

type httpServer struct {
	srv *http.Server
	ln  net.Listener
}

// serveHTTP serves until ctx ends, then shuts down within 10 s.
func serveHTTP(ctx context.Context, s *httpServer) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

// dbEngine names the store's engine for /healthz: "postgres" or "sqlite".
func dbEngine(a *app) string {
	if a.db.Postgres() {
		return "postgres"
	}
	return "sqlite"
}
