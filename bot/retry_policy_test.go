package bot_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
)

func TestRetryAfter_FractionalSeconds(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"1.5", 1500 * time.Millisecond},
		{"0.25", 250 * time.Millisecond},
		{"-1.5", 0},
		{"Inf", 0},
		{"NaN", 0},
		{"0x10", 0},
		{"1e300", 0}, // not a plain decimal
		{"999999999.5", 7 * 24 * time.Hour},
	} {
		h := http.Header{}
		h.Set("Retry-After", tc.v)
		if got := bot.RetryAfter(h, now); got != tc.want {
			t.Errorf("Retry-After %q = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestRetryAfterSeconds_OneCap(t *testing.T) {
	for _, tc := range []struct {
		secs float64
		want time.Duration
	}{
		{0, 0},
		{-3, 0},
		{math.NaN(), 0},
		{0.5, 500 * time.Millisecond},
		{60, time.Minute},
		{1e300, 7 * 24 * time.Hour},
		{math.Inf(1), 7 * 24 * time.Hour},
	} {
		if got := bot.RetryAfterSeconds(tc.secs); got != tc.want {
			t.Errorf("RetryAfterSeconds(%v) = %v, want %v", tc.secs, got, tc.want)
		}
	}
}

func TestSleep_ContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := bot.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := bot.Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep(0) on a cancelled context = %v, want context.Canceled", err)
	}
	if err := bot.Sleep(context.Background(), -time.Second); err != nil {
		t.Fatalf("Sleep(-1s) = %v, want nil at once", err)
	}
}

func TestNewTransport_IdleConnections(t *testing.T) {
	a, b := bot.NewTransport(), bot.NewTransport()
	if a == b || a.MaxIdleConnsPerHost != 64 || a.Proxy == nil {
		t.Fatalf("NewTransport: want a fresh copy with 64 idle connections per host and the environment's proxy")
	}
}

// TestRetry_ChatRules checks the options the chat adapters' loops need: a
// rate limit that is a wait rather than a failure, writes that may have
// landed, exact doubling and a deadline with no attempt timeout.
func TestRetry_ChatRules(t *testing.T) {
	boom := errors.New("HTTP 503")
	limited := errors.New("HTTP 429")
	policy := bot.Retry{Attempts: 2, Backoff: time.Second, MaxWait: time.Minute, NoJitter: true}
	t.Run("RateLimitNotCounted", func(t *testing.T) {
		run := runRetry(context.Background(), policy,
			bot.RateLimited(limited, 3*time.Second), bot.RateLimited(limited, 3*time.Second),
			bot.Transient(boom, 0), bot.RateLimited(limited, 0))
		if run.err != nil || run.tries != 5 {
			t.Fatalf("run=%+v, want success on the fifth try: three 429s do not count", run)
		}
		if got, want := run.waits, []time.Duration{3 * time.Second, 3 * time.Second, time.Second, time.Second}; !slices.Equal(got, want) {
			t.Fatalf("waits=%v, want %v", got, want)
		}
	})
	t.Run("ErrRateLimitTooLong", func(t *testing.T) {
		run := runRetry(context.Background(), policy, bot.RateLimited(limited, 2*time.Minute))
		var re *bot.RetryError
		if !errors.As(run.err, &re) || re.Wait != 2*time.Minute || len(run.waits) != 0 {
			t.Fatalf("run=%+v, want no wait over MaxWait", run)
		}
	})
	t.Run("ExactDoubling", func(t *testing.T) {
		p := policy
		p.Attempts, p.MaxBackoff = 5, 4*time.Second
		run := runRetry(context.Background(), p, bot.Transient(boom, 0), bot.Transient(boom, 0), bot.Transient(boom, 0), bot.Transient(boom, 0))
		if got, want := run.waits, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}; run.err != nil || !slices.Equal(got, want) {
			t.Fatalf("run=%+v, want waits %v", run, want)
		}
	})
	t.Run("UncertainWriteNotRepeated", func(t *testing.T) {
		run := runRetry(context.Background(), policy, bot.Uncertain(boom))
		if run.err != boom || run.tries != 1 {
			t.Fatalf("run=%+v, want the failure as is after one try", run)
		}
	})
	t.Run("UncertainIdempotent", func(t *testing.T) {
		p := policy
		p.Idempotent = true
		run := runRetry(context.Background(), p, bot.Uncertain(boom))
		if run.err != nil || run.tries != 2 || !slices.Equal(run.waits, []time.Duration{time.Second}) {
			t.Fatalf("run=%+v, want one backoff and success", run)
		}
		run = runRetry(context.Background(), p, bot.Uncertain(boom), bot.Uncertain(boom))
		var re *bot.RetryError
		if !errors.As(run.err, &re) || re.Attempts != 2 {
			t.Fatalf("run=%+v, want a RetryError after 2 tries", run)
		}
	})
	t.Run("WithinDeadline", func(t *testing.T) {
		// The waits count against the deadline even though Sleep skips
		// them: 1 s and 2 s fit in 3.5 s, the third (4 s) would not.
		p := policy
		p.Attempts, p.WithinDeadline = 10, true
		run := runRetry(deadlineIn(t, &p, 3500*time.Millisecond), p, bot.Transient(boom, 0), bot.Transient(boom, 0), bot.Transient(boom, 0))
		if !errors.As(run.err, new(*bot.RetryError)) || run.tries != 3 || !slices.Equal(run.waits, []time.Duration{time.Second, 2 * time.Second}) {
			t.Fatalf("run=%+v, want two waits then a RetryError", run)
		}
	})
	t.Run("LimitedWaitsBoundedByCtx", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		p := policy
		n := 0
		p.OnRetry = func(int, time.Duration, error) {
			if n++; n == 3 {
				cancel()
			}
		}
		fails := make([]error, 10)
		for i := range fails {
			fails[i] = bot.RateLimited(limited, time.Second)
		}
		run := runRetry(ctx, p, fails...)
		if !errors.Is(run.err, context.Canceled) || run.tries != 3 {
			t.Fatalf("run=%+v, want context.Canceled on the third wait", run)
		}
	})
}

// deadlineIn returns a context whose deadline is left after p's clock,
// which it sets to stand still.
func deadlineIn(t *testing.T, p *bot.Retry, left time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
	t.Cleanup(cancel)
	deadline, _ := ctx.Deadline()
	p.Now = func() time.Time { return deadline.Add(-left) }
	return ctx
}

// TestBudgetName checks that a budget's name keeps the names the replicas
// of earlier versions book under, and never shows the token.
func TestBudgetName(t *testing.T) {
	got := bot.BudgetName("slack", "xoxb-secret", "chat.postMessage")
	if want := "slack:04d295529bb0efe6:chat.postMessage"; got != want {
		t.Fatalf("BudgetName=%q, want %q", got, want)
	}
	if strings.Contains(got, "secret") || got == bot.BudgetName("slack", "xoxb-other", "chat.postMessage") {
		t.Fatalf("BudgetName=%q: want a hash of the token, different per token", got)
	}
}

func TestIsHTTPURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://api.example/v1": true, "HTTP://localhost:11434": true, "http://me:pw@x.example/": true,
		"": false, "ftp://x.example": false, "https://": false, "/relative": false, "javascript:alert(1)": false, "http://[::1": false,
	} {
		if got := bot.IsHTTPURL(raw); got != want {
			t.Errorf("IsHTTPURL(%q)=%v, want %v", raw, got, want)
		}
	}
}
