package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/delivery"
)

var errCrash = errors.New("process killed")

// deliveryFixture is a batch of five papers and a deliverer for them.
func deliveryFixture(t *testing.T) (*delivery.Deliverer, *bottest.Chat, *bottest.Ledger, bot.Batch) {
	t.Helper()
	var papers []bot.Paper
	for i := range 5 {
		papers = append(papers, bot.Paper{
			ID: fmt.Sprintf("2608.0000%d", i+1), Title: fmt.Sprintf("Paper %d on diffusion", i+1), Upvotes: 50 - i*10,
			Abstract: "We propose a method for diffusion models that works well on many benchmarks.",
		})
	}
	papers[2].Title = "A survey of everything"
	b := bot.Batch{Date: "2026-08-19", Source: "hf", Papers: papers}
	now := func() time.Time { return time.Date(2026, 8, 19, 9, 0, 0, 0, time.UTC) }
	chat := &bottest.Chat{}
	ledger := &bottest.Ledger{Now: now}
	d := &delivery.Deliverer{
		Engine: &bot.Engine{Store: bottest.NewStore(), Now: now},
		Ledger: ledger,
		Chats:  map[string]bot.Chat{"discord": chat},
		Owner:  "proc-a",
	}
	return d, chat, ledger, b
}

var sub = bot.Subscription{Platform: "discord", Channel: "c1", Style: bot.StyleThread}

func TestDeliverer_Thread(t *testing.T) {
	ctx := context.Background()
	d, chat, ledger, b := deliveryFixture(t)
	del, err := d.Deliver(ctx, sub, b)
	if err != nil {
		t.Fatal(err)
	}
	msgs := chat.Messages()
	if got, want := len(msgs), 6; got != want {
		t.Fatalf("%d messages, want %d (a header and 5 papers)", got, want)
	}
	if msgs[0].Thread != "" || msgs[1].Thread != "thread-1" || msgs[5].Thread != "thread-1" {
		t.Fatalf("threads %q %q %q: want the header in the channel and the papers in its thread", msgs[0].Thread, msgs[1].Thread, msgs[5].Thread)
	}
	if got, want := msgs[0].Reply.Title, "Daily Papers — Wed 19 Aug 2026 · 5 papers"; got != want {
		t.Fatalf("header %q, want %q", got, want)
	}
	if msgs[1].Reply.Cards[0].Summary == "" {
		t.Fatal("papers are posted without a TL;DR")
	}
	row, _ := ledger.Delivery(ctx, del.DeliveryKey)
	if row.State != bot.DeliverySent || len(row.Items) != 6 || row.Thread != "thread-1" {
		t.Fatalf("ledger row %+v, want sent with 6 items in thread-1", row)
	}
	// Delivering again sends nothing.
	if _, err := d.Deliver(ctx, sub, b); err != nil {
		t.Fatal(err)
	}
	if got := len(chat.Messages()); got != 6 {
		t.Fatalf("a second Deliver sent %d more messages", got-6)
	}
}

func TestDeliverer_StylesAndFilters(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		sub   bot.Subscription
		msgs  int
		cards int // cards in all messages
	}{
		{"Digest", bot.Subscription{Style: bot.StyleDigest}, 1, 5},
		{"Inline", bot.Subscription{Style: bot.StyleInline}, 6, 5},
		{"Top2", bot.Subscription{Style: bot.StyleDigest, Top: 2}, 1, 2},
		{"MinUpvotes", bot.Subscription{Style: bot.StyleDigest, MinUpvotes: 30}, 1, 3},
		{"Exclude", bot.Subscription{Style: bot.StyleDigest, Exclude: []string{"SURVEY"}}, 1, 4},
		{"Include", bot.Subscription{Style: bot.StyleDigest, Include: []string{"survey", "nothing"}}, 1, 1},
		{"NoneMatch", bot.Subscription{Style: bot.StyleThread, Include: []string{"quantum"}}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, chat, _, b := deliveryFixture(t)
			tt.sub.Platform, tt.sub.Channel = "discord", "c1"
			if _, err := d.Deliver(ctx, tt.sub, b); err != nil {
				t.Fatal(err)
			}
			msgs, cards := chat.Messages(), 0
			for _, m := range msgs {
				cards += len(m.Reply.Cards)
				if m.Thread != "" && tt.sub.Style != bot.StyleThread {
					t.Fatalf("style %s posted into a thread", tt.sub.Style)
				}
			}
			if len(msgs) != tt.msgs || cards != tt.cards {
				t.Fatalf("%d messages with %d cards, want %d with %d", len(msgs), cards, tt.msgs, tt.cards)
			}
		})
	}
}

func TestDeliverer_NoThreads(t *testing.T) {
	d, chat, _, b := deliveryFixture(t)
	chat.NoThreads = true
	if _, err := d.Deliver(context.Background(), sub, b); err != nil {
		t.Fatal(err)
	}
	for _, m := range chat.Messages() {
		if m.Thread != "" {
			t.Fatalf("message %s went to thread %q; without threads papers go inline", m.ID, m.Thread)
		}
	}
}

// TestDeliverer_CrashAnywhere kills the delivery at every point: right
// after the platform accepted post i (before it was recorded), and right
// before post i is recorded. A second process then takes over once the
// claim expires. Every channel must end with exactly one copy of each post.
func TestDeliverer_CrashAnywhere(t *testing.T) {
	ctx := context.Background()
	for point := range 12 {
		t.Run(fmt.Sprintf("Point%d", point), func(t *testing.T) {
			d, chat, ledger, b := deliveryFixture(t)
			sends := 0
			chat.AfterSendFunc = func(string, string, bot.Post) error {
				sends++
				if point%2 == 0 && sends == point/2+1 {
					return errCrash
				}
				return nil
			}
			records := 0
			ledger.RecordFunc = func(bot.DeliveryKey, string) error {
				records++
				if point%2 == 1 && records == point/2+1 {
					return errCrash
				}
				return nil
			}
			if _, err := d.Deliver(ctx, sub, b); !errors.Is(err, errCrash) {
				t.Fatalf("first attempt: err=%v, want the crash", err)
			}
			chat.AfterSendFunc, ledger.RecordFunc = nil, nil
			ledger.Expire()
			d.Owner = "proc-b"
			del, err := d.Deliver(ctx, sub, b)
			if err != nil {
				t.Fatal(err)
			}
			if del.State != bot.DeliverySent {
				t.Fatalf("state %s, want sent", del.State)
			}
			keys := []string{"paperboy:2026-08-19"}
			for _, p := range b.Papers {
				keys = append(keys, "paperboy:2026-08-19:"+p.ID)
			}
			for _, k := range keys {
				if n := chat.Copies("c1", k); n != 1 {
					t.Fatalf("%d copies of %s, want exactly 1", n, k)
				}
			}
		})
	}
}

func TestDeliverer_PlatformDown(t *testing.T) {
	ctx := context.Background()
	d, chat, ledger, b := deliveryFixture(t)
	chat.SendFunc = func(string, string, bot.Post) error { return bot.Errorf(bot.EUNAVAILABLE, "HTTP 503") }
	del, err := d.Deliver(ctx, sub, b)
	if err == nil || del.State != bot.DeliveryFailed || del.NextRetry.IsZero() {
		t.Fatalf("err=%v state=%s next=%v, want failed with a retry time", err, del.State, del.NextRetry)
	}
	row, _ := ledger.Delivery(ctx, del.DeliveryKey)
	if row.State != bot.DeliveryFailed || row.LastError == "" || row.Owner != "" {
		t.Fatalf("ledger row %+v, want failed, with the error, unclaimed", row)
	}
	chat.SendFunc = nil
	if del, err = d.Deliver(ctx, sub, b); err != nil || del.State != bot.DeliverySent {
		t.Fatalf("retry: err=%v state=%s", err, del.State)
	}
	if got := len(chat.Messages()); got != 6 {
		t.Fatalf("%d messages after the retry, want 6", got)
	}
}

func TestDeliverer_TwoProcesses(t *testing.T) {
	ctx := context.Background()
	d, chat, ledger, b := deliveryFixture(t)
	hold := make(chan struct{})
	chat.SendFunc = func(string, string, bot.Post) error { <-hold; return nil }
	done := make(chan error, 1)
	go func() { _, err := d.Deliver(ctx, sub, b); done <- err }()
	other := *d
	other.Owner = "proc-b"
	var err error
	for { // wait until the first process holds the claim
		if row, rerr := ledger.Delivery(ctx, bot.DeliveryKey{Platform: "discord", Channel: "c1", Date: b.Date}); rerr == nil && row.Owner == "proc-a" {
			_, err = other.Deliver(ctx, sub, b)
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(hold)
	if bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("second process: err=%v, want ECONFLICT", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := len(chat.Messages()); got != 6 {
		t.Fatalf("%d messages, want 6: only one process may post", got)
	}
}
