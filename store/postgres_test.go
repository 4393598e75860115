package store_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// TestOpen_Postgres_Together opens one new PostgreSQL database from several
// goroutines at once, as replicas starting together do: every open
// succeeds, each migration is recorded once, and the store works.
func TestOpen_Postgres_Together(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	const replicas = 6
	dbs := make([]*store.DB, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = store.Open(url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	raw := rawDB(t, url)
	files, err := os.ReadDir("migrations_pg")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := queryString(t, raw, "SELECT count(*) || ' ' || count(DISTINCT name) FROM migrations"), fmt.Sprintf("%d %d", len(files), len(files)); got != want {
		t.Fatalf("migrations recorded %q, want each of the %d once", got, len(files))
	}
	mustSave(t, dbs[0], bot.Batch{Date: "2026-08-19", Papers: []bot.Paper{{ID: "2608.00001", Title: "Graph transformers"}}})
	b, err := dbs[replicas-1].Batch(ctx, "2026-08-19")
	if err != nil || len(b.Papers) != 1 {
		t.Fatalf("Batch from another replica: %+v, %v", b, err)
	}
	if !dbs[0].Postgres() {
		t.Fatal("Postgres()=false for a postgres:// database")
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"paperboy.db", "paperboy.db"},
		{"postgres://bot:s3cret@db.example:5432/paperboy?sslmode=require", "postgres://REDACTED@db.example:5432/paperboy?sslmode=require"},
		{"postgres://bot:Hun/ter#2@db/paperboy", "postgres://REDACTED@db/paperboy"},
		{"postgresql://bot@db/paperboy", "postgresql://REDACTED@db/paperboy"},
	}
	for _, tt := range tests {
		if got := store.Redact(tt.dsn); got != tt.want {
			t.Errorf("Redact(%q)=%q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// TestDB_SaveBatch_Replicas saves the same day's batch from several
// replicas at once, as replicas that each fetched the day do: no error, no
// duplicate paper, and the day's batch is that list.
func TestDB_SaveBatch_Replicas(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		papers := bottest.Corpus(11, 300)
		const replicas = 3
		dbs := make([]*store.DB, replicas)
		for i := range dbs {
			dbs[i] = mustOpenPath(t, dsn)
		}
		var wg sync.WaitGroup
		errs := make([]error, replicas)
		for i, db := range dbs {
			wg.Go(func() {
				_, errs[i] = db.SaveBatch(ctx, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: papers})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
		}
		b, err := dbs[0].Batch(ctx, "2026-08-19")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Papers) != len(papers) {
			t.Fatalf("batch has %d papers, want %d", len(b.Papers), len(papers))
		}
		for i, p := range b.Papers {
			if p.ID != papers[i].ID {
				t.Fatalf("paper %d is %s, want %s", i, p.ID, papers[i].ID)
			}
		}
		counts, err := dbs[1].Counts(ctx)
		if err != nil || counts["papers"] != int64(len(papers)) {
			t.Fatalf("papers stored: %v (%v), want %d", counts["papers"], err, len(papers))
		}
	})
}

// A postgres:// URL whose password holds '/' or '#' does not parse as the
// user meant; the error says how to write it and quotes nothing of it.
func TestOpen_BadURLQuotesNoPassword(t *testing.T) {
	for _, dsn := range []string{
		"postgres://pb:Hunter2/xyz@db.example:5432/papers",
		"postgres://pb:Hunter2#xyz@db.example:5432/papers",
		"postgres://pb:12345/Hunter2@db.example/papers",
		"postgres://pb:a@Hunter2/b@db.example/papers",
	} {
		_, err := store.Open(dsn)
		if err == nil {
			t.Fatalf("Open(%q) = nil error", dsn)
		}
		if msg := err.Error(); strings.Contains(msg, "Hunter2") || strings.Contains(msg, "12345") || !strings.Contains(msg, "percent-encode") {
			t.Errorf("Open(%q): %s", dsn, msg)
		}
	}
}
