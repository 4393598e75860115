package hf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"paperboy/adapters/hf"
	"paperboy/bot"
)

// now is the fixed clock of the tests.
var now = time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)

// FakeHF stands in for the Hugging Face API. Request n is answered by
// answers[n], and the last answer repeats.
type FakeHF struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	answers  []http.HandlerFunc
}

// MustOpenHF starts a FakeHF that is closed when the test ends.
func MustOpenHF(tb testing.TB, answers ...http.HandlerFunc) *FakeHF {
	tb.Helper()
	f := &FakeHF{answers: answers}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	return f
}

// serve records the request and hands it to the next answer.
func (f *FakeHF) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	n := min(len(f.requests), len(f.answers)-1)
	f.requests = append(f.requests, r)
	answer := f.answers[n]
	f.mu.Unlock()
	answer(w, r)
}

// Requests returns the requests received so far.
func (f *FakeHF) Requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

// Sleeper records the waits the client asks for instead of waiting.
type Sleeper struct {
	mu    sync.Mutex
	Waits []time.Duration
	// Func, when set, runs on every wait.
	Func func(ctx context.Context) error
}

// Sleep records d and returns ctx's error, if any.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.Waits = append(s.Waits, d)
	s.mu.Unlock()
	if s.Func != nil {
		return s.Func(ctx)
	}
	return ctx.Err()
}

// NewClient returns a client of f that never sleeps, runs on the test clock
// and logs to the returned buffer.
func NewClient(f *FakeHF) (*hf.Client, *Sleeper, *bytes.Buffer) {
	c := hf.New(f.URL)
	s := &Sleeper{}
	c.Sleep = s.Sleep
	c.Now = func() time.Time { return now }
	var logs bytes.Buffer
	c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return c, s, &logs
}

// serveFile answers with a testdata file, as HF would.
func serveFile(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		serveJSON(string(b))(w, r)
	}
}

// serveJSON answers with body.
func serveJSON(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("RateLimit", `"api";r=499;t=300`)
		fmt.Fprint(w, body)
	}
}

// serveStatus answers with an error status, the given headers (name, value,
// …) and a JSON error body.
func serveStatus(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":"status %d"}`, code)
	}
}

// items returns a daily_papers array of n papers with ids from 2608.first.
func items(first, n, upvotes int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"paper":{"id":"2608.%05d","title":"Paper %d","upvotes":%d,`+
			`"submittedOnDailyAt":"2026-08-19T00:00:00.000Z","authors":[{"name":"A","hidden":false}]},"numComments":0}`,
			first+i, first+i, upvotes)
	}
	b.WriteString("]")
	return b.String()
}

// concat joins JSON arrays into one.
func concat(arrays ...string) string {
	var elems []string
	for _, a := range arrays {
		if a = strings.TrimSpace(a); len(a) > 2 {
			elems = append(elems, a[1:len(a)-1])
		}
	}
	return "[" + strings.Join(elems, ",") + "]"
}

// MustCode fails the test unless err has the code and its message contains
// every part.
func MustCode(tb testing.TB, err error, code string, parts ...string) {
	tb.Helper()
	if got, want := bot.ErrorCode(err), code; got != want {
		tb.Fatalf("code=%q, want %q (err %v)", got, want, err)
	}
	for _, part := range parts {
		if msg := bot.ErrorMessage(err); !strings.Contains(msg, part) {
			tb.Fatalf("message %q does not contain %q", msg, part)
		}
	}
}

func TestClient_Fetch(t *testing.T) {
	f := MustOpenHF(t, serveFile("daily_papers_2026-08-19.json"))
	c, s, _ := NewClient(f)
	b, err := c.Fetch(context.Background(), "2026-08-19")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(b.Date, " ", b.Source, " ", len(b.Papers)), "2026-08-19 hf 26"; got != want {
		t.Fatalf("batch=%q, want %q", got, want)
	}
	for i := 1; i < len(b.Papers); i++ {
		if b.Papers[i-1].Upvotes < b.Papers[i].Upvotes {
			t.Fatalf("papers not ranked: %d before %d", b.Papers[i-1].Upvotes, b.Papers[i].Upvotes)
		}
	}
	if got, want := b.Papers[0].ID, "2608.17271"; got != want {
		t.Fatalf("top paper=%q, want %q", got, want)
	}
	reqs := f.Requests()
	if got, want := len(reqs), 1; got != want {
		t.Fatalf("requests=%d, want %d", got, want)
	}
	r := reqs[0]
	if got, want := r.URL.Path+"?"+r.URL.RawQuery, "/api/daily_papers?date=2026-08-19&limit=100&p=0"; got != want {
		t.Fatalf("request=%q, want %q", got, want)
	}
	if got, want := r.Header.Get("User-Agent"), hf.DefaultUserAgent; got != want {
		t.Fatalf("User-Agent=%q, want %q", got, want)
	}
	if got, want := r.Header.Get("Authorization"), ""; got != want {
		t.Fatalf("Authorization=%q, want %q", got, want)
	}
	if got, want := len(s.Waits), 0; got != want {
		t.Fatalf("waits=%d, want %d", got, want)
	}
}

func TestClient_Fetch_Token(t *testing.T) {
	const token = "hf_SECRETtoken123"
	f := MustOpenHF(t, serveStatus(http.StatusServiceUnavailable))
	c, _, logs := NewClient(f)
	c.Token = token
	_, err := c.Fetch(context.Background(), "2026-08-19")
	MustCode(t, err, bot.EUNAVAILABLE)
	if got, want := f.Requests()[0].Header.Get("Authorization"), "Bearer "+token; got != want {
		t.Fatalf("Authorization=%q, want %q", got, want)
	}
	c.Logger.Info("client", "client", c)
	for name, text := range map[string]string{
		"error": err.Error(), "logs": logs.String(), "%v": fmt.Sprint(c, *c), "%+v": fmt.Sprintf("%+v %+v", c, *c), "%#v": fmt.Sprintf("%#v", *c),
	} {
		if strings.Contains(text, token) {
			t.Fatalf("token leaked into %s: %s", name, text)
		}
	}
	if !strings.Contains(logs.String(), "REDACTED") {
		t.Fatalf("logged client shows no REDACTED token: %s", logs)
	}
}

func TestClient_Fetch_Paging(t *testing.T) {
	f := MustOpenHF(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("p") {
		case "0":
			serveJSON(items(1, 100, 5))(w, r)
		case "1": // one new paper, and a copy of page 0's first with more votes
			serveJSON(concat(items(101, 1, 7), items(1, 1, 9)))(w, r)
		default:
			serveJSON(`[]`)(w, r)
		}
	})
	c, _, _ := NewClient(f)
	b, err := c.Fetch(context.Background(), "2026-08-19")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(b.Papers), 101; got != want {
		t.Fatalf("papers=%d, want %d", got, want)
	}
	if got, want := b.Papers[0].ID+" "+strconv.Itoa(b.Papers[0].Upvotes), "2608.00001 9"; got != want {
		t.Fatalf("top paper=%q, want %q (the copy with more votes, ranked first)", got, want)
	}
	var pages []string
	for _, r := range f.Requests() {
		pages = append(pages, r.URL.Query().Get("p"))
	}
	if got, want := strings.Join(pages, ","), "0,1"; got != want {
		t.Fatalf("pages=%q, want %q", got, want)
	}
}

func TestClient_Fetch_PagingStopsOnRepeats(t *testing.T) {
	f := MustOpenHF(t, serveJSON(items(1, 100, 5))) // ignores p
	c, _, _ := NewClient(f)
	b, err := c.Fetch(context.Background(), "2026-08-19")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(len(b.Papers), " ", len(f.Requests())), "100 2"; got != want {
		t.Fatalf("papers requests=%q, want %q", got, want)
	}
}

func TestClient_Fetch_Retry(t *testing.T) {
	ok := serveFile("daily_papers_2026-08-19.json")
	tests := []struct {
		name     string
		first    http.HandlerFunc
		min, max time.Duration // bounds of the one wait
	}{
		{"RetryAfterSeconds", serveStatus(429, "Retry-After", "7"), 7 * time.Second, 7 * time.Second},
		{"RetryAfterDate", serveStatus(429, "Retry-After", now.Add(30*time.Second).Format(http.TimeFormat)), 30 * time.Second, 30 * time.Second},
		{"RateLimitHeader", serveStatus(429, "RateLimit", `"api";r=0;t=42`, "RateLimit-Policy", `"fixed window";"api";q=500;w=300`), 42 * time.Second, 42 * time.Second},
		{"TooManyNoHint", serveStatus(429), 500 * time.Millisecond, time.Second},
		{"ServiceUnavailable", serveStatus(503, "RateLimit", `"api";r=450;t=290`), 500 * time.Millisecond, time.Second},
		{"BadGatewayRetryAfter", serveStatus(502, "Retry-After", "3"), 3 * time.Second, 3 * time.Second},
		{"HTMLWith200", serveJSON("<html>upstream error</html>"), 500 * time.Millisecond, time.Second},
		{"CutOffBody", cutOff, 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustOpenHF(t, tt.first, ok)
			c, s, _ := NewClient(f)
			b, err := c.Fetch(context.Background(), "2026-08-19")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(b.Papers), 26; got != want {
				t.Fatalf("papers=%d, want %d", got, want)
			}
			if got, want := len(f.Requests()), 2; got != want {
				t.Fatalf("requests=%d, want %d", got, want)
			}
			if len(s.Waits) != 1 || s.Waits[0] < tt.min || s.Waits[0] > tt.max {
				t.Fatalf("waits=%v, want one in [%v, %v]", s.Waits, tt.min, tt.max)
			}
		})
	}
}

// cutOff sends half of the body it promises, as when the connection drops
// mid-answer.
func cutOff(w http.ResponseWriter, r *http.Request) {
	body := items(1, 3, 1)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	fmt.Fprint(w, body[:len(body)/2])
}

func TestClient_Fetch_Unavailable(t *testing.T) {
	f := MustOpenHF(t, serveStatus(http.StatusServiceUnavailable))
	c, s, _ := NewClient(f)
	c.MaxAttempts = 3
	_, err := c.Fetch(context.Background(), "2026-08-19")
	MustCode(t, err, bot.EUNAVAILABLE, "Hugging Face did not answer for 2026-08-19 after 3 tries (last: HTTP 503); try again later.")
	if got, want := len(f.Requests()), 3; got != want {
		t.Fatalf("requests=%d, want %d", got, want)
	}
	if got, want := len(s.Waits), 2; got != want {
		t.Fatalf("waits=%v, want %d", s.Waits, want)
	}
	for i, w := range s.Waits {
		full := time.Second << i
		if w < full/2 || w > full {
			t.Fatalf("wait %d=%v, want in [%v, %v]", i, w, full/2, full)
		}
	}
}

func TestClient_Fetch_ConnectionError(t *testing.T) {
	f := MustOpenHF(t, serveStatus(http.StatusOK))
	f.Close()
	c, s, _ := NewClient(f)
	_, err := c.Fetch(context.Background(), "2026-08-19")
	MustCode(t, err, bot.EUNAVAILABLE, "after 4 tries (last: connection error)")
	if got, want := len(s.Waits), 3; got != want {
		t.Fatalf("waits=%d, want %d", got, want)
	}
}

func TestClient_Fetch_Errors(t *testing.T) {
	tests := []struct {
		name     string
		date     string
		answer   http.HandlerFunc
		code     string
		message  string
		requests int
	}{
		{"ErrBadRequest", "2026-08-19", serveStatus(400), bot.EINVALID, "2026-08-19", 1},
		{"ErrMalformedDate", "2026-13-01", serveStatus(500), bot.EINVALID, "2026-13-01", 0},
		{"ErrWeekend", "2026-08-22", serveJSON(`[]`), bot.ENOBATCH,
			"2026-08-22 is a weekend; Hugging Face publishes no papers on weekends.", 1},
		{"ErrWeekdayEmpty", "2026-08-21", serveJSON(`[]`), bot.ENOBATCH,
			"Hugging Face has published no papers for 2026-08-21 yet", 1},
		{"ErrAllSkipped", "2026-08-19", serveJSON(`[null, "x", {"paper":{"id":2608.1,"title":"T"}}]`), bot.EUNAVAILABLE,
			"listed 3 papers for 2026-08-19, but none of them could be read", 1},
		{"ErrRateLimitTooLong", "2026-08-19", serveStatus(429, "Retry-After", "600"), bot.EUNAVAILABLE,
			"wait 10m0s before asking again for 2026-08-19", 1},
		{"ErrNotFound", "2026-08-19", serveStatus(404), bot.EUNAVAILABLE, "HTTP 404", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustOpenHF(t, tt.answer)
			c, s, _ := NewClient(f)
			_, err := c.Fetch(context.Background(), tt.date)
			MustCode(t, err, tt.code, tt.message)
			if got, want := len(f.Requests()), tt.requests; got != want {
				t.Fatalf("requests=%d, want %d", got, want)
			}
			if got, want := len(s.Waits), 0; got != want {
				t.Fatalf("waits=%v, want none", s.Waits)
			}
		})
	}
}

func TestClient_Fetch_Logs(t *testing.T) {
	t.Run("WeekdayEmpty", func(t *testing.T) {
		f := MustOpenHF(t, serveJSON(`[]`))
		c, _, logs := NewClient(f)
		_, _ = c.Fetch(context.Background(), "2026-08-21")
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "date=2026-08-21") {
			t.Fatalf("no warning for an empty weekday: %s", logs)
		}
	})
	t.Run("SkippedItem", func(t *testing.T) {
		f := MustOpenHF(t, serveJSON(concat(items(1, 2, 1), `[{"paper":{"id":"bogus","title":"T"}}]`)))
		c, _, logs := NewClient(f)
		b, err := c.Fetch(context.Background(), "2026-08-19")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(b.Papers), 2; got != want {
			t.Fatalf("papers=%d, want %d", got, want)
		}
		if !strings.Contains(logs.String(), `where="item 3 (bogus)"`) {
			t.Fatalf("skipped item not logged: %s", logs)
		}
	})
}

func TestClient_Fetch_ContextCancel(t *testing.T) {
	t.Run("DuringWait", func(t *testing.T) {
		f := MustOpenHF(t, serveStatus(http.StatusServiceUnavailable))
		c, s, _ := NewClient(f)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.Func = func(ctx context.Context) error {
			cancel()
			return ctx.Err()
		}
		_, err := c.Fetch(ctx, "2026-08-19")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err=%v, want %v", err, context.Canceled)
		}
		if got, want := len(f.Requests()), 1; got != want {
			t.Fatalf("requests=%d, want %d", got, want)
		}
	})
	t.Run("Before", func(t *testing.T) {
		f := MustOpenHF(t, serveFile("daily_papers_2026-08-19.json"))
		c, _, _ := NewClient(f)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Fetch(ctx, "2026-08-19"); !errors.Is(err, context.Canceled) {
			t.Fatalf("err=%v, want %v", err, context.Canceled)
		}
		if got, want := len(f.Requests()), 0; got != want {
			t.Fatalf("requests=%d, want %d", got, want)
		}
	})
	t.Run("RealSleep", func(t *testing.T) {
		f := MustOpenHF(t, serveStatus(429, "Retry-After", "30"))
		c, _, _ := NewClient(f)
		c.Sleep = nil // the real, ctx-aware wait
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := c.Fetch(ctx, "2026-08-19"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err=%v, want %v", err, context.DeadlineExceeded)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Fatalf("Fetch took %v after its context ended", elapsed)
		}
	})
}

func TestClient_Name(t *testing.T) {
	var src bot.Source = hf.New("")
	if got, want := src.Name(), "hf"; got != want {
		t.Fatalf("Name=%q, want %q", got, want)
	}
	if got, want := hf.New("").BaseURL, hf.DefaultBaseURL; got != want {
		t.Fatalf("BaseURL=%q, want %q", got, want)
	}
	if c := hf.New(""); c.HTTPClient == nil || c.HTTPClient.Timeout == 0 || c.HTTPClient == http.DefaultClient {
		t.Fatal("New must give the client its own HTTP client with a timeout")
	}
}
