package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// ErrNoStore is returned by OpenReadOnly when dsn names no paperboy store:
// a SQLite file that does not exist, or a database without paperboy's
// schema.
var ErrNoStore = errors.New("no such store")

// readerPragmas are the URI parameters of a read-only SQLite connection:
// the writer's (see dsn) without journal_mode, which a read-only
// connection cannot set (paperboy's files are in WAL mode already), and
// with plain deferred transactions, which take no write lock.
var readerPragmas = []string{
	"mode=ro",
	"_pragma=busy_timeout(5000)",
	"_pragma=foreign_keys(1)",
	"_pragma=cache_size(-8192)",
}

// OpenReadOnly opens the existing store named by dsn for reading only, as
// the source of a copy: nothing is created, migrated or written. A SQLite
// file is opened with mode=ro; on PostgreSQL every statement runs in a
// read-only transaction (default_transaction_read_only). The error wraps
// ErrNoStore when there is no store there, and says how to bring the
// schema up to date when an older paperboy wrote it.
func OpenReadOnly(dsn string) (*DB, error) {
	db, err := openReadOnly(dsn)
	if err != nil {
		return nil, err
	}
	dir, fsys := "migrations", fs.FS(migrationFS)
	if db.sql.pg {
		dir, fsys = "migrations_pg", pgMigrationFS
	}
	if err := db.checkSchema(context.Background(), fsys, dir, dsn); err != nil {
		db.sql.Close()
		return nil, err
	}
	return db, nil
}

func openReadOnly(dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("open database: empty path")
	}
	if IsPostgres(dsn) {
		return openPostgres(readOnlyURL(dsn))
	}
	if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s does not exist; check the path", ErrNoStore, dsn)
	}
	db, err := openConn("file:" + escapeFile(dsn) + "?" + strings.Join(readerPragmas, "&"))
	if db != nil {
		db.readOnly = true
	}
	return db, err
}

// readOnlyParam is the PostgreSQL setting that makes every transaction of
// a session read-only, the single statements' implicit ones included.
const readOnlyParam = "default_transaction_read_only"

// readOnlyURL returns the URL with readOnlyParam on: pgx hands a query
// parameter it does not know to the server as a run-time setting.
func readOnlyURL(url string) string {
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + readOnlyParam + "=on"
}

// checkSchema fails unless every migration of dir has been applied: the
// reader cannot apply them itself.
func (db *DB) checkSchema(ctx context.Context, fsys fs.FS, dir, dsn string) error {
	var applied []string
	err := db.gorm.WithContext(ctx).Table("migrations").Pluck("name", &applied).Error
	if err != nil {
		return fmt.Errorf("%w: %s holds no paperboy store (%v)", ErrNoStore, Redact(dsn), fileErr(err))
	}
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	for _, name := range names {
		if !slices.Contains(applied, path.Base(name)) {
			return fmt.Errorf("%s was written by an older paperboy (schema without %s): open it once with this one (e.g. paperboy --db %s status) to bring it up to date, then copy it",
				Redact(dsn), path.Base(name), Redact(dsn))
		}
	}
	return nil
}
