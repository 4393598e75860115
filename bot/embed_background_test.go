package bot_test

import (
	"context"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// TestFetch_EmbedsInTheBackground: with Engine.Background set, Fetch
// returns with the batch stored and its new papers not embedded yet; the
// work it handed over embeds them.
func TestFetch_EmbedsInTheBackground(t *testing.T) {
	ctx := context.Background()
	papers := bottest.Corpus(7, 12)
	st := bottest.NewStore()
	emb := &bottest.Embedder{Model: "m"}
	var queued []func(context.Context)
	e := &bot.Engine{
		Store: st,
		Source: &bottest.Source{FetchFunc: func(_ context.Context, date string) (bot.Batch, error) {
			return bot.Batch{Date: date, Papers: papers}, nil
		}},
		Embedder: emb, Vectors: &bottest.Vectors{Store: st},
		Background: func(work func(context.Context)) { queued = append(queued, work) },
	}
	if _, _, err := e.Fetch(ctx, "2026-08-19"); err != nil {
		t.Fatal(err)
	}
	if calls, _ := emb.Calls(); calls != 0 || len(queued) != 1 {
		t.Fatalf("Fetch made %d embedding calls and queued %d jobs; want none and one", calls, len(queued))
	}
	queued[0](ctx)
	if _, texts := emb.Calls(); texts != len(papers) {
		t.Fatalf("the background job embedded %d papers, want the batch's %d", texts, len(papers))
	}
}
