package summarize

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"paperboy/bot"
)

// embedServer returns an Embedder for a server running h, whose waits
// between attempts return at once.
func embedServer(t *testing.T, h http.HandlerFunc) *Embedder {
	c, _ := embedServerSleeps(t, h)
	return c
}

// embedServerSleeps is embedServer that also returns the waits made.
func embedServerSleeps(t *testing.T, h http.HandlerFunc) (*Embedder, *sleepLog) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewEmbedder(EmbedderConfig{BaseURL: srv.URL + "/v1", Model: "nomic-embed-text", APIKey: "sk-secret", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sl := &sleepLog{}
	c.sleep = sl.sleep
	return c, sl
}

func TestEmbedder(t *testing.T) {
	var auth, path string
	c := embedServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.URL.Path
		fmt.Fprint(w, `{"object":"list","model":"nomic-embed-text","data":[`+
			`{"object":"embedding","index":1,"embedding":[0,1]},{"object":"embedding","index":0,"embedding":[1,0]}]}`)
	})
	got, err := c.Embed(context.Background(), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !slices.Equal(got[0], []float32{1, 0}) || !slices.Equal(got[1], []float32{0, 1}) {
		t.Fatalf("Embed=%v, want the vectors in input order", got)
	}
	if path != "/v1/embeddings" || auth != "Bearer sk-secret" || c.EmbedModel() != "nomic-embed-text" {
		t.Fatalf("path %q auth %q model %q", path, auth, c.EmbedModel())
	}
}

func TestEmbedder_Errors(t *testing.T) {
	tests := []struct {
		name, body, want string
		status           int
	}{
		{"Missing", `{"data":[{"index":0,"embedding":[1]}]}`, "mixed or no length", 200},
		{"MixedLength", `{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[1,2]}]}`, "mixed or no length", 200},
		{"BadIndex", `{"data":[{"index":0,"embedding":[1]},{"index":5,"embedding":[1]}]}`, "not given", 200},
		{"Unauthorized", `{"error":{"message":"bad key sk-secret"}}`, `HTTP 401 ("bad key REDACTED"); check embeddings.api_key`, 401},
		{"BadRequest", `{"error":{"message":"input too long\n@everyone","type":"invalid_request_error"}}`, `HTTP 400 ("input too long @everyone")`, 400},
		{"NotFound", `{"error":"model not found"}`, "HTTP 404", 404},
		{"Garbage", `<html>`, "could not be read", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := embedServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			_, err := c.Embed(context.Background(), []string{"a", "b"})
			msg := bot.ErrorMessage(err)
			if bot.ErrorCode(err) != bot.EUNAVAILABLE || !strings.Contains(msg, tt.want) || strings.Contains(msg, "sk-secret") || strings.Contains(msg, "/v1/embeddings") {
				t.Fatalf("err=%v, want EUNAVAILABLE with %q, no key, no path", err, tt.want)
			}
		})
	}
}

func TestNewEmbedder_Invalid(t *testing.T) {
	for _, cfg := range []EmbedderConfig{{BaseURL: "ftp://x", Model: "m"}, {BaseURL: "http://x/v1"}, {BaseURL: "http://x", Model: "m", Timeout: -1}} {
		if _, err := NewEmbedder(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// vectorsBody is a good answer for two inputs.
const vectorsBody = `{"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":[0,1]}]}`

// TestEmbedder_Retry: transient failures are tried again by the retry
// policy, waiting what the server asks for; others are not.
func TestEmbedder_Retry(t *testing.T) {
	tests := []struct {
		name      string
		first     func(w http.ResponseWriter, r *http.Request)
		calls     int
		wantWaits func([]time.Duration) bool
	}{
		{"RetryAfter", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":{"message":"Rate limit reached"}}`)
		}, 2, func(d []time.Duration) bool { return slices.Equal(d, []time.Duration{7 * time.Second}) }},
		{"ServerError", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`)
		}, 2, func(d []time.Duration) bool { return len(d) == 1 && d[0] >= embedBackoff/2 && d[0] <= embedBackoff }},
		{"Timeout", func(w http.ResponseWriter, r *http.Request) {
			// Never answers: the client's timeout ends the try.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second): // only if the client never gives up
			}
		}, 2, func(d []time.Duration) bool { return len(d) == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			c, sl := embedServerSleeps(t, func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					tt.first(w, r)
					return
				}
				fmt.Fprint(w, vectorsBody)
			})
			if _, err := c.Embed(context.Background(), []string{"a", "b"}); err != nil {
				t.Fatalf("Embed: %v, want the retry to succeed", err)
			}
			if got := int(calls.Load()); got != tt.calls || !tt.wantWaits(sl.Delays()) {
				t.Fatalf("%d calls, waits %v", got, sl.Delays())
			}
		})
	}
}

func TestEmbedder_RetryEnds(t *testing.T) {
	t.Run("Persistent5xx", func(t *testing.T) {
		var calls atomic.Int64
		c, _ := embedServerSleeps(t, func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `{"error":{"message":"upstream down"}}`)
		})
		_, err := c.Embed(context.Background(), []string{"a"})
		if got := calls.Load(); got != embedAttempts || !strings.Contains(bot.ErrorMessage(err), `HTTP 502 ("upstream down")`) {
			t.Fatalf("%d calls, err %v; want %d calls and the status with the message", got, err, embedAttempts)
		}
	})
	t.Run("NotTransient", func(t *testing.T) {
		var calls atomic.Int64
		c, sl := embedServerSleeps(t, func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided: sk-secret"}}`)
		})
		_, err := c.Embed(context.Background(), []string{"a"})
		if calls.Load() != 1 || len(sl.Delays()) != 0 || !strings.Contains(bot.ErrorMessage(err), "HTTP 401") {
			t.Fatalf("%d calls, waits %v, err %v; want one call and the 401", calls.Load(), sl.Delays(), err)
		}
	})
	t.Run("LongRetryAfter", func(t *testing.T) {
		c, sl := embedServerSleeps(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		_, err := c.Embed(context.Background(), []string{"a"})
		if len(sl.Delays()) != 0 || !strings.Contains(bot.ErrorMessage(err), "asked to wait 1h0m0s") {
			t.Fatalf("waits %v, err %v; want no wait and the asked wait said", sl.Delays(), err)
		}
	})
	t.Run("QueryDeadline", func(t *testing.T) {
		// A search's query embedding has seconds; no retry fits in them.
		var calls atomic.Int64
		c, _ := embedServerSleeps(t, func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second/2)
		defer cancel()
		if _, err := c.Embed(ctx, []string{"a"}); err == nil || calls.Load() != 1 {
			t.Fatalf("%d calls, err %v; want one call and the error", calls.Load(), err)
		}
	})
}
