package delivery

import (
	"context"
	"fmt"
	"time"

	"paperboy/bot"
	"paperboy/bot/text"
)

// duePeriod returns the newest period of a week or month subscription
// whose scheduled time fell within the catch-up window up to now, and
// whether its delivery is to be made now: not sent yet, not held by
// another live process, not waiting for its retry. Periods that ended
// before the subscription started are never due.
func (s *Scheduler) duePeriod(ctx context.Context, sub bot.Subscription, sch bot.Schedule, now time.Time) (bot.Period, bool) {
	var due bot.Period
	for t := sch.Next(now.Add(-s.catchUp())); !t.After(now); t = sch.Next(t) {
		if p, err := bot.PeriodAt(sub.PeriodKind(), t); err == nil && p.Last >= sub.Since {
			due = p
		}
	}
	if due.First == "" {
		return due, false
	}
	del, err := s.Deliverer.Ledger.Delivery(ctx, sub.DeliveryKey(due.First))
	switch {
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		return due, true
	case err != nil:
		s.logger().Error("read delivery", "channel", sub.Channel, "period", due.Name(), "error", err)
		return due, false
	case del.State == bot.DeliverySent, del.State == bot.DeliveryFailed && del.NextRetry.After(now), s.held(del, now):
		return due, false
	}
	return due, true
}

// deliverPeriod sends a week or month subscription the top papers of the
// period containing date. A period without papers is skipped with a log
// line; it is looked at again next round while it is due.
func (s *Scheduler) deliverPeriod(ctx context.Context, sub bot.Subscription, date string, wake *wakeup) {
	log := s.logger().With("platform", sub.Platform, "channel", sub.Channel, "period", sub.PeriodKind())
	b, top, err := s.Deliverer.Engine.PeriodBatch(ctx, sub.PeriodKind(), date)
	switch {
	case err != nil:
		log.Error("period's top papers", "date", date, "error", err)
		return
	case len(b.Papers) == 0:
		log.Info("no papers stored for the period; nothing to deliver", "name", top.Period.Name(), "note", top.Note)
		return
	case top.Note != "":
		log.Warn("period incomplete; delivering the stored days", "name", top.Period.Name(), "note", top.Note)
	}
	del, err := s.Deliverer.Deliver(ctx, sub, b)
	s.waitFor(ctx, wake, sub.DeliveryKey(b.Date), del, err)
	switch {
	case bot.ErrorCode(err) == bot.ECONFLICT:
		log.Debug("delivery held by another process", "name", top.Period.Name())
	case err != nil:
		log.Error("delivery failed", "name", top.Period.Name(), "attempts", del.Attempts, "next_retry", del.NextRetry, "error", err)
	default:
		log.Info("delivered", "name", top.Period.Name(), "papers", len(b.Papers))
	}
}

// planPeriod is Plan for a week or month subscription: the period's top
// papers after the channel's filters (bot.PeriodTop when it sets no top),
// keyed "paperboy:week:2026-W34" and "paperboy:week:2026-W34:<id>".
func (d *Deliverer) planPeriod(ctx context.Context, sub bot.Subscription, b bot.Batch) []bot.Post {
	p, err := bot.PeriodOf(sub.PeriodKind(), b.Date)
	if err != nil {
		return nil // b comes from PeriodBatch, dated a valid day
	}
	if sub.Top == 0 {
		sub.Top = bot.PeriodTop
	}
	rk := d.rank(ctx, sub, b.Papers)
	header := bot.Reply{
		Title: fmt.Sprintf("Top papers — %s · the top %d by upvotes", p.Label(), len(rk.Papers)),
		Text:  fmt.Sprintf("The most upvoted of %s listed in Daily Papers from %s to %s.", text.Plural(len(b.Papers), "paper"), bot.FormatDay(p.First), bot.FormatDay(p.Last)),
	}
	if rk.By == bot.RankTaste {
		header.Title = fmt.Sprintf("Top papers — %s · the top %d for this channel", p.Label(), len(rk.Papers))
		header.Text = fmt.Sprintf("The %d of %s listed in Daily Papers from %s to %s that this channel's taste puts first.",
			len(rk.Papers), text.Plural(len(b.Papers), "paper"), bot.FormatDay(p.First), bot.FormatDay(p.Last))
	}
	return d.posts(ctx, sub, "paperboy:"+p.Kind+":"+p.Name(), header, rk)
}
