// Package store keeps paperboy's papers, day batches, TL;DR cache,
// subscriptions, delivery ledger and vectors, and implements bot.Store. It
// has two engines behind one DB type: a SQLite file (the embedded default),
// through GORM and the pure-Go driver github.com/glebarez/sqlite, and a
// PostgreSQL database shared by several replicas, through
// gorm.io/driver/postgres (pgx). Open picks the engine from the name.
// Full-text search is FTS5 on SQLite and a tsvector with a GIN index on
// PostgreSQL; nothing outside this package sees either. Each engine has its
// own append-only migrations (migrations/, migrations_pg/), applied by Open.
// The package imports bot and never an adapter or summarize.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"golang.org/x/sync/semaphore"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"paperboy/bot"
)

// migrationFS holds the schema as append-only SQL files, applied in name order.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// timeLayout is how timestamps are stored: RFC 3339 in UTC with a fixed
// width, so that text order is time order.
const timeLayout = "2006-01-02T15:04:05Z"

// maxConns bounds the connection pool. WAL lets readers run beside the one
// writer; more connections than cores only add page caches (each up to 8 MiB).
const maxConns = 4

// maxSearches bounds the searches running at once (see Search).
const maxSearches = 2

var _ bot.Store = (*DB)(nil)

// DB is a paperboy database: one SQLite file, or a PostgreSQL database
// shared by several paperboy processes. It is safe for concurrent use.
type DB struct {
	// Now returns the current time, used for created_at, updated_at and
	// fetched_at. Open sets it to time.Now; tests may replace it before use.
	Now func() time.Time
	// OwnerGone, when set, reports whether the process named by a delivery
	// claim's owner is known to be gone (it ran on this host and has
	// exited), so Claim may take its claim over before the lease runs out.
	OwnerGone func(owner string) bool

	gorm     *gorm.DB
	sql      *conn               // hand-written SQL, rebound for the engine
	searches *semaphore.Weighted // bounds concurrent searches
	// exactBelow is the number of papers up to which Search ranks every
	// match (see the constant); tests lower it to exercise the planner.
	exactBelow int64
	running    sync.WaitGroup // searches still running, awaited by Close
	bulk       bulkWrites     // paces AddPapers, see yieldWriteLock
	vectors    vectorIndex    // the vectors of one model in memory, see Nearest
	// vectorWindow is how many of the newest papers' vectors Nearest
	// scans (maxVectors); tests lower it.
	vectorWindow int
	readOnly     bool       // opened by OpenReadOnly: Close writes nothing
	lockTiming   lockTiming // AcquireLock's poll and check; tests shorten them
}

// Open opens the database named by dsn and brings its schema up to date;
// opening an up-to-date database changes nothing. A dsn starting with
// postgres:// or postgresql:// is a PostgreSQL connection URL (see
// openPostgres); anything else is the path of a SQLite file, created if
// needed. Both engines keep the same rows and behave the same to callers,
// except where a method's comment says otherwise.
func Open(dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("open database: empty path")
	}
	if IsPostgres(dsn) {
		return openPostgres(dsn)
	}
	return openSQLite(dsn)
}

// IsPostgres reports whether dsn names a PostgreSQL database (a postgres://
// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	lower := strings.ToLower(dsn)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

// Redact returns dsn fit for logs and error messages: a URL's userinfo is
// redacted (bot.RedactURL). A SQLite path is returned as it is.
func Redact(dsn string) string {
	return bot.RedactURL(dsn)
}

// newDB returns a DB over an open GORM handle.
func newDB(g *gorm.DB, pg bool) (*DB, error) {
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	return &DB{Now: time.Now, gorm: g, sql: &conn{DB: sqlDB, pg: pg},
		searches: semaphore.NewWeighted(maxSearches), exactBelow: exactBelow, vectorWindow: maxVectors}, nil
}

// gormConfig is the GORM configuration of both engines.
var gormConfig = gorm.Config{
	// Writes that need a transaction open one themselves; reads must not,
	// because on SQLite _txlock=immediate makes every BEGIN take the write
	// lock.
	SkipDefaultTransaction: true,
	// Errors are returned to the caller, who decides what to log.
	Logger: logger.Discard,
}

// openSQLite opens the SQLite database at path, creating it if needed.
func openSQLite(path string) (*DB, error) { return openDSN(dsn(path)) }

// openDSN is openSQLite for a data source name; tests add URI parameters.
func openDSN(dsn string) (*DB, error) {
	db, err := openConn(dsn)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(context.Background(), migrationFS, "migrations"); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("open database: %w", fileErr(err))
	}
	return db, nil
}

// openConn opens a pool on a SQLite data source name and migrates nothing.
func openConn(dsn string) (*DB, error) {
	cfg := gormConfig
	// A full disk or a read-only file is told in words (errors.go).
	cfg.TranslateError = true
	g, err := gorm.Open(dialector{&sqlite.Dialector{DSN: dsn}}, &cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", fileErr(err))
	}
	db, err := newDB(g, false)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.sql.SetMaxOpenConns(maxConns)
	db.sql.SetMaxIdleConns(maxConns)
	return db, nil
}

// dsn returns the driver's data source name for a database file. Pragmas
// are per connection, so they go in the DSN, which the driver applies to
// every new pooled connection; a one-off PRAGMA would reach only one of them.
func dsn(file string) string {
	file = escapeFile(file)
	pragmas := []string{
		// WAL: readers (searches, /papers today) never block the writer or
		// each other, and commits are cheaper than with a rollback journal.
		"_pragma=journal_mode(WAL)",
		// Wait up to 5 s for a lock instead of failing at once with
		// SQLITE_BUSY, e.g. when an import and the daily fetch overlap.
		"_pragma=busy_timeout(5000)",
		// NORMAL is durable across application crashes in WAL mode and only
		// risks the last commits on power loss, for far fewer fsyncs.
		"_pragma=synchronous(NORMAL)",
		// SQLite ignores REFERENCES unless told otherwise, per connection;
		// batch_papers relies on them (cascade on delete).
		"_pragma=foreign_keys(1)",
		// 8 MiB page cache instead of the 2 MiB default. More does not make
		// searches faster (measured at 300k and 1M papers: pages come back
		// from the operating system's cache, outside paperboy's memory), and
		// the caches of maxConns connections count in paperboy's RSS.
		"_pragma=cache_size(-8192)",
		// Transactions start with BEGIN IMMEDIATE: a writer takes the write
		// lock up front, so busy_timeout applies, instead of failing with
		// SQLITE_BUSY when a read transaction tries to upgrade. Never add
		// _time_format: the driver then silently ignores _txlock.
		"_txlock=immediate",
	}
	return "file:" + file + "?" + strings.Join(pragmas, "&")
}

// escapeFile escapes what would end the path in a URI filename: SQLite
// decodes %HH there.
func escapeFile(file string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(file)
}

// Close waits for searches still running in the background, then closes
// the database.
func (db *DB) Close() error {
	db.running.Wait()
	var optErr error
	if !db.sql.pg && !db.readOnly {
		// PRAGMA optimize refreshes the query planner's statistics where
		// they are stale; SQLite recommends it before closing a long-lived
		// connection. PostgreSQL's autovacuum does this by itself.
		_, optErr = db.sql.DB.Exec("PRAGMA optimize")
	}
	if err := errors.Join(optErr, db.sql.Close()); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// now returns the current time as stored.
func (db *DB) now() string {
	return formatTime(db.Now())
}

// formatTime returns t as stored, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// parseTime parses a stored time; "" and garbage give the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// migrate creates the migrations table and applies every migration of dir
// in fsys not yet recorded there, in name order.
func (db *DB) migrate(ctx context.Context, fsys fs.FS, dir string) error {
	err := db.gorm.WithContext(ctx).Exec(`CREATE TABLE IF NOT EXISTS migrations (
		name       TEXT NOT NULL PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`).Error
	if err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, fsys, name); err != nil {
			return fmt.Errorf("migrate %s: %w", path.Base(name), err)
		}
	}
	return nil
}

// upToDate reports whether every migration of dir in fsys is recorded, in
// one query: then a process that opens the database (every one-shot
// command) need not lock, create or check anything. Migrations are
// append-only, so a recorded name is never applied again. Any error (no
// migrations table yet) reports false, and migrate does the rest.
//
// Why: on PostgreSQL the full check took a second connection for the
// advisory lock and three round trips per migration, most of the time a
// one-shot search spends outside the search itself.
func (db *DB) upToDate(ctx context.Context, fsys fs.FS, dir string) bool {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return false
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT name FROM migrations")
	if err != nil {
		return false
	}
	defer rows.Close()
	var applied []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			return false
		}
		applied = append(applied, name)
	}
	if rows.Err() != nil {
		return false
	}
	for _, name := range names {
		if !slices.Contains(applied, path.Base(name)) {
			return false
		}
	}
	return true
}

// migrateFile applies one migration in its own transaction, unless it is
// already recorded. On SQLite the check runs inside the transaction, which
// holds the write lock, so two processes opening the same file cannot both
// apply it; on PostgreSQL an advisory lock around all of migrate does that
// (see openPostgres).
func (db *DB) migrateFile(ctx context.Context, fsys fs.FS, name string) error {
	ddl, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	base := path.Base(name)
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Table("migrations").Where("name = ?", base).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := tx.Exec(string(ddl)).Error; err != nil {
			return err
		}
		return tx.Exec("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", base, db.now()).Error
	})
}

// Optimize merges the full-text indexes' segments and truncates the WAL.
// Call it after a large import; searches are faster afterwards. It takes
// seconds per 100k papers and blocks other writers meanwhile. On
// PostgreSQL it vacuums and analyzes papers instead, which blocks nobody.
func (db *DB) Optimize(ctx context.Context) error {
	if db.sql.pg {
		if _, err := db.sql.ExecContext(ctx, "VACUUM (ANALYZE) papers"); err != nil {
			return fmt.Errorf("optimize: %w", err)
		}
		return nil
	}
	for _, q := range []string{
		"INSERT INTO papers_fts(papers_fts) VALUES ('optimize')",
		"INSERT INTO papers_words(papers_words) VALUES ('optimize')",
		"PRAGMA wal_checkpoint(TRUNCATE)",
	} {
		if _, err := db.sql.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("optimize: %w", fileErr(err))
		}
	}
	return nil
}
