package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// TestOpen_Postgres_Together opens one new PostgreSQL database from several
// goroutines at once, as replicas starting together do: every open
// succeeds, each migration is recorded once, and the store works.
func TestOpen_Postgres_Together(t *testing.T) {
	url := pgtest.Shared(t).NewEmptyDatabase(t) // not the migrated template
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

// TestDB_PaperWriters_Postgres runs, round after round, the writers of
// papers that meet in production on one PostgreSQL database, each through
// a store handle of its own as replicas and a copy-store beside the bot
// have: SaveBatch of new papers, two SaveBatch of the same papers in
// opposite orders that change their titles (an upsert fires the insert and
// the update trigger), AddPapers in chunks, and CopyFrom of a SQLite
// store. All titles share words, so every writer counts the same rows of
// papers_words_vocab. Every write must succeed (no deadlock, 40P01, nor
// serialization failure, 40001), and afterwards the vocabulary's counts
// must equal a recount from papers.
func TestDB_PaperWriters_Postgres(t *testing.T) {
	t.Parallel() // a database of its own
	url := pgtest.Shared(t).NewDatabase(t)
	const handles, rounds = 4, 12
	dbs := make([]*store.DB, handles)
	for i := range dbs {
		dbs[i] = mustOpenPath(t, url)
	}
	shared := writerPapers("2611", 0, 60, 0)
	var mu sync.Mutex
	var failed []string
	for r := range rounds {
		src := MustOpenDB(t)
		if _, err := src.AddPapers(ctx, writerPapers(fmt.Sprintf("25%02d", r), 0, 40, r)); err != nil {
			t.Fatal(err)
		}
		writers := []func() error{
			func() error {
				_, err := dbs[0].SaveBatch(ctx, bot.Batch{Date: fmt.Sprintf("2026-09-%02d", r+1), Papers: writerPapers("2612", r*50, 50, r)})
				return err
			},
			func() error {
				_, err := dbs[1].SaveBatch(ctx, bot.Batch{Papers: retitle(shared, r, 1)})
				return err
			},
			func() error {
				papers := retitle(shared, r, 2)
				slices.Reverse(papers)
				_, err := dbs[2].SaveBatch(ctx, bot.Batch{Papers: papers})
				return err
			},
			func() error {
				for chunk := range slices.Chunk(writerPapers("2701", r*90, 90, r), 30) {
					if _, err := dbs[3].AddPapers(ctx, chunk); err != nil {
						return err
					}
				}
				return nil
			},
			func() error { return dbs[r%handles].CopyFrom(ctx, src, nil) },
		}
		var wg sync.WaitGroup
		for i, w := range writers {
			wg.Go(func() {
				if err := w(); err != nil {
					mu.Lock()
					defer mu.Unlock()
					failed = append(failed, fmt.Sprintf("round %d, writer %d: SQLSTATE %s: %v", r, i, sqlState(err), err))
				}
			})
		}
		wg.Wait()
	}
	for _, f := range failed {
		t.Error(f)
	}
	raw := rawDB(t, url)
	checkWordsVocab(t, raw)
	want := len(shared) + rounds*(50+90+40)
	if got := queryString(t, raw, "SELECT count(*) FROM papers"); got != strconv.Itoa(want) {
		t.Errorf("papers=%s, want %d", got, want)
	}
}

// writerPapers returns n papers with ids prefix.seq for seq from first on,
// whose titles mix a few words that every title shares with words that
// depend on the paper and on round.
func writerPapers(prefix string, first, n, round int) []bot.Paper {
	words := []string{"model", "learning", "graph", "diffusion", "language", "vision", "robust", "sparse", "attention", "transformer"}
	papers := make([]bot.Paper, n)
	for i := range papers {
		seq := first + i
		papers[i] = bot.Paper{
			ID:      fmt.Sprintf("%s.%05d", prefix, seq),
			Title:   fmt.Sprintf("%s %s model learning w%d r%d", words[seq%len(words)], words[(seq*7+round)%len(words)], seq%13, round%3),
			Authors: []string{fmt.Sprintf("Author%d Smith", seq%5)},
		}
	}
	return papers
}

// retitle returns copies of papers whose titles differ by round and writer.
func retitle(papers []bot.Paper, round, writer int) []bot.Paper {
	out := slices.Clone(papers)
	for i := range out {
		out[i].Title = fmt.Sprintf("%s v%d %s", out[i].Title, (round*3+writer)%7, []string{"graph", "sparse", "vision"}[(i+writer)%3])
	}
	return out
}

// sqlState returns the SQLSTATE of a PostgreSQL error in err's chain, or "".
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// TestPapersWriteLock_Postgres: a statement that writes papers outside the
// store's writers (SQL run by hand) takes the papers write lock too, held
// until its transaction ends, so it queues behind the store's paper writers
// instead of deadlocking with them on the words table.
func TestPapersWriteLock_Postgres(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	mustOpenPath(t, url) // migrates
	raw := rawDB(t, url)
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO papers (paper_id, title, created_at, updated_at) VALUES ('2612.00001', 'By hand', '', '')`); err != nil {
		t.Fatal(err)
	}
	var free bool
	if err := raw.QueryRow("SELECT pg_try_advisory_xact_lock($1)", store.LockPapers).Scan(&free); err != nil {
		t.Fatal(err)
	}
	if free {
		t.Fatal("another connection got the papers write lock while a transaction that wrote papers was open")
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow("SELECT pg_try_advisory_xact_lock($1)", store.LockPapers).Scan(&free); err != nil || !free {
		t.Fatalf("lock free=%v, %v after the transaction ended; want it free", free, err)
	}
}

// TestSearchInline_Postgres: migration 0011 moves the papers' tsvectors
// from the TOAST table into their rows, on a store written before it (here
// made so by setting the old storage back and rewriting the table), and
// changes nothing a search or the words table sees; papers written after
// it are stored inline too, and found.
func TestSearchInline_Postgres(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	db, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var papers []bot.Paper
	for i := range 60 {
		// About 250 distinct words: a tsvector of several KB, which the
		// default storage puts out of line.
		var words []string
		for j := range 250 {
			words = append(words, fmt.Sprintf("w%dq%d", j, (i+j)%7))
		}
		papers = append(papers, bot.Paper{ID: fmt.Sprintf("2601.%05d", i+1), Title: fmt.Sprintf("Inline Storage Study %d", i+1),
			Abstract: strings.Join(words, " ")})
	}
	mustSave(t, db, bot.Batch{Papers: papers})
	raw := rawDB(t, url)
	toast := func() int64 {
		t.Helper()
		n, err := strconv.ParseInt(queryString(t, raw, `SELECT coalesce(sum(length(chunk_data)), 0) FROM pg_toast.pg_toast_`+
			queryString(t, raw, "SELECT 'papers'::regclass::oid")), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	sum := func(col string) int64 {
		t.Helper()
		n, err := strconv.ParseInt(queryString(t, raw, "SELECT sum(pg_column_size("+col+")) FROM papers"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	queries := []string{"inline storage study", "w17q3", "w5q1 w6q2", "study w249q0"}
	before := map[string][]string{}
	for _, q := range queries {
		before[q] = searchIDs(t, db, q)
		if len(before[q]) == 0 {
			t.Fatalf("%q: no hits", q)
		}
	}

	// The layout before 0011: every tsvector out of line.
	if _, err := raw.Exec("ALTER TABLE papers ALTER COLUMN search SET STORAGE EXTENDED; CLUSTER papers USING papers_pkey"); err != nil {
		t.Fatal(err)
	}
	if got, min := toast(), sum("search"); got < min {
		t.Fatalf("with the old storage, %d bytes out of line, want at least the tsvectors' %d", got, min)
	}
	ddl, err := os.ReadFile("migrations_pg/0011_search_inline.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(string(ddl)); err != nil {
		t.Fatal(err)
	}
	if got, max := toast(), sum("abstract"); got > max {
		t.Fatalf("after 0011, %d bytes out of line, want at most the abstracts' %d (the tsvectors inline)", got, max)
	}
	for _, q := range queries {
		if got := searchIDs(t, db, q); !slices.Equal(got, before[q]) {
			t.Errorf("%q after 0011: %v, want %v", q, got, before[q])
		}
	}

	// Written after: an update changes a title, a new paper comes.
	papers[0].Title = "Zorblat Storage Study"
	mustSave(t, db, bot.Batch{Papers: []bot.Paper{papers[0], {ID: "2601.09999", Title: "Quuxing Inline",
		Abstract: papers[1].Abstract}}})
	if got, max := toast(), sum("abstract"); got > max {
		t.Errorf("after new writes, %d bytes out of line, want at most the abstracts' %d", got, max)
	}
	if got := searchIDs(t, db, "zorblat"); !slices.Equal(got, []string{"2601.00001"}) {
		t.Errorf("zorblat: %v, want the updated paper", got)
	}
	if got := searchIDs(t, db, "quuxing w3q4"); !slices.Equal(got, []string{"2601.09999"}) {
		t.Errorf("quuxing w3q4: %v, want the new paper", got)
	}
	checkWordsVocab(t, raw)
}

// checkWordsVocab fails t unless papers_words_vocab (kept by triggers)
// holds what a recount of the papers' words gives.
func checkWordsVocab(t *testing.T, raw *sql.DB) {
	t.Helper()
	const diff = `SELECT count(*) FROM (
		(SELECT term, doc FROM papers_words_vocab WHERE doc <> 0
		 EXCEPT SELECT t, count(*) FROM papers, unnest(papers_words(search)) AS t GROUP BY t)
		UNION ALL
		(SELECT t, count(*) FROM papers, unnest(papers_words(search)) AS t GROUP BY t
		 EXCEPT SELECT term, doc FROM papers_words_vocab WHERE doc <> 0)) AS d`
	if got := queryString(t, raw, diff); got != "0" {
		t.Errorf("%s words of papers_words_vocab differ from a recount from papers", got)
	}
}
