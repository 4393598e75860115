package delivery

import (
	"context"
	"sync"
	"time"

	"paperboy/bot"
)

// FanOut calls fn for every job, at most n at once per platform (n < 1
// means 8), and returns when all calls have returned. Each platform has its
// own workers, so one platform's slow or rate-limited channels never hold
// back another's. The scheduler and `paperboy post` both deliver through it.
func FanOut[J any](ctx context.Context, jobs []J, platform func(J) string, n int, fn func(context.Context, J)) {
	if n < 1 {
		n = 8
	}
	queues := map[string]chan J{}
	var wg sync.WaitGroup
	for _, j := range jobs {
		p := platform(j)
		q := queues[p]
		if q == nil {
			q = make(chan J, len(jobs)) // room for every job: sending never blocks
			queues[p] = q
			for range n {
				wg.Go(func() {
					for j := range q {
						fn(ctx, j)
					}
				})
			}
		}
		q <- j
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
}

// Outcome states of one channel in a fan-out, as `paperboy post` reports them.
const (
	OutcomeSent        = "sent"         // this call sent it
	OutcomeAlreadySent = "already sent" // it was there before: recorded, found in the channel, or sent by another process meanwhile
	OutcomeFailed      = "failed"       // see Err; it is retried later
)

// Outcome is what delivering one batch to one channel came to.
type Outcome struct {
	Sub      bot.Subscription
	Delivery bot.Delivery
	State    string
	Err      error
}

// DeliverAll delivers b to every subscription, at most n channels at once
// per platform, and reports each channel's outcome in the order of subs.
// A delivery that another process holds is waited for (Await), so when
// DeliverAll returns, every channel has the batch or has failed.
func (d *Deliverer) DeliverAll(ctx context.Context, subs []bot.Subscription, b bot.Batch, n int) []Outcome {
	out := make([]Outcome, len(subs))
	idx := make([]int, len(subs))
	for i := range idx {
		idx[i] = i
	}
	FanOut(ctx, idx, func(i int) string { return subs[i].Platform }, n, func(ctx context.Context, i int) {
		out[i] = d.Await(ctx, subs[i], b)
	})
	return out
}

// awaitPoll is how often Await looks whether the process holding a
// delivery finished it. A live owner finishes a channel in seconds; polling
// every Lease/3 (10 s by default) made three `post` processes on one store
// take twice as long as one, as those that waited looked again long after
// the first had finished. One small ledger read a second per waiting
// channel is cheap.
const awaitPoll = time.Second

// Await delivers b to the subscription's channel like Deliver, but when
// another process holds the delivery it waits until that process finishes
// it or its claim runs out (a dead owner), and then takes over. It polls the
// ledger every awaitPoll (or Lease/3, if shorter).
func (d *Deliverer) Await(ctx context.Context, sub bot.Subscription, b bot.Batch) Outcome {
	o := Outcome{Sub: sub}
	for {
		del, sent, err := d.deliverBatch(ctx, sub, b)
		o.Delivery, o.Err = del, err
		switch {
		case err == nil && sent == 0:
			o.State = OutcomeAlreadySent // recorded before, or found in the channel
			return o
		case err == nil:
			o.State = OutcomeSent
			return o
		case bot.ErrorCode(err) != bot.ECONFLICT || ctx.Err() != nil:
			o.State = OutcomeFailed
			return o
		}
		wait := min(d.lease()/3, awaitPoll)
		if held, err := d.Ledger.Delivery(ctx, sub.DeliveryKey(b.Date)); err == nil {
			if left := held.ClaimedUntil.Sub(d.now()); left > 0 && left < wait {
				wait = left
			}
		}
		select {
		case <-ctx.Done():
			o.State, o.Err = OutcomeFailed, ctx.Err()
			return o
		case <-d.after(max(wait, 10*time.Millisecond)):
		}
	}
}
