package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/taste"
	"paperboy/store"
)

func TestTasteState(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		if _, err := db.TasteState(ctx, "vocabulary", true); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("err=%v on an empty store, want ENOTFOUND", err)
		}
		blob := []byte{0, 1, 2, 255, 0}
		for _, s := range []bot.TasteState{{Name: "vocabulary", Fingerprint: "a", Papers: 3, Data: []byte{9}},
			{Name: "vocabulary", Fingerprint: "b", Papers: 7, Data: blob}} {
			if err := db.SaveTasteState(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.TasteState(ctx, "vocabulary", true)
		if err != nil || got.Fingerprint != "b" || got.Papers != 7 || !bytes.Equal(got.Data, blob) {
			t.Fatalf("got %+v, %v; want the second save", got, err)
		}
		if got, _ := db.TasteState(ctx, "vocabulary", false); got.Data != nil || got.Fingerprint != "b" {
			t.Fatalf("without data: %+v", got)
		}
	})
}

func TestTasteCorpus(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		if _, n, err := db.TasteCorpus(ctx, 0); err != nil || n != 0 {
			t.Fatalf("empty store: %d, %v", n, err)
		}
		papers := []bot.Paper{{ID: "2601.00001", Title: "One", Abstract: "a"}, {ID: "2601.00002", Title: "Two", Abstract: "b"}, {ID: "2601.00003", Title: "Three"}}
		if _, err := db.AddPapers(ctx, papers); err != nil {
			t.Fatal(err)
		}
		got, n, err := db.TasteCorpus(ctx, 2)
		if err != nil || n != 3 || len(got) != 2 || got[0].ID != "2601.00003" || got[1].Abstract != "b" {
			t.Fatalf("got %+v, %d, %v; want the two stored last, newest first", got, n, err)
		}
	})
}

func TestSubscription_Taste(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		s := bot.Subscription{Platform: "slack", Channel: "C1", Rank: bot.RankTaste, Interests: "retrieval and RAG"}
		if err := db.SaveSubscription(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := db.Subscription(ctx, "slack", "C1")
		if err != nil || got.Rank != s.Rank || got.Interests != s.Interests {
			t.Fatalf("got rank %q interests %q, %v", got.Rank, got.Interests, err)
		}
	})
}

// tasteStore opens two handles on one new database of 400 papers, as two
// processes would, and returns a channel with three saves among them, and
// a day of 30 papers not stored.
func tasteStore(t *testing.T, e engine) (a, b *store.DB, sigs *bottest.Signals, sub bot.Subscription, day []bot.Paper) {
	t.Helper()
	dsn := e.dsn(t)
	a, b = mustOpenPath(t, dsn), mustOpenPath(t, dsn)
	papers := bottest.Corpus(1, 430)
	papers, day = papers[:400], papers[400:]
	if _, err := a.AddPapers(context.Background(), papers); err != nil {
		t.Fatal(err)
	}
	sigs = &bottest.Signals{}
	sub = bot.Subscription{Platform: "slack", Channel: "C1", Rank: bot.RankTaste, Top: 5, Interests: bottest.Vocabulary()[200]}
	for _, p := range papers[:3] {
		sigs.Add(bot.Signal{Platform: "slack", Channel: "C1", PaperID: p.ID, User: "U", Kind: bot.SignalSave})
	}
	return a, b, sigs, sub, day
}

// A second process reads the vocabulary the first stored, in place, and
// ranks as the first does.
func TestTaste_VocabularyShared(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		a, b, sigs, sub, day := tasteStore(t, e)
		first := (&bot.Taste{Store: a, Signals: sigs}).Order(ctx, sub, day)
		stored, err := b.TasteState(ctx, "vocabulary", true)
		if err != nil || taste.Outdated(stored.Data) {
			t.Fatalf("stored vocabulary outdated=%v, %v", taste.Outdated(stored.Data), err)
		}
		second := (&bot.Taste{Store: b, Signals: sigs}).Order(ctx, sub, day)
		if first.By != bot.RankTaste || ranking(first) != ranking(second) {
			t.Fatalf("second process ranks %s\nfirst %s", ranking(second), ranking(first))
		}
		if again, _ := b.TasteState(ctx, "vocabulary", true); !bytes.Equal(again.Data, stored.Data) {
			t.Fatal("the second process stored the vocabulary again")
		}
	})
}

// ranking is r's order and reasons, by paper id.
func ranking(r bot.Ranking) string {
	var b strings.Builder
	fmt.Fprintf(&b, "by %s:", r.By)
	for _, p := range r.Papers {
		fmt.Fprintf(&b, " %s", p.ID)
		if why, ok := r.Why[p.ID]; ok {
			fmt.Fprintf(&b, " (%s)", why)
		}
	}
	return b.String()
}

// Two processes on one database, each holding its vocabulary and models:
// a save made through one, and a vocabulary the other rebuilt, reach the
// next ranking of each, which ranks as a new process would.
func TestTaste_HeldStateFollowsTheStore(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		a, b, sigs, sub, day := tasteStore(t, e)
		for _, s := range sigs.All["slack:C1"] {
			if _, err := a.AddSignal(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		ta, tb := &bot.Taste{Store: a, Signals: a}, &bot.Taste{Store: b, Signals: b}
		fresh := func(db *store.DB) string { return ranking((&bot.Taste{Store: db, Signals: db}).Order(ctx, sub, day)) }
		ta.Order(ctx, sub, day)
		tb.Order(ctx, sub, day)
		model, _ := a.TasteState(ctx, "channel:slack:C1", false)

		saved := bottest.Corpus(1, 400)[399]
		if _, err := b.AddSignal(ctx, bot.Signal{Platform: "slack", Channel: "C1", PaperID: saved.ID, User: "U2", Kind: bot.SignalSave}); err != nil {
			t.Fatal(err)
		}
		if got, want := ranking(ta.Order(ctx, sub, day)), fresh(b); got != want {
			t.Fatalf("after a save through the other handle, held state ranks %s\nwant %s", got, want)
		}
		if now, _ := b.TasteState(ctx, "channel:slack:C1", false); now.Fingerprint == model.Fingerprint {
			t.Fatal("the model was not trained again after the save")
		}

		vocab, _ := a.TasteState(ctx, "vocabulary", false)
		if _, err := b.AddPapers(ctx, bottest.Corpus(1, 530)[430:]); err != nil { // 25% more: the vocabulary is rebuilt
			t.Fatal(err)
		}
		tb.Order(ctx, sub, day)
		if now, _ := a.TasteState(ctx, "vocabulary", false); now.Fingerprint == vocab.Fingerprint {
			t.Fatal("the vocabulary was not rebuilt")
		}
		if got, want := ranking(ta.Order(ctx, sub, day)), fresh(a); got != want {
			t.Fatalf("after the other process rebuilt the vocabulary, held state ranks %s\nwant %s", got, want)
		}
	})
}
