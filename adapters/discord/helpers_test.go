package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

var update = flag.Bool("update", false, "update golden files")

// testNow is the tests' clock: the morning of the fixture's batch.
var testNow = time.Date(2026, 8, 19, 9, 0, 0, 0, time.UTC)

// syncBuffer is a log sink safe for the adapter's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is an Adapter wired to a fake Discord, with a signing key.
type env struct {
	f    *fakeDiscord
	a    *Adapter
	priv ed25519.PrivateKey
	logs *syncBuffer

	mu     sync.Mutex
	sleeps []time.Duration
}

// newEnv returns an Adapter in HTTP mode on a fake Discord, answering with
// h. Retries do not sleep: they record how long they would have. DeferAfter
// and ReplyTimeout are an hour unless cfg changes them, so that no test
// depends on the clock unless it means to.
func newEnv(t *testing.T, h Handler, cfg ...func(*Config)) *env {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{f: newFakeDiscord(t), priv: priv, logs: &syncBuffer{}}
	c := Config{
		Token: testToken, ApplicationID: "1000", PublicKey: hex.EncodeToString(pub), Mode: ModeHTTP,
		APIBaseURL: e.f.srv.URL, HTTPClient: e.f.srv.Client(), GuildIDs: []string{"77"},
		Logger:     slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		DeferAfter: time.Hour, ReplyTimeout: time.Hour, Now: func() time.Time { return testNow },
	}
	for _, fn := range cfg {
		fn(&c)
	}
	if e.a, err = New(c, h); err != nil {
		t.Fatal(err)
	}
	e.a.sleep = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.sleeps = append(e.sleeps, d)
		e.mu.Unlock()
		return ctx.Err()
	}
	t.Cleanup(func() {
		e.a.work.Wait()
		e.f.checkSent(t) // every payload of every test keeps the limits
		if logs := e.logs.String(); strings.Contains(logs, testToken) || strings.Contains(logs, "itoken") {
			t.Errorf("a token leaked into the logs:\n%s", logs)
		}
	})
	return e
}

// slept returns the retry waits so far.
func (e *env) slept() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// post sends a signed interaction to the handler and returns the recorder.
func (e *env) post(t *testing.T, interaction any) *httptest.ResponseRecorder {
	t.Helper()
	body, err := json.Marshal(interaction)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	e.a.InteractionsHandler().ServeHTTP(w, signed(e.priv, testNow, body))
	return w
}

// signed returns a POST of body signed with priv at time ts, as Discord
// sends it.
func signed(priv ed25519.PrivateKey, ts time.Time, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	stamp := strconv.FormatInt(ts.Unix(), 10)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...))))
	r.Header.Set("X-Signature-Timestamp", stamp)
	return r
}

// fixturePapers reads the Hugging Face daily papers of 2026-08-19 from
// testdata, decoding the few fields a card needs.
func fixturePapers(t testing.TB) []bot.Paper {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "daily_papers_2026-08-19.json"))
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Thumbnail string `json:"thumbnail"`
		Paper     struct {
			ID          string    `json:"id"`
			Title       string    `json:"title"`
			Summary     string    `json:"summary"`
			Upvotes     int       `json:"upvotes"`
			PublishedAt time.Time `json:"publishedAt"`
			GitHubRepo  string    `json:"githubRepo"`
			ProjectPage string    `json:"projectPage"`
			AISummary   string    `json:"ai_summary"`
			AIModel     string    `json:"ai_summary_model"`
			Authors     []struct {
				Name string `json:"name"`
			} `json:"authors"`
		} `json:"paper"`
	}
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	papers := make([]bot.Paper, len(items))
	for i, it := range items {
		p := bot.Paper{
			ID: it.Paper.ID, Title: it.Paper.Title, Abstract: it.Paper.Summary, Upvotes: it.Paper.Upvotes,
			Published: it.Paper.PublishedAt, GitHubURL: it.Paper.GitHubRepo, ProjectURL: it.Paper.ProjectPage,
			HFURL: "https://huggingface.co/papers/" + it.Paper.ID, Thumbnail: it.Thumbnail,
			AISummary: it.Paper.AISummary, AISummaryModel: it.Paper.AIModel,
		}
		for _, a := range it.Paper.Authors {
			p.Authors = append(p.Authors, a.Name)
		}
		p.FillLinks()
		papers[i] = p
	}
	return papers
}

// newEngine returns an engine over an in-memory store holding the fixture
// batch.
func newEngine(t testing.TB) *bot.Engine {
	t.Helper()
	st := bottest.NewStore()
	if _, err := st.SaveBatch(context.Background(), bot.Batch{Date: "2026-08-19", Source: "hf", Papers: fixturePapers(t)}); err != nil {
		t.Fatal(err)
	}
	return &bot.Engine{Store: st, Now: func() time.Time { return testNow }}
}

// goldenJSON compares the payloads with testdata/name.golden, written as
// one indented JSON array; -update rewrites the file.
func goldenJSON(t *testing.T, name string, payloads []json.RawMessage) {
	t.Helper()
	got, err := json.MarshalIndent(payloads, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
	}
}

// bodies returns the bodies of recorded requests.
func bodies(reqs []recorded) []json.RawMessage {
	out := make([]json.RawMessage, len(reqs))
	for i, r := range reqs {
		out[i] = r.Body
	}
	return out
}

// lastID numbers the interactions the tests build: each has an id of its
// own, as Discord's do, since an id is answered once.
var lastID atomic.Int64

// interaction builds an interaction as Discord sends it.
func interaction(typ int, data map[string]any) map[string]any {
	return map[string]any{
		"id": strconv.FormatInt(5000+lastID.Add(1), 10), "application_id": "1000", "type": typ, "token": "itoken-abc.def",
		"version": 1, "guild_id": "77", "channel_id": "300", "app_permissions": "2248473465835073",
		"locale": "en-US", "guild_locale": "en-US", "data": data,
		"member": map[string]any{
			"permissions": "2248473465835073", "roles": []string{}, "joined_at": "2025-01-01T00:00:00Z",
			"user": map[string]any{"id": "600", "username": "reader", "global_name": "Reader"},
		},
	}
}

// slash builds a /papers <sub> interaction with string options.
func slash(sub string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	return interaction(2, map[string]any{
		"id": "1100", "name": "papers", "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": opts}},
	})
}

// opt is a string option.
func opt(name, value string) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": value}
}

// button builds a button press with a custom id.
func button(customID string) map[string]any {
	i := interaction(3, map[string]any{"custom_id": customID, "component_type": 2})
	i["message"] = map[string]any{"id": "8000", "channel_id": "300", "content": "", "flags": 64,
		"author": map[string]any{"id": fakeBotID, "username": "paperboy", "bot": true}, "timestamp": "2026-08-19T08:00:00Z"}
	return i
}

// decode decodes a response body.
func decode(t *testing.T, w *httptest.ResponseRecorder) payload {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	checkLimits(t, w.Body.Bytes())
	var p payload
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}
