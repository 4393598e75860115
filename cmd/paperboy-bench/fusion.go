package main

import (
	"context"
	"fmt"
	"io"

	"paperboy/bot"
	"paperboy/store"
)

var setNames = []string{"summary", "reworded", "title"}

// fusionGrid are the weightings tuned over; the first is plain RRF.
func fusionGrid() []bot.Fusion {
	grid := []bot.Fusion{{Partial: 1}}
	for _, p := range []float64{0.2, 0.35, 0.5, 0.75, 1} {
		for _, s := range []float64{0, 0.05, 0.1, 0.15, 0.25} {
			for _, mv := range []float64{0.2, 0.35, 0.5} {
				grid = append(grid, bot.Fusion{Partial: p, Spread: s, MinVector: mv})
			}
		}
	}
	return grid
}

// tuneFusion picks, on the tuning half, the weighting whose worst margin
// over the better single list (MRR, across sets) is largest, then the one
// of best mean MRR.
func tuneFusion(ctx context.Context, db *store.DB, m *lsa, sets map[string][]paraphraseQuery, stdout io.Writer) (bot.Fusion, error) {
	all := map[string][]lists{}
	for _, name := range setNames {
		l, err := fetchLists(ctx, db, m, sets[name])
		if err != nil {
			return bot.Fusion{}, err
		}
		all[name] = l
	}
	var best bot.Fusion
	bestWorst, bestMean := -1.0, -1.0
	for _, f := range fusionGrid() {
		worst, mean := 1.0, 0.0
		for _, name := range setNames {
			qs, l := sets[name], all[name]
			words := measure(qs, func(i int) []bot.Hit { return l[i].words })
			near := measure(qs, func(i int) []bot.Hit { return l[i].near })
			hyb := measure(qs, func(i int) []bot.Hit { return f.Fuse(qs[i].text, l[i].words, l[i].near) })
			worst = min(worst, hyb.mrr-max(words.mrr, near.mrr))
			mean += hyb.mrr / float64(len(setNames))
		}
		if worst > bestWorst+1e-9 || worst > bestWorst-1e-9 && mean > bestMean {
			best, bestWorst, bestMean = f, worst, mean
		}
	}
	fmt.Fprintf(stdout, "tuned on %d queries a set: %+v (worst MRR margin %+.3f, mean MRR %.3f)\n\n",
		len(sets["summary"]), best, bestWorst, bestMean)
	return best, nil
}

// reportFusion prints the quality table on the reporting half, for bm25,
// vectors, plain RRF and the weighted fusion of the engine.
func reportFusion(ctx context.Context, db *store.DB, m *lsa, sets map[string][]paraphraseQuery, tuned bot.Fusion, stdout io.Writer) error {
	fmt.Fprintf(stdout, "engine's bot.DefaultFusion: %+v\n\n", bot.DefaultFusion)
	fmt.Fprintln(stdout, "| set | queries | ranking | top-1 | top-3 | MRR |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|")
	for _, name := range setNames {
		qs := sets[name]
		l, err := fetchLists(ctx, db, m, qs)
		if err != nil {
			return err
		}
		rows := []struct {
			name string
			rank func(i int) []bot.Hit
		}{
			{"bm25", func(i int) []bot.Hit { return l[i].words }},
			{"vectors", func(i int) []bot.Hit { return l[i].near }},
			{"plain RRF", func(i int) []bot.Hit { return bot.Fusion{Partial: 1}.Fuse(qs[i].text, l[i].words, l[i].near) }},
			{"hybrid", func(i int) []bot.Hit { return bot.DefaultFusion.Fuse(qs[i].text, l[i].words, l[i].near) }},
		}
		if tuned != bot.DefaultFusion {
			rows = append(rows, struct {
				name string
				rank func(i int) []bot.Hit
			}{"tuned now", func(i int) []bot.Hit { return tuned.Fuse(qs[i].text, l[i].words, l[i].near) }})
		}
		for _, r := range rows {
			q := measure(qs, r.rank)
			fmt.Fprintf(stdout, "| %s | %d | %s | %.1f%% | %.1f%% | %.3f |\n", name, len(qs), r.name, 100*q.top1, 100*q.top3, q.mrr)
		}
	}
	return nil
}
