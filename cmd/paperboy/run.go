package main

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/errgroup"

	"paperboy/adapters/console"
)

var runCommand = &command{
	usage: "run",
	help: "The main job, and the default: chat platforms, delivery scheduler and HTTP server, or the console.\n" +
		"With no chat platform configured it runs the console on the terminal: type /papers commands, or\n" +
		"pipe them in. On an empty database it fetches the latest batch, or loads a bundled sample offline.",
	run: runRun,
}

// runRun starts every configured part under one errgroup: the chat
// platforms and the scheduler, the HTTP server, or the console when no
// platform is set. The first to fail stops the others; a signal stops them
// all, and in-flight posts either finish or stay pending in the ledger.
func runRun(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 0 {
		return usageErrorf("run takes no arguments; got %q", args[0])
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	if err := a.cfg.missingTokens(); err != nil {
		return usageErrorf("config: %s", oneLine(err.Error()))
	}
	if a.db.Postgres() && a.engine.Source != nil {
		// Replicas share the store: one fetches each day's batch.
		a.engine.Source = onceSource{Source: a.engine.Source, db: a.db, now: time.Now}
	}
	if err := m.bootstrap(ctx, a); err != nil {
		return err
	}
	warmVectors(ctx, a)
	met := newMetrics(a.db)
	met.instrument(a.engine)
	p, err := newPlatforms(a, meteredHandler{a.engine, met})
	if err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	startBackground(ctx, g, a)
	if a.cfg.HTTP.Listen != "" {
		srv, err := m.listen(a, p, met)
		if err != nil {
			return err
		}
		g.Go(func() error { return serveHTTP(ctx, srv) })
	}
	if p.none() {
		// The console ends with its input; then the whole run ends. Say
		// so, for a service whose standard input is /dev/null.
		a.log.Info("no chat platform configured (discord.token, slack.bot_token and smtp.host are unset): " +
			"running the console on standard input; run ends when it does")
		c := console.New(meteredHandler{a.engine, met}, m.Stdin, m.Stdout, m.StdinIsTerminal)
		c.Logger = a.log
		g.Go(func() error { return errors.Join(c.Run(ctx), errStop) })
	} else {
		sched := newScheduler(a, p, met)
		if err := syncSubscriptions(ctx, a, a.db, sched); err != nil {
			return err
		}
		a.log.Info("config subscriptions synced", "subscriptions", len(a.cfg.Subscriptions))
		g.Go(func() error { return sched.Run(ctx) })
		for _, run := range p.runs() {
			g.Go(func() error { return run(ctx) })
		}
	}
	if err := g.Wait(); err != nil && !errors.Is(err, errStop) {
		return err
	}
	return nil
}

// errStop ends the errgroup without being an error: the console finished.
var errStop = errors.New("stop")

// warmVectors loads the vectors of search by meaning in the background,
// so that the first hybrid search does not load them all.
func warmVectors(ctx context.Context, a *app) {
	if a.engine.Embedder == nil || a.engine.Embedder.EmbedModel() == "" {
		return
	}
	model := a.engine.Embedder.EmbedModel()
	go func() {
		if err := a.db.WarmVectors(ctx, model); err != nil && ctx.Err() == nil {
			a.log.Warn("load vectors for search by meaning; the first search loads them", "error", err)
		}
	}()
}
