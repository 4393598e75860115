package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"paperboy/adapters/discord"
	"paperboy/bot/bottest"
)

// BenchmarkDiscordInteraction measures the server-side handling time of a
// signed Discord HTTP interaction, from the request to the written
// response: signature and timestamp checks, decoding, the engine with a
// real SQLite store of 10,000 papers, and rendering the embeds. Search runs
// bottest.TypicalQueries; TLDRCached asks for papers whose LLM TL;DR is in
// the cache. Follow-up messages of a split answer go to a local fake
// server after the response and are not timed.
//
//	go test -run '^$' -bench DiscordInteraction -benchtime 2000x ./cmd/paperboy/
func BenchmarkDiscordInteraction(b *testing.B) {
	engine, cached := benchEngine(b, 10000, 1000)
	handler, priv := benchAdapter(b, engine)

	b.Run("Search", func(b *testing.B) {
		runInteractions(b, handler, priv, func(i int) (string, string) {
			return "search", bottest.TypicalQueries[i%len(bottest.TypicalQueries)]
		})
	})
	b.Run("TLDRCached", func(b *testing.B) {
		runInteractions(b, handler, priv, func(i int) (string, string) {
			return "tldr", cached[i%len(cached)].ID
		})
	})
}

// benchAdapter returns the interactions handler of an HTTP-mode adapter
// whose REST calls go to a local server that accepts everything, and the
// key that signs its requests.
func benchAdapter(b *testing.B, h discord.Handler) (http.Handler, ed25519.PrivateKey) {
	rest := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": "1", "channel_id": "2", "content": "", "embeds": []}`)
	}))
	b.Cleanup(rest.Close)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	a, err := discord.New(discord.Config{
		Token: "bench-token", ApplicationID: "1000", PublicKey: hex.EncodeToString(pub), Mode: discord.ModeHTTP,
		APIBaseURL: rest.URL, Logger: slog.New(slog.DiscardHandler),
	}, h)
	if err != nil {
		b.Fatal(err)
	}
	return a.InteractionsHandler(), priv
}

// runInteractions sends b.N signed /papers interactions, the subcommand and
// option of each from next, and reports the p50 and p99 handling time and
// the share answered with a deferral.
func runInteractions(b *testing.B, h http.Handler, priv ed25519.PrivateKey, next func(i int) (sub, value string)) {
	took := make([]time.Duration, 0, b.N)
	deferred := 0
	i := 0
	for b.Loop() {
		b.StopTimer()
		sub, value := next(i)
		req := signedInteraction(b, priv, i, sub, value)
		w := httptest.NewRecorder()
		b.StartTimer()
		start := time.Now()
		h.ServeHTTP(w, req)
		took = append(took, time.Since(start))
		b.StopTimer()
		var resp struct {
			Type int `json:"type"`
		}
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &resp) != nil || (resp.Type != 4 && resp.Type != 5) {
			b.Fatalf("%s %q: status %d: %s", sub, value, w.Code, w.Body)
		}
		if resp.Type == 5 {
			deferred++
		}
		i++
		b.StartTimer()
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(deferred)/float64(len(took)), "deferred/op")
}

// signedInteraction is a /papers <sub> <value> interaction from a server
// channel, signed as Discord signs it.
func signedInteraction(b *testing.B, priv ed25519.PrivateKey, n int, sub, value string) *http.Request {
	option := map[string]string{"search": "query", "tldr": "paper"}[sub]
	body, err := json.Marshal(map[string]any{
		"id": strconv.Itoa(100000 + n), "application_id": "1000", "type": 2, "token": "bench-interaction-" + strconv.Itoa(n),
		"version": 1, "guild_id": "77", "channel_id": "300",
		"member": map[string]any{"permissions": "0", "user": map[string]any{"id": "600", "username": "reader"}},
		"data": map[string]any{"id": "1100", "name": "papers", "type": 1, "options": []any{map[string]any{
			"name": sub, "type": 1, "options": []any{map[string]any{"name": option, "type": 3, "value": value}},
		}}},
	})
	if err != nil {
		b.Fatal(err)
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...))))
	r.Header.Set("X-Signature-Timestamp", stamp)
	return r
}
