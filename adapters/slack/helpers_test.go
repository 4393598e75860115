package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

var update = flag.Bool("update", false, "update golden files")

// waitLimit only bounds how long a broken test hangs; passing tests never
// come near it.
const waitLimit = 10 * time.Second

// checkMessage asserts what every message paperboy sends must satisfy,
// whichever way it goes (chat.postMessage form, response_url JSON): a text
// fallback, unfurls off, every Block Kit limit, and mrkdwn in which paper
// text can neither ping, link, nor break the markup.
func checkMessage(t *testing.T, m map[string]any) {
	t.Helper()
	text, _ := m["text"].(string)
	if text == "" || size(text) > maxFallback {
		t.Errorf("text fallback has %d chars, want 1..%d", size(text), maxFallback)
	}
	checkMrkdwn(t, "text", text)
	for _, k := range []string{"unfurl_links", "unfurl_media"} {
		if v, ok := m[k]; !ok || (v != false && v != "false") {
			t.Errorf("%s=%v, want false", k, v)
		}
	}
	blocks, _ := m["blocks"].([]any)
	if len(blocks) == 0 || len(blocks) > maxBlocks {
		t.Fatalf("%d blocks, want 1..%d", len(blocks), maxBlocks)
	}
	ids, total := map[string]bool{}, 0
	for i, b := range blocks {
		block, _ := b.(map[string]any)
		if id, _ := block["block_id"].(string); id != "" {
			if ids[id] || len(id) > maxID {
				t.Errorf("block %d: block_id %q repeated or too long", i, id)
			}
			ids[id] = true
		}
		total += checkBlock(t, i, block)
	}
	if total > maxMessageText {
		t.Errorf("message holds %d chars of text, want ≤ %d", total, maxMessageText)
	}
}

// checkBlock checks one block and returns how much text it holds.
func checkBlock(t *testing.T, i int, b map[string]any) int {
	t.Helper()
	switch b["type"] {
	case "header":
		return checkText(t, i, b["text"], "plain_text", maxHeaderText)
	case "section":
		if f, _ := b["fields"].([]any); len(f) > 0 {
			t.Errorf("block %d: section fields are not used", i)
		}
		return checkText(t, i, b["text"], "mrkdwn", maxSectionText)
	case "context":
		elems, _ := b["elements"].([]any)
		if len(elems) == 0 || len(elems) > maxContextItems {
			t.Errorf("block %d: %d context elements, want 1..%d", i, len(elems), maxContextItems)
		}
		n := 0
		for _, e := range elems {
			n += checkText(t, i, e, "mrkdwn", maxContextText)
		}
		return n
	case "actions":
		return checkActions(t, i, b)
	default:
		t.Errorf("block %d: unexpected type %v", i, b["type"])
		return 0
	}
}

func checkText(t *testing.T, i int, v any, typ string, limit int) int {
	t.Helper()
	obj, _ := v.(map[string]any)
	text, _ := obj["text"].(string)
	if obj["type"] != typ || text == "" || size(text) > limit {
		t.Errorf("block %d: %v text of %d chars, want %s of 1..%d", i, obj["type"], size(text), typ, limit)
	}
	if typ == "mrkdwn" {
		checkMrkdwn(t, "block "+strconv.Itoa(i), text)
	}
	return size(text)
}

func checkActions(t *testing.T, i int, b map[string]any) int {
	t.Helper()
	elems, _ := b["elements"].([]any)
	if len(elems) == 0 || len(elems) > maxActionItems {
		t.Errorf("block %d: %d buttons, want 1..%d", i, len(elems), maxActionItems)
	}
	seen, n := map[string]bool{}, 0
	for _, e := range elems {
		btn, _ := e.(map[string]any)
		id, _ := btn["action_id"].(string)
		value, _ := btn["value"].(string)
		if id == "" || len(id) > maxID || seen[id] {
			t.Errorf("block %d: action_id %q empty, too long or repeated", i, id)
		}
		seen[id] = true
		if _, _, err := bot.DecodeAction(value); err != nil || len(value) > maxButtonValue {
			t.Errorf("block %d: button %q has value %q: %v", i, id, value, err)
		}
		n += checkText(t, i, btn["text"], "plain_text", 75)
	}
	return n
}

// linkRE is the only markup allowed in mrkdwn: a link with escaped text.
var linkRE = regexp.MustCompile(`<https?://[^<>|\s]+\|[^<>|]*>`)

// checkMrkdwn fails on anything in mrkdwn that could ping or mark up
// besides paperboy's own links: "<!…>", "<@…>", "<#…>", stray < or >, and
// unescaped &.
func checkMrkdwn(t *testing.T, where, s string) {
	t.Helper()
	for _, bad := range []string{"<!", "<@", "<#"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s: %q can ping: %.120q", where, bad, s)
		}
	}
	rest := linkRE.ReplaceAllString(s, "")
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("%s: unescaped < or > outside a link: %.120q", where, rest)
	}
	rest = strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(s)
	if strings.Contains(rest, "&") {
		t.Errorf("%s: unescaped &: %.120q", where, s)
	}
}

// jsonMessage decodes a response_url payload for checkMessage.
func jsonMessage(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	return m
}

// formMessage turns a chat.postMessage form into the message it posts, for
// checkMessage and golden files. The token is left out.
func formMessage(t *testing.T, f url.Values) map[string]any {
	t.Helper()
	m := map[string]any{}
	for k := range f {
		if k != "token" {
			m[k] = f.Get(k)
		}
	}
	for _, k := range []string{"blocks", "metadata"} {
		if s := f.Get(k); s != "" {
			var v any
			if err := json.Unmarshal([]byte(s), &v); err != nil {
				t.Errorf("decode %s: %v", k, err)
			}
			m[k] = v
		}
	}
	return m
}

// receiver stands in for response_urls: it records every POST, checking
// each message.
type receiver struct {
	t   *testing.T
	srv *httptest.Server
	got chan map[string]any
	// status, when set, answers the POSTs that many times with it.
	mu     sync.Mutex
	status []int
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, got: make(chan map[string]any, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	var m map[string]any
	if err := json.NewDecoder(req.Body).Decode(&m); err != nil {
		r.t.Errorf("response_url got a body that is not JSON: %v", err)
	}
	if ct := req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Errorf("response_url Content-Type %q, want JSON", ct)
	}
	r.mu.Lock()
	status := http.StatusOK
	if len(r.status) > 0 {
		status, r.status = r.status[0], r.status[1:]
	}
	r.mu.Unlock()
	if status != http.StatusOK {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(status)
		return
	}
	checkMessage(r.t, m)
	r.got <- m
	_, _ = w.Write([]byte("ok"))
}

// URL is a response_url.
func (r *receiver) URL() string { return r.srv.URL + "/hooks/T1/B1/secret" }

// next returns the next message posted.
func (r *receiver) next() map[string]any {
	r.t.Helper()
	select {
	case m := <-r.got:
		return m
	case <-time.After(waitLimit):
		r.t.Fatal("no message on the response_url")
		return nil
	}
}

// testKit is what newTestAdapter puts around an Adapter: a fake clock,
// advanced by the adapter's own Sleep calls, which it records, and a buffer
// holding the adapter's logs.
type testKit struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
	logs  bytes.Buffer
}

// Now is Config.Now: the fake time.
func (k *testKit) Now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.now
}

// Sleep is Config.Sleep: it records d and moves the clock on, at once.
func (k *testKit) Sleep(ctx context.Context, d time.Duration) error {
	k.mu.Lock()
	k.waits = append(k.waits, d)
	k.now = k.now.Add(d)
	k.mu.Unlock()
	return ctx.Err()
}

func (k *testKit) all() []time.Duration {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]time.Duration(nil), k.waits...)
}

// Write collects log output.
func (k *testKit) Write(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.logs.Write(p)
}

func (k *testKit) logged() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.logs.String()
}

// testStart is the fake clock's start: noon on the fixture day.
var testStart = time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)

// newTestAdapter returns an Adapter with a fake clock and sleep, logs in a
// buffer, and a shutdown at the end of the test that waits for the answers
// in flight.
func newTestAdapter(t *testing.T, cfg Config, h Handler) (*Adapter, *testKit) {
	t.Helper()
	k := &testKit{now: testStart}
	cfg.Sleep, cfg.Now = k.Sleep, k.Now
	cfg.Logger = slog.New(slog.NewTextHandler(k, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.BotToken == "" {
		cfg.BotToken = "xoxb-test-token"
	}
	a, err := New(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.shutdown)
	return a, k
}

// fixturePapers reads the real HF Daily Papers batch of 2026-08-19.
func fixturePapers(t testing.TB) []bot.Paper {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "daily_papers_2026-08-19.json"))
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Paper struct {
			ID, Title, Summary string
			AISummary          string `json:"ai_summary"`
			AISummaryModel     string `json:"ai_summary_model"`
			GithubRepo         string `json:"githubRepo"`
			ProjectPage        string `json:"projectPage"`
			Upvotes            int
			PublishedAt        time.Time `json:"publishedAt"`
			Authors            []struct{ Name string }
		}
	}
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	papers := make([]bot.Paper, 0, len(items))
	for _, it := range items {
		p := bot.Paper{
			ID: it.Paper.ID, Title: it.Paper.Title, Abstract: it.Paper.Summary, Upvotes: it.Paper.Upvotes,
			Published: it.Paper.PublishedAt, HFURL: "https://huggingface.co/papers/" + it.Paper.ID,
			GitHubURL: it.Paper.GithubRepo, ProjectURL: it.Paper.ProjectPage,
			AISummary: it.Paper.AISummary, AISummaryModel: it.Paper.AISummaryModel,
		}
		for _, a := range it.Paper.Authors {
			p.Authors = append(p.Authors, a.Name)
		}
		p.FillLinks()
		papers = append(papers, p)
	}
	return papers
}

// fixtureDate is the day of the fixture batch.
const fixtureDate = "2026-08-19"

// newEngine returns an engine over the fixture batch, with a clock on its
// day and an LLM that answers "A fine summary.".
func newEngine(t testing.TB) (*bot.Engine, []bot.Paper) {
	t.Helper()
	papers := fixturePapers(t)
	st := bottest.NewStore()
	if _, err := st.SaveBatch(context.Background(), bot.Batch{Date: fixtureDate, Source: "hf", Papers: papers}); err != nil {
		t.Fatal(err)
	}
	e := &bot.Engine{
		Store:      st,
		Summarizer: &bottest.Summarizer{Model: "m", Prompt: "v1", Answer: "A fine summary of the paper."},
		Now:        func() time.Time { return time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC) },
	}
	return e, papers
}

// buttons returns the values of the buttons with actionID in a payload.
func buttons(m map[string]any, actionID string) []string {
	var out []string
	blocks, _ := m["blocks"].([]any)
	for _, b := range blocks {
		block, _ := b.(map[string]any)
		elems, _ := block["elements"].([]any)
		for _, e := range elems {
			btn, _ := e.(map[string]any)
			if btn["action_id"] == actionID {
				out = append(out, btn["value"].(string))
			}
		}
	}
	return out
}

// allText returns the blocks of a payload as JSON, for assertions on content.
func allText(m map[string]any) string {
	data, _ := json.Marshal(m["blocks"])
	var v any
	_ = json.Unmarshal(data, &v)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}
