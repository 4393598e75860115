package store_test

import (
	"sync"
	"testing"

	"paperboy/bot"
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
	if got := queryString(t, raw, "SELECT count(*) || ' ' || count(DISTINCT name) FROM migrations"); got != "1 1" {
		t.Fatalf("migrations recorded %q, want each of the 1 once", got)
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
		{"postgres://bot:s3cret@db.example:5432/paperboy?sslmode=require", "postgres://bot:xxxxx@db.example:5432/paperboy?sslmode=require"},
		{"postgresql://bot@db/paperboy", "postgresql://bot@db/paperboy"},
	}
	for _, tt := range tests {
		if got := store.Redact(tt.dsn); got != tt.want {
			t.Errorf("Redact(%q)=%q, want %q", tt.dsn, got, tt.want)
		}
	}
}
