package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"paperboy/bot/text"
)

// maxKeyTerms is how many words of a paper look for papers like it: the
// store ranks at most 8 words of a query.
const maxKeyTerms = 8

// Related returns the stored papers closest to the paper named by ref (an
// arXiv id or link), best first, at most limit, never the paper itself:
// the nearest by meaning when papers have vectors (see Engine.Vectors),
// else those that share its rarest title words and keywords, ranked by
// bm25. The error has code EINVALID when ref names no paper and ENOTFOUND
// when the paper is not stored.
func (e *Engine) Related(ctx context.Context, ref string, limit int) (Paper, []Hit, error) {
	p, err := e.lookup(ctx, ref)
	if err != nil {
		return Paper{}, nil, err
	}
	limit = max(1, min(limit, 100))
	hits, ok, err := e.relatedByMeaning(ctx, p, limit)
	if err != nil || ok {
		return p, hits, err
	}
	text := KeyTerms(p)
	if text == "" {
		return p, nil, nil
	}
	hits, err = e.Store.Search(ctx, Query{Text: text, Limit: limit + 1, Any: true})
	if err != nil {
		return Paper{}, nil, fmt.Errorf("related papers: %w", err)
	}
	hits = withoutIDs(hits, []Hit{{Paper: p}})
	return p, hits[:min(len(hits), limit)], nil
}

// genericWords say little about what a paper is about, however rare they
// are among English words.
var genericWords = setOf("model models learning language large via using towards toward based " +
	"approach method methods new efficient improving improved study framework data task tasks " +
	"deep neural network networks benchmark analysis through across without beyond")

// KeyTerms returns the words that say what p is about: its title's words
// that are neither question words nor generic, longest first (long words
// tend to be rare), then its keywords, at most maxKeyTerms.
func KeyTerms(p Paper) string {
	var words []string
	seen := map[string]bool{}
	add := func(w string) {
		w = strings.Trim(w, "?!.,;:\"'()[]{}")
		k := strings.ToLower(w)
		if len(w) > 2 && !seen[k] && !questionWords[k] && !genericWords[k] {
			seen[k] = true
			words = append(words, w)
		}
	}
	for _, f := range strings.Fields(text.CleanTitle(p.Title)) {
		add(f)
	}
	slices.SortStableFunc(words, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, k := range p.Keywords {
		for _, f := range strings.Fields(k) {
			add(f)
		}
	}
	return strings.Join(words[:min(len(words), maxKeyTerms)], " ")
}

func (e *Engine) handleRelated(ctx context.Context, cmd Command) (Reply, error) {
	p, hits, err := e.Related(ctx, cmd.Args, e.pageSize())
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: "Related to: " + shorten(text.CleanTitle(p.Title), 200), Ephemeral: true}
	if len(hits) == 0 {
		r.Text = "No stored paper is close to this one."
	}
	for i, h := range hits {
		r.Cards = append(r.Cards, NewCard(i+1, h.Paper))
	}
	return r, nil
}

// relatedByMeaning finds the papers nearest to p by vectors; ok is false
// when search by meaning is off or p has no vector.
func (e *Engine) relatedByMeaning(ctx context.Context, p Paper, limit int) ([]Hit, bool, error) {
	model, ok := e.embedding()
	if !ok {
		return nil, false, nil
	}
	v, err := e.Vectors.Vector(ctx, model, p.ID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("related papers: %w", err)
	}
	hits, err := e.Vectors.Nearest(ctx, model, v, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("related papers: %w", err)
	}
	hits = withoutIDs(hits, []Hit{{Paper: p}})
	return hits[:min(len(hits), limit)], true, nil
}
