package store_test

import (
	"testing"
	"time"

	"paperboy/bot"
)

// TestDB_Renew checks that a renewal moves the claim's end and that only
// the current claim can renew.
func TestDB_Renew(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			d := mustClaim(t, db, testKey, "a")
			advance(db, lease-time.Second)
			until := db.Now().Add(lease)
			if err := db.Renew(ctx, d.Claim(), until); err != nil {
				t.Fatal(err)
			}
			got := mustDelivery(t, db, testKey)
			if !got.ClaimedUntil.Equal(until) || !got.Renewed.Equal(db.Now()) || got.Token != d.Token {
				t.Fatalf("after Renew: until %v renewed %v token %d; want %v, %v, %d", got.ClaimedUntil, got.Renewed, got.Token, until, db.Now(), d.Token)
			}
			// Renewed, the claim still holds where the first lease would have run out.
			advance(db, 2*time.Second)
			_, err := db.Claim(ctx, testKey, "b", db.Now().Add(lease))
			wantCode(t, err, bot.ECONFLICT, "claim of a renewed delivery")
		})

		t.Run("ErrConflict", func(t *testing.T) {
			db := e.open(t)
			a := mustClaim(t, db, testKey, "a")
			advance(db, lease)
			b := mustClaim(t, db, testKey, "b")
			if b.Token <= a.Token {
				t.Fatalf("takeover token %d, want more than %d", b.Token, a.Token)
			}
			wantCode(t, db.Renew(ctx, a.Claim(), db.Now().Add(lease)), bot.ECONFLICT, "Renew after a takeover")
			if err := db.Finish(ctx, b.Claim(), bot.DeliverySent, "", time.Time{}); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.Renew(ctx, b.Claim(), db.Now().Add(lease)), bot.ECONFLICT, "Renew after Finish")
		})
	})
}

// TestDB_Claim_Fencing checks that an owner taken over by an earlier copy
// of itself (the same name, an older token) can no longer write.
func TestDB_Claim_Fencing(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		first := mustClaim(t, db, testKey, "a")
		advance(db, lease)
		second := mustClaim(t, db, testKey, "a")
		sent := bot.Sent{IDs: []string{"m1"}}
		wantCode(t, db.Record(ctx, first.Claim(), "h", sent), bot.ECONFLICT, "Record with the first token")
		wantCode(t, db.Finish(ctx, first.Claim(), bot.DeliverySent, "", time.Time{}), bot.ECONFLICT, "Finish with the first token")
		if err := db.Record(ctx, second.Claim(), "h", sent); err != nil {
			t.Fatal(err)
		}
		// A claim that ran out still records while nobody took it over.
		advance(db, 2*lease)
		if err := db.Record(ctx, second.Claim(), "p1", sent); err != nil {
			t.Fatalf("Record after the lease, not taken over: %v", err)
		}
	})
}

// TestDB_Claim_OwnerGone checks that a live claim is taken over at once
// when OwnerGone says its owner's process has exited, and only then.
func TestDB_Claim_OwnerGone(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		gone := map[string]bool{}
		db.OwnerGone = func(owner string) bool { return gone[owner] }
		mustClaim(t, db, testKey, "a")
		_, err := db.Claim(ctx, testKey, "b", db.Now().Add(lease))
		wantCode(t, err, bot.ECONFLICT, "claim while a lives")
		gone["a"] = true
		if d := mustClaim(t, db, testKey, "b"); d.Owner != "b" || d.Attempts != 2 {
			t.Fatalf("claim after a died: %+v, want owner b, attempt 2", d)
		}
	})
}

// TestDB_Unfinished checks that pending and failed deliveries are listed,
// oldest first, and sent ones are not.
func TestDB_Unfinished(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		k := func(date string) bot.DeliveryKey {
			return bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: date}
		}
		mustDeliver(t, db, k("2026-08-17"), "a")
		failed := mustClaim(t, db, k("2026-08-19"), "a")
		if err := db.Finish(ctx, failed.Claim(), bot.DeliveryFailed, "boom", db.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, db, k("2026-08-18"), "a")
		got, err := db.Unfinished(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Date != "2026-08-18" || got[0].State != bot.DeliveryPending ||
			got[1].Date != "2026-08-19" || got[1].State != bot.DeliveryFailed || got[1].LastError != "boom" {
			t.Fatalf("Unfinished=%+v, want 08-18 pending, then 08-19 failed", got)
		}
	})
}
