package pgtest

import (
	"context"
	"database/sql"
	"testing"
)

// TestTemplate: with a preparation, NewDatabase copies a database it
// prepared once, and NewEmptyDatabase still gives an empty one.
func TestTemplate(t *testing.T) {
	shared := Shared(t)
	prepared := 0
	// A second handle on the shared server, with a template of its own
	// and database names that cannot meet the shared handle's.
	s := &Server{dir: shared.dir, bin: shared.bin, port: shared.port, admin: shared.admin,
		prepare: func(ctx context.Context, url string) error {
			prepared++
			db, err := sql.Open("pgx", url)
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, "CREATE TABLE t (x int); INSERT INTO t VALUES (42)")
			return err
		}}
	s.next.Store(1 << 40)
	count := func(url string) (int, error) {
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		err = db.QueryRow("SELECT count(*) FROM t WHERE x = 42").Scan(&n)
		return n, err
	}
	a, b := s.NewDatabase(t), s.NewDatabase(t)
	for _, url := range []string{a, b} {
		if n, err := count(url); err != nil || n != 1 {
			t.Fatalf("%s: %d rows, %v; want the template's one", url, n, err)
		}
	}
	if prepared != 1 {
		t.Fatalf("prepared %d times, want once", prepared)
	}
	if _, err := count(s.NewEmptyDatabase(t)); err == nil {
		t.Fatal("NewEmptyDatabase's database has the template's table")
	}
}
