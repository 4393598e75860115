package slack

import (
	"context"
	"sync"
	"time"

	"paperboy/bot"
)

// Budget is the rate budget shared with the other processes that use the
// same bot token (replicas on one database); store.DB implements it.
type Budget = bot.Budget

// postGate keeps chat.postMessage under the workspace's limit. Slack
// publishes no figure for it ("several hundred messages per minute", beside
// the one a second per channel that pace keeps) and reveals it only by
// answering 429, so the gate learns it. Until the first 429 posts go as fast
// as pacing lets them. A 429 on a post is taken as the workspace's, since
// pace keeps every channel under its own limit: all posts then wait out its
// Retry-After together, and resume evenly spaced at the rate Slack accepted
// in the second before it. The rate rises by a twentieth each second until
// the next 429 (a burst allowance, where Slack gives one, absorbs the
// overshoot for a while), and a minute without one the gate forgets it (a
// 429 that was not the workspace's, say another app posting in the same
// channel, must not slow the bot for good). Without the gate, a fan-out
// with many posts in flight bounces off the limit over and over, one post
// at a time, and an unlucky post runs out of its maxRateLimitWaits.
// (Letting the learned number go in a burst each second instead, as the
// Discord adapter does with its global window, measured slower: every burst
// that outgrows the limit costs a whole second of Retry-After.) With a
// shared Budget a 429's pause holds the posts of every replica using the
// token, not only this one's: the workspace's limit is theirs together.
// The rate is learned, not fixed, so it is not a rate.Limiter (see
// bot.Budget for paperboy's kinds of limiter).
type postGate struct {
	mu       sync.Mutex
	paused   time.Time   // no post starts before this
	pauses   int         // 429s so far that moved paused
	limit    float64     // posts a second learned at the last 429; 0: none
	learned  time.Time   // when limit was learned (the end of its pause)
	next     time.Time   // earliest start of the next post under limit
	accepted []time.Time // posts Slack accepted in the last gateWindow
}

// gateWindow is how far back the gate counts accepted posts; gateForget is
// how long it keeps a rate learned from a 429.
const (
	gateWindow = time.Second
	gateForget = time.Minute
)

// gateWait books the next post's start under the gate and waits for it. A
// 429 that comes meanwhile cancels the booking, and it books anew.
func (a *Adapter) gateWait(ctx context.Context) error {
	g := &a.gate
	for {
		now := a.cfg.Now()
		g.mu.Lock()
		at := bot.Later(now, g.paused)
		if g.limit > 0 && at.Sub(g.learned) > gateForget {
			g.limit = 0
		}
		if g.limit > 0 {
			at = bot.Later(at, g.next)
			rate := g.limit * (1 + max(0, at.Sub(g.learned).Seconds())/20)
			g.next = at.Add(time.Duration(float64(time.Second) / rate))
		}
		pauses := g.pauses
		g.mu.Unlock()
		if d := at.Sub(now); d > 0 {
			if err := a.cfg.Sleep(ctx, d); err != nil {
				return err
			}
		}
		if err := a.sharedPause(ctx); err != nil {
			return err
		}
		g.mu.Lock()
		stale := g.pauses != pauses
		g.mu.Unlock()
		if !stale {
			return ctx.Err()
		}
	}
}

// postBudget is the shared budget of chat.postMessage: only its pauses
// are shared (every 0), the rate each process learns stays its own.
const postBudget = "chat.postMessage"

// sharedRead is how long a read of the shared pause is trusted: a pause
// another replica's 429 set is seen within it (Slack's Retry-After comes in
// whole seconds), and the database is asked a few times a second, not once
// per post.
const sharedRead = 250 * time.Millisecond

// sharedPause waits out a pause another replica's 429 put on the shared
// budget. A budget that cannot be reached is logged and skipped.
func (a *Adapter) sharedPause(ctx context.Context) error {
	if a.cfg.Budget == nil {
		return nil
	}
	until, err := a.sharedUntil(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.log.Warn("the shared slack rate budget cannot be reached; pacing this process alone", "error", err)
		return nil
	}
	if d := until.Sub(a.cfg.Now()); d > 0 {
		return a.cfg.Sleep(ctx, d)
	}
	return nil
}

// sharedUntil returns the end of the shared pause, read at most once per
// sharedRead.
func (a *Adapter) sharedUntil(ctx context.Context) (time.Time, error) {
	s := &a.shared
	s.mu.Lock()
	defer s.mu.Unlock()
	now := a.cfg.Now()
	if !s.read.IsZero() && now.Sub(s.read) < sharedRead {
		return s.until, nil
	}
	d, err := a.cfg.Budget.Reserve(ctx, bot.BudgetName("slack", string(a.cfg.BotToken), postBudget), 0, 1)
	if err != nil {
		return time.Time{}, err
	}
	s.read, s.until = now, now.Add(d)
	return s.until, nil
}

// sharedState is the last read of the shared pause.
type sharedState struct {
	mu    sync.Mutex
	read  time.Time // when it was read; zero: never
	until time.Time
}

// holdShared passes a 429's pause to the other replicas.
func (a *Adapter) holdShared(retryAfter time.Duration) {
	if a.cfg.Budget == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a.shared.mu.Lock()
	a.shared.read = time.Time{} // read again: this pause is the newest
	a.shared.mu.Unlock()
	if err := a.cfg.Budget.Hold(ctx, bot.BudgetName("slack", string(a.cfg.BotToken), postBudget), retryAfter, 0, 1); err != nil {
		a.log.Warn("the shared slack rate budget cannot be reached; pacing this process alone", "error", err)
	}
}

// accept notes a post Slack accepted at now.
func (g *postGate) accept(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.accepted = append(g.trim(now), now)
}

// limited notes a 429 on a post at now: every post waits retryAfter, then
// they go at the rate Slack accepted in the second before. The 429s of one
// burst (while the pause of the first lasts) keep the highest such rate.
func (g *postGate) limited(now time.Time, retryAfter time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rate := max(1, float64(len(g.trim(now)))/gateWindow.Seconds())
	if now.Before(g.paused) {
		rate = max(rate, g.limit)
	}
	if until := now.Add(retryAfter); until.After(g.paused) {
		// A new pause: the posts waiting book again, from its end.
		g.paused, g.pauses = until, g.pauses+1
	}
	g.limit, g.learned, g.next = rate, g.paused, g.paused
}

// trim drops the accepted posts older than gateWindow and returns the rest.
func (g *postGate) trim(now time.Time) []time.Time {
	i := 0
	for i < len(g.accepted) && now.Sub(g.accepted[i]) >= gateWindow {
		i++
	}
	g.accepted = append(g.accepted[:0], g.accepted[i:]...)
	return g.accepted
}
