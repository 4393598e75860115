package bottest

import (
	"context"
	"sync/atomic"

	"paperboy/bot"
)

var _ bot.Summarizer = (*Summarizer)(nil)

// Summarizer is a scripted bot.Summarizer: it answers Answer, or fails with
// Err, or calls SummarizeFunc when set, and counts its calls.
type Summarizer struct {
	Model  string // "" means "no LLM", like bot.NopSummarizer
	Prompt string
	Answer string
	Err    error

	SummarizeFunc func(ctx context.Context, p bot.Paper) (string, error)

	calls atomic.Int64
}

// Summarize returns Answer or Err, or what SummarizeFunc returns.
func (s *Summarizer) Summarize(ctx context.Context, p bot.Paper) (string, error) {
	s.calls.Add(1)
	if s.SummarizeFunc != nil {
		return s.SummarizeFunc(ctx, p)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return s.Answer, s.Err
}

// Version returns Model and Prompt.
func (s *Summarizer) Version() (model, prompt string) { return s.Model, s.Prompt }

// Calls returns how many times Summarize was called.
func (s *Summarizer) Calls() int { return int(s.calls.Load()) }

// Source is a scripted bot.Source.
type Source struct {
	FetchFunc func(ctx context.Context, date string) (bot.Batch, error)
}

// Name returns "fake".
func (s *Source) Name() string { return "fake" }

// Fetch calls FetchFunc.
func (s *Source) Fetch(ctx context.Context, date string) (bot.Batch, error) {
	return s.FetchFunc(ctx, date)
}
