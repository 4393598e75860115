package bot

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Hybrid search.
const (
	// rrfK damps the weight of the first ranks in reciprocal rank fusion;
	// 60 is the value of the original paper (Cormack et al., 2009) and works
	// across very different lists.
	rrfK = 60
	// maxFused is how deep the fused lists go: later pages are bm25 alone.
	maxFused = 100
	// queryEmbedTimeout bounds embedding a query; past it, search uses
	// words alone rather than keep a chat waiting.
	queryEmbedTimeout = 2 * time.Second
)

// textHits returns a page of hits for the words of text. When papers have
// vectors and the query can be embedded, it fuses two rankings by
// reciprocal rank fusion: bm25 over the words and cosine similarity to the
// meaning of meaning (the whole question, where text may be its keywords).
// A paper ranked r in a list scores 1/(rrfK+r) there; the scores add up.
// Papers found by both lists rise, a paraphrase that shares no word with
// its paper is still found, and a paper whose title is the query comes
// first. Ties go to the better bm25 rank, so keyword and id queries keep
// their order. The first maxFused hits are fused; later pages are bm25
// alone, as is every search when the embedder fails.
func (e *Engine) textHits(ctx context.Context, text, meaning string, limit, offset int) ([]Hit, error) {
	q := Query{Text: text, Limit: limit, Offset: offset}
	model, ok := e.embedding()
	if !ok || offset+limit > maxFused {
		return e.Store.Search(ctx, q)
	}
	vec, err := e.embedQuery(ctx, meaning)
	if err != nil {
		e.logger().Debug("embed query failed; searching words alone", "error", err)
		return e.Store.Search(ctx, q)
	}
	words, err := e.Store.Search(ctx, Query{Text: text, Limit: offset + limit})
	if err != nil {
		return nil, err
	}
	near, err := e.Vectors.Nearest(ctx, model, vec, offset+limit)
	if err != nil {
		return nil, err
	}
	fused := Fuse(text, words, near)
	if offset >= len(fused) {
		return nil, nil
	}
	return fused[offset:min(len(fused), offset+limit)], nil
}

// embedQuery returns the vector of a query.
func (e *Engine) embedQuery(ctx context.Context, text string) ([]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, queryEmbedTimeout)
	defer cancel()
	vecs, err := e.Embedder.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 || len(vecs[0]) == 0 {
		return nil, Errorf(EUNAVAILABLE, "The embeddings endpoint returned no vector for the query.")
	}
	return vecs[0], nil
}

// Fuse merges a bm25 ranking (words) and a similarity ranking (near) by
// reciprocal rank fusion, see textHits. Score is the fused score, except
// that a paper whose cleaned title is the query, letter case and
// punctuation aside, comes first.
func Fuse(query string, words, near []Hit) []Hit {
	type fused struct {
		hit      Hit
		score    float64
		wordRank int // 1-based; len(words)+1 when absent
	}
	byID := map[string]*fused{}
	var order []*fused
	add := func(h Hit, rank int, isWords bool) {
		f := byID[h.Paper.ID]
		if f == nil {
			f = &fused{hit: h, wordRank: len(words) + 1}
			byID[h.Paper.ID] = f
			order = append(order, f)
		}
		f.score += 1 / float64(rrfK+rank)
		if isWords {
			f.wordRank = rank
		}
	}
	for i, h := range words {
		add(h, i+1, true)
	}
	for i, h := range near {
		add(h, i+1, false)
	}
	key := titleKey(query)
	for _, f := range order {
		if key != "" && titleKey(f.hit.Paper.Title) == key {
			f.score += 1 // above any fused score, which is below 2/61
		}
	}
	slices.SortStableFunc(order, func(a, b *fused) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.wordRank, b.wordRank)
	})
	out := make([]Hit, len(order))
	for i, f := range order {
		out[i] = f.hit
		out[i].Score = f.score
	}
	return out
}

// titleKey is a title or query reduced to its lower-case words, to tell a
// query that is a paper's title.
func titleKey(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(CleanTitle(s)), isNotAlnum), " ")
}
