package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"paperboy/store"
)

// TestDB_AcquireLock checks the gateway lock on PostgreSQL: one holder at a
// time across replicas, handed over on Release and when the holder's
// process dies (its database session ends), and Lost when the holder's
// session is cut.
func TestDB_AcquireLock(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		a, b := mustOpenPath(t, dsn), mustOpenPath(t, dsn)
		for _, db := range []*store.DB{a, b} {
			store.SetLockTiming(db, 50*time.Millisecond, 200*time.Millisecond)
		}
		la, err := a.AcquireLock(ctx, "discord-gateway")
		if err != nil {
			t.Fatal(err)
		}
		if !e.pg() {
			// SQLite: granted at once to everyone, never lost.
			lb, err := b.AcquireLock(ctx, "discord-gateway")
			if err != nil {
				t.Fatal(err)
			}
			if err := errors.Join(la.Release(), lb.Release()); err != nil {
				t.Fatal(err)
			}
			return
		}
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if _, err := b.AcquireLock(short, "discord-gateway"); err == nil {
			t.Fatal("a second replica got the lock while the first holds it")
		}
		if lo, err := b.AcquireLock(ctx, "other"); err != nil {
			t.Fatalf("another lock name: %v", err)
		} else if err := lo.Release(); err != nil {
			t.Fatal(err)
		}

		// Release hands it over within one poll.
		got := make(chan *store.Lock, 1)
		go func() {
			l, err := b.AcquireLock(ctx, "discord-gateway")
			if err != nil {
				t.Error(err)
			}
			got <- l
		}()
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		if err := la.Release(); err != nil {
			t.Fatal(err)
		}
		lb := <-got
		if waited := time.Since(start); waited > 3*time.Second {
			t.Fatalf("takeover after release took %v", waited)
		}

		// A holder whose session ends (the process died) frees the lock;
		// the holder, if alive, sees Lost.
		raw := rawDB(t, dsn)
		if _, err := raw.Exec(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted`); err != nil {
			t.Fatal(err)
		}
		select {
		case <-lb.Lost():
		case <-time.After(8 * time.Second):
			t.Fatal("the holder did not see its lock lost")
		}
		lb.Release() // its connection is gone: the error is expected
		c := mustOpenPath(t, dsn)
		lc, err := c.AcquireLock(ctx, "discord-gateway")
		if err != nil {
			t.Fatal(err)
		}
		if err := lc.Release(); err != nil {
			t.Fatal(err)
		}
	})
}
