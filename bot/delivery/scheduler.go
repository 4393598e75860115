package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"paperboy/bot"
)

// Scheduler delivers each subscription's batches when they are due: on its
// schedule, once, and after downtime as one catch-up digest. It keeps no
// state of its own: the Ledger says what was sent, so a restart, or a
// second process on the same database, picks up exactly where it should.
type Scheduler struct {
	Deliverer     *Deliverer
	Subscriptions bot.Subscriptions
	// ParseSchedule turns a subscription's cron expression and timezone
	// into a Schedule.
	ParseSchedule func(spec, timezone string) (bot.Schedule, error)
	// DefaultSchedule and DefaultTimezone apply to subscriptions that set
	// none: "0 9 * * 1-5" (weekdays 09:00) and UTC unless set.
	DefaultSchedule string
	DefaultTimezone string
	// CatchUp is how far back missed deliveries are still made; 0 means
	// three days.
	CatchUp time.Duration
	// SameDay posts, at a scheduled time, that calendar day's batch (arXiv,
	// whose listing is out the evening before) instead of the previous
	// weekday's (Hugging Face, whose list fills during the UTC day).
	SameDay bool
	// Concurrency bounds the deliveries in flight per platform; 0 means 8.
	Concurrency int
	// NotifyEmpty posts a one-line notice on a due day without a batch
	// (a holiday, an empty day), instead of staying silent.
	NotifyEmpty bool
	// RefreshWindow is how long after a day's post its messages are kept
	// current (Refresh, every RefreshEvery); 0 turns refreshing off.
	RefreshWindow time.Duration
	// OnRefresh, when set, is told of each refresh round Run made.
	OnRefresh func(date string, res []Refreshed, err error)
	Logger    *slog.Logger
	// After is time.After; tests replace it.
	After func(time.Duration) <-chan time.Time

	startOnce   sync.Once
	starts      chan bot.Subscription
	lastRefresh time.Time  // Run's last refresh round; only Run touches it
	refreshMu   sync.Mutex // held while a round runs, so rounds never overlap
}

// Start asks Run to deliver the latest batch to a new subscription now,
// instead of waiting for its first scheduled time. It never blocks; when
// Run is not running, or too many are queued, the request is dropped and
// the subscription starts on schedule.
func (s *Scheduler) Start(sub bot.Subscription) {
	select {
	case s.queue() <- sub:
	default:
	}
}

func (s *Scheduler) queue() chan bot.Subscription {
	s.startOnce.Do(func() { s.starts = make(chan bot.Subscription, 64) })
	return s.starts
}

// Run delivers until ctx ends, then returns nil. Between rounds it sleeps
// until the next scheduled time, and at most five minutes, so failed
// deliveries are retried when their backoff ends.
func (s *Scheduler) Run(ctx context.Context) error {
	var refreshing sync.WaitGroup // a refresh round runs beside the deliveries, never delaying them
	defer refreshing.Wait()
	for {
		next := s.tick(ctx)
		s.refreshDue(ctx, &refreshing)
		wait := min(max(next.Sub(s.now()), time.Second), 5*time.Minute)
		select {
		case <-ctx.Done():
			return nil
		case <-s.after(wait):
		case sub := <-s.queue():
			s.startNow(ctx, sub)
		}
	}
}

// tick is Tick for Run: a panic outside any one delivery (each recovers
// its own) is recovered too, and the next round comes in a minute.
func (s *Scheduler) tick(ctx context.Context) (next time.Time) {
	defer bot.Recover(s.logger(), "scheduler", func() { next = s.now().Add(time.Minute) })
	return s.Tick(ctx)
}

// startNow delivers a subscription that was just made (Start).
func (s *Scheduler) startNow(ctx context.Context, sub bot.Subscription) {
	defer bot.Recover(s.subLogger(sub), "scheduler", nil)
	if sub.PeriodKind() != bot.PeriodDay {
		s.deliverPeriod(ctx, sub, sub.Since, nil)
		return
	}
	batches := &batchCache{engine: s.Deliverer.Engine, got: map[string]*batchEntry{}}
	s.deliver(ctx, sub, []string{sub.Since}, batches, time.Time{}, nil)
}

// subLogger is the scheduler's logger for work on one subscription.
func (s *Scheduler) subLogger(sub bot.Subscription) *slog.Logger {
	return s.logger().With("platform", sub.Platform, "channel", sub.Channel)
}

// Tick makes every delivery that is due and not made yet, and returns when
// the next one is due: a scheduled time, the end of a claim another process
// holds, or the retry time of a failed delivery, whichever comes first.
//
// A delivery that was started and not finished (a crash mid-thread, a
// failure) is finished however old it is: CatchUp limits only which
// deliveries are started after downtime. Each channel gets its days in
// order: nothing newer starts while an older one is held elsewhere or waits
// for its retry.
func (s *Scheduler) Tick(ctx context.Context) time.Time {
	now := s.now()
	subs, err := s.Subscriptions.Subscriptions(ctx)
	if err != nil {
		s.logger().Error("list subscriptions", "error", err)
		return now.Add(time.Minute)
	}
	jobs, next := s.plan(ctx, subs, now)
	batches := &batchCache{engine: s.Deliverer.Engine, got: map[string]*batchEntry{}}
	var wake wakeup // what this round's deliveries leave waiting: a claim held elsewhere, a retry
	FanOut(ctx, jobs, func(j tickJob) string { return j.sub.Platform }, s.concurrency(), func(ctx context.Context, j tickJob) {
		defer bot.Recover(s.subLogger(j.sub), "scheduler", nil)
		s.run(ctx, j, batches, &wake)
	})
	if t := wake.get(); !t.IsZero() && t.Before(next) {
		next = t
	}
	return next
}

// tickJob is what one round delivers to one subscription.
type tickJob struct {
	sub    bot.Subscription
	resume []string // started days outside the catch-up window, oldest first
	dates  []string // due days within it
	next   time.Time
	period string // a week or month subscription's due period, by its first day
}

// plan returns the round's jobs, and when the next round is due at the
// latest: within the hour, or at the first schedule or wake-up before that.
func (s *Scheduler) plan(ctx context.Context, subs []bot.Subscription, now time.Time) ([]tickJob, time.Time) {
	next := now.Add(time.Hour)
	started := s.unfinished(ctx)
	var jobs []tickJob
	for _, sub := range subs {
		sch, err := s.schedule(sub)
		if err != nil {
			s.logger().Warn("bad schedule; skipping subscription", "platform", sub.Platform, "channel", sub.Channel, "error", err)
			continue
		}
		if n := sch.Next(now); n.Before(next) {
			next = n
		}
		if sub.PeriodKind() != bot.PeriodDay {
			if p, ok := s.duePeriod(ctx, sub, sch, now); ok {
				jobs = append(jobs, tickJob{sub: sub, period: p.First})
			}
			continue
		}
		due := s.dueDates(sub, sch, now)
		resume, wake, blocked := s.resumable(started[bot.DeliveryKey{Platform: sub.Platform, Channel: sub.Channel}], due, now)
		if !wake.IsZero() && wake.Before(next) {
			next = wake
		}
		var dates []string
		if !blocked {
			dates = s.pending(ctx, sub, due, now)
		}
		if len(resume) > 0 || len(dates) > 0 {
			jobs = append(jobs, tickJob{sub: sub, resume: resume, dates: dates, next: sch.Next(now)})
		}
	}
	return jobs, next
}

// run delivers one job: a period's digest, or the started days in order and
// then the due ones.
func (s *Scheduler) run(ctx context.Context, j tickJob, batches *batchCache, wake *wakeup) {
	if j.period != "" {
		s.deliverPeriod(ctx, j.sub, j.period, wake)
		return
	}
	for _, date := range j.resume {
		if !s.deliver(ctx, j.sub, []string{date}, batches, time.Time{}, wake) {
			return // keep the channel's days in order
		}
	}
	if len(j.dates) > 0 {
		s.deliver(ctx, j.sub, j.dates, batches, j.next, wake)
	}
}

// wakeup keeps the earliest of the times at which a delivery of this round
// can be tried again: the end of a claim another process turned out to
// hold (it may die holding it, and then the channel waits for the next
// schedule otherwise), or a failed delivery's retry. Tick returns it when
// it comes before the next scheduled time.
type wakeup struct {
	mu sync.Mutex
	at time.Time
}

func (w *wakeup) add(t time.Time) {
	if w == nil || t.IsZero() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.at.IsZero() || t.Before(w.at) {
		w.at = t
	}
}

func (w *wakeup) get() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.at
}

// waitFor adds to w when the delivery of k, which just ended in err, can be
// tried again: when another process holds it, the end of that claim (read
// from the ledger: the conflict carries no row), else the failure's retry.
func (s *Scheduler) waitFor(ctx context.Context, w *wakeup, k bot.DeliveryKey, del bot.Delivery, err error) {
	switch {
	case w == nil || err == nil:
	case bot.ErrorCode(err) == bot.ECONFLICT:
		held, lerr := s.Deliverer.Ledger.Delivery(ctx, k)
		switch {
		case lerr == nil && held.State == bot.DeliveryPending:
			w.add(held.ClaimedUntil)
		case lerr == nil:
			w.add(held.NextRetry) // finished meanwhile: sent (zero) or failed
		default:
			w.add(s.now().Add(s.Deliverer.lease()))
		}
	default:
		w.add(del.NextRetry)
	}
}

// unfinished returns the started, unfinished deliveries by channel (their
// keys without a date), oldest first; notices are left out.
func (s *Scheduler) unfinished(ctx context.Context) map[bot.DeliveryKey][]bot.Delivery {
	rows, err := s.Deliverer.Ledger.Unfinished(ctx)
	if err != nil {
		s.logger().Error("list unfinished deliveries", "error", err)
		return nil
	}
	out := map[bot.DeliveryKey][]bot.Delivery{}
	for _, d := range rows {
		if strings.HasSuffix(d.Channel, noticeSuffix) {
			continue
		}
		k := bot.DeliveryKey{Platform: d.Platform, Channel: d.Channel}
		out[k] = append(out[k], d)
	}
	return out
}

// resumable returns the channel's started deliveries outside the due dates
// that can be resumed now, oldest first, and the earliest time one of its
// waiting deliveries can be tried (zero when none waits). It reports
// blocked when one of them is held by another live process: nothing newer
// starts then, so the channel gets its days in order. One that waits for
// its retry does not block newer days: a delivery that keeps failing (a
// message the platform refuses) must not hold the channel forever; it is
// retried on its backoff. Started days among the due dates are pending's.
func (s *Scheduler) resumable(started []bot.Delivery, due []string, now time.Time) (dates []string, wake time.Time, blocked bool) {
	for _, d := range started {
		held := s.held(d, now)
		var wait time.Time
		switch {
		case d.State == bot.DeliveryFailed && d.NextRetry.After(now):
			wait = d.NextRetry
		case held:
			wait = d.ClaimedUntil
		}
		if !wait.IsZero() && (wake.IsZero() || wait.Before(wake)) {
			wake = wait
		}
		switch {
		case slices.Contains(due, d.Date):
		case held:
			blocked = true
		case wait.IsZero() && !blocked:
			dates = append(dates, d.Date)
		}
	}
	return dates, wake, blocked
}

// dueDates returns the batch dates whose scheduled times fell within the
// catch-up window up to now, oldest first, none before the subscription's
// start.
func (s *Scheduler) dueDates(sub bot.Subscription, sch bot.Schedule, now time.Time) []string {
	var dates []string
	for t := sch.Next(now.Add(-s.catchUp())); !t.After(now); t = sch.Next(t) {
		d := s.BatchDate(t)
		if d < sub.Since || (len(dates) > 0 && dates[len(dates)-1] == d) {
			continue
		}
		dates = append(dates, d)
	}
	return dates
}

// pending keeps the due dates newer than the channel's newest sent
// delivery. It returns none while one of them is being delivered elsewhere
// or waits for its retry, so the channel never gets days out of order.
func (s *Scheduler) pending(ctx context.Context, sub bot.Subscription, dates []string, now time.Time) []string {
	var out []string
	for _, date := range dates {
		del, err := s.Deliverer.Ledger.Delivery(ctx, bot.DeliveryKey{Platform: sub.Platform, Channel: sub.Channel, Date: date})
		switch {
		case bot.ErrorCode(err) == bot.ENOTFOUND:
			out = append(out, date)
		case err != nil:
			s.logger().Error("read delivery", "channel", sub.Channel, "date", date, "error", err)
			return nil
		case del.State == bot.DeliverySent:
			out = out[:0] // older days are covered by this one
		case del.State == bot.DeliveryFailed && del.NextRetry.After(now), s.held(del, now):
			return nil
		default:
			out = append(out, date)
		}
	}
	return out
}

// held reports whether another live process holds d's claim at now.
func (s *Scheduler) held(d bot.Delivery, now time.Time) bool {
	gone := s.Deliverer.OwnerGone
	return d.State == bot.DeliveryPending && d.ClaimedUntil.After(now) && (gone == nil || !gone(d.Owner))
}

// deliver sends the channel its due batches: one delivery, or a catch-up
// digest when it missed several. A day the source cannot give yet gets one
// notice and is retried next round; a day without a batch gets one notice
// when NotifyEmpty is set. It reports whether the channel is done with
// these days (delivered, or nothing to deliver).
func (s *Scheduler) deliver(ctx context.Context, sub bot.Subscription, dates []string, batches *batchCache, next time.Time, wake *wakeup) bool {
	log := s.subLogger(sub)
	var bs []bot.Batch
	for _, date := range dates {
		b, err := batches.get(ctx, date)
		switch bot.ErrorCode(err) {
		case "":
			bs = append(bs, b)
		case bot.ENOBATCH:
			log.Info("no batch to deliver", "date", date, "reason", bot.ErrorMessage(err))
			if s.NotifyEmpty {
				s.notify(ctx, sub, date, fmt.Sprintf("No new papers for %s: %s%s", bot.FormatDay(date), bot.ErrorMessage(err), nextNote(next)))
			}
		default:
			log.Warn("no batch yet; will retry", "date", date, "error", err)
			s.notify(ctx, sub, date, fmt.Sprintf("The papers for %s are late: the paper source is not answering. "+
				"They will be posted here once it recovers.", bot.FormatDay(date)))
			return false
		}
	}
	if len(bs) == 0 {
		return true
	}
	del, err := s.Deliverer.CatchUp(ctx, sub, bs)
	s.waitFor(ctx, wake, sub.DeliveryKey(bs[len(bs)-1].Date), del, err)
	switch {
	case bot.ErrorCode(err) == bot.ECONFLICT:
		log.Debug("delivery held by another process", "date", del.Date)
	case err != nil:
		log.Error("delivery failed", "date", del.Date, "attempts", del.Attempts, "next_retry", del.NextRetry, "error", err)
	default:
		log.Info("delivered", "date", del.Date, "days", len(bs))
	}
	return err == nil
}

// notify sends a notice once, logging what fails.
func (s *Scheduler) notify(ctx context.Context, sub bot.Subscription, date, text string) {
	if _, err := s.Deliverer.Notify(ctx, sub, date, text); err != nil && bot.ErrorCode(err) != bot.ECONFLICT {
		s.logger().Warn("notice failed", "platform", sub.Platform, "channel", sub.Channel, "date", date, "error", err)
	}
}

func nextNote(next time.Time) string {
	if next.IsZero() {
		return ""
	}
	return " Next delivery: " + next.Format("Mon 2 Jan 15:04 MST") + "."
}

// BatchDate is the batch a delivery at t posts: t's calendar day in its
// own timezone with SameDay, else the weekday before it.
func (s *Scheduler) BatchDate(t time.Time) string {
	if s.SameDay {
		return t.Format(bot.DateLayout)
	}
	d := t.AddDate(0, 0, -1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d.Format(bot.DateLayout)
}

func (s *Scheduler) schedule(sub bot.Subscription) (bot.Schedule, error) {
	spec, tz := sub.Schedule, sub.Timezone
	if spec == "" {
		spec = bot.PeriodSchedule(sub.PeriodKind(), s.DefaultSchedule)
	}
	if spec == "" {
		spec = "0 9 * * 1-5"
	}
	if tz == "" {
		tz = s.DefaultTimezone
	}
	return s.ParseSchedule(spec, tz)
}

func (s *Scheduler) now() time.Time { return s.Deliverer.now() }

func (s *Scheduler) catchUp() time.Duration {
	if s.CatchUp > 0 {
		return s.CatchUp
	}
	return 72 * time.Hour
}

func (s *Scheduler) concurrency() int {
	if s.Concurrency > 0 {
		return s.Concurrency
	}
	return 8
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Scheduler) after(d time.Duration) <-chan time.Time {
	if s.After != nil {
		return s.After(d)
	}
	return time.After(d)
}

// batchCache fetches each day's batch once per round, shared by every
// subscription that needs it.
type batchCache struct {
	engine *bot.Engine
	mu     sync.Mutex
	got    map[string]*batchEntry
}

type batchEntry struct {
	once  sync.Once
	batch bot.Batch
	err   error
}

// get returns the day's batch: fresh from the source (the list grows
// during the day), or the stored one when the source fails.
func (c *batchCache) get(ctx context.Context, date string) (bot.Batch, error) {
	c.mu.Lock()
	e, ok := c.got[date]
	if !ok {
		e = &batchEntry{}
		c.got[date] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.batch, _, e.err = c.engine.Fetch(ctx, date)
		if e.err == nil || bot.ErrorCode(e.err) == bot.ENOBATCH {
			return
		}
		if b, err := c.engine.Today(ctx, date); err == nil && b.Date == date {
			e.batch, e.err = b, nil
		}
	})
	return e.batch, e.err
}
