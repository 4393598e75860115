package bot_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"paperboy/bot"
)

// retryRun is what one Retry.Do did: the tries and the waits asked for.
type retryRun struct {
	tries int
	waits []time.Duration
	err   error
}

// runRetry runs r.Do over fails: the i-th try returns fails[i], and nil
// once fails runs out. Waits are recorded, not slept.
func runRetry(ctx context.Context, r bot.Retry, fails ...error) retryRun {
	var run retryRun
	r.Sleep = func(ctx context.Context, d time.Duration) error {
		run.waits = append(run.waits, d)
		return ctx.Err()
	}
	run.err = r.Do(ctx, func(attempt int) error {
		run.tries++
		if attempt != run.tries {
			panic("attempt numbers out of step")
		}
		if attempt > len(fails) {
			return nil
		}
		return fails[attempt-1]
	})
	return run
}

func TestRetry(t *testing.T) {
	boom := errors.New("HTTP 503")
	permanent := errors.New("HTTP 404")
	policy := bot.Retry{Attempts: 3, Backoff: time.Second, MaxBackoff: 10 * time.Second, MaxWait: time.Minute}
	t.Run("OK", func(t *testing.T) {
		run := runRetry(context.Background(), policy)
		if run.err != nil || run.tries != 1 || len(run.waits) != 0 {
			t.Fatalf("run=%+v, want one try and no wait", run)
		}
	})
	t.Run("PermanentNotRetried", func(t *testing.T) {
		run := runRetry(context.Background(), policy, permanent)
		if run.err != permanent || run.tries != 1 {
			t.Fatalf("run=%+v, want the error as is after one try", run)
		}
	})
	t.Run("TransientThenOK", func(t *testing.T) {
		run := runRetry(context.Background(), policy, bot.Transient(boom, 0))
		if run.err != nil || run.tries != 2 {
			t.Fatalf("run=%+v, want success on the second try", run)
		}
		if w := run.waits; len(w) != 1 || w[0] < 500*time.Millisecond || w[0] > time.Second {
			t.Fatalf("waits=%v, want one backoff in [0.5s, 1s]", w)
		}
	})
	t.Run("ErrExhausted", func(t *testing.T) {
		run := runRetry(context.Background(), policy, bot.Transient(boom, 0), bot.Transient(boom, 0), bot.Transient(boom, 0))
		var re *bot.RetryError
		if !errors.As(run.err, &re) || re.Attempts != 3 || re.Wait != 0 || !errors.Is(run.err, boom) {
			t.Fatalf("err=%v, want a RetryError after 3 tries wrapping the last failure", run.err)
		}
		if w := run.waits; len(w) != 2 || w[1] < time.Second || w[1] > 2*time.Second {
			t.Fatalf("waits=%v, want two, the second in [1s, 2s]", w)
		}
	})
	t.Run("BackoffCapped", func(t *testing.T) {
		p := policy
		p.Attempts, p.MaxBackoff = 8, 3*time.Second
		fails := make([]error, 7)
		for i := range fails {
			fails[i] = bot.Transient(boom, 0)
		}
		run := runRetry(context.Background(), p, fails...)
		for _, w := range run.waits {
			if w > 3*time.Second {
				t.Fatalf("waits=%v, want none over MaxBackoff", run.waits)
			}
		}
		if run.err != nil || len(run.waits) != 7 {
			t.Fatalf("run=%+v, want 7 waits then success", run)
		}
	})
	t.Run("RetryAfterHonoured", func(t *testing.T) {
		run := runRetry(context.Background(), policy, bot.Transient(boom, 42*time.Second))
		if run.err != nil || len(run.waits) != 1 || run.waits[0] != 42*time.Second {
			t.Fatalf("run=%+v, want one wait of exactly 42s", run)
		}
	})
	t.Run("ErrRetryAfterTooLong", func(t *testing.T) {
		run := runRetry(context.Background(), policy, bot.Transient(boom, 2*time.Minute))
		var re *bot.RetryError
		if !errors.As(run.err, &re) || re.Wait != 2*time.Minute || run.tries != 1 || len(run.waits) != 0 {
			t.Fatalf("run=%+v, want no wait and a RetryError saying 2m", run)
		}
	})
	t.Run("NoRetryThatCannotFinish", func(t *testing.T) {
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
		defer cancel()
		deadline, _ := ctx.Deadline()
		p := policy
		p.Now = func() time.Time { return deadline.Add(-5 * time.Second) } // 5 s left
		p.AttemptTimeout = 4 * time.Second
		run := runRetry(ctx, p, bot.Transient(boom, 2*time.Second))
		var re *bot.RetryError
		if !errors.As(run.err, &re) || run.tries != 1 || len(run.waits) != 0 {
			t.Fatalf("run=%+v, want no retry: 2s wait + 4s try do not fit in 5s", run)
		}
		p.AttemptTimeout = 3 * time.Second
		run = runRetry(ctx, p, bot.Transient(boom, 2*time.Second))
		if run.err != nil || run.tries != 2 {
			t.Fatalf("run=%+v, want a retry: 2s wait + 3s try fit in 5s", run)
		}
	})
	t.Run("ErrCanceledWhileWaiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		p := policy
		p.OnRetry = func(int, time.Duration, error) { cancel() }
		run := runRetry(ctx, p, bot.Transient(boom, 0), bot.Transient(boom, 0))
		if !errors.Is(run.err, context.Canceled) || run.tries != 1 {
			t.Fatalf("run=%+v, want context.Canceled after one try", run)
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header []string
		want   time.Duration
	}{
		{"None", nil, 0},
		{"Seconds", []string{"Retry-After", " 7 "}, 7 * time.Second},
		{"Zero", []string{"Retry-After", "0"}, 0},
		{"Negative", []string{"Retry-After", "-5"}, 0},
		{"Garbage", []string{"Retry-After", "soon"}, 0},
		{"Date", []string{"Retry-After", now.Add(30 * time.Second).Format(http.TimeFormat)}, 30 * time.Second},
		{"PastDate", []string{"Retry-After", now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"Huge", []string{"Retry-After", "99999999999999999999999"}, 7 * 24 * time.Hour},
		{"Large", []string{"Retry-After", "9223372036"}, 7 * 24 * time.Hour},
		{"Milliseconds", []string{"Retry-After-Ms", "1500", "Retry-After", "2"}, 1500 * time.Millisecond},
		{"MillisecondsHuge", []string{"Retry-After-Ms", "1e300"}, 7 * 24 * time.Hour},
		{"MillisecondsBadFallsBack", []string{"Retry-After-Ms", "x", "Retry-After", "2"}, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(tt.header); i += 2 {
				h.Set(tt.header[i], tt.header[i+1])
			}
			if got := bot.RetryAfter(h, now); got != tt.want {
				t.Fatalf("RetryAfter(%v)=%v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestRetryableStatus(t *testing.T) {
	for code, want := range map[int]bool{200: false, 400: false, 401: false, 404: false, 429: true, 500: true, 502: true, 503: true} {
		if got := bot.RetryableStatus(code); got != want {
			t.Errorf("RetryableStatus(%d)=%v, want %v", code, got, want)
		}
	}
}
