package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"paperboy/adapters/slack"
	"paperboy/bot"
	"paperboy/bot/bottest"
)

// BenchmarkSlackCommand measures the server-side handling time of a signed
// HTTP-mode slash command: from the moment the request reaches
// CommandsHandler (signature check, parsing, the immediate ack, the engine
// with a real SQLite store of 10,000 papers, Block Kit rendering) until the
// answer's POST arrives at the response_url. Two commands: a search for
// two words, and a TL;DR that the cache already holds.
//
//	go test -run '^$' -bench SlackCommand -benchtime 500x ./cmd/paperboy/
func BenchmarkSlackCommand(b *testing.B) {
	e, cached := benchEngine(b, 10000, 500)
	sum := e.Summarizer.(*bottest.Summarizer)
	bench := newSlackBench(b, e)
	queries := searchQueries(500)
	b.Run("search", func(b *testing.B) {
		bench.run(b, func(i int) string { return "search " + queries[i%len(queries)] }, "Search: ")
	})
	calls := sum.Calls()
	b.Run("tldr_cached", func(b *testing.B) {
		bench.run(b, func(i int) string { return "tldr " + cached[i%len(cached)].ID }, "A fine summary.")
	})
	if sum.Calls() != calls {
		b.Fatalf("the LLM was called %d times during cached TL;DRs", sum.Calls()-calls)
	}
}

// slackBench is an HTTP-mode adapter and the response_url it answers on.
type slackBench struct {
	handler     http.Handler
	responseURL string
	arrived     chan arrival
	sent        int // requests made, to make each one unique
}

// arrival is one answer, when it reached the response_url.
type arrival struct {
	at   time.Time
	body string
}

const benchSecret = "bench-signing-secret"

func newSlackBench(b *testing.B, e *bot.Engine) *slackBench {
	sb := &slackBench{arrived: make(chan arrival, 1)}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(r.Body)
		sb.arrived <- arrival{at, string(body)}
	}))
	b.Cleanup(rcv.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.Errorf("unexpected Web API call %s", r.URL.Path)
	}))
	b.Cleanup(api.Close)
	a, err := slack.New(slack.Config{
		Mode: slack.ModeHTTP, BotToken: "xoxb-bench", SigningSecret: benchSecret, APIURL: api.URL,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, e)
	if err != nil {
		b.Fatal(err)
	}
	sb.handler, sb.responseURL = a.CommandsHandler(), rcv.URL+"/hooks/T1/B1/x"
	return sb
}

// run sends b.N commands, one at a time, and reports the percentiles of
// their handling time. Each answer must contain want.
func (sb *slackBench) run(b *testing.B, text func(i int) string, want string) {
	took := make([]time.Duration, 0, b.N)
	for i := range b.N {
		req := sb.request(text(i))
		w := httptest.NewRecorder()
		start := time.Now()
		sb.handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		select {
		case ans := <-sb.arrived:
			took = append(took, ans.at.Sub(start))
			if !strings.Contains(ans.body, want) {
				b.Fatalf("answer %.300s; want %q", ans.body, want)
			}
		case <-time.After(30 * time.Second):
			b.Fatal("no answer on the response_url")
		}
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
	b.ReportMetric(ms(took[len(took)*99/100]), "p99-ms")
	b.ReportMetric(0, "ns/op") // the percentiles are the figures that matter
}

// request is a slash command signed as Slack signs it. The trigger id makes
// every request unique, as Slack's are: the adapter refuses replays.
func (sb *slackBench) request(text string) *http.Request {
	sb.sent++
	form := url.Values{
		"command": {"/papers"}, "text": {text}, "channel_id": {"C1"}, "user_id": {"U1"}, "team_id": {"T1"},
		"response_url": {sb.responseURL}, "trigger_id": {"t" + strconv.Itoa(sb.sent)},
	}
	body := form.Encode()
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(benchSecret))
	mac.Write([]byte("v0:" + stamp + ":" + body))
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return r
}

// searchQueries returns n two-word queries of content words from the
// corpus vocabulary, ranked 100 to 3,000: from common to rare.
func searchQueries(n int) []string {
	vocab := bottest.Vocabulary()
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]string, n)
	for i := range out {
		out[i] = vocab[100+r.IntN(2900)] + " " + vocab[100+r.IntN(2900)]
	}
	return out
}
