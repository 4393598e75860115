package bot

import "context"

// Summarizer writes a one-line TL;DR of a paper, typically with an LLM. The
// engine owns caching, validation of the answer and fallbacks; a Summarizer
// only asks.
type Summarizer interface {
	// Summarize returns the model's answer for p, as received. Errors mean
	// no answer (timeout, upstream down, refused); the engine falls back.
	Summarize(ctx context.Context, p Paper) (string, error)

	// Version returns the model name and the prompt version, which key the
	// TL;DR cache. An empty model means there is no LLM.
	Version() (model, prompt string)
}

// NopSummarizer is the Summarizer used when no LLM is configured. It never
// answers, so TL;DRs come from Hugging Face or the abstract.
type NopSummarizer struct{}

// Summarize always fails with EUNAVAILABLE.
func (NopSummarizer) Summarize(context.Context, Paper) (string, error) {
	return "", Errorf(EUNAVAILABLE, "No LLM is configured.")
}

// Version returns empty strings: there is no model.
func (NopSummarizer) Version() (model, prompt string) { return "", "" }
