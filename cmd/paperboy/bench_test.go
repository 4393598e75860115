package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
)

var importRecords = flag.Int("import.records", 100_000, "records in the generated JSON Lines file of BenchmarkImportJSONL")

// BenchmarkImportJSONL measures `paperboy import` of a generated arXiv
// metadata snapshot (JSON Lines) into a new database, end to end: reading,
// parsing, upserts and the full-text index.
//
//	go test -run '^$' -bench ImportJSONL -benchtime 1x ./cmd/paperboy/
func BenchmarkImportJSONL(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "snapshot.jsonl")
	writeSnapshot(b, file, *importRecords)
	b.ResetTimer()
	for i := range b.N {
		db := filepath.Join(dir, "import"+string(rune('a'+i%26))+".db")
		os.Remove(db)
		start := time.Now()
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
		if err := m.Run(context.Background(), []string{"--db", db, "import", file}); err != nil {
			b.Fatal(err)
		}
		m.Close()
		b.ReportMetric(float64(*importRecords)/time.Since(start).Seconds(), "records/s")
	}
}

// writeSnapshot writes n synthetic papers in the arXiv metadata snapshot's
// JSON Lines format.
func writeSnapshot(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := bottest.WriteSnapshot(f, 1, n); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkTLDRCacheHit measures a TL;DR answered from the cache through
// the engine and a real SQLite store: id parsing, the paper lookup and the
// cache read, as /papers tldr does for a paper asked about before.
//
//	go test -run '^$' -bench TLDRCacheHit ./cmd/paperboy/
func BenchmarkTLDRCacheHit(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	papers := bottest.Corpus(1, 1000)
	if _, err := db.SaveBatch(ctx, bot.Batch{Papers: papers}); err != nil {
		b.Fatal(err)
	}
	sum := &bottest.Summarizer{Model: "bench-model", Prompt: "v1", Answer: "A short and fine summary."}
	e := &bot.Engine{Store: db, Summarizer: sum}
	for _, p := range papers {
		if _, _, err := e.TLDR(ctx, p.ID); err != nil { // fills the cache
			b.Fatal(err)
		}
	}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		_, s, err := e.TLDR(ctx, papers[i%len(papers)].ID)
		took = append(took, time.Since(start))
		if err != nil || !s.Cached {
			b.Fatalf("TLDR: cached=%v err=%v", s.Cached, err)
		}
	}
	b.StopTimer()
	if sum.Calls() != len(papers) {
		b.Fatalf("LLM calls=%d, want %d (one per paper, then cache hits)", sum.Calls(), len(papers))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

// benchEngine returns an engine over a real SQLite store of n synthetic
// papers, with an LLM whose answers are already cached for the first
// `cached` papers, for the chat-command benchmarks.
func benchEngine(b *testing.B, n, cached int) (*bot.Engine, []bot.Paper) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	papers := bottest.Corpus(1, n)
	for chunk := range slices.Chunk(papers, 1000) {
		if _, err := db.SaveBatch(ctx, bot.Batch{Papers: chunk}); err != nil {
			b.Fatal(err)
		}
	}
	e := &bot.Engine{Store: db, Summarizer: &bottest.Summarizer{Model: "m", Prompt: "v1", Answer: "A fine summary."}}
	for _, p := range papers[:cached] { // fills the TL;DR cache
		if _, _, err := e.TLDR(ctx, p.ID); err != nil {
			b.Fatal(err)
		}
	}
	return e, papers[:cached]
}
