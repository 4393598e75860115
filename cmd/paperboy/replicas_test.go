package main

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// TestOnceSource starts three replicas' sources on one PostgreSQL store at
// once for the same day: the source is asked once, and every replica gets
// the day's batch. A day fetched longer than fetchFresh ago is fetched
// again.
func TestOnceSource(t *testing.T) {
	t.Parallel() // mostly waiting on the lock's 2 s poll: others run meanwhile
	url := pgtest.Shared(t).NewDatabase(t)
	ctx := context.Background()
	var calls atomic.Int32
	papers := bottest.Corpus(3, 20)
	src := &bottest.Source{FetchFunc: func(ctx context.Context, date string) (bot.Batch, error) {
		calls.Add(1)
		time.Sleep(300 * time.Millisecond) // a slow source: the others arrive meanwhile
		return bot.Batch{Date: date, Source: "fake", Papers: papers}, nil
	}}
	now := time.Now()
	const replicas = 3
	got := make([]bot.Batch, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		db, err := store.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		s := onceSource{Source: src, db: db, now: func() time.Time { return now }}
		wg.Go(func() { got[i], errs[i] = s.Fetch(ctx, "2026-08-19") })
	}
	wg.Wait()
	for i := range replicas {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		if len(got[i].Papers) != len(papers) || got[i].Papers[0].ID != papers[0].ID || got[i].Date != "2026-08-19" {
			t.Fatalf("replica %d got %d papers of %s, want the day's %d", i, len(got[i].Papers), got[i].Date, len(papers))
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the source was asked %d times, want once", n)
	}

	db, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	later := onceSource{Source: src, db: db, now: func() time.Time { return now.Add(fetchFresh + time.Second) }}
	if _, err := later.Fetch(ctx, "2026-08-19"); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("after fetchFresh the source was asked %d times in all, want 2", n)
	}
}

// TestMain_HealthzPostgres runs paperboy on a PostgreSQL store and checks
// that /healthz answers 200 while the database is there and 503, naming
// it, once the database is gone: a load balancer then drops the replica.
func TestMain_HealthzPostgres(t *testing.T) {
	srv := pgtest.Shared(t)
	url := srv.NewDatabase(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "http:\n  listen: 127.0.0.1:0\n")
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": url}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
	base, _, _ := startRun(t, env)
	get := func() (int, string) {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(body))
	}
	if code, body := get(); code != 200 || body != "ok" {
		t.Fatalf("/healthz: %d %q, want 200 ok", code, body)
	}
	// Drop the database under the running replica, from the server's
	// postgres database.
	name := url[strings.LastIndex(url, "/")+1 : strings.Index(url, "?")]
	admin, err := sql.Open("pgx", strings.Replace(url, "/"+name+"?", "/postgres?", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != 503 || !strings.Contains(body, "postgres") {
		t.Fatalf("/healthz with the database gone: %d %q, want 503 naming postgres", code, body)
	}
}

// TestMain_ReplicasStartTogether starts three `run` replicas at once on one
// PostgreSQL store with a config whose subscription list changed since the
// last start (two channels dropped, one added), as a rolling restart after
// editing the config does: every replica syncs the config's subscriptions
// into the shared store, and each must keep running, whichever removed the
// dropped channels first.
func TestMain_ReplicasStartTogether(t *testing.T) {
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer slackAPI.Close()
	dir := t.TempDir()
	url := pgtest.Shared(t).NewDatabase(t)
	base := "http:\n  listen: 127.0.0.1:0\nslack:\n  mode: http\n  bot_token: xoxb-test\n  signing_secret: test-secret\n  api_url: " + slackAPI.URL + "/api/\n"
	sub := func(ch string) string { return "  - {platform: slack, channel: " + ch + "}\n" }
	before := writeConfig(t, dir, base+"subscriptions:\n"+sub("C1")+sub("C2")+sub("C3"))
	mustRun(t, map[string]string{"PAPERBOY_CONFIG": before, "PAPERBOY_DB": url}, "import", "sample/daily_papers_2026-08-19.json")
	first := startReplica(before, url)
	first.waitSynced(t)
	first.stop()
	if err := <-first.done; err != nil {
		t.Fatalf("the first run: %v", err)
	}

	after := filepath.Join(dir, "after.yaml")
	if err := os.WriteFile(after, []byte(base+"subscriptions:\n"+sub("C3")+sub("C4")), 0o600); err != nil {
		t.Fatal(err)
	}
	var replicas []*replica
	for range 3 {
		r := startReplica(after, url)
		defer r.stop()
		replicas = append(replicas, r)
	}
	for _, r := range replicas {
		r.waitSynced(t)
	}
	for i, r := range replicas {
		select {
		case err := <-r.done:
			t.Fatalf("replica %d ended: %v\n%s", i, err, r.stderr.String())
		default:
		}
	}
	db, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	subs, err := db.Subscriptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range subs {
		got = append(got, s.Channel)
	}
	if strings.Join(got, ",") != "C3,C4" {
		t.Fatalf("subscriptions after the restart: %v, want C3,C4", got)
	}
}

// replica is a `paperboy run` in this process.
type replica struct {
	stderr *syncBuffer
	done   chan error
	stop   context.CancelFunc
}

// startReplica starts `paperboy run` with the config cfg on the store url.
func startReplica(cfg, url string) *replica {
	r := &replica{stderr: &syncBuffer{}, done: make(chan error, 1)}
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": url}
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: r.stderr, Getenv: func(k string) string { return env[k] }}
	var ctx context.Context
	ctx, r.stop = context.WithCancel(context.Background())
	go func() { r.done <- m.Run(ctx, []string{"run"}); m.Close() }()
	return r
}

// waitSynced waits until the replica has synced the config's
// subscriptions, and fails the test if it ends first.
func (r *replica) waitSynced(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(r.stderr.String(), "config subscriptions synced"); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-r.done:
			t.Fatalf("a replica ended at start: %v\n%s", err, r.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("a replica never synced its subscriptions:\n%s", r.stderr.String())
		}
	}
}
