package store_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/delivery"
	"paperboy/store"
)

// tastePapers is the size of the taste benchmarks' store; tasteFile keeps
// it between runs (built there when missing).
var (
	tastePapers = flag.Int("taste.papers", 100000, "papers in the taste benchmarks' store")
	tasteFile   = flag.String("taste.db", "", "taste benchmark database file to reuse or build")
)

// tasteDB opens the taste benchmarks' store, building it when needed.
func tasteDB(b *testing.B) (*store.DB, string) {
	b.Helper()
	path := *tasteFile
	if path == "" {
		path = filepath.Join(b.TempDir(), "taste.db")
	}
	if _, err := os.Stat(path); err != nil {
		db, err := store.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		papers := bottest.Corpus(1, *tastePapers)
		for i := 0; i < len(papers); i += chunk {
			if _, err := db.SaveBatch(context.Background(), bot.Batch{Papers: papers[i:min(i+chunk, len(papers))]}); err != nil {
				b.Fatal(err)
			}
		}
		db.Close()
	}
	db, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, path
}

// tasteChannel is channel i, with 20 saves among the stored papers and an
// interest sentence.
func tasteChannel(sigs *bottest.Signals, stored []bot.Paper, i int) bot.Subscription {
	s := bot.Subscription{Platform: "slack", Channel: fmt.Sprintf("C%d", i), Rank: bot.RankTaste, Top: 10,
		Interests: bottest.Vocabulary()[200+i] + " and " + bottest.Vocabulary()[300+i], Style: bot.StyleThread}
	for k := range 20 {
		sigs.Add(bot.Signal{Platform: "slack", Channel: s.Channel, PaperID: stored[(i*97+k*13)%len(stored)].ID, User: "U", Kind: bot.SignalSave})
	}
	return s
}

// BenchmarkTaste measures ranking by taste on a real SQLite store of
// -taste.papers papers:
//   - RankDay: one channel's day of 1,000 new papers, model and vocabulary
//     held (a running process);
//   - Save: a new save, then the next ranking of a 50-paper day, which
//     retrains the channel's model;
//   - Post/upvotes and Post/taste: what `post --dry-run` does for 8
//     channels in a new process: open the store, plan each channel's
//     50-paper day (cards, TL;DR lookups), by upvotes or by taste with
//     vocabulary and models read from the store.
func BenchmarkTaste(b *testing.B) {
	ctx := context.Background()
	db, path := tasteDB(b)
	sigs, stored := &bottest.Signals{}, bottest.Corpus(1, 5000)
	tt := &bot.Taste{Store: db, Signals: sigs}
	subs := make([]bot.Subscription, 8)
	for i := range subs {
		subs[i] = tasteChannel(sigs, stored, i)
	}
	day := bottest.Corpus(7, 50)
	for _, s := range subs {
		if r := tt.Order(ctx, s, day); r.By != bot.RankTaste {
			b.Fatal("not ranked by taste")
		}
	}
	b.Run("RankDay", func(b *testing.B) {
		i := 0
		for b.Loop() {
			b.StopTimer()
			papers := bottest.Corpus(int64(100+i), 1000)
			i++
			b.StartTimer()
			tt.Order(ctx, subs[0], papers)
		}
	})
	b.Run("Save", func(b *testing.B) {
		i := 0
		for b.Loop() {
			sigs.Add(bot.Signal{Platform: "slack", Channel: subs[0].Channel, PaperID: stored[(4000+i)%len(stored)].ID, User: "U", Kind: bot.SignalSave})
			i++
			tt.Order(ctx, subs[0], day)
		}
	})
	for _, rank := range []string{bot.RankUpvotes, bot.RankTaste} {
		b.Run("Post/"+rank, func(b *testing.B) {
			for b.Loop() {
				postProcess(b, path, sigs, subs, day, rank)
			}
		})
	}
}

// postProcess plans the day for subs the way a new post process does.
func postProcess(b *testing.B, path string, sigs *bottest.Signals, subs []bot.Subscription, day []bot.Paper, rank string) {
	db, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := func() time.Time { return time.Date(2026, 8, 19, 9, 0, 0, 0, time.UTC) }
	d := &delivery.Deliverer{Engine: &bot.Engine{Store: db, Now: now}, Taste: &bot.Taste{Store: db, Signals: sigs}}
	for _, s := range subs {
		s.Rank = rank
		if len(d.Plan(context.Background(), s, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: day})) == 0 {
			b.Fatal("no posts")
		}
	}
}
