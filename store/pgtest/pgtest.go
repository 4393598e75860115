// Package pgtest starts a throwaway PostgreSQL server for tests, the way
// net/http/httptest starts an HTTP server: initdb into a temporary
// directory, then pg_ctl start on a free local port, with the unix socket in
// the same directory. Nothing is mocked: the tests talk to a real server.
// The directory is in memory (/dev/shm) when there is room there: on a disk
// the server's file work (CREATE DATABASE writes hundreds of files) costs
// the tests a third of their time, durability settings or not.
//
// PostgreSQL refuses to run as root. When the tests run as root, the server
// runs as the "postgres" system user (or "nobody" when there is none), which
// owns the temporary directory.
//
// A package shares one server between its tests: call Shared from the tests
// and Stop from TestMain after m.Run. Each test gets its own database from
// NewDatabase, so tests never see each other's rows.
//
// A package whose tests all start by preparing their database the same way
// (the store migrating its schema) can do that once: SetTemplate from
// TestMain names the preparation, the server runs it on a template database
// the first time a test asks, and NewDatabase then copies the template
// (CREATE DATABASE ... TEMPLATE), which is faster than preparing again.
// NewEmptyDatabase still gives an empty database, for the tests of the
// preparation itself.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// ErrNotInstalled is returned by Start when initdb and pg_ctl are not found.
var ErrNotInstalled = errors.New("PostgreSQL is not installed (initdb and pg_ctl not on PATH nor in /usr/lib/postgresql/*/bin); install it (apt-get install postgresql) to run the PostgreSQL tests")

// Server is a running throwaway PostgreSQL server.
type Server struct {
	dir  string // temporary directory: data, socket and log
	bin  string // directory of initdb and pg_ctl
	port int
	cred *syscall.Credential // whom the server runs as; nil for this user
	uid  int

	admin *sql.DB // connection to the postgres database, for CREATE DATABASE
	next  atomic.Int64

	// The template NewDatabase copies, made by prepare once (see
	// SetTemplate); without prepare, NewDatabase is NewEmptyDatabase.
	prepare      func(ctx context.Context, url string) error
	templateOnce sync.Once
	template     string // the template database's name
	templateErr  error
}

// reapOrphans stops the servers and removes the directories that test
// processes killed before Stop (a test timeout, kill -9) left behind: those
// whose owner process is gone.
func reapOrphans(bin string) {
	var dirs []string
	for _, root := range roots() {
		found, _ := filepath.Glob(filepath.Join(root, "paperboy-pgtest-*"))
		dirs = append(dirs, found...)
	}
	for _, dir := range dirs {
		buf, err := os.ReadFile(filepath.Join(dir, "owner"))
		if err != nil {
			continue // starting right now, or not ours
		}
		pid, err := strconv.Atoi(string(buf))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue // alive (or not ours to judge)
		}
		orphan := &Server{dir: dir, bin: bin}
		if info, err := os.Stat(dir); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok && os.Getuid() == 0 && st.Uid != 0 {
				orphan.cred = &syscall.Credential{Uid: st.Uid, Gid: st.Gid}
			}
		}
		orphan.run("pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
}

// findBin returns the directory holding initdb and pg_ctl, preferring PATH,
// then the newest /usr/lib/postgresql/*/bin (Debian's layout).
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", ErrNotInstalled
}

// versionOf returns the major version in a /usr/lib/postgresql/N/bin path.
func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// Start initializes and starts a server. It returns ErrNotInstalled when
// PostgreSQL is not installed.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	reapOrphans(bin)
	dir, err := os.MkdirTemp(roots()[0], "paperboy-pgtest-")
	if err != nil {
		return nil, err
	}
	// The test process's pid, for reapOrphans in a later run should this
	// one be killed before Stop.
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin, uid: os.Getuid()}
	if err := s.start(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// start runs initdb and pg_ctl start, as a non-root user when root.
func (s *Server) start() error {
	if os.Getuid() == 0 {
		if err := s.dropRoot(); err != nil {
			return err
		}
	}
	data := filepath.Join(s.dir, "data")
	out, err := s.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync")
	if err != nil {
		// Some systems lack the C.UTF-8 locale: retry with plain C.
		out, err = s.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	}
	if err != nil {
		return fmt.Errorf("initdb: %v: %s", err, out)
	}
	// A few tries: the free port may be taken between finding and binding.
	for try := 0; ; try++ {
		if s.port, err = freePort(); err != nil {
			return err
		}
		opts := strings.Join([]string{
			"-p", strconv.Itoa(s.port), "-k", s.dir, "-c", "listen_addresses=127.0.0.1",
			// Durability is pointless for a throwaway server; speed is not.
			"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			"-c", "max_connections=200", "-c", "shared_buffers=64MB",
			// The WAL is recycled early: in /dev/shm it is memory.
			"-c", "max_wal_size=128MB",
		}, " ")
		out, err = s.run("pg_ctl", "-D", data, "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
		if err == nil {
			break
		}
		if try == 2 {
			log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
			return fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
		}
	}
	s.admin, err = sql.Open("pgx", s.url("postgres"))
	if err != nil {
		return err
	}
	return s.admin.Ping()
}

// dropRoot picks the user the server runs as and gives it the directory.
func (s *Server) dropRoot() error {
	var u *user.User
	var err error
	for _, name := range []string{"postgres", "nobody"} {
		if u, err = user.Lookup(name); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("running as root, and no postgres or nobody user to run PostgreSQL as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	s.cred, s.uid = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid
	if err := os.Chown(s.dir, uid, gid); err != nil {
		return err
	}
	// MkdirTemp made the directory 0700; the user must enter it.
	return os.Chmod(s.dir, 0o700)
}

// run runs one of the server's programs as the server's user.
func (s *Server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd.CombinedOutput()
}

// freePort returns a local TCP port nobody listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// url returns the URL of database name on the server.
func (s *Server) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, name)
}

// Dir returns the server's temporary directory: data, socket and log.
func (s *Server) Dir() string { return s.dir }

// Port returns the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// CreateDatabase creates a new database and returns its URL: a copy of the
// template when the server has one (see SetTemplate), else an empty one.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	if s.prepare == nil {
		return s.CreateEmptyDatabase(ctx)
	}
	s.templateOnce.Do(func() { s.template, s.templateErr = s.makeTemplate(ctx) })
	if s.templateErr != nil {
		return "", s.templateErr
	}
	return s.create(ctx, " TEMPLATE "+s.template)
}

// CreateEmptyDatabase creates a new, empty database and returns its URL.
func (s *Server) CreateEmptyDatabase(ctx context.Context) (string, error) {
	return s.create(ctx, "")
}

// create runs CREATE DATABASE with a new name and the options opts.
func (s *Server) create(ctx context.Context, opts string) (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.next.Add(1))
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+name+opts); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return s.url(name), nil
}

// makeTemplate creates an empty database, runs s.prepare on it and returns
// its name. prepare must have closed its connections when it returns: a
// database that anyone is connected to cannot be copied.
func (s *Server) makeTemplate(ctx context.Context) (string, error) {
	url, err := s.CreateEmptyDatabase(ctx)
	if err != nil {
		return "", err
	}
	if err := s.prepare(ctx, url); err != nil {
		return "", fmt.Errorf("prepare the template database: %w", err)
	}
	u, err := neturl.Parse(url)
	if err != nil {
		return "", err
	}
	name := strings.TrimPrefix(u.Path, "/")
	// Nobody connects to it by mistake while it is copied.
	if _, err := s.admin.ExecContext(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		return "", fmt.Errorf("prepare the template database: %w", err)
	}
	return name, nil
}

// NewDatabase creates a new database for tb and returns its URL: a copy of
// the template when the server has one (see SetTemplate), else an empty
// one. The database stays until the server stops: dropping it would wait
// for connections the test may not have closed yet.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	u, err := s.CreateDatabase(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// NewEmptyDatabase creates a new, empty database for tb, whether or not
// the server has a template, and returns its URL.
func (s *Server) NewEmptyDatabase(tb testing.TB) string {
	tb.Helper()
	u, err := s.CreateEmptyDatabase(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// Stop stops the server at once and removes its directory.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	if s.admin != nil {
		s.admin.Close()
	}
	if s.port != 0 {
		s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(s.dir)
}

var (
	sharedOnce    sync.Once
	shared        *Server
	sharedErr     error
	sharedPrepare func(ctx context.Context, url string) error
)

// SetTemplate makes the shared server's NewDatabase copy a template
// database that prepare readied, rather than create an empty one: prepare
// runs once, on an empty database at url, the first time a test asks for a
// database, and must close every connection it opened before it returns.
// Call it from TestMain before m.Run.
func SetTemplate(prepare func(ctx context.Context, url string) error) {
	sharedPrepare = prepare
}

// Shared returns the package's shared server, starting it on first use; a
// package that uses it calls Stop from TestMain. It skips tb with a clear
// message when PostgreSQL is not installed, and fails it when the server
// does not start.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() {
		start := time.Now()
		shared, sharedErr = Start()
		if sharedErr == nil {
			shared.prepare = sharedPrepare
		}
		if sharedErr == nil && testing.Verbose() {
			fmt.Fprintf(os.Stderr, "pgtest: PostgreSQL started in %v on port %d\n", time.Since(start).Round(time.Millisecond), shared.port)
		}
	})
	switch {
	case errors.Is(sharedErr, ErrNotInstalled):
		tb.Skip("skipping: " + sharedErr.Error())
	case sharedErr != nil:
		tb.Fatalf("start PostgreSQL: %v", sharedErr)
	}
	return shared
}

// StopShared stops the shared server if one was started. Call it from
// TestMain after m.Run.
func StopShared() {
	shared.Stop()
}
