package store_test

import (
	"context"
	"testing"
	"time"
)

func TestDB_Seen(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		path := e.dsn(t)
		now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)
		db := mustOpenPath(t, path)
		db.Now = func() time.Time { return now }
		until := now.Add(5 * time.Minute)
		seen := func(db interface {
			Seen(context.Context, string, time.Time) (bool, error)
		}, key string) bool {
			t.Helper()
			ok, err := db.Seen(ctx, key, until)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}

		t.Run("OK", func(t *testing.T) {
			if seen(db, "slack:v0=aa") {
				t.Fatal("a first request was reported as seen")
			}
			if !seen(db, "slack:v0=aa") {
				t.Fatal("a replay was not reported as seen")
			}
			if seen(db, "discord:5001") {
				t.Fatal("another key was reported as seen")
			}
		})
		t.Run("SurvivesRestart", func(t *testing.T) {
			again := mustOpenPath(t, path)
			again.Now = db.Now
			if !seen(again, "slack:v0=aa") {
				t.Fatal("a replay after reopening the store was not reported as seen")
			}
		})
		t.Run("Expired", func(t *testing.T) {
			now = until // the key's expiry: it no longer counts, and is pruned
			if seen(db, "slack:v0=aa") {
				t.Fatal("an expired key was reported as seen")
			}
			raw := rawDB(t, path)
			if got, want := queryString(t, raw, "SELECT count(*) || ' ' || min(id) FROM replays"), "1 slack:v0=aa"; got != want {
				t.Fatalf("replays=%q, want %q (discord:5001 expired and pruned, slack:v0=aa recorded again)", got, want)
			}
		})
	})
}
