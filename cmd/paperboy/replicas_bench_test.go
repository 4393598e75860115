//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// BenchmarkPostProcesses runs -fanout.replicas `paperboy post` processes
// (3 in the check) of the real binary at once on one PostgreSQL store, delivering the sample day in
// thread style (a header and 3 papers) to -fanout.channels channels (90 is
// the check of docs/benchmarks.md) against the rate-limited fake Discord:
// one bot token, so the processes share its global limit through the store.
// It reports the time beside the floor and the global 429s beside the
// requests that went through; every delivery must be sent, every channel
// get its posts exactly once.
//
//	go test -run '^$' -bench PostProcesses -benchtime 1x ./cmd/paperboy/ -args -fanout.channels=90 -fanout.replicas=3
func BenchmarkPostProcesses(b *testing.B) {
	bin := buildBinary(b)
	sh := fanoutShape{name: "post_processes", platforms: []string{"discord"}, channels: *fanoutChannels, style: bot.StyleThread, top: 3}
	for range b.N {
		b.StopTimer()
		url := pgtest.Shared(b).NewDatabase(b)
		fake := newLimitedDiscord()
		srv := startFake(fake, &fake.conns)
		var subs strings.Builder
		for i := range sh.channels {
			fmt.Fprintf(&subs, "  - {platform: discord, channel: %q, style: thread, top: 3}\n", fanoutChannel("discord", i))
		}
		cfg := filepath.Join(b.TempDir(), "paperboy.yaml")
		if err := os.WriteFile(cfg, []byte(discordYAML(srv.URL)+"subscriptions:\n"+subs.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		start := starter(b, bin, []string{"PAPERBOY_CONFIG=" + cfg, "PAPERBOY_DB=" + url, "HOME=" + filepath.Dir(cfg)})
		if imp := start("import", "sample/daily_papers_"+fanoutDay+".json"); imp.Wait() != nil {
			b.Fatalf("import: %v", imp.Stderr)
		}
		b.StartTimer()
		began := time.Now()
		var posts []interface{ Wait() error }
		for range max(*fanoutReplicas, 1) {
			posts = append(posts, start("post", "--date", fanoutDay))
		}
		for _, p := range posts {
			if err := p.Wait(); err != nil {
				b.Fatalf("post: %v", err)
			}
		}
		took := time.Since(began)
		b.StopTimer()
		db, err := store.Open(url)
		if err != nil {
			b.Fatal(err)
		}
		checkFanOut(b, db, sh, fake, nil)
		db.Close()
		srv.Close()
		floor := fake.floor()
		b.ReportMetric(took.Seconds(), "s")
		b.ReportMetric(floor.Seconds(), "floor-s")
		b.ReportMetric(took.Seconds()/floor.Seconds(), "x-floor")
		b.ReportMetric(float64(fake.global429), "global-429s")
		b.ReportMetric(float64(fake.ok), "requests")
		b.ReportMetric(0, "ns/op")
	}
}
