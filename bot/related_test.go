package bot_test

import (
	"context"
	"slices"
	"testing"

	"paperboy/bot"
)

func TestEngine_Related(t *testing.T) {
	ctx := context.Background()
	e, _ := askEngine(t, nil)
	t.Run("OK", func(t *testing.T) {
		p, hits, err := e.Related(ctx, "2608.17001", 5)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != "2608.17001" || len(hits) == 0 {
			t.Fatalf("paper %s, %d hits", p.ID, len(hits))
		}
		got := ids(papersOfHits(hits))
		if got[0] != "2608.10001" || slices.Contains(got, "2608.17001") {
			t.Fatalf("related=%v, want the other self-play paper first and never the paper itself", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, _, err := e.Related(ctx, "2501.00001", 5); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("err=%v, want ENOTFOUND", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, _, err := e.Related(ctx, "not a paper", 5); bot.ErrorCode(err) != bot.EINVALID {
			t.Fatalf("err=%v, want EINVALID", err)
		}
	})
}

func TestKeyTerms(t *testing.T) {
	p := bot.Paper{Title: "Towards Efficient $\\alpha$-Sparse Attention for Large Language Models", Keywords: []string{"sparsity", "attention"}}
	if got, want := bot.KeyTerms(p), "α-Sparse Attention sparsity"; got != want {
		t.Fatalf("KeyTerms=%q, want %q", got, want)
	}
}

func papersOfHits(hits []bot.Hit) []bot.Paper {
	var out []bot.Paper
	for _, h := range hits {
		out = append(out, h.Paper)
	}
	return out
}
