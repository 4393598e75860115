package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// httpEnv is an adapter in HTTP mode over the fixture engine, with a fake
// Web API and a response_url receiver.
type httpEnv struct {
	a    *Adapter
	kit  *testKit
	fake *fakeSlack
	rcv  *receiver
	rec  *bottest.Recorder
}

func newHTTPEnv(t *testing.T, h Handler, cfg Config) *httpEnv {
	t.Helper()
	if h == nil {
		e, _ := newEngine(t)
		h = e
	}
	env := &httpEnv{fake: newFakeSlack(t), rcv: newReceiver(t), rec: &bottest.Recorder{Next: h}}
	cfg.Mode, cfg.SigningSecret, cfg.APIURL = ModeHTTP, testSecret, env.fake.start()
	env.a, env.kit = newTestAdapter(t, cfg, env.rec)
	return env
}

// signed returns a POST of form, signed as Slack signs it, at time at:
// v0=HMAC-SHA256(secret, "v0:{ts}:{body}"), computed here rather than with
// the code under test.
func signed(path string, form url.Values, secret string, at time.Time) *http.Request {
	body := form.Encode()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	stamp := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":" + body))
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return r
}

// TestVerifyKnownAnswer checks verify against the example in Slack's
// "Verifying requests from Slack" guide.
func TestVerifyKnownAnswer(t *testing.T) {
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
		"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
		"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
		"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	a, _ := newTestAdapter(t, Config{Mode: ModeHTTP, SigningSecret: testSecret}, bottest.HandlerFunc(nil))
	a.cfg.Now = func() time.Time { return time.Unix(1531420618, 0) }
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", "1531420618")
	h.Set("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
	if err := a.verify(context.Background(), h, []byte(body)); err != nil {
		t.Fatalf("verify=%v, want the documented example to pass", err)
	}
	if err := a.verify(context.Background(), h, []byte(body)); err != errReplayed {
		t.Errorf("second verify=%v, want %v", err, errReplayed)
	}
}

// slash is the form of a /papers command typed in channel C1 by user U1.
func (env *httpEnv) slash(text string) url.Values {
	return url.Values{
		"command": {"/papers"}, "text": {text}, "channel_id": {"C1"}, "user_id": {"U1"},
		"team_id": {"T1"}, "response_url": {env.rcv.URL()}, "trigger_id": {"tr-" + text},
	}
}

// press is the form of a button press on an ephemeral message.
func (env *httpEnv) press(actionID, value string) url.Values {
	cb := map[string]any{
		"type": "block_actions", "user": map[string]string{"id": "U1", "username": "ada", "name": "ada"}, "channel": map[string]string{"id": "C1"},
		"response_url": env.rcv.URL(), "trigger_id": "t2",
		"container": map[string]any{"type": "message", "message_ts": "1.2", "channel_id": "C1", "is_ephemeral": true},
		"actions":   []map[string]string{{"type": "button", "action_id": actionID, "block_id": "card-1", "value": value, "action_ts": "1787140801.1"}},
	}
	data, _ := json.Marshal(cb)
	return url.Values{"payload": {string(data)}}
}

// serve sends r to h and checks the immediate answer.
func serve(t *testing.T, h http.Handler, r *http.Request, status int) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != status {
		t.Fatalf("status %d, want %d (%s)", w.Code, status, w.Body)
	}
	if status == http.StatusOK && w.Body.Len() != 0 {
		t.Errorf("ack body %q, want empty", w.Body)
	}
}

func TestCommandsHandler(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", env.slash("  SEARCH   agent  "), testSecret, testStart), http.StatusOK)
		p := env.rcv.next()
		if p["response_type"] != "ephemeral" || p["replace_original"] != false {
			t.Errorf("response_type=%v replace_original=%v, want an ephemeral new message", p["response_type"], p["replace_original"])
		}
		if text := allText(p); !strings.Contains(text, "Search: agent") || !strings.Contains(text, "Agent Lightning") {
			t.Errorf("answer lacks the search results: %.300s", text)
		}
		if got := buttons(p, actionShare); len(got) != 1 || got[0] != "pb1 share 0 search agent" {
			t.Errorf("share buttons %v", got)
		}
		cmds := env.rec.Commands()
		if len(cmds) != 1 || cmds[0].Platform != "slack" || cmds[0].Channel != "C1" || cmds[0].User != "U1" || cmds[0].Admin {
			t.Errorf("commands %+v", cmds)
		}
	})
	t.Run("UnknownCommand", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", env.slash("frobnicate <!channel>"), testSecret, testStart), http.StatusOK)
		text := allText(env.rcv.next())
		if !strings.Contains(text, `Unknown command \"frobnicate\"`) || !strings.Contains(text, "/papers search &lt;words&gt;") {
			t.Errorf("want the error and the help, got %.400s", text)
		}
		if got := len(env.rec.Commands()); got != 0 {
			t.Errorf("handler called %d times", got)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		block := make(chan struct{})
		defer close(block)
		slow := bottest.HandlerFunc(func(context.Context, bot.Command) (bot.Reply, error) { <-block; return bot.Reply{}, nil })
		env := newHTTPEnv(t, slow, Config{ReplyTimeout: time.Millisecond})
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", env.slash("today"), testSecret, testStart), http.StatusOK)
		if text := allText(env.rcv.next()); !strings.Contains(text, "took too long") {
			t.Errorf("want a polite timeout message, got %.300s", text)
		}
	})
	t.Run("InternalError", func(t *testing.T) {
		broken := bottest.HandlerFunc(func(context.Context, bot.Command) (bot.Reply, error) {
			return bot.Reply{}, &url.Error{Op: "Get", URL: "/db/secret.db", Err: context.Canceled}
		})
		env := newHTTPEnv(t, broken, Config{})
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", env.slash("today"), testSecret, testStart), http.StatusOK)
		if text := allText(env.rcv.next()); !strings.Contains(text, "Internal error.") || strings.Contains(text, "secret.db") {
			t.Errorf("want only 'Internal error.', got %.300s", text)
		}
	})
	t.Run("Panic", func(t *testing.T) {
		// A panic answering a command is the user's "Internal error.", not
		// the end of the process (the test binary would die otherwise).
		boom := bottest.HandlerFunc(func(context.Context, bot.Command) (bot.Reply, error) { panic("boom") })
		env := newHTTPEnv(t, boom, Config{})
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", env.slash("today"), testSecret, testStart), http.StatusOK)
		if text := allText(env.rcv.next()); !strings.Contains(text, "Internal error.") {
			t.Errorf("want 'Internal error.', got %.300s", text)
		}
		if logs := env.kit.logged(); !strings.Contains(logs, "command panicked") || !strings.Contains(logs, "boom") {
			t.Errorf("the panic was not logged: %s", logs)
		}
	})
}

func TestCommandsAdmin(t *testing.T) {
	var got []bool
	h := bottest.HandlerFunc(func(_ context.Context, cmd bot.Command) (bot.Reply, error) {
		got = append(got, cmd.Admin)
		return bot.Reply{Text: "ok"}, nil
	})
	env := newHTTPEnv(t, h, Config{Admins: []string{"UCONF"}})
	env.fake.users["UADMIN"], env.fake.users["UPLAIN"] = true, false
	for _, user := range []string{"UCONF", "UADMIN", "UPLAIN", "UGONE"} {
		form := env.slash("subscribe")
		form.Set("user_id", user)
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", form, testSecret, env.kit.Now()), http.StatusOK)
		env.rcv.next()
	}
	if want := []bool{true, true, false, false}; len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("Admin=%v, want %v", got, want)
	}
	if n := env.fake.calls("users.info"); n != 3 {
		t.Errorf("users.info called %d times, want 3 (not for configured admins)", n)
	}
	t.Run("Refused", func(t *testing.T) {
		e, _ := newEngine(t)
		e.Channels = &bot.Channels{Subscriptions: &bottest.Subscriptions{}}
		env := newHTTPEnv(t, e, Config{})
		env.fake.users["UPLAIN"] = false
		form := env.slash("subscribe")
		form.Set("user_id", "UPLAIN")
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", form, testSecret, env.kit.Now()), http.StatusOK)
		want := "Only workspace admins and owners, and the users listed in slack.admins, can change this channel's subscription."
		if text := allText(env.rcv.next()); !strings.Contains(text, want) {
			t.Errorf("refusal %.300s, want %q", text, want)
		}
	})
}

func TestCommandsUnauthorized(t *testing.T) {
	tests := []struct {
		name string
		req  func(env *httpEnv) *http.Request
	}{
		{"ErrBadSignature", func(env *httpEnv) *http.Request {
			return signed("/slack/commands", env.slash("today"), "wrong-secret", testStart)
		}},
		{"ErrMissingHeaders", func(env *httpEnv) *http.Request {
			r := signed("/slack/commands", env.slash("today"), testSecret, testStart)
			r.Header.Del("X-Slack-Signature")
			return r
		}},
		{"ErrStale", func(env *httpEnv) *http.Request {
			return signed("/slack/commands", env.slash("today"), testSecret, testStart.Add(-5*time.Minute-time.Second))
		}},
		{"ErrFuture", func(env *httpEnv) *http.Request {
			return signed("/slack/commands", env.slash("today"), testSecret, testStart.Add(6*time.Minute))
		}},
		{"ErrTampered", func(env *httpEnv) *http.Request {
			r := signed("/slack/commands", env.slash("today"), testSecret, testStart)
			r.Body = http.NoBody
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newHTTPEnv(t, nil, Config{})
			serve(t, env.a.CommandsHandler(), tt.req(env), http.StatusUnauthorized)
			serve(t, env.a.InteractionsHandler(), tt.req(env), http.StatusUnauthorized)
			env.a.shutdown() // nothing may be in flight
			if n := len(env.rec.Commands()); n != 0 || len(env.rcv.got) != 0 {
				t.Errorf("a refused request ran %d commands and sent %d answers", n, len(env.rcv.got))
			}
			if logs := env.kit.logged(); strings.Contains(logs, testSecret) || !strings.Contains(logs, "refused") {
				t.Errorf("logs: %s", logs)
			}
		})
	}
	t.Run("ErrReplayed", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		form := env.slash("today")
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", form, testSecret, testStart), http.StatusOK)
		env.rcv.next()
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", form, testSecret, testStart), http.StatusUnauthorized)
		env.kit.Sleep(context.Background(), 10*time.Minute) // the same request, much later
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", form, testSecret, testStart), http.StatusUnauthorized)
		env.a.shutdown()
		if n := len(env.rec.Commands()); n != 1 {
			t.Errorf("%d commands ran, want only the first", n)
		}
	})
	t.Run("ErrReplayedAfterRestart", func(t *testing.T) {
		// Two adapters over one Replays are the same process before and
		// after a restart, with the store keeping what was answered.
		replays := &bot.RecentKeys{Now: func() time.Time { return testStart }}
		before := newHTTPEnv(t, nil, Config{Replays: replays})
		form := before.slash("today")
		serve(t, before.a.CommandsHandler(), signed("/slack/commands", form, testSecret, testStart), http.StatusOK)
		before.rcv.next()
		before.a.shutdown()
		after := newHTTPEnv(t, nil, Config{Replays: replays})
		serve(t, after.a.CommandsHandler(), signed("/slack/commands", form, testSecret, testStart), http.StatusUnauthorized)
		after.a.shutdown()
		if n := len(after.rec.Commands()); n != 0 {
			t.Errorf("the replay ran %d commands after the restart", n)
		}
	})
	t.Run("ErrStoreDown", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{Replays: failingReplays{}})
		serve(t, env.a.CommandsHandler(), signed("/slack/commands", env.slash("today"), testSecret, testStart), http.StatusServiceUnavailable)
		env.a.shutdown()
		if n := len(env.rec.Commands()); n != 0 {
			t.Errorf("an unchecked request ran %d commands", n)
		}
		if logs := env.kit.logged(); !strings.Contains(logs, "database is locked") {
			t.Errorf("the store's error was not logged: %s", logs)
		}
	})
	t.Run("ErrMethod", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		serve(t, env.a.CommandsHandler(), httptest.NewRequest(http.MethodGet, "/slack/commands", nil), http.StatusMethodNotAllowed)
	})
}

// failingReplays is a store that cannot be reached.
type failingReplays struct{}

func (failingReplays) Seen(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("check replay: database is locked")
}

// post presses a button through InteractionsHandler.
func post(t *testing.T, env *httpEnv, actionID, value string) {
	t.Helper()
	serve(t, env.a.InteractionsHandler(), signed("/slack/interactions", env.press(actionID, value), testSecret, env.kit.Now()), http.StatusOK)
}

func TestInteractionsHandler(t *testing.T) {
	ctx := context.Background()
	t.Run("TLDR", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		post(t, env, actionTLDR, "pb1 run 0 tldr 2608.17271")
		p := env.rcv.next()
		if text := allText(p); !strings.Contains(text, "A fine summary of the paper.") || !strings.Contains(text, "TL;DR: LLM (m)") {
			t.Errorf("want the LLM TL;DR with its provenance, got %.500s", text)
		}
		if p["replace_original"] != false {
			t.Error("a TL;DR must not replace the results it came from")
		}
	})
	t.Run("More", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		first, err := env.rec.Next.Handle(ctx, bot.Command{Name: bot.CmdToday, Args: fixtureDate})
		if err != nil || first.Next == nil {
			t.Fatalf("no next page: %v", err)
		}
		value, _ := bot.EncodeAction(bot.ActionRun, *first.Next)
		post(t, env, actionMore, value)
		p := env.rcv.next()
		if p["replace_original"] != true || !strings.Contains(allText(p), "*11. <") {
			t.Errorf("want page 2 in place of page 1, got replace=%v %.300s", p["replace_original"], allText(p))
		}
	})
	t.Run("Share", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		post(t, env, actionShare, "pb1 share 0 search agent")
		env.a.shutdown()
		msgs := env.fake.messages()
		if len(msgs) != 1 || msgs[0].channel != "C1" || !strings.Contains(msgs[0].form.Get("blocks"), "Agent Lightning") {
			t.Fatalf("want the results posted in C1, got %d messages", len(msgs))
		}
		if blocks := msgs[0].form.Get("blocks"); !strings.Contains(blocks, "Shared by @ada.") || strings.Contains(blocks, "<@U1>") {
			t.Errorf("the shared post does not say who shared it, or pings them: %.400s", blocks)
		}
		if strings.Contains(msgs[0].form.Get("blocks"), `"share"`) || len(env.rcv.got) != 0 {
			t.Error("a shared post offers Share again, or the presser got a message too")
		}
	})
	t.Run("ShareNotInChannel", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		env.fake.postErr = "not_in_channel"
		post(t, env, actionShare, "pb1 share 0 search agent")
		if text := allText(env.rcv.next()); !strings.Contains(text, "/invite @paperboy") {
			t.Errorf("want advice to invite the bot, got %.300s", text)
		}
	})
}

func TestInteractionsBadButton(t *testing.T) {
	for _, bad := range []struct{ name, actionID, value string }{
		{"ErrGarbled", actionTLDR, "pb1 run 0 tldr <!channel>"},
		{"ErrUnknownAction", "delete_everything", "pb1 run 0 tldr 2608.17271"},
		{"ErrMismatch", actionAbstract, "pb1 run 0 tldr 2608.17271"},
		{"ErrShareVerb", actionShare, "pb1 run 0 search agent"},
		{"ErrForeign", actionTLDR, strings.Repeat("x", 3000)},
	} {
		t.Run(bad.name, func(t *testing.T) {
			env := newHTTPEnv(t, nil, Config{})
			post(t, env, bad.actionID, bad.value)
			p := env.rcv.next()
			if !strings.Contains(allText(p), "That button is no longer valid") || p["response_type"] != "ephemeral" {
				t.Errorf("want a polite ephemeral error, got %.300s", allText(p))
			}
			if n := len(env.rec.Commands()); n != 0 {
				t.Errorf("a bad button ran %d commands", n)
			}
		})
	}
}

func TestRespondRateLimited(t *testing.T) {
	env := newHTTPEnv(t, nil, Config{})
	env.rcv.status = []int{http.StatusTooManyRequests}
	serve(t, env.a.CommandsHandler(), signed("/slack/commands", env.slash("help"), testSecret, testStart), http.StatusOK)
	env.rcv.next()
	env.a.shutdown()
	if waits := env.kit.all(); len(waits) != 1 || waits[0] != 3*time.Second || len(env.rcv.got) != 0 {
		t.Errorf("waits=%v, extra answers %d: want one 3s wait and one answer", waits, len(env.rcv.got))
	}
}

func TestRespondWithoutResponseURL(t *testing.T) {
	env := newHTTPEnv(t, nil, Config{})
	env.a.respond(context.Background(), target{channel: "C1", user: "U1"}, render(bot.Help(), renderOpts{}))
	if got := env.fake.calls("chat.postEphemeral"); got != 1 {
		t.Errorf("chat.postEphemeral called %d times, want 1", got)
	}
}
