package bot_test

import (
	"context"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestImporter_KeepStored(t *testing.T) {
	ctx := context.Background()
	st := bottest.NewStore()
	day := "2026-08-19"
	stored := bot.Paper{ID: "2608.00001", Title: "Stored title", Upvotes: 12, HFURL: "https://huggingface.co/papers/2608.00001"}
	if _, err := st.SaveBatch(ctx, bot.Batch{Papers: []bot.Paper{stored}}); err != nil {
		t.Fatal(err)
	}
	im := &bot.Importer{Store: st, ChunkSize: 2, KeepStored: true, Date: day}
	for _, p := range []bot.Paper{
		{ID: "2608.00001", Title: "Snapshot title"},
		{ID: "2608.00002", Title: "B"},
		{ID: "2608.00003", Title: "C"},
	} {
		if err := im.Add(ctx, bot.Item{Paper: p}); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := im.Result, (bot.SaveResult{Added: 2, AlreadyStored: 1}); got != want {
		t.Fatalf("Result=%+v, want %+v", got, want)
	}
	got, err := st.Paper(ctx, stored.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != stored.Title || got.Upvotes != stored.Upvotes || got.HFURL != stored.HFURL {
		t.Fatalf("stored paper changed: %+v, want %+v", got, stored)
	}
	// The day batch lists every paper, the stored one as stored.
	b, err := st.Batch(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(b.Papers), 3; got != want {
		t.Fatalf("batch has %d papers, want %d", got, want)
	}
	if got, want := b.Papers[0].Title, stored.Title; got != want {
		t.Errorf("batch paper 0 Title=%q, want %q", got, want)
	}

	t.Run("Rerun", func(t *testing.T) {
		im := &bot.Importer{Store: st, KeepStored: true}
		for _, id := range []string{"2608.00002", "2608.00003", "2608.00004"} {
			if err := im.Add(ctx, bot.Item{Paper: bot.Paper{ID: id, Title: "again"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := im.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := im.Result, (bot.SaveResult{Added: 1, AlreadyStored: 2}); got != want {
			t.Fatalf("Result=%+v, want %+v", got, want)
		}
	})
}
