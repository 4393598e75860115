package store_test

import (
	"context"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
)

// FuzzSearch runs arbitrary text through Search on a real database: no
// input may produce an FTS5 or SQL error.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"diffusion", "self-supervised", "gpt-4", "c++", `"unbalanced`, "AND OR NOT", "NEAR(",
		"title:", "author:smith", "*foo", "^x", "'); DROP TABLE papers;--", "日本語", "learni", "\x00", "\xff\xfe",
		"mixture-of-experts", "human-in-the-loop policy", "the of and", "NEAR(a b, 2)"} {
		f.Add(s)
	}
	// The same papers twice: one store searched exactly, as small stores
	// are, one through the planner (sampling, NEAR, windows), as large ones.
	exact, planned := MustOpenDB(f), MustOpenDB(f)
	store.SetExactBelow(planned, 0)
	for _, db := range []*store.DB{exact, planned} {
		if _, err := db.SaveBatch(context.Background(), bot.Batch{Papers: bottest.Corpus(1, 200)}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, db := range []*store.DB{exact, planned} {
			if _, err := db.Search(context.Background(), bot.Query{Text: text, Limit: 5}); err != nil {
				t.Fatalf("Search(%q): %v", text, err)
			}
		}
	})
}
