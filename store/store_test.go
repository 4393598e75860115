package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/glebarez/sqlite" // registers the "sqlite" driver for rawDB

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// engine is one of the store's engines, for the contract tests that run
// against each of them: SQLite, and PostgreSQL where it is installed.
type engine struct {
	name string
	// dsn returns where a new database is: the path of a file not there
	// yet, or the URL of a PostgreSQL database as store.Open leaves a new
	// one, migrated and holding no rows (pgtest's template, see TestMain).
	dsn func(tb testing.TB) string
}

// engines are the engines the contract tests run against.
var engines = []engine{
	{"SQLite", func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "paperboy.db") }},
	{"PostgreSQL", func(tb testing.TB) string { return pgtest.Shared(tb).NewDatabase(tb) }},
}

// sqliteEngine is the engine of the SQLite-only tests.
var sqliteEngine = engines[0]

// open opens a new database holding no rows and closes it when the test ends. Its
// clock is fixed.
func (e engine) open(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenPath(tb, e.dsn(tb))
}

// pg reports whether e is PostgreSQL.
func (e engine) pg() bool { return e.name == "PostgreSQL" }

// eachEngine runs fn as a subtest per engine, the engines' subtests in
// parallel with each other: each has a database of its own, and SQLite's
// work (in this process) overlaps PostgreSQL's (in the server's). They
// run after the calling test's function returns, so fn shares nothing
// with it nor with the other engine's fn; a test that compares the
// engines' results afterwards uses eachEngineInTurn. A missing PostgreSQL
// skips its subtest, with a message saying so.
func eachEngine(t *testing.T, fn func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

// eachEngineInTurn is eachEngine with the subtests one after the other,
// each done when eachEngineInTurn returns.
func eachEngineInTurn(t *testing.T, fn func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { fn(t, e) })
	}
}

// MustOpenDB opens a new database in a temporary directory and closes it
// when the test ends. Its clock is fixed.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "paperboy.db"))
}

// mustOpenPath opens the database at path and closes it when the test ends.
func mustOpenPath(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC) }
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// MustCloseDB closes db.
func MustCloseDB(tb testing.TB, db *store.DB) {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// rawDB opens the database file (or URL) at path directly, to inspect the
// schema.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	driver, dsn := "sqlite", "file:"+path+"?_pragma=foreign_keys(1)"
	if store.IsPostgres(path) {
		driver, dsn = "pgx", path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// queryString runs a one-value query.
func queryString(tb testing.TB, db *sql.DB, q string) string {
	tb.Helper()
	var s string
	if err := db.QueryRow(q).Scan(&s); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return s
}

// ctx is the context of test calls.
var ctx = context.Background()

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "paperboy.db")
		db, err := store.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		MustCloseDB(t, db)
		raw := rawDB(t, path)
		if got, want := queryString(t, raw, "PRAGMA journal_mode"), "wal"; got != want {
			t.Errorf("journal_mode=%q, want %q", got, want)
		}
		if got, want := queryString(t, raw, "SELECT group_concat(name, ',') FROM migrations"), "0001_init.sql,0002_delivery.sql,0003_fts_hashsize.sql,0004_words_without_prefixes.sql,0005_leases.sql,0006_replays.sql,0007_subscription_period.sql,0008_vectors.sql,0009_signals.sql,0010_taste.sql,0011_vector_signs.sql,0012_vector_mags.sql"; got != want {
			t.Errorf("migrations=%q, want %q", got, want)
		}
		for _, table := range []string{"papers_fts_config", "papers_words_config"} {
			if got, want := queryString(t, raw, "SELECT v FROM "+table+" WHERE k = 'hashsize'"), "8388608"; got != want {
				t.Errorf("%s hashsize=%q, want %q", table, got, want)
			}
		}
	})

	t.Run("WordsRebuilt", func(t *testing.T) {
		// 0004 recreates papers_words and rebuilds it from the stored papers:
		// run it again over a store with papers, as on an upgrade.
		path := filepath.Join(t.TempDir(), "paperboy.db")
		db := mustOpenDBNoCleanup(t, path)
		mustSave(t, db, bot.Batch{Papers: bottest.Corpus(5, 300)})
		MustCloseDB(t, db)
		raw := rawDB(t, path)
		if _, err := raw.Exec("DELETE FROM migrations WHERE name = '0004_words_without_prefixes.sql'"); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		db = mustOpenDBNoCleanup(t, path)
		defer MustCloseDB(t, db)
		if got := countSearch(t, db, "Kowals"); got == 0 { // completes to the author name Kowalski
			t.Fatal("no completions from papers_words after the migration")
		}
		raw = rawDB(t, path)
		if got := queryString(t, raw, "SELECT count(*) FROM papers_words_vocab WHERE term = 'kowalski'"); got == "0" || got == "" {
			t.Fatalf("papers_words_vocab has %q papers by Kowalski", got)
		}
		if got := queryString(t, raw, "SELECT sql FROM sqlite_schema WHERE name = 'papers_words'"); strings.Contains(got, "prefix") {
			t.Fatalf("papers_words still has prefix indexes: %s", got)
		}
	})

	t.Run("Twice", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "paperboy.db")
		MustCloseDB(t, mustOpenDBNoCleanup(t, path))
		raw := rawDB(t, path)
		const schema = "SELECT group_concat(type || ' ' || name, ',') FROM (SELECT * FROM sqlite_schema ORDER BY name)"
		before := queryString(t, raw, schema)
		applied := queryString(t, raw, "SELECT group_concat(name || applied_at, ',') FROM migrations")
		db := mustOpenDBNoCleanup(t, path)
		db.Now = func() time.Time { return time.Now().Add(time.Hour) } // a re-run would record a new time
		MustCloseDB(t, db)
		if after := queryString(t, raw, schema); after != before {
			t.Errorf("schema changed on reopen:\n%s\n%s", before, after)
		}
		if again := queryString(t, raw, "SELECT group_concat(name || applied_at, ',') FROM migrations"); again != applied {
			t.Errorf("migrations=%q after reopen, want %q", again, applied)
		}
		for _, trigger := range []string{"papers_ai", "papers_ad", "papers_au_fts", "papers_au_words"} {
			if !strings.Contains(before, "trigger "+trigger) {
				t.Errorf("trigger %s missing from schema %s", trigger, before)
			}
		}
	})

	t.Run("OddPath", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a b?c#d%e")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		MustCloseDB(t, mustOpenDBNoCleanup(t, filepath.Join(dir, "paperboy.db")))
		if _, err := os.Stat(filepath.Join(dir, "paperboy.db")); err != nil {
			t.Fatalf("database not where asked: %v", err)
		}
	})

	t.Run("ErrEmptyPath", func(t *testing.T) {
		if _, err := store.Open(""); err == nil {
			t.Fatal("Open(\"\") gave no error")
		}
	})
}

// mustOpenDBNoCleanup opens path; the caller closes it.
func mustOpenDBNoCleanup(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

// TestSQLiteVersion guards the modernc.org/sqlite pin in go.mod: glebarez's
// own dependency would give SQLite 3.41, markedly slower for FTS5.
func TestSQLiteVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	raw := rawDB(t, path)
	version := queryString(t, raw, "SELECT sqlite_version()")
	parts := strings.Split(version, ".")
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1])
	if major < 3 || major == 3 && minor < 54 {
		t.Errorf("sqlite_version()=%s, want >= 3.54 (is modernc.org/sqlite still pinned in go.mod?)", version)
	}
	rows, err := raw.Query("PRAGMA compile_options")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var fts5 bool
	for rows.Next() {
		var opt string
		if err := rows.Scan(&opt); err != nil {
			t.Fatal(err)
		}
		fts5 = fts5 || opt == "ENABLE_FTS5"
	}
	if !fts5 {
		t.Error("compile_options lack ENABLE_FTS5")
	}
}

// TestTriggersSurviveReopen checks that the FTS sync triggers are there
// after a reopen: a paper stored then is findable, and updates re-index.
func TestTriggersSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paperboy.db")
	MustCloseDB(t, mustOpenDBNoCleanup(t, path))
	db := mustOpenPath(t, path)
	p := bot.Paper{ID: "2608.99999", Title: "Quokka Alignment for Marsupial Agents", Abstract: "We study quokkas."}
	if _, err := db.SaveBatch(ctx, bot.Batch{Papers: []bot.Paper{p}}); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, db, "quokka marsupial"); len(got) != 1 || got[0] != p.ID {
		t.Fatalf("search after reopen = %v, want [%s]", got, p.ID)
	}
	p.Title = "Wombat Alignment"
	if _, err := db.SaveBatch(ctx, bot.Batch{Papers: []bot.Paper{p}}); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, db, "marsupial"); len(got) != 0 {
		t.Errorf("old title still indexed: %v", got)
	}
	if got := searchIDs(t, db, "wombat"); len(got) != 1 {
		t.Errorf("new title not indexed: %v", got)
	}
}

// searchIDs returns the ids of the hits of a search for text.
func searchIDs(tb testing.TB, db *store.DB, text string) []string {
	tb.Helper()
	hits, err := db.Search(ctx, bot.Query{Text: text, Limit: 100})
	if err != nil {
		tb.Fatalf("Search(%q): %v", text, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Paper.ID
	}
	return ids
}

// TestFTSIntegrity checks that the triggers keep both full-text indexes
// exactly in step with papers through inserts, refreshes and deletes.
func TestFTSIntegrity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paperboy.db")
	db := mustOpenPath(t, path)
	papers := loadFixture(t, "testdata/daily_papers_2026-08-19.json")
	mustSave(t, db, bot.Batch{Date: "2026-08-19", Papers: papers})
	for i := range papers {
		papers[i].Title += " (revised)"
		papers[i].Upvotes++
	}
	mustSave(t, db, bot.Batch{Date: "2026-08-19", Papers: papers})
	raw := rawDB(t, path)
	if _, err := raw.Exec("DELETE FROM papers WHERE paper_id = ?", papers[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"papers_fts", "papers_words"} {
		q := "INSERT INTO " + table + "(" + table + ", rank) VALUES ('integrity-check', 1)"
		if _, err := raw.Exec(q); err != nil {
			t.Errorf("%s: %v", table, err)
		}
	}
	if got := countSearch(t, db, "revised"); got != len(papers)-1 {
		t.Errorf("%d papers found by their new title, want %d", got, len(papers)-1)
	}
	if b, err := db.Batch(ctx, "2026-08-19"); err != nil || len(b.Papers) != len(papers)-1 {
		t.Errorf("batch has %d papers (err %v) after a delete, want %d", len(b.Papers), err, len(papers)-1)
	}
}

// TestWordsVocab_Postgres checks that PostgreSQL's triggers keep
// papers_words_vocab equal to the title and author words counted from the
// papers themselves, through inserts, refreshes and deletes.
func TestWordsVocab_Postgres(t *testing.T) {
	url := engines[1].dsn(t)
	db := mustOpenPath(t, url)
	papers := loadFixture(t, "testdata/daily_papers_2026-08-19.json")
	mustSave(t, db, bot.Batch{Date: "2026-08-19", Papers: papers})
	for i := range papers {
		papers[i].Title += " (revised)"
		papers[i].Upvotes++
	}
	mustSave(t, db, bot.Batch{Date: "2026-08-19", Papers: papers})
	raw := rawDB(t, url)
	if _, err := raw.Exec("DELETE FROM papers WHERE paper_id = $1", papers[0].ID); err != nil {
		t.Fatal(err)
	}
	const diff = `SELECT count(*)::text
		FROM (SELECT t, count(*) AS n FROM papers, unnest(papers_words(search)) AS t GROUP BY t) AS want
		FULL JOIN (SELECT term, doc FROM papers_words_vocab WHERE doc <> 0) AS got ON got.term = want.t
		WHERE got.doc IS DISTINCT FROM want.n`
	if got := queryString(t, raw, diff); got != "0" {
		t.Errorf("%s words counted wrong", got)
	}
	if got := queryString(t, raw, "SELECT doc::text FROM papers_words_vocab WHERE term = 'revised'"); got != strconv.Itoa(len(papers)-1) {
		t.Errorf("revised in %s titles, want %d", got, len(papers)-1)
	}
}
