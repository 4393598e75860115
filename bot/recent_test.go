package bot_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"paperboy/bot"
)

func TestRecentKeys(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)
	c := &bot.RecentKeys{Now: func() time.Time { return now }}
	seen := func(key string, until time.Time) bool {
		t.Helper()
		ok, err := c.Seen(ctx, key, until)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if seen("a", now.Add(time.Minute)) {
		t.Fatal("a new key was seen")
	}
	if !seen("a", now.Add(time.Minute)) {
		t.Fatal("a repeated key was not seen")
	}
	now = now.Add(time.Minute)
	if seen("a", now.Add(time.Minute)) {
		t.Fatal("an expired key was seen")
	}
	// A flood of distinct keys stays bounded and keeps the newest.
	for i := range 60000 {
		seen(strconv.Itoa(i), now.Add(time.Duration(i)*time.Millisecond+time.Second))
	}
	if !seen("59999", now.Add(time.Hour)) {
		t.Fatal("the newest key was forgotten")
	}
	if seen("0", now.Add(time.Hour)) {
		t.Fatal("the key closest to expiry was kept past the bound")
	}
}
