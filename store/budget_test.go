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

// TestReserve_SharedAcrossHandles books a budget of one request an hour
// with a burst of 2 from three store handles at once, as three replicas
// would. With an interval that long every booking queues behind the one
// before, whoever made it, so the waits are exactly the GCRA's, less the
// milliseconds the test itself takes: the burst at once, then one
// interval apart.
func TestReserve_SharedAcrossHandles(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	ctx := context.Background()
	const every, burst, per = time.Hour, 2, 4
	var mu sync.Mutex
	var waits []time.Duration
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
				waits = append(waits, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(waits) != 3*per {
		t.Fatalf("%d bookings, want %d", len(waits), 3*per)
	}
	slices.Sort(waits)
	for i, d := range waits {
		want := time.Duration(max(0, i-burst+1)) * every
		if d > want || d < want-time.Minute {
			t.Errorf("booking %d waits %v, want %v (all: %v)", i, d, want, waits)
		}
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
