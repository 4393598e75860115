package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"paperboy/store"
	"paperboy/store/pgtest"
)

// TestReserve_SharedAcrossHandles books a budget of one request every
// 100 ms with a burst of 2 from three store handles at once, as three
// replicas would: whoever made them, no more than the burst start within
// one interval (GCRA's guarantee), and all of them span their intervals. A start is when the booking returned
// plus its wait; the slack of 20 ms is for the server's answer to arrive.
func TestReserve_SharedAcrossHandles(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	ctx := context.Background()
	const every, burst, per = 100 * time.Millisecond, 2, 4
	var mu sync.Mutex
	var starts []time.Time
	var wg sync.WaitGroup
	for range 3 {
		db, err := store.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Go(func() {
			for range per {
				d, err := db.Reserve(ctx, "discord:test:global", every, burst)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				starts = append(starts, time.Now().Add(d))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(starts) != 3*per {
		t.Fatalf("%d bookings, want %d", len(starts), 3*per)
	}
	slices.SortFunc(starts, time.Time.Compare)
	for i := 0; i+burst < len(starts); i++ {
		if gap := starts[i+burst].Sub(starts[i]); gap < every-20*time.Millisecond {
			t.Errorf("bookings %d and %d start %v apart, want at least %v", i, i+burst, gap, every)
		}
	}
	if span := starts[len(starts)-1].Sub(starts[0]); span < (3*per-burst)*every-20*time.Millisecond {
		t.Errorf("%d bookings span %v, want at least %v", len(starts), span, (3*per-burst)*every)
	}
}

// TestHold_PausesEveryone checks that a Hold (a 429's Retry-After) makes
// the next booking from another handle wait it out, and that SQLite books
// everything at once.
func TestHold_PausesEveryone(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	ctx := context.Background()
	a, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Hold(ctx, "slack:test:chat.postMessage", 5*time.Second, 0, 1); err != nil {
		t.Fatal(err)
	}
	d, err := b.Reserve(ctx, "slack:test:chat.postMessage", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d < 4*time.Second || d > 5*time.Second {
		t.Fatalf("after a 5 s hold the next booking waits %v, want about 5 s", d)
	}
	lite, err := store.Open(t.TempDir() + "/p.db")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	for range 3 {
		if d, err := lite.Reserve(ctx, "x", time.Hour, 1); err != nil || d != 0 {
			t.Fatalf("SQLite booking: %v %v, want none", d, err)
		}
	}
}
