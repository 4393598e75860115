package bottest

import (
	"context"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"paperboy/bot"
)

var (
	_ bot.Embedder = (*Embedder)(nil)
	_ bot.Vectors  = (*Vectors)(nil)
)

// EmbedDims is the length of Embedder's vectors.
const EmbedDims = 256

// Embedder is a deterministic bot.Embedder: a text's vector counts its
// words hashed into EmbedDims buckets, each word first replaced by its
// concept in Concepts, so that words of one concept ("self-play",
// "themselves") land in the same bucket the way a real model puts
// paraphrases close together. Words of three letters or fewer are left
// out. Set Err to make it fail.
type Embedder struct {
	Model    string
	Concepts map[string]string
	Err      error

	mu    sync.Mutex
	calls int
	texts int
}

// Embed returns the vectors of texts.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	e.calls++
	e.texts += len(texts)
	e.mu.Unlock()
	if e.Err != nil {
		return nil, e.Err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = HashVector(t, e.Concepts)
	}
	return out, nil
}

// EmbedModel returns Model.
func (e *Embedder) EmbedModel() string { return e.Model }

// Calls returns how many requests Embed got and how many texts in all.
func (e *Embedder) Calls() (calls, texts int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls, e.texts
}

// HashVector is the vector Embedder gives text.
func HashVector(text string, concepts map[string]string) []float32 {
	v := make([]float32, EmbedDims)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		w = strings.Trim(w, "-")
		if c, ok := concepts[w]; ok {
			w = c
		} else if c, ok := concepts[strings.TrimSuffix(w, "s")]; ok {
			w = c
		}
		if len(w) <= 3 {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%EmbedDims]++
	}
	return v
}

// Vectors is an in-memory bot.Vectors with exact float cosine similarity.
type Vectors struct {
	Store *Store // where Unembedded and Nearest find papers

	mu   sync.Mutex
	vecs map[string]modelVector
}

type modelVector struct {
	model string
	v     []float32
}

// SaveVectors stores vectors of the Store's papers.
func (s *Vectors) SaveVectors(_ context.Context, model string, vs []bot.PaperVector) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vecs == nil {
		s.vecs = map[string]modelVector{}
	}
	for _, v := range vs {
		s.vecs[v.ID] = modelVector{model, slices.Clone(v.Vector)}
	}
	return nil
}

// Unembedded returns the Store's papers without a vector of model.
func (s *Vectors) Unembedded(_ context.Context, model, after string, limit int) ([]bot.Paper, int, error) {
	papers := s.Store.All()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Paper
	missing := 0
	for _, p := range papers {
		if s.vecs[p.ID].model == model {
			continue
		}
		missing++
		if p.ID > after && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, missing, nil
}

// Vector returns a paper's vector of model, or ENOTFOUND.
func (s *Vectors) Vector(_ context.Context, model, id string) ([]float32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mv, ok := s.vecs[id]; ok && mv.model == model {
		return mv.v, nil
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "No vector.")
}

// Nearest ranks every vector of model by cosine similarity to v.
func (s *Vectors) Nearest(_ context.Context, model string, v []float32, limit int) ([]bot.Hit, error) {
	papers := s.Store.All()
	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []bot.Hit
	for _, p := range papers {
		if mv, ok := s.vecs[p.ID]; ok && mv.model == model {
			hits = append(hits, bot.Hit{Paper: p, Score: cosine(v, mv.v)})
		}
	}
	slices.SortStableFunc(hits, func(a, b bot.Hit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.Paper.ID, b.Paper.ID)
	})
	return hits[:min(len(hits), limit)], nil
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range min(len(a), len(b)) {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
