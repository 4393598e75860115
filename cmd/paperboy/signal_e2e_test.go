package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
)

// TestMain_SaveButtons presses Save through the real wiring: a Slack
// block_actions and a Discord component interaction, each signed as the
// platform signs it, answered by the adapters over the store; then
// `paperboy saved --json` lists both saves. The Discord press comes from
// the thread of a day's post and counts for the post's channel.
func TestMain_SaveButtons(t *testing.T) {
	answers := make(chan string, 8)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.HasPrefix(r.URL.Path, "/hooks/") {
			answers <- string(body)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok": true}`)
	}))
	defer fake.Close()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	env := importedDB(t)
	env["PAPERBOY_CONFIG"] = writeConfig(t, t.TempDir(), "http:\n  listen: 127.0.0.1:0\nslack:\n  mode: http\n  bot_token: xoxb-test\n  signing_secret: test-secret\n  api_url: "+fake.URL+"/api/\n"+
		"discord:\n  mode: http\n  token: test-token\n  application_id: \"111111111111111111\"\n  public_key: "+hex.EncodeToString(pub)+"\n  api_base_url: "+fake.URL+"\n")
	recordThread(t, env["PAPERBOY_DB"], bot.DeliveryKey{Platform: "discord", Channel: "300", Date: "2026-08-19"}, "900")

	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }}
	a, err := m.setup(&options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlatforms(a, a.engine)
	if err != nil {
		t.Fatal(err)
	}
	pressSlack(t, p.slack.InteractionsHandler(), fake.URL+"/hooks/T1/B1/x", "pb1 toggle 0 save 2608.12313")
	select {
	case ans := <-answers:
		if !strings.Contains(ans, "Saved") || !strings.Contains(ans, `"response_type":"ephemeral"`) {
			t.Fatalf("Slack answer %.300s", ans)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer on the response_url")
	}
	if body := pressDiscord(t, p.discord.InteractionsHandler(), priv, "pb1 toggle 0 save 2608.17271"); !strings.Contains(body, "Saved") || !strings.Contains(body, `"flags":64`) {
		t.Fatalf("Discord answer %.300s", body)
	}
	m.Close()

	ids, by := savedIDs(t, env, "slack:C1")
	if !reflect.DeepEqual(ids, []string{"2608.12313"}) || !reflect.DeepEqual(by, [][]string{{"ada"}}) {
		t.Fatalf("slack:C1 saved %v by %v, want 2608.12313 by ada", ids, by)
	}
	if ids, by = savedIDs(t, env, "discord:300"); !reflect.DeepEqual(ids, []string{"2608.17271"}) || !reflect.DeepEqual(by, [][]string{{"Reader"}}) {
		t.Fatalf("discord:300 saved %v by %v, want 2608.17271 by Reader (pressed in the day's thread)", ids, by)
	}
}

// recordThread records a sent delivery whose papers went to thread.
func recordThread(t *testing.T, dsn string, k bot.DeliveryKey, thread string) {
	t.Helper()
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	d, err := db.Claim(ctx, k, "host/1", time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Record(ctx, bot.Claim{DeliveryKey: k, Owner: "host/1", Token: d.Token}, "paperboy:"+k.Date, bot.Sent{IDs: []string{thread}, Thread: thread}); err != nil {
		t.Fatal(err)
	}
}

// pressSlack sends a block_actions payload for the Save button of a card,
// signed with the signing secret.
func pressSlack(t *testing.T, h http.Handler, responseURL, value string) {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]string{"id": "U1", "username": "ada", "name": "ada", "team_id": "T1"},
		"channel": map[string]string{"id": "C1", "name": "papers"}, "response_url": responseURL, "trigger_id": "t1",
		"container": map[string]any{"type": "message", "message_ts": "1787140801.000200", "channel_id": "C1", "is_ephemeral": false},
		"actions": []map[string]any{{"type": "button", "action_id": "save", "block_id": "card-1", "value": value,
			"action_ts": "1787140802.100000", "text": map[string]any{"type": "plain_text", "text": "Save"}}},
	})
	body, stamp := url.Values{"payload": {string(payload)}}.Encode(), strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte("test-secret"))
	mac.Write([]byte("v0:" + stamp + ":" + body))
	r := httptest.NewRequest(http.MethodPost, "/slack/interactions", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("Slack interaction: status %d %s", w.Code, w.Body)
	}
}

// pressDiscord sends a component interaction for a Save button pressed in
// thread 900 of channel 300, signed with priv, and returns the response.
func pressDiscord(t *testing.T, h http.Handler, priv ed25519.PrivateKey, customID string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"id": "5001", "application_id": "111111111111111111", "type": 3, "token": "itoken", "version": 1,
		"guild_id": "77", "channel_id": "900", "channel": map[string]any{"id": "900", "type": 11, "parent_id": "300"},
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
		"message": map[string]any{"id": "8000", "channel_id": "900", "content": "", "author": map[string]any{"id": "42", "username": "paperboy", "bot": true}},
		"member": map[string]any{"permissions": "0", "roles": []string{}, "joined_at": "2025-01-01T00:00:00Z",
			"user": map[string]any{"id": "600", "username": "reader", "global_name": "Reader"}},
	})
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...))))
	r.Header.Set("X-Signature-Timestamp", stamp)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("Discord interaction: status %d %s", w.Code, w.Body)
	}
	return w.Body.String()
}
