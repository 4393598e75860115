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

// liveHF is Hugging Face's daily_papers for one day whose upvotes change:
// votes maps each paper id to its count, in the order listed.
type liveHF struct {
	mu    sync.Mutex
	ids   []string
	votes map[string]int
}

func (f *liveHF) set(id string, votes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.votes[id]; !ok {
		f.ids = append(f.ids, id)
	}
	f.votes[id] = votes
}

func (f *liveHF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	items := []any{}
	if r.URL.Query().Get("date") == "2026-08-19" && r.URL.Query().Get("p") == "0" {
		for _, id := range f.ids {
			items = append(items, map[string]any{
				"paper": map[string]any{"id": id, "title": "Paper " + id, "upvotes": f.votes[id],
					"authors": []any{map[string]any{"name": "A. Author"}}, "summary": "An abstract.",
					"publishedAt": "2026-08-18T00:00:00.000Z"},
				"title": "Paper " + id, "publishedAt": "2026-08-19T00:00:00.000Z", "submittedOnDailyAt": "2026-08-19T00:00:00.000Z",
			})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(items)
}

// editingDiscord is fakeDiscord that also edits messages (PATCH
// /channels/{id}/messages/{id}), counting the edits.
type editingDiscord struct {
	*fakeDiscord
	edits int
}

func (f *editingDiscord) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // api v9 channels {id} messages {id}
	if r.Method != "PATCH" || len(parts) != 6 || parts[4] != "messages" {
		f.fakeDiscord.ServeHTTP(w, r)
		return
	}
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.messages {
		if m["id"] == parts[5] && m["channel"] == parts[3] {
			if mentions, _ := json.Marshal(body["allowed_mentions"]); string(mentions) != `{"parse":[]}` {
				http.Error(w, `{"message":"edit would ping","code":0}`, http.StatusBadRequest)
				return
			}
			m["content"], m["embeds"] = body["content"], body["embeds"]
			f.edits++
			json.NewEncoder(w).Encode(f.message(m))
			return
		}
	}
	http.Error(w, `{"message":"Unknown Message","code":10008}`, http.StatusNotFound)
}

// TestMain_Refresh: with upvotes that change, refresh edits the day's
// messages in place and adds a late paper to the thread once, never a new
// top-level message; with nothing posted it does nothing and exits 0.
func TestMain_Refresh(t *testing.T) {
	hf := &liveHF{votes: map[string]int{}}
	hf.set("2608.00001", 10)
	hf.set("2608.00002", 5)
	hsrv := httptest.NewServer(hf)
	defer hsrv.Close()
	discord := &editingDiscord{fakeDiscord: &fakeDiscord{}}
	dsrv := httptest.NewServer(discord)
	defer dsrv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
source: {hf: {base_url: `+hsrv.URL+`}}
discord:
  token: test-token
  application_id: "111111111111111111"
  api_base_url: `+dsrv.URL+`
delivery: {refresh: 6h}
subscriptions:
  - {platform: discord, channel: "222222222222222222"}
`)
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
	if r := mustRun(t, env, "refresh", "--date", "2026-08-19"); !strings.Contains(r.stdout, "no posts to refresh") {
		t.Fatalf("refresh with nothing posted printed %q", r.stdout)
	}
	mustRun(t, env, "fetch", "--date", "2026-08-19")
	if r := mustRun(t, env, "post", "--date", "2026-08-19", "--dry-run"); !strings.Contains(r.stdout, "refreshed for 6h") {
		t.Fatalf("dry run does not show the refresh window:\n%s", r.stdout)
	}
	mustRun(t, env, "post", "--date", "2026-08-19")
	if r := mustRun(t, env, "status"); !strings.Contains(r.stdout, "Live post: upvotes and order updated every 30 min for 6h") {
		t.Fatalf("status does not show the refresh window:\n%s", r.stdout)
	}
	top := discord.count("222222222222222222")
	if top != 1 {
		t.Fatalf("%d top-level messages after the post, want the header only", top)
	}
	hf.set("2608.00002", 50)
	hf.set("2608.00003", 7)
	for range 2 {
		mustRun(t, env, "refresh", "--date", "2026-08-19")
	}
	if got := discord.count("222222222222222222"); got != top {
		t.Fatalf("refresh posted %d new top-level messages", got-top)
	}
	discord.mu.Lock()
	defer discord.mu.Unlock()
	if discord.edits != 3 {
		t.Fatalf("%d edits, want 3: the header and the two papers whose rank changed, once", discord.edits)
	}
	header := discord.messages[0]
	thread := "9" + header["id"].(string)
	var inThread []string
	for _, m := range discord.messages[1:] {
		if m["channel"] != thread {
			t.Fatalf("message %v outside the day's thread", m["id"])
		}
		inThread = append(inThread, fmt.Sprint(m["embeds"]))
	}
	late := 0
	for _, m := range inThread {
		if strings.Contains(m, "2608.00003") {
			late++
		}
	}
	if len(inThread) != 3 || !strings.Contains(inThread[2], "2608.00003") || late != 1 {
		t.Fatalf("thread holds %d messages, want the two papers and the late one once", len(inThread))
	}
	if !strings.Contains(fmt.Sprint(header["embeds"]), "3 papers") || !strings.Contains(fmt.Sprint(header["embeds"]), "Most upvoted now: 1. Paper 2608.00002") {
		t.Fatalf("header %v, want the new count and order", header["embeds"])
	}
	if !strings.Contains(inThread[1], "50") {
		t.Fatalf("2608.00002's message %s lacks its new count", inThread[1])
	}
}
