package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"paperboy/adapters/discord"
	"paperboy/adapters/hf"
	"paperboy/adapters/slack"
	"paperboy/bot"
	"paperboy/bot/delivery"
	"paperboy/store"
	"paperboy/store/pgtest"
)

var (
	fanoutChannels = flag.Int("fanout.channels", 1000,
		"channels of the wide shapes of BenchmarkFanOut")
	fanoutConcurrency = flag.Int("fanout.concurrency", 128,
		"delivery.Scheduler.Concurrency (delivery.concurrency: deliveries in flight per platform) of BenchmarkFanOut")
	fanoutReplicas = flag.Int("fanout.replicas", 1,
		"replicas (each its own store handle, adapters and scheduler, all ticking at once) sharing one store; more than 1 needs -fanout.postgres")
	fanoutPostgres = flag.Bool("fanout.postgres", false,
		"keep the ledger in a throwaway PostgreSQL database (store/pgtest) instead of SQLite")
	fanoutSlackRate = flag.Float64("fanout.slack-rate", 100,
		"the fake Slack workspace's chat.postMessage limit, messages per second (burst as many)")
)

// fanoutShape is one fan-out of BenchmarkFanOut: the 2026-08-19 sample
// batch to so many channels of each platform in one style.
type fanoutShape struct {
	name      string
	platforms []string
	channels  int
	style     string
	top       int
}

// fanoutResult is one row of the table BenchmarkFanOut prints.
type fanoutResult struct {
	shape      string
	channels   int
	requests   int // answered 2xx, over both platforms
	took       time.Duration
	floor      time.Duration
	discord429 [2]int // global, per route
	slack429   [2]int // workspace, per channel
	conns      int64  // TCP connections the fakes accepted
}

func (r fanoutResult) ratio() float64 { return r.took.Seconds() / r.floor.Seconds() }

// BenchmarkFanOut posts the day's batch to many channels through the
// production path of `paperboy run` (delivery.Scheduler.Tick, delivery.Deliverer, a
// SQLite ledger, the real Discord and Slack adapters) against fakes that
// enforce the platforms' rate limits (fanout_fakes_test.go), and compares
// the wall time with the floor those limits allow for the same requests.
// Benchmarks run only with -bench; a full run takes about 3.5 minutes:
//
//	go test -run '^$' -bench FanOut -benchtime 1x -timeout 30m ./cmd/paperboy/
//	go test -run '^$' -bench 'FanOut/discord_digest' -benchtime 1x ./cmd/paperboy/ -args -fanout.channels=200 -fanout.concurrency=8
func BenchmarkFanOut(b *testing.B) {
	n := *fanoutChannels
	shapes := []fanoutShape{
		// (a) one message per channel.
		{name: "discord_digest", platforms: []string{"discord"}, channels: n, style: bot.StyleDigest, top: 5},
		{name: "slack_digest", platforms: []string{"slack"}, channels: n, style: bot.StyleDigest, top: 5},
		// (b) a header, its thread and three papers in it.
		{name: "discord_thread3", platforms: []string{"discord"}, channels: n, style: bot.StyleThread, top: 3},
		{name: "slack_thread3", platforms: []string{"slack"}, channels: n, style: bot.StyleThread, top: 3},
		// Both platforms in one round: each must run at its own pace.
		{name: "both_digest", platforms: []string{"discord", "slack"}, channels: n, style: bot.StyleDigest, top: 5},
		// Few channels, many posts each: the per-channel limits are the floor.
		{name: "discord_thread10_narrow", platforms: []string{"discord"}, channels: 10, style: bot.StyleThread, top: 10},
		{name: "slack_thread10_narrow", platforms: []string{"slack"}, channels: 10, style: bot.StyleThread, top: 10},
	}
	var rows []fanoutResult // the sub-benchmarks run one after another
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			for range b.N {
				r := runFanOut(b, sh)
				b.ReportMetric(r.took.Seconds(), "s")
				b.ReportMetric(r.floor.Seconds(), "floor-s")
				b.ReportMetric(r.ratio(), "x-floor")
				b.ReportMetric(float64(r.discord429[0]+r.discord429[1]+r.slack429[0]+r.slack429[1]), "429s")
				b.ReportMetric(float64(r.conns), "conns")
				b.ReportMetric(0, "ns/op") // one fan-out per op; the figures above are what matter
				rows = append(rows, r)
			}
		})
	}
	if len(rows) > 0 {
		fmt.Print(fanoutTable(rows)) // printed without -v, unlike b.Log
	}
}

// fanoutTable renders the results as the Markdown table of
// docs/benchmarks.md.
func fanoutTable(rows []fanoutResult) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "concurrency %d, Slack workspace %.0f msg/s\n", *fanoutConcurrency, *fanoutSlackRate)
	sb.WriteString("| shape | channels | requests | time | floor | ratio | 429s Discord (global/route) | 429s Slack (workspace/channel) | TCP conns |\n")
	sb.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&sb, "| %s | %d | %d | %.1f s | %.1f s | %.3f× | %d / %d | %d / %d | %d |\n",
			r.shape, r.channels, r.requests, r.took.Seconds(), r.floor.Seconds(), r.ratio(),
			r.discord429[0], r.discord429[1], r.slack429[0], r.slack429[1], r.conns)
	}
	return sb.String()
}

// fanoutDay is the sample batch's day; the round runs the next morning.
const fanoutDay = "2026-08-19"

// runFanOut sets up a fresh database, fakes and adapters, subscribes the
// shape's channels, and times one Scheduler.Tick per replica, all at
// once, that delivers to them all.
func runFanOut(b *testing.B, sh fanoutShape) fanoutResult {
	b.StopTimer()
	rig := newFanoutRig(b, sh)
	defer rig.close()

	b.StartTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, sched := range rig.scheds {
		wg.Go(func() { sched.Tick(context.Background()) })
	}
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()

	checkFanOut(b, rig.db, sh, rig.dfake, rig.sfake)
	r := rig.result(sh, took)
	b.StartTimer()
	return r
}

// fanoutRig is a fan-out's world: a store with the sample batch (SQLite,
// or PostgreSQL with -fanout.postgres), the real adapters against
// rate-limited fakes, and one scheduler per replica with the shape's
// channels subscribed. engine and sched are the first replica's.
type fanoutRig struct {
	db      *store.DB
	engine  *bot.Engine
	sched   *delivery.Scheduler
	scheds  []*delivery.Scheduler
	dfake   *limitedDiscord
	sfake   *limitedSlack
	closers []func()
}

func newFanoutRig(b *testing.B, sh fanoutShape) *fanoutRig {
	ctx := context.Background()
	// The clock starts at Thursday 09:00:30 UTC, when the weekday schedule
	// has just made Wednesday's batch due, and runs at wall-clock speed.
	base, started := time.Date(2026, 8, 20, 9, 0, 30, 0, time.UTC), time.Now()
	now := func() time.Time { return base.Add(time.Since(started)) }

	dsn := filepath.Join(b.TempDir(), "fanout.db")
	if *fanoutPostgres {
		dsn = pgtest.Shared(b).NewDatabase(b)
	} else if *fanoutReplicas > 1 {
		b.Fatal("-fanout.replicas above 1 needs -fanout.postgres")
	}
	db, err := store.Open(dsn)
	if err != nil {
		b.Fatal(err)
	}
	rig := &fanoutRig{db: db, closers: []func(){func() { db.Close() }}}
	db.Now = now
	importSample(b, db)

	// One fake per platform, shared by every replica: one bot token, one
	// set of limits.
	urls := map[string]string{}
	for _, p := range sh.platforms {
		switch p {
		case "discord":
			rig.dfake = newLimitedDiscord()
			srv := startFake(rig.dfake, &rig.dfake.conns)
			rig.closers = append(rig.closers, srv.Close)
			urls[p] = srv.URL
		case "slack":
			rig.sfake = newLimitedSlack(*fanoutSlackRate)
			srv := startFake(rig.sfake, &rig.sfake.conns)
			rig.closers = append(rig.closers, srv.Close)
			urls[p] = srv.URL
		}
	}
	for _, p := range sh.platforms {
		for i := range sh.channels {
			err := db.SaveSubscription(ctx, bot.Subscription{
				Platform: p, Channel: fanoutChannel(p, i), Schedule: "0 9 * * 1-5", Timezone: "UTC",
				Style: sh.style, Top: sh.top, Origin: bot.OriginConfig, Since: fanoutDay,
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range max(*fanoutReplicas, 1) {
		rdb := db
		if i > 0 {
			if rdb, err = store.Open(dsn); err != nil {
				b.Fatal(err)
			}
			rig.closers = append(rig.closers, func() { rdb.Close() })
			rdb.Now = now
		}
		rig.scheds = append(rig.scheds, fanoutReplica(b, rdb, now, urls, fmt.Sprintf("bench-%d", i)))
	}
	rig.sched = rig.scheds[0]
	rig.engine = rig.sched.Deliverer.Engine
	return rig
}

func (rig *fanoutRig) close() {
	for i := len(rig.closers) - 1; i >= 0; i-- {
		rig.closers[i]()
	}
}

// result is the row of a round that took took: the requests the fakes
// answered since their last reset, and the floor of those.
func (rig *fanoutRig) result(sh fanoutShape, took time.Duration) fanoutResult {
	r := fanoutResult{shape: sh.name, channels: sh.channels, took: took}
	if f := rig.dfake; f != nil {
		r.requests += f.ok
		r.floor = max(r.floor, f.floor())
		r.discord429 = [2]int{f.global429, f.route429}
		r.conns += f.conns.n.Load()
	}
	if f := rig.sfake; f != nil {
		r.requests += f.ok + f.updated
		r.floor = max(r.floor, f.floor())
		r.slack429 = [2]int{f.workspace429 + f.update429, f.channel429}
		r.conns += f.conns.n.Load()
	}
	return r
}

// fanoutReplica returns one replica's scheduler: its own engine, adapters
// (to the shared fakes at urls, by platform) and Deliverer named owner.
func fanoutReplica(b *testing.B, db *store.DB, now func() time.Time, urls map[string]string, owner string) *delivery.Scheduler {
	quiet := slog.New(slog.DiscardHandler)
	engine := &bot.Engine{Store: db, Now: now, Logger: quiet}
	chats := map[string]bot.Chat{}
	if url, ok := urls["discord"]; ok {
		cfg := discord.Config{
			Token: "bench-token", ApplicationID: "1000", Mode: discord.ModeHTTP,
			PublicKey:  strings.Repeat("ab", 32),
			APIBaseURL: url, Logger: quiet,
		}
		if db.Postgres() { // the bot token's limit shared, as run wires it
			cfg.Budget = db
		}
		a, err := discord.New(cfg, engine)
		if err != nil {
			b.Fatal(err)
		}
		chats["discord"] = a
	}
	if url, ok := urls["slack"]; ok {
		cfg := slack.Config{
			Mode: slack.ModeHTTP, BotToken: "xoxb-bench", SigningSecret: "bench-secret",
			APIURL: url, Logger: quiet,
		}
		if db.Postgres() {
			cfg.Budget = db
		}
		a, err := slack.New(cfg, engine)
		if err != nil {
			b.Fatal(err)
		}
		chats["slack"] = a
	}
	return &delivery.Scheduler{
		Deliverer:     &delivery.Deliverer{Engine: engine, Ledger: db, Chats: chats, Owner: owner, Logger: quiet},
		Subscriptions: db,
		ParseSchedule: parseSchedule,
		Concurrency:   *fanoutConcurrency,
		Logger:        quiet,
	}
}

// fanoutChannel is the id of channel i: a snowflake on Discord, a C… id on
// Slack.
func fanoutChannel(platform string, i int) string {
	if platform == "discord" {
		return fmt.Sprintf("1%017d", i+1)
	}
	return fmt.Sprintf("C%08d", i+1)
}

// importSample stores the bundled sample batch as `paperboy import` does.
func importSample(b *testing.B, db *store.DB) {
	ctx := context.Background()
	f, err := os.Open(filepath.Join("sample", "daily_papers_"+fanoutDay+".json"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	im := &bot.Importer{Store: db, Source: "import"}
	if err := hf.ParseDailyPapers(f, func(it bot.Item) error { return im.Add(ctx, it) }, nil); err != nil {
		b.Fatal(err)
	}
	if err := im.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if got, err := db.Batch(ctx, fanoutDay); err != nil || len(got.Papers) < 10 {
		b.Fatalf("the sample batch %s: %d papers, %v", fanoutDay, len(got.Papers), err)
	}
}

// checkFanOut fails the benchmark unless every channel's delivery is sent
// and every channel got the same, complete set of messages.
func checkFanOut(b *testing.B, db *store.DB, sh fanoutShape, dfake *limitedDiscord, sfake *limitedSlack) {
	ctx := context.Background()
	for _, p := range sh.platforms {
		for i := range sh.channels {
			ch := fanoutChannel(p, i)
			del, err := db.Delivery(ctx, bot.DeliveryKey{Platform: p, Channel: ch, Date: fanoutDay})
			if err != nil || del.State != bot.DeliverySent {
				b.Fatalf("%s %s: delivery %q, %v (last error %q)", p, ch, del.State, err, del.LastError)
			}
		}
	}
	threaded := sh.style == bot.StyleThread
	if f := dfake; f != nil {
		f.mu.Lock()
		perChannel := -1
		for i := range sh.channels {
			n := f.topLevel[fanoutChannel("discord", i)]
			if perChannel < 0 {
				perChannel = n
			}
			if n != perChannel || n < 1 {
				f.mu.Unlock()
				b.Fatalf("discord channel %d got %d messages, channel 0 %d", i, n, perChannel)
			}
		}
		if threaded && (len(f.threads) != sh.channels || perChannel != 1) {
			f.mu.Unlock()
			b.Fatalf("discord: %d threads for %d channels, %d headers each", len(f.threads), sh.channels, perChannel)
		}
		for id := range f.threads {
			if got := f.topLevel[id]; got != sh.top {
				f.mu.Unlock()
				b.Fatalf("discord thread %s got %d messages, want %d papers", id, got, sh.top)
			}
		}
		f.mu.Unlock()
	}
	if f := sfake; f != nil {
		f.mu.Lock()
		want, wantThread := f.posted[fanoutChannel("slack", 0)], 0
		if threaded {
			want, wantThread = 1+sh.top, sh.top
		}
		for i := range sh.channels {
			ch := fanoutChannel("slack", i)
			if f.posted[ch] != want || f.threads[ch] != wantThread || want < 1 {
				f.mu.Unlock()
				b.Fatalf("slack channel %s got %d messages (%d in the thread), want %d (%d)", ch, f.posted[ch], f.threads[ch], want, wantThread)
			}
		}
		f.mu.Unlock()
	}
}
