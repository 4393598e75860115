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
)

// Retry bounds. Slack answers 429 with Retry-After, which a Web API call
// waits out however often it comes (never beyond ctx: a 429 is a wait, not
// a failure), and an answer on a response_url up to maxRateLimitWaits
// times; a 5xx or a broken connection is retried maxServerRetries times
// with a doubling pause.
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

// backoff is the pause before retry n (1-based) after an ambiguous failure.
func backoff(n int) time.Duration {
	return firstBackoff << min(n-1, 5)
}

// retry calls fn until it succeeds, waiting out rate limits. When
// repeatable (reads), it also retries 5xx and connection failures a bounded
// number of times; a post must not be repeated blindly (see postPart).
func (a *Adapter) retry(ctx context.Context, repeatable bool, fn func() error) error {
	failed := 0
	for {
		err := fn()
		if err == nil {
			return nil
		}
		wait, ok := rateLimitWait(err)
		switch {
		case ok:
		case !ok && repeatable && ambiguous(err) && failed < maxServerRetries:
			failed++
			wait = backoff(failed)
		default:
			return err
		}
		if serr := a.cfg.Sleep(ctx, wait); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

// pacer spaces posts to each channel by postInterval.
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
