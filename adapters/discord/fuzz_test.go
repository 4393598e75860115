package discord

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"paperboy/bot"
)

// neverSeen is a replay memory that has seen nothing, so each fuzz input
// is served whatever id it carries.
type neverSeen struct{}

func (neverSeen) Seen(context.Context, string, time.Time) (bool, error) { return false, nil }

// FuzzInteractions sends any body, correctly signed, through the whole HTTP
// interaction path (verify, decode, parse, the engine, render, the
// response) and checks that nothing panics, not even a panic bot.Recover
// would catch, and that every 200 is one interaction response in JSON.
// The seeds in testdata/fuzz/FuzzInteractions are interactions of every
// type, with options of the right and the wrong types (a number, a boolean,
// null, a list where text belongs), null options and unknown types. Run it
// with
//
//	go test ./adapters/discord -run '^$' -fuzz FuzzInteractions -fuzztime 1m
func FuzzInteractions(f *testing.F) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	rest := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"9000","channel_id":"300"}`))
	}))
	f.Cleanup(rest.Close)
	a, err := New(Config{
		Token: testToken, ApplicationID: "1000", PublicKey: hex.EncodeToString(pub), Mode: ModeHTTP,
		APIBaseURL: rest.URL, HTTPClient: rest.Client(), Replays: neverSeen{},
		Logger:     slog.New(slog.DiscardHandler),
		DeferAfter: time.Hour, ReplyTimeout: 3 * time.Second, Now: func() time.Time { return testNow },
	}, newEngine(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(a.drain)
	h := a.InteractionsHandler()
	f.Fuzz(func(t *testing.T, body []byte) {
		before := bot.Panics()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(priv, testNow, body))
		if after := bot.Panics(); !maps.Equal(before, after) {
			t.Fatalf("body %q panicked (recovered: %v)", body, after)
		}
		switch w.Code {
		case http.StatusOK:
			var resp struct {
				Type *int `json:"type"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Type == nil {
				t.Fatalf("body %q: 200 with %q, want an interaction response", body, w.Body)
			}
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusServiceUnavailable:
		default:
			t.Fatalf("body %q: status %d %q", body, w.Code, w.Body)
		}
	})
}
