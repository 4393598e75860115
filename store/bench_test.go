package store_test

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// benchPapers is the size of the search benchmarks' corpus. Building it
// takes a while (about 30 s per 100k papers on 2 cores), so it happens once
// per process and only when a search benchmark runs.
var benchPapers = flag.Int("store.papers", 100000, "papers in the search benchmark corpus")

// benchFile keeps the search benchmarks' database between runs: an existing
// file is used as it is, a missing one is built there and kept.
var benchFile = flag.String("store.benchdb", "", "search benchmark database file to reuse or build")

// chunk is how many papers the import path hands SaveBatch at a time.
const chunk = 1000

func TestMain(m *testing.M) {
	flag.Parse()
	// Every PostgreSQL test's database starts as store.Open leaves a new
	// one: migrate that once, and copy it for each test, rather than
	// migrate every test's database again. The tests of the migration
	// itself ask pgtest for an empty database (NewEmptyDatabase).
	pgtest.SetTemplate(func(ctx context.Context, url string) error {
		db, err := store.Open(url)
		if err != nil {
			return err
		}
		return db.Close()
	})
	code := m.Run()
	pgtest.StopShared()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkSaveBatch measures bulk import: each iteration saves a chunk of
// 1000 new papers (Insert) or re-saves 1000 known ones with new upvotes
// (Refresh, the daily Hugging Face case), with the FTS triggers on.
func BenchmarkSaveBatch(b *testing.B) {
	b.Run("Insert", func(b *testing.B) {
		db := MustOpenDB(b)
		next, stop := iter.Pull(bottest.CorpusSeq(1, 1<<30))
		defer stop()
		for b.Loop() {
			b.StopTimer()
			papers := make([]bot.Paper, chunk)
			for i := range papers {
				papers[i], _ = next()
			}
			b.StartTimer()
			if _, err := db.SaveBatch(ctx, bot.Batch{Papers: papers}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*chunk)/b.Elapsed().Seconds(), "papers/s")
	})
	b.Run("Refresh", func(b *testing.B) {
		db := MustOpenDB(b)
		papers := bottest.Corpus(2, chunk)
		mustSave(b, db, bot.Batch{Papers: papers})
		for b.Loop() {
			for i := range papers {
				papers[i].Upvotes++
			}
			if _, err := db.SaveBatch(ctx, bot.Batch{Date: "2026-08-19", Papers: papers}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*chunk)/b.Elapsed().Seconds(), "papers/s")
	})
}

// mustSave saves a batch.
func mustSave(tb testing.TB, db *store.DB, batch bot.Batch) bot.SaveResult {
	tb.Helper()
	res, err := db.SaveBatch(ctx, batch)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

var (
	benchOnce sync.Once
	benchDir  string
	benchDB   *store.DB
)

// openBenchDB returns the shared search benchmark database, building it on
// first use: *benchPapers synthetic papers saved in chunks, then optimized.
func openBenchDB(b *testing.B) *store.DB {
	benchOnce.Do(func() {
		path := *benchFile
		if path == "" {
			var err error
			if benchDir, err = os.MkdirTemp("", "paperboy-bench-"); err != nil {
				b.Fatal(err)
			}
			path = filepath.Join(benchDir, "bench.db")
		}
		_, statErr := os.Stat(path)
		db, err := store.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if os.IsNotExist(statErr) {
			buildBenchDB(b, db, path)
		}
		benchDB = db
	})
	if benchDB == nil {
		b.Fatal("no benchmark database")
	}
	return benchDB
}

// buildBenchDB saves *benchPapers synthetic papers in chunks, optimizes,
// and reports how long that took.
func buildBenchDB(b *testing.B, db *store.DB, path string) {
	start := time.Now()
	papers := make([]bot.Paper, 0, chunk)
	for p := range bottest.CorpusSeq(1, *benchPapers) {
		if papers = append(papers, p); len(papers) == chunk {
			mustSave(b, db, bot.Batch{Papers: papers})
			papers = papers[:0]
		}
	}
	mustSave(b, db, bot.Batch{Papers: papers})
	built := time.Since(start)
	if err := db.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bench db: %d papers saved in %v (%.0f papers/s), optimize %v, %d MB\n",
		*benchPapers, built.Round(time.Millisecond), float64(*benchPapers)/built.Seconds(),
		(time.Since(start) - built).Round(time.Millisecond), fi.Size()>>20)
}

// BenchmarkSearch measures search latency per query class on the shared
// corpus and reports the 50th and 99th percentiles and the mean hits per
// query. Run with -benchtime=Nx for N queries per class.
func BenchmarkSearch(b *testing.B) {
	db := openBenchDB(b)
	for _, class := range []struct {
		name    string
		queries []string
	}{
		{"Typical", bottest.TypicalQueries},
		{"Common", bottest.CommonQueries},
		{"Prefix", bottest.PrefixQueries},
	} {
		b.Run(class.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			hits := 0
			i := 0
			for b.Loop() {
				q := class.queries[i%len(class.queries)]
				i++
				start := time.Now()
				h, err := db.Search(ctx, bot.Query{Text: q})
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				hits += len(h)
			}
			reportLatency(b, took)
			b.ReportMetric(float64(hits)/float64(len(took)), "hits/op")
		})
	}
}

// reportLatency reports the p50 and p99 of took in milliseconds.
func reportLatency(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkSummary measures a TL;DR cache hit.
func BenchmarkSummary(b *testing.B) {
	db := MustOpenDB(b)
	key := bot.SummaryKey{PaperID: "2608.17271", Model: "gpt-4o-mini", PromptVersion: "v1"}
	err := db.SaveSummary(ctx, bot.Summary{SummaryKey: key, Text: "A benchmark of superintelligence.", Source: bot.SourceLLM})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := db.Summary(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddPapersLockWait measures what a bulk import costs another
// process writing the same file, as the running bot does: while one handle
// stores -store.papers/10 new papers with AddPapers in chunks of 500 (what
// `paperboy import` of a snapshot does), a second handle writes a TL;DR
// every 150 ms and times how long each write waits. Reports the import rate
// and the writer's p90 and worst wait; the writer's busy_timeout is 5 s.
func BenchmarkAddPapersLockWait(b *testing.B) {
	n := *benchPapers / 10
	papers := bottest.Corpus(4, n)
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "lock.db")
		importer, bot2 := mustOpenPath(b, path), mustOpenPath(b, path)
		quit, done := make(chan struct{}), make(chan struct{})
		var waits []time.Duration
		var writeErr error
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-time.After(150 * time.Millisecond):
				case <-quit:
					return
				}
				start := time.Now()
				err := bot2.SaveSummary(ctx, bot.Summary{SummaryKey: bot.SummaryKey{PaperID: fmt.Sprint(i), Model: "m", PromptVersion: "v1"},
					Text: "x", Source: bot.SourceLLM})
				waits = append(waits, time.Since(start))
				if err != nil && writeErr == nil {
					writeErr = err
				}
			}
		}()
		start := time.Now()
		for chunk := range slices.Chunk(papers, 500) {
			if _, err := importer.AddPapers(ctx, chunk); err != nil {
				b.Fatal(err)
			}
		}
		took := time.Since(start)
		close(quit)
		<-done
		if writeErr != nil {
			b.Fatalf("the other writer failed: %v", writeErr)
		}
		b.ReportMetric(float64(n)/took.Seconds(), "papers/s")
		slices.Sort(waits)
		b.ReportMetric(float64(waits[len(waits)*9/10])/float64(time.Millisecond), "p90-wait-ms")
		b.ReportMetric(float64(waits[len(waits)-1])/float64(time.Millisecond), "max-wait-ms")
	}
}
