package store

import (
	"errors"

	gosqlite "github.com/glebarez/go-sqlite"
	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	sqlite3 "modernc.org/sqlite/lib"
)

// fileError is a failure of the database file itself (missing directory,
// full disk, read-only file), told in words that say what to do. Its
// Error is that advice alone: the driver's own text for these is
// misleading ("out of memory (14)" for a missing directory) or raw SQL
// noise. The driver's error stays reachable through Unwrap.
type fileError struct {
	advice string
	err    error
}

func (e *fileError) Error() string { return e.advice }
func (e *fileError) Unwrap() error { return e.err }

// fileAdvice maps SQLite's primary result codes for file trouble to what
// an operator should do.
var fileAdvice = map[int]string{
	sqlite3.SQLITE_CANTOPEN: "cannot open the database file: check that its directory exists and is writable, or point --db elsewhere",
	sqlite3.SQLITE_FULL:     "the disk holding the database is full: free some space and run the command again",
	sqlite3.SQLITE_READONLY: "the database is read-only: make the file and its directory writable for this user (SQLite writes -wal and -shm files beside it), or point --db elsewhere",
	sqlite3.SQLITE_PERM:     "no permission to use the database file: make the file and its directory writable for this user, or point --db elsewhere",
}

// fileErr returns err as a *fileError when SQLite's code says the database
// file is the trouble, and err unchanged otherwise. Codes, not messages,
// decide: extended codes (SQLITE_READONLY_DBMOVED…) carry the primary one
// in their low byte.
func fileErr(err error) error {
	var se *gosqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	if advice, ok := fileAdvice[se.Code()&0xff]; ok {
		return &fileError{advice: advice, err: err}
	}
	return err
}

// dialector is the SQLite dialector with file errors told in words. GORM
// runs every statement error through Translate (gorm.Config.TranslateError);
// the driver's own translation (constraint errors) applies to the rest.
// Embedding the driver's type keeps its other optional methods (savepoints).
type dialector struct {
	*sqlite.Dialector
}

var _ gorm.ErrorTranslator = dialector{}

// Translate implements gorm.ErrorTranslator.
func (d dialector) Translate(err error) error {
	if fe := fileErr(err); fe != err {
		return fe
	}
	return d.Dialector.Translate(err)
}
