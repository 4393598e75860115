package bot_test

import (
	"context"
	"errors"
	"math"
	"net/http"
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
