package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/store"
	"paperboy/store/pgtest"
)

func TestOpenReadOnly(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		db := mustOpenPath(t, dsn)
		if _, err := db.SaveBatch(ctx, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: []bot.Paper{{ID: "2608.00001", Title: "A paper"}}}); err != nil {
			t.Fatal(err)
		}
		ro, err := store.OpenReadOnly(dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer MustCloseDB(t, ro)
		if b, err := ro.Batch(ctx, "2026-08-19"); err != nil || len(b.Papers) != 1 {
			t.Fatalf("Batch: %d papers, %v; want the stored one", len(b.Papers), err)
		}
		_, err = ro.SaveBatch(ctx, bot.Batch{Papers: []bot.Paper{{ID: "2608.00002", Title: "Another"}}})
		if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), "-", ""), "readonly") {
			t.Fatalf("SaveBatch through a read-only store: %v, want a read-only error", err)
		}
	})
}

func TestOpenReadOnly_ErrNoStore(t *testing.T) {
	t.Run("Missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "typo.db")
		if _, err := store.OpenReadOnly(path); !errors.Is(err, store.ErrNoStore) {
			t.Fatalf("err=%v, want ErrNoStore", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("OpenReadOnly created %s (stat: %v)", path, err)
		}
	})
	t.Run("NotPaperboy", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		if _, err := rawDB(t, path).Exec("CREATE TABLE t (x)"); err != nil {
			t.Fatal(err)
		}
		if _, err := store.OpenReadOnly(path); !errors.Is(err, store.ErrNoStore) {
			t.Fatalf("err=%v, want ErrNoStore", err)
		}
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		url := pgtest.Shared(t).NewEmptyDatabase(t) // not the migrated template
		if _, err := store.OpenReadOnly(url); !errors.Is(err, store.ErrNoStore) {
			t.Fatalf("err=%v, want ErrNoStore for an empty database", err)
		}
	})
}

// TestOpenReadOnly_ReadOnlyFile: a store whose file this user cannot
// write is still a source.
func TestOpenReadOnly_ReadOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paperboy.db")
	db := mustOpenDBNoCleanup(t, path)
	MustCloseDB(t, db)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	ro, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	MustCloseDB(t, ro)
}
