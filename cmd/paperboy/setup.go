package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"paperboy/adapters/arxiv"
	"paperboy/adapters/hf"
	"paperboy/bot"
	"paperboy/bot/check"
	"paperboy/store"
	"paperboy/summarize"
)

// defaultConfigFile is read when it exists and no other file is named.
const defaultConfigFile = "paperboy.yaml"

// loadConfig finds, reads and validates the configuration. A file named by
// --config or $PAPERBOY_CONFIG must exist; without either, ./paperboy.yaml
// is read if present, and the embedded defaults are used otherwise.
func (m *Main) loadConfig(o *options) (Config, error) {
	path, explicit := o.config, true
	if path == "" {
		path = m.Getenv("PAPERBOY_CONFIG")
	}
	if path == "" {
		path, explicit = defaultConfigFile, false
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		data = nil
	case errors.Is(err, fs.ErrNotExist):
		return Config{}, usageErrorf("config file %s does not exist; copy config.example.yaml there or leave --config out to use the defaults", path)
	case err != nil:
		return Config{}, usageErrorf("read config: %v", err)
	}
	c, err := ParseConfig(data, !o.noExpand, m.Getenv)
	if err != nil {
		return Config{}, usageErrorf("config %s: %v", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, usageErrorf("config %s: %s", path, c.quoteNoEnv(err))
	}
	if env := m.Getenv("LOG_LEVEL"); env != "" {
		if !oneOf(strings.ToLower(env), logLevels...) {
			return Config{}, usageErrorf("LOG_LEVEL=%q is not one of %s; fix it or unset it", env, strings.Join(logLevels, ", "))
		}
		c.Log.Level = env
	}
	switch {
	case o.db != "":
		c.Database = o.db
	case m.Getenv("PAPERBOY_DB") != "":
		c.Database = m.Getenv("PAPERBOY_DB")
	}
	return c, nil
}

// newLogger builds the process's logger: text or JSON on stderr, at the
// configured level (which loadConfig has set from $LOG_LEVEL, if set).
func (m *Main) newLogger(c Config) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(c.Log.Level)); err != nil {
		lv = slog.LevelInfo // unreachable: loadConfig checked the level
	}
	opts := &slog.HandlerOptions{Level: lv}
	if c.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}

// app is what most commands need: the configuration, a logger, the open
// database and an engine wired to the configured source and summarizer.
type app struct {
	cfg    Config
	log    *slog.Logger
	db     *store.DB
	engine *bot.Engine
}

// slowOpen is how long opening the database may take before setup says why.
const slowOpen = 2 * time.Second

// tldrDrain is how long Close waits for LLM calls in flight.
const tldrDrain = 3 * time.Second

// setup loads the configuration and opens everything a command needs.
func (m *Main) setup(o *options) (*app, error) {
	c, err := m.loadConfig(o)
	if err != nil {
		return nil, err
	}
	log := m.newLogger(c)
	db, err := m.openDB(c, log)
	if err != nil {
		return nil, err
	}
	e, err := m.newEngine(c, db, log)
	if err != nil {
		return nil, err
	}
	return &app{cfg: c, log: log, db: db, engine: e}, nil
}

// openDB opens the configured database, to be closed with m.
func (m *Main) openDB(c Config, log *slog.Logger) (*store.DB, error) {
	// Opening is instant unless a migration rebuilds an index of a large
	// store (once, after an upgrade): then say why nothing happens.
	slow := time.AfterFunc(slowOpen, func() {
		log.Info("opening the database takes a while: applying schema changes (once after an upgrade; ~15 s per million papers)",
			"database", store.Redact(c.Database))
	})
	db, err := store.Open(c.Database)
	slow.Stop()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", store.Redact(c.Database), err)
	}
	m.closers = append(m.closers, db.Close)
	db.OwnerGone = ownerGone // a crashed local process's claims are free at once
	return db, nil
}

// newEngine builds the engine over db: the source, the LLM client when
// configured, and embeddings.
func (m *Main) newEngine(c Config, db *store.DB, log *slog.Logger) (*bot.Engine, error) {
	loc, _ := bot.LoadTimezone(c.Timezone) // checked by Validate
	sum, err := newSummarizer(c, log, m.sleep)
	if err != nil {
		return nil, err
	}
	e := &bot.Engine{
		Store: db, ReadingList: db,
		Source:     m.newSource(c, log, 0),
		Summarizer: sum,
		Location:   loc,
		Logger:     log,
		TLDRRules:  check.Rules{IsTLD: isTLD},
	}
	if c.Summarize.Timeout > 0 {
		// A request waits one attempt's time for the LLM; the retry, if
		// any, goes on within the client's budget and its answer is cached.
		e.SummaryTimeout = c.Summarize.Timeout
	}
	if b, ok := sum.(interface{ Budget() time.Duration }); ok {
		e.SummaryBudget = b.Budget()
	}
	// Runs before db.Close: LLM answers still coming in are cached, for a
	// short while only, as shutdown must stay quick.
	m.closers = append(m.closers, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), tldrDrain)
		defer cancel()
		if err := e.WaitTLDRs(ctx); err != nil {
			log.Info("shutting down with LLM calls still in flight; their answers are not cached")
		}
		return nil
	})
	if ans, ok := sum.(bot.Answerer); ok { // the LLM client answers questions too
		e.Answerer = ans
	}
	if e.Embedder, err = newEmbedder(c.Embeddings, m.sleep); err != nil {
		return nil, err
	}
	if e.Embedder != nil {
		e.Vectors = db
	}
	return e, nil
}

// newSource returns the configured paper source. attempts > 0 overrides
// how many times it tries a request.
func (m *Main) newSource(c Config, log *slog.Logger, attempts int) bot.Source {
	if c.Source.Kind == "arxiv" {
		src := m.arxivClient(c, c.Source.Arxiv.Categories)
		if c.Source.Arxiv.RSSURL != "" {
			src.RSSURL = c.Source.Arxiv.RSSURL
		}
		src.Logger = log.With("source", "arxiv")
		if attempts > 0 {
			src.MaxAttempts = attempts
		}
		return src
	}
	src := hf.New(c.Source.HF.BaseURL)
	src.Token = c.Source.HF.Token
	src.Logger = log.With("source", "hf")
	if attempts > 0 {
		src.MaxAttempts = attempts
	}
	if m.sleep != nil {
		src.Sleep = m.sleep
	}
	return src
}

// arxivClient returns an arXiv API client, waiting through m.sleep when
// set.
func (m *Main) arxivClient(c Config, categories []string) *arxiv.Client {
	client := arxiv.New(c.Source.Arxiv.BaseURL, categories)
	if m.sleep != nil {
		client.Sleep = m.sleep
		client.Limiter = rate.NewLimiter(rate.Inf, 1)
	}
	return client
}

// newSummarizer returns the LLM client, or bot.NopSummarizer when
// summarize.base_url is not set. The client waits between tries through
// sleep, or bot.Sleep when sleep is nil.
func newSummarizer(c Config, log *slog.Logger, sleep func(context.Context, time.Duration) error) (bot.Summarizer, error) {
	s := c.Summarize
	if strings.TrimSpace(s.BaseURL) == "" {
		return bot.NopSummarizer{}, nil
	}
	client, err := summarize.New(summarize.Config{
		BaseURL:        s.BaseURL,
		APIKey:         s.APIKey,
		Model:          s.Model,
		Timeout:        s.Timeout,
		MaxConcurrency: s.MaxConcurrency,
		Logger:         log.With("component", "summarize"),
		Sleep:          sleep,
	})
	if err != nil {
		return nil, usageErrorf("summarize: %v", err)
	}
	return client, nil
}
