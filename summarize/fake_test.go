package summarize

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeLLM is an httptest stand-in for the OpenAI chat completions API
// (POST /v1/chat/completions), speaking its wire format. Each test scripts
// the replies with reply; the fake records every request it gets.
type fakeLLM struct {
	srv   *httptest.Server
	reply func(w http.ResponseWriter, r *http.Request, n int) // n counts from 1

	mu       sync.Mutex
	requests []fakeRequest

	calls       atomic.Int32
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
}

// fakeRequest is what the fake received.
type fakeRequest struct {
	Method, Path, Auth, ContentType string
	Body                            map[string]any
}

// newFakeLLM starts a fake whose replies come from reply.
func newFakeLLM(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, n int)) *fakeLLM {
	t.Helper()
	f := &fakeLLM{reply: reply}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	n := int(f.calls.Add(1))
	cur := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		old := f.maxInFlight.Load()
		if cur <= old || f.maxInFlight.CompareAndSwap(old, cur) {
			break
		}
	}
	req := fakeRequest{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"),
		ContentType: r.Header.Get("Content-Type")}
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &req.Body)
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	f.reply(w, r, n)
}

// URL is the base URL to configure, with its /v1.
func (f *fakeLLM) URL() string { return f.srv.URL + "/v1" }

// Host is the host:port that errors should name.
func (f *fakeLLM) Host() string {
	u, _ := url.Parse(f.srv.URL)
	return u.Host
}

// Calls is the number of requests received.
func (f *fakeLLM) Calls() int { return int(f.calls.Load()) }

// Request returns the i-th request received.
func (f *fakeLLM) Request(t *testing.T, i int) fakeRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.requests) {
		t.Fatalf("request %d: the fake got only %d", i, len(f.requests))
	}
	return f.requests[i]
}

// answer replies like OpenAI's chat completions endpoint does.
func answer(content string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) { writeAnswer(w, content) }
}

func writeAnswer(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1760000000,"model":"m",`+
		`"choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],`+
		`"usage":{"prompt_tokens":300,"completion_tokens":25,"total_tokens":325}}`, content)
}

// status replies with code, a JSON body and optional header pairs.
func status(code int, body string, header ...string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// sequence replies with the i-th reply to the i-th request, and the last
// one after that.
func sequence(replies ...func(http.ResponseWriter, *http.Request, int)) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		replies[min(n, len(replies))-1](w, r, n)
	}
}

// Real error bodies of OpenAI-compatible servers (llama.cpp, vLLM, OpenAI, a proxy).
const (
	llamaCppLoading = `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`
	vLLMBadRequest  = `{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}`
	stringError     = `{"error":"model not found"}`
	openAIRateLimit = `{"error":{"message":"Rate limit reached for gpt-4o-mini.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`
	proxyHTML502    = `<html><body><h1>502 Bad Gateway</h1></body></html>`
)

// testClient returns a Client for the fake whose waits between attempts
// return at once and are recorded.
func testClient(t *testing.T, f *fakeLLM, edit ...func(*Config)) (*Client, *sleepLog) {
	t.Helper()
	cfg := Config{BaseURL: f.URL(), Model: "llama3.1:8b", Timeout: 5 * time.Second}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	sl := &sleepLog{}
	c.sleep = sl.sleep
	return c, sl
}

// sleepLog records the waits a Client asked for, without waiting.
type sleepLog struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) Delays() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}
