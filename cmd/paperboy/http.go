package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"paperboy/bot"
)

// The HTTP server's limits. Slack and Discord give an endpoint 3 s to
// answer a command or an interaction and send small requests at once
// (a few KiB of headers and form or JSON body), so a request that has not
// arrived whole within 3 s cannot be answered in time anyway: past that it
// is a slow client holding a connection and a file descriptor, and is cut
// off. The adapters answer within the platforms' 3 s (deferring when the
// engine is slower), and a /metrics scrape takes milliseconds; writing the
// answer gets 10 s, which also bounds a client that never reads it. An idle
// keep-alive connection is closed after 30 s: the platforms reconnect
// cheaply, and an idle connection costs a descriptor like a busy one.
const (
	// httpReadHeaderTimeout bounds the request line and headers.
	httpReadHeaderTimeout = 2 * time.Second
	// httpReadTimeout bounds the whole request, headers and body: the
	// platforms' 3 s.
	httpReadTimeout = 3 * time.Second
	// httpWriteTimeout bounds the handler and the writing of its answer,
	// counted from the end of the headers.
	httpWriteTimeout = 10 * time.Second
	// httpIdleTimeout closes keep-alive connections that carry no request.
	httpIdleTimeout = 30 * time.Second
	// httpMaxHeaderBytes: real platform headers (signature, timestamp,
	// user agent) are under 2 KiB; 16 KiB leaves room for a proxy's.
	httpMaxHeaderBytes = 16 << 10
	// httpShutdownGrace is how long a shutdown waits for requests in
	// flight before it closes every connection: a few seconds, whatever
	// the clients do.
	httpShutdownGrace = 5 * time.Second
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
	a.log.Info("http server listening", "addr", ln.Addr().String())
	return newHTTPServer(recoverHTTP(mux, a.log), ln), nil
}

// recoverHTTP answers a request whose handler panicked with a 500, under
// bot.Recover's policy (logged, counted in /metrics), instead of net/http's
// dropped connection. The adapters recover in the goroutines they start.
func recoverHTTP(h http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer bot.Recover(log.With("path", r.URL.Path), "http", func() {
			http.Error(w, "internal error", http.StatusInternalServerError)
		})
		h.ServeHTTP(w, r)
	})
}

// httpServer is the server and its listener, with the grace a shutdown
// gives requests in flight.
type httpServer struct {
	srv   *http.Server
	ln    net.Listener
	grace time.Duration
}

// newHTTPServer returns a server for h on ln with the limits above.
func newHTTPServer(h http.Handler, ln net.Listener) *httpServer {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
	}
	return &httpServer{srv: srv, ln: ln, grace: httpShutdownGrace}
}

// serveHTTP serves until ctx ends, then shuts down: requests in flight get
// s.grace to finish, and then every connection still open is closed, so
// shutdown is bounded whatever the clients do.
func serveHTTP(ctx context.Context, s *httpServer) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Clients that outstay the grace are cut off; that is the plan,
		// not a failure of the run.
		err = s.srv.Close()
	}
	<-errc // Serve has returned ErrServerClosed
	if err != nil {
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
