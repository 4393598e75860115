package bot

import (
	"context"
	"sync"
	"time"
)

// TLDREvent names what happened to a TL;DR request or to an LLM call; the
// engine reports each to Engine.OnTLDR, so that cmd can count them.
type TLDREvent string

// TL;DR events. The first four are one per request that wants an LLM
// answer; the last three are one per upstream call, however many users
// wait on it.
const (
	TLDRCacheHit TLDREvent = "cache_hit" // the cache had a valid answer
	TLDRJoined   TLDREvent = "joined"    // a call for the paper was in flight; the request waited on it
	TLDRAsked    TLDREvent = "asked"     // the request started an LLM call
	TLDRSkipped  TLDREvent = "skipped"   // the model's answer failed validation lately; not asked again
	TLDRLate     TLDREvent = "late"      // the user got the fallback before the LLM answered

	TLDRAnswered TLDREvent = "answered" // an LLM call's answer passed validation and was cached
	TLDRRejected TLDREvent = "rejected" // an LLM call's answer failed validation
	TLDRFailed   TLDREvent = "failed"   // an LLM call failed
)

// Negative cache: after an answer fails validation, the model is not asked
// about that paper again for rejectedFor. A model that always fails would
// otherwise be asked on every request; a model that got better is asked
// again soon. At most maxRejected papers are remembered.
const (
	rejectedFor = 10 * time.Minute
	maxRejected = 4096
)

// replyMargin is the time a TL;DR request leaves before its ctx deadline
// (the chat's reply deadline) to build and send the fallback.
const replyMargin = 2 * time.Second

// tldrFlights is the engine's state for LLM calls: the call in flight per
// paper and the papers whose answer failed validation lately. Its zero
// value is ready.
type tldrFlights struct {
	mu       sync.Mutex
	calls    map[SummaryKey]*tldrCall
	rejected map[SummaryKey]time.Time // until when the paper is not asked about
}

// tldrCall is one LLM call; done closes once s and ok are set.
type tldrCall struct {
	done chan struct{}
	s    Summary
	ok   bool
}

// askLLM returns the LLM's validated answer for p, waiting for it at most
// waitFor (see tldrWait): one call per paper however many ask at once, run
// by the engine and bounded by SummaryBudget, so that an answer arriving
// after the user got the fallback is still validated and cached.
func (e *Engine) askLLM(ctx context.Context, key SummaryKey, p Paper) (Summary, bool) {
	call, event := e.flight(ctx, key, p)
	e.count(event)
	if call == nil {
		return Summary{}, false
	}
	wait := e.tldrWait(ctx)
	if wait <= 0 {
		e.count(TLDRLate)
		return Summary{}, false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-call.done:
		return call.s, call.ok
	case <-t.C:
	case <-ctx.Done():
	}
	e.count(TLDRLate)
	return Summary{}, false
}

// flight returns the call in flight for key, starting one if there is
// none, or nil when the paper's last answer failed validation lately.
func (e *Engine) flight(ctx context.Context, key SummaryKey, p Paper) (*tldrCall, TLDREvent) {
	f := &e.tldr
	f.mu.Lock()
	defer f.mu.Unlock()
	if until, ok := f.rejected[key]; ok {
		if e.now().Before(until) {
			return nil, TLDRSkipped
		}
		delete(f.rejected, key)
	}
	if call, ok := f.calls[key]; ok {
		return call, TLDRJoined
	}
	if f.calls == nil {
		f.calls = make(map[SummaryKey]*tldrCall)
	}
	call := &tldrCall{done: make(chan struct{})}
	f.calls[key] = call
	// The call outlives the request that started it: it keeps ctx's values
	// but not its cancellation, and has a deadline of its own.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.summaryBudget())
	go func() {
		defer cancel()
		e.runLLM(callCtx, key, p, call)
	}()
	return call, TLDRAsked
}

// runLLM makes the call, validates and caches the answer, and then ends
// the flight. A failure is logged here, once, however many users waited.
func (e *Engine) runLLM(ctx context.Context, key SummaryKey, p Paper, call *tldrCall) {
	event := TLDRFailed
	defer func() {
		// Counted before landing: whoever sees the outcome sees it counted.
		e.count(event)
		e.land(key, call, event == TLDRRejected)
	}()
	answer, err := e.summarizer().Summarize(ctx, p)
	if err != nil {
		e.logger().Warn("llm tldr failed; falling back", "paper_id", p.ID, "model", key.Model, "error", err)
		return
	}
	text, err := e.checkTLDR(answer)
	if err != nil {
		event = TLDRRejected
		e.logger().Warn("llm tldr rejected; falling back", "paper_id", p.ID, "model", key.Model,
			"reason", ErrorMessage(err), "retry_after", rejectedFor)
		return
	}
	event = TLDRAnswered
	call.s = Summary{SummaryKey: key, Text: text, Source: SourceLLM, Created: e.now().UTC()}
	call.ok = true
	if err := e.Store.SaveSummary(ctx, call.s); err != nil {
		e.logger().Warn("cache tldr", "paper_id", p.ID, "error", err)
	}
}

// land ends a flight: it remembers a rejection, forgets the call and
// wakes those waiting on it, in that order, so that a request never finds
// neither the call nor its outcome.
func (e *Engine) land(key SummaryKey, call *tldrCall, rejected bool) {
	f := &e.tldr
	f.mu.Lock()
	if rejected {
		if f.rejected == nil {
			f.rejected = make(map[SummaryKey]time.Time)
		}
		f.pruneRejected(e.now())
		f.rejected[key] = e.now().Add(rejectedFor)
	}
	delete(f.calls, key)
	f.mu.Unlock()
	close(call.done)
}

// pruneRejected drops expired entries, and arbitrary ones while there are
// still maxRejected or more, so that the map stays bounded. f.mu is held.
func (f *tldrFlights) pruneRejected(now time.Time) {
	if len(f.rejected) < maxRejected {
		return
	}
	for k, until := range f.rejected {
		if !now.Before(until) || len(f.rejected) >= maxRejected {
			delete(f.rejected, k)
		}
	}
}

// tldrWait is how long a request waits for the LLM: SummaryTimeout, but
// never past replyMargin before ctx's deadline, so that the chat shows the
// fallback TL;DR rather than its apology for a late reply, whatever the
// chat's deadline and summarize.timeout are.
func (e *Engine) tldrWait(ctx context.Context) time.Duration {
	wait := e.summaryTimeout()
	if deadline, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(deadline)-replyMargin)
	}
	return wait
}

// WaitTLDRs blocks until the LLM calls in flight have ended, or ctx is
// done. Each call is bounded by SummaryBudget; main waits for them, for a
// short while, before it closes the store they write to.
func (e *Engine) WaitTLDRs(ctx context.Context) error {
	e.tldr.mu.Lock()
	calls := make([]*tldrCall, 0, len(e.tldr.calls))
	for _, c := range e.tldr.calls {
		calls = append(calls, c)
	}
	e.tldr.mu.Unlock()
	for _, c := range calls {
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (e *Engine) count(event TLDREvent) {
	if e.OnTLDR != nil {
		e.OnTLDR(event)
	}
}

func (e *Engine) summaryBudget() time.Duration {
	if e.SummaryBudget > 0 {
		return e.SummaryBudget
	}
	return 2*e.summaryTimeout() + 10*time.Second
}
