package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The fakes of BenchmarkFanOut: Discord's and Slack's posting endpoints,
// speaking their wire formats and enforcing their documented rate limits
// with 429s, so that a client too eager pays as it would in production.

// window is a fixed-window rate limit as Discord's buckets work: at most
// limit requests from the first one until per has passed, then a new window.
type window struct {
	limit int
	per   time.Duration
	start time.Time // of the current window; zero before the first request
	used  int
}

// take admits a request at now if the window has room. It returns the
// requests left and when the window resets.
func (w *window) take(now time.Time) (ok bool, remaining int, reset time.Time) {
	if w.start.IsZero() || !now.Before(w.start.Add(w.per)) {
		w.start, w.used = now, 0
	}
	reset = w.start.Add(w.per)
	if w.used >= w.limit {
		return false, 0, reset
	}
	w.used++
	return true, w.limit - w.used, reset
}

// windowFloor is how long n requests take at the least under a fixed window
// of limit per per: the last one goes when its window opens.
func windowFloor(n, limit int, per time.Duration) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration((n-1)/limit) * per
}

// tokens is a token bucket as Slack's limits are described: rate tokens a
// second, at most burst saved up.
type tokens struct {
	rate, burst float64
	have        float64
	at          time.Time
}

// take admits a request at now if a token is there; otherwise it says how
// long until one is.
func (t *tokens) take(now time.Time) (bool, time.Duration) {
	if t.at.IsZero() {
		t.have, t.at = t.burst, now
	}
	t.have = math.Min(t.burst, t.have+now.Sub(t.at).Seconds()*t.rate)
	t.at = now
	if t.have >= 1 {
		t.have--
		return true, 0
	}
	return false, time.Duration((1 - t.have) / t.rate * float64(time.Second))
}

// tokensFloor is how long n requests take at the least from a full bucket.
func tokensFloor(n int, rate, burst float64) time.Duration {
	if float64(n) <= burst {
		return 0
	}
	return time.Duration((float64(n) - burst) / rate * float64(time.Second))
}

// connCounter counts the TCP connections a fake accepted: a client that
// cannot keep its connections alive opens one (a TLS handshake, in
// production) per request.
type connCounter struct{ n atomic.Int64 }

func (c *connCounter) hook(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		c.n.Add(1)
	}
}

func startFake(h http.Handler, conns *connCounter) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = conns.hook
	srv.Start()
	return srv
}

// Discord's limits as the fake enforces them. The global limit is
// Discord's documented 50 requests a second per bot. Per-route limits are
// not published (clients must read the X-RateLimit-* headers); 5 per 5 s
// per channel for creating messages is what Discord sends today, and thread
// starts get a bucket of their own per channel with the same numbers.
const (
	discordGlobalLimit = 50
	discordGlobalPer   = time.Second
	discordRouteLimit  = 5
	discordRoutePer    = 5 * time.Second
)

// limitedDiscord is the part of Discord's REST API that a daily post uses,
// with its rate limits: a global window per bot (429 with "global": true
// and X-RateLimit-Global) and a bucket per route and channel (X-RateLimit-*
// headers on every answer, a 429 with retry_after when it is empty).
type limitedDiscord struct {
	conns connCounter

	mu       sync.Mutex
	global   window
	buckets  map[string]*window // "route channel" → its window
	nextID   int64
	accepted map[string]int // "route channel" → requests answered 2xx
	topLevel map[string]int // channel → messages posted to it (threads included as channels)
	threads  map[string]string
	ok       int
	edits    int

	// 429s answered, by limit
	global429, route429 int
}

// reset forgets the requests counted and the limits' state, keeping the
// messages: a refresh round starts half an hour after the post, with every
// window long reset.
func (f *limitedDiscord) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.global = window{limit: discordGlobalLimit, per: discordGlobalPer}
	f.buckets, f.accepted = map[string]*window{}, map[string]int{}
	f.ok, f.edits, f.global429, f.route429 = 0, 0, 0, 0
}

func newLimitedDiscord() *limitedDiscord {
	return &limitedDiscord{
		global:   window{limit: discordGlobalLimit, per: discordGlobalPer},
		buckets:  map[string]*window{},
		nextID:   200000000000000000,
		accepted: map[string]int{},
		topLevel: map[string]int{},
		threads:  map[string]string{},
	}
}

// discordBucketHash names a route's bucket as Discord does, by an opaque
// hash that is the same for every channel; the channel makes it distinct.
var discordBucketHash = map[string]string{"messages": "a7e2f0c1b3d4", "threads": "5c9d1e8f2a6b", "history": "0b3c7d9e1f2a", "edit": "e4d1c0b9a8f7"}

func (f *limitedDiscord) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	// api v9 channels {id} messages [{id} threads]
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	route, channel := "", ""
	switch {
	case r.Method == "POST" && len(parts) == 5 && parts[2] == "channels" && parts[4] == "messages":
		route, channel = "messages", parts[3]
	case r.Method == "POST" && len(parts) == 7 && parts[2] == "channels" && parts[6] == "threads":
		route, channel = "threads", parts[3]
	case r.Method == "GET" && len(parts) == 5 && parts[2] == "channels" && parts[4] == "messages":
		route, channel = "history", parts[3] // the look before a delivery's first post
	case r.Method == "PATCH" && len(parts) == 6 && parts[2] == "channels" && parts[4] == "messages":
		route, channel = "edit", parts[3] // a refresh's edit, in a bucket of its own per channel
	case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/users/@me"):
		route = "users/@me"
	default:
		f.writeJSON(w, http.StatusNotFound, `{"message": "404: Not Found", "code": 0}`)
		return
	}

	now := time.Now()
	f.mu.Lock()
	if ok, _, reset := f.global.take(now); !ok {
		f.global429++
		f.mu.Unlock()
		after := reset.Sub(now).Seconds()
		w.Header().Set("X-RateLimit-Global", "true")
		w.Header().Set("X-RateLimit-Scope", "global")
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(after))))
		f.writeJSON(w, http.StatusTooManyRequests,
			fmt.Sprintf(`{"message": "You are being rate limited.", "retry_after": %.3f, "global": true}`, after))
		return
	}
	var bucket *window
	if channel != "" {
		key := route + " " + channel
		if bucket = f.buckets[key]; bucket == nil {
			bucket = &window{limit: discordRouteLimit, per: discordRoutePer}
			f.buckets[key] = bucket
		}
		ok, remaining, reset := bucket.take(now)
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(discordRouteLimit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(reset.UnixMilli())/1000, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(reset.Sub(now).Seconds(), 'f', 3, 64))
		h.Set("X-RateLimit-Bucket", discordBucketHash[route])
		if !ok {
			f.route429++
			f.mu.Unlock()
			after := reset.Sub(now).Seconds()
			h.Set("X-RateLimit-Scope", "user")
			h.Set("Retry-After", strconv.Itoa(int(math.Ceil(after))))
			f.writeJSON(w, http.StatusTooManyRequests,
				fmt.Sprintf(`{"message": "You are being rate limited.", "retry_after": %.3f, "global": false}`, after))
			return
		}
		f.accepted[key]++
	}
	f.ok++
	f.nextID++
	id := strconv.FormatInt(f.nextID, 10)
	var answer string
	switch route {
	case "users/@me":
		answer = `{"id": "4242", "username": "paperboy", "bot": true}`
	case "history":
		answer = `[]` // a channel without the day's post yet
	case "messages":
		f.topLevel[channel]++
		var msg struct {
			Nonce string `json:"nonce"`
		}
		json.Unmarshal(body, &msg)
		answer = fmt.Sprintf(`{"id": %q, "channel_id": %q, "type": 0, "content": "", "embeds": [], "nonce": %q,`+
			` "author": {"id": "4242", "username": "paperboy", "bot": true}, "timestamp": %q}`,
			id, channel, msg.Nonce, now.UTC().Format(time.RFC3339))
	case "edit":
		f.edits++
		answer = fmt.Sprintf(`{"id": %q, "channel_id": %q, "type": 0, "content": "", "embeds": [],`+
			` "author": {"id": "4242", "username": "paperboy", "bot": true}, "timestamp": %q}`,
			parts[5], channel, now.UTC().Format(time.RFC3339))
	case "threads":
		f.threads[id] = channel
		answer = fmt.Sprintf(`{"id": %q, "type": 11, "parent_id": %q, "name": "papers"}`, id, channel)
	}
	f.mu.Unlock()
	f.writeJSON(w, http.StatusOK, answer)
}

func (f *limitedDiscord) writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// floor is the least time the requests the fake answered could have taken
// under its limits with no 429 at all: the global window, and each bucket's.
func (f *limitedDiscord) floor() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	floor := windowFloor(f.ok, discordGlobalLimit, discordGlobalPer)
	for _, n := range f.accepted {
		floor = max(floor, windowFloor(n, discordRouteLimit, discordRoutePer))
	}
	return floor
}

// Slack's limits as the fake enforces them. chat.postMessage allows "1
// message per second per channel, with short bursts"; the fake allows a
// burst of 2. Slack also limits a workspace as a whole ("several hundred
// messages per minute" in its docs, with no exact figure), here
// slackWorkspaceRate messages a second with a burst of as many.
const (
	slackChannelRate  = 1.0
	slackChannelBurst = 2.0
)

// limitedSlack is chat.postMessage (and auth.test) with Slack's limits: a
// token bucket per channel and one for the workspace. Over either, it
// answers 429 with Retry-After in whole seconds, as Slack does.
type limitedSlack struct {
	conns         connCounter
	workspaceRate float64

	mu        sync.Mutex
	workspace tokens
	channels  map[string]*tokens
	posted    map[string]int // channel → messages, thread replies included
	threads   map[string]int // channel → messages posted as thread replies
	seq       int64
	ok        int
	looks     int // history reads

	// 429s answered, by limit
	channel429, workspace429 int

	// chat.update is in Slack's Tier 3, "50+ per minute" per workspace:
	// a bucket of updateRate a second with a burst of updateBurst.
	updates                 tokens
	updateRate, updateBurst float64
	updated, update429      int
}

// update answers chat.update under its Tier 3 limit.
func (f *limitedSlack) update(w http.ResponseWriter) {
	f.mu.Lock()
	ok, wait := f.updates.take(time.Now())
	if !ok {
		f.update429++
		f.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"ok": false, "error": "ratelimited"}`)
		return
	}
	f.updated++
	f.mu.Unlock()
	io.WriteString(w, `{"ok": true, "channel": "C1", "ts": "1.000001", "text": ""}`)
}

// reset forgets the requests counted and the limits' state, keeping the
// messages, as limitedDiscord.reset does.
func (f *limitedSlack) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.workspace = tokens{rate: f.workspaceRate, burst: f.workspaceRate}
	f.channels = map[string]*tokens{}
	f.updates = tokens{rate: f.updateRate, burst: f.updateBurst}
	f.ok, f.looks, f.channel429, f.workspace429, f.updated, f.update429 = 0, 0, 0, 0, 0, 0
	for ch := range f.posted {
		f.posted[ch] = 0
	}
}

func newLimitedSlack(workspaceRate float64) *limitedSlack {
	return &limitedSlack{
		workspaceRate: workspaceRate,
		workspace:     tokens{rate: workspaceRate, burst: workspaceRate},
		updateRate:    50.0 / 60, updateBurst: 50,
		updates:  tokens{rate: 50.0 / 60, burst: 50},
		channels: map[string]*tokens{},
		posted:   map[string]int{},
		threads:  map[string]int{},
	}
}

func (f *limitedSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "auth.test":
		io.WriteString(w, `{"ok": true, "url": "https://bench.slack.com/", "team": "bench", "user": "paperboy", "team_id": "T1", "user_id": "U42", "bot_id": "B42"}`)
		return
	case "conversations.history", "conversations.replies":
		// The look before a delivery's first post: nothing there yet.
		// Slack puts these in Tier 3 (50+ a minute per method); the fake
		// does not limit them, so the table measures the posts' limits.
		f.mu.Lock()
		f.looks++
		f.mu.Unlock()
		io.WriteString(w, `{"ok": true, "messages": [], "has_more": false}`)
		return
	case "chat.postMessage":
	case "chat.update":
		f.update(w)
		return
	default:
		io.WriteString(w, `{"ok": false, "error": "unknown_method"}`)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, `{"ok": false, "error": "invalid_form_data"}`, http.StatusBadRequest)
		return
	}
	channel, thread := r.PostForm.Get("channel"), r.PostForm.Get("thread_ts")
	if channel == "" {
		io.WriteString(w, `{"ok": false, "error": "channel_not_found"}`)
		return
	}
	now := time.Now()
	f.mu.Lock()
	ch := f.channels[channel]
	if ch == nil {
		ch = &tokens{rate: slackChannelRate, burst: slackChannelBurst}
		f.channels[channel] = ch
	}
	// Both buckets must have room; a request refused by one takes nothing
	// from the other.
	okW, waitW := f.workspace.take(now)
	okC, waitC := ch.take(now)
	switch {
	case !okW || !okC:
		if okW {
			f.workspace.have++
		}
		if okC {
			ch.have++
		}
		if !okC {
			f.channel429++
		} else {
			f.workspace429++
		}
		f.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(max(waitW, waitC).Seconds())))))
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"ok": false, "error": "ratelimited"}`)
		return
	}
	f.ok++
	f.seq++
	f.posted[channel]++
	if thread != "" {
		f.threads[channel]++
	}
	ts := fmt.Sprintf("%d.%06d", now.Unix(), f.seq%1000000)
	f.mu.Unlock()
	fmt.Fprintf(w, `{"ok": true, "channel": %q, "ts": %q, "message": {"type": "message", "user": "U42", "bot_id": "B42", "ts": %q}}`,
		channel, ts, ts)
}

// floor is the least time the messages the fake accepted could have taken
// under its limits with no 429: the workspace bucket, and each channel's.
func (f *limitedSlack) floor() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	floor := tokensFloor(f.ok, f.workspaceRate, f.workspaceRate)
	for _, n := range f.posted {
		floor = max(floor, tokensFloor(n, slackChannelRate, slackChannelBurst))
	}
	if f.updated > 0 {
		floor = max(floor, tokensFloor(f.updated, f.updateRate, f.updateBurst))
	}
	return floor
}
