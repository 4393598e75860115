package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Deliverer sends day batches to subscribed channels, each exactly once,
// by the claim–look–send–record protocol of docs/delivery.md:
//
//  1. claim the (platform, channel, date) row in the Ledger;
//  2. when an earlier attempt may have sent without recording (Attempts >
//     1), look for the first unrecorded post in the channel by its key;
//  3. send each post not yet recorded, and record its message ids as soon
//     as the platform confirms;
//  4. finish the row as sent only when every post is recorded, or as
//     failed with the error and the time of the next retry.
//
// A crash anywhere in between leaves a pending row whose claim expires; the
// next attempt skips what was recorded and finds what was sent but not
// recorded, so nothing is posted twice and nothing is skipped.
type Deliverer struct {
	Engine *Engine
	Ledger Ledger
	// Chats are the platforms, by name ("discord", "slack").
	Chats map[string]Chat
	// Owner names this process in claims; it must differ between processes.
	Owner string
	// Lease is how long a claim holds; 0 means 10 minutes.
	Lease time.Duration
	// Summaries bounds the TL;DRs prepared at once; 0 means 4.
	Summaries int
	Logger    *slog.Logger
}

// Deliver sends batch b to the subscription's channel unless the ledger
// says it was sent already. It returns the delivery as recorded. The error
// has code ECONFLICT when another process holds the delivery.
func (d *Deliverer) Deliver(ctx context.Context, sub Subscription, b Batch) (Delivery, error) {
	chat, ok := d.Chats[sub.Platform]
	if !ok {
		return Delivery{}, Errorf(EINVALID, "No %s adapter is configured for channel %s.", sub.Platform, sub.Channel)
	}
	k := DeliveryKey{Platform: sub.Platform, Channel: sub.Channel, Date: b.Date}
	return d.deliver(ctx, chat, k, sub.Channel, func() []Post { return d.Plan(ctx, sub, b) })
}

// deliver runs the protocol for the ledger row k, posting to channel; plan
// makes the posts once the claim is held, so a delivery sent already costs
// no TL;DRs.
func (d *Deliverer) deliver(ctx context.Context, chat Chat, k DeliveryKey, channel string, plan func() []Post) (Delivery, error) {
	del, err := d.Ledger.Claim(ctx, k, d.Owner, d.Engine.now().Add(d.lease()))
	if err != nil || del.State == DeliverySent {
		return del, err
	}
	if err := d.send(ctx, chat, channel, &del, plan()); err != nil {
		next := d.Engine.now().Add(retryDelay(del.Attempts))
		if ferr := d.Ledger.Finish(ctx, k, d.Owner, DeliveryFailed, err.Error(), next); ferr != nil {
			err = fmt.Errorf("%w (and recording the failure: %v)", err, ferr)
		}
		del.State, del.LastError, del.NextRetry = DeliveryFailed, err.Error(), next
		return del, fmt.Errorf("deliver %s to %s %s: %w", k.Date, k.Platform, channel, err)
	}
	if err := d.Ledger.Finish(ctx, k, d.Owner, DeliverySent, "", time.Time{}); err != nil {
		return del, fmt.Errorf("finish delivery: %w", err)
	}
	del.State = DeliverySent
	return del, nil
}

// send posts to channel what the delivery has not recorded yet, in order.
func (d *Deliverer) send(ctx context.Context, chat Chat, channel string, del *Delivery, posts []Post) error {
	look := del.Attempts > 1 // an earlier attempt may have sent without recording
	for i, p := range posts {
		if _, done := del.Items[p.Key]; done {
			continue
		}
		thread := ""
		if i > 0 {
			thread = del.Thread
		}
		sent, found := Sent{}, false
		if look {
			var err error
			if sent, found, err = chat.Find(ctx, channel, thread, p.Key); err != nil {
				return fmt.Errorf("look for %s: %w", p.Key, err)
			}
			look = false // only the first unrecorded post can have been sent
		}
		if !found {
			var err error
			if sent, err = chat.Send(ctx, channel, thread, p); err != nil {
				return fmt.Errorf("send %s: %w", p.Key, err)
			}
		}
		if err := d.Ledger.Record(ctx, del.DeliveryKey, d.Owner, p.Key, sent); err != nil {
			return fmt.Errorf("record %s: %w", p.Key, err)
		}
		if p.OpenThread {
			del.Thread = sent.Thread
		}
	}
	return nil
}

// Plan returns the posts that deliver b to the subscription's channel, each
// with its key: a header and one post per paper (thread, inline), or one
// digest. TL;DRs are prepared first, a few at a time.
func (d *Deliverer) Plan(ctx context.Context, sub Subscription, b Batch) []Post {
	papers := sub.Filter(b.Papers)
	cards := d.cards(ctx, papers)
	key := "paperboy:" + b.Date
	header := Reply{Title: fmt.Sprintf("Daily Papers — %s · %s", FormatDay(b.Date), plural(len(papers), "paper"))}
	if n := len(b.Papers); n > len(papers) {
		header.Text = fmt.Sprintf("%d of the day's %d papers match this channel's filters.", len(papers), n)
	}
	if len(papers) == 0 || sub.Style == StyleDigest {
		header.Cards = cards
		return []Post{{Key: key, Reply: header}}
	}
	posts := []Post{{Key: key, Reply: header, OpenThread: sub.Style != StyleInline}}
	for _, c := range cards {
		posts = append(posts, Post{Key: key + ":" + c.ID, Reply: Reply{Cards: []Card{c}}})
	}
	return posts
}

// cards renders papers as cards with their TL;DRs, preparing at most
// Summaries TL;DRs at once.
func (d *Deliverer) cards(ctx context.Context, papers []Paper) []Card {
	cards := make([]Card, len(papers))
	sem := make(chan struct{}, d.summaries())
	var wg sync.WaitGroup
	for i, p := range papers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			cards[i] = NewCard(i+1, p).WithSummary(d.Engine.Summary(ctx, p))
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

func (d *Deliverer) lease() time.Duration {
	if d.Lease > 0 {
		return d.Lease
	}
	return 10 * time.Minute
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
