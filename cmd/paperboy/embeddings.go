package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"paperboy/bot"
	"paperboy/summarize"
)

// EmbeddingsConfig points at an OpenAI-compatible /v1/embeddings endpoint
// for search by meaning. Without base_url nothing is embedded and search
// uses words alone.
type EmbeddingsConfig struct {
	BaseURL     string        `yaml:"base_url"`
	Model       string        `yaml:"model"`
	APIKey      bot.Secret    `yaml:"api_key"`
	Timeout     time.Duration `yaml:"timeout"`
	BatchSize   int           `yaml:"batch_size"`
	Concurrency int           `yaml:"concurrency"`
}

// defaultEmbeddings are the embeddings defaults: off.
func defaultEmbeddings() EmbeddingsConfig {
	return EmbeddingsConfig{Timeout: 30 * time.Second, BatchSize: bot.DefaultEmbedBatch, Concurrency: bot.DefaultEmbedConcurrency}
}

// validate reports the problems of the embeddings keys, each naming its key.
func (e EmbeddingsConfig) validate(bad func(key, format string, args ...any)) {
	if e.BaseURL != "" {
		if err := summarize.CheckEmbedModel(e.Model); err != nil {
			bad("embeddings.model", "%v (embeddings.base_url is set)", err)
		}
	}
	if e.Timeout <= 0 {
		bad("embeddings.timeout", "must be a positive duration like 30s")
	}
	if e.BatchSize < 1 || e.BatchSize > 2048 {
		bad("embeddings.batch_size", "must be between 1 and 2048 (OpenAI takes up to 2048 inputs a request)")
	}
	if e.Concurrency < 1 || e.Concurrency > 64 {
		bad("embeddings.concurrency", "must be between 1 and 64")
	}
}

// newEmbedder returns the embeddings client, or nil when
// embeddings.base_url is not set. It waits between tries through sleep,
// or bot.Sleep when sleep is nil.
func newEmbedder(c EmbeddingsConfig, sleep func(context.Context, time.Duration) error) (bot.Embedder, error) {
	if strings.TrimSpace(c.BaseURL) == "" {
		return nil, nil
	}
	client, err := summarize.NewEmbedder(summarize.EmbedderConfig{BaseURL: c.BaseURL, APIKey: c.APIKey, Model: c.Model, Timeout: c.Timeout,
		Sleep: sleep})
	if err != nil {
		return nil, usageErrorf("embeddings: %v", err)
	}
	return client, nil
}

var embedCommand = &command{
	usage: "embed [--batch N] [--concurrency N]",
	help: "Embed the stored papers that have no vector of embeddings.model yet, through embeddings.base_url,\n" +
		"for search by meaning. Resumable: stop it any time and run it again. Changing the model embeds again.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.batch, "batch", 0, "papers per request (default: embeddings.batch_size)")
		fs.IntVar(&o.concurrency, "concurrency", 0, "requests in flight (default: embeddings.concurrency)")
	},
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		if len(args) > 0 {
			return usageErrorf("embed takes no arguments; got %q", strings.Join(args, " "))
		}
		a, err := m.setup(o)
		if err != nil {
			return err
		}
		if a.engine.Embedder == nil {
			return usageErrorf("embed needs an embeddings endpoint: set embeddings.base_url and embeddings.model in the config " +
				"(e.g. http://localhost:11434/v1 and nomic-embed-text with Ollama)")
		}
		opts := bot.EmbedOptions{BatchSize: a.cfg.Embeddings.BatchSize, Concurrency: a.cfg.Embeddings.Concurrency}
		if o.batch > 0 {
			opts.BatchSize = o.batch
		}
		if o.concurrency > 0 {
			opts.Concurrency = o.concurrency
		}
		var bar *progressbar.ProgressBar
		if m.StderrIsTerminal {
			opts.Progress = func(done, total int) {
				if bar == nil {
					bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(m.Stderr), progressbar.OptionSetDescription("embedding"),
						progressbar.OptionShowCount(), progressbar.OptionSetWidth(20), progressbar.OptionThrottle(progressThrottle),
						progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
				}
				bar.Set(done)
			}
		}
		start := time.Now()
		stats, err := a.engine.EmbedStored(ctx, opts)
		if bar != nil {
			bar.Finish()
		}
		fmt.Fprintf(m.Stdout, "embedded %d of %d papers with %s in %.1fs", stats.Embedded, stats.Total,
			a.engine.Embedder.EmbedModel(), time.Since(start).Seconds())
		if stats.Failed > 0 {
			fmt.Fprintf(m.Stdout, "; %d failed", stats.Failed)
		}
		fmt.Fprintln(m.Stdout)
		return embedFailure(stats, err)
	},
}

// embedFailure is embed's error: the run's own, or else, when any batch
// failed, why the last one did. Either way the command exits 1, and the
// papers not embedded are left for the next run.
func embedFailure(stats bot.EmbedStats, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("embedding stopped, %d of %d papers not embedded (fix this, then run paperboy embed again): %s",
			stats.Failed, stats.Total, errorLine(err))
	case stats.Failed > 0:
		return fmt.Errorf("%d of %d papers not embedded (run paperboy embed again): %s", stats.Failed, stats.Total, errorLine(stats.LastFailure))
	}
	return nil
}
