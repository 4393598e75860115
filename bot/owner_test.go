package bot_test

import (
	"testing"
	"time"

	"paperboy/bot"
)

func TestParseOwner(t *testing.T) {
	start := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	owner := bot.NewOwner("box:1", 4242, start, "b1-4026531836")
	host, pid, scope, ok := bot.ParseOwner(owner)
	if !ok || host != "box:1" || pid != 4242 || scope != "b1-4026531836" {
		t.Fatalf("ParseOwner(%q) = %q, %d, %q, %v", owner, host, pid, scope, ok)
	}
	if got, want := bot.OwnerName(owner), "box:1/4242"; got != want {
		t.Fatalf("OwnerName=%q, want %q", got, want)
	}
	for _, bad := range []string{"", "proc-a", "h:x:y:z", "h:0:y:z"} {
		if _, _, _, ok := bot.ParseOwner(bad); ok {
			t.Errorf("ParseOwner(%q) ok, want false", bad)
		}
		if got := bot.OwnerName(bad); got != bad {
			t.Errorf("OwnerName(%q)=%q, want it unchanged", bad, got)
		}
	}
}
