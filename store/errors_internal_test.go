package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	gosqlite "github.com/glebarez/go-sqlite"

	"paperboy/bot"
)

// mustCreate makes a database file at path with its schema, and closes it.
func mustCreate(t *testing.T, path string) {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// wantAdvice checks that err tells what to do, keeps the driver's error
// for errors.As, and shows none of SQLite's own text.
func wantAdvice(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	var fe *fileError
	var se *gosqlite.Error
	if !errors.As(err, &fe) || !errors.As(err, &se) {
		t.Fatalf("err=%v (%T): not a fileError wrapping the driver's error", err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, want) {
		t.Fatalf("err=%q, want advice %q", msg, want)
	}
	for _, raw := range []string{"out of memory", "attempt to write", "database or disk is full", "unable to open"} {
		if strings.Contains(msg, raw) {
			t.Fatalf("err=%q shows SQLite's text %q", msg, raw)
		}
	}
}

func TestOpen_MissingDirectory(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "no-such-dir", "paperboy.db"))
	wantAdvice(t, err, "check that its directory exists")
}

func TestWrite_ReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paperboy.db")
	mustCreate(t, path)
	// mode=ro stands in for a file without write permission: the tests
	// may run as root, which permissions do not stop.
	db, err := openDSN(dsn(path) + "&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.SaveBatch(context.Background(), bot.Batch{Papers: []bot.Paper{{ID: "2401.01335", Title: "T"}}})
	wantAdvice(t, err, "the database is read-only")
}

func TestWrite_DiskFull(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "paperboy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A page limit makes SQLite answer SQLITE_FULL as on a full disk. It
	// holds per connection, so keep one.
	db.sql.SetMaxOpenConns(1)
	var pages int
	if err := db.sql.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+1)); err != nil {
		t.Fatal(err)
	}
	papers := make([]bot.Paper, 200)
	for i := range papers {
		papers[i] = bot.Paper{ID: fmt.Sprintf("2401.%05d", i), Title: "A title", Abstract: strings.Repeat("words to fill pages ", 100)}
	}
	_, err = db.SaveBatch(context.Background(), bot.Batch{Papers: papers})
	wantAdvice(t, err, "the disk holding the database is full")
	// Through GORM too (TranslateError).
	err = db.gorm.Exec("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", strings.Repeat("x", 100000), "now").Error
	wantAdvice(t, err, "the disk holding the database is full")
}
