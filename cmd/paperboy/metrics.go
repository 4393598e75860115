package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"paperboy/bot"
	"paperboy/store"
)

// metrics are paperboy's Prometheus metrics. They are collected by wrapping
// the engine's collaborators (source, summarizer, store, chats, handler)
// in cmd, so bot stays free of any metrics library.
type metrics struct {
	health   health
	reg      *prometheus.Registry
	fetches  *prometheus.CounterVec
	llmCalls *prometheus.CounterVec
	cache    *prometheus.CounterVec
	sends    *prometheus.CounterVec
	commands *prometheus.HistogramVec
	claims   *prometheus.CounterVec
}

func newMetrics(db *store.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paperboy_source_fetches_total",
			Help: "Batch fetches from the paper source, by source and result (ok, no_batch, error)."}, []string{"source", "result"}),
		llmCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paperboy_llm_calls_total",
			Help: "Calls to the LLM, one per paper however many users wait on it, by result (ok, rejected by validation, error)."}, []string{"result"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paperboy_tldr_cache_total",
			Help: "TL;DR cache lookups, by result (hit, miss)."}, []string{"result"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paperboy_chat_sends_total",
			Help: "Posts sent to chat platforms, by platform and result (ok, error)."}, []string{"platform", "result"}),
		commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "paperboy_command_seconds",
			Help:    "Time to answer a /papers command, by command and result code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 1.5, 2.5, 5, 10, 30}}, []string{"command", "code"}),
		claims: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paperboy_delivery_claims_total",
			Help: "This process's delivery claims, by event: claim (taken), renew (heartbeat), lost (taken over or ran out)."}, []string{"event"}),
	}
	// Known label values start at 0, so a dashboard sees the series (and a
	// rate of 0) before the first event.
	for _, r := range []string{"hit", "miss"} {
		m.cache.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "rejected", "error"} {
		m.llmCalls.WithLabelValues(r)
	}
	for _, e := range []string{"claim", "renew", "lost"} {
		m.claims.WithLabelValues(e)
	}
	m.reg.MustRegister(m.fetches, m.llmCalls, m.cache, m.sends, m.commands, m.claims,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		deliveryCollector{db}, panicCollector{})
	return m
}

// panicCollector reports the panics bot.Recover recovered, by where.
type panicCollector struct{}

var panicsDesc = prometheus.NewDesc("paperboy_panics_recovered_total",
	"Panics recovered while serving a request or a delivery, by where; each is logged with its stack.", []string{"where"}, nil)

func (panicCollector) Describe(ch chan<- *prometheus.Desc) { ch <- panicsDesc }

func (panicCollector) Collect(ch chan<- prometheus.Metric) {
	for where, n := range bot.Panics() {
		ch <- prometheus.MustNewConstMetric(panicsDesc, prometheus.CounterValue, float64(n), where)
	}
}

// deliveryCollector reports the ledger's deliveries by state when scraped.
type deliveryCollector struct{ db *store.DB }

var deliveriesDesc = prometheus.NewDesc("paperboy_deliveries", "Deliveries in the ledger, by state.", []string{"state"}, nil)

func (c deliveryCollector) Describe(ch chan<- *prometheus.Desc) { ch <- deliveriesDesc }

func (c deliveryCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.db.DeliveryCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(deliveriesDesc, err)
		return
	}
	for _, state := range []string{bot.DeliveryPending, bot.DeliverySent, bot.DeliveryFailed} {
		ch <- prometheus.MustNewConstMetric(deliveriesDesc, prometheus.GaugeValue, float64(counts[state]), state)
	}
}

// instrument wraps the engine's collaborators so that their work is counted.
func (m *metrics) instrument(e *bot.Engine) {
	if e.Source != nil {
		e.Source = meteredSource{e.Source, m}
	}
	if e.Summarizer != nil {
		e.Summarizer = meteredSummarizer{e.Summarizer, m}
	}
	e.Store = meteredStore{e.Store, m}
	e.OnTLDR = newTLDRMetrics(m.reg, m.llmCalls).count
}

type meteredSource struct {
	bot.Source
	m *metrics
}

func (s meteredSource) Fetch(ctx context.Context, date string) (bot.Batch, error) {
	b, err := s.Source.Fetch(ctx, date)
	s.m.fetches.WithLabelValues(s.Name(), resultOf(err)).Inc()
	s.m.health.record("source "+s.Name(), err)
	return b, err
}

type meteredSummarizer struct {
	bot.Summarizer
	m *metrics
}

// Summarize records the LLM's health; the engine's events count the calls.
func (s meteredSummarizer) Summarize(ctx context.Context, p bot.Paper) (string, error) {
	text, err := s.Summarizer.Summarize(ctx, p)
	if model, _ := s.Version(); model != "" {
		s.m.health.record("llm", err)
	}
	return text, err
}

type meteredStore struct {
	bot.Store
	m *metrics
}

func (s meteredStore) Summary(ctx context.Context, k bot.SummaryKey) (bot.Summary, error) {
	sum, err := s.Store.Summary(ctx, k)
	result := "hit"
	if err != nil {
		result = "miss"
	}
	s.m.cache.WithLabelValues(result).Inc()
	return sum, err
}

// meteredChat counts what a platform confirmed.
type meteredChat struct {
	bot.Chat
	platform string
	m        *metrics
}

func (c meteredChat) Send(ctx context.Context, channel, thread string, p bot.Post) (bot.Sent, error) {
	sent, err := c.Chat.Send(ctx, channel, thread, p)
	c.m.sends.WithLabelValues(c.platform, resultOf(err)).Inc()
	c.m.health.record(c.platform, err)
	return sent, err
}

// meteredHandler times every command an adapter hands to the engine.
type meteredHandler struct {
	h interface {
		Handle(context.Context, bot.Command) (bot.Reply, error)
	}
	m *metrics
}

func (h meteredHandler) Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error) {
	start := time.Now()
	r, err := h.h.Handle(ctx, cmd)
	code := bot.ErrorCode(err)
	if code == "" {
		code = "ok"
	}
	h.m.commands.WithLabelValues(cmd.Name, code).Observe(time.Since(start).Seconds())
	return r, err
}

func resultOf(err error) string {
	switch bot.ErrorCode(err) {
	case "":
		return "ok"
	case bot.ENOBATCH:
		return "no_batch"
	default:
		return "error"
	}
}
