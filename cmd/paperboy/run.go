package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path"
	"sync"
	"time"

	"paperboy/adapters/console"
	"paperboy/adapters/hf"
	"paperboy/bot"
)

var runCommand = &command{
	usage: "run",
	help: "The main job (also what a bare `paperboy` does): every configured adapter and the HTTP server.\n" +
		"With no chat platform configured it runs the console on the terminal: type /papers commands,\n" +
		"or pipe them in. On an empty database it fetches the latest batch, or loads a bundled sample offline.",
	run: runRun,
}

// bootstrapTimeout bounds the first-run fetch, so an offline first run
// falls back to the sample within seconds.
const bootstrapTimeout = 3 * time.Second

func runRun(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 0 {
		return usageErrorf("run takes no arguments; got %q", args[0])
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	if err := m.bootstrap(ctx, a); err != nil {
		return err
	}
	if a.cfg.Discord.Token != "" || a.cfg.Slack.BotToken != "" {
		a.log.Warn("discord and slack adapters are not in this version yet; running the console only")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	if a.cfg.HTTP.Listen != "" {
		srv, err := m.listen(a)
		if err != nil {
			return err
		}
		wg.Go(func() { errc <- serveHTTP(ctx, srv) })
	}
	c := console.New(a.engine, m.Stdin, m.Stdout, m.StdinIsTerminal)
	err = c.Run(ctx)
	cancel()
	wg.Wait()
	close(errc)
	for e := range errc {
		err = errors.Join(err, e)
	}
	return err
}

// bootstrap gives an empty database something to show: the latest batch
// from the source (today's, or up to three days back over a weekend) or,
// when the source cannot be reached, the bundled sample. The source gets
// one try per day and bootstrapTimeout in all, so an offline first run
// starts within seconds.
func (m *Main) bootstrap(ctx context.Context, a *app) error {
	b, err := a.db.Batch(ctx, "9999-12-31")
	if err == nil || bot.ErrorCode(err) != bot.ENOTFOUND {
		return err
	}
	fctx, cancel := context.WithTimeout(ctx, bootstrapTimeout)
	defer cancel()
	quick := *a.engine
	quick.Source = newSource(a.cfg, a.log, 1)
	today := time.Now().UTC()
	for i := range 4 {
		b, _, err = quick.Fetch(fctx, today.AddDate(0, 0, -i).Format(bot.DateLayout))
		if err == nil {
			a.log.Info("empty database: fetched the latest batch", "date", b.Date, "papers", len(b.Papers))
			return nil
		}
		if bot.ErrorCode(err) != bot.ENOBATCH {
			break
		}
	}
	n, lerr := loadSample(ctx, a)
	if lerr != nil {
		return lerr
	}
	a.log.Info("empty database and no batch from the source: loaded the bundled sample", "papers", n, "error", err)
	return nil
}

//go:embed sample/*.json
var sample embed.FS

// loadSample imports the bundled Hugging Face batches and returns how many
// papers it stored.
func loadSample(ctx context.Context, a *app) (int, error) {
	files, err := sample.ReadDir("sample")
	if err != nil {
		return 0, fmt.Errorf("read sample: %w", err)
	}
	im := &bot.Importer{Store: a.db, Source: "sample"}
	for _, f := range files {
		data, err := sample.ReadFile(path.Join("sample", f.Name()))
		if err != nil {
			return 0, fmt.Errorf("read sample: %w", err)
		}
		err = hf.ParseDailyPapers(bytes.NewReader(data), func(it bot.Item) error { return im.Add(ctx, it) }, func(bot.Skip) {})
		if err != nil {
			return 0, fmt.Errorf("load sample %s: %w", f.Name(), err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		return 0, fmt.Errorf("load sample: %w", err)
	}
	return im.Result.Added + im.Result.Updated, nil
}

// listen opens the HTTP listener early, so a port in use is an error at
// start and not a log line later.
func (m *Main) listen(a *app) (*httpServer, error) {
	ln, err := net.Listen("tcp", a.cfg.HTTP.Listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen %s: %w", a.cfg.HTTP.Listen, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := a.db.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
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
