package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestEngine_Find_Window(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, query, from, to string
		want                  []string
	}{
		{"Since", "self-play since Monday", "2026-08-17", "2026-08-19", []string{"2608.17001"}},
		{"Before", "self-play before 2026-08-17", "", "2026-08-16", []string{"2608.10001"}},
		{"InMonth", "self-play in August 2026", "2026-08-01", "2026-08-31", []string{"2608.17001", "2608.10001"}},
		{"OutOfRange", "self-play in 2025", "2025-01-01", "2025-12-31", nil},
		{"OnlyDates", "this week", "2026-08-17", "2026-08-19", []string{"2608.17001", "2608.17002", "2608.17003", "2608.17004"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := askEngine(t, nil)
			res, err := e.Find(ctx, tt.query, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Window.From != tt.from || res.Window.To != tt.to {
				t.Fatalf("Window=%+v, want %s..%s", res.Window, tt.from, tt.to)
			}
			got := ids(papersOfHits(res.Hits))
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("Find(%q)=%v, want %v", tt.query, got, want)
			}
		})
	}
}

// TestEngine_Find_WindowWithoutBatchDates checks the engine's own reading
// of the batches, for a Store without InBatches.
func TestEngine_Find_WindowWithoutBatchDates(t *testing.T) {
	e, st := askEngine(t, nil)
	e.Store = struct{ bot.Store }{st} // hides InBatches and CachedSummaries
	res, err := e.Find(context.Background(), "self-play since Monday", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(papersOfHits(res.Hits)); !slices.Equal(got, []string{"2608.17001"}) {
		t.Fatalf("Find=%v, want only this week's self-play paper", got)
	}
}

func TestEngine_Search_UnreadDates(t *testing.T) {
	e, _ := askEngine(t, nil)
	r, err := e.Handle(context.Background(), bot.Command{Name: bot.CmdSearch, Args: "self-play since Junly"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Searched all dates; I could not read 'since Junly'") {
		t.Fatalf("Text=%q, want it to say the dates it could not read", r.Text)
	}
	if len(r.Cards) != 2 {
		t.Fatalf("Cards=%d, want both self-play papers, of every date", len(r.Cards))
	}
}

func TestEngine_Ask_UnreadDates(t *testing.T) {
	e, _ := askEngine(t, nil)
	res, err := e.Ask(context.Background(), "which papers do self-play since Junly?")
	if err != nil {
		t.Fatal(err)
	}
	if res.Window.Unread != "since Junly" || !res.Window.IsZero() {
		t.Fatalf("Window=%+v, want all dates and the phrase it could not read", res.Window)
	}
	if !strings.Contains(res.Reply().Text, "I could not read 'since Junly'") {
		t.Fatalf("Reply text=%q, want it to say the dates it could not read", res.Reply().Text)
	}
}

// TestEngine_Today_OneSummaryRead checks that a list reply reads the
// cached TL;DRs of all its cards at once.
func TestEngine_Today_OneSummaryRead(t *testing.T) {
	ctx := context.Background()
	e, st := askEngine(t, nil)
	sum := &bottest.Summarizer{Model: "m1", Prompt: "v1"}
	e.Summarizer = sum
	_, newer := askPapers()
	for _, p := range newer {
		key := bot.SummaryKey{PaperID: p.ID, Model: sum.Model, PromptVersion: sum.Prompt}
		if err := st.SaveSummary(ctx, bot.Summary{SummaryKey: key, Text: "A cached one-line summary of " + p.ID + ".", Source: bot.SourceLLM}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.Handle(ctx, bot.Command{Name: bot.CmdToday, Args: "2026-08-19"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cards) != len(newer) {
		t.Fatalf("Cards=%d, want %d", len(r.Cards), len(newer))
	}
	for _, c := range r.Cards {
		if !strings.Contains(c.Summary, "cached one-line summary") {
			t.Fatalf("card %+v has not its cached TL;DR", c)
		}
	}
	if got := st.SummaryReads(); got != 1 {
		t.Fatalf("the reply read the TL;DR cache %d times, want once", got)
	}
}
