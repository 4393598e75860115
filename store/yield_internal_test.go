package store

import (
	"context"
	"testing"
	"time"
)

func TestYieldWriteLock(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		since, last time.Duration // before now
		pause       bool
	}{
		{"Fresh", 0, time.Hour, false},
		{"ShortRun", time.Second, 0, false},
		{"LongRun", yieldEvery + time.Second, 0, true},
		{"PausedAnyway", yieldEvery + time.Second, yieldFor, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := &DB{}
			now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)
			var paused time.Duration
			db.bulk.now = func() time.Time { return now }
			db.bulk.sleep = func(_ context.Context, d time.Duration) error {
				paused += d
				now = now.Add(d)
				return nil
			}
			db.bulk.since, db.bulk.last = now.Add(-tt.since), now.Add(-tt.last)
			start := now
			if err := db.yieldWriteLock(ctx); err != nil {
				t.Fatal(err)
			}
			if got := paused >= yieldFor; got != tt.pause {
				t.Fatalf("paused %v, want a pause: %v", paused, tt.pause)
			}
			if tt.pause && !db.bulk.since.Equal(start.Add(yieldFor)) {
				t.Errorf("the run did not restart after the pause: since=%v", db.bulk.since)
			}
		})
	}
	t.Run("Cancelled", func(t *testing.T) {
		db := &DB{}
		now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)
		db.bulk.now = func() time.Time { return now }
		db.bulk.since, db.bulk.last = now.Add(-time.Hour), now
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := db.yieldWriteLock(ctx); err == nil {
			t.Fatal("err=nil, want the context's error")
		}
	})
}
