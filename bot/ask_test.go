package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/check"
)

// askPapers are six papers over two weeks' batches.
func askPapers() (older, newer []bot.Paper) {
	p := func(id, title, abstract string) bot.Paper {
		return bot.Paper{ID: id, Title: title, Abstract: abstract, ArxivURL: "https://arxiv.org/abs/" + id}
	}
	older = []bot.Paper{
		p("2608.10001", "Self-Play Fine-Tuning for Chess Engines", "We train a chess engine by self-play and measure Elo gains."),
		p("2608.10002", "Sparse Attention for Long Documents", "A sparse attention pattern for long documents."),
	}
	newer = []bot.Paper{
		p("2608.17001", "Self-Play Reasoning at Scale", "Language models improve their reasoning by self-play against copies of themselves; we measure accuracy on math benchmarks."),
		p("2608.17002", "KV-Cache Compression with Low-Rank Keys", "We compress the KV cache of transformers by 4x with low-rank keys."),
		p("2608.17003", "Diffusion Models for Protein Design", "A diffusion model designs proteins."),
		p("2608.17004", "ASI-Bench: Measuring Agent Safety", "ASI-Bench measures how often agents take unsafe actions in 200 sandboxed tasks."),
	}
	return older, newer
}

func askEngine(t *testing.T, ans bot.Answerer) (*bot.Engine, *bottest.Store) {
	t.Helper()
	st := bottest.NewStore()
	older, newer := askPapers()
	for _, b := range []bot.Batch{{Date: "2026-08-13", Papers: older}, {Date: "2026-08-19", Papers: newer}} {
		if _, err := st.SaveBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC) // a Wednesday
	return &bot.Engine{Store: st, Answerer: ans, Now: func() time.Time { return now }}, st
}

func TestEngine_Ask(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		ans := &bottest.Answerer{Model: "m1", Prompt: "p1", Reply: "Self-play lets models improve their own reasoning [1]."}
		e, _ := askEngine(t, ans)
		res, err := e.Ask(ctx, "which papers use self-play reasoning?")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Answer, "Self-play lets models improve their own reasoning [1]."; got != want {
			t.Fatalf("Answer=%q, want %q", got, want)
		}
		if got, want := res.Model, "m1"; got != want {
			t.Fatalf("Model=%q, want %q", got, want)
		}
		if got := ids(res.Citations()); !slices.Equal(got, []string{"2608.17001"}) {
			t.Fatalf("Citations=%v, want the one paper cited", got)
		}
		r := res.Reply()
		if len(r.Cards) != 1 || r.Cards[0].Rank != 1 || r.Cards[0].URL == "" {
			t.Fatalf("Cards=%+v, want the cited paper as [1] with its link", r.Cards)
		}
		if !strings.Contains(r.Text, "m1") {
			t.Fatalf("Text=%q, want the model named", r.Text)
		}
	})
	t.Run("NoLLM", func(t *testing.T) {
		e, _ := askEngine(t, nil)
		res, err := e.Ask(ctx, "self-play")
		if err != nil {
			t.Fatal(err)
		}
		if res.Answer != "" || len(res.Papers) != 2 || !strings.Contains(res.Note, "summarize.base_url") {
			t.Fatalf("got answer %q, %d papers, note %q; want the 2 self-play papers and a note about the LLM", res.Answer, len(res.Papers), res.Note)
		}
		if got := len(res.Reply().Cards); got != 2 {
			t.Fatalf("Reply has %d cards, want the 2 papers", got)
		}
	})
	t.Run("OnePaper", func(t *testing.T) {
		ans := &bottest.Answerer{Model: "m1", Reply: "They measure unsafe actions in 200 sandboxed tasks [1]."}
		e, _ := askEngine(t, ans)
		res, err := e.Ask(ctx, "https://arxiv.org/abs/2608.17004v2 what did they measure?")
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(ans.Papers()); !slices.Equal(got, []string{"2608.17004"}) {
			t.Fatalf("the LLM was given %v, want only the paper asked about", got)
		}
		if res.Question != "what did they measure?" || res.Paper != "2608.17004" || res.Answer == "" {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("DateWindow", func(t *testing.T) {
		ans := &bottest.Answerer{Model: "m1", Reply: "One paper does [1]."}
		e, _ := askEngine(t, ans)
		res, err := e.Ask(ctx, "which of this week's papers do self-play?")
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(ans.Papers()); !slices.Equal(got, []string{"2608.17001"}) {
			t.Fatalf("the LLM was given %v, want only this week's self-play paper", got)
		}
		if res.Window.From != "2026-08-17" || res.Window.To != "2026-08-19" {
			t.Fatalf("Window=%+v, want Mon 17 to Wed 19 Aug", res.Window)
		}
	})
	t.Run("Unanswered", func(t *testing.T) {
		ans := &bottest.Answerer{Model: "m1", Reply: check.NoAnswer}
		e, _ := askEngine(t, ans)
		res, err := e.Ask(ctx, "what did the self-play chess engine train on?")
		if err != nil {
			t.Fatal(err)
		}
		if res.Answer != "" || !strings.Contains(res.Note, "do not answer") || len(res.Reply().Cards) == 0 {
			t.Fatalf("got answer %q, note %q; want a note that the papers do not answer, and the papers", res.Answer, res.Note)
		}
	})
	t.Run("Cached", func(t *testing.T) {
		ans := &bottest.Answerer{Model: "m1", Prompt: "p1", Reply: "Yes, by self-play [1]."}
		e, _ := askEngine(t, ans)
		for range 2 {
			if _, err := e.Ask(ctx, "self-play chess"); err != nil {
				t.Fatal(err)
			}
		}
		res, err := e.Ask(ctx, "Self-play   CHESS")
		if err != nil {
			t.Fatal(err)
		}
		if got := ans.Calls(); got != 1 || !res.Cached || res.Answer == "" {
			t.Fatalf("calls=%d cached=%v answer=%q, want one LLM call and a cached answer", got, res.Cached, res.Answer)
		}
		ans.Prompt = "p2" // a new prompt asks again
		if _, err := e.Ask(ctx, "self-play chess"); err != nil || ans.Calls() != 2 {
			t.Fatalf("calls=%d err=%v, want a new call for a new prompt version", ans.Calls(), err)
		}
	})
	t.Run("LLMDown", func(t *testing.T) {
		ans := &bottest.Answerer{Model: "m1", Err: errors.New("boom")}
		e, _ := askEngine(t, ans)
		res, err := e.Ask(ctx, "diffusion proteins")
		if err != nil {
			t.Fatal(err)
		}
		if res.Answer != "" || len(res.Papers) != 1 || res.Note == "" {
			t.Fatalf("got %+v, want the paper and a note", res)
		}
	})
	t.Run("NoPapers", func(t *testing.T) {
		ans := &bottest.Answerer{Model: "m1", Reply: "x [1]."}
		e, _ := askEngine(t, ans)
		res, err := e.Ask(ctx, "quantum gravity")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Papers) != 0 || ans.Calls() != 0 || res.Note == "" {
			t.Fatalf("got %+v with %d calls, want no papers, no LLM call, a note", res, ans.Calls())
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		e, _ := askEngine(t, nil)
		for _, q := range []string{"", "  ", "2608.17004"} {
			if _, err := e.Ask(ctx, q); bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("Ask(%q) err=%v, want EINVALID", q, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e, _ := askEngine(t, nil)
		if _, err := e.Ask(ctx, "2501.00001 what is it?"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("err=%v, want ENOTFOUND", err)
		}
	})
}

// TestEngine_Ask_UnsafeAnswers: an answer that cites a paper it was not
// given, or carries a mention, a link or markup, is never shown.
func TestEngine_Ask_UnsafeAnswers(t *testing.T) {
	for _, answer := range []string{
		"Self-play helps [1], as does chess [7].",
		"Self-play helps [0].",
		"Self-play helps @everyone [1].",
		"Self-play helps <@123456> [1].",
		"Self-play helps, see https://evil.example [1].",
		"Self-play helps, see evil.com [1].",
		"Self-play helps [1](https://evil.example).",
		"**Self-play** helps [1].",
		"Self-play helps [1].\n- and lists [1]",
		"Self-play helps [1]. <!here> look",
		"Sure! Self-play helps [1].",
		"Self-play helps [a] [1].",
		"Self-play helps [1], as 2401.01335 shows.",
		"Self-play helps [1], as arXiv:2401.01335v2 shows.",
		"Self-play helps [1], unlike in hep-th/9901001.",
	} {
		ans := &bottest.Answerer{Model: "m1", Reply: answer}
		e, st := askEngine(t, ans)
		res, err := e.Ask(context.Background(), "self-play")
		if err != nil {
			t.Fatal(err)
		}
		r := res.Reply()
		if res.Answer != "" || strings.Contains(r.Text, "Self-play helps") {
			t.Errorf("answer %q was shown: %q", answer, r.Text)
		}
		if len(r.Cards) != 2 || !strings.Contains(res.Note, "checks") {
			t.Errorf("answer %q: %d cards, note %q; want the papers and a note", answer, len(r.Cards), res.Note)
		}
		if st.Summaries() != 0 {
			t.Errorf("answer %q was cached", answer)
		}
	}
}

func TestParseWindow(t *testing.T) {
	now := time.Date(2026, 8, 19, 15, 0, 0, 0, time.UTC) // Wednesday
	tests := []struct{ in, from, to, rest string }{
		{"anything on KV-cache since Monday?", "2026-08-17", "2026-08-19", "anything on KV-cache?"},
		{"which of this week's papers do self-play?", "2026-08-17", "2026-08-19", "which papers do self-play?"},
		{"last week diffusion", "2026-08-10", "2026-08-16", "diffusion"},
		{"today", "2026-08-19", "2026-08-19", ""},
		{"yesterday's agents", "2026-08-18", "2026-08-18", "agents"},
		{"agents in the past 3 days", "2026-08-17", "2026-08-19", "agents"},
		{"this month", "2026-08-01", "2026-08-19", ""},
		{"since 2026-08-01 agents", "2026-08-01", "2026-08-19", "agents"},
		{"agents on 2026-08-13", "2026-08-13", "2026-08-13", "agents"},
		{"since Wednesday", "2026-08-19", "2026-08-19", ""},
		{"weekday agents", "", "", "weekday agents"},
		{"KV-cache since June", "2026-06-01", "2026-08-19", "KV-cache"},
		{"agents since November", "2025-11-01", "2026-08-19", "agents"},
		{"agents in May 2026?", "2026-05-01", "2026-05-31", "agents?"},
		{"KV-cache after 2026-06-01", "2026-06-02", "2026-08-19", "KV-cache"},
		{"agents before March", "", "2026-02-28", "agents"},
		{"agents until May 2026", "", "2026-05-31", "agents"},
		{"diffusion in 2025", "2025-01-01", "2025-12-31", "diffusion"},
		{"agents between March and May 2026", "2026-03-01", "2026-05-31", "agents"},
		{"agents between November and February", "2025-11-01", "2026-02-28", "agents"},
		{"from 2025-03-01 to 2025-03-31 agents", "2025-03-01", "2025-03-31", "agents"},
		{"papers from March to May", "2026-03-01", "2026-05-31", "papers"},
		{"agents last month", "2026-07-01", "2026-07-31", "agents"},
		{"agents this week", "2026-08-17", "2026-08-19", "agents"},
		{"agents in the past 3 weeks", "2026-07-30", "2026-08-19", "agents"},
		{"past 2 months of agents", "2026-06-20", "2026-08-19", "of agents"},
		{"agents last year", "2025-01-01", "2025-12-31", "agents"},
		{"agents since Aug 3", "2026-08-03", "2026-08-19", "agents"},
		{"agents since yesterday", "2026-08-18", "2026-08-19", "agents"},
		{"learning from human feedback", "", "", "learning from human feedback"},
		{"papers in 3D scenes that may help", "", "", "papers in 3D scenes that may help"},
		{"this paper on the last layer", "", "", "this paper on the last layer"},
	}
	for _, tt := range tests {
		w, rest := bot.ParseWindow(tt.in, now)
		if w.From != tt.from || w.To != tt.to || rest != tt.rest {
			t.Errorf("ParseWindow(%q) = %s..%s %q, want %s..%s %q", tt.in, w.From, w.To, rest, tt.from, tt.to, tt.rest)
		}
	}
}

func TestParseWindow_Unread(t *testing.T) {
	now := time.Date(2026, 8, 19, 15, 0, 0, 0, time.UTC)
	tests := []struct{ in, unread, rest string }{
		{"KV-cache since Junly", "since Junly", "KV-cache"},
		{"agents after 2026-13-01?", "after 2026-13-01", "agents?"},
		{"agents in Junly 2026", "in Junly 2026", "agents"},
		{"agents before Febuary", "before Febuary", "agents"},
		{"agents from 2026-02-30 to 2026-03-04", "from 2026-02-30", "agents to 2026-03-04"},
	}
	for _, tt := range tests {
		w, rest := bot.ParseWindow(tt.in, now)
		if !w.IsZero() || w.Unread != tt.unread || rest != tt.rest {
			t.Errorf("ParseWindow(%q) = %+v %q, want all dates, unread %q, %q", tt.in, w, rest, tt.unread, tt.rest)
		}
	}
}

func TestParseCommand_Ask(t *testing.T) {
	cmd, err := bot.ParseCommand("/papers ask 2608.17271 what did they  measure?")
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Name != bot.CmdAsk || cmd.Args != "2608.17271 what did they measure?" {
		t.Fatalf("got %+v", cmd)
	}
}
