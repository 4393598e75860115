package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// The corpus and the day of bot's rank_test.go, for the deliverer's side
// of ranking by taste.

// tasteCorpus stores 40 papers on four topics; the retrieval ones are
// 2601.000x with x < 10.
func tasteCorpus() *bottest.TasteStore {
	topics := []string{"dense retrieval and reranking of passages", "diffusion models for image generation",
		"robot manipulation and grasping", "speech recognition and speaker diarization"}
	s := &bottest.TasteStore{}
	for i := range 40 {
		t := topics[i/10]
		s.Papers = append(s.Papers, bot.Paper{ID: fmt.Sprintf("2601.%05d", i), Title: fmt.Sprintf("Study %d of %s", i, t),
			Abstract: fmt.Sprintf("We improve %s with a new method, variant %d.", t, i%3)})
	}
	return s
}

// day is a batch whose most upvoted paper is off-topic and whose
// retrieval paper is last.
var day = []bot.Paper{
	{ID: "2602.00001", Title: "Speech recognition for meetings", Abstract: "Speaker diarization and speech recognition.", Upvotes: 90},
	{ID: "2602.00002", Title: "Grasping with robots", Abstract: "Robot manipulation and grasping.", Upvotes: 40},
	{ID: "2602.00003", Title: "Dense retrieval for long documents", Abstract: "Reranking passages for dense retrieval.", Upvotes: 3},
}

func TestDeliverer_PlanTaste(t *testing.T) {
	d, _, _, _ := deliveryFixture(t)
	sigs := &bottest.Signals{}
	sigs.Add(bot.Signal{Platform: "discord", Channel: "c1", PaperID: "2601.00002", User: "U1", Kind: bot.SignalSave})
	d.Taste = &bot.Taste{Store: tasteCorpus(), Signals: sigs}
	s := sub
	s.Top = 2
	posts := d.Plan(context.Background(), s, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: day})
	if len(posts) != 3 || !strings.Contains(posts[0].Reply.Text, "taste") {
		t.Fatalf("%d posts, header %q", len(posts), posts[0].Reply.Text)
	}
	if c := posts[1].Reply.Cards[0]; c.ID != "2602.00003" || c.Why == "" {
		t.Fatalf("first card %s why %q, want the retrieval paper with a reason", c.ID, c.Why)
	}
}
