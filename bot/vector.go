package bot

import (
	"context"
	"math"

	"paperboy/bot/text"
)

// Embedder turns texts into vectors, typically through an OpenAI-compatible
// /v1/embeddings endpoint. Vectors of one model compare with each other
// only: the engine never mixes models.
type Embedder interface {
	// Embed returns one vector per text, in order. Errors mean no vectors
	// (timeout, upstream down); callers fall back to words alone.
	Embed(ctx context.Context, texts []string) ([][]float32, error)

	// EmbedModel names the model that makes the vectors; "" means there is
	// no embedder.
	EmbedModel() string
}

// NopEmbedder is the Embedder used when no embeddings endpoint is
// configured: search and related papers use words alone.
type NopEmbedder struct{}

// Embed always fails with EUNAVAILABLE.
func (NopEmbedder) Embed(context.Context, []string) ([][]float32, error) {
	return nil, Errorf(EUNAVAILABLE, "No embeddings endpoint is configured.")
}

// EmbedModel returns "": there is no model.
func (NopEmbedder) EmbedModel() string { return "" }

// Vectors keeps papers' vectors, each with the model that made it, and
// finds the papers nearest to a vector. store.DB implements it. It is
// separate from Store because only search by meaning needs it.
type Vectors interface {
	// SaveVectors stores the vectors of papers, by paper id, for model,
	// replacing each paper's vector of any model. Ids not stored are
	// skipped.
	SaveVectors(ctx context.Context, model string, vs []PaperVector) error

	// Unembedded returns up to limit stored papers that have no vector for
	// model, in id order, with ids after after ("" to start), and how many
	// such papers there are in all (after or not).
	Unembedded(ctx context.Context, model, after string, limit int) ([]Paper, int, error)

	// Vector returns the stored vector of the paper with the id for model.
	// The error has code ENOTFOUND when there is none.
	Vector(ctx context.Context, model, id string) ([]float32, error)

	// Nearest returns the papers whose vectors for model are nearest to v
	// by cosine similarity (Score, at most 1), best first, at most limit.
	// Without vectors for model it returns no hits and no error.
	Nearest(ctx context.Context, model string, v []float32, limit int) ([]Hit, error)
}

// VectorPreparer is a Vectors that can get ready to search a model's
// vectors ahead of Nearest: a hybrid search calls PrepareNearest before it
// embeds the query, so that a store that has not loaded the vectors (a
// one-shot command's) loads them during the embeddings endpoint's round
// trip instead of after it. It returns at once; a failure to get ready is
// Nearest's to report. store.DB implements it.
type VectorPreparer interface {
	PrepareNearest(ctx context.Context, model string)
}

// PaperVector is one paper's vector.
type PaperVector struct {
	ID     string
	Vector []float32
}

// EmbedText is the text of a paper that is embedded: its cleaned title and
// abstract. Search by meaning compares a query's vector with it.
func EmbedText(p Paper) string {
	return text.Truncate(text.CleanTitle(p.Title), MaxTitleLen) + "\n\n" + text.Truncate(text.CleanAbstract(p.Abstract), MaxAbstractLen)
}

// Quantize scales v to unit length and rounds it to int8 components: q ≈
// v/|v|·scale, with scale chosen so the largest component is ±127. A
// quarter of the memory of float32 and integer arithmetic make a
// brute-force scan over tens of thousands of papers take milliseconds,
// for an error in cosine similarity of about 0.01. A zero vector gives
// zeros and scale 0.
func Quantize(v []float32) (q []int8, scale float32) {
	var norm, peak float64
	for _, x := range v {
		norm += float64(x) * float64(x)
		peak = max(peak, math.Abs(float64(x)))
	}
	q = make([]int8, len(v))
	if norm == 0 || peak == 0 {
		return q, 0
	}
	norm = math.Sqrt(norm)
	s := 127 / (peak / norm) // unit component → int8
	for i, x := range v {
		q[i] = int8(math.Round(float64(x) / norm * s))
	}
	return q, float32(s)
}

// Dequantize returns the unit vector that q and scale stand for.
func Dequantize(q []int8, scale float32) []float32 {
	v := make([]float32, len(q))
	if scale == 0 {
		return v
	}
	for i, x := range q {
		v[i] = float32(x) / scale
	}
	return v
}

// DotInt8 returns the dot product of two quantised vectors of the same
// length; divided by both scales, it is their cosine similarity. The loop
// does eight components a step, in four sums: about 3× as fast as one
// component a step, which is what a brute-force scan spends its time on.
func DotInt8(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += int32(x[0])*int32(y[0]) + int32(x[4])*int32(y[4])
		s1 += int32(x[1])*int32(y[1]) + int32(x[5])*int32(y[5])
		s2 += int32(x[2])*int32(y[2]) + int32(x[6])*int32(y[6])
		s3 += int32(x[3])*int32(y[3]) + int32(x[7])*int32(y[7])
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}
