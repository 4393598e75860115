package main

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
)

// metric reads a counter from m's registry by name and result label
// ("" for a counter without labels); -1 when it is not there.
func metric(t *testing.T, m *metrics, name, result string) int {
	t.Helper()
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, c := range f.GetMetric() {
			label := ""
			for _, l := range c.GetLabel() {
				if l.GetName() == "result" {
					label = l.GetValue()
				}
			}
			if label == result {
				return int(c.GetCounter().GetValue())
			}
		}
	}
	return -1
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
	db, err := store.Open(filepath.Join(t.TempDir(), "metrics.db")) // for the delivery gauge
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m := newMetrics(db)
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
		{"llm_calls ok", metric(t, m, "paperboy_llm_calls_total", "ok"), 1},
		{"llm_calls error", metric(t, m, "paperboy_llm_calls_total", "error"), 0},
		{"requests asked", metric(t, m, "paperboy_tldr_requests_total", "asked"), 1},
		{"requests joined", metric(t, m, "paperboy_tldr_requests_total", "joined"), 9},
		{"late", metric(t, m, "paperboy_tldr_late_total", ""), 0},
		{"requests cache_hit", metric(t, m, "paperboy_tldr_requests_total", "cache_hit"), 5},
		{"upstream calls made", sum.Calls(), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s=%d, want %d", c.name, c.got, c.want)
		}
	}
}
