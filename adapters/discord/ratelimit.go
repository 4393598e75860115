package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"paperboy/bot"
)

// Discord's global rate limit: a bot may make 50 REST requests a second
// across all routes; interaction responses and follow-ups (/interactions/…,
// /webhooks/…) do not count. Discord says so only once it is exceeded (a
// 429 with "global": true), and discordgo does not keep it, so a fan-out to
// many channels would learn it one 429 at a time, and too many 429s get a
// bot's IP banned for an hour. The session's transport keeps it instead:
// at most globalLimit requests leave in any globalWindow+globalMargin, the
// margin so that requests the network delays unevenly still fall into
// separate windows on Discord's side. The per-route buckets are discordgo's
// job: it reads their X-RateLimit-* headers and waits before a request
// that would exceed one.
const (
	globalLimit  = 50
	globalWindow = time.Second
	globalMargin = 20 * time.Millisecond
	// maxGlobalBody is how much of a 429's body is read for retry_after.
	maxGlobalBody = 64 << 10
)

// Budget is the rate budget shared with the other processes that use the
// same bot token (replicas on one database); store.DB implements it.
type Budget = bot.Budget

// Pacing under a shared Budget. Requests are spaced sharedEvery apart
// across all the processes together: 45 a second, so that a fixed window
// of globalWindow sees at most 46 requests on schedule and the 4 to spare
// absorb requests that leave late (a busy machine wakes a sleeper late,
// never early; at 47 a second, 1,000 digests drew 32 global 429s on a busy
// 2-core machine, each a pause of up to a second for every replica). A process books sharedBlock slots at once, in one
// write to the database, and hands them out itself: one write per request
// would queue every request of every replica behind one row's lock.
const (
	sharedEvery = time.Second / 45
	sharedBlock = 5
)

// globalLimiter keeps the global limit: a sliding window over the start
// times of the last globalLimit requests, and a pause after a global 429.
// It is not a rate.Limiter: Discord counts requests per window, and a
// token bucket of globalLimit lets nearly twice as many into the first
// one (see bot.Budget for paperboy's kinds of limiter).
// With a shared Budget it books each request there too, so that every
// replica using the bot token keeps the one limit together; a budget that
// cannot be reached (the database is down) leaves each process its own
// window, and is logged.
type globalLimiter struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	shared Budget
	name   string // the shared budget's name
	log    *slog.Logger
	smu    sync.Mutex  // guards slots; held while a block is booked
	slots  []time.Time // the starts booked in the shared budget, not used yet

	mu     sync.Mutex
	booked [globalLimit]time.Time // start times of the last globalLimit requests, a ring
	oldest int                    // the ring's oldest entry
	paused time.Time              // nothing starts before this
	pauses int                    // global 429s so far that moved paused
}

func newGlobalLimiter() *globalLimiter {
	return &globalLimiter{now: time.Now, sleep: bot.Sleep, log: slog.Default()}
}

// budgetName names a bot token's budget for one limit without the token.
func budgetName(token, limit string) string { return bot.BudgetName("discord", token, limit) }

// reserveShared takes the request's slot in the shared budget and waits
// for it.
func (l *globalLimiter) reserveShared(ctx context.Context) error {
	if l.shared == nil {
		return nil
	}
	at, err := l.sharedSlot(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.log.Warn("the shared discord rate budget cannot be reached; pacing this process alone", "error", err)
		return nil
	}
	if d := at.Sub(l.now()); d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}

// sharedSlot returns the next start this process booked in the shared
// budget, booking a block of sharedBlock when none is left. A slot more
// than half an interval past is dropped: sent now, it would crowd the next
// one, which may be another replica's.
func (l *globalLimiter) sharedSlot(ctx context.Context) (time.Time, error) {
	l.smu.Lock()
	defer l.smu.Unlock()
	now := l.now()
	for len(l.slots) > 0 && l.slots[0].Before(now.Add(-sharedEvery/2)) {
		l.slots = l.slots[1:]
	}
	if len(l.slots) == 0 {
		d, err := l.shared.Reserve(ctx, l.name, sharedBlock*sharedEvery, 1)
		if err != nil {
			return now, err
		}
		start := l.now().Add(d)
		for i := range sharedBlock {
			l.slots = append(l.slots, start.Add(time.Duration(i)*sharedEvery))
		}
	}
	at := l.slots[0]
	l.slots = l.slots[1:]
	return at, nil
}

// wait books the earliest start that keeps the limit and waits for it. A
// global 429 that arrives meanwhile cancels the booking, and it books anew.
func (l *globalLimiter) wait(ctx context.Context) error {
	for {
		now := l.now()
		l.mu.Lock()
		at := bot.Later(now, l.booked[l.oldest].Add(globalWindow+globalMargin), l.paused)
		l.booked[l.oldest] = at
		l.oldest = (l.oldest + 1) % globalLimit
		pauses := l.pauses
		l.mu.Unlock()
		if d := at.Sub(now); d > 0 {
			if err := l.sleep(ctx, d); err != nil {
				return err
			}
		}
		if err := l.reserveShared(ctx); err != nil {
			return err
		}
		l.mu.Lock()
		stale := l.pauses != pauses
		l.mu.Unlock()
		if !stale {
			return ctx.Err()
		}
	}
}

// pause stops every request for d, as a global 429's retry_after asks.
// Discord's window is spent until then and a new one starts, so the
// bookings are forgotten: the requests waiting book again, from the end of
// the pause. A shared budget is held as long, for the other replicas.
func (l *globalLimiter) pause(d time.Duration) {
	d = min(d, maxRetryAfter)
	until := l.now().Add(d)
	l.mu.Lock()
	if until.After(l.paused) {
		l.paused, l.booked, l.pauses = until, [globalLimit]time.Time{}, l.pauses+1
	}
	l.mu.Unlock()
	if l.shared != nil {
		l.smu.Lock()
		l.slots = nil // booked before the 429: Discord's window restarts
		l.smu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := l.shared.Hold(ctx, l.name, d, sharedBlock*sharedEvery, 1); err != nil {
			l.log.Warn("the shared discord rate budget cannot be reached; pacing this process alone", "error", err)
		}
	}
}

// limitedTransport is the session's http.RoundTripper: it waits for the
// global limit before each request that counts against it, and pauses them
// all when Discord answers with a global 429.
type limitedTransport struct {
	limiter *globalLimiter
	next    http.RoundTripper
}

func (t limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	if !exemptFromGlobal(r.URL.Path) {
		if err := t.limiter.wait(r.Context()); err != nil {
			if r.Body != nil {
				r.Body.Close() // a RoundTripper closes the body, even on errors
			}
			return nil, err
		}
	}
	stop := startAttempt(r.Context())
	resp, err := next.RoundTrip(r)
	if err != nil {
		stop()
		return resp, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if d, ok := globalRetryAfter(resp); ok {
			t.limiter.pause(d)
		}
	}
	resp.Body = stopOnClose{resp.Body, stop}
	return resp, nil
}

// attemptKey holds, in the context of one attempt of call, the cancel
// function that ends the attempt. The transport starts the attempt's clock
// (callTimeout) only once the request has its slot under the global limit,
// so that waiting for a slot, or discordgo waiting for a route's bucket,
// does not spend the attempt's time: a wait for a rate limit never fails a
// request.
type attemptKey struct{}

// withAttempt returns the context of one attempt of a call and its cancel
// function; the attempt's timeout starts in the transport.
func withAttempt(ctx context.Context) (context.Context, context.CancelFunc) {
	actx, cancel := context.WithCancel(ctx)
	return context.WithValue(actx, attemptKey{}, cancel), cancel
}

// startAttempt starts the clock of the attempt ctx belongs to, if any, and
// returns what stops it.
func startAttempt(ctx context.Context) func() {
	cancel, ok := ctx.Value(attemptKey{}).(context.CancelFunc)
	if !ok {
		return func() {}
	}
	t := time.AfterFunc(callTimeout, cancel)
	return func() { t.Stop() }
}

// stopOnClose is a response body that stops its attempt's clock once read.
type stopOnClose struct {
	io.ReadCloser
	stop func()
}

func (b stopOnClose) Close() error {
	b.stop()
	return b.ReadCloser.Close()
}

// exemptFromGlobal reports whether a request path is one of the interaction
// endpoints, which the global limit does not cover.
func exemptFromGlobal(path string) bool {
	return strings.Contains(path, "/interactions/") || strings.Contains(path, "/webhooks/")
}

// globalRetryAfter reads a 429: whether it is the global limit (the
// X-RateLimit-Global header, X-RateLimit-Scope: global, or "global": true
// in the body) and its retry_after. The body is put back for discordgo.
func globalRetryAfter(resp *http.Response) (time.Duration, bool) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxGlobalBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return 0, false
	}
	var rl struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	parsed := json.Unmarshal(body, &rl) == nil
	global := resp.Header.Get("X-RateLimit-Global") != "" || strings.EqualFold(resp.Header.Get("X-RateLimit-Scope"), "global") || rl.Global
	if !global {
		return 0, false
	}
	if d := bot.RetryAfterSeconds(rl.RetryAfter); parsed && d > 0 {
		return d, true
	}
	if d := bot.RetryAfter(resp.Header, time.Now()); d > 0 {
		return d, true
	}
	return time.Second, true
}
