package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// value reads a counter.
func value(t *testing.T, c prometheus.Counter) int {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return int(m.GetCounter().GetValue())
}

// TestMetricsCountUpstreamCallsApart asks for one paper's TL;DR 10 times
// at once and 5 times more: the LLM is called once, and the metrics say
// so, apart from the requests that joined that call or hit the cache.
func TestMetricsCountUpstreamCallsApart(t *testing.T) {
	ctx := context.Background()
	st := bottest.NewStore()
	if _, err := st.SaveBatch(ctx, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: []bot.Paper{
		{ID: "2608.12313", Title: "Self-Play Reasoning at Scale", Abstract: "We study self-play."}}}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	sum := &bottest.Summarizer{Model: "m", Prompt: "v1", SummarizeFunc: func(context.Context, bot.Paper) (string, error) {
		<-release
		return "Self-play lifts math reasoning by twelve points.", nil
	}}
	e := &bot.Engine{Store: st, Summarizer: sum}
	m := newMetrics(nil)
	m.instrument(e)
	var joined sync.WaitGroup
	joined.Add(10)
	count := e.OnTLDR
	e.OnTLDR = func(ev bot.TLDREvent) {
		count(ev)
		if ev == bot.TLDRAsked || ev == bot.TLDRJoined {
			joined.Done()
		}
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { e.TLDR(ctx, "2608.12313") })
	}
	joined.Wait()
	close(release)
	wg.Wait()
	for range 5 {
		e.TLDR(ctx, "2608.12313")
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := e.WaitTLDRs(wctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"llm_calls ok", value(t, m.llmCalls.WithLabelValues("ok")), 1},
		{"llm_calls error", value(t, m.llmCalls.WithLabelValues("error")), 0},
		{"requests asked", value(t, m.tldrs.WithLabelValues("asked")), 1},
		{"requests joined", value(t, m.tldrs.WithLabelValues("joined")), 9},
		{"requests cache_hit", value(t, m.tldrs.WithLabelValues("cache_hit")), 5},
		{"upstream calls made", sum.Calls(), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s=%d, want %d", c.name, c.got, c.want)
		}
	}
}
