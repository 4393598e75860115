package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"paperboy/bot"
	"paperboy/bot/text"
)

// Deliverer sends day batches to subscribed channels, each exactly once,
// by the claim–look–send–record protocol of docs/delivery.md:
//
//  1. claim the (platform, channel, date) row in the Ledger, and keep the
//     claim alive with a heartbeat while working on it;
//  2. look for the first unrecorded post in the channel by its key, so a
//     post that an earlier attempt (or another database) made is recorded
//     instead of sent again; keep looking while posts are found;
//  3. before each send, check that the claim is still held; send each post
//     not yet recorded, and record its message ids as soon as the platform
//     confirms, under the claim's fencing token;
//  4. finish the row as sent only when every post is recorded, or as
//     failed with the error and the time of the next retry.
//
// A crash anywhere in between leaves a pending row whose claim runs out
// within a lease (at once, when the store sees that the owner's process is
// gone); the next attempt skips what was recorded and finds what was sent
// but not recorded, so nothing is posted twice and nothing is skipped.
type Deliverer struct {
	Engine *bot.Engine
	Ledger bot.Ledger
	// Chats are the platforms, by name ("discord", "slack").
	Chats map[string]bot.Chat
	// Owner names this process in claims; it must differ between processes.
	Owner string
	// Lease is how long a claim holds after its last renewal; 0 means
	// DefaultLease. The heartbeat renews it every Lease/3.
	Lease time.Duration
	// Summaries bounds the TL;DRs prepared at once; 0 means 4.
	Summaries int
	// After is time.After; tests replace it to drive the heartbeat and the
	// waits of Await.
	After func(time.Duration) <-chan time.Time
	// Observe, when set, is told of claim events: "claim", "renew", "lost".
	Observe func(event string)
	// OwnerGone, when set, reports whether a claim's owner is known to have
	// exited (the store then lets its claim be taken at once), so the
	// scheduler retries such a delivery now instead of when the claim runs
	// out.
	OwnerGone func(owner string) bool
	// Taste ranks the candidates of subscriptions that rank by taste; nil
	// keeps every channel in the source's order.
	Taste  *bot.Taste
	Logger *slog.Logger
}

// Deliver sends batch b to the subscription's channel unless the ledger
// says it was sent already. It returns the delivery as recorded. The error
// has code ECONFLICT when another process holds the delivery, or took it
// over from this one.
func (d *Deliverer) Deliver(ctx context.Context, sub bot.Subscription, b bot.Batch) (bot.Delivery, error) {
	del, _, err := d.deliverBatch(ctx, sub, b)
	return del, err
}

// deliverBatch is Deliver, also returning how many posts this call sent
// (none when they were all recorded or found in the channel).
func (d *Deliverer) deliverBatch(ctx context.Context, sub bot.Subscription, b bot.Batch) (bot.Delivery, int, error) {
	chat, ok := d.Chats[sub.Platform]
	if !ok {
		return bot.Delivery{}, 0, bot.Errorf(bot.EINVALID, "No %s adapter is configured for channel %s.", sub.Platform, sub.Channel)
	}
	k := sub.DeliveryKey(b.Date)
	return d.run(ctx, chat, k, sub.Channel, func(ctx context.Context) []bot.Post { return d.Plan(ctx, sub, b) })
}

// deliver runs the protocol for the ledger row k, posting to channel; plan
// makes the posts once the claim is held, so a delivery sent already costs
// no TL;DRs, and under the heartbeat, so slow TL;DRs never cost the claim.
func (d *Deliverer) deliver(ctx context.Context, chat bot.Chat, k bot.DeliveryKey, channel string, plan func(context.Context) []bot.Post) (bot.Delivery, error) {
	del, _, err := d.run(ctx, chat, k, channel, plan)
	return del, err
}

// run is deliver, also returning how many posts it sent.
func (d *Deliverer) run(ctx context.Context, chat bot.Chat, k bot.DeliveryKey, channel string, plan func(context.Context) []bot.Post) (bot.Delivery, int, error) {
	until := d.now().Add(d.lease())
	del, err := d.Ledger.Claim(ctx, k, d.Owner, until)
	if err != nil || del.State == bot.DeliverySent {
		return del, 0, err
	}
	d.observe("claim")
	h := d.hold(ctx, del.Claim(), until)
	defer h.stop()
	sent, err := d.send(h, chat, channel, &del, plan(h.ctx))
	if err != nil {
		if h.lost(err) {
			return del, sent, fmt.Errorf("deliver %s to %s %s: %w", k.Date, k.Platform, channel, errLostClaim)
		}
		next := d.now().Add(retryDelay(del.Attempts))
		if ctx.Err() != nil {
			// Stopped (a shutdown), not failed: the next process or round
			// resumes it at once, without a backoff.
			next = d.now()
		}
		// ctx may have ended; record the failure all the same, so status
		// tells why and the claim is free for the next attempt.
		fctx := context.WithoutCancel(ctx)
		if ferr := d.Ledger.Finish(fctx, h.claim, bot.DeliveryFailed, err.Error(), next); ferr != nil {
			err = fmt.Errorf("%w (and recording the failure: %v)", err, ferr)
		}
		del.State, del.LastError, del.NextRetry = bot.DeliveryFailed, err.Error(), next
		return del, sent, fmt.Errorf("deliver %s to %s %s: %w", k.Date, k.Platform, channel, err)
	}
	if err := d.Ledger.Finish(ctx, h.claim, bot.DeliverySent, "", time.Time{}); err != nil {
		return del, sent, fmt.Errorf("finish delivery: %w", err)
	}
	del.State = bot.DeliverySent
	return del, sent, nil
}

// send posts to channel what the delivery has not recorded yet, in order.
// When the ledger cannot tell what an earlier attempt sent (this claim is
// not the row's first: a takeover, a retry after a failure or a crash), it
// looks in the channel for the first unrecorded post before sending it,
// and keeps looking for the next one while it finds them: a post can only
// have been made when the one before it was. The row's first claim does
// not look: no attempt before it can have sent anything, and a post whose
// answer is lost within the attempt is looked for by the adapter's retry
// (Discord's nonce, Slack's metadata). A look that fails (the bot cannot
// read the channel's history) fails the attempt, since an earlier one may
// have sent already. It returns how many posts it sent; del.Items gets
// every post recorded.
func (d *Deliverer) send(h *hold, chat bot.Chat, channel string, del *bot.Delivery, posts []bot.Post) (int, error) {
	ctx := h.ctx
	look, n := del.Attempts > 1 || len(del.Items) > 0, 0
	for i, p := range posts {
		if _, done := del.Items[p.Key]; done {
			continue
		}
		if err := h.check(); err != nil {
			return n, err
		}
		thread := p.Thread
		if i > 0 && thread == "" {
			thread = del.Thread
		}
		sent, found := bot.Sent{}, false
		if look {
			var err error
			sent, found, err = chat.Find(ctx, channel, thread, p.Key)
			if err != nil {
				return n, fmt.Errorf("look for %s: %w", p.Key, err)
			}
			look = found
			if err := h.check(); err != nil {
				return n, err
			}
		}
		if !found {
			var err error
			if sent, err = chat.Send(ctx, channel, thread, p); err != nil {
				return n, fmt.Errorf("send %s: %w", p.Key, err)
			}
			n++
		}
		if err := d.Ledger.Record(context.WithoutCancel(ctx), h.claim, p.Key, sent); err != nil {
			return n, fmt.Errorf("record %s: %w", p.Key, err)
		}
		del.Items[p.Key] = sent.IDs
		if p.OpenThread {
			del.Thread = sent.Thread
		}
	}
	return n, nil
}

// Plan returns the posts that deliver b to the subscription's channel, each
// with its key: a header and one post per paper (thread, inline), or one
// digest. TL;DRs are prepared first, a few at a time. For a week or month
// subscription, b is the period's batch (bot.Engine.PeriodBatch): its top papers,
// dated the period's first day.
func (d *Deliverer) Plan(ctx context.Context, sub bot.Subscription, b bot.Batch) []bot.Post {
	if sub.PeriodKind() != bot.PeriodDay {
		return d.planPeriod(ctx, sub, b)
	}
	rk := d.rank(ctx, sub, b.Papers)
	papers := rk.Papers
	header := bot.Reply{Title: fmt.Sprintf("Daily Papers — %s · %s", bot.FormatDay(b.Date), text.Plural(len(papers), "paper"))}
	if n := len(b.Papers); n > len(papers) {
		header.Text = fmt.Sprintf("%d of the day's %d papers match this channel's filters.", len(papers), n)
	}
	if rk.By == bot.RankTaste {
		header.Text = strings.TrimSpace(header.Text + " " + tasteNote)
	}
	return d.posts(ctx, sub, "paperboy:"+b.Date, header, rk)
}

// tasteNote tells a channel ranked by taste how its list was ordered.
const tasteNote = "Ordered by this channel's taste: what it saved, marked not for us, and its interests."

// rank returns the papers of a batch the subscription gets, in the order
// it asks for: its candidates (bot.Subscription.Candidates), ordered by taste
// or left in the source's order, then cut to its top.
func (d *Deliverer) rank(ctx context.Context, sub bot.Subscription, papers []bot.Paper) bot.Ranking {
	rk := d.Taste.Order(ctx, sub, sub.Candidates(papers))
	rk.Papers = sub.Cut(rk.Papers)
	return rk
}

// posts renders a header and the ranked papers as the subscription's style
// asks, each post keyed under key; a paper placed by taste carries its
// reason.
func (d *Deliverer) posts(ctx context.Context, sub bot.Subscription, key string, header bot.Reply, rk bot.Ranking) []bot.Post {
	papers := rk.Papers
	cards := d.cards(ctx, papers)
	for i := range cards {
		cards[i].Why = rk.Why[cards[i].ID]
	}
	if len(papers) == 0 || sub.Style == bot.StyleDigest {
		header.Cards = cards
		return []bot.Post{{Key: key, Reply: header}}
	}
	posts := []bot.Post{{Key: key, Reply: header, OpenThread: sub.Style != bot.StyleInline}}
	for _, c := range cards {
		posts = append(posts, bot.Post{Key: key + ":" + c.ID, Reply: bot.Reply{Cards: []bot.Card{c}}})
	}
	return posts
}

// cards renders papers as cards with their TL;DRs, preparing at most
// Summaries TL;DRs at once.
func (d *Deliverer) cards(ctx context.Context, papers []bot.Paper) []bot.Card {
	cards := make([]bot.Card, len(papers))
	sem := make(chan struct{}, d.summaries())
	var wg sync.WaitGroup
	for i, p := range papers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			cards[i] = bot.NewCard(i+1, p).WithSummary(d.Engine.Summary(ctx, p))
		})
	}
	wg.Wait()
	return cards
}

func (d *Deliverer) summaries() int {
	if d.Summaries > 0 {
		return d.Summaries
	}
	return 4
}

// retryDelay is the wait before retrying a failed delivery: 5 minutes,
// doubling per attempt, at most 6 hours.
func retryDelay(attempts int) time.Duration {
	d := 5 * time.Minute
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// now is the engine's clock (bot.Engine.Clock).
func (d *Deliverer) now() time.Time { return d.Engine.Clock() }
