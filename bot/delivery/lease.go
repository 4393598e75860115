package delivery

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"paperboy/bot"
)

// DefaultLease is how long a delivery claim holds after its last renewal
// when Deliverer.Lease is 0. The owner renews every third of it, so a
// crashed owner's deliveries are free again within 30 s, and a renewal may
// fail twice in a row (a busy database) before the claim is at risk.
const DefaultLease = 30 * time.Second

// errLostClaim is the cause of a hold's context when the claim is gone: it
// was taken over, or could not be renewed before it ran out.
var errLostClaim = bot.Errorf(bot.ECONFLICT, "This paperboy process lost its claim on the delivery; another one carries on.")

// hold keeps a claim alive while its owner works on the delivery: a
// heartbeat renews it every lease/3 and cancels ctx as soon as the claim
// is lost (taken over after a stall, or not renewed before it ran out).
//
// What remains is the window between a check and the send it allows: an
// owner that stalls for longer than a whole lease right after check (a
// frozen VM, a SIGSTOP) may send once more after a takeover. On Discord the
// message nonce (enforce_nonce) makes that second send return the first
// message instead of a copy, when the two sends are minutes apart at most;
// on Slack, which has no idempotency key, the new owner's look at the
// channel before its first unrecorded post narrows it to that one post.
type hold struct {
	claim  bot.Claim
	ctx    context.Context
	cancel context.CancelCauseFunc
	d      *Deliverer
	done   chan struct{}

	mu    sync.Mutex
	until time.Time // the claim's end as of the last successful renewal
}

// hold starts the heartbeat of claim c, which holds until until. stop ends
// it; the returned hold's ctx is ctx until the claim is lost.
func (d *Deliverer) hold(ctx context.Context, c bot.Claim, until time.Time) *hold {
	h := &hold{claim: c, d: d, done: make(chan struct{}), until: until}
	h.ctx, h.cancel = context.WithCancelCause(ctx)
	go h.beat()
	return h
}

// beat renews the claim every lease/3 until the hold stops or the claim is
// lost. A renewal that fails for another reason (a busy or unreachable
// database) is retried at the next beat; the claim is given up only when
// it runs out before a renewal succeeds.
func (h *hold) beat() {
	defer close(h.done)
	lease := h.d.lease()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-h.d.after(lease / 3):
		}
		now := h.d.now()
		err := h.d.Ledger.Renew(h.ctx, h.claim, now.Add(lease))
		switch {
		case err == nil:
			h.mu.Lock()
			h.until = now.Add(lease)
			h.mu.Unlock()
			h.d.observe("renew")
		case h.ctx.Err() != nil:
			return
		case bot.ErrorCode(err) == bot.ECONFLICT:
			h.d.logger().Warn("delivery claim taken over; stopping", "platform", h.claim.Platform,
				"channel", h.claim.Channel, "date", h.claim.Date)
			h.d.observe("lost")
			h.cancel(errLostClaim)
			return
		default:
			h.d.logger().Warn("renew delivery claim", "platform", h.claim.Platform,
				"channel", h.claim.Channel, "date", h.claim.Date, "error", err)
			if !h.d.now().Before(h.deadline()) {
				h.cancel(errLostClaim)
				return
			}
		}
	}
}

// deadline is when the claim runs out unless renewed again.
func (h *hold) deadline() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.until
}

// check returns an ECONFLICT error unless this process still holds the
// claim: the heartbeat has not lost it and it has not run out. It costs no
// database round trip: nobody can take the claim over before it runs out.
func (h *hold) check() error {
	if err := context.Cause(h.ctx); err != nil {
		if errors.Is(err, errLostClaim) {
			return errLostClaim
		}
		return err
	}
	if !h.d.now().Before(h.deadline()) {
		h.cancel(errLostClaim)
		return errLostClaim
	}
	return nil
}

// stop ends the heartbeat and waits for it.
func (h *hold) stop() {
	h.cancel(nil)
	<-h.done
}

// lost reports whether err means this process lost its claim, as opposed
// to the caller's context ending or the delivery failing.
func (h *hold) lost(err error) bool {
	return errors.Is(context.Cause(h.ctx), errLostClaim) || bot.ErrorCode(err) == bot.ECONFLICT
}

func (d *Deliverer) lease() time.Duration {
	if d.Lease > 0 {
		return d.Lease
	}
	return DefaultLease
}

func (d *Deliverer) after(t time.Duration) <-chan time.Time {
	if d.After != nil {
		return d.After(t)
	}
	return time.After(t)
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

// observe reports a claim event to Observe, when set.
func (d *Deliverer) observe(event string) {
	if d.Observe != nil {
		d.Observe(event)
	}
}
