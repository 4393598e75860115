package slack

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// newSendAdapter returns an adapter in HTTP mode whose Web API is fake.
func newSendAdapter(t *testing.T) (*Adapter, *fakeSlack, *testKit) {
	t.Helper()
	fake := newFakeSlack(t)
	a, s := newTestAdapter(t, Config{Mode: ModeHTTP, SigningSecret: "s", APIURL: fake.start()}, bottest.HandlerFunc(nil))
	return a, fake, s
}

// dailyPosts are the posts of the fixture day as the delivery engine sends
// them: the header, then each paper in its thread.
func dailyPosts(t *testing.T, n int) (bot.Post, []bot.Post) {
	papers := fixturePapers(t)
	head := bot.Post{
		Key:        "paperboy:" + fixtureDate,
		Reply:      bot.Reply{Title: "Daily Papers — Wed 19 Aug 2026 · 26 papers"},
		OpenThread: true,
	}
	var items []bot.Post
	for i, p := range papers[:n] {
		items = append(items, bot.Post{
			Key:   "paperboy:" + fixtureDate + ":" + p.ID,
			Reply: bot.Reply{Cards: []bot.Card{bot.NewCard(i+1, p)}},
		})
	}
	return head, items
}

func TestSendGolden(t *testing.T) {
	head, items := dailyPosts(t, 3)
	hostile, _ := hostileReply()
	hostile.Next = nil
	tests := []struct {
		name  string
		posts []bot.Post
	}{
		{"batch_post", append([]bot.Post{head}, items...)},
		{"hostile_post", []bot.Post{{Key: "paperboy:hostile", Reply: hostile}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, fake, _ := newSendAdapter(t)
			thread := ""
			for _, p := range tt.posts {
				sent, err := a.Send(context.Background(), "C1", thread, p)
				if err != nil {
					t.Fatal(err)
				}
				if p.OpenThread {
					thread = sent.Thread
				}
			}
			var forms []map[string]any
			for _, m := range fake.messages() {
				forms = append(forms, formMessage(t, m.form))
			}
			golden(t, tt.name, forms)
		})
	}
}

func TestSend(t *testing.T) {
	t.Run("OK", testSendThread)
	t.Run("RateLimited", testSendRateLimited)
	t.Run("ServerErrorAfterPosting", testSendServerErrorAfterPosting)
	t.Run("ServerErrorNotPosted", testSendServerErrorNotPosted)
	t.Run("ErrServerDown", testSendServerDown)
	t.Run("ErrContextCancelled", testSendCancelled)
	t.Run("ErrCannotCheck", testSendCannotCheck)
}

// testSendCannotCheck: a 5xx after Slack posted, and the history cannot be
// read to check. Send must fail rather than post a second time.
func testSendCannotCheck(t *testing.T) {
	a, fake, _ := newSendAdapter(t)
	fake.fail(failure{status: 500, keep: true})
	fake.readFail = slices.Repeat([]failure{{status: 503}}, 1+maxServerRetries)
	head, _ := dailyPosts(t, 0)
	if _, err := a.Send(context.Background(), "C1", "", head); err == nil {
		t.Fatal("Send succeeded without knowing whether it posted")
	}
	if got := len(fake.messages()); got != 1 {
		t.Errorf("%d messages, want the one Slack kept and no other", got)
	}
}

// testSendThread sends a day: the header opens a thread, the papers go in.
func testSendThread(t *testing.T) {
	a, fake, sl := newSendAdapter(t)
	head, items := dailyPosts(t, 26)
	ctx := context.Background()
	sent, err := a.Send(ctx, "C1", "", head)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.IDs) != 1 || sent.Thread != sent.IDs[0] {
		t.Fatalf("Sent=%+v, want one message that opens the thread", sent)
	}
	for _, p := range items {
		s, err := a.Send(ctx, "C1", sent.Thread, p)
		if err != nil || len(s.IDs) != 1 || s.Thread != "" {
			t.Fatalf("Send(%s)=%+v, %v", p.Key, s, err)
		}
	}
	msgs := fake.messages()
	if got, want := len(msgs), 27; got != want {
		t.Fatalf("%d messages, want %d", got, want)
	}
	for _, m := range msgs[1:] {
		if m.thread != sent.Thread {
			t.Errorf("paper posted in thread %q, want %q", m.thread, sent.Thread)
		}
	}
	// Pacing: about one post per second per channel, through Sleep.
	if waits := sl.all(); len(waits) != 26 || slices.ContainsFunc(waits, func(d time.Duration) bool { return d != time.Second }) {
		t.Errorf("waits=%v, want 26 waits of 1s", waits)
	}
}

func testSendRateLimited(t *testing.T) {
	a, fake, sl := newSendAdapter(t)
	fake.fail(failure{status: 429, retryAfter: "7"}, failure{status: 429})
	head, _ := dailyPosts(t, 0)
	sent, err := a.Send(context.Background(), "C1", "", head)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(fake.messages()); got != 1 {
		t.Fatalf("%d messages, want exactly 1", got)
	}
	if len(sent.IDs) != 1 || sent.IDs[0] != fake.messages()[0].ts {
		t.Errorf("IDs=%v, want the posted message", sent.IDs)
	}
	if waits := sl.all(); !slices.Contains(waits, 7*time.Second) {
		t.Errorf("waits=%v, want Retry-After 7s honoured", waits)
	}
	if got := fake.calls("conversations.history"); got != 0 {
		t.Errorf("%d history reads: a 429 needs no look", got)
	}
}

func testSendServerErrorAfterPosting(t *testing.T) {
	a, fake, _ := newSendAdapter(t)
	fake.fail(failure{status: 500, keep: true})
	head, items := dailyPosts(t, 1)
	sent, err := a.Send(context.Background(), "C1", "", head)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(fake.messages()); got != 1 {
		t.Fatalf("%d messages, want exactly 1 (no duplicate after a 5xx)", got)
	}
	if sent.IDs[0] != fake.messages()[0].ts || sent.Thread != sent.IDs[0] {
		t.Errorf("Sent=%+v, want the message Slack kept", sent)
	}
	fake.fail(failure{status: 503, keep: true})
	if _, err := a.Send(context.Background(), "C1", sent.Thread, items[0]); err != nil {
		t.Fatal(err)
	}
	if got := len(fake.messages()); got != 2 || fake.calls("conversations.replies") != 1 {
		t.Fatalf("%d messages after a 5xx in a thread, want 2, found through the thread", got)
	}
}

func testSendServerErrorNotPosted(t *testing.T) {
	a, fake, _ := newSendAdapter(t)
	fake.fail(failure{status: 500}, failure{status: 502})
	head, _ := dailyPosts(t, 0)
	if _, err := a.Send(context.Background(), "C1", "", head); err != nil {
		t.Fatal(err)
	}
	if got, calls := len(fake.messages()), fake.calls("chat.postMessage"); got != 1 || calls != 3 {
		t.Fatalf("%d messages in %d calls, want 1 in 3", got, calls)
	}
}

func testSendServerDown(t *testing.T) {
	a, fake, _ := newSendAdapter(t)
	fake.fail(slices.Repeat([]failure{{status: 500}}, 10)...)
	head, _ := dailyPosts(t, 0)
	if _, err := a.Send(context.Background(), "C1", "", head); err == nil {
		t.Fatal("Send succeeded against a server that always fails")
	}
	if got := fake.calls("chat.postMessage"); got != 1+maxServerRetries {
		t.Errorf("%d attempts, want %d", got, 1+maxServerRetries)
	}
}

func testSendCancelled(t *testing.T) {
	a, fake, _ := newSendAdapter(t)
	fake.fail(failure{status: 429, retryAfter: "30"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	head, _ := dailyPosts(t, 0)
	if _, err := a.Send(ctx, "C1", "", head); err == nil {
		t.Fatal("Send succeeded with a cancelled context")
	}
	if got := len(fake.messages()); got != 0 {
		t.Errorf("%d messages", got)
	}
}

func TestFind(t *testing.T) {
	ctx := context.Background()
	a, fake, _ := newSendAdapter(t)
	head, items := dailyPosts(t, 2)
	fake.addForeign("C1", head.Key)
	if _, ok, err := a.Find(ctx, "C1", "", head.Key); ok || err != nil {
		t.Fatalf("Find matched another app's message: %v, %v", ok, err)
	}
	sent, err := a.Send(ctx, "C1", "", head)
	if err != nil {
		t.Fatal(err)
	}
	item, err := a.Send(ctx, "C1", sent.Thread, items[1])
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := a.Find(ctx, "C1", "", head.Key)
	if err != nil || !ok || !slices.Equal(got.IDs, sent.IDs) || got.Thread != sent.Thread {
		t.Errorf("Find(header)=%+v, %v, %v; want %+v", got, ok, err, sent)
	}
	got, ok, err = a.Find(ctx, "C1", sent.Thread, items[1].Key)
	if err != nil || !ok || !slices.Equal(got.IDs, item.IDs) {
		t.Errorf("Find(item)=%+v, %v, %v; want %+v", got, ok, err, item)
	}
	if _, ok, _ := a.Find(ctx, "C1", sent.Thread, items[0].Key); ok {
		t.Error("Find found a post never sent")
	}
	if _, ok, _ := a.Find(ctx, "C2", "", head.Key); ok {
		t.Error("Find found a post in another channel")
	}
	if got := fake.calls("auth.test"); got != 1 {
		t.Errorf("auth.test called %d times, want once", got)
	}
}

func TestFindRetries(t *testing.T) {
	a, fake, kit := newSendAdapter(t)
	fake.readFail = []failure{{status: 429, retryAfter: "2"}, {status: 502}}
	if _, ok, err := a.Find(context.Background(), "C1", "", "paperboy:x"); ok || err != nil {
		t.Fatalf("Find=%v, %v; want not found after the retries", ok, err)
	}
	if got, want := kit.all(), []time.Duration{2 * time.Second, time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits=%v, want %v", got, want)
	}
}

func TestSendSplit(t *testing.T) {
	ctx := context.Background()
	a, fake, _ := newSendAdapter(t)
	r, _ := hostileReply()
	p := bot.Post{Key: "paperboy:big", Reply: r, OpenThread: true}
	sent, err := a.Send(ctx, "C1", "", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.IDs) < 2 || sent.Thread != sent.IDs[0] {
		t.Fatalf("Sent=%+v, want several messages", sent)
	}
	got, ok, err := a.Find(ctx, "C1", "", p.Key)
	if err != nil || !ok || !slices.Equal(got.IDs, sent.IDs) {
		t.Errorf("Find=%+v, %v, %v; want every part %v", got, ok, err, sent.IDs)
	}
	for _, m := range fake.messages() {
		if !strings.Contains(m.form.Get("metadata"), `"key":"paperboy:big"`) {
			t.Errorf("part without the key: %s", m.form.Get("metadata"))
		}
	}

	// An interrupted send: the first part landed, the rest did not. Find
	// must not call that delivered, and Send must post only the rest.
	b, fake2, _ := newSendAdapter(t)
	fake2.fail(failure{}, failure{status: 400})
	if _, err := b.Send(ctx, "C1", "", p); err == nil {
		t.Fatal("Send succeeded with a part refused")
	}
	if _, ok, _ := b.Find(ctx, "C1", "", p.Key); ok {
		t.Error("Find took a partly sent post for a whole one")
	}
	again, err := b.Send(ctx, "C1", "", p)
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake2.messages()
	if len(msgs) != len(sent.IDs) || again.IDs[0] != msgs[0].ts {
		t.Errorf("%d messages after resuming, want %d with the first kept", len(msgs), len(sent.IDs))
	}
}
