package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"paperboy/bot"
)

// dailyPosts are a day's header and two papers, as the delivery engine
// sends them.
func dailyPosts(t *testing.T) []bot.Post {
	papers := fixturePapers(t)
	posts := []bot.Post{{
		Key:        "paperboy:2026-08-19",
		Reply:      bot.Reply{Title: "Daily Papers — Wed 19 Aug 2026 · 26 papers"},
		OpenThread: true,
	}}
	for i, p := range papers[:2] {
		posts = append(posts, bot.Post{Key: "paperboy:2026-08-19:" + p.ID, Reply: bot.Reply{Cards: []bot.Card{bot.NewCard(i+1, p)}}})
	}
	return posts
}

func TestSend_Thread(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, newEngine(t))
	posts := dailyPosts(t)
	header, err := e.a.Send(ctx, "100", "", posts[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(header.IDs) != 1 || header.Thread != header.IDs[0] {
		t.Fatalf("Sent=%+v, want one message and a thread started from it", header)
	}
	th := e.f.recordedRequests("POST", "/channels/100/messages/"+header.IDs[0]+"/threads")
	if len(th) != 1 || string(th[0].Body) != `{"name":"Daily Papers — Wed 19 Aug 2026 · 26 papers","auto_archive_duration":1440}` {
		t.Fatalf("thread requests %v", th)
	}
	for _, p := range posts[1:] {
		sent, err := e.a.Send(ctx, "100", header.Thread, p)
		if err != nil || len(sent.IDs) != 1 || sent.Thread != "" {
			t.Fatalf("Send in thread: %+v, %v", sent, err)
		}
	}
	if got := len(e.f.messages(header.Thread)); got != 2 {
		t.Fatalf("thread holds %d messages, want 2", got)
	}
	e.f.checkSent(t)

	t.Run("Find", func(t *testing.T) {
		e.f.addMessage("100", &fakeMessage{Author: fakeUser{ID: "666", Username: "mallory"},
			Embeds: json.RawMessage(`[{"title":"fake","footer":{"text":"ref paperboy:2026-08-19"}}]`)})
		found, ok, err := e.a.Find(ctx, "100", "", posts[0].Key)
		if err != nil || !ok || !slices.Equal(found.IDs, header.IDs) || found.Thread != header.Thread {
			t.Fatalf("Find=%+v,%v,%v; want %+v (another user's message with the marker ignored)", found, ok, err, header)
		}
		found, ok, err = e.a.Find(ctx, "100", header.Thread, posts[2].Key)
		if err != nil || !ok || len(found.IDs) != 1 {
			t.Fatalf("Find in thread=%+v,%v,%v", found, ok, err)
		}
		if _, ok, err := e.a.Find(ctx, "100", "", "paperboy:2026-08-20"); ok || err != nil {
			t.Fatalf("Find of an unsent key=%v,%v; want false", ok, err)
		}
		if me := e.f.recordedRequests("GET", "/users/@me"); len(me) != 1 {
			t.Errorf("the bot's id was asked %d times, want once", len(me))
		}
	})
}

func TestSend_ThreadRefused(t *testing.T) {
	e := newEnv(t, newEngine(t))
	e.f.threadStatus, e.f.threadBody = http.StatusForbidden, `{"message": "Missing Permissions", "code": 50013}`
	sent, err := e.a.Send(context.Background(), "100", "", dailyPosts(t)[0])
	if err != nil || len(sent.IDs) != 1 || sent.Thread != "" {
		t.Fatalf("Send=%+v,%v; want the message, no thread, no error", sent, err)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "cannot start a thread") || !strings.Contains(logs, "discord_code=50013") {
		t.Fatalf("the reason was not logged:\n%s", logs)
	}
}

func TestSend_RateLimitStorm(t *testing.T) {
	e := newEnv(t, newEngine(t))
	// Every route answers its first four requests with a 429, the second
	// one a global one, as Discord does.
	e.f.fail = func(r *http.Request, n int) (int, string, bool) {
		if r.Method != "POST" || n > 4 {
			return 0, "", false
		}
		global := n == 2
		return http.StatusTooManyRequests, fmt.Sprintf(`{"message": "You are being rate limited.", "retry_after": 0.25, "global": %v}`, global), true
	}
	posts := dailyPosts(t)
	var wg sync.WaitGroup
	sent := make([]bot.Sent, len(posts))
	errs := make([]error, len(posts))
	for i, p := range posts {
		wg.Go(func() { sent[i], errs[i] = e.a.Send(context.Background(), "100", "", p) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	msgs := e.f.messages("100")
	if got, want := len(msgs), len(posts); got != want {
		t.Fatalf("%d messages created, want exactly %d (one per post)", got, want)
	}
	for i, s := range sent {
		if len(s.IDs) != 1 {
			t.Errorf("post %d: Sent=%+v", i, s)
		}
	}
	for _, d := range e.slept() {
		if d != 250*time.Millisecond && d != firstBackoff {
			t.Errorf("waited %v; want retry_after (250ms)", d)
		}
	}
	if len(e.slept()) < 4 {
		t.Errorf("waited %d times, want at least 4", len(e.slept()))
	}
	e.f.checkSent(t)
}

func TestSend_ServerErrors(t *testing.T) {
	post := dailyPosts(t)[1]
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, newEngine(t))
		e.f.fail = func(r *http.Request, n int) (int, string, bool) {
			return http.StatusInternalServerError, `{"message": "500: Internal Server Error", "code": 0}`, n <= 2
		}
		sent, err := e.a.Send(context.Background(), "100", "", post)
		if err != nil || len(sent.IDs) != 1 || len(e.f.messages("100")) != 1 {
			t.Fatalf("Send=%+v,%v with %d messages; want one", sent, err, len(e.f.messages("100")))
		}
		if got, want := e.slept(), []time.Duration{firstBackoff, 2 * firstBackoff}; !slices.Equal(got, want) {
			t.Errorf("waits %v, want %v", got, want)
		}
	})
	t.Run("LostResponse", func(t *testing.T) {
		// Discord made the message but the answer was lost: the retry
		// carries the same nonce and gets the same message back.
		e := newEnv(t, newEngine(t))
		e.f.lose = func(n int) int {
			if n == 1 {
				return http.StatusBadGateway
			}
			return 0
		}
		sent, err := e.a.Send(context.Background(), "100", "", post)
		reqs := e.f.recordedRequests("POST", "/channels/100/messages")
		if err != nil || len(sent.IDs) != 1 || len(reqs) != 2 || len(e.f.messages("100")) != 1 {
			t.Fatalf("Send=%+v,%v after %d requests with %d messages; want one message", sent, err, len(reqs), len(e.f.messages("100")))
		}
	})
	t.Run("ErrUnavailable", func(t *testing.T) {
		e := newEnv(t, newEngine(t))
		e.f.fail = func(r *http.Request, n int) (int, string, bool) {
			return http.StatusServiceUnavailable, `upstream connect error`, true
		}
		_, err := e.a.Send(context.Background(), "100", "", post)
		if got := statusOf(err); got != http.StatusServiceUnavailable {
			t.Fatalf("err=%v (status %d), want a 503", err, got)
		}
		if got, want := len(e.f.recordedRequests("POST", "/channels/100/messages")), maxFailures+1; got != want {
			t.Fatalf("%d attempts, want %d", got, want)
		}
		if strings.Contains(err.Error(), testToken) {
			t.Fatalf("the error shows the token: %v", err)
		}
	})
	t.Run("ErrBadRequest", func(t *testing.T) {
		e := newEnv(t, newEngine(t))
		e.f.fail = func(r *http.Request, n int) (int, string, bool) {
			return http.StatusBadRequest, `{"message": "Invalid Form Body", "code": 50035}`, true
		}
		if _, err := e.a.Send(context.Background(), "100", "", post); discordCode(err) != 50035 || len(e.slept()) != 0 {
			t.Fatalf("err=%v after %d waits; want code 50035 at once", err, len(e.slept()))
		}
	})
}

func TestSend_Cancelled(t *testing.T) {
	e := newEnv(t, newEngine(t))
	e.f.fail = func(r *http.Request, n int) (int, string, bool) {
		return http.StatusTooManyRequests, `{"message": "slow down", "retry_after": 1, "global": false}`, true
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.a.sleep = func(context.Context, time.Duration) error { cancel(); return ctx.Err() }
	if _, err := e.a.Send(ctx, "100", "", dailyPosts(t)[1]); !errors.Is(err, context.Canceled) {
		t.Fatalf("err=%v, want context.Canceled", err)
	}
}

func TestSend_KeyTooLong(t *testing.T) {
	e := newEnv(t, newEngine(t))
	if _, err := e.a.Send(context.Background(), "100", "", bot.Post{Key: strings.Repeat("k", maxKey+1)}); err == nil {
		t.Fatal("a key over maxKey was accepted")
	}
}

func TestNonce(t *testing.T) {
	a, b := nonce("paperboy:2026-08-19", 0), nonce("paperboy:2026-08-19", 1)
	if len(a) > 25 || a == b || a != nonce("paperboy:2026-08-19", 0) {
		t.Fatalf("nonces %q %q", a, b)
	}
}
