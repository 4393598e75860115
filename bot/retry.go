package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry is the one retry policy of paperboy's outbound HTTP clients: the
// Hugging Face and arXiv sources, the LLM and embeddings clients and the
// Discord and Slack adapters each describe their numbers in a Retry and let
// Do run the loop, so that the rules are written once:
//
//   - at most Attempts tries end in a failure;
//   - only failures the client marks are tried again: Transient, by
//     convention a 429, a 5xx (see RetryableStatus) or a transport error,
//     never a failure because ctx ended;
//   - a rate limit the client marks RateLimited (a chat platform's 429) is
//     a wait, not a failure: it is waited out however often it comes,
//     bounded by ctx, MaxWait and the deadline rules, not by Attempts;
//   - a write that may have taken effect, marked Uncertain (a 5xx or a
//     broken connection after a post), is tried again only when the Retry
//     is Idempotent: it is never repeated blindly;
//   - the wait is what the server asked for (see RetryAfter), or else an
//     exponential backoff, with jitter so that restarted bots do not retry
//     in step (NoJitter for exact doubling);
//   - a server that asks for more than MaxWait is not waited for: the
//     retries end at once and the caller can say when to come back;
//   - a retry starts only when ctx's deadline leaves room for its wait and
//     one whole try (AttemptTimeout, or no more than the wait with
//     WithinDeadline): a try that cannot finish is not begun.
type Retry struct {
	// Attempts is the number of tries that may end in a failure, the
	// first included (a RateLimited try is not one); less than 1 means 1.
	Attempts int
	// Backoff is the wait after the first failure the server gave no wait
	// for. It doubles with every failure, up to MaxBackoff, and each wait
	// is drawn between half of it and all of it (unless NoJitter).
	Backoff time.Duration
	// NoJitter makes each backoff exactly Backoff·2^(n-1): for the chat
	// adapters, whose retries wait under the platform's rate limits rather
	// than in step with other bots.
	NoJitter bool
	// MaxBackoff caps a backoff, as MaxWait does; 0 means no cap of its
	// own.
	MaxBackoff time.Duration
	// MaxWait is the longest wait honoured; a server asking for more ends
	// the retries with a *RetryError whose Wait says how long it asked.
	// 0 means any wait is honoured.
	MaxWait time.Duration
	// AttemptTimeout is how long one try can take. When it is set and ctx
	// has a deadline, a retry starts only if the deadline leaves its wait
	// plus AttemptTimeout.
	AttemptTimeout time.Duration
	// WithinDeadline applies the deadline rule without an AttemptTimeout:
	// a retry starts only if its wait ends before ctx's deadline (an
	// interaction's answer, which is useless late).
	WithinDeadline bool
	// Idempotent says a try may be repeated after an Uncertain failure:
	// the request is a read, an update, or a write the client has made
	// safe to repeat (it looks first for what the failed try did).
	Idempotent bool
	// OnRetry, when set, is told about each retry before its wait: the try
	// that failed (from 1), the wait, and the failure.
	OnRetry func(attempt int, wait time.Duration, err error)
	// Sleep waits d or until ctx is done; nil means the package's Sleep.
	// Tests replace it to record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of the deadline check; nil means time.Now.
	Now func() time.Time
}

// Do calls try (with the try's number, from 1) until it returns nil or an
// error not marked Transient, RateLimited or Uncertain, which Do returns as
// is, or the policy ends the retries: then the error is a *RetryError
// holding the last failure, except an Uncertain failure of a Retry that is
// not Idempotent, which is returned unwrapped. When ctx ends during a wait,
// Do returns ctx.Err(); OnRetry saw the failure before it.
func (r Retry) Do(ctx context.Context, try func(attempt int) error) error {
	start, waited, failures := r.now(), time.Duration(0), 0
	for attempt := 1; ; attempt++ {
		err := try(attempt)
		var te *TransientError
		if err == nil || !errors.As(err, &te) {
			return err
		}
		if te.Uncertain && !r.Idempotent {
			return te.Err
		}
		if !te.Limited {
			failures++
		}
		elapsed := max(r.now().Sub(start), waited) // waits a test's Sleep skipped count too
		wait, stop := r.next(ctx, failures, te, start.Add(elapsed))
		if stop {
			re := &RetryError{Err: te.Err, Attempts: attempt}
			if r.MaxWait > 0 && te.After > r.MaxWait {
				re.Wait = te.After
			}
			return re
		}
		if r.OnRetry != nil {
			r.OnRetry(attempt, wait, te.Err)
		}
		if err := r.sleep(ctx, wait); err != nil {
			return err
		}
		waited += wait
	}
}

// next returns the wait before the try after a failure te, the failures-th
// counted one, at now; or stop when there is to be none.
func (r Retry) next(ctx context.Context, failures int, te *TransientError, now time.Time) (wait time.Duration, stop bool) {
	if ctx.Err() != nil || (!te.Limited && failures >= r.Attempts) {
		return 0, true
	}
	if r.MaxWait > 0 && te.After > r.MaxWait {
		return 0, true
	}
	wait = te.After
	if wait <= 0 {
		wait = r.backoff(max(failures, 1))
	}
	if deadline, ok := ctx.Deadline(); ok && (r.AttemptTimeout > 0 || r.WithinDeadline) && now.Add(wait+r.AttemptTimeout).After(deadline) {
		return 0, true
	}
	return wait, false
}

// backoff returns the wait after the attempt-th failure: between half and
// all of Backoff·2^(attempt-1), capped, or all of it with NoJitter.
func (r Retry) backoff(attempt int) time.Duration {
	limit := r.MaxBackoff
	if r.MaxWait > 0 && (limit <= 0 || r.MaxWait < limit) {
		limit = r.MaxWait
	}
	d := r.Backoff
	for i := 1; i < attempt && (limit <= 0 || d < limit) && d < time.Hour; i++ {
		d *= 2
	}
	if limit > 0 {
		d = min(d, limit)
	}
	if d <= 0 {
		return 0
	}
	if r.NoJitter {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

func (r Retry) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits d or until ctx is done, and then returns ctx.Err(). It is
// paperboy's one wait on a remote (a retry's backoff, a server's
// Retry-After, a rate limit's pause): a wait of d <= 0 does not wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Later returns the latest of t and ts: the rate limiters' "not before"
// of a wait, from the times each rule allows (a pause, the next slot).
func Later(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.After(t) {
			t = u
		}
	}
	return t
}

func (r Retry) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// TransientError is a failed try worth repeating, made by Transient,
// RateLimited or Uncertain.
type TransientError struct {
	Err   error
	After time.Duration // the wait the server asked for; 0 means back off
	// Limited marks a rate limit: a wait, not a failure (RateLimited).
	Limited bool
	// Uncertain marks a write that may have taken effect (Uncertain).
	Uncertain bool
}

// Transient marks err as worth another try, after the wait the server asked
// for (0 when it asked for none).
func Transient(err error, after time.Duration) error {
	return &TransientError{Err: err, After: after}
}

// RateLimited marks err as a rate limit (a 429 that says the request was
// not taken): Do waits after, or backs off when it is 0, and tries again
// without counting the try against Attempts.
func RateLimited(err error, after time.Duration) error {
	return &TransientError{Err: err, After: after, Limited: true}
}

// Uncertain marks err as a failed write that may have taken effect all
// the same (a 5xx, a connection that broke after the request went out):
// Do backs off and tries again when the Retry is Idempotent, and returns
// err as is otherwise.
func Uncertain(err error) error {
	return &TransientError{Err: err, Uncertain: true}
}

// Error returns the failure's message.
func (e *TransientError) Error() string { return e.Err.Error() }

// Unwrap returns the failure.
func (e *TransientError) Unwrap() error { return e.Err }

// RetryError is what Retry.Do returns when the retries end without success.
type RetryError struct {
	Err      error         // the last failure
	Attempts int           // the tries made
	Wait     time.Duration // when > 0, the server asked to wait this long, over MaxWait
}

// Error describes the last failure and the tries.
func (e *RetryError) Error() string {
	if e.Wait > 0 {
		return fmt.Sprintf("%v (asked to wait %s)", e.Err, e.Wait)
	}
	return fmt.Sprintf("%v (after %d tries)", e.Err, e.Attempts)
}

// Unwrap returns the last failure.
func (e *RetryError) Unwrap() error { return e.Err }

// RetryableStatus reports whether an HTTP status is worth another try:
// 429 Too Many Requests or a 5xx.
func RetryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500
}

// maxRetryAfter bounds what RetryAfter and RetryAfterSeconds return, so
// that no server's wait overflows a Duration; it is longer than any MaxWait.
// It is the one cap on a server's wait: whether a wait that long is
// honoured is each caller's Retry.MaxWait (a command's answer cannot wait
// minutes, a scheduled delivery can).
const maxRetryAfter = 7 * 24 * time.Hour

// RetryAfter returns the wait a response asks for: OpenAI's Retry-After-Ms,
// else Retry-After in seconds (Discord sends fractions) or as an HTTP date
// (relative to now). It is 0 when there is none, it cannot be read or it
// asks for no wait, and at most a week. It is paperboy's one reader of
// Retry-After: a platform that sends its wait elsewhere (Discord's
// retry_after in the body) hands the number to RetryAfterSeconds.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After-Ms")), 64); err == nil && ms > 0 {
		return RetryAfterSeconds(ms / 1000)
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return RetryAfterSeconds(float64(secs))
	} else if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-") {
		return maxRetryAfter
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && strings.IndexFunc(v, notDecimal) < 0 {
		return RetryAfterSeconds(secs)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// notDecimal reports whether r cannot be part of a plain decimal number
// ("1.5"), so that "Inf", "NaN" and hex floats are not read as seconds.
func notDecimal(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' && r != '+' }

// RetryAfterSeconds turns a server's wait in seconds into a Duration under
// the one cap of a week; a wait that is not positive (or NaN) is 0.
func RetryAfterSeconds(secs float64) time.Duration {
	if !(secs > 0) {
		return 0
	}
	return min(time.Duration(min(secs, maxRetryAfter.Seconds())*float64(time.Second)), maxRetryAfter)
}
