package discord

import (
	"context"
	"errors"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

// Retry policy of call. discordgo v0.29.0 would retry a 429 forever,
// sleeping without looking at ctx and holding the route's bucket, and retry a
// 502 at once; both are turned off (newSession) and replaced by this.
const (
	// maxRetryAfter is the longest retry_after a call waits for; a longer
	// one fails the call, and the caller tries again later. Shorter ones
	// are waited out however many come: a 429 is a wait, not a failure
	// (only a context with a deadline, an interaction's, cuts them short).
	maxRetryAfter = 2 * time.Minute
	// maxFailures is how many 5xx or network errors one call retries.
	maxFailures = 3
	// firstBackoff is the wait after the first failure; it doubles.
	firstBackoff = 500 * time.Millisecond
)

// call runs one REST request, fn, under the retry policy (callRetry, run
// by bot.Retry): every attempt gets discordgo.WithContext with its own
// deadline (callTimeout, from when the request has its slot under the
// global limit); a 429 waits retry_after and tries again; a 5xx or network
// error is retried maxFailures times with backoff; a 4xx fails at once.
// When ctx has a deadline (an interaction's 3 s window), a retry whose wait
// would not end before it is not started: it could only fail, or answer
// too late. secret is a token in the request's URL (an interaction token),
// scrubbed from the error like the bot token.
func (a *Adapter) call(ctx context.Context, op, secret string, fn func(opts ...discordgo.RequestOption) error) error {
	var last, slept error // the failure a wait follows; the wait's error
	describeErr := func(err error) string { return a.scrub(errors.New(describe(err)), secret).Error() }
	policy := a.callRetry()
	policy.OnRetry = func(_ int, wait time.Duration, err error) {
		last = err
		a.log.Debug("discord call will be retried", "op", op, "wait", wait, "error", describeErr(err))
	}
	policy.Sleep = func(ctx context.Context, d time.Duration) error {
		slept = a.sleep(ctx, d)
		return slept
	}
	err := policy.Do(ctx, func(int) error {
		actx, cancel := withAttempt(ctx)
		err := fn(discordgo.WithContext(actx), discordgo.WithRetryOnRatelimit(false), discordgo.WithRestRetries(0))
		cancel()
		if err == nil {
			return nil
		}
		if v := classify(err); v != nil {
			return v
		}
		return &restError{op: op, msg: describeErr(err), err: err}
	})
	var re *bot.RetryError
	switch {
	case slept != nil:
		return &restError{op: op, msg: describeErr(last) + " (then " + slept.Error() + ")", err: slept}
	case errors.As(err, &re):
		return &restError{op: op, msg: describeErr(re.Err), err: re.Err}
	}
	return err
}

// callRetry is call's bot.Retry: rate limits waited out up to
// maxRetryAfter, maxFailures retries after failures with an unjittered
// doubling from firstBackoff, none that would outlast ctx's deadline.
func (a *Adapter) callRetry() bot.Retry {
	return bot.Retry{
		Attempts: maxFailures + 1, Backoff: firstBackoff, NoJitter: true,
		MaxWait: maxRetryAfter, WithinDeadline: true, Sleep: a.sleep,
	}
}

// classify marks err for bot.Retry: a 429 is a wait of its retry_after (a
// RateLimited wait, not a failure), a 4xx fails at once (nil), anything
// else, a 5xx or a network error, is Transient.
func classify(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return bot.RateLimited(err, max(rl.RetryAfter, 50*time.Millisecond))
	}
	if s := statusOf(err); s != 0 && s < 500 {
		return nil
	}
	return bot.Transient(err, 0)
}

// statusOf returns the HTTP status of a Discord error response, or 0.
func statusOf(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// discordCode returns Discord's JSON error code of an error response, or 0.
func discordCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// restError is a failed REST call. Its message is short (describe) and has
// every token scrubbed; Unwrap gives the original error for errors.Is and
// errors.As.
type restError struct {
	op, msg string
	err     error
}

func (e *restError) Error() string { return e.op + ": " + e.msg }
func (e *restError) Unwrap() error { return e.err }

// scrub returns err with the bot token and any of secrets replaced, for
// messages that quote a URL (interaction and webhook URLs carry tokens).
func (a *Adapter) scrub(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range append(secrets, a.token) {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "REDACTED")
		}
	}
	return errors.New(msg)
}

// tokenBucket names the rate-limit bucket for a request with an interaction
// token. discordgo keeps every bucket forever and holds a bucket's lock for
// the length of a request: one bucket per token would grow without bound,
// one for all would queue every user behind the slowest. 16 shared slots
// bound both.
func tokenBucket(kind, token string) string {
	h := fnv.New32a()
	h.Write([]byte(token))
	return "paperboy/" + kind + "/" + strconv.Itoa(int(h.Sum32()%16))
}

// rewrite is an http.RoundTripper that sends requests for discord.com to
// another server: discordgo fixes most of its endpoint URLs at init, so the
// transport is where they can be moved.
type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

// RoundTrip sends r to the target server, keeping its path under the
// target's path.
func (rt rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	next := rt.next
	if next == nil {
		next = http.DefaultTransport
	}
	if host := r.URL.Hostname(); host != "discord.com" && host != "discordapp.com" {
		return next.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host = rt.target.Scheme, rt.target.Host
	r2.URL.Path = strings.TrimSuffix(rt.target.Path, "/") + r.URL.Path
	r2.URL.RawPath = ""
	r2.Host = ""
	return next.RoundTrip(r2)
}
