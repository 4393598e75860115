//go:build linux

package main

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkKillResume measures, with the default settings (a 30 s lease),
// the time from kill -9 of `paperboy post` mid-thread to the end of the next
// `paperboy post`, which finishes the delivery:
//
//   - same_host: the next run sees that the dead process is gone and takes
//     its claims over at once;
//   - other_host: the next run starts in a pid namespace of its own
//     (unshare, as root), where it cannot check the dead process's pid, as
//     on another machine: it waits for the claims to run out.
//
// go test -run '^$' -bench KillResume -benchtime 1x ./cmd/paperboy/
func BenchmarkKillResume(b *testing.B) {
	bin := buildBinary(b)
	b.Run("same_host", func(b *testing.B) { killResume(b, bin, nil) })
	b.Run("other_host", func(b *testing.B) {
		if os.Geteuid() != 0 {
			b.Skip("unshare needs root")
		}
		killResume(b, bin, []string{"unshare", "--pid", "--fork", "--mount-proc"})
	})
}

func killResume(b *testing.B, bin string, wrap []string) {
	for range b.N {
		b.StopTimer()
		fake := &killingDiscord{kill: 5, keys: map[string]int{}, delay: 20 * time.Millisecond}
		srv := httptest.NewServer(fake)
		dir := b.TempDir()
		path := filepath.Join(dir, "paperboy.yaml")
		os.WriteFile(path, []byte(discordYAML(srv.URL)+`
subscriptions:
  - {platform: discord, channel: "222222222222222222"}
`), 0o600)
		env := []string{"PAPERBOY_CONFIG=" + path, "PAPERBOY_DB=" + filepath.Join(dir, "p.db"), "HOME=" + dir}
		cmd := func(args ...string) *exec.Cmd {
			c := exec.Command(bin, args...)
			if wrap != nil && args[0] == "post" {
				c = exec.Command(wrap[0], append(append(wrap[1:], bin), args...)...)
			}
			c.Env, c.Stdout, c.Stderr = env, &strings.Builder{}, &strings.Builder{}
			return c
		}
		if err := cmd("import", "sample/daily_papers_2026-08-19.json").Run(); err != nil {
			b.Fatal(err)
		}
		first := exec.Command(bin, "post", "--date", "2026-08-19")
		first.Env = env
		if err := first.Start(); err != nil {
			b.Fatal(err)
		}
		fake.mu.Lock()
		fake.process = first.Process
		fake.mu.Unlock()
		first.Wait()
		killed := time.Now()
		b.StartTimer()
		again := cmd("post", "--date", "2026-08-19")
		if err := again.Run(); err != nil {
			b.Fatalf("resume: %v\n%s", err, again.Stderr)
		}
		took := time.Since(killed)
		b.StopTimer()
		srv.Close()
		for key, n := range fake.keys {
			if n != 1 {
				b.Fatalf("%s posted %d times", key, n)
			}
		}
		b.ReportMetric(took.Seconds(), "s-kill-to-done")
	}
}
