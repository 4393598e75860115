package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Handler answers one command; *Engine satisfies it. Answer consumes it; the
// chat adapters declare the same one-method interface for themselves.
type Handler interface {
	Handle(ctx context.Context, cmd Command) (Reply, error)
}

// DefaultAnswerTimeout bounds an answer when Answer is given no timeout. It
// leaves room for one LLM call (SummaryTimeout is 20 s by default).
const DefaultAnswerTimeout = 25 * time.Second

// ErrTooSlow is the apology a user sees when a command runs past its
// timeout.
var ErrTooSlow = Errorf(EUNAVAILABLE, "Sorry, that took too long. Please try again in a moment.")

// Answer is the one answer policy of every chat adapter: it asks h for the
// reply to cmd and always returns a reply to show.
//
//   - Deadline: the handler gets timeout (DefaultAnswerTimeout when 0 or
//     less); past it the user gets ErrTooSlow, even when the handler ignores
//     its context.
//   - Errors: the user sees ErrorMessage(err); only internal errors are
//     logged, with their details, since the others are the user's to fix.
//   - Panics: a panicking handler is logged with its stack, and the user sees
//     "Internal error."; the process goes on.
//
// When ctx itself ends first (the caller gave up, e.g. an autocomplete
// window or a shutdown), Answer returns ErrTooSlow without logging: the
// caller knows why. The handler runs in a goroutine of its own, which ends
// when the handler returns; its context is cancelled once Answer returns.
func Answer(ctx context.Context, h Handler, cmd Command, timeout time.Duration, log *slog.Logger) Reply {
	if timeout <= 0 {
		timeout = DefaultAnswerTimeout
	}
	if log == nil {
		log = slog.Default()
	}
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan answer, 1) // buffered: a late handler never blocks
	attrs := []any{"command", cmd.Name, "platform", cmd.Platform, "channel", cmd.Channel}
	go func() { done <- handle(hctx, h, cmd, log.With(attrs...)) }()
	var res answer
	select {
	case res = <-done:
	case <-hctx.Done():
		res.err = hctx.Err()
	}
	switch {
	case res.err == nil:
		return res.reply
	case ctx.Err() != nil:
		return ErrorReply(ErrTooSlow)
	case hctx.Err() != nil && (errors.Is(res.err, context.DeadlineExceeded) || ErrorCode(res.err) == EINTERNAL):
		log.Warn("command timed out", append(attrs, "timeout", timeout)...)
		return ErrorReply(ErrTooSlow)
	case res.panicked: // logged and counted by Recover
	case ErrorCode(res.err) == EINTERNAL:
		log.Error("command failed", append(attrs, "error", res.err)...)
	}
	return ErrorReply(res.err)
}

// answer is what a handler gave: a reply or an error, and whether it
// panicked.
type answer struct {
	reply    Reply
	err      error
	panicked bool
}

// errPanicked is the error of a handler that panicked.
var errPanicked = errors.New("command panicked")

// handle runs h, turning a panic into an internal error under Recover's
// policy.
func handle(ctx context.Context, h Handler, cmd Command, log *slog.Logger) (a answer) {
	defer Recover(log, "command", func() { a = answer{err: errPanicked, panicked: true} })
	a.reply, a.err = h.Handle(ctx, cmd)
	return a
}
