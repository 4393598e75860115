package slack

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestPostGate(t *testing.T) {
	k := &testKit{now: testStart}
	a := &Adapter{cfg: Config{Now: k.Now, Sleep: k.Sleep}}
	ctx := context.Background()
	// posts returns how many posts start before the first that waits, and
	// that wait.
	posts := func() (int, time.Duration) {
		n := len(k.all())
		for i := 0; ; i++ {
			if err := a.gateWait(ctx); err != nil {
				t.Fatal(err)
			}
			if w := k.all(); len(w) > n {
				return i, w[n]
			}
		}
	}

	// Before any 429 the gate holds nothing back.
	for range 40 {
		if err := a.gateWait(ctx); err != nil {
			t.Fatal(err)
		}
		a.gate.accept(k.Now())
	}
	if w := k.all(); len(w) != 0 {
		t.Fatalf("waits %v before any 429", w)
	}

	// A 429 with Retry-After 2 s: every post waits it out, then they go
	// at the 40 a second Slack accepted before it.
	a.gate.limited(k.Now(), 2*time.Second)
	a.gate.limited(k.Now(), time.Second) // a second 429 of the same burst changes nothing
	if n, w := posts(); n != 0 || w != 2*time.Second {
		t.Fatalf("%d posts, then a wait of %v; want the pause of 2s at once", n, w)
	}
	if n, w := posts(); n != 0 || w != 25*time.Millisecond {
		t.Fatalf("%d more posts, then a wait of %v; want the next 1/40 s later", n, w)
	}

	// The rate rises by a twentieth a second without a 429: 20 s on, it is
	// about twice as fast.
	k.Sleep(ctx, 20*time.Second)
	a.gateWait(ctx)
	if n, w := posts(); n != 0 || w > 13*time.Millisecond || w < 12*time.Millisecond {
		t.Fatalf("%d posts, then a wait of %v; want about 1/80 s", n, w)
	}

	// A minute without a 429 and the gate forgets the rate.
	k.Sleep(ctx, gateForget)
	n := len(k.all())
	for range 200 {
		a.gateWait(ctx)
	}
	if w := k.all(); len(w) != n {
		t.Fatalf("waits %v a minute after the last 429", w[n:])
	}
}

func TestPostGate_LearnsAtLeastOne(t *testing.T) {
	k := &testKit{now: testStart}
	a := &Adapter{cfg: Config{Now: k.Now, Sleep: k.Sleep}}
	a.gate.limited(k.Now(), time.Second) // a 429 before any post was accepted
	for range 3 {
		a.gateWait(context.Background())
	}
	if w := k.all(); len(w) != 3 || w[0] != time.Second || w[1] != time.Second || w[2] >= time.Second || w[2] < 900*time.Millisecond {
		t.Fatalf("waits %v, want the pause, then about one post a second", w)
	}
}

func TestPostGate_PauseWhileWaiting(t *testing.T) {
	k := &testKit{now: testStart}
	a := &Adapter{cfg: Config{Now: k.Now}}
	a.gate.limited(k.Now(), time.Second)
	paused := false
	a.cfg.Sleep = func(ctx context.Context, d time.Duration) error {
		if !paused { // another post's 429 comes while this one waits
			paused = true
			a.gate.limited(k.Now(), 5*time.Second)
		}
		return k.Sleep(ctx, d)
	}
	a.gateWait(context.Background())
	if got := k.Now().Sub(testStart); got != 5*time.Second {
		t.Fatalf("the post went at +%v, want at the end of the second pause, +5s", got)
	}
}

// TestSend_FeedsTheGate checks that Send reports its 429s and accepted
// posts to the gate, which then holds every channel's posts.
func TestSend_FeedsTheGate(t *testing.T) {
	a, fake, k := newSendAdapter(t)
	fake.fail(failure{status: 429, retryAfter: "3"})
	head, _ := dailyPosts(t, 0)
	start := k.Now()
	if _, err := a.Send(context.Background(), "C1", "", head); err != nil {
		t.Fatal(err)
	}
	if a.gate.limit != 1 || !a.gate.paused.Equal(start.Add(3*time.Second)) {
		t.Fatalf("after a 429 the gate allows %v a second, paused %v; want 1 and Retry-After 3s",
			a.gate.limit, a.gate.paused.Sub(start))
	}
	if len(a.gate.accepted) != 1 {
		t.Fatalf("%d accepted posts noted, want 1", len(a.gate.accepted))
	}
}

// sharedBudget is a shared budget as the store keeps it, in memory: a hold
// makes every process's next booking wait until it ends.
type sharedBudget struct {
	now   func() time.Time
	until map[string]time.Time
}

func (b *sharedBudget) Reserve(_ context.Context, name string, every time.Duration, _ int) (time.Duration, error) {
	if every != 0 {
		return 0, errors.New("posts share only pauses")
	}
	return max(0, b.until[name].Sub(b.now())), nil
}

func (b *sharedBudget) Hold(_ context.Context, name string, d, _ time.Duration, _ int) error {
	b.until[name] = b.now().Add(d)
	return nil
}

// TestPostGate_SharedPause checks that a 429 one replica gets holds the
// other replica's posts under the same token for its Retry-After, and not
// those of another token.
func TestPostGate_SharedPause(t *testing.T) {
	k := &testKit{now: testStart}
	budget := &sharedBudget{now: k.Now, until: map[string]time.Time{}}
	quiet := slog.New(slog.DiscardHandler)
	one := &Adapter{cfg: Config{Now: k.Now, Sleep: k.Sleep, Budget: budget, BotToken: "xoxb-a"}, log: quiet}
	two := &Adapter{cfg: Config{Now: k.Now, Sleep: k.Sleep, Budget: budget, BotToken: "xoxb-a"}, log: quiet}
	other := &Adapter{cfg: Config{Now: k.Now, Sleep: k.Sleep, Budget: budget, BotToken: "xoxb-b"}, log: quiet}
	one.holdShared(3 * time.Second)
	if err := other.gateWait(context.Background()); err != nil || len(k.all()) != 0 {
		t.Fatalf("another token's post waited %v (%v)", k.all(), err)
	}
	if err := two.gateWait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := k.all(); len(w) != 1 || w[0] != 3*time.Second {
		t.Fatalf("the other replica's post waited %v, want the 429's 3s", w)
	}
	for name := range budget.until {
		if strings.Contains(name, "xoxb") {
			t.Fatalf("budget name %q carries the token", name)
		}
	}
}
