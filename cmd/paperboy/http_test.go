package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs `paperboy run` with the console fed by the returned pipe
// (closing it ends the run, whose error comes on done) and returns the
// base URL of its HTTP server.
func startRun(t *testing.T, env map[string]string) (base string, feed *io.PipeWriter, done <-chan error) {
	t.Helper()
	stdin, feed := io.Pipe()
	stderr := &syncBuffer{}
	m := &Main{Stdin: stdin, Stdout: io.Discard, Stderr: stderr, Getenv: func(k string) string { return env[k] }}
	errc, finished := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(finished)
		errc <- m.Run(context.Background(), []string{"run"})
	}()
	t.Cleanup(func() {
		feed.Close()
		select {
		case <-finished:
		case <-time.After(15 * time.Second):
			t.Error("run did not end with its input")
		}
		m.Close()
	})
	addr := regexp.MustCompile(`"http server listening" addr=(\S+)`)
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if match := addr.FindStringSubmatch(stderr.String()); match != nil {
			base = "http://" + match[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("the server never said where it listens:\n%s", stderr.String())
		}
	}
	return base, feed, errc
}

func TestMain_HealthzAndMetrics(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "http:\n  listen: 127.0.0.1:0\n")
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": dir + "/p.db"}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
	base, feed, done := startRun(t, env)
	// One command through the console, so command metrics have a sample.
	feed.Write([]byte("/papers search reasoning\n"))
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	code, body := get("/metrics")
	for _, want := range []string{"paperboy_deliveries{state=\"sent\"} 0", `paperboy_tldr_cache_total{result="hit"} 0`, "go_goroutines"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("/metrics (%d) lacks %q:\n%.1500s", code, want, body)
		}
	}
	feed.Close() // end of input ends the console, and with it the run
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not end with its input")
	}
}
