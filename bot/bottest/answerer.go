package bottest

import (
	"context"
	"sync"

	"paperboy/bot"
)

var _ bot.Answerer = (*Answerer)(nil)

// Answerer is a scripted bot.Answerer: it answers Reply (or what
// AnswerFunc returns), or fails with Err, and records what it was asked.
type Answerer struct {
	Model      string // "" means "no LLM", like bot.NopAnswerer
	Prompt     string
	Reply      string
	Err        error
	AnswerFunc func(question string, papers []bot.Paper) string

	mu     sync.Mutex
	calls  int
	papers []bot.Paper
}

// Answer returns the scripted answer and records the question's papers.
func (a *Answerer) Answer(ctx context.Context, question string, papers []bot.Paper) (string, error) {
	a.mu.Lock()
	a.calls++
	a.papers = append([]bot.Paper(nil), papers...)
	a.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if a.AnswerFunc != nil {
		return a.AnswerFunc(question, papers), a.Err
	}
	return a.Reply, a.Err
}

// AnswerVersion returns Model and Prompt.
func (a *Answerer) AnswerVersion() (model, prompt string) { return a.Model, a.Prompt }

// Calls returns how many times Answer was called.
func (a *Answerer) Calls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls
}

// Papers returns the papers of the last question.
func (a *Answerer) Papers() []bot.Paper {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.papers
}
