package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeDiscord is the part of Discord's REST API that posting uses: channel
// messages (with history, for finding posts after a crash) and threads.
type fakeDiscord struct {
	mu       sync.Mutex
	messages []map[string]any // the JSON bodies, with "channel" and "id" added
	threads  map[string]bool  // message ids that started a thread
	fail     int              // answer this many message posts with 500 first
}

func (f *fakeDiscord) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // api v9 channels {id} messages [{id} threads]
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "POST" && len(parts) == 5 && parts[2] == "channels" && parts[4] == "messages":
		if f.fail > 0 {
			f.fail--
			http.Error(w, `{"message":"oops","code":0}`, http.StatusInternalServerError)
			return
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		body["channel"], body["id"] = parts[3], fmt.Sprint(1001+len(f.messages))
		f.messages = append(f.messages, body)
		json.NewEncoder(w).Encode(f.message(body))
	case r.Method == "GET" && len(parts) == 5 && parts[4] == "messages":
		history := []any{}
		for i := len(f.messages) - 1; i >= 0; i-- { // newest first, as Discord lists them
			if f.messages[i]["channel"] == parts[3] {
				history = append(history, f.message(f.messages[i]))
			}
		}
		json.NewEncoder(w).Encode(history)
	case r.Method == "POST" && len(parts) == 7 && parts[6] == "threads":
		if f.threads == nil {
			f.threads = map[string]bool{}
		}
		f.threads[parts[5]] = true
		fmt.Fprintf(w, `{"id":"9%s","type":11,"parent_id":%q,"name":"papers"}`, parts[5], parts[3])
	case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/users/@me"):
		fmt.Fprint(w, `{"id":"42","username":"paperboy","bot":true}`)
	default:
		http.Error(w, `{"message":"not in the fake","code":0}`, http.StatusNotFound)
	}
}

// message is a stored body as Discord returns the message.
func (f *fakeDiscord) message(body map[string]any) map[string]any {
	m := map[string]any{"id": body["id"], "channel_id": body["channel"], "content": body["content"],
		"embeds": body["embeds"], "author": map[string]any{"id": "42", "bot": true}}
	if f.threads[body["id"].(string)] {
		m["thread"] = map[string]any{"id": "9" + body["id"].(string), "type": 11}
	}
	return m
}

func (f *fakeDiscord) count(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, m := range f.messages {
		if m["channel"] == channel {
			n++
		}
	}
	return n
}

func TestMain_PostToDiscord(t *testing.T) {
	fake := &fakeDiscord{fail: 2}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, discordYAML(srv.URL)+`
subscriptions:
  - platform: discord
    channel: "222222222222222222"
  - platform: discord
    channel: "333333333333333333"
    style: digest
    top: 5
`)
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")

	r := mustRun(t, env, "post", "--dry-run", "--json", "--date", "2026-08-19")
	var plan struct {
		Deliveries []struct {
			Channel string
			Posts   []struct{ Key string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Deliveries) != 2 {
		t.Fatalf("dry run: %v\n%s", err, r.stdout)
	}
	if got, want := len(plan.Deliveries[0].Posts), 27; got != want {
		t.Fatalf("thread style plans %d posts, want a header and 26 papers", got)
	}
	if fake.count("222222222222222222") != 0 {
		t.Fatal("--dry-run sent something")
	}

	mustRun(t, env, "post", "--date", "2026-08-19")
	if got := fake.count("222222222222222222"); got != 1 {
		t.Fatalf("thread channel got %d messages at top level, want the header only", got)
	}
	inThreads := 0
	for _, m := range fake.messages {
		if strings.HasPrefix(m["channel"].(string), "9") {
			inThreads++
		}
	}
	if inThreads != 26 {
		t.Fatalf("%d messages in the header's thread, want the 26 papers", inThreads)
	}
	if got := fake.count("333333333333333333"); got < 1 || got > 2 {
		t.Fatalf("the digest channel got %d messages, want one digest (split in two at most)", got)
	}
	total := len(fake.messages)
	mustRun(t, env, "post", "--date", "2026-08-19")
	if got := len(fake.messages); got != total {
		t.Fatalf("a second post sent %d more messages; the ledger must stop it", got-total)
	}
	for _, m := range fake.messages {
		am, _ := m["allowed_mentions"].(map[string]any)
		if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
			t.Fatalf("a message without allowed_mentions parse []: %v", m["allowed_mentions"])
		}
	}
	out := mustRun(t, env, "status").stdout
	if !strings.Contains(out, "sent") || !strings.Contains(out, "config file") {
		t.Fatalf("status does not show the sent delivery from the config file:\n%s", out)
	}
}

func TestMain_PostToSlack(t *testing.T) {
	fake := newLimitedSlack(100)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
slack:
  bot_token: xoxb-test
  app_token: xapp-test
  api_url: `+srv.URL+`/
subscriptions:
  - {platform: slack, channel: C1, style: digest, top: 5}
`)
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
	mustRun(t, env, "post", "--date", "2026-08-19")
	fake.mu.Lock()
	first := fake.posted["C1"]
	fake.mu.Unlock()
	if first < 1 || first > 2 {
		t.Fatalf("the digest took %d messages, want 1 (2 at most, if split)", first)
	}
	mustRun(t, env, "post", "--date", "2026-08-19") // a restart: the ledger says it is sent
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.posted["C1"] != first {
		t.Fatalf("a second post sent %d more messages", fake.posted["C1"]-first)
	}
}

// TestMain_PostJSONAndAFreshDatabase: post --json reports "sent" and then
// "already sent" per channel. A second, fresh database posting the same day
// to the same channels cannot know they have it: a delivery's first claim
// does not read the channel (docs/delivery.md, "Look"), so it posts the day
// again, once, and then knows.
func TestMain_PostJSONAndAFreshDatabase(t *testing.T) {
	fake := &fakeDiscord{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, discordYAML(srv.URL)+`
subscriptions:
  - {platform: discord, channel: "222222222222222222", top: 3}
  - {platform: discord, channel: "333333333333333333", style: digest}
`)
	type outcome struct {
		Channel, State string
		Messages       int
	}
	post := func(db string) []outcome {
		t.Helper()
		env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, db)}
		mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
		r := mustRun(t, env, "post", "--json", "--date", "2026-08-19")
		var doc struct {
			Date       string
			Deliveries []outcome
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Date != "2026-08-19" || len(doc.Deliveries) != 2 {
			t.Fatalf("post --json printed %q (%v), want a JSON document with 2 deliveries", r.stdout, err)
		}
		return doc.Deliveries
	}
	for _, o := range post("first.db") {
		if o.State != "sent" {
			t.Fatalf("first post: %s is %q, want sent", o.Channel, o.State)
		}
	}
	sent := len(fake.messages)
	for _, o := range post("first.db") {
		if o.State != "already sent" {
			t.Fatalf("second post: %s is %q, want already sent", o.Channel, o.State)
		}
	}
	for _, o := range post("fresh.db") {
		if o.State != "sent" {
			t.Fatalf("fresh database: %s is %q, want sent", o.Channel, o.State)
		}
	}
	for _, o := range post("fresh.db") {
		if o.State != "already sent" {
			t.Fatalf("fresh database again: %s is %q, want already sent", o.Channel, o.State)
		}
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if got := len(fake.messages); got != 2*sent {
		t.Fatalf("the fresh database sent %d messages, want the day once more (%d)", got-sent, sent)
	}
}
