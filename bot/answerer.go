package bot

import "context"

// Answerer answers a question from numbered papers, typically with an LLM.
// The engine chooses the papers, owns the cache and checks every answer
// with check.Answer; an Answerer only asks.
type Answerer interface {
	// Answer returns the model's answer to question from papers, numbered
	// from 1 in the order given, as received. The answer cites papers as
	// [1], [2], or is check.NoAnswer when the papers do not answer. Errors mean
	// no answer (timeout, upstream down); the engine falls back to listing
	// the papers.
	Answer(ctx context.Context, question string, papers []Paper) (string, error)

	// AnswerVersion returns the model name and the answer prompt's version,
	// which key the answer cache. An empty model means there is no LLM.
	AnswerVersion() (model, prompt string)
}

// NopAnswerer is the Answerer used when no LLM is configured: questions
// get the papers that would answer them.
type NopAnswerer struct{}

// Answer always fails with EUNAVAILABLE.
func (NopAnswerer) Answer(context.Context, string, []Paper) (string, error) {
	return "", Errorf(EUNAVAILABLE, "No LLM is configured.")
}

// AnswerVersion returns empty strings: there is no model.
func (NopAnswerer) AnswerVersion() (model, prompt string) { return "", "" }
