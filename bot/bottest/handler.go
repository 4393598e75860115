package bottest

import (
	"context"
	"sync"

	"paperboy/bot"
)

// HandlerFunc adapts a function to the Handler interface the chat adapters
// consume (Handle(ctx, bot.Command) (bot.Reply, error)).
type HandlerFunc func(ctx context.Context, cmd bot.Command) (bot.Reply, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error) {
	return f(ctx, cmd)
}

// Recorder is a handler that records the commands it gets and passes them
// on to Next, so adapter tests can assert what reached the engine.
type Recorder struct {
	Next interface {
		Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error)
	}

	mu   sync.Mutex
	cmds []bot.Command
}

// Handle records cmd and answers with Next.
func (r *Recorder) Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error) {
	r.mu.Lock()
	r.cmds = append(r.cmds, cmd)
	r.mu.Unlock()
	return r.Next.Handle(ctx, cmd)
}

// Commands returns a copy of the commands recorded so far.
func (r *Recorder) Commands() []bot.Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Command(nil), r.cmds...)
}
