package bot

import (
	"context"
	"time"
)

// Store keeps papers, day batches and the TL;DR cache. store.DB implements it
// on SQLite; bottest.Store is an in-memory fake for tests.
type Store interface {
	// SaveBatch stores the batch's papers, adding new ones and refreshing
	// known ones (upvotes, and optional fields the new copy has), never
	// duplicating a paper. When b.Date is set, the day's batch becomes
	// exactly b.Papers in their order, from b.Source, replacing an earlier
	// one: there is one batch per day.
	SaveBatch(ctx context.Context, b Batch) (SaveResult, error)

	// AddPapers stores the papers whose id is not stored yet and leaves
	// stored ones exactly as they are, for bulk imports that may be rerun:
	// the result counts Added and AlreadyStored. A paper listed twice is
	// stored once, as its first copy. The error has code EINVALID for a
	// paper without an id; then nothing is saved.
	AddPapers(ctx context.Context, papers []Paper) (SaveResult, error)

	// Paper returns the paper with the canonical id. The error has code
	// ENOTFOUND when no such paper is stored.
	Paper(ctx context.Context, id string) (Paper, error)

	// Batch returns the newest batch dated on or before date, papers in rank
	// order; the caller compares its Date with the one asked for. The error
	// has code ENOTFOUND when there is no such batch.
	Batch(ctx context.Context, date string) (Batch, error)

	// Search runs a free-text search over every stored paper. Any text is
	// safe: it never produces a query-syntax error. Text with nothing
	// searchable in it gives no hits and no error.
	Search(ctx context.Context, q Query) ([]Hit, error)

	// Summary returns the cached TL;DR for key. The error has code
	// ENOTFOUND on a cache miss.
	Summary(ctx context.Context, key SummaryKey) (Summary, error)

	// SaveSummary caches a TL;DR under its key, replacing an older entry.
	SaveSummary(ctx context.Context, s Summary) error
}

// Query is a full-text search request.
type Query struct {
	Text   string
	Limit  int // at most this many hits; the store applies a default when 0
	Offset int // skip this many hits, for the next page
	// Any asks for papers with any of the words, ranked by how many they
	// have and how rare those are, instead of papers with all of them:
	// "papers like this one" from its key terms.
	Any bool
}

// Hit is one search result. Score is the relevance: higher is better. Scores
// compare hits within one search only.
type Hit struct {
	Paper Paper
	Score float64
	// Respelled is, when not empty, what the store searched for instead of
	// the text asked: a misspelt or run-together word replaced by known ones
	// ("prodcut" → "product"). The reply says so.
	Respelled string
}

// SummaryKey identifies one cached TL;DR: the paper, and the model and
// prompt version that wrote it, so a new model or prompt gets fresh entries.
type SummaryKey struct {
	PaperID       string
	Model         string
	PromptVersion string
}

// Summary is a one-line TL;DR of a paper and where it came from.
type Summary struct {
	SummaryKey
	Text string
	// Source is SourceLLM, SourceHF or SourceExtractive.
	Source  string
	Created time.Time
	// Cached reports whether the summary was served from the cache.
	Cached bool
}

// Summary sources, as shown to users and in JSON output.
const (
	SourceLLM        = "llm"
	SourceHF         = "hf"
	SourceExtractive = "extractive"
)
