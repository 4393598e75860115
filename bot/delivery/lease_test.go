package delivery_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/delivery"
)

const testLease = 30 * time.Second

// leaseFixture is deliveryFixture on a manual clock, with the heartbeat
// driven by it.
func leaseFixture(t *testing.T) (*delivery.Deliverer, *bottest.Chat, *bottest.Ledger, *bottest.Clock, bot.Batch) {
	t.Helper()
	d, chat, ledger, b := deliveryFixture(t)
	clock := bottest.NewClock(time.Date(2026, 8, 19, 9, 0, 0, 0, time.UTC))
	d.Engine.Now, ledger.Now = clock.Now, clock.Now
	d.After, d.Lease = clock.After, testLease
	return d, chat, ledger, clock, b
}

// eventually waits until cond holds. It bounds a wait for another
// goroutine, never the time the code under test may take: the clock is
// manual, so nothing in these tests depends on the machine's speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// beat advances the clock by one heartbeat interval and waits until the
// heartbeat has renewed the claim.
func beat(t *testing.T, clock *bottest.Clock, ledger *bottest.Ledger) {
	t.Helper()
	eventually(t, "the heartbeat to wait", func() bool { return clock.Waiters() > 0 })
	n := ledger.Renewals()
	clock.Advance(testLease / 3)
	eventually(t, "a renewal", func() bool { return ledger.Renewals() > n })
}

// slowSummarizer runs fn on every call, then answers.
type slowSummarizer struct{ fn func() }

func (s slowSummarizer) Summarize(context.Context, bot.Paper) (string, error) {
	s.fn()
	return "A TL;DR that took a while.", nil
}

func (slowSummarizer) Version() (string, string) { return "slow-model", "v1" }

// TestDeliverer_SlowSummariesKeepTheClaim prepares TL;DRs for five leases
// of (manual) time: the heartbeat keeps the claim, nobody else can take
// it, and the delivery finishes in one attempt.
func TestDeliverer_SlowSummariesKeepTheClaim(t *testing.T) {
	ctx := context.Background()
	d, chat, ledger, clock, b := leaseFixture(t)
	d.Summaries = 1
	k := bot.DeliveryKey{Platform: "discord", Channel: "c1", Date: b.Date}
	d.Engine.Summarizer = slowSummarizer{func() {
		for range 3 { // one lease per paper
			beat(t, clock, ledger)
		}
		if _, err := ledger.Claim(ctx, k, "proc-b", clock.Now().Add(testLease)); bot.ErrorCode(err) != bot.ECONFLICT {
			t.Errorf("another process claimed the delivery while TL;DRs were prepared: err=%v", err)
		}
	}}
	del, err := d.Deliver(ctx, sub, b)
	if err != nil {
		t.Fatal(err)
	}
	if del.State != bot.DeliverySent || del.Attempts != 1 {
		t.Fatalf("delivery %s after %d attempts, want sent in 1", del.State, del.Attempts)
	}
	if got, want := len(chat.Messages()), 6; got != want {
		t.Fatalf("%d messages, want %d", got, want)
	}
	if got := ledger.Renewals(); got < 15 {
		t.Fatalf("%d renewals over five leases, want at least 15", got)
	}
}

// TestDeliverer_StopsWhenTakenOver: while the owner is mid-thread, its
// claim runs out (a stall) and another process takes the delivery over.
// The heartbeat sees the new token, and the old owner sends nothing more
// and records nothing.
func TestDeliverer_StopsWhenTakenOver(t *testing.T) {
	ctx := context.Background()
	d, chat, ledger, clock, b := leaseFixture(t)
	lost := make(chan struct{})
	d.Observe = func(event string) {
		if event == "lost" {
			close(lost)
		}
	}
	k := bot.DeliveryKey{Platform: "discord", Channel: "c1", Date: b.Date}
	sends := 0
	chat.SendFunc = func(_, _ string, p bot.Post) error {
		if sends++; sends == 3 {
			ledger.Expire() // the owner stalled past its lease
			if _, err := ledger.Claim(ctx, k, "proc-b", clock.Now().Add(testLease)); err != nil {
				t.Errorf("takeover: %v", err)
			}
			eventually(t, "the heartbeat to wait", func() bool { return clock.Waiters() > 0 })
			clock.Advance(testLease / 3)
			<-lost
		}
		return nil
	}
	_, err := d.Deliver(ctx, sub, b)
	if got := bot.ErrorCode(err); got != bot.ECONFLICT {
		t.Fatalf("Deliver after a takeover: err=%v (code %q), want %q", err, got, bot.ECONFLICT)
	}
	if got := len(chat.Messages()); got != 3 {
		t.Fatalf("the old owner sent %d messages, want it to stop after the 3rd", got)
	}
	row, _ := ledger.Delivery(ctx, k)
	if row.Owner != "proc-b" || len(row.Items) != 2 {
		t.Fatalf("row owner %q with %d items, want proc-b's claim and the 2 posts recorded before it", row.Owner, len(row.Items))
	}
}

// TestDeliverer_LooksOnlyWhenTheLedgerCannotTell: a delivery's first claim
// sends without reading the channel (nothing can have been sent before
// it); an attempt after one whose answer was lost looks, finds the post
// the platform has, and records it instead of sending it again.
func TestDeliverer_LooksOnlyWhenTheLedgerCannotTell(t *testing.T) {
	ctx := context.Background()
	d, chat, _, b := deliveryFixture(t)
	sends := 0
	chat.AfterSendFunc = func(_, _ string, p bot.Post) error {
		if sends++; sends == 3 {
			return errors.New("connection reset") // posted; the answer is lost
		}
		return nil
	}
	if _, err := d.Deliver(ctx, sub, b); err == nil {
		t.Fatal("the first attempt succeeded; want the lost answer's error")
	}
	if n := chat.Looks(); n != 0 {
		t.Fatalf("the first claim looked %d times, want none", n)
	}
	chat.AfterSendFunc = nil
	del, err := d.Deliver(ctx, sub, b)
	if err != nil {
		t.Fatal(err)
	}
	if n := chat.Looks(); n == 0 {
		t.Fatal("the second attempt sent without looking")
	}
	if got := len(chat.Messages()); got != 6 {
		t.Fatalf("%d messages, want the 6 posts once each", got)
	}
	if del.State != bot.DeliverySent {
		t.Fatalf("delivery %s, want sent", del.State)
	}
}

// TestDeliverer_Await waits while another live process holds the delivery
// and takes over when its claim runs out, finishing the delivery in one
// call.
func TestDeliverer_Await(t *testing.T) {
	ctx := context.Background()
	d, chat, ledger, clock, b := leaseFixture(t)
	k := bot.DeliveryKey{Platform: "discord", Channel: "c1", Date: b.Date}
	if _, err := ledger.Claim(ctx, k, "proc-dead", clock.Now().Add(testLease)); err != nil {
		t.Fatal(err)
	}
	done := make(chan delivery.Outcome)
	go func() { done <- d.Await(ctx, sub, b) }()
	eventually(t, "Await to wait", func() bool { return clock.Waiters() > 0 })
	if got := len(chat.Messages()); got != 0 {
		t.Fatalf("%d messages sent while another process held the claim", got)
	}
	for range 3 { // the dead owner never renews: its claim runs out
		eventually(t, "Await to wait", func() bool { return clock.Waiters() > 0 })
		clock.Advance(testLease / 3)
	}
	o := <-done
	if o.Err != nil || o.State != delivery.OutcomeSent {
		t.Fatalf("Await=%s, %v; want sent", o.State, o.Err)
	}
	if got := len(chat.Messages()); got != 6 {
		t.Fatalf("%d messages, want 6", got)
	}
	if again := d.Await(ctx, sub, b); again.State != delivery.OutcomeAlreadySent {
		t.Fatalf("second Await=%s, want %q", again.State, delivery.OutcomeAlreadySent)
	}
}

// TestDeliverer_OwnerGone: a claim whose owner is known to be gone is taken
// over at once, without waiting for its lease.
func TestDeliverer_OwnerGone(t *testing.T) {
	ctx := context.Background()
	d, chat, ledger, clock, b := leaseFixture(t)
	ledger.Gone = func(owner string) bool { return owner == "proc-dead" }
	k := bot.DeliveryKey{Platform: "discord", Channel: "c1", Date: b.Date}
	if _, err := ledger.Claim(ctx, k, "proc-dead", clock.Now().Add(testLease)); err != nil {
		t.Fatal(err)
	}
	if o := d.Await(ctx, sub, b); o.Err != nil || o.State != delivery.OutcomeSent {
		t.Fatalf("Await=%s, %v; want sent at once", o.State, o.Err)
	}
	if got := len(chat.Messages()); got != 6 {
		t.Fatalf("%d messages, want 6", got)
	}
}

// TestDeliverer_ShutdownResumesAtOnce: a delivery stopped by its caller (a
// shutdown) mid-thread is retried at once by the next attempt, not after a
// backoff, and finishes without a duplicate.
func TestDeliverer_ShutdownResumesAtOnce(t *testing.T) {
	d, chat, ledger, clock, b := leaseFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	chat.SendFunc = func(_, _ string, p bot.Post) error {
		if len(chat.Messages()) == 2 {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	if _, err := d.Deliver(ctx, sub, b); err == nil {
		t.Fatal("Deliver went on after its context ended")
	}
	k := bot.DeliveryKey{Platform: "discord", Channel: "c1", Date: b.Date}
	row, _ := ledger.Delivery(context.Background(), k)
	if row.State != bot.DeliveryFailed || row.NextRetry.After(clock.Now()) {
		t.Fatalf("row after a shutdown: %s, next retry %v; want failed and due now (%v)", row.State, row.NextRetry, clock.Now())
	}
	chat.SendFunc = nil
	if _, err := d.Deliver(context.Background(), sub, b); err != nil {
		t.Fatal(err)
	}
	if got := len(chat.Messages()); got != 6 {
		t.Fatalf("%d messages, want 6", got)
	}
}
