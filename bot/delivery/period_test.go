package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
)

// fridaysAt16 is bot.DefaultWeekSchedule, "0 16 * * 5" in UTC, written out.
type fridaysAt16 struct{}

func (fridaysAt16) Next(t time.Time) time.Time {
	return nextAt(t, 16, func(d time.Weekday) bool { return d == time.Friday })
}

func TestScheduler_WeekOnce(t *testing.T) {
	ctx := context.Background()
	now, down := time.Date(2026, 8, 21, 15, 0, 0, 0, time.UTC), false // Fri, before 16:00
	sub := bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Period: bot.PeriodWeek, Top: 2, Since: "2026-08-20"}
	s, chat := schedulerFixture(t, &now, &down, subs(t, sub))
	s.ParseSchedule = func(spec, _ string) (bot.Schedule, error) {
		if spec != bot.DefaultWeekSchedule {
			t.Errorf("schedule %q, want the week default", spec)
		}
		return fridaysAt16{}, nil
	}
	s.Tick(ctx)
	if n := len(chat.Messages()); n != 0 {
		t.Fatalf("%d messages before Friday 16:00, want none", n)
	}
	now = time.Date(2026, 8, 21, 16, 1, 0, 0, time.UTC)
	s.Tick(ctx)
	s.Tick(ctx)
	msgs := chat.Messages()
	if len(msgs) != 1 || msgs[0].Key != "paperboy:week:2026-W34" {
		t.Fatalf("messages %+v, want one post of week 34", msgs)
	}
	r := msgs[0].Reply
	if !strings.HasPrefix(r.Title, "Top papers — week 34 of 2026") || len(r.Cards) != 2 {
		t.Fatalf("title %q with %d cards, want week 34's top 2", r.Title, len(r.Cards))
	}
	// Mon–Fri each have three papers; the top two of the week are the
	// ones with the most upvotes (10), newest first by id order.
	if r.Cards[0].Upvotes != 10 || r.Cards[1].Upvotes != 10 {
		t.Fatalf("cards %+v, want the 10-vote papers", r.Cards)
	}
	del, err := s.Deliverer.Ledger.Delivery(ctx, bot.DeliveryKey{Platform: "slack", Channel: "C1#week", Date: "2026-08-17"})
	if err != nil || del.State != bot.DeliverySent {
		t.Fatalf("ledger row %+v, %v; want C1#week 2026-08-17 sent", del, err)
	}
	// Saturday: still within the catch-up window of Friday, already sent.
	now = time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)
	s.Tick(ctx)
	if n := len(chat.Messages()); n != 1 {
		t.Fatalf("%d messages after a rerun, want still 1", n)
	}
	now = time.Date(2026, 8, 28, 16, 0, 0, 0, time.UTC)
	s.Tick(ctx)
	if msgs := chat.Messages(); len(msgs) != 2 || msgs[1].Key != "paperboy:week:2026-W35" {
		t.Fatalf("messages %+v, want week 35 next Friday", msgs)
	}
}
