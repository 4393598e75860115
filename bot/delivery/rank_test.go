package delivery_test

import (
	"context"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// tasteCorpus stores 40 papers on four topics; the retrieval ones are
// 2601.000x with x < 10.
func tasteCorpus() *bottest.TasteStore { return bottest.TasteCorpus() }

// day is a batch whose most upvoted paper is off-topic and whose
// retrieval paper is last.
var day = bottest.TasteDay()

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
