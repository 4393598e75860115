package main

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"path"
	"time"

	"paperboy/adapters/hf"
	"paperboy/bot"
)

// bootstrapTimeout bounds the first-run fetch, so an offline first run
// falls back to the sample within seconds.
const bootstrapTimeout = 3 * time.Second

// bootstrap gives an empty database something to show: the latest batch
// from the source (today's, or up to three days back over a weekend) or,
// when the source cannot be reached, the bundled sample. The source gets
// one try per day and bootstrapTimeout in all, so an offline first run
// starts within seconds. Only a database with no paper at all is empty: one
// holding an imported arXiv snapshot but no day batch is left as it is, so
// the sample never mixes with an operator's papers. Replicas starting
// together on an empty PostgreSQL store take turns (the lock "bootstrap"),
// so one fills it and the others find it filled.
func (m *Main) bootstrap(ctx context.Context, a *app) error {
	if has, err := a.db.HasPapers(ctx); has || err != nil {
		return err
	}
	l, err := a.db.AcquireLock(ctx, "bootstrap")
	if err != nil {
		return err
	}
	defer l.Release()
	has, err := a.db.HasPapers(ctx)
	if has || err != nil {
		return err
	}
	var b bot.Batch
	fctx, cancel := context.WithTimeout(ctx, bootstrapTimeout)
	defer cancel()
	// An engine of its own, one try per request (an Engine is not copied).
	quick := &bot.Engine{Store: a.engine.Store, Source: m.newSource(a.cfg, a.log, 1),
		Location: a.engine.Location, Now: a.engine.Now, Logger: a.engine.Logger}
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
