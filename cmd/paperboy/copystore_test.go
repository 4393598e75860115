package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
	"paperboy/store/pgtest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// A whole run (no -run) has tests that run the binary, all of them
	// parallel ones, which start after every other test: build the binary
	// meanwhile instead of when they first ask for it.
	if !testing.Short() && flag.Lookup("test.run").Value.String() == "" {
		go built.once.Do(build)
	}
	code := m.Run()
	built.once.Do(func() {}) // waits for a build started above to end
	pgtest.StopShared()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// fullStore returns the path of a SQLite store with papers and batches
// (the fixtures), a TL;DR, a subscription and a sent delivery.
func fullStore(t *testing.T) string {
	t.Helper()
	path := importedDB(t)["PAPERBOY_DB"]
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.SaveSummary(ctx, bot.Summary{SummaryKey: bot.SummaryKey{PaperID: "2608.17271", Model: "m", PromptVersion: "1"},
		Text: "A TL;DR.", Source: "llm"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSubscription(ctx, bot.Subscription{Platform: "slack", Channel: "C1", Include: []string{"agents"}, Period: "week"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveVectors(ctx, "embed-m", []bot.PaperVector{
		{ID: "2608.17271", Vector: []float32{0.6, -0.8, 0}}, // a zero byte in the middle, a negative one
		{ID: "2608.12313", Vector: []float32{0, 0, 1}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddSignal(ctx, bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2608.17271", User: "U1", Name: "ada", Kind: bot.SignalSave}); err != nil {
		t.Fatal(err)
	}
	k := bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-19"}
	d, err := db.Claim(ctx, k, "host/1", time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	c := bot.Claim{DeliveryKey: k, Owner: "host/1", Token: d.Token}
	if err := db.Record(ctx, c, "paperboy:2026-08-19", bot.Sent{IDs: []string{"1.1"}, Thread: "1.1"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Finish(ctx, c, bot.DeliverySent, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	return path
}

// storeCounts returns the row counts of the store at dsn.
func storeCounts(t *testing.T, dsn string) map[string]int64 {
	t.Helper()
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counts, err := db.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// sameStores checks that the stores at a and b hold the same rows, as
// paperboy shows them: counts, each day's batch, a search, the ledger.
func sameStores(t *testing.T, a, b string) {
	t.Helper()
	if ca, cb := storeCounts(t, a), storeCounts(t, b); !maps.Equal(ca, cb) {
		t.Fatalf("counts differ:\n%v\n%v", ca, cb)
	}
	for _, args := range [][]string{
		{"today", "--date", "2026-08-19", "--json"},
		{"today", "--date", "2026-08-13", "--json"},
	} {
		ra := mustRun(t, map[string]string{"PAPERBOY_DB": a}, args...)
		rb := mustRun(t, map[string]string{"PAPERBOY_DB": b}, args...)
		if ra.stdout != rb.stdout {
			t.Fatalf("%s differs:\n%s\nvs\n%s", strings.Join(args, " "), ra.stdout, rb.stdout)
		}
	}
	if pa, pb := storePapers(t, a), storePapers(t, b); !reflect.DeepEqual(pa, pb) {
		t.Fatalf("papers differ")
	}
	k := bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: "2026-08-19"}
	if da, db := storeDelivery(t, a, k), storeDelivery(t, b, k); !reflect.DeepEqual(da, db) {
		t.Fatalf("delivery differs:\n%+v\n%+v", da, db)
	}
	if sa, sb := storeExtras(t, a), storeExtras(t, b); !reflect.DeepEqual(sa, sb) || sa.period != "week" || len(sa.vector) != 3 {
		t.Fatalf("subscription period and vector: %+v, copied %+v; want week and a 3-dimension vector in both", sa, sb)
	}
}

// extras are the rows added after the first schema: a subscription's
// period and a paper's vector.
type extras struct {
	period string
	vector []float32
}

// storeExtras returns the period of subscription slack C1 and the vector
// of 2608.17271 in the store at dsn.
func storeExtras(t *testing.T, dsn string) extras {
	t.Helper()
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	sub, err := db.Subscription(ctx, "slack", "C1")
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.Vector(ctx, "embed-m", "2608.17271")
	if err != nil {
		t.Fatal(err)
	}
	return extras{period: sub.Period, vector: v}
}

// storePapers returns every paper of the store at dsn, by id.
func storePapers(t *testing.T, dsn string) map[string]bot.Paper {
	t.Helper()
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	papers := map[string]bot.Paper{}
	err = db.EachPaper(context.Background(), func(p bot.Paper) error { papers[p.ID] = p; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return papers
}

// storeDelivery returns the delivery k of the store at dsn.
func storeDelivery(t *testing.T, dsn string, k bot.DeliveryKey) bot.Delivery {
	t.Helper()
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.Delivery(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMain_CopyStore(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	src := fullStore(t)
	if c := storeCounts(t, src); c["papers"] != 149 || c["summaries"] != 1 || c["deliveries"] != 1 || c["delivery_items"] != 1 || c["signals"] != 1 {
		t.Fatalf("source store: %v", c)
	}

	t.Run("OK", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "copy.db")
		r := mustRun(t, nil, "copy-store", "--from", src, "--to", dst)
		if !strings.Contains(r.stderr, "copied 149 papers") || !strings.Contains(r.stderr, "149/149 papers") {
			t.Fatalf("summary line: %q", r.stderr)
		}
		sameStores(t, src, dst)
	})

	t.Run("RefusesNonEmpty", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "copy.db")
		mustRun(t, map[string]string{"PAPERBOY_DB": dst}, "import", "sample/daily_papers_2026-08-13.json")
		before := storeCounts(t, dst)
		r := runMain(t, nil, "", "copy-store", "--from", src, "--to", dst)
		if r.code != 1 || !strings.Contains(r.stderr, "already holds") || !strings.Contains(r.stderr, "--resume") {
			t.Fatalf("exit %d, stderr %q; want 1 and a hint at --resume", r.code, r.stderr)
		}
		if after := storeCounts(t, dst); !maps.Equal(before, after) {
			t.Fatalf("refused copy changed the target: %v, then %v", before, after)
		}
	})

	t.Run("Resume", func(t *testing.T) {
		// A copy interrupted partway: some papers, a batch and the ledger
		// missing. --resume adds exactly what is missing.
		dst := filepath.Join(t.TempDir(), "copy.db")
		mustRun(t, nil, "copy-store", "--from", src, "--to", dst)
		raw, err := sql.Open("sqlite", "file:"+dst+"?_pragma=foreign_keys(1)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		for _, q := range []string{"DELETE FROM papers WHERE id > 100", "DELETE FROM batches WHERE date = '2026-08-19'", "DELETE FROM deliveries"} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		r := mustRun(t, nil, "copy-store", "--from", src, "--to", dst, "--resume")
		if !strings.Contains(r.stderr, "49/149 papers") {
			t.Fatalf("resume: %q, want 49 papers new", r.stderr)
		}
		sameStores(t, src, dst)
		r = mustRun(t, nil, "copy-store", "--from", src, "--to", dst, "--resume")
		if !strings.Contains(r.stderr, "0/149 papers") {
			t.Fatalf("second resume: %q, want nothing new", r.stderr)
		}
	})

	t.Run("NoSuchStore", func(t *testing.T) {
		typo, dst := filepath.Join(t.TempDir(), "typo.db"), filepath.Join(t.TempDir(), "dst.db")
		r := runMain(t, nil, "", "copy-store", "--from", typo, "--to", dst)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "paperboy: ") || !strings.Contains(r.stderr, "no such store") {
			t.Fatalf("exit %d: %q; want 1 and \"no such store\"", r.code, r.stderr)
		}
		for _, path := range []string{typo, dst} {
			if _, err := os.Stat(path); err == nil {
				t.Errorf("%s was created", path)
			}
		}
	})

	t.Run("ReadOnlySource", func(t *testing.T) {
		before, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		mustRun(t, nil, "copy-store", "--from", src, "--to", filepath.Join(t.TempDir(), "ro.db"))
		if after, err := os.ReadFile(src); err != nil || !bytes.Equal(before, after) {
			t.Fatalf("copying changed the source file (%v)", err)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{{"copy-store"}, {"copy-store", "--from", src}, {"copy-store", "--from", src, "--to", src}} {
			if r := runMain(t, nil, "", args...); r.code != 2 {
				t.Errorf("%v: exit %d, want 2", args, r.code)
			}
		}
	})

	t.Run("PostgreSQL", func(t *testing.T) {
		pg := pgtest.Shared(t).NewDatabase(t)
		mustRun(t, nil, "copy-store", "--from", src, "--to", pg)
		sameStores(t, src, pg)
		back := filepath.Join(t.TempDir(), "back.db")
		mustRun(t, nil, "copy-store", "--from", pg, "--to", back)
		sameStores(t, src, back)
	})
}
