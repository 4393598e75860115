package pgtest_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestStart_ReapsOrphans kills a test process that started a server (as a
// test timeout would) and checks that the next Start stops that server and
// removes its directory.
func TestStart_ReapsOrphans(t *testing.T) {
	if os.Getenv("PGTEST_ORPHAN") != "" {
		s, err := pgtest.Start()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(s.Dir())
		time.Sleep(time.Minute) // killed meanwhile
		return
	}
	pgtest.Shared(t) // skips when PostgreSQL is not installed
	cmd := exec.Command(os.Args[0], "-test.run=^TestStart_ReapsOrphans$")
	cmd.Env = append(os.Environ(), "PGTEST_ORPHAN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	dir, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	dir = strings.TrimSpace(dir)
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); err != nil {
		t.Fatalf("the orphan's server is not running: %v", err)
	}
	s, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the orphan's directory %s is still there: %v", dir, err)
	}
}
