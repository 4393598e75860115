package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// TestInteractions_NoIDOrToken checks that an interaction Discord could not
// be answered for (discordgo's empty interaction, a garbled payload) is
// dropped: a 400 in HTTP mode, nothing in gateway mode, and no callback.
func TestInteractions_NoIDOrToken(t *testing.T) {
	for _, drop := range []string{"id", "token"} {
		t.Run("HTTP/"+drop, func(t *testing.T) {
			calls := &bottest.Recorder{Next: newEngine(t)}
			e := newEnv(t, calls)
			i := slash("search", opt("query", "agents"))
			delete(i, drop)
			w := e.post(t, i)
			e.a.work.Wait()
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", w.Code)
			}
			if n, reqs := len(calls.Commands()), e.f.recordedRequests("", ""); n != 0 || len(reqs) != 0 {
				t.Fatalf("ran %d commands and made %d REST calls, want none", n, len(reqs))
			}
			if !strings.Contains(e.logs.String(), "dropped an interaction without id or token") {
				t.Fatalf("no debug line: %s", e.logs)
			}
		})
	}
	t.Run("Gateway", func(t *testing.T) {
		calls := &bottest.Recorder{Next: newEngine(t)}
		e := newEnv(t, calls, func(c *Config) { c.Mode, c.PublicKey = ModeGateway, "" })
		// What discordgo hands over when it cannot decode INTERACTION_CREATE.
		e.a.serveGateway(context.Background(), &discordgo.Interaction{})
		if n, reqs := len(calls.Commands()), e.f.recordedRequests("", ""); n != 0 || len(reqs) != 0 {
			t.Fatalf("ran %d commands and made %d REST calls (%v), want none", n, len(reqs), reqs)
		}
		if got := strings.Count(e.logs.String(), "\n"); got != 1 {
			t.Fatalf("logged %d lines, want one debug line: %s", got, e.logs)
		}
	})
}

// TestInteractions_Replayed checks that an interaction id is answered once,
// across a restart when the Replays outlive the adapter (the store).
func TestInteractions_Replayed(t *testing.T) {
	replays := &bot.RecentKeys{Now: func() time.Time { return testNow }}
	i := slash("search", opt("query", "agents"))
	calls := &bottest.Recorder{Next: newEngine(t)}
	before := newEnv(t, calls, func(c *Config) { c.Replays = replays })
	decode(t, before.post(t, i))
	before.a.work.Wait()
	after := newEnv(t, calls, func(c *Config) { c.Replays = replays; c.PublicKey = before.a.cfg.PublicKey })
	after.priv = before.priv
	if w := after.post(t, i); w.Code != http.StatusUnauthorized {
		t.Fatalf("replay after a restart: status %d, want 401", w.Code)
	}
	after.a.work.Wait()
	if n := len(calls.Commands()); n != 1 {
		t.Fatalf("ran %d commands, want 1", n)
	}

	t.Run("Gateway", func(t *testing.T) {
		e := newEnv(t, calls, func(c *Config) { c.Mode, c.PublicKey, c.Replays = ModeGateway, "", replays })
		var in discordgo.Interaction
		if err := json.Unmarshal([]byte(mustJSON(slash("help"))), &in); err != nil {
			t.Fatal(err)
		}
		e.a.serveGateway(context.Background(), &in)
		e.a.serveGateway(context.Background(), &in) // delivered twice
		if got := len(e.f.recordedRequests("POST", "/interactions/")); got != 1 {
			t.Fatalf("%d callbacks, want 1", got)
		}
	})
	t.Run("ErrStoreDown", func(t *testing.T) {
		e := newEnv(t, calls, func(c *Config) { c.Replays = failingReplays{} })
		if w := e.post(t, slash("help")); w.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503 when replays cannot be checked", w.Code)
		}
	})
}

// failingReplays is a store that cannot be reached.
type failingReplays struct{}

func (failingReplays) Seen(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("check replay: database is locked")
}

// TestCallback_RetriesWithinWindow checks that a callback that gets 5xx is
// retried only while a retry can still land within the interaction's 3 s:
// waits of 0.5 s and 1 s fit, the next one (2 s) would not.
func TestCallback_RetriesWithinWindow(t *testing.T) {
	e := newEnv(t, newEngine(t), func(c *Config) { c.Mode, c.PublicKey = ModeGateway, "" })
	e.f.fail = func(r *http.Request, _ int) (int, string, bool) {
		return http.StatusBadGateway, `{"message": "502: Bad Gateway", "code": 0}`, strings.Contains(r.URL.Path, "/callback")
	}
	var in discordgo.Interaction
	if err := json.Unmarshal([]byte(mustJSON(slash("help"))), &in); err != nil {
		t.Fatal(err)
	}
	e.a.serveGateway(context.Background(), &in)
	if got, want := len(e.f.recordedRequests("POST", "/interactions/")), 3; got != want {
		t.Fatalf("%d callback attempts, want %d", got, want)
	}
	var total time.Duration
	for _, d := range e.slept() {
		total += d
	}
	if total >= interactionDeadline {
		t.Fatalf("waited %v between attempts (%v), want less than the %v window", total, e.slept(), interactionDeadline)
	}
}

func TestWindow(t *testing.T) {
	now := time.Date(2026, 8, 19, 9, 0, 0, 0, time.UTC)
	id := func(t time.Time) string { // a snowflake made at t
		return strconv.FormatUint((uint64(t.UnixMilli())-1420070400000)<<22, 10)
	}
	tests := []struct {
		name string
		id   string
		want time.Time
	}{
		{"OK", id(now.Add(-time.Second)), now.Add(2 * time.Second)},
		{"OldClock", id(now.Add(-time.Hour)), now.Add(interactionDeadline)},
		{"FutureClock", id(now.Add(time.Minute)), now.Add(interactionDeadline)},
		{"NotASnowflake", "x", now.Add(interactionDeadline)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := window(&discordgo.Interaction{ID: tt.id}, now); !got.Equal(tt.want) {
				t.Fatalf("window=%v, want %v", got, tt.want)
			}
		})
	}
}
