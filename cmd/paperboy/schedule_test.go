package main

import (
	"context"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/delivery"
)

func TestParseSchedule_DST(t *testing.T) {
	s, err := parseSchedule("0 9 * * 1-5", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Berlin leaves summer time on Sunday 2026-10-25: 09:00 is 07:00 UTC
	// on Friday and 08:00 UTC on Monday.
	fri := s.Next(time.Date(2026, 10, 23, 0, 0, 0, 0, time.UTC))
	mon := s.Next(fri)
	if got, want := fri.UTC(), time.Date(2026, 10, 23, 7, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Friday: %v, want %v", got, want)
	}
	if got, want := mon.UTC(), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Monday: %v, want %v", got, want)
	}
	if got, want := (&delivery.Scheduler{}).BatchDate(mon), "2026-10-23"; got != want {
		t.Fatalf("Monday's delivery posts %s, want Friday's batch %s", got, want)
	}
}

func TestParseSchedule_Errors(t *testing.T) {
	for _, tt := range []struct{ spec, tz string }{
		{"0 9 * *", "UTC"}, {"61 9 * * *", "UTC"}, {"every day", "UTC"}, {"0 9 * * 1-5", "Mars/Olympus"},
	} {
		if _, err := parseSchedule(tt.spec, tt.tz); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("parseSchedule(%q, %q) err=%v, want EINVALID", tt.spec, tt.tz, err)
		}
	}
}

// raced is a store in which another replica removes a subscription between
// this replica's listing and its delete.
type raced struct {
	mem    *bottest.Subscriptions
	remove [2]string
}

func (r raced) Subscriptions(ctx context.Context) ([]bot.Subscription, error) {
	subs, err := r.mem.Subscriptions(ctx)
	if err == nil {
		err = r.mem.DeleteSubscription(ctx, r.remove[0], r.remove[1])
	}
	return subs, err
}

func (r raced) Subscription(ctx context.Context, platform, channel string) (bot.Subscription, error) {
	return r.mem.Subscription(ctx, platform, channel)
}

func (r raced) SaveSubscription(ctx context.Context, s bot.Subscription) error {
	return r.mem.SaveSubscription(ctx, s)
}

func (r raced) DeleteSubscription(ctx context.Context, platform, channel string) error {
	return r.mem.DeleteSubscription(ctx, platform, channel)
}

// TestSyncSubscriptions_RemovedByAnother checks that a config subscription
// another replica removed first counts as removed, not as an error.
func TestSyncSubscriptions_RemovedByAnother(t *testing.T) {
	ctx := context.Background()
	mem := &bottest.Subscriptions{}
	for _, ch := range []string{"C1", "C2"} {
		if err := mem.SaveSubscription(ctx, bot.Subscription{Platform: "slack", Channel: ch, Origin: bot.OriginConfig}); err != nil {
			t.Fatal(err)
		}
	}
	a := &app{cfg: Config{Timezone: "UTC", Delivery: DeliveryConfig{Schedule: "0 9 * * *"},
		Subscriptions: []SubscriptionConfig{{Platform: "slack", Channel: "C2"}}}}
	if err := syncSubscriptions(ctx, a, raced{mem, [2]string{"slack", "C1"}}, &delivery.Scheduler{}); err != nil {
		t.Fatalf("sync after another replica removed C1: %v", err)
	}
	subs, _ := mem.Subscriptions(ctx)
	if len(subs) != 1 || subs[0].Channel != "C2" {
		t.Fatalf("subscriptions %+v, want only C2", subs)
	}
}
