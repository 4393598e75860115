package discord

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testToken is the bot token of the tests; no log line or error may show it.
const testToken = "TEST.TOKEN.s3cr3t"

// fakeBotID is the bot's user id on the fake.
const fakeBotID = "4242"

// recorded is one request the fake received.
type recorded struct {
	Method string
	Path   string // without /api/v9 or /api/v10
	Query  string
	Body   json.RawMessage
}

// fakeMessage is a message as Discord returns it.
type fakeMessage struct {
	ID         string          `json:"id"`
	ChannelID  string          `json:"channel_id"`
	Author     fakeUser        `json:"author"`
	Content    string          `json:"content"`
	Embeds     json.RawMessage `json:"embeds"`
	Components json.RawMessage `json:"components,omitempty"`
	Nonce      string          `json:"nonce,omitempty"`
	Flags      int             `json:"flags,omitempty"`
	Timestamp  string          `json:"timestamp"`
	Thread     *fakeChannel    `json:"thread,omitempty"`
}

type fakeUser struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Bot      bool   `json:"bot"`
}

type fakeChannel struct {
	ID       string `json:"id"`
	Type     int    `json:"type"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id"`
}

// fakeDiscord is an httptest stand-in for Discord's REST API (v9 and v10
// paths) that speaks its JSON, keeps channel history, honours nonces with
// enforce_nonce, and records every request.
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server

	// fail, when set, may answer a request in place of the fake; n counts
	// the requests with the same method and path pattern so far (from 1).
	fail func(r *http.Request, n int) (status int, body string, ok bool)
	// lose, when set, makes the fake create a message but answer with
	// this status, as when a response is lost on the way back.
	lose func(n int) int
	// threadErr, when set, is the status and body of every thread start.
	threadStatus int
	threadBody   string
	// gatewayURL is what GET /gateway returns.
	gatewayURL string

	mu       sync.Mutex
	requests []recorded
	counts   map[string]int
	history  map[string][]*fakeMessage // channel → messages, oldest first
	nonces   map[string]*fakeMessage
	commands map[string]string // path → the commands registered there (JSON)
	nextID   int
	claimed  map[int]bool  // requests returned by waitFor
	seen     chan struct{} // signalled on every request
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{
		t: t, counts: map[string]int{}, history: map[string][]*fakeMessage{},
		nonces: map[string]*fakeMessage{}, commands: map[string]string{}, nextID: 9000, claimed: map[int]bool{}, seen: make(chan struct{}, 1),
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

var apiPrefix = regexp.MustCompile(`^/api/v(9|10)`)

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := apiPrefix.ReplaceAllString(r.URL.Path, "")
	rec := recorded{Method: r.Method, Path: path, Query: r.URL.RawQuery}
	if len(body) > 0 {
		rec.Body = json.RawMessage(body)
	}
	pattern := r.Method + " " + routeOf(path)
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	f.counts[pattern]++
	n := f.counts[pattern]
	f.mu.Unlock()
	select {
	case f.seen <- struct{}{}:
	default:
	}
	if !strings.HasPrefix(path, "/webhooks/") && !strings.HasPrefix(path, "/interactions/") && path != "/gateway" &&
		r.Header.Get("Authorization") != "Bot "+testToken {
		writeFake(w, http.StatusUnauthorized, `{"message": "401: Unauthorized", "code": 0}`)
		return
	}
	if f.fail != nil {
		if status, b, ok := f.fail(r, n); ok {
			writeFake(w, status, b)
			return
		}
	}
	f.route(w, r, path, body, n)
}

// routeOf replaces ids and tokens in a path by placeholders.
func routeOf(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if i > 0 && (strings.Trim(p, "0123456789") == "" || (parts[i-1] != "" && isTokenSlot(parts, i))) && p != "" {
			parts[i] = "{}"
		}
	}
	return strings.Join(parts, "/")
}

func isTokenSlot(parts []string, i int) bool {
	return i >= 3 && (parts[i-2] == "webhooks" || parts[i-2] == "interactions")
}

func (f *fakeDiscord) route(w http.ResponseWriter, r *http.Request, path string, body []byte, n int) {
	p := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == "POST" && len(p) == 3 && p[0] == "channels" && p[2] == "messages":
		f.createMessage(w, p[1], body, n)
	case r.Method == "GET" && len(p) == 3 && p[0] == "channels" && p[2] == "messages":
		f.listMessages(w, p[1])
	case r.Method == "PATCH" && len(p) == 4 && p[0] == "channels" && p[2] == "messages":
		f.editMessage(w, p[1], p[3], body)
	case r.Method == "POST" && len(p) == 5 && p[0] == "channels" && p[4] == "threads":
		f.startThread(w, p[1], p[3], body)
	case r.Method == "POST" && len(p) == 4 && p[0] == "interactions" && p[3] == "callback":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "PATCH" && len(p) == 5 && p[0] == "webhooks":
		f.createMessage(w, "interaction", body, 0)
	case r.Method == "DELETE" && len(p) == 5 && p[0] == "webhooks":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "POST" && len(p) == 3 && p[0] == "webhooks":
		f.createMessage(w, "interaction", body, 0)
	case r.Method == "PUT" && p[0] == "applications" && p[len(p)-1] == "commands":
		f.mu.Lock()
		f.commands[path] = string(body)
		f.mu.Unlock()
		writeFake(w, http.StatusOK, string(body))
	case r.Method == "GET" && p[0] == "applications" && p[len(p)-1] == "commands":
		f.mu.Lock()
		cmds := f.commands[path]
		f.mu.Unlock()
		writeFake(w, http.StatusOK, cmp.Or(cmds, "[]"))
	case r.Method == "GET" && path == "/users/@me":
		writeFake(w, http.StatusOK, `{"id": "`+fakeBotID+`", "username": "paperboy", "bot": true}`)
	case r.Method == "GET" && path == "/gateway":
		writeFake(w, http.StatusOK, `{"url": "`+f.gatewayURL+`"}`)
	default:
		writeFake(w, http.StatusNotFound, `{"message": "404: Not Found", "code": 0}`)
	}
}

// createMessage stores a message and returns it; with enforce_nonce, a
// nonce seen before returns the message made then.
func (f *fakeDiscord) createMessage(w http.ResponseWriter, channel string, body []byte, n int) {
	var in struct {
		Content      string          `json:"content"`
		Embeds       json.RawMessage `json:"embeds"`
		Components   json.RawMessage `json:"components"`
		Nonce        string          `json:"nonce"`
		EnforceNonce bool            `json:"enforce_nonce"`
		Flags        int             `json:"flags"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeFake(w, http.StatusBadRequest, `{"message": "Invalid JSON", "code": 50109}`)
		return
	}
	f.mu.Lock()
	m, dup := f.nonces[in.Nonce]
	if !dup || !in.EnforceNonce {
		f.nextID++
		embeds := in.Embeds
		if len(embeds) == 0 {
			embeds = json.RawMessage("[]")
		}
		m = &fakeMessage{
			ID: fmt.Sprint(f.nextID), ChannelID: channel, Author: fakeUser{ID: fakeBotID, Username: "paperboy", Bot: true},
			Content: in.Content, Embeds: embeds, Components: in.Components, Nonce: in.Nonce, Flags: in.Flags,
			Timestamp: "2026-08-19T08:00:00Z",
		}
		f.history[channel] = append(f.history[channel], m)
		if in.Nonce != "" {
			f.nonces[in.Nonce] = m
		}
	}
	out, _ := json.Marshal(m)
	f.mu.Unlock()
	if f.lose != nil {
		if status := f.lose(n); status != 0 {
			writeFake(w, status, `{"message": "upstream lost", "code": 0}`)
			return
		}
	}
	writeFake(w, http.StatusOK, string(out))
}

// editMessage changes a message's content and embeds, as Discord's
// PATCH /channels/{id}/messages/{id} does: 404 Unknown Message (10008) when
// the channel has no such message, Unknown Channel (10003) when it has no
// history at all.
func (f *fakeDiscord) editMessage(w http.ResponseWriter, channel, id string, body []byte) {
	var in struct {
		Content string          `json:"content"`
		Embeds  json.RawMessage `json:"embeds"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeFake(w, http.StatusBadRequest, `{"message": "Invalid JSON", "code": 50109}`)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.history[channel]
	if !ok {
		writeFake(w, http.StatusNotFound, `{"message": "Unknown Channel", "code": 10003}`)
		return
	}
	for _, m := range h {
		if m.ID == id {
			m.Content, m.Embeds = in.Content, in.Embeds
			out, _ := json.Marshal(m)
			writeFake(w, http.StatusOK, string(out))
			return
		}
	}
	writeFake(w, http.StatusNotFound, `{"message": "Unknown Message", "code": 10008}`)
}

func (f *fakeDiscord) listMessages(w http.ResponseWriter, channel string) {
	f.mu.Lock()
	h := f.history[channel]
	out := make([]*fakeMessage, 0, len(h))
	for i := len(h) - 1; i >= 0 && len(out) < 50; i-- {
		out = append(out, h[i])
	}
	b, _ := json.Marshal(out)
	f.mu.Unlock()
	writeFake(w, http.StatusOK, string(b))
}

func (f *fakeDiscord) startThread(w http.ResponseWriter, channel, message string, body []byte) {
	if f.threadStatus != 0 {
		writeFake(w, f.threadStatus, f.threadBody)
		return
	}
	// Like stricter compatible servers, the fake refuses fields that do not
	// belong to a thread started from a message (invitable is for threads
	// without one).
	var fields map[string]json.RawMessage
	json.Unmarshal(body, &fields)
	for k := range fields {
		if k != "name" && k != "auto_archive_duration" && k != "rate_limit_per_user" {
			writeFake(w, http.StatusBadRequest, `{"message": "Invalid Form Body", "code": 50035, "errors": {"`+k+`": {"_errors": [{"code": "UNKNOWN_FIELD", "message": "Unknown field"}]}}}`)
			return
		}
	}
	var in struct {
		Name string `json:"name"`
	}
	json.Unmarshal(body, &in)
	th := &fakeChannel{ID: message, Type: 11, Name: in.Name, ParentID: channel}
	f.mu.Lock()
	for _, m := range f.history[channel] {
		if m.ID == message {
			m.Thread = th
		}
	}
	f.mu.Unlock()
	b, _ := json.Marshal(th)
	writeFake(w, http.StatusCreated, string(b))
}

// addMessage puts a message into a channel's history, as if someone sent it.
func (f *fakeDiscord) addMessage(channel string, m *fakeMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	m.ID, m.ChannelID, m.Timestamp = fmt.Sprint(f.nextID), channel, "2026-08-19T07:00:00Z"
	f.history[channel] = append(f.history[channel], m)
}

func writeFake(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.Copy(w, bytes.NewBufferString(body))
}

// recordedRequests returns the requests so far that match method and a
// path prefix ("" matches all).
func (f *fakeDiscord) recordedRequests(method, prefix string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// messages returns the messages the fake holds for a channel.
func (f *fakeDiscord) messages(channel string) []*fakeMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*fakeMessage(nil), f.history[channel]...)
}

// waitFor returns the first request not returned before with method whose
// path has the prefix, waiting for it if need be; it fails the test when
// none comes. It waits on a channel, not on the clock: the code under test
// signals it with each request.
func (f *fakeDiscord) waitFor(method, prefix string) recorded {
	f.t.Helper()
	failsafe := time.After(30 * time.Second) // only a hung test waits this long
	for {
		f.mu.Lock()
		for i, r := range f.requests {
			if !f.claimed[i] && r.Method == method && strings.HasPrefix(r.Path, prefix) {
				f.claimed[i] = true
				f.mu.Unlock()
				return r
			}
		}
		f.mu.Unlock()
		select {
		case <-f.seen:
		case <-failsafe:
			f.t.Fatalf("no %s %s", method, prefix)
			return recorded{}
		}
	}
}

// checkSent runs checkLimits on every message payload the fake received.
func (f *fakeDiscord) checkSent(t *testing.T) {
	t.Helper()
	for _, r := range f.recordedRequests("", "") {
		if len(r.Body) == 0 || r.Method == "PUT" || strings.HasSuffix(r.Path, "/threads") {
			continue
		}
		checkLimits(t, r.Body)
	}
}
