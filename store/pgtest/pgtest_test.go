package pgtest_test

import (
	"database/sql"
	"os"
	"testing"

	"paperboy/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

func TestShared(t *testing.T) {
	s := pgtest.Shared(t)
	a, b := s.NewDatabase(t), s.NewDatabase(t)
	if a == b {
		t.Fatalf("two databases with one URL %s", a)
	}
	db, err := sql.Open("pgx", a)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (x int); INSERT INTO t VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	var x int
	if err := db.QueryRow("SELECT x FROM t").Scan(&x); err != nil || x != 42 {
		t.Fatalf("x=%d, %v; want 42", x, err)
	}
	other, err := sql.Open("pgx", b)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.QueryRow("SELECT count(*) FROM t").Scan(&x); err == nil {
		t.Fatal("the second database sees the first one's table")
	}
}
