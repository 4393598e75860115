package slack

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
)

// toFake sends every outbound request to one fake server, whatever host a
// fuzzed response_url names: the fuzz target never reaches the network.
type toFake struct{ fake *url.URL }

func (t toFake) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = t.fake.Scheme, t.fake.Host
	return http.DefaultTransport.RoundTrip(r)
}

// FuzzRequests sends any form body, correctly signed, to the slash command
// or the interactions endpoint, waits for the answer (which goes to
// response_url or the Web API, both a fake here), and checks that nothing
// panicked, not even a panic bot.Recover would catch, and that the
// response is one of the statuses the handlers give. Seeds are in
// testdata/fuzz/FuzzRequests. Run it with
//
//	go test ./adapters/slack -run '^$' -fuzz FuzzRequests -fuzztime 1m
func FuzzRequests(f *testing.F) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.000001","user":{"id":"U1","is_admin":true}}`))
	}))
	f.Cleanup(fake.Close)
	fakeURL, _ := url.Parse(fake.URL)
	e, _ := newEngine(f)
	a, err := New(Config{
		BotToken: "xoxb-test-token", SigningSecret: testSecret, Mode: ModeHTTP, APIURL: fake.URL,
		HTTPClient: &http.Client{Transport: toFake{fakeURL}, Timeout: 5 * time.Second},
		Logger:     slog.New(slog.DiscardHandler), ReplyTimeout: 3 * time.Second,
		Now:   func() time.Time { return testStart },
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}, e)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(a.shutdown)
	commands, interactions := a.CommandsHandler(), a.InteractionsHandler()
	f.Fuzz(func(t *testing.T, toInteractions bool, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // signed() encodes a form; a body that is none is the parser's, tested by url
		}
		h, path := commands, "/slack/commands"
		if toInteractions {
			h, path = interactions, "/slack/interactions"
		}
		before := bot.Panics()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(path, form, testSecret, testStart))
		a.work.Wait()
		if after := bot.Panics(); !maps.Equal(before, after) {
			t.Fatalf("%s %q panicked (recovered: %v)", path, body, after)
		}
		if c := w.Code; c != http.StatusOK && c != http.StatusBadRequest && c != http.StatusUnauthorized {
			t.Fatalf("%s %q: status %d %s", path, body, c, strings.TrimSpace(w.Body.String()))
		}
	})
}
