package delivery_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/delivery"
)

// weekdaysAt9 is the default schedule, "0 9 * * 1-5" in UTC, written out.
type weekdaysAt9 struct{}

func (weekdaysAt9) Next(t time.Time) time.Time {
	return nextAt(t, 9, func(d time.Weekday) bool { return d != time.Saturday && d != time.Sunday })
}

// nextAt is the first time after t, in UTC, at hour:00 on a day that on
// says is a day of the schedule.
func nextAt(t time.Time, hour int, on func(time.Weekday) bool) time.Time {
	t = t.UTC()
	n := time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, time.UTC)
	for !n.After(t) || !on(n.Weekday()) {
		n = n.AddDate(0, 0, 1)
	}
	return n
}

// subs makes a bot.Subscriptions holding ss.
func subs(t *testing.T, ss ...bot.Subscription) *bottest.Subscriptions {
	t.Helper()
	store := &bottest.Subscriptions{}
	for _, sub := range ss {
		if err := store.SaveSubscription(context.Background(), sub); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// schedulerFixture returns a scheduler whose clock is *now, whose source
// has a batch of three papers for every weekday unless down, and the chat.
func schedulerFixture(t *testing.T, now *time.Time, down *bool, ss *bottest.Subscriptions) (*delivery.Scheduler, *bottest.Chat) {
	t.Helper()
	src := &bottest.Source{FetchFunc: func(_ context.Context, date string) (bot.Batch, error) {
		if *down {
			return bot.Batch{}, bot.Errorf(bot.EUNAVAILABLE, "source down")
		}
		if bot.IsWeekend(date) {
			return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "weekend")
		}
		var papers []bot.Paper
		for i := range 3 {
			papers = append(papers, bot.Paper{ID: fmt.Sprintf("%s.%05d", strings.ReplaceAll(date[2:7], "-", ""), i+1+10*int(date[9]-'0')),
				Title: "Paper " + date, Upvotes: 10 - i, Abstract: "We study things carefully and report results."})
		}
		return bot.Batch{Date: date, Source: "fake", Papers: papers}, nil
	}}
	clock := func() time.Time { return *now }
	chat := &bottest.Chat{}
	engine := &bot.Engine{Store: bottest.NewStore(), Source: src, Now: clock}
	s := &delivery.Scheduler{
		Deliverer: &delivery.Deliverer{Engine: engine, Ledger: &bottest.Ledger{Now: clock},
			Chats: map[string]bot.Chat{"slack": chat}, Owner: "p1"},
		Subscriptions: ss,
		ParseSchedule: func(string, string) (bot.Schedule, error) { return weekdaysAt9{}, nil },
	}
	return s, chat
}

func TestScheduler_OnSchedule(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 8, 59, 0, 0, time.UTC), false // Tue, before 09:00
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	if next := s.Tick(ctx); !next.Equal(time.Date(2026, 8, 18, 9, 0, 0, 0, time.UTC)) || len(chat.Messages()) != 0 {
		t.Fatalf("before 09:00: next=%v, %d messages; want nothing sent and 09:00 next", next, len(chat.Messages()))
	}
	now = now.Add(2 * time.Minute)
	s.Tick(ctx)
	s.Tick(ctx)
	msgs := chat.Messages()
	if len(msgs) != 1 || msgs[0].Key != "paperboy:2026-08-17" {
		t.Fatalf("messages %+v, want one post of Monday's batch", msgs)
	}
}

func TestScheduler_CatchUp(t *testing.T) {
	ctx := context.Background()
	// Down since Thursday; it is Tuesday 09:30. Thu, Fri, Mon and Tue
	// deliveries were due: Wed, Thu, Fri and Mon batches.
	now, down := time.Date(2026, 8, 18, 9, 30, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleThread, Since: "2026-08-01"}))
	s.CatchUp = 6 * 24 * time.Hour
	s.Tick(ctx)
	msgs := chat.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one catch-up digest", len(msgs))
	}
	if got := msgs[0].Reply.Title; !strings.HasPrefix(got, "While I was away: 4 days, 12 papers — the top 10 by upvotes") {
		t.Fatalf("title %q", got)
	}
	if got := len(msgs[0].Reply.Cards); got != 10 {
		t.Fatalf("%d cards, want 10", got)
	}
	now = now.Add(time.Hour)
	s.Tick(ctx)
	if got := len(chat.Messages()); got != 1 {
		t.Fatalf("%d messages after another round, want still 1", got)
	}
}

func TestScheduler_SourceDownThenUp(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), true
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	s.Tick(ctx)
	now = now.Add(5 * time.Minute)
	s.Tick(ctx) // still down: no second notice
	msgs := chat.Messages()
	if len(msgs) != 1 || msgs[0].Key != "paperboy:2026-08-17:notice" || !strings.Contains(msgs[0].Reply.Text, "late") {
		t.Fatalf("while the source is down: %+v, want one notice", msgs)
	}
	down = false
	now = now.Add(5 * time.Minute)
	s.Tick(ctx)
	if msgs := chat.Messages(); len(msgs) != 2 || msgs[1].Key != "paperboy:2026-08-17" {
		t.Fatalf("after recovery: %+v, want Monday's batch once after the notice", msgs)
	}
}

func TestScheduler_NotifyEmpty(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	s.Deliverer.Engine.Source = &bottest.Source{FetchFunc: func(context.Context, string) (bot.Batch, error) {
		return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "Hugging Face has published nothing for that day.")
	}}
	s.Tick(ctx)
	if got := len(chat.Messages()); got != 0 {
		t.Fatalf("%d messages on an empty day without NotifyEmpty, want silence (the default)", got)
	}
	s.NotifyEmpty = true
	s.Tick(ctx)
	s.Tick(ctx)
	msgs := chat.Messages()
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Reply.Text, "No new papers for Mon 17 Aug 2026") || !strings.Contains(msgs[0].Reply.Text, "Next delivery") {
		t.Fatalf("messages %+v, want one 'No new papers' notice with the next delivery", msgs)
	}
}

func TestScheduler_ManyChannels(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	var ss []bot.Subscription
	for i := range 50 {
		ss = append(ss, bot.Subscription{Platform: "slack", Channel: fmt.Sprintf("C%d", i), Style: bot.StyleThread, Since: "2026-08-17"})
	}
	s, chat := schedulerFixture(t, &now, &down, subs(t, ss...))
	s.Tick(ctx)
	s.Tick(ctx)
	for _, sub := range ss {
		if n := chat.Copies(sub.Channel, "paperboy:2026-08-17"); n != 1 {
			t.Fatalf("channel %s got %d headers, want 1", sub.Channel, n)
		}
	}
	if got, want := len(chat.Messages()), 50*4; got != want {
		t.Fatalf("%d messages, want %d", got, want)
	}
}

// TestScheduler_PlatformsDoNotWait checks that Concurrency is per platform:
// while Discord's one slot is busy, Slack's deliveries still go out.
func TestScheduler_PlatformsDoNotWait(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, slack := schedulerFixture(t, &now, &down, subs(t,
		bot.Subscription{Platform: "discord", Channel: "D1", Style: bot.StyleDigest, Since: "2026-08-17"},
		bot.Subscription{Platform: "discord", Channel: "D2", Style: bot.StyleDigest, Since: "2026-08-17"},
		bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"},
	))
	s.Concurrency = 1
	slackSent := make(chan struct{})
	slack.SendFunc = func(string, string, bot.Post) error { close(slackSent); return nil }
	discord := &bottest.Chat{SendFunc: func(string, string, bot.Post) error {
		select { // Discord's first delivery holds its only slot until Slack has posted
		case <-slackSent:
			return nil
		case <-time.After(10 * time.Second): // a guard against hanging, not a timing
			return fmt.Errorf("slack never posted while discord's slot was busy")
		}
	}}
	s.Deliverer.Chats["discord"] = discord
	s.Tick(ctx)
	if got, want := len(discord.Messages())+len(slack.Messages()), 3; got != want {
		t.Fatalf("%d messages, want %d: Slack's delivery waited for Discord's slot", got, want)
	}
}

// TestScheduler_FinishesOldHalfPostedDays: a thread killed mid-way on
// Monday and left alone until after the catch-up window is still finished
// by the next round, before the newer day, and status lists it first.
func TestScheduler_FinishesOldHalfPostedDays(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false // Tue: Monday's batch is due
	ss := subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleThread, Since: "2026-08-17"})
	s, chat := schedulerFixture(t, &now, &down, ss)
	ledger := s.Deliverer.Ledger.(*bottest.Ledger)
	chat.SendFunc = func(_, _ string, p bot.Post) error {
		if len(chat.Messages()) == 2 {
			return bot.Errorf(bot.EUNAVAILABLE, "killed") // the thread stops after its header and one paper
		}
		return nil
	}
	s.Tick(ctx)
	chat.SendFunc = nil
	// Left alone for a week: the catch-up window (3 days) is long past.
	now = time.Date(2026, 8, 25, 9, 1, 0, 0, time.UTC)
	s.Tick(ctx)
	msgs := chat.Messages()
	var monday, newer int
	for _, m := range msgs {
		if strings.HasPrefix(m.Key, "paperboy:2026-08-17") {
			monday++
		} else {
			newer++
		}
	}
	if monday != 4 {
		t.Fatalf("Monday's thread has %d posts, want its header and 3 papers", monday)
	}
	if newer == 0 || !strings.HasPrefix(msgs[4].Key, "paperboy:2026-08-2") {
		t.Fatalf("messages after Monday's: %d; want the newer days after it", newer)
	}
	row, err := ledger.Delivery(ctx, bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-17"})
	if err != nil || row.State != bot.DeliverySent {
		t.Fatalf("Monday's delivery %+v, %v; want sent", row, err)
	}
}

// TestScheduler_WakesWhenAClaimRunsOut: a delivery held by another process
// is retried when that claim runs out, not on a fixed tick.
func TestScheduler_WakesWhenAClaimRunsOut(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	ledger := s.Deliverer.Ledger.(*bottest.Ledger)
	k := bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-17"}
	until := now.Add(20 * time.Second)
	if _, err := ledger.Claim(ctx, k, "p-other", until); err != nil {
		t.Fatal(err)
	}
	if next := s.Tick(ctx); !next.Equal(until) {
		t.Fatalf("next round at %v, want when the other claim runs out (%v)", next, until)
	}
	if got := len(chat.Messages()); got != 0 {
		t.Fatalf("%d messages while another process held the delivery", got)
	}
	now = until
	s.Tick(ctx)
	if got := chat.Copies("C1", "paperboy:2026-08-17"); got != 1 {
		t.Fatalf("%d copies of the day after the claim ran out, want 1", got)
	}
}

// TestScheduler_WakesForAClaimTakenDuringTheRound: another replica claims
// the delivery after this round read the ledger and before it claims (three
// replicas start the same fan-out at once). The round must come back when
// that claim runs out, not at the next scheduled time: the other replica
// may die holding it, and then the channel would wait a whole schedule.
func TestScheduler_WakesForAClaimTakenDuringTheRound(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	ledger := s.Deliverer.Ledger.(*bottest.Ledger)
	k := bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-17"}
	until := now.Add(20 * time.Second)
	src := s.Deliverer.Engine.Source.(*bottest.Source)
	fetch := src.FetchFunc
	src.FetchFunc = func(ctx context.Context, date string) (bot.Batch, error) {
		if _, err := ledger.Delivery(ctx, k); bot.ErrorCode(err) == bot.ENOTFOUND {
			if _, err := ledger.Claim(ctx, k, "p-other", until); err != nil {
				t.Error(err)
			}
		}
		return fetch(ctx, date)
	}
	if next := s.Tick(ctx); !next.Equal(until) {
		t.Fatalf("next round at %v, want when the claim taken during the round runs out (%v)", next, until)
	}
	now = until
	s.Tick(ctx)
	if got := chat.Copies("C1", "paperboy:2026-08-17"); got != 1 {
		t.Fatalf("%d copies of the day after the other claim ran out, want 1", got)
	}
}

// TestScheduler_WakesForARetry: a delivery that fails in this round brings
// the next round at its retry, not at the next scheduled time.
func TestScheduler_WakesForARetry(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	s.Logger = slog.New(slog.DiscardHandler)
	chat.SendFunc = func(string, string, bot.Post) error { return bot.Errorf(bot.EUNAVAILABLE, "platform down") }
	next := s.Tick(ctx)
	row, err := s.Deliverer.Ledger.Delivery(ctx, bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-17"})
	if err != nil || row.State != bot.DeliveryFailed {
		t.Fatalf("delivery %+v, %v; want failed", row, err)
	}
	if !next.Equal(row.NextRetry) {
		t.Fatalf("next round at %v, want the failed delivery's retry (%v)", next, row.NextRetry)
	}
}

// TestScheduler_ResumesADeadOwnersDeliveryAtOnce: a claim whose owner is
// known to be gone (a restart after kill -9 on the same host) does not
// make the next round wait for the lease.
func TestScheduler_ResumesADeadOwnersDeliveryAtOnce(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	ledger := s.Deliverer.Ledger.(*bottest.Ledger)
	gone := func(owner string) bool { return owner == "p-dead" }
	ledger.Gone, s.Deliverer.OwnerGone = gone, gone
	k := bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-17"}
	if _, err := ledger.Claim(ctx, k, "p-dead", now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	s.Tick(ctx)
	if got := chat.Copies("C1", "paperboy:2026-08-17"); got != 1 {
		t.Fatalf("%d copies of the day in the round after its owner died, want 1", got)
	}
}

// TestScheduler_AnOldFailingDayDoesNotHoldTheChannel: a day outside the
// catch-up window whose delivery keeps failing waits for its retry without
// holding back the days after it, and is retried when its backoff ends.
func TestScheduler_AnOldFailingDayDoesNotHoldTheChannel(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t, bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"}))
	ledger := s.Deliverer.Ledger.(*bottest.Ledger)
	k := bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-10"}
	old, err := ledger.Claim(ctx, k, "p1", now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.Finish(ctx, old.Claim(), bot.DeliveryFailed, "refused", now.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if next := s.Tick(ctx); next.After(now.Add(6 * time.Hour)) {
		t.Fatalf("next round at %v, want no later than the old day's retry", next)
	}
	if got := chat.Copies("C1", "paperboy:2026-08-17"); got != 1 {
		t.Fatalf("%d copies of Monday's batch while an old day waits for its retry, want 1", got)
	}
	now = now.Add(6 * time.Hour)
	s.Tick(ctx)
	if got := chat.Copies("C1", "paperboy:2026-08-10"); got != 1 {
		t.Fatalf("%d copies of the old day after its backoff, want 1", got)
	}
}

// A delivery that panics (here, a chat adapter's bug on one channel) is
// recovered and counted; the other channel still gets its post, and the
// scheduler goes on.
func TestScheduler_RecoversAPanickingDelivery(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 18, 9, 1, 0, 0, time.UTC), false
	s, chat := schedulerFixture(t, &now, &down, subs(t,
		bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Since: "2026-08-17"},
		bot.Subscription{Platform: "slack", Channel: "C2", Style: bot.StyleDigest, Since: "2026-08-17"}))
	s.Logger = slog.New(slog.DiscardHandler)
	chat.SendFunc = func(channel, _ string, _ bot.Post) error {
		if channel == "C1" {
			panic("adapter bug")
		}
		return nil
	}
	before := bot.Panics()["scheduler"]
	s.Tick(ctx)
	if got := bot.Panics()["scheduler"]; got != before+1 {
		t.Fatalf("Panics()[scheduler] = %d, want %d", got, before+1)
	}
	if msgs := chat.Messages(); len(msgs) != 1 || msgs[0].Channel != "C2" {
		t.Fatalf("messages %+v, want C2's post only", msgs)
	}
}
