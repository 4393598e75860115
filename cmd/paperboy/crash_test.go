//go:build unix

package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"paperboy/store/pgtest"
)

// keyPattern finds a post key in a message body sent to Discord.
var keyPattern = regexp.MustCompile(`paperboy:2026-08-19(?::[0-9.]+)?`)

// killingDiscord is a fake Discord that, on its kill-th new message, stores
// the message and then kills the paperboy process before answering: the
// platform has the post, the process never learns it.
type killingDiscord struct {
	fakeDiscord
	mu      sync.Mutex
	kill    int
	process *os.Process
	keys    map[string]int // "channel key" → messages carrying that post key
	posts   int            // message posts so far, counted here: fakeDiscord's own list has its own lock
	delay   time.Duration  // how long each message post takes, as a slow platform would
}

func (k *killingDiscord) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	isPost := r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/messages")
	if isPost {
		time.Sleep(k.delay)
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		channel := strings.Split(strings.Trim(r.URL.Path, "/"), "/")[3]
		if strings.HasPrefix(channel, "9") { // a thread; only the thread-style channel has them
			channel = "222222222222222222"
		}
		k.mu.Lock()
		seen := map[string]bool{}
		for _, key := range keyPattern.FindAllString(string(body), -1) {
			if !seen[key] {
				seen[key] = true
				k.keys[channel+" "+key]++
			}
		}
		k.posts++
		n, process := k.posts, k.process
		k.mu.Unlock()
		if n == k.kill && process != nil {
			k.fakeDiscord.ServeHTTP(httptest.NewRecorder(), r) // stored, answer lost
			process.Kill()
			return
		}
	}
	k.fakeDiscord.ServeHTTP(w, r)
}

// starter returns a function that starts the binary with env, its output
// kept in strings.Builders, and fails the test when it cannot start.
func starter(tb testing.TB, bin string, env []string) func(args ...string) *exec.Cmd {
	return func(args ...string) *exec.Cmd {
		tb.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = &strings.Builder{}, &strings.Builder{}
		if err := cmd.Start(); err != nil {
			tb.Fatal(err)
		}
		return cmd
	}
}

// checkOnce fails the test unless the fake saw want distinct posts, each
// exactly once.
func (k *killingDiscord) checkOnce(tb testing.TB, want int) {
	tb.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	if got := len(k.keys); got != want {
		tb.Fatalf("%d distinct posts, want %d: %v", got, want, k.keys)
	}
	for key, n := range k.keys {
		if n != 1 {
			tb.Fatalf("%s posted %d times", key, n)
		}
	}
}

// sent returns how many message posts the fake has seen.
func (k *killingDiscord) sent() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.posts
}

// TestMain_KillDuringFanOut kills `paperboy post` (SIGKILL) right after the
// platform accepted its 1st, 2nd, … message, runs it again once, and checks
// that the second run finished the delivery at once (the dead process's
// claims are taken over without waiting for their lease) and that every
// post of the batch reached each channel exactly once.
func TestMain_KillDuringFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel() // separate processes, files and fakes: nothing shared
	bin := buildBinary(t)
	for _, kill := range []int{1, 2, 3, 14, 27, 28, 40} {
		t.Run(fmt.Sprintf("AfterMessage%d", kill), func(t *testing.T) { killAndResume(t, bin, kill) })
	}
}

func killAndResume(t *testing.T, bin string, kill int) {
	fake := &killingDiscord{kill: kill, keys: map[string]int{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, discordYAML(srv.URL)+`
subscriptions:
  - {platform: discord, channel: "222222222222222222"}
  - {platform: discord, channel: "333333333333333333", style: inline, top: 12}
`)
	env := []string{"PAPERBOY_CONFIG=" + cfg, "PAPERBOY_DB=" + filepath.Join(dir, "p.db"), "HOME=" + dir}
	start := starter(t, bin, env)
	if err := start("import", "sample/daily_papers_2026-08-19.json").Wait(); err != nil {
		t.Fatalf("import: %v", err)
	}
	first := start("post", "--date", "2026-08-19")
	fake.mu.Lock()
	fake.process = first.Process
	fake.mu.Unlock()
	first.Wait()
	if ws, ok := first.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the first run was not killed at message %d: %v", kill, first.ProcessState)
	}
	// The dead process's claim (the default 30 s lease) is taken over at
	// once: its owner ran on this host and its pid is gone.
	again := start("post", "--date", "2026-08-19")
	if err := again.Wait(); err != nil {
		t.Fatalf("the delivery did not resume in one run: %v\n%s%s", err, again.Stdout, again.Stderr)
	}
	if out := again.Stdout.(*strings.Builder).String(); strings.Count(out, "sent\n") != 2 {
		t.Fatalf("the resuming run reported %q, want both channels sent", out)
	}
	fake.checkOnce(t, (1+26)+(1+12))
}

// TestMain_TwoPostsAndAKill runs two `paperboy post` processes on one
// database against a slow Discord (each message takes 100 ms) with a 3 s
// lease, kills the first after its 5th message, and checks that the second
// finishes every channel, that every post went out exactly once, and that
// a further run sends nothing.
func TestMain_TwoPostsAndAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel() // mostly waiting on the slow fake: others run meanwhile
	bin := buildBinary(t)
	t.Run("SQLite", func(t *testing.T) { testTwoPostsAndAKill(t, bin, filepath.Join(t.TempDir(), "p.db")) })
	// The same with the store on PostgreSQL, shared as replicas share it.
	t.Run("PostgreSQL", func(t *testing.T) { testTwoPostsAndAKill(t, bin, pgtest.Shared(t).NewDatabase(t)) })
}

func testTwoPostsAndAKill(t *testing.T, bin, db string) {
	fake := &killingDiscord{kill: 5, keys: map[string]int{}, delay: 100 * time.Millisecond}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, discordYAML(srv.URL)+`
delivery:
  lease: 3s
subscriptions:
  - {platform: discord, channel: "222222222222222222", top: 8}
  - {platform: discord, channel: "333333333333333333", style: inline, top: 6}
`)
	env := []string{"PAPERBOY_CONFIG=" + cfg, "PAPERBOY_DB=" + db, "HOME=" + dir}
	start := starter(t, bin, env)
	if err := start("import", "sample/daily_papers_2026-08-19.json").Wait(); err != nil {
		t.Fatalf("import: %v", err)
	}
	first := start("post", "--date", "2026-08-19")
	fake.mu.Lock()
	fake.process = first.Process
	fake.mu.Unlock()
	// The second starts once the first has posted, while it holds its claims.
	for fake.sent() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	second := start("post", "--date", "2026-08-19")
	first.Wait()
	if err := second.Wait(); err != nil {
		t.Fatalf("the second post failed: %v\n%s%s", err, second.Stdout, second.Stderr)
	}
	if err := start("post", "--date", "2026-08-19").Wait(); err != nil {
		t.Fatalf("a further post failed: %v", err)
	}
	fake.checkOnce(t, (1+8)+(1+6))
}
