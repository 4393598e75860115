package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
	"paperboy/summarize"
)

var (
	hybridPapers  = flag.Int("hybrid.papers", 20_000, "papers in the store of BenchmarkHybridSearch")
	embedPapers   = flag.Int("embed.papers", 5_000, "papers BenchmarkEmbed embeds")
	embedDims     = flag.Int("embed.dims", 768, "dimensions of the fake embedders' vectors")
	oneShotPapers = flag.Int("oneshot.papers", 100_000, "papers in the store of BenchmarkOneShotSearch")
	oneShotDB     = flag.String("oneshot.db", "", "BenchmarkOneShotSearch's store, built there if absent and kept (its first hybrid run then writes nothing)")
)

// fakeVector is a deterministic pseudo-random unit-free vector for text.
func fakeVector(text string, dims int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(text))
	r := rand.New(rand.NewPCG(h.Sum64(), 1))
	v := make([]float32, dims)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// benchEmbedder is an in-process bot.Embedder: the query's vector costs
// nothing, so search timings exclude the embeddings endpoint.
type benchEmbedder struct{ dims int }

func (e benchEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = fakeVector(t, e.dims)
	}
	return out, nil
}

func (benchEmbedder) EmbedModel() string { return "bench-embed" }

// fakeEmbedServer is an OpenAI-compatible /v1/embeddings server on
// loopback whose vectors are fakeVector's, of -embed.dims dimensions.
func fakeEmbedServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Input []string }
		json.NewDecoder(r.Body).Decode(&req)
		type datum struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		var data []datum
		for i, t := range req.Input {
			data = append(data, datum{i, fakeVector(t, *embedDims)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
	}))
}

// BenchmarkOneShotSearch measures `paperboy search --json` as a one-shot
// command, each run a new Main that opens the store (as a new process
// would, with nothing in memory), on a store of -oneshot.papers synthetic
// papers with vectors of -embed.dims dimensions: without embeddings
// configured (bm25 alone) and with them (hybrid; the query is embedded by
// a fake endpoint on loopback, so its round trip is counted, not a
// model's time). Runs alternate between the two, 20 of each after 3 of
// warm-up; "first" is the first hybrid run, which may write to the store
// (see store.DB.Nearest). The process's own start (~10 ms) is not counted.
// With -oneshot.db the store is built at that path only if it is absent,
// and kept (saving ~4 min a run; "first" then writes nothing).
//
//	go test -run '^$' -bench OneShotSearch -benchtime 1x ./cmd/paperboy/
//	go test -run '^$' -bench OneShotSearch -benchtime 1x ./cmd/paperboy/ -args -oneshot.db=/tmp/oneshot.db
func BenchmarkOneShotSearch(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "oneshot.db")
	if *oneShotDB != "" {
		path = *oneShotDB
	}
	var titles []string
	if _, err := os.Stat(path); err == nil && *oneShotDB != "" {
		for p := range bottest.CorpusSeq(1, min(*oneShotPapers, 10000)) { // fillVectorStore's titles
			titles = append(titles, p.Title)
		}
	} else {
		db, err := store.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		titles = fillVectorStore(b, db, *oneShotPapers, "bench-embed")
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
	srv := fakeEmbedServer()
	defer srv.Close()
	configs := map[string]string{
		"bm25":   filepath.Join(dir, "words.yaml"),
		"hybrid": filepath.Join(dir, "hybrid.yaml"),
	}
	os.WriteFile(configs["bm25"], []byte("timezone: UTC\n"), 0o600)
	os.WriteFile(configs["hybrid"], []byte(fmt.Sprintf("embeddings:\n  base_url: %s/v1\n  model: bench-embed\n", srv.URL)), 0o600)
	search := func(kind, q string) float64 {
		env := map[string]string{"PAPERBOY_DB": path, "PAPERBOY_CONFIG": configs[kind]}
		var stdout, stderr bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
		start := time.Now()
		err := m.Run(context.Background(), []string{"search", "--json", q})
		err = errors.Join(err, m.Close())
		ms := float64(time.Since(start).Microseconds()) / 1000
		if err != nil || !strings.Contains(stdout.String(), `"results"`) {
			b.Fatalf("%s search %q: %v %s", kind, q, err, stderr.String())
		}
		return ms
	}
	queries := benchQueries(titles, 23)
	b.ResetTimer()
	for range b.N {
		b.ReportMetric(search("hybrid", queries[0]), "first-ms")
		times := map[string][]float64{}
		for i, q := range queries {
			for _, kind := range []string{"bm25", "hybrid"} {
				if ms := search(kind, q); i >= 3 {
					times[kind] = append(times[kind], ms)
				}
			}
		}
		p50 := map[string]float64{}
		for kind, d := range times {
			slices.Sort(d)
			p50[kind] = d[len(d)/2]
			b.ReportMetric(p50[kind], kind+"-p50-ms")
			b.ReportMetric(d[len(d)*9/10], kind+"-p90-ms")
		}
		b.ReportMetric(p50["hybrid"]/p50["bm25"], "hybrid/bm25")
	}
}

// BenchmarkEmbed measures `paperboy embed`'s path against a fake
// OpenAI-compatible /v1/embeddings server on loopback: reading the papers
// to embed, the HTTP round trips with JSON of 768 floats a paper, and
// storing the quantised vectors.
//
//	go test -run '^$' -bench 'Embed$' -benchtime 1x ./cmd/paperboy/
func BenchmarkEmbed(b *testing.B) {
	srv := fakeEmbedServer()
	defer srv.Close()
	for _, conc := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			for range b.N {
				db, err := store.Open(filepath.Join(b.TempDir(), "embed.db"))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.AddPapers(context.Background(), bottest.Corpus(1, *embedPapers)); err != nil {
					b.Fatal(err)
				}
				client, err := summarize.NewEmbedder(summarize.EmbedderConfig{BaseURL: srv.URL + "/v1", Model: "bench-embed"})
				if err != nil {
					b.Fatal(err)
				}
				e := &bot.Engine{Store: db, Embedder: client, Vectors: db}
				start := time.Now()
				stats, err := e.EmbedStored(context.Background(), bot.EmbedOptions{BatchSize: 32, Concurrency: conc})
				if err != nil || stats.Embedded != *embedPapers {
					b.Fatalf("%+v %v", stats, err)
				}
				b.ReportMetric(float64(stats.Embedded)/time.Since(start).Seconds(), "papers/s")
				db.Close()
			}
		})
	}
}

// BenchmarkHybridSearch measures, on a store of -hybrid.papers synthetic
// papers with 768-dimension vectors, the server-side latency of search by
// words alone (bm25) and hybrid (bm25 + vectors fused), and of /papers ask
// without the LLM's time (a scripted answer that costs nothing), for 300
// queries of 1–3 words drawn from the corpus' titles. The query's vector
// comes from an in-process embedder: the embeddings endpoint's time is
// not counted.
//
//	go test -run '^$' -bench HybridSearch -benchtime 1x ./cmd/paperboy/
func BenchmarkHybridSearch(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(b.TempDir(), "hybrid.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	emb := benchEmbedder{*embedDims}
	titles := fillVectorStore(b, db, *hybridPapers, emb.EmbedModel())
	queries := benchQueries(titles, 300)
	answer := &bottest.Answerer{Model: "instant", Reply: "It does [1]."}
	words := &bot.Engine{Store: db, Answerer: answer}
	hybrid := &bot.Engine{Store: db, Answerer: answer, Embedder: emb, Vectors: db}
	if err := db.WarmVectors(ctx, emb.EmbedModel()); err != nil { // as `paperboy run` does at start
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		for _, c := range []struct {
			name string
			run  func(q string) error
		}{
			{"bm25", func(q string) error { _, _, err := words.Search(ctx, q, 10, 0); return err }},
			{"hybrid", func(q string) error { _, _, err := hybrid.Search(ctx, q, 10, 0); return err }},
			{"nearest", func(q string) error {
				_, err := db.Nearest(ctx, "bench-embed", fakeVector(q, *embedDims), 10)
				return err
			}},
			{"ask-bm25", func(q string) error { _, err := words.Ask(ctx, "what is new on "+q+"?"); return err }},
			{"ask-hybrid", func(q string) error { _, err := hybrid.Ask(ctx, "what is new on "+q+"?"); return err }},
		} {
			p50, p99 := latencies(b, queries, c.run)
			b.ReportMetric(p50, c.name+"-p50-ms")
			b.ReportMetric(p99, c.name+"-p99-ms")
		}
	}
}

// fillVectorStore adds n synthetic papers (bottest.Corpus, seed 1) to db,
// each with a vector of model (fakeVector of its title), optimizes it, and
// returns the titles of the first 10,000 papers, for queries.
func fillVectorStore(b *testing.B, db *store.DB, n int, model string) []string {
	ctx := context.Background()
	var titles []string
	var chunk []bot.Paper
	flush := func() {
		if _, err := db.AddPapers(ctx, chunk); err != nil {
			b.Fatal(err)
		}
		vs := make([]bot.PaperVector, len(chunk))
		for i, p := range chunk {
			vs[i] = bot.PaperVector{ID: p.ID, Vector: fakeVector(p.Title, *embedDims)}
		}
		if err := db.SaveVectors(ctx, model, vs); err != nil {
			b.Fatal(err)
		}
		chunk = chunk[:0]
	}
	for p := range bottest.CorpusSeq(1, n) { // streamed: 300k papers do not fit comfortably
		if len(titles) < 10000 {
			titles = append(titles, p.Title)
		}
		if chunk = append(chunk, p); len(chunk) == 2000 {
			flush()
		}
	}
	if len(chunk) > 0 {
		flush()
	}
	if err := db.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	return titles
}

// benchQueries draws n queries of 1–3 words from the titles.
func benchQueries(titles []string, n int) []string {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]string, n)
	for i := range out {
		words := strings.Fields(titles[r.IntN(len(titles))])
		k := 1 + r.IntN(min(3, len(words)))
		at := r.IntN(len(words) - k + 1)
		out[i] = strings.Join(words[at:at+k], " ")
	}
	return out
}

// latencies runs every query once (after 30 for warm-up) and returns the
// p50 and p99 in milliseconds.
func latencies(b *testing.B, queries []string, run func(string) error) (p50, p99 float64) {
	for _, q := range queries[:30] {
		run(q)
	}
	var d []float64
	for _, q := range queries {
		start := time.Now()
		if err := run(q); err != nil {
			b.Fatal(err)
		}
		d = append(d, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(d)
	return d[len(d)/2], d[len(d)*99/100]
}
