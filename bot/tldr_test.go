package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// testPapers are two papers: one with Hugging Face's summary, one without.
func testPapers() []bot.Paper {
	return []bot.Paper{
		{
			ID: "2608.12313", Title: "Self-Play \\textbf{Reasoning}\n  at Scale", Upvotes: 27,
			Abstract:       "We study self-play. Our method improves reasoning on math benchmarks by 12 points, at a cost of $8.1 per run.",
			AISummary:      "Self-play improves reasoning on math benchmarks.",
			AISummaryModel: "Qwen/Qwen2.5-Coder-32B-Instruct",
			Authors:        []string{"Ada Lovelace", "Alan Turing"},
		},
		{
			ID: "2608.17271", Title: "A Paper Without a Summary", Upvotes: 3,
			Abstract: "Abstract. We introduce a benchmark for long-context retrieval that spans twelve languages and five domains. It is hard.",
		},
	}
}

func newEngine(t *testing.T, sum bot.Summarizer) (*bot.Engine, *bottest.Store) {
	t.Helper()
	st := bottest.NewStore()
	if _, err := st.SaveBatch(context.Background(), bot.Batch{Date: "2026-08-19", Source: "hf", Papers: testPapers()}); err != nil {
		t.Fatal(err)
	}
	e := &bot.Engine{
		Store:      st,
		Summarizer: sum,
		Now:        func() time.Time { return time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC) },
	}
	return e, st
}

func TestEngine_TLDR(t *testing.T) {
	ctx := context.Background()
	t.Run("HF", func(t *testing.T) {
		e, _ := newEngine(t, nil)
		_, s, err := e.TLDR(ctx, "https://huggingface.co/papers/2608.12313")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Source, bot.SourceHF; got != want {
			t.Fatalf("Source=%q, want %q", got, want)
		}
		if got, want := s.Model, "Qwen/Qwen2.5-Coder-32B-Instruct"; got != want {
			t.Fatalf("Model=%q, want %q", got, want)
		}
	})
	t.Run("Extractive", func(t *testing.T) {
		e, _ := newEngine(t, nil)
		_, s, err := e.TLDR(ctx, "2608.17271v2")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Source, bot.SourceExtractive; got != want {
			t.Fatalf("Source=%q, want %q", got, want)
		}
		if !strings.Contains(s.Text, "benchmark for long-context retrieval") {
			t.Fatalf("Text=%q, want the first informative sentence", s.Text)
		}
	})
	t.Run("LLMCached", func(t *testing.T) {
		sum := &bottest.Summarizer{Model: "llama3.1:8b", Prompt: "v1", Answer: "Self-play lifts math reasoning by twelve points."}
		e, st := newEngine(t, sum)
		_, first, err := e.TLDR(ctx, "2608.17271")
		if err != nil {
			t.Fatal(err)
		}
		_, second, err := e.TLDR(ctx, "arXiv:2608.17271")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := first.Source, bot.SourceLLM; got != want {
			t.Fatalf("Source=%q, want %q", got, want)
		}
		if first.Cached || !second.Cached {
			t.Fatalf("Cached=%v,%v, want false,true", first.Cached, second.Cached)
		}
		if got, want := second.Text, first.Text; got != want {
			t.Fatalf("second Text=%q, want %q", got, want)
		}
		if got, want := sum.Calls(), 1; got != want {
			t.Fatalf("LLM calls=%d, want %d", got, want)
		}
		if got, want := st.Summaries(), 1; got != want {
			t.Fatalf("cached summaries=%d, want %d", got, want)
		}
	})
	t.Run("LLMRejected", func(t *testing.T) {
		sum := &bottest.Summarizer{Model: "m", Prompt: "v1", Answer: "@everyone <@123> read this https://evil.example now!"}
		e, st := newEngine(t, sum)
		_, s, err := e.TLDR(ctx, "2608.12313")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Source, bot.SourceHF; got != want {
			t.Fatalf("Source=%q, want %q (fallback)", got, want)
		}
		if strings.Contains(s.Text, "@everyone") {
			t.Fatalf("Text=%q contains the rejected answer", s.Text)
		}
		if got := st.Summaries(); got != 0 {
			t.Fatalf("cached summaries=%d, want 0: a rejected answer is never cached", got)
		}
	})
	t.Run("LLMDown", func(t *testing.T) {
		sum := &bottest.Summarizer{Model: "m", Prompt: "v1", Err: bot.Errorf(bot.EUNAVAILABLE, "down")}
		e, st := newEngine(t, sum)
		_, s, err := e.TLDR(ctx, "2608.17271")
		if err != nil {
			t.Fatal(err)
		}
		if s.Source != bot.SourceExtractive || s.Text == "" {
			t.Fatalf("Summary=%+v, want a non-empty extractive fallback", s)
		}
		if got := st.Summaries(); got != 0 {
			t.Fatalf("cached summaries=%d, want 0", got)
		}
	})
	t.Run("CacheWriteFails", func(t *testing.T) {
		sum := &bottest.Summarizer{Model: "m", Prompt: "v1", Answer: "A fine one-line summary."}
		e, st := newEngine(t, sum)
		st.SaveSummaryFunc = func(context.Context, bot.Summary) error { return errors.New("disk full") }
		_, s, err := e.TLDR(ctx, "2608.17271")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Source, bot.SourceLLM; got != want {
			t.Fatalf("Source=%q, want %q: a cache failure must not lose the answer", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		e, _ := newEngine(t, nil)
		for _, ref := range []string{"", "not-a-paper", "https://example.com/abs/2608.12313", "2608.1"} {
			if _, _, err := e.TLDR(ctx, ref); bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("TLDR(%q) err=%v, want EINVALID", ref, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e, _ := newEngine(t, nil)
		if _, _, err := e.TLDR(ctx, "2401.00001"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("err=%v, want ENOTFOUND", err)
		}
	})
}
