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
			now := time.Now()
			db.bulk.since, db.bulk.last = now.Add(-tt.since), now.Add(-tt.last)
			start := time.Now()
			if err := db.yieldWriteLock(ctx); err != nil {
				t.Fatal(err)
			}
			if got := time.Since(start) >= yieldFor; got != tt.pause {
				t.Fatalf("paused=%v, want %v", got, tt.pause)
			}
			if tt.pause && time.Since(db.bulk.since) > yieldFor {
				t.Errorf("the run did not restart after the pause")
			}
		})
	}
	t.Run("Cancelled", func(t *testing.T) {
		db := &DB{}
		db.bulk.since, db.bulk.last = time.Now().Add(-time.Hour), time.Now()
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := db.yieldWriteLock(ctx); err == nil {
			t.Fatal("err=nil, want the context's error")
		}
	})
}
