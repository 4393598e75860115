package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
)

var refreshSlackChannels = flag.Int("refresh.slack-channels", 100,
	"channels of the Slack shapes of BenchmarkRefresh: chat.update's 50 a minute make 1,000 take over half an hour")

// refreshSource answers the refresh's fetch with the sample day as it
// stands later: its #2 paper has overtaken #1 by 50 votes, and a late
// paper has arrived with the most votes of all.
type refreshSource struct{ b bot.Batch }

func (s refreshSource) Name() string { return "hf" }

func (s refreshSource) Fetch(context.Context, string) (bot.Batch, error) { return s.b, nil }

func laterDay(b bot.Batch) bot.Batch {
	papers := slices.Clone(b.Papers)
	bot.RankPapers(papers)
	first := papers[0].Upvotes
	papers[1].Upvotes = first + 50
	late := bot.Paper{ID: "2608.99999", Title: "A paper that joined the day late", Authors: []string{"A. Author"}, Upvotes: first + 100}
	late.FillLinks()
	b.Papers = append(papers, late)
	return b
}

// BenchmarkRefresh times one refresh round (delivery.Scheduler.Refresh, what
// `paperboy refresh` and the scheduler run every 30 minutes within
// delivery.refresh) of the day's posts in many channels, through the real
// adapters against the rate-limited fakes of BenchmarkFanOut, which also
// limit edits: Discord's edit route has a bucket per channel (5 per 5 s)
// under the global 50 a second; Slack's chat.update is Tier 3, 50 a minute
// per workspace. Each channel's post was delivered by a Tick first; then
// the fakes' limits and counts are reset (a round comes 30 minutes later)
// and the round is timed against the floor of the requests it made. A
// thread3 channel needs 3 edits (header, the two papers whose rank or
// votes changed) and one late paper (a look in the thread, a post);
// a digest channel one edit.
//
//	go test -run '^$' -bench Refresh -benchtime 1x -timeout 60m ./cmd/paperboy/
func BenchmarkRefresh(b *testing.B) {
	n, ns := *fanoutChannels, *refreshSlackChannels
	shapes := []fanoutShape{
		{name: "refresh_discord_digest", platforms: []string{"discord"}, channels: n, style: bot.StyleDigest, top: 5},
		{name: "refresh_discord_thread3", platforms: []string{"discord"}, channels: n, style: bot.StyleThread, top: 3},
		{name: "refresh_slack_digest", platforms: []string{"slack"}, channels: ns, style: bot.StyleDigest, top: 5},
		{name: "refresh_slack_thread3", platforms: []string{"slack"}, channels: ns, style: bot.StyleThread, top: 3},
	}
	var rows []fanoutResult
	var notes []string
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			for range b.N {
				r, note := runRefreshRound(b, sh)
				b.ReportMetric(r.took.Seconds(), "s")
				b.ReportMetric(r.floor.Seconds(), "floor-s")
				b.ReportMetric(r.ratio(), "x-floor")
				b.ReportMetric(0, "ns/op")
				rows = append(rows, r)
				notes = append(notes, note)
			}
		})
	}
	if len(rows) > 0 {
		fmt.Print(fanoutTable(rows))
		fmt.Println(strings.Join(notes, "\n"))
	}
}

// runRefreshRound delivers the shape's posts, then times one refresh round.
func runRefreshRound(b *testing.B, sh fanoutShape) (fanoutResult, string) {
	b.StopTimer()
	ctx := context.Background()
	rig := newFanoutRig(b, sh)
	defer rig.close()
	rig.sched.Tick(ctx)
	checkFanOut(b, rig.db, sh, rig.dfake, rig.sfake)
	stored, err := rig.db.Batch(ctx, fanoutDay)
	if err != nil {
		b.Fatal(err)
	}
	rig.engine.Source = refreshSource{laterDay(stored)}
	if rig.dfake != nil {
		rig.dfake.reset()
	}
	if rig.sfake != nil {
		rig.sfake.reset()
	}

	b.StartTimer()
	start := time.Now()
	res, err := rig.sched.Refresh(ctx, fanoutDay)
	took := time.Since(start)
	b.StopTimer()
	if err != nil || len(res) != sh.channels {
		b.Fatalf("refresh: %d posts, %v", len(res), err)
	}
	edited, added, failed := 0, 0, 0
	for _, r := range res {
		edited, added, failed = edited+r.Edited, added+r.Added, failed+r.Failed
		if r.Gone || r.Err != nil {
			b.Fatalf("%s %s: gone %v, %v", r.Sub.Platform, r.Sub.Channel, r.Gone, r.Err)
		}
	}
	wantEdits, wantAdded := sh.channels, 0
	if sh.style == bot.StyleThread {
		wantEdits, wantAdded = 3*sh.channels, sh.channels
	}
	if failed == 0 && (edited != wantEdits || added != wantAdded) {
		b.Fatalf("%s: %d edits and %d papers added, want %d and %d", sh.name, edited, added, wantEdits, wantAdded)
	}
	b.StartTimer()
	return rig.result(sh, took), fmt.Sprintf("%s: %d messages edited, %d late papers added, %d edits given up", sh.name, edited, added, failed)
}
