package bot_test

import (
	"context"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// respellingStore answers every search as a store does that corrected a
// misspelt word: its hits say what it searched for.
type respellingStore struct {
	*bottest.Store
	as string
}

func (s respellingStore) Search(ctx context.Context, q bot.Query) ([]bot.Hit, error) {
	hits, err := s.Store.Search(ctx, bot.Query{Text: s.as, Limit: q.Limit, Offset: q.Offset})
	for i := range hits {
		hits[i].Respelled = s.as
	}
	return hits, err
}

func TestEngine_Search_Respelled(t *testing.T) {
	ctx := context.Background()
	st := bottest.NewStore()
	st.SaveBatch(ctx, bot.Batch{Papers: []bot.Paper{{ID: "2401.00001", Title: "Product quantization"}}})
	e := &bot.Engine{Store: respellingStore{st, "product"}}
	r, err := e.Handle(ctx, bot.Command{Name: bot.CmdSearch, Args: "prodcut"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cards) != 1 || !strings.Contains(r.Text, "Showing results for “product”") {
		t.Fatalf("reply %q with %d cards, want it to say what was searched", r.Text, len(r.Cards))
	}
	plain := &bot.Engine{Store: st}
	if r, err := plain.Handle(ctx, bot.Command{Name: bot.CmdSearch, Args: "product"}); err != nil || strings.Contains(r.Text, "Showing") {
		t.Fatalf("reply %q (%v) for a query searched as typed", r.Text, err)
	}
}
