package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSlackReplayAfterRestart checks the wiring of the store into the Slack
// adapter: a signed request answered by one process is refused (401) by the
// next one on the same database, within Slack's 5-minute window.
func TestSlackReplayAfterRestart(t *testing.T) {
	answers := make(chan string, 4)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		answers <- string(body)
	}))
	defer rcv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "http:\n  listen: 127.0.0.1:0\nslack:\n  mode: http\n  bot_token: xoxb-test\n  signing_secret: test-secret\n  api_url: "+rcv.URL+"/api/\n")
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}

	form := url.Values{"command": {"/papers"}, "text": {"help"}, "channel_id": {"C1"}, "user_id": {"U1"},
		"response_url": {rcv.URL + "/hooks/T1/B1/x"}, "trigger_id": {"t1"}}
	body, stamp := form.Encode(), strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte("test-secret"))
	mac.Write([]byte("v0:" + stamp + ":" + body))
	serve := func() int {
		m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }}
		defer m.Close()
		a, err := m.setup(&options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := newPlatforms(a, a.engine)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", stamp)
		r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		w := httptest.NewRecorder()
		p.slack.CommandsHandler().ServeHTTP(w, r)
		if w.Code == http.StatusOK {
			select { // the answer, before this process closes its database
			case ans := <-answers:
				if !strings.Contains(ans, "/papers today") {
					t.Fatalf("answer %.200s, want the help", ans)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no answer on the response_url")
			}
		}
		return w.Code
	}
	if code := serve(); code != http.StatusOK {
		t.Fatalf("first request: status %d, want 200", code)
	}
	if code := serve(); code != http.StatusUnauthorized {
		t.Fatalf("the same request after a restart: status %d, want 401", code)
	}
}
