package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// events records the engine's TL;DR events and lets a test wait for them.
type events struct {
	mu     sync.Mutex
	counts map[bot.TLDREvent]int
	seen   chan bot.TLDREvent
}

func watchEvents(e *bot.Engine) *events {
	ev := &events{counts: map[bot.TLDREvent]int{}, seen: make(chan bot.TLDREvent, 100)}
	e.OnTLDR = func(x bot.TLDREvent) {
		ev.mu.Lock()
		ev.counts[x]++
		ev.mu.Unlock()
		ev.seen <- x
	}
	return ev
}

// await blocks until n events of kind x have been seen since the start.
func (ev *events) await(t *testing.T, x bot.TLDREvent, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for ev.count(x) < n {
		select {
		case <-ev.seen:
		case <-timeout:
			t.Fatalf("timed out waiting for %d %q events; have %v", n, x, ev.snapshot())
		}
	}
}

func (ev *events) count(x bot.TLDREvent) int {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.counts[x]
}

func (ev *events) snapshot() map[bot.TLDREvent]int {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	m := map[bot.TLDREvent]int{}
	for k, v := range ev.counts {
		m[k] = v
	}
	return m
}

// gated returns a Summarizer that answers answer (or fails with err) once
// release is closed.
func gated(answer string, err error) (*bottest.Summarizer, chan struct{}) {
	release := make(chan struct{})
	return &bottest.Summarizer{Model: "m", Prompt: "v1", SummarizeFunc: func(ctx context.Context, _ bot.Paper) (string, error) {
		select {
		case <-release:
			return answer, err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}}, release
}

// waitTLDRs waits for the engine's LLM calls to end.
func waitTLDRs(t *testing.T, e *bot.Engine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.WaitTLDRs(ctx); err != nil {
		t.Fatalf("WaitTLDRs: %v", err)
	}
}

// TestEngine_TLDROneCallPerPaper asks for one paper 10 times at once: the
// LLM is asked once, everyone gets its answer, and it is cached once.
func TestEngine_TLDROneCallPerPaper(t *testing.T) {
	sum, release := gated("Self-play lifts math reasoning by twelve points.", nil)
	e, st := newEngine(t, sum)
	ev := watchEvents(e)
	const callers = 10
	got := make(chan bot.Summary, callers)
	for range callers {
		go func() {
			_, s, err := e.TLDR(context.Background(), "2608.17271")
			if err != nil {
				t.Error(err)
			}
			got <- s
		}()
	}
	ev.await(t, bot.TLDRAsked, 1)
	ev.await(t, bot.TLDRJoined, callers-1)
	close(release)
	for range callers {
		if s := <-got; s.Source != bot.SourceLLM {
			t.Fatalf("Summary=%+v, want the LLM's", s)
		}
	}
	waitTLDRs(t, e)
	if n := sum.Calls(); n != 1 {
		t.Fatalf("LLM calls=%d, want 1", n)
	}
	if n, saved := ev.count(bot.TLDRAnswered), st.Summaries(); n != 1 || saved != 1 {
		t.Fatalf("answered=%d cached=%d, want 1 and 1", n, saved)
	}
}

// TestEngine_TLDRLateAnswerCached: a user whose wait ends gets the fallback
// at once; the call goes on, and its answer is checked and cached, so the
// next request gets it from the cache without asking again.
func TestEngine_TLDRLateAnswerCached(t *testing.T) {
	for _, tt := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		edit func(*bot.Engine)
	}{
		{"SummaryTimeout", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			func(e *bot.Engine) { e.SummaryTimeout = time.Nanosecond }},
		// 1 s before the chat's deadline leaves no time to wait: the
		// fallback goes out before the chat's apology would.
		{"ReplyDeadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Second)
		},
			func(*bot.Engine) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sum, release := gated("Self-play lifts math reasoning by twelve points.", nil)
			e, st := newEngine(t, sum)
			tt.edit(e)
			ev := watchEvents(e)
			ctx, cancel := tt.ctx()
			_, s, err := e.TLDR(ctx, "2608.12313")
			cancel() // the request is over
			if err != nil || s.Source != bot.SourceHF {
				t.Fatalf("Summary=%+v, %v, want Hugging Face's at once", s, err)
			}
			if ev.count(bot.TLDRLate) != 1 || ev.count(bot.TLDRAsked) != 1 {
				t.Fatalf("events=%v, want one asked and one late", ev.snapshot())
			}
			close(release)
			waitTLDRs(t, e)
			if got := st.Summaries(); got != 1 {
				t.Fatalf("cached summaries=%d, want the late answer cached", got)
			}
			_, s, _ = e.TLDR(context.Background(), "2608.12313")
			if s.Source != bot.SourceLLM || !s.Cached || sum.Calls() != 1 {
				t.Fatalf("Summary=%+v after %d calls, want the cached LLM answer and no new call", s, sum.Calls())
			}
		})
	}
}

// TestEngine_TLDRRejectedNotAskedAgain: after an answer fails validation,
// the model is not asked about that paper until the negative cache expires.
func TestEngine_TLDRRejectedNotAskedAgain(t *testing.T) {
	sum := &bottest.Summarizer{Model: "m", Prompt: "v1", Answer: "2"}
	e, st := newEngine(t, sum)
	now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)
	e.Now = func() time.Time { return now }
	ev := watchEvents(e)
	for i := range 3 {
		_, s, err := e.TLDR(context.Background(), "2608.12313")
		if err != nil || s.Source != bot.SourceHF {
			t.Fatalf("request %d: Summary=%+v, %v, want Hugging Face's", i, s, err)
		}
	}
	if n := sum.Calls(); n != 1 {
		t.Fatalf("LLM calls=%d, want 1: a rejected answer is not asked for again at once", n)
	}
	if ev.count(bot.TLDRSkipped) != 2 || ev.count(bot.TLDRRejected) != 1 || st.Summaries() != 0 {
		t.Fatalf("events=%v cached=%d, want 1 rejected, 2 skipped, none cached", ev.snapshot(), st.Summaries())
	}
	now = now.Add(11 * time.Minute)
	e.TLDR(context.Background(), "2608.12313")
	waitTLDRs(t, e)
	if n := sum.Calls(); n != 2 {
		t.Fatalf("LLM calls=%d, want 2: asked again once the negative cache expired", n)
	}
}

// TestEngine_TLDROneWarningPerFailure: a failed call that five users waited
// on logs one warning, not five.
func TestEngine_TLDROneWarningPerFailure(t *testing.T) {
	for _, tt := range []struct {
		name, answer, warning string
		err                   error
	}{
		{"Failed", "", "llm tldr failed", bot.Errorf(bot.EUNAVAILABLE, "The LLM at llm:8080 did not answer: HTTP 503.")},
		{"Rejected", "F'W2", "llm tldr rejected", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sum, release := gated(tt.answer, tt.err)
			e, _ := newEngine(t, sum)
			var logs bytes.Buffer
			e.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			ev := watchEvents(e)
			const callers = 5
			done := make(chan bot.Summary, callers)
			for range callers {
				go func() { _, s, _ := e.TLDR(context.Background(), "2608.12313"); done <- s }()
			}
			ev.await(t, bot.TLDRJoined, callers-1)
			close(release)
			for range callers {
				if s := <-done; s.Source != bot.SourceHF {
					t.Fatalf("Summary=%+v, want Hugging Face's", s)
				}
			}
			if n := strings.Count(logs.String(), tt.warning); n != 1 {
				t.Fatalf("%d %q warnings, want 1:\n%s", n, tt.warning, logs.String())
			}
		})
	}
}

// TestEngine_TLDRBadCacheIgnored: an answer cached before the current rules
// ("2") gives way to Hugging Face's summary and a new answer.
func TestEngine_TLDRBadCacheIgnored(t *testing.T) {
	sum := &bottest.Summarizer{Model: "m", Prompt: "v1", Answer: "Self-play lifts math reasoning by twelve points."}
	e, st := newEngine(t, sum)
	key := bot.SummaryKey{PaperID: "2608.12313", Model: "m", PromptVersion: "v1"}
	if err := st.SaveSummary(context.Background(), bot.Summary{SummaryKey: key, Text: "2", Source: bot.SourceLLM}); err != nil {
		t.Fatal(err)
	}
	_, s, err := e.TLDR(context.Background(), "2608.12313")
	if err != nil || s.Text == "2" || s.Source != bot.SourceLLM || s.Cached {
		t.Fatalf("Summary=%+v, %v, want a fresh LLM answer", s, err)
	}
	got, err := st.Summary(context.Background(), key)
	if err != nil || got.Text != s.Text {
		t.Fatalf("cache holds %q, %v, want the new answer", got.Text, err)
	}
}
