package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"paperboy/bot/bottest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// socketEnv is an adapter in Socket Mode, connected to a slacktest server
// whose Web API methods are the fake's.
type socketEnv struct {
	a    *Adapter
	ts   *slacktest.Server
	fake *fakeSlack
	rcv  *receiver
	rec  *bottest.Recorder
	acks chan string // frames the client wrote on the websocket
}

func newSocketEnv(t *testing.T) *socketEnv {
	t.Helper()
	e, _ := newEngine(t)
	env := &socketEnv{fake: newFakeSlack(t), rcv: newReceiver(t), rec: &bottest.Recorder{Next: e}, acks: make(chan string, 100)}
	env.ts = slacktest.NewTestServer(func(c slacktest.Customize) {
		env.fake.mount(func(p string, h http.HandlerFunc) { c.Handle(p, h) })
	})
	env.ts.Start()
	t.Cleanup(env.ts.Stop)
	// slacktest hands every inbound frame to SeenFeed and blocks until it is
	// read: forward them to acks.
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		for {
			select {
			case m := <-env.ts.SeenFeed:
				env.acks <- m
			case <-stop:
				return
			}
		}
	}()
	env.a, _ = newTestAdapter(t, Config{AppToken: "xapp-1-test", APIURL: env.ts.GetAPIURL()}, env.rec)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- env.a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run=%v, want nil on cancel", err)
			}
		case <-time.After(waitLimit):
			t.Error("Run did not return after cancel")
		}
	})
	return env
}

// envelope sends a Socket Mode envelope and waits for its ack.
func (env *socketEnv) envelope(t *testing.T, id, typ string, payload any) {
	t.Helper()
	data, err := json.Marshal(map[string]any{"envelope_id": id, "type": typ, "accepts_response_payload": typ == "slash_commands", "payload": payload})
	if err != nil {
		t.Fatal(err)
	}
	env.ts.SendToWebsocket(string(data))
	for {
		select {
		case m := <-env.acks:
			var ack struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal([]byte(m), &ack) == nil && ack.EnvelopeID == id {
				return
			}
		case <-time.After(waitLimit):
			t.Fatalf("envelope %s was not acknowledged", id)
		}
	}
}

func (env *socketEnv) press(actionID, value string) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": map[string]string{"id": "U1"}, "channel": map[string]string{"id": "C1"},
		"response_url": env.rcv.URL(), "trigger_id": "t2",
		"container": map[string]any{"type": "message", "message_ts": "1.2", "channel_id": "C1", "is_ephemeral": true},
		"actions":   []map[string]string{{"type": "button", "action_id": actionID, "block_id": "card-1", "value": value, "action_ts": fmt.Sprint(time.Now().UnixNano())}},
	}
}

func TestSocketMode(t *testing.T) {
	env := newSocketEnv(t)
	env.envelope(t, "env-1", "slash_commands", map[string]any{
		"command": "/papers", "text": "search   Agent", "channel_id": "C1", "user_id": "U1",
		"response_url": env.rcv.URL(), "trigger_id": "t1",
	})
	results := env.rcv.next()
	if text := allText(results); !strings.Contains(text, "Search: Agent") || !strings.Contains(text, "Agent Lightning") {
		t.Fatalf("want search results, got %.300s", text)
	}
	tldr := buttons(results, actionTLDR)
	if len(tldr) == 0 {
		t.Fatal("results have no TL;DR button")
	}

	env.envelope(t, "env-2", "interactive", env.press(actionTLDR, tldr[0]))
	if text := allText(env.rcv.next()); !strings.Contains(text, "A fine summary of the paper.") {
		t.Errorf("want the TL;DR, got %.300s", text)
	}

	env.envelope(t, "env-3", "interactive", env.press(actionTLDR, "pb1 run 0 rm -rf /"))
	if text := allText(env.rcv.next()); !strings.Contains(text, "That button is no longer valid") {
		t.Errorf("want a polite error for a garbled button, got %.300s", text)
	}

	env.envelope(t, "env-4", "interactive", env.press(actionShare, buttons(results, actionShare)[0]))
	env.envelope(t, "env-5", "events_api", map[string]any{"type": "event_callback", "event": map[string]any{"type": "app_mention"}})

	inbound := strings.Join(env.ts.GetSeenInboundMessages(), "\n")
	for _, id := range []string{"env-1", "env-2", "env-3", "env-4", "env-5"} {
		if !strings.Contains(inbound, `"envelope_id":"`+id+`"`) {
			t.Errorf("no ack for %s among %s", id, inbound)
		}
	}
	// The share's ack comes before its work starts: wait for it (bounded)
	// before shutting down, which refuses work not yet started.
	for deadline := time.Now().Add(waitLimit); len(env.rec.Commands()) < 3 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if got := len(env.rec.Commands()); got != 3 {
		t.Errorf("%d commands ran, want search, tldr and the shared search", got)
	}
	env.a.shutdown() // let the share finish
	msgs := env.fake.messages()
	if len(msgs) != 1 || msgs[0].channel != "C1" {
		t.Fatalf("want one shared post in C1, got %d", len(msgs))
	}
	if !slices.Contains([]string{"false"}, msgs[0].form.Get("unfurl_links")) {
		t.Error("shared post unfurls links")
	}
}
