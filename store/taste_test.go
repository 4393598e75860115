package store_test

import (
	"bytes"
	"context"
	"testing"

	"paperboy/bot"
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
