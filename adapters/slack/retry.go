package slack

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

// Retry bounds, kept by bot.Retry (see policy). Slack answers 429 with
// Retry-After, which a Web API call waits out however often it comes (never
// beyond ctx: a 429 is a wait, not a failure), and an answer on a
// response_url up to maxRateLimitWaits times; a 5xx or a broken connection
// is retried maxServerRetries times with a doubling pause, when the call
// is safe to repeat.
const (
	maxRateLimitWaits = 10
	maxServerRetries  = 3
	firstBackoff      = time.Second
	// postInterval paces chat.postMessage to about one message per second
	// per channel, Slack's limit for it.
	postInterval = time.Second
)

// rateLimitWait reports whether err is a rate limit, and how long to wait.
func rateLimitWait(err error) (time.Duration, bool) {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Second), true
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return time.Second, true // a 429 without Retry-After
	}
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "ratelimited" {
		return time.Second, true
	}
	return 0, false
}

// ambiguous reports whether err leaves it open whether Slack did what was
// asked: a 5xx answer, or a connection that broke or timed out. A request
// refused for its content, or cancelled by our ctx, is not ambiguous.
func ambiguous(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// classify marks a Web API call's failure for bot.Retry: a rate limit is a
// RateLimited wait, an ambiguous failure is Uncertain (repeated only by an
// idempotent policy), anything else is final.
func classify(err error) error {
	if wait, ok := rateLimitWait(err); ok {
		return bot.RateLimited(err, wait)
	}
	if ambiguous(err) {
		return bot.Uncertain(err)
	}
	return err
}

// policy is the adapter's bot.Retry: attempts tries that may fail, after
// pauses doubling from firstBackoff (unjittered, at most 32 s), and any wait
// Slack asks for. idempotent says an Uncertain failure may be repeated.
func (a *Adapter) policy(attempts int, idempotent bool) bot.Retry {
	return bot.Retry{
		Attempts: attempts, Backoff: firstBackoff, MaxBackoff: firstBackoff << 5, NoJitter: true,
		Idempotent: idempotent, Sleep: a.cfg.Sleep, Now: a.cfg.Now,
	}
}

// do runs try under policy and returns its failure as Slack's callers see
// it: the failure itself, joined with ctx's error when ctx ended the
// retries (during a wait, or before one).
func (a *Adapter) do(ctx context.Context, policy bot.Retry, try func() error) error {
	var last, slept error // the failure a wait followed; the wait's error
	onRetry := policy.OnRetry
	policy.OnRetry = func(attempt int, wait time.Duration, err error) {
		last = err
		if onRetry != nil {
			onRetry(attempt, wait, err)
		}
	}
	sleep := policy.Sleep
	policy.Sleep = func(ctx context.Context, d time.Duration) error {
		slept = sleep(ctx, d)
		return slept
	}
	err := policy.Do(ctx, func(int) error { return try() })
	var re *bot.RetryError
	switch {
	case slept != nil:
		return errors.Join(last, slept)
	case errors.As(err, &re) && ctx.Err() != nil:
		return errors.Join(re.Err, ctx.Err())
	case errors.As(err, &re):
		return re.Err
	}
	return err
}

// retry calls fn until it succeeds, waiting out rate limits. When
// repeatable (reads, updates), it also retries 5xx and connection failures
// a bounded number of times; a post must not be repeated blindly (see
// postPart).
func (a *Adapter) retry(ctx context.Context, repeatable bool, fn func() error) error {
	return a.do(ctx, a.policy(maxServerRetries+1, repeatable), func() error {
		if err := fn(); err != nil {
			return classify(err)
		}
		return nil
	})
}

// pacer spaces posts to each channel by postInterval, from each post's
// departure (see repace), which is why it is not a rate.Limiter.
type pacer struct {
	mu   sync.Mutex
	next map[string]time.Time // channel → earliest time of its next post
}

// pace waits until channel may get its next post, and books that slot.
func (a *Adapter) pace(ctx context.Context, channel string) error {
	now := a.cfg.Now()
	a.pacer.mu.Lock()
	if a.pacer.next == nil || len(a.pacer.next) > 10000 {
		a.pacer.next = make(map[string]time.Time)
	}
	at := a.pacer.next[channel]
	if at.Before(now) {
		at = now
	}
	a.pacer.next[channel] = at.Add(postInterval)
	a.pacer.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return a.cfg.Sleep(ctx, d)
	}
	return ctx.Err()
}

// repace makes channel's next post wait postInterval from now, in case this
// one goes later than pace had booked it.
func (a *Adapter) repace(channel string) {
	next := a.cfg.Now().Add(postInterval)
	a.pacer.mu.Lock()
	if a.pacer.next != nil && a.pacer.next[channel].Before(next) {
		a.pacer.next[channel] = next
	}
	a.pacer.mu.Unlock()
}
