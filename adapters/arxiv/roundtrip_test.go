package arxiv_test

import (
	"bytes"
	"slices"
	"testing"

	"paperboy/adapters/arxiv"
	"paperboy/bot/bottest"
)

// TestParseSnapshot_WriteSnapshot checks that the synthetic snapshot the
// import benchmarks use reads back as the corpus it was written from.
func TestParseSnapshot_WriteSnapshot(t *testing.T) {
	const n = 300
	var buf bytes.Buffer
	if err := bottest.WriteSnapshot(&buf, 1, n); err != nil {
		t.Fatal(err)
	}
	res := parse(arxiv.ParseSnapshot, &buf)
	if res.err != nil || len(res.skips) > 0 {
		t.Fatalf("err=%v, skips=%+v", res.err, res.skips)
	}
	want := bottest.Corpus(1, n)
	if got := len(res.items); got != n {
		t.Fatalf("%d papers, want %d", got, n)
	}
	for i, it := range res.items {
		got, w := it.Paper, want[i]
		if got.ID != w.ID || got.Title != w.Title {
			t.Fatalf("paper %d: %s %q, want %s %q", i, got.ID, got.Title, w.ID, w.Title)
		}
		if !slices.Equal(got.Categories, w.Categories) || len(got.Categories) == 0 {
			t.Fatalf("paper %s: categories %q, want %q", w.ID, got.Categories, w.Categories)
		}
		if !slices.Equal(got.Authors, w.Authors) {
			t.Fatalf("paper %s: authors %q, want %q", w.ID, got.Authors, w.Authors)
		}
	}
}
