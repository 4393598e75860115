package discord

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when something sleeps on it.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return ctx.Err()
}

func newTestLimiter() (*globalLimiter, *fakeClock) {
	c := &fakeClock{t: testNow}
	return &globalLimiter{now: c.now, sleep: c.sleep}, c
}

func TestGlobalLimiter_Window(t *testing.T) {
	l, c := newTestLimiter()
	var starts []time.Time
	for range 3*globalLimit + 7 {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, c.now())
	}
	for i, s := range starts {
		if i < globalLimit && !s.Equal(testNow) {
			t.Fatalf("request %d waited %v; the first %d go at once", i, s.Sub(testNow), globalLimit)
		}
		if i >= globalLimit && s.Sub(starts[i-globalLimit]) < globalWindow+globalMargin {
			t.Fatalf("requests %d and %d are %v apart: more than %d in a window", i-globalLimit, i, s.Sub(starts[i-globalLimit]), globalLimit)
		}
	}
	if got, want := starts[globalLimit].Sub(testNow), globalWindow+globalMargin; got != want {
		t.Fatalf("request %d waited %v, want %v", globalLimit, got, want)
	}
}

func TestGlobalLimiter_Pause(t *testing.T) {
	l, c := newTestLimiter()
	l.pause(300 * time.Millisecond)
	if err := l.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := c.now().Sub(testNow); got != 300*time.Millisecond {
		t.Fatalf("the request after a global 429 went after %v, want its retry_after 300ms", got)
	}
	l.pause(time.Hour)
	if !l.paused.Equal(c.now().Add(maxRetryAfter)) {
		t.Fatalf("a pause of an hour holds until %v; want at most maxRetryAfter", l.paused)
	}
}

func TestLimitedTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v9/channels/1/messages" {
			w.Header().Set("X-RateLimit-Global", "true")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"message": "You are being rate limited.", "retry_after": 0.75, "global": true}`)
			return
		}
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	l, c := newTestLimiter()
	client := &http.Client{Transport: limitedTransport{limiter: l, next: srv.Client().Transport}}

	resp, err := client.Post(srv.URL+"/api/v9/channels/1/messages", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || len(body) == 0 {
		t.Fatalf("status %d, body %q: discordgo must still read the 429", resp.StatusCode, body)
	}
	if got, want := l.paused.Sub(c.now()), 750*time.Millisecond; got != want {
		t.Fatalf("a global 429 paused requests for %v, want retry_after %v", got, want)
	}

	// Interaction answers do not count against the global limit and do not
	// wait for its pause.
	resp, err = client.Post(srv.URL+"/api/v9/interactions/5/tok/callback", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(c.sleeps) != 0 {
		t.Fatalf("an interaction answer waited %v", c.sleeps)
	}
	resp, err = client.Get(srv.URL + "/api/v9/users/@me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(c.sleeps) != 1 || c.sleeps[0] != 750*time.Millisecond {
		t.Fatalf("the next request waited %v, want the pause of 750ms", c.sleeps)
	}
}

func TestGlobalRetryAfter_RouteLimit(t *testing.T) {
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"X-Ratelimit-Scope": {"user"}},
		Body: io.NopCloser(strings.NewReader(`{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}`))}
	if d, global := globalRetryAfter(resp); global {
		t.Fatalf("a route's 429 was taken as global (%v)", d)
	}
	if body, _ := io.ReadAll(resp.Body); len(body) == 0 {
		t.Fatal("the body was not put back")
	}
}

func TestGlobalLimiter_PauseWhileWaiting(t *testing.T) {
	l, c := newTestLimiter()
	for range globalLimit {
		l.wait(context.Background())
	}
	// The next request waits for the window; a global 429 (of another
	// request) comes in meanwhile.
	paused := false
	l.sleep = func(ctx context.Context, d time.Duration) error {
		if !paused {
			paused = true
			l.pause(3 * time.Second)
		}
		return c.sleep(ctx, d)
	}
	if err := l.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := c.now().Sub(testNow); got != 3*time.Second {
		t.Fatalf("the waiting request went at +%v, want at the end of the pause, +3s", got)
	}
	// The pause began a new window: globalLimit requests from its end.
	for range globalLimit - 1 {
		l.wait(context.Background())
	}
	if got := c.now().Sub(testNow); got != 3*time.Second {
		t.Fatalf("a request of the window after the pause went at +%v", got)
	}
	l.wait(context.Background())
	if got, want := c.now().Sub(testNow), 3*time.Second+globalWindow+globalMargin; got != want {
		t.Fatalf("request %d after the pause went at +%v, want +%v", globalLimit+1, got, want)
	}
}

// fakeBudget is a shared budget that another replica fills: every booking
// waits what it says, and holds are recorded.
type fakeBudget struct {
	mu    sync.Mutex
	wait  time.Duration
	names []string
	holds []time.Duration
	err   error
}

func (b *fakeBudget) Reserve(_ context.Context, name string, every time.Duration, burst int) (time.Duration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.names = append(b.names, name)
	if every != sharedBlock*sharedEvery || burst != 1 {
		return 0, errors.New("not the global budget's terms")
	}
	return b.wait, b.err
}

func (b *fakeBudget) Hold(_ context.Context, name string, d, _ time.Duration, _ int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.holds = append(b.holds, d)
	return b.err
}

// TestGlobalLimiter_Shared checks that with a shared budget each request
// also waits its booking there, that a global 429 holds the budget for the
// other replicas, and that a budget that fails leaves the local window.
func TestGlobalLimiter_Shared(t *testing.T) {
	l, c := newTestLimiter()
	budget := &fakeBudget{wait: 40 * time.Millisecond}
	l.shared, l.name, l.log = budget, budgetName("secret-token", "global"), slog.New(slog.DiscardHandler)
	if err := l.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := c.now().Sub(testNow); got != 40*time.Millisecond {
		t.Fatalf("the request went after %v, want the shared budget's 40ms", got)
	}
	// The rest of the block booked goes one interval apart, without
	// asking the budget again.
	for i := 1; i < sharedBlock; i++ {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got, want := c.now().Sub(testNow), 40*time.Millisecond+time.Duration(i)*sharedEvery; got != want {
			t.Fatalf("request %d of the block went after %v, want %v", i, got, want)
		}
	}
	if len(budget.names) != 1 {
		t.Fatalf("%d bookings for one block, want 1", len(budget.names))
	}
	if strings.Contains(budget.names[0], "secret-token") || !strings.HasPrefix(budget.names[0], "discord:") {
		t.Fatalf("budget name %q: want discord:<hash>, without the token", budget.names[0])
	}
	l.pause(750 * time.Millisecond)
	if len(budget.holds) != 1 || budget.holds[0] != 750*time.Millisecond {
		t.Fatalf("a global 429 held the shared budget %v, want 750ms once", budget.holds)
	}
	budget.err = errors.New("database down")
	before := c.now()
	if err := l.wait(context.Background()); err != nil {
		t.Fatalf("a request with the budget down: %v, want it sent under the local window", err)
	}
	if got := c.now().Sub(before); got != 750*time.Millisecond {
		t.Fatalf("with the budget down the request waited %v, want the local pause of 750ms", got)
	}
}
