package bot

import "context"

// Source fetches a day's batch of papers from an upstream service: Hugging
// Face Daily Papers (adapters/hf) or arXiv listings (adapters/arxiv).
type Source interface {
	// Name is the source's short name ("hf", "arxiv"), stored with batches.
	Name() string

	// Fetch returns the batch for date (DateLayout, a UTC calendar day),
	// ranked. The error has code ENOBATCH when the day has no batch (a
	// weekend, or a weekday the source has not published yet: the message
	// says which), EINVALID for a date the source cannot serve, and
	// EUNAVAILABLE when the source kept failing after its retries.
	Fetch(ctx context.Context, date string) (Batch, error)
}
