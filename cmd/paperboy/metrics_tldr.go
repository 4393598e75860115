package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"paperboy/bot"
)

// tldrMetrics count the engine's TL;DR events (bot.Engine.OnTLDR): the
// calls to the LLM apart from the requests, which the cache or a call in
// flight may serve without one.
type tldrMetrics struct {
	llmCalls *prometheus.CounterVec // paperboy_llm_calls_total, made by newMetrics
	requests *prometheus.CounterVec
	late     prometheus.Counter
}

// newTLDRMetrics registers the request metrics in reg; llmCalls is
// paperboy_llm_calls_total.
func newTLDRMetrics(reg *prometheus.Registry, llmCalls *prometheus.CounterVec) *tldrMetrics {
	t := &tldrMetrics{
		llmCalls: llmCalls,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paperboy_tldr_requests_total",
			Help: "TL;DR requests that wanted an LLM answer, by how they were served: cache_hit, joined (a call in flight), asked (started a call), skipped (the model's answer failed validation lately)."}, []string{"result"}),
		late: prometheus.NewCounter(prometheus.CounterOpts{Name: "paperboy_tldr_late_total",
			Help: "TL;DR requests that got the fallback before the LLM answered; the answer is cached when it comes."}),
	}
	for _, r := range []bot.TLDREvent{bot.TLDRCacheHit, bot.TLDRJoined, bot.TLDRAsked, bot.TLDRSkipped} {
		t.requests.WithLabelValues(string(r))
	}
	reg.MustRegister(t.requests, t.late)
	return t
}

// count counts one event.
func (t *tldrMetrics) count(ev bot.TLDREvent) {
	switch ev {
	case bot.TLDRAnswered:
		t.llmCalls.WithLabelValues("ok").Inc()
	case bot.TLDRRejected:
		t.llmCalls.WithLabelValues("rejected").Inc()
	case bot.TLDRFailed:
		t.llmCalls.WithLabelValues("error").Inc()
	case bot.TLDRLate:
		t.late.Inc()
	default:
		t.requests.WithLabelValues(string(ev)).Inc()
	}
}
