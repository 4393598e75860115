package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// fakeSlack is an in-memory Slack Web API: it keeps the messages posted to
// it, serves them back through conversations.history and .replies, and
// records every request. Scripted failures make chat.postMessage answer 429
// or 5xx, with or without keeping the message (a 5xx after Slack posted).
type fakeSlack struct {
	t *testing.T

	mu       sync.Mutex
	requests []apiRequest
	msgs     []fakeMsg
	seq      int
	failures []failure
	readFail []failure       // scripted answers of conversations.history/.replies
	postErr  string          // when set, chat.postMessage answers ok:false with it
	users    map[string]bool // user id → is_admin
	views    []fakeView      // the modals views.open was asked for
}

// fakeView is a views.open request.
type fakeView struct {
	TriggerID string          `json:"trigger_id"`
	View      json.RawMessage `json:"view"`
}

// apiRequest is one call made to the fake.
type apiRequest struct {
	method string
	form   url.Values
}

// fakeMsg is a message the fake keeps.
type fakeMsg struct {
	channel, ts, thread, botID string
	form                       url.Values
}

// failure scripts one answer of chat.postMessage.
type failure struct {
	status     int
	retryAfter string
	keep       bool // keep the message anyway: Slack posted, then failed
}

// The fake's bot, as auth.test tells it.
const (
	fakeBotID  = "BPAPERBOY"
	fakeUserID = "UPAPERBOY"
)

func newFakeSlack(t *testing.T) *fakeSlack {
	return &fakeSlack{t: t, users: map[string]bool{}}
}

// start serves the fake on an httptest server and returns its API URL,
// without the trailing slash (the adapter adds it).
func (f *fakeSlack) start() string {
	mux := http.NewServeMux()
	f.mount(func(p string, h http.HandlerFunc) { mux.Handle(p, h) })
	srv := httptest.NewServer(mux)
	f.t.Cleanup(srv.Close)
	return srv.URL + "/api"
}

// mount registers the fake's methods with handle, on an httptest mux or a
// slacktest server.
func (f *fakeSlack) mount(handle func(pattern string, h http.HandlerFunc)) {
	for name, h := range map[string]http.HandlerFunc{
		"chat.postMessage":      f.postMessage,
		"chat.postEphemeral":    f.postEphemeral,
		"chat.update":           f.update,
		"conversations.history": f.history,
		"conversations.replies": f.replies,
		"users.info":            f.usersInfo,
		"auth.test":             f.authTest,
		"views.open":            f.viewsOpen,
	} {
		handle("/"+name, f.record(name, h))
		handle("/api/"+name, f.record(name, h))
	}
}

// record parses the form and logs the request before h answers it.
func (f *fakeSlack) record(name string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			f.t.Errorf("%s: %v", name, err)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer xoxb-test-token" && r.PostForm.Get("token") != "xoxb-test-token" {
			f.t.Errorf("%s: no bot token", name)
		}
		f.mu.Lock()
		f.requests = append(f.requests, apiRequest{method: name, form: r.PostForm})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		h(w, r)
	}
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	checkMessage(f.t, formMessage(f.t, r.PostForm))
	f.mu.Lock()
	defer f.mu.Unlock()
	var fail failure
	if len(f.failures) > 0 {
		fail, f.failures = f.failures[0], f.failures[1:]
	}
	if fail.status != 0 && !fail.keep {
		writeFailure(w, fail)
		return
	}
	if f.postErr != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, f.postErr)
		return
	}
	f.seq++
	m := fakeMsg{channel: r.PostForm.Get("channel"), ts: fmt.Sprintf("1787140800.%06d", f.seq),
		thread: r.PostForm.Get("thread_ts"), botID: fakeBotID, form: r.PostForm}
	f.msgs = append(f.msgs, m)
	if fail.status != 0 {
		writeFailure(w, fail)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": m.channel, "ts": m.ts})
}

// update is chat.update: it replaces a kept message's text, blocks and
// metadata, keeping its channel, ts and thread; message_not_found or
// channel_not_found when there is no such message.
func (f *fakeSlack) update(w http.ResponseWriter, r *http.Request) {
	// chat.update takes no unfurl settings: an edit keeps the message's.
	m := formMessage(f.t, r.PostForm)
	m["unfurl_links"], m["unfurl_media"] = false, false
	checkMessage(f.t, m)
	f.mu.Lock()
	defer f.mu.Unlock()
	channel, ts := r.PostForm.Get("channel"), r.PostForm.Get("ts")
	known := false
	for i, m := range f.msgs {
		known = known || m.channel == channel
		if m.channel == channel && m.ts == ts {
			form := url.Values{}
			for k, v := range r.PostForm {
				form[k] = v
			}
			form.Set("thread_ts", m.thread)
			f.msgs[i].form = form
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": channel, "ts": ts})
			return
		}
	}
	errName := "message_not_found"
	if !known {
		errName = "channel_not_found"
	}
	fmt.Fprintf(w, `{"ok":false,"error":%q}`, errName)
}

func writeFailure(w http.ResponseWriter, fail failure) {
	if fail.retryAfter != "" {
		w.Header().Set("Retry-After", fail.retryAfter)
	}
	w.WriteHeader(fail.status)
	_, _ = w.Write([]byte("<html>oops</html>"))
}

// viewsOpen keeps the modal it is asked to open (a JSON body).
func (f *fakeSlack) viewsOpen(w http.ResponseWriter, r *http.Request) {
	var v fakeView
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil || v.TriggerID == "" {
		f.t.Errorf("views.open: %v, trigger %q", err, v.TriggerID)
	}
	f.mu.Lock()
	f.views = append(f.views, v)
	f.mu.Unlock()
	_, _ = w.Write([]byte(`{"ok":true,"view":{"id":"V1"}}`))
}

func (f *fakeSlack) postEphemeral(w http.ResponseWriter, r *http.Request) {
	checkMessage(f.t, formMessage(f.t, r.PostForm))
	_, _ = w.Write([]byte(`{"ok":true,"message_ts":"1787140800.999999"}`))
}

// readFailed answers a read with the next scripted failure, if any.
func (f *fakeSlack) readFailed(w http.ResponseWriter) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.readFail) == 0 {
		return false
	}
	writeFailure(w, f.readFail[0])
	f.readFail = f.readFail[1:]
	return true
}

// history answers with the channel's top-level messages, newest first.
func (f *fakeSlack) history(w http.ResponseWriter, r *http.Request) {
	if f.readFailed(w) {
		return
	}
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	f.mu.Lock()
	var out []map[string]any
	for _, m := range slices.Backward(f.msgs) {
		if m.channel == r.PostForm.Get("channel") && m.thread == "" && len(out) < limit {
			out = append(out, m.json(r.PostForm.Get("include_all_metadata") == "1"))
		}
	}
	f.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": out, "has_more": false})
}

// replies answers with a thread: its parent, then its replies, oldest first.
func (f *fakeSlack) replies(w http.ResponseWriter, r *http.Request) {
	if f.readFailed(w) {
		return
	}
	ts, meta := r.PostForm.Get("ts"), r.PostForm.Get("include_all_metadata") == "1"
	f.mu.Lock()
	var out []map[string]any
	for _, m := range f.msgs {
		if m.channel == r.PostForm.Get("channel") && (m.ts == ts || m.thread == ts) {
			out = append(out, m.json(meta))
		}
	}
	f.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": out, "has_more": false,
		"response_metadata": map[string]string{"next_cursor": ""}})
}

// json is the message as conversations.history shows it.
func (m fakeMsg) json(withMetadata bool) map[string]any {
	out := map[string]any{"type": "message", "ts": m.ts, "text": m.form.Get("text"), "bot_id": m.botID}
	if m.thread != "" {
		out["thread_ts"] = m.thread
	}
	if md := m.form.Get("metadata"); withMetadata && md != "" {
		out["metadata"] = json.RawMessage(md)
	}
	return out
}

func (f *fakeSlack) usersInfo(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	admin, ok := f.users[r.PostForm.Get("user")]
	f.mu.Unlock()
	if !ok {
		_, _ = w.Write([]byte(`{"ok":false,"error":"user_not_found"}`))
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": map[string]any{"id": r.PostForm.Get("user"), "is_admin": admin}})
}

func (f *fakeSlack) authTest(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprintf(w, `{"ok":true,"user":"paperboy","user_id":%q,"bot_id":%q,"team_id":"T1"}`, fakeUserID, fakeBotID)
}

// fail scripts the next answers of chat.postMessage.
func (f *fakeSlack) fail(fs ...failure) {
	f.mu.Lock()
	f.failures = append(f.failures, fs...)
	f.mu.Unlock()
}

// messages returns the messages kept, in posting order.
func (f *fakeSlack) messages() []fakeMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeMsg(nil), f.msgs...)
}

// calls counts the requests made to one method.
func (f *fakeSlack) calls(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if r.method == method {
			n++
		}
	}
	return n
}

// addForeign adds a message with key from another app, which Find must not
// take for paperboy's.
func (f *fakeSlack) addForeign(channel, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	md := fmt.Sprintf(`{"event_type":"paperboy_post","event_payload":{"key":%q,"part":0,"parts":1}}`, key)
	f.msgs = append(f.msgs, fakeMsg{channel: channel, ts: "1787140700.000001", botID: "BOTHER",
		form: url.Values{"metadata": {md}, "text": {"copycat"}}})
}
