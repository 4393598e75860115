package main

import (
	"context"
	"fmt"
	"log/slog"

	"golang.org/x/sync/errgroup"

	"paperboy/bot"
)

// backgroundQueue is how many embedding jobs of fetched batches may wait
// in `run`; one runs at a time.
const backgroundQueue = 8

// background runs the embedding of fetched batches' new papers in `run`,
// one job at a time, off the delivery path: the scheduler's fetch returns
// as soon as the batch is stored, and a slow or failing embeddings endpoint
// costs only search by meaning for the new papers (bot.Engine.Background).
// A job that finds the queue full is dropped with a warning; the papers it
// would have embedded are embedded by `paperboy embed`.
type background struct {
	jobs chan func(context.Context)
	log  *slog.Logger
}

// startBackground gives the engine a background for its embeddings when an
// endpoint is configured, run under g until ctx ends.
func startBackground(ctx context.Context, g *errgroup.Group, a *app) {
	if a.engine.Embedder == nil {
		return
	}
	b := &background{jobs: make(chan func(context.Context), backgroundQueue), log: a.log.With("component", "embeddings")}
	a.engine.Background = b.submit
	g.Go(func() error { b.run(ctx); return nil })
}

// submit queues work without blocking.
func (b *background) submit(work func(context.Context)) {
	select {
	case b.jobs <- work:
	default:
		b.log.Warn("too many fetched batches waiting to be embedded; dropping one (run paperboy embed later)")
	}
}

// run does the queued work until ctx ends.
func (b *background) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case work := <-b.jobs:
			work(ctx)
		}
	}
}

// embedImported embeds, after an import, the stored papers that have no
// vector yet (the ones just imported, and any an earlier run left), when
// an embeddings endpoint is configured. The import stands whatever
// happens here: a failure is a warning that names `paperboy embed`, which
// finishes the work.
func (m *Main) embedImported(ctx context.Context, a *app) {
	if a.engine.Embedder == nil {
		return
	}
	opts := bot.EmbedOptions{BatchSize: a.cfg.Embeddings.BatchSize, Concurrency: a.cfg.Embeddings.Concurrency}
	stats, err := a.engine.EmbedStored(ctx, opts)
	if stats.Embedded > 0 || stats.Failed > 0 || err != nil {
		fmt.Fprintf(m.Stderr, "embedded %d of %d papers with %s\n", stats.Embedded, stats.Total, a.engine.Embedder.EmbedModel())
	}
	if err != nil || stats.Failed > 0 {
		reason := "the endpoint failed some batches"
		if err != nil {
			reason = errorLine(err)
		}
		fmt.Fprintf(m.Stderr, "warning: %d papers are not embedded yet (%s); search by meaning misses them until paperboy embed\n",
			stats.Total-stats.Embedded, reason)
	}
}
