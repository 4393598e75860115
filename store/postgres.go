package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	neturl "net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"paperboy/bot"
)

// pgMigrationFS holds PostgreSQL's schema: the same tables as migrations/,
// in PostgreSQL's types, with a tsvector and a GIN index where SQLite has
// FTS5. Append-only, like migrations/.
//
//go:embed migrations_pg/*.sql
var pgMigrationFS embed.FS

// pgMaxConns bounds a replica's connections to PostgreSQL. The server's
// default max_connections is 100: ten replicas fit.
const pgMaxConns = 8

// Advisory lock keys, one per purpose, the same in every paperboy process.
// PostgreSQL advisory locks are per database, so two paperboy deployments
// on two databases of one server never meet.
const (
	// lockMigrate is held while a process migrates the schema, so that
	// replicas starting together apply each migration once.
	lockMigrate int64 = 0x70626d6967726174 // "pbmigrat"
	// lockPapers is held by every transaction that writes papers, until
	// it ends (see writePapers); migrations_pg/0010_papers_write_lock.sql
	// takes it by number in a trigger, for any other writer.
	lockPapers int64 = 0x7062706170657273 // "pbpapers"
	// lockClaim is the first half of a claim's transaction lock; the
	// second is a hash of the delivery key (see Claim).
	lockClaim int32 = 0x70626364 // "pbcd"
)

// openPostgres opens the PostgreSQL database at the URL, through GORM's
// PostgreSQL driver on pgx, and migrates it under an advisory lock.
//
// The schema keeps SQLite's plain types (timestamps as fixed-width RFC 3339
// text, lists as JSON text), so every query other than search is the same
// SQL on both engines, rebound to $N placeholders (see conn).
func openPostgres(url string) (*DB, error) {
	if !parsesWhole(url) {
		return nil, errBadURL
	}
	pgCfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, errBadURL // its message may quote a part of the password
	}
	// pgx prepares every statement, and after five runs PostgreSQL may
	// plan a prepared statement once for any parameter. Search's plan
	// depends on how common the query's words are (the primary key for
	// common words, the GIN index for rare ones): a generic plan made
	// common-word searches 5 to 10 times slower. Plan each run instead,
	// unless the URL says otherwise.
	if _, ok := pgCfg.RuntimeParams["plan_cache_mode"]; !ok {
		pgCfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	cfg := gormConfig
	g, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pgCfg)}), &cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db, err := newDB(g, true)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.sql.SetMaxOpenConns(pgMaxConns)
	db.sql.SetMaxIdleConns(pgMaxConns)
	if pgCfg.RuntimeParams[readOnlyParam] == "on" {
		db.readOnly = true
		return db, nil // a reader cannot migrate; OpenReadOnly checks the schema
	}
	if err := db.migratePostgres(context.Background()); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// migratePostgres runs migrate while holding the migration advisory lock on
// a connection of its own: replicas that start together wait for the first
// one, then find every migration recorded and apply none. A process that
// dies while migrating loses the lock with its connection, and its
// migration's transaction is rolled back.
func (db *DB) migratePostgres(ctx context.Context) (err error) {
	if db.upToDate(ctx, pgMigrationFS, "migrations_pg") {
		return nil
	}
	c, err := db.sql.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockMigrate); err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	defer func() {
		_, unlockErr := c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockMigrate)
		if unlockErr != nil {
			err = errors.Join(err, fmt.Errorf("unlock migrations: %w", unlockErr))
		}
	}()
	return db.migrate(ctx, pgMigrationFS, "migrations_pg")
}

// Postgres reports whether db is a PostgreSQL database.
func (db *DB) Postgres() bool { return db.sql.pg }

// errBadURL is the error of a postgres:// URL that does not parse. It
// quotes nothing of the URL: a parser's error shows the text around where
// it stopped, which in a password holding '/' or '#' is the password.
var errBadURL = bot.Errorf(bot.EINVALID, "A postgres:// URL does not parse; "+
	"write it as postgres://USER:PASSWORD@HOST:5432/DBNAME and percent-encode / # ? @ : in the password (/ is %%2F, # is %%23, @ is %%40)")

// parsesWhole reports whether raw parses as a URL whose userinfo is all
// that precedes its last '@': a password holding '/', '#' or '?' ends the
// authority early, and the URL then names a host made of the password.
func parsesWhole(raw string) bool {
	u, err := neturl.Parse(raw)
	if err != nil {
		return false
	}
	at := strings.LastIndex(raw, "@")
	return at < 0 || (u.User != nil && strings.HasPrefix(raw[at+1:], u.Host))
}
