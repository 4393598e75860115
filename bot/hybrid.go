package bot

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"paperboy/bot/text"
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
// vectors and the query can be embedded, it fuses two rankings, each
// weighed by how sure it is (see Fusion): bm25 over the words and cosine
// similarity to the meaning of meaning (the whole question, where text may
// be its keywords). Papers found by both lists rise, a paraphrase that
// shares no word with its paper is still found, and a paper whose title is
// the query comes first. Ties go to the better bm25 rank, so keyword
// queries keep their order; id queries never reach here (see search).
// The first maxFused hits are fused; later pages are bm25 alone, as is
// every search when the embedder fails.
func (e *Engine) textHits(ctx context.Context, text, meaning string, limit, offset int) ([]Hit, error) {
	q := Query{Text: text, Limit: limit, Offset: offset}
	model, ok := e.embedding()
	if !ok || offset+limit > maxFused {
		return e.Store.Search(ctx, q)
	}
	// The bm25 list is read while the query is embedded (a round trip to
	// the endpoint) and its vector list found: the vector search is
	// CPU-bound, and the bm25 search waits on its queries meanwhile. A
	// store that has not loaded the vectors yet (a one-shot command) loads
	// them meanwhile too (VectorPreparer).
	if p, ok := e.Vectors.(VectorPreparer); ok {
		p.PrepareNearest(ctx, model)
	}
	var (
		near              []Hit
		embedErr, nearErr error
		nearing           = make(chan struct{})
	)
	go func() {
		defer close(nearing) // runs last: a panic below is an error here
		defer Recover(e.logger(), "vector search", func() {
			near, nearErr = nil, Errorf(EUNAVAILABLE, "The search by meaning failed.")
		})
		vec, err := e.embedQuery(ctx, meaning)
		if err != nil {
			embedErr = err
			return
		}
		near, nearErr = e.Vectors.Nearest(ctx, model, vec, offset+limit)
	}()
	words, err := e.Store.Search(ctx, Query{Text: text, Limit: offset + limit})
	<-nearing
	if err != nil {
		return nil, err
	}
	if embedErr != nil {
		// The bm25 list read meanwhile is the answer: no second search.
		e.logger().Debug("embed query failed; searching words alone", "error", embedErr)
		return page(words, offset, limit), nil
	}
	if nearErr != nil {
		return nil, nearErr
	}
	return page(Fuse(text, words, near), offset, limit), nil
}

// page returns hits[offset:offset+limit], as far as hits go.
func page(hits []Hit, offset, limit int) []Hit {
	if offset >= len(hits) {
		return nil
	}
	return hits[offset:min(len(hits), offset+limit)]
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

// Fusion weighs the two lists of a hybrid search by how sure each is, in
// a weighted reciprocal rank fusion: a paper ranked r in a list scores
// weight/(rrfK+r) there; the scores add up. Plain fusion (both weights 1)
// lets a weak list push the other's first hit down: bm25 hits that match
// only some of the words (its any-word fallback) above a vector hit that
// means the question, or a flat vector list above a bm25 list that has
// every word. DefaultFusion was tuned on a paraphrase set of real Daily
// Papers (docs/benchmarks.md, "Hybrid search quality").
type Fusion struct {
	// Partial is the bm25 weight when no top bm25 hit has every query
	// word: the store fell back to papers with any of them. With every
	// word the weight is 1.
	Partial float64
	// Spread is how far, in cosine similarity, the vector list's first
	// hit must stand above its tenth for full weight; a flatter list
	// weighs in proportion, down to MinVector.
	Spread, MinVector float64
}

// DefaultFusion is the Fusion of hybrid search.
var DefaultFusion = Fusion{Partial: 0.5, Spread: 0.25, MinVector: 0.5}

// Fuse merges a bm25 ranking (words) and a similarity ranking (near, each
// Score a cosine similarity) by DefaultFusion, see Fusion.Fuse.
func Fuse(query string, words, near []Hit) []Hit { return DefaultFusion.Fuse(query, words, near) }

// Fuse merges a bm25 ranking (words) and a similarity ranking (near) by
// weighted reciprocal rank fusion, see Fusion. Score is the fused score,
// except that a paper whose cleaned title is the query, letter case and
// punctuation aside, comes first. Ties go to the better bm25 rank, so a
// bm25 list that is sure keeps its order against a flat vector list.
func (f Fusion) Fuse(query string, words, near []Hit) []Hit {
	type fused struct {
		hit      Hit
		score    float64
		wordRank int // 1-based; len(words)+1 when absent
	}
	byID := map[string]*fused{}
	var order []*fused
	add := func(h Hit, rank int, weight float64, isWords bool) {
		x := byID[h.Paper.ID]
		if x == nil {
			x = &fused{hit: h, wordRank: len(words) + 1}
			byID[h.Paper.ID] = x
			order = append(order, x)
		}
		x.score += weight / float64(rrfK+rank)
		if isWords {
			x.wordRank = rank
		}
	}
	wb, wv := f.wordsWeight(query, words), f.vectorWeight(near)
	for i, h := range words {
		add(h, i+1, wb, true)
	}
	for i, h := range near {
		add(h, i+1, wv, false)
	}
	key := titleKey(query)
	for _, x := range order {
		if key != "" && titleKey(x.hit.Paper.Title) == key {
			x.score += 1 // above any fused score, which is below 2/61
		}
	}
	slices.SortStableFunc(order, func(a, b *fused) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.wordRank, b.wordRank)
	})
	out := make([]Hit, len(order))
	for i, x := range order {
		out[i] = x.hit
		out[i].Score = x.score
	}
	return out
}

// sureDepth is how many of the first hits of a list tell how sure it is.
const sureDepth = 3

// wordsWeight is 1 when one of the first bm25 hits has every word of the
// query (in its title, abstract or authors), else f.Partial.
func (f Fusion) wordsWeight(query string, words []Hit) float64 {
	terms := fusionTerms(query)
	if len(terms) == 0 {
		return 1
	}
	for _, h := range words[:min(len(words), sureDepth)] {
		if hasAll(h.Paper, terms) {
			return 1
		}
	}
	return f.Partial
}

// vectorWeight is 1 when the first similarity stands f.Spread above the
// tenth (or the last), less in proportion, at least f.MinVector.
func (f Fusion) vectorWeight(near []Hit) float64 {
	if len(near) < 2 || f.Spread <= 0 {
		return 1
	}
	spread := near[0].Score - near[min(len(near), 10)-1].Score
	return max(f.MinVector, min(1, spread/f.Spread))
}

// fusionTerms are the words of a query that a hit must have to match it
// all, cut to their first five letters: bm25's stemmer matches "models"
// to "model", and so does a shared prefix.
func fusionTerms(query string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(query), isNotAlnum) {
		if len(w) < 3 || questionWords[w] {
			continue
		}
		out = append(out, w[:min(len(w), 5)])
	}
	return out
}

// hasAll reports whether p's title, abstract or authors hold every term.
func hasAll(p Paper, terms []string) bool {
	text := strings.ToLower(p.Title + " " + p.Abstract + " " + strings.Join(p.Authors, " "))
	for _, t := range terms {
		if !strings.Contains(text, t) {
			return false
		}
	}
	return true
}

// titleKey is a title or query reduced to its lower-case words, to tell a
// query that is a paper's title.
func titleKey(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(text.CleanTitle(s)), isNotAlnum), " ")
}

// isNotAlnum reports whether r is neither a letter nor a digit.
func isNotAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
