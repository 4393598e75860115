package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestEngine_Today(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t, nil)
	t.Run("OK", func(t *testing.T) {
		r, err := e.Handle(ctx, bot.Command{Name: bot.CmdToday, Args: "2026-08-19"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.Title, "Daily Papers — Wed 19 Aug 2026 · 2 papers"; got != want {
			t.Fatalf("Title=%q, want %q", got, want)
		}
		if got, want := r.Cards[0].Title, "Self-Play Reasoning at Scale"; got != want {
			t.Fatalf("Cards[0].Title=%q, want %q (cleaned)", got, want)
		}
		if r.Text != "" {
			t.Fatalf("Text=%q, want no notice", r.Text)
		}
	})
	t.Run("Weekend", func(t *testing.T) {
		r, err := e.Handle(ctx, bot.Command{Name: bot.CmdToday, Args: "2026-08-22"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, "weekends") || !strings.Contains(r.Text, "Wed 19 Aug 2026") {
			t.Fatalf("Text=%q, want a weekend notice pointing at the latest batch", r.Text)
		}
	})
	t.Run("DefaultIsToday", func(t *testing.T) {
		r, err := e.Handle(ctx, bot.Command{Name: bot.CmdToday})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Cards) != 2 || r.Text != "" {
			t.Fatalf("got %d cards, notice %q; want today's 2 papers", len(r.Cards), r.Text)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := e.Handle(ctx, bot.Command{Name: bot.CmdToday, Args: "19/08/2026"})
		if bot.ErrorCode(err) != bot.EINVALID {
			t.Fatalf("err=%v, want EINVALID", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := e.Handle(ctx, bot.Command{Name: bot.CmdToday, Args: "2020-01-01"})
		if bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("err=%v, want ENOTFOUND", err)
		}
	})
}

func TestEngine_Search(t *testing.T) {
	ctx := context.Background()
	t.Run("DirectID", func(t *testing.T) {
		e, _ := newEngine(t, nil)
		for _, q := range []string{"2608.17271", "https://arxiv.org/abs/2608.17271v1", "huggingface.co/papers/2608.17271"} {
			hits, _, err := e.Search(ctx, q, 5, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 1 || hits[0].Paper.ID != "2608.17271" {
				t.Fatalf("Search(%q)=%v, want exactly 2608.17271", q, hits)
			}
		}
	})
	t.Run("IDAndWords", func(t *testing.T) {
		e, _ := newEngine(t, nil)
		hits, _, err := e.Search(ctx, "2608.17271 self-play", 5, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 2 || hits[0].Paper.ID != "2608.17271" || hits[1].Paper.ID != "2608.12313" {
			t.Fatalf("hits=%v, want the named paper first, then the word match", hits)
		}
	})
	t.Run("Paging", func(t *testing.T) {
		st := bottest.NewStore()
		var papers []bot.Paper
		for i := range 25 {
			papers = append(papers, bot.Paper{ID: fmt.Sprintf("2401.%05d", i), Title: "Diffusion paper"})
		}
		st.SaveBatch(ctx, bot.Batch{Papers: papers})
		e := &bot.Engine{Store: st, PageSize: 10}
		var seen []string
		cmd := bot.Command{Name: bot.CmdSearch, Args: "diffusion"}
		for page := 0; ; page++ {
			r, err := e.Handle(ctx, cmd)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range r.Cards {
				seen = append(seen, c.ID)
			}
			if r.Next == nil {
				break
			}
			cmd = *r.Next
		}
		if got, want := len(seen), 25; got != want {
			t.Fatalf("paged through %d results, want %d", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		e, _ := newEngine(t, nil)
		if _, _, err := e.Search(ctx, "   ", 5, 0); bot.ErrorCode(err) != bot.EINVALID {
			t.Fatalf("err=%v, want EINVALID", err)
		}
	})
}

func TestImporter(t *testing.T) {
	ctx := context.Background()
	st := bottest.NewStore()
	im := &bot.Importer{Store: st, ChunkSize: 2}
	day := "2026-08-19"
	for _, it := range []bot.Item{
		{Paper: bot.Paper{ID: "2608.00001", Title: "A", Upvotes: 1}, Date: day},
		{Paper: bot.Paper{ID: "2608.00002", Title: "B", Upvotes: 9}, Date: day},
		{Paper: bot.Paper{ID: "2608.00003", Title: "C", Upvotes: 5}},
	} {
		if err := im.Add(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := im.Result, (bot.SaveResult{Added: 3}); got != want {
		t.Fatalf("Result=%+v, want %+v", got, want)
	}
	// A second import adds a paper to the same day; the day keeps its papers.
	im2 := &bot.Importer{Store: st}
	im2.Add(ctx, bot.Item{Paper: bot.Paper{ID: "2608.00004", Title: "D", Upvotes: 7}, Date: day})
	im2.Add(ctx, bot.Item{Paper: bot.Paper{ID: "2608.00001", Title: "A", Upvotes: 20}, Date: day})
	if err := im2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := im2.Result, (bot.SaveResult{Added: 1, Updated: 1}); got != want {
		t.Fatalf("Result=%+v, want %+v", got, want)
	}
	b, err := st.Batch(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range b.Papers {
		ids = append(ids, p.ID)
	}
	if got, want := strings.Join(ids, ","), "2608.00001,2608.00002,2608.00004"; got != want {
		t.Fatalf("batch=%s, want %s (merged, by upvotes)", got, want)
	}
	if p, _ := st.Paper(ctx, "2608.00003"); p.ArxivURL != "https://arxiv.org/abs/2608.00003" {
		t.Fatalf("ArxivURL=%q, want links filled from the id", p.ArxivURL)
	}
}

func TestEngine_Fetch(t *testing.T) {
	ctx := context.Background()
	st := bottest.NewStore()
	var asked string
	src := &bottest.Source{FetchFunc: func(_ context.Context, date string) (bot.Batch, error) {
		asked = date
		if bot.IsWeekend(date) {
			return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "weekend")
		}
		return bot.Batch{Date: date, Source: "fake", Papers: testPapers()}, nil
	}}
	e := &bot.Engine{Store: st, Source: src, Now: func() time.Time { return time.Date(2026, 8, 19, 23, 30, 0, 0, time.UTC) }}
	b, res, err := e.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if asked != "2026-08-19" || b.Date != "2026-08-19" || res.Added != 2 {
		t.Fatalf("asked %s, got %s with %+v; want today (UTC) with 2 added", asked, b.Date, res)
	}
	if _, _, err := e.Fetch(ctx, "2026-08-22"); bot.ErrorCode(err) != bot.ENOBATCH {
		t.Fatalf("err=%v, want ENOBATCH", err)
	}
	if _, _, err := e.Fetch(ctx, "yesterday"); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("err=%v, want EINVALID", err)
	}
}

func TestEngine_Handle_Help(t *testing.T) {
	e, _ := newEngine(t, nil)
	r, err := e.Handle(context.Background(), bot.Command{Name: bot.CmdHelp})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/papers today", "/papers search", "/papers tldr"} {
		if !strings.Contains(r.Text, want) {
			t.Fatalf("help does not mention %q", want)
		}
	}
}

func ExampleEngine() {
	ctx := context.Background()
	st := bottest.NewStore()
	st.SaveBatch(ctx, bot.Batch{Date: "2026-08-19", Papers: []bot.Paper{{
		ID:        "2608.12313",
		Title:     "Self-Play\n  Reasoning",
		Abstract:  "We show that self-play improves reasoning on five math benchmarks. More follows.",
		AISummary: "Self-play improves math reasoning.",
	}}})
	e := &bot.Engine{Store: st}

	cmd, _ := bot.ParseCommand("/papers tldr https://arxiv.org/abs/2608.12313v2")
	r, _ := e.Handle(ctx, cmd)
	fmt.Printf("%s: %s (%s)\n", r.Cards[0].Title, r.Cards[0].Summary, r.Cards[0].SummaryFrom)
	// Output: Self-Play Reasoning: Self-play improves math reasoning. (Hugging Face)
}
