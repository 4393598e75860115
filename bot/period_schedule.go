package bot

import (
	"context"
	"time"
)

// Default schedules of week and month subscriptions that set none.
const (
	// DefaultWeekSchedule is Fridays at 16:00: the week's list is nearly
	// complete, and the digest lands before the weekend.
	DefaultWeekSchedule = "0 16 * * 5"
	// DefaultMonthSchedule is the 1st at 09:00, for the month before.
	DefaultMonthSchedule = "0 9 1 * *"
)

// PeriodAt returns the week or month (kind) that a delivery scheduled at t
// covers: the one containing the day before t, in t's timezone. So a
// Friday delivery gets its own week, a Monday one the week before, and
// one on the 1st the month before.
func PeriodAt(kind string, t time.Time) (Period, error) {
	return PeriodOf(kind, t.AddDate(0, 0, -1).Format(DateLayout))
}

// duePeriod returns the newest period of a week or month subscription
// whose scheduled time fell within the catch-up window up to now, and
// whether its delivery is to be made now: not sent yet, not held by
// another live process, not waiting for its retry. Periods that ended
// before the subscription started are never due.
func (s *Scheduler) duePeriod(ctx context.Context, sub Subscription, sch Schedule, now time.Time) (Period, bool) {
	var due Period
	for t := sch.Next(now.Add(-s.catchUp())); !t.After(now); t = sch.Next(t) {
		if p, err := PeriodAt(sub.PeriodKind(), t); err == nil && p.Last >= sub.Since {
			due = p
		}
	}
	if due.First == "" {
		return due, false
	}
	del, err := s.Deliverer.Ledger.Delivery(ctx, sub.DeliveryKey(due.First))
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return due, true
	case err != nil:
		s.logger().Error("read delivery", "channel", sub.Channel, "period", due.Name(), "error", err)
		return due, false
	case del.State == DeliverySent, del.State == DeliveryFailed && del.NextRetry.After(now), s.held(del, now):
		return due, false
	}
	return due, true
}

// deliverPeriod sends a week or month subscription the top papers of the
// period containing date. A period without papers is skipped with a log
// line; it is looked at again next round while it is due.
func (s *Scheduler) deliverPeriod(ctx context.Context, sub Subscription, date string, wake *wakeup) {
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
	case ErrorCode(err) == ECONFLICT:
		log.Debug("delivery held by another process", "name", top.Period.Name())
	case err != nil:
		log.Error("delivery failed", "name", top.Period.Name(), "attempts", del.Attempts, "next_retry", del.NextRetry, "error", err)
	default:
		log.Info("delivered", "name", top.Period.Name(), "papers", len(b.Papers))
	}
}

// PeriodSchedule returns the default schedule of a subscription with
// period kind: daily is the daily default, weeks and months have their own.
func PeriodSchedule(kind, daily string) string {
	switch kind {
	case PeriodWeek:
		return DefaultWeekSchedule
	case PeriodMonth:
		return DefaultMonthSchedule
	}
	return daily
}
