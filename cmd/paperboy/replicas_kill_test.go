//go:build unix

package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// slowDiscord is fakeDiscord with the answer to every message post taking
// delay after the message is stored, as a platform under load does: a
// fan-out lasts long enough to lose a replica in the middle of it, and a
// replica killed while it waits leaves a message whose answer was lost.
type slowDiscord struct {
	fakeDiscord
	delay time.Duration
	mu    sync.Mutex
	posts int
}

func (s *slowDiscord) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != "POST" || !strings.HasSuffix(r.URL.Path, "/messages") {
		s.fakeDiscord.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.fakeDiscord.ServeHTTP(rec, r)
	s.mu.Lock()
	s.posts++
	s.mu.Unlock()
	time.Sleep(s.delay)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (s *slowDiscord) sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts
}

// sampleHF serves the bundled sample batch as Hugging Face's Daily Papers
// for whatever day is asked: the scheduler of `run` asks for the day its
// clock (the real one) makes due.
type sampleHF struct{ body []byte }

func (h sampleHF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Query().Get("p") != "0" {
		w.Write([]byte("[]"))
		return
	}
	w.Write(h.body)
}

// TestMain_ReplicaKilledMidFanOut runs three `run` replicas of the real
// binary on one PostgreSQL store with 60 digest channels due at once, kills
// (SIGKILL) a replica that holds claims in the middle of the fan-out, and
// checks that the other two finish every channel, each with exactly one
// message, within one lease (5 s here) plus a generous bound, and keep
// running.
func TestMain_ReplicaKilledMidFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel() // mostly waiting out the lease: others run meanwhile
	bin := buildBinary(t)
	url := pgtest.Shared(t).NewDatabase(t)
	sample, err := os.ReadFile("sample/daily_papers_2026-08-19.json")
	if err != nil {
		t.Fatal(err)
	}
	hf := httptest.NewServer(sampleHF{sample})
	defer hf.Close()
	fake := &slowDiscord{delay: 150 * time.Millisecond}
	dsrv := httptest.NewServer(fake)
	defer dsrv.Close()
	const channels = 60
	cfg := killConfig(t, hf.URL, dsrv.URL, channels)
	env := []string{"PAPERBOY_CONFIG=" + cfg, "PAPERBOY_DB=" + url, "HOME=" + t.TempDir()}
	start := starter(t, bin, env)
	if imp := start("import", "sample/daily_papers_2026-08-19.json"); imp.Wait() != nil {
		t.Fatalf("import: %v", imp.Stderr)
	}
	replicas := startRuns(t, start, 3)
	db, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); fake.sent() < 10; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the fan-out did not start: %d posts", fake.sent())
		}
	}
	victim := claimHolder(t, ctx, db, replicas)
	if err := victim.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := fake.sent()
	deadline := time.Now().Add(5*time.Second + 40*time.Second)
	for !allSent(t, ctx, db, channels) {
		if time.Now().After(deadline) {
			t.Fatalf("not every channel was delivered after the kill (killed after %d posts, %d now)", killedAt, fake.sent())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if killedAt >= channels {
		t.Fatalf("the replica was killed after the fan-out (%d posts)", killedAt)
	}
	checkSurvivors(t, fake, channels, replicas, victim)
}

// startRuns starts n `paperboy run` processes, killed at the end of the
// test, whose logs are shown when it fails.
func startRuns(t *testing.T, start func(args ...string) *exec.Cmd, n int) []*os.Process {
	var replicas []*os.Process
	for i := range n {
		cmd := start("run")
		replicas = append(replicas, cmd.Process)
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
			if t.Failed() {
				t.Logf("replica %d:\n%s", i, cmd.Stderr)
			}
		})
	}
	return replicas
}

// killChannel is the id of channel i of the kill test.
func killChannel(i int) string { return fmt.Sprintf("%018d", 500000000000000000+i) }

// killConfig is the kill test's config: the fakes, a schedule due every
// minute, a 5 s lease, two channels at a time per replica.
func killConfig(t *testing.T, hfURL, discordURL string, channels int) string {
	var subs strings.Builder
	for i := range channels {
		fmt.Fprintf(&subs, "  - {platform: discord, channel: \"%s\", style: digest, top: 3}\n", killChannel(i))
	}
	return writeConfig(t, t.TempDir(), discordYAML(discordURL)+`  mode: http
  public_key: "`+strings.Repeat("ab", 32)+`"
source: {hf: {base_url: `+hfURL+`}}
http: {listen: "127.0.0.1:0"}
timezone: UTC
delivery:
  schedule: "* * * * *"
  lease: 5s
  concurrency: 2
subscriptions:
`+subs.String())
}

// checkSurvivors fails the test unless every channel got exactly one
// message and the replicas not killed still run.
func checkSurvivors(t *testing.T, fake *slowDiscord, channels int, replicas []*os.Process, victim *os.Process) {
	t.Helper()
	for i := range channels {
		if n := fake.count(killChannel(i)); n != 1 {
			t.Fatalf("channel %d got %d messages, want exactly one", i, n)
		}
	}
	for _, p := range replicas {
		if p != victim && p.Signal(syscall.Signal(0)) != nil {
			t.Fatalf("surviving replica %d is not running", p.Pid)
		}
	}
}

// claimHolder returns the replica that holds a pending delivery's claim.
func claimHolder(t *testing.T, ctx context.Context, db *store.DB, replicas []*os.Process) *os.Process {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		rows, err := db.Unfinished(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range rows {
			_, pid, _, ok := bot.ParseOwner(d.Owner)
			for _, p := range replicas {
				if ok && d.State == bot.DeliveryPending && p.Pid == pid {
					return p
				}
			}
		}
	}
	t.Fatal("no replica holds a claim")
	return nil
}

// allSent reports whether every channel's delivery is sent.
func allSent(t *testing.T, ctx context.Context, db *store.DB, channels int) bool {
	t.Helper()
	rows, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) > 0 {
		return false
	}
	subs, err := db.Subscriptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, s := range subs {
		last, err := db.LastDelivery(ctx, s.Platform, s.Channel)
		if err == nil && last.State == bot.DeliverySent {
			sent++
		}
	}
	return sent == channels
}
