package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
)

// lease is how long the tests' claims hold.
const lease = 10 * time.Minute

// testKey is the delivery most tests use.
var testKey = bot.DeliveryKey{Platform: "discord", Channel: "123", Date: "2026-08-19"}

// mustClaim claims k for owner for a lease and fails the test on an error.
func mustClaim(tb testing.TB, db *store.DB, k bot.DeliveryKey, owner string) bot.Delivery {
	tb.Helper()
	d, err := db.Claim(ctx, k, owner, db.Now().Add(lease))
	if err != nil {
		tb.Fatalf("Claim(%v, %s): %v", k, owner, err)
	}
	return d
}

// claimOf is owner's claim on k as the row names it now: the current
// fencing token, or 0 when there is no row.
func claimOf(db *store.DB, k bot.DeliveryKey, owner string) bot.Claim {
	d, _ := db.Delivery(ctx, k)
	return bot.Claim{DeliveryKey: k, Owner: owner, Token: d.Token}
}

// mustRecord records item for owner and fails the test on an error.
func mustRecord(tb testing.TB, db *store.DB, k bot.DeliveryKey, owner, item string, sent bot.Sent) {
	tb.Helper()
	if err := db.Record(ctx, claimOf(db, k, owner), item, sent); err != nil {
		tb.Fatalf("Record(%v, %s, %s): %v", k, owner, item, err)
	}
}

// mustDeliver claims k for owner, records a header and finishes it sent.
func mustDeliver(tb testing.TB, db *store.DB, k bot.DeliveryKey, owner string) {
	tb.Helper()
	mustClaim(tb, db, k, owner)
	mustRecord(tb, db, k, owner, "paperboy:"+k.Date, bot.Sent{IDs: []string{"m1"}, Thread: "t1"})
	if err := db.Finish(ctx, claimOf(db, k, owner), bot.DeliverySent, "", time.Time{}); err != nil {
		tb.Fatal(err)
	}
}

// mustDelivery returns the row for k and fails the test on an error.
func mustDelivery(tb testing.TB, db *store.DB, k bot.DeliveryKey) bot.Delivery {
	tb.Helper()
	d, err := db.Delivery(ctx, k)
	if err != nil {
		tb.Fatalf("Delivery(%v): %v", k, err)
	}
	return d
}

// advance moves db's clock forward by d.
func advance(db *store.DB, d time.Duration) {
	now := db.Now().Add(d)
	db.Now = func() time.Time { return now }
}

// wantCode fails the test unless err has the code.
func wantCode(tb testing.TB, err error, code, what string) {
	tb.Helper()
	if got := bot.ErrorCode(err); got != code {
		tb.Fatalf("%s: err=%v (code %q), want code %q", what, err, got, code)
	}
}

func TestDB_Claim(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			now := db.Now()
			got := mustClaim(t, db, testKey, "a")
			want := bot.Delivery{DeliveryKey: testKey, State: bot.DeliveryPending, Owner: "a",
				ClaimedUntil: now.Add(lease), Renewed: now, Token: 1, Attempts: 1, Items: map[string][]string{}, Updated: now}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Claim=%+v\nwant  %+v", got, want)
			}
			if stored := mustDelivery(t, db, testKey); !reflect.DeepEqual(stored, want) {
				t.Fatalf("Delivery=%+v\nwant     %+v", stored, want)
			}
		})

		t.Run("Sent", func(t *testing.T) {
			db := e.open(t)
			mustDeliver(t, db, testKey, "a")
			before := mustDelivery(t, db, testKey)
			advance(db, time.Hour)
			got, err := db.Claim(ctx, testKey, "b", db.Now().Add(lease))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, before) {
				t.Fatalf("Claim of a sent delivery=%+v\nwant it unchanged: %+v", got, before)
			}
			if after := mustDelivery(t, db, testKey); !reflect.DeepEqual(after, before) {
				t.Fatalf("row changed by the claim of a sent delivery:\n%+v\n%+v", before, after)
			}
		})

		t.Run("ErrConflict", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			advance(db, lease-time.Second)
			_, err := db.Claim(ctx, testKey, "b", db.Now().Add(lease))
			wantCode(t, err, bot.ECONFLICT, "second owner's claim")
			if got, want := bot.ErrorMessage(err), "Another paperboy process (a) is delivering 2026-08-19 to discord channel 123."; got != want {
				t.Errorf("message=%q, want %q", got, want)
			}
			if d := mustDelivery(t, db, testKey); d.Owner != "a" || d.Attempts != 1 {
				t.Fatalf("row after a refused claim: owner %q, attempts %d; want a, 1", d.Owner, d.Attempts)
			}
		})

		t.Run("SameOwner", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			if d := mustClaim(t, db, testKey, "a"); d.Attempts != 2 || d.Owner != "a" {
				t.Fatalf("second claim by the owner: attempts %d, owner %q; want 2, a", d.Attempts, d.Owner)
			}
		})

	})
}

// TestDB_Claim_Takeover checks claims of a delivery whose last attempt
// ended without sending it: by lease expiry or as failed.
func TestDB_Claim_Takeover(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("LeaseExpired", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			mustRecord(t, db, testKey, "a", "h", bot.Sent{IDs: []string{"m1"}, Thread: "t1"})
			advance(db, lease)
			d := mustClaim(t, db, testKey, "b")
			want := map[string][]string{"h": {"m1"}}
			if d.Owner != "b" || d.Attempts != 2 || d.Thread != "t1" || !reflect.DeepEqual(d.Items, want) {
				t.Fatalf("takeover=%+v, want owner b, attempts 2, thread t1, items %v", d, want)
			}
			wantCode(t, db.Record(ctx, claimOf(db, testKey, "a"), "p1", bot.Sent{IDs: []string{"m2"}}), bot.ECONFLICT, "Record by the old owner")
			wantCode(t, db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliverySent, "", time.Time{}), bot.ECONFLICT, "Finish by the old owner")
			if d := mustDelivery(t, db, testKey); d.Owner != "b" || len(d.Items) != 1 {
				t.Fatalf("row after the old owner's calls: %+v", d)
			}
		})

		t.Run("AfterFailed", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			next := db.Now().Add(time.Hour)
			if err := db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliveryFailed, "boom", next); err != nil {
				t.Fatal(err)
			}
			d := mustClaim(t, db, testKey, "b") // no lease left to wait for
			if d.State != bot.DeliveryPending || d.Attempts != 2 || d.LastError != "boom" || !d.NextRetry.Equal(next) {
				t.Fatalf("claim after a failure=%+v, want pending, attempts 2, the last error and retry kept", d)
			}
		})

	})
}

func TestDB_Claim_ErrInvalid(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		until := db.Now().Add(lease)
		tests := []struct {
			name  string
			k     bot.DeliveryKey
			owner string
			until time.Time
		}{
			{"NoPlatform", bot.DeliveryKey{Channel: "1", Date: "2026-08-19"}, "a", until},
			{"NoChannel", bot.DeliveryKey{Platform: "slack", Date: "2026-08-19"}, "a", until},
			{"BadDate", bot.DeliveryKey{Platform: "slack", Channel: "1", Date: "19.08.2026"}, "a", until},
			{"NoOwner", testKey, "", until},
			{"PastUntil", testKey, "a", db.Now()},
			{"SubMillisecondUntil", testKey, "a", db.Now().Add(500 * time.Microsecond)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.Claim(ctx, tt.k, tt.owner, tt.until)
				wantCode(t, err, bot.EINVALID, "Claim")
			})
		}
		if _, err := db.Delivery(ctx, testKey); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("invalid claims left a row: err=%v", err)
		}
	})
}

func TestDB_Record(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			mustRecord(t, db, testKey, "a", "h", bot.Sent{IDs: []string{"m1"}, Thread: "t1"})
			mustRecord(t, db, testKey, "a", "p1", bot.Sent{IDs: []string{"m2", "m3"}})
			mustRecord(t, db, testKey, "a", "p2", bot.Sent{IDs: []string{"m4"}})
			mustRecord(t, db, testKey, "a", "p2", bot.Sent{IDs: []string{"m5"}}) // replaces
			d := mustDelivery(t, db, testKey)
			want := map[string][]string{"h": {"m1"}, "p1": {"m2", "m3"}, "p2": {"m5"}}
			if !reflect.DeepEqual(d.Items, want) {
				t.Errorf("Items=%v, want %v", d.Items, want)
			}
			if d.Thread != "t1" {
				t.Errorf("Thread=%q, want t1 (posts without a thread keep it)", d.Thread)
			}
		})

		t.Run("ErrConflict", func(t *testing.T) {
			db := e.open(t)
			sent := bot.Sent{IDs: []string{"m1"}}
			wantCode(t, db.Record(ctx, claimOf(db, testKey, "a"), "h", sent), bot.ECONFLICT, "Record without a row")
			mustClaim(t, db, testKey, "a")
			wantCode(t, db.Record(ctx, claimOf(db, testKey, "b"), "h", sent), bot.ECONFLICT, "Record by a non-owner")
			if d := mustDelivery(t, db, testKey); len(d.Items) != 0 {
				t.Fatalf("Items=%v after refused records, want none", d.Items)
			}
			stale := claimOf(db, testKey, "a")
			stale.Token--
			wantCode(t, db.Record(ctx, stale, "h", sent), bot.ECONFLICT, "Record with a stale token")
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			wantCode(t, db.Record(ctx, claimOf(db, testKey, "a"), "", bot.Sent{}), bot.EINVALID, "Record without an item")
			wantCode(t, db.Record(ctx, claimOf(db, testKey, ""), "h", bot.Sent{}), bot.EINVALID, "Record without an owner")
		})
	})
}

func TestDB_Finish(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("Sent", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			if err := db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliveryFailed, "boom", db.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			mustClaim(t, db, testKey, "a")
			mustRecord(t, db, testKey, "a", "h", bot.Sent{IDs: []string{"m1"}})
			advance(db, time.Minute)
			if err := db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliverySent, "ignored", db.Now()); err != nil {
				t.Fatal(err)
			}
			got := mustDelivery(t, db, testKey)
			want := bot.Delivery{DeliveryKey: testKey, State: bot.DeliverySent, Attempts: 2, Token: 2,
				Items: map[string][]string{"h": {"m1"}}, Updated: db.Now()}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Delivery=%+v\nwant     %+v", got, want)
			}
		})

		t.Run("Failed", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			next := db.Now().Add(time.Hour)
			long := strings.Repeat("é", 600)
			if err := db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliveryFailed, long, next); err != nil {
				t.Fatal(err)
			}
			d := mustDelivery(t, db, testKey)
			if d.State != bot.DeliveryFailed || d.Owner != "" || !d.ClaimedUntil.IsZero() || !d.NextRetry.Equal(next) {
				t.Fatalf("Delivery=%+v, want failed, unowned, retry at %v", d, next)
			}
			if d.LastError != long[:2*500] {
				t.Fatalf("LastError has %d characters, want the first 500", len([]rune(d.LastError)))
			}
		})

		t.Run("LeaseExpiredNotTaken", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			advance(db, 2*lease)
			if err := db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliverySent, "", time.Time{}); err != nil {
				t.Fatalf("Finish after the lease, nobody else claiming: %v", err)
			}
		})

	})
}

func TestDB_Finish_Err(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("ErrConflict", func(t *testing.T) {
			db := e.open(t)
			wantCode(t, db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliverySent, "", time.Time{}), bot.ECONFLICT, "Finish without a row")
			mustClaim(t, db, testKey, "a")
			wantCode(t, db.Finish(ctx, claimOf(db, testKey, "b"), bot.DeliverySent, "", time.Time{}), bot.ECONFLICT, "Finish by a non-owner")
			if err := db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliverySent, "", time.Time{}); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.Finish(ctx, claimOf(db, testKey, "a"), bot.DeliveryFailed, "x", time.Time{}), bot.ECONFLICT, "second Finish")
			if d := mustDelivery(t, db, testKey); d.State != bot.DeliverySent {
				t.Fatalf("State=%s after a refused Finish, want sent", d.State)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			db := e.open(t)
			mustClaim(t, db, testKey, "a")
			for _, state := range []string{bot.DeliveryPending, "", "done"} {
				wantCode(t, db.Finish(ctx, claimOf(db, testKey, "a"), state, "", time.Time{}), bot.EINVALID, "Finish as "+state)
			}
		})
	})
}

func TestDB_Delivery(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("ErrNotFound", func(t *testing.T) {
			db := e.open(t)
			_, err := db.Delivery(ctx, testKey)
			wantCode(t, err, bot.ENOTFOUND, "Delivery")
		})

		t.Run("KeysApart", func(t *testing.T) {
			db := e.open(t)
			mustDeliver(t, db, testKey, "a")
			for _, k := range []bot.DeliveryKey{
				{Platform: "slack", Channel: "123", Date: "2026-08-19"},
				{Platform: "discord", Channel: "124", Date: "2026-08-19"},
				{Platform: "discord", Channel: "123", Date: "2026-08-20"},
			} {
				if d := mustClaim(t, db, k, "b"); d.State != bot.DeliveryPending || len(d.Items) != 0 {
					t.Errorf("Claim(%v)=%+v, want a new pending row", k, d)
				}
			}
		})
	})
}

// TestDB_Ledger_Reopen checks that subscriptions and the ledger survive a
// close and reopen unchanged, and that a claim still holds across it.
func TestDB_Ledger_Reopen(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		path := e.dsn(t)
		db := mustOpenDBNoCleanup(t, path)
		db.Now = func() time.Time { return time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC) } // as mustOpenPath's
		sub := newSubscription("discord", "123")
		if err := db.SaveSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		mustDeliver(t, db, testKey, "a")
		live := bot.DeliveryKey{Platform: "discord", Channel: "123", Date: "2026-08-20"}
		mustClaim(t, db, live, "a")
		mustRecord(t, db, live, "a", "h", bot.Sent{IDs: []string{"x"}, Thread: "t"})
		subs, _ := db.Subscriptions(ctx)
		sent, pending := mustDelivery(t, db, testKey), mustDelivery(t, db, live)
		MustCloseDB(t, db)

		db = mustOpenPath(t, path)
		if got, err := db.Subscriptions(ctx); err != nil || !reflect.DeepEqual(got, subs) {
			t.Errorf("Subscriptions after reopen=%+v (err %v), want %+v", got, err, subs)
		}
		for _, want := range []bot.Delivery{sent, pending} {
			if got := mustDelivery(t, db, want.DeliveryKey); !reflect.DeepEqual(got, want) {
				t.Errorf("Delivery after reopen=%+v\nwant %+v", got, want)
			}
		}
		_, err := db.Claim(ctx, live, "b", db.Now().Add(lease))
		wantCode(t, err, bot.ECONFLICT, "claim of a live delivery after reopen")
		mustRecord(t, db, live, "a", "p1", bot.Sent{IDs: []string{"y"}})
	})
}

// TestMigration_Delivery checks 0002: applied once and recorded, the state
// check and the items' cascade work, and a reopen changes nothing.
func TestMigration_Delivery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paperboy.db")
	MustCloseDB(t, mustOpenDBNoCleanup(t, path))
	raw := rawDB(t, path)
	const applied = "SELECT count(*) || ' ' || max(applied_at) FROM migrations WHERE name = '0002_delivery.sql'"
	before := queryString(t, raw, applied)
	if !strings.HasPrefix(before, "1 ") {
		t.Fatalf("0002 recorded %q, want once", before)
	}
	db := mustOpenDBNoCleanup(t, path)
	db.Now = func() time.Time { return time.Now().Add(time.Hour) } // a re-run would record a new time
	MustCloseDB(t, db)
	if after := queryString(t, raw, applied); after != before {
		t.Fatalf("0002 recorded %q after reopen, want %q", after, before)
	}

	_, err := raw.Exec(`INSERT INTO deliveries (platform, channel, date, state, updated_at)
		VALUES ('slack', 'C1', '2026-08-19', 'lost', '2026-08-19T00:00:00Z')`)
	if err == nil {
		t.Error("a delivery in state lost was stored")
	}
	db = mustOpenPath(t, path)
	mustClaim(t, db, testKey, "a")
	mustRecord(t, db, testKey, "a", "h", bot.Sent{IDs: []string{"m1"}})
	if _, err := raw.Exec("DELETE FROM deliveries"); err != nil {
		t.Fatal(err)
	}
	if n := queryString(t, raw, "SELECT count(*) FROM delivery_items"); n != "0" {
		t.Errorf("%s items left after their delivery was deleted, want 0", n)
	}
}

// BenchmarkLedger measures one delivery's ledger work: Claim, Record of one
// post, Finish as sent, each its own write transaction, on new keys.
// Parallel runs GOMAXPROCS goroutines on one database; the transactions
// serialize on SQLite's write lock, so it shows the lock's overhead.
func BenchmarkLedger(b *testing.B) {
	b.Run("Serial", func(b *testing.B) {
		db := MustOpenDB(b)
		n := 0
		for b.Loop() {
			benchDeliver(b, db, n)
			n++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
	})
	b.Run("Parallel", func(b *testing.B) {
		db := MustOpenDB(b)
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				benchDeliver(b, db, int(next.Add(1)))
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
	})
}

// benchDeliver runs Claim, Record and Finish for the n-th channel.
func benchDeliver(b *testing.B, db *store.DB, n int) {
	k := bot.DeliveryKey{Platform: "slack", Channel: "C" + strconv.Itoa(n), Date: "2026-08-19"}
	if _, err := db.Claim(ctx, k, "bench", db.Now().Add(lease)); err != nil {
		b.Fatal(err)
	}
	if err := db.Record(ctx, claimOf(db, k, "bench"), "paperboy:2026-08-19", bot.Sent{IDs: []string{"1723456789.000100"}, Thread: "1723456789.000100"}); err != nil {
		b.Fatal(err)
	}
	if err := db.Finish(ctx, claimOf(db, k, "bench"), bot.DeliverySent, "", time.Time{}); err != nil {
		b.Fatal(err)
	}
}

func TestLastDelivery(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		if _, err := db.LastDelivery(ctx, "slack", "C1"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("err=%v, want ENOTFOUND", err)
		}
		for _, date := range []string{"2026-08-18", "2026-08-20", "2026-08-19"} {
			k := bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: date}
			if _, err := db.Claim(ctx, k, "me", db.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		d, err := db.LastDelivery(ctx, "slack", "C1")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := d.Date, "2026-08-20"; got != want {
			t.Fatalf("Date=%s, want %s", got, want)
		}
	})
}
