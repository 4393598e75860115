package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"paperboy/bot"
	"paperboy/bot/taste"
	"paperboy/store"
)

// tasteModes are what a channel knows in each run of the benchmark.
var tasteModes = []string{"saves", "sentence", "both"}

// tasteSplit is the day that divides the eval window into the half the
// model was tuned on (before) and the half it is reported on.
const tasteSplit = "2026-05-01"

// anchors are the reference script's figures on the public fixture.
var tasteAnchors = map[string]string{
	"upvotes":  "0.210",
	"saves":    "0.907 (arxiv-sanity-lite), 0.901 (SVM, ordinary vocabulary)",
	"sentence": "0.880 (cosine, arxiv-sanity vocabulary), 0.909 (cosine), 0.946 (feedback + cosine)",
	"both":     "0.946 (SVM + half the cosine)",
}

func runTaste(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("taste", flag.ContinueOnError)
	data := fs.String("data", filepath.Join("cmd", "paperboy-bench", "testdata", "hf_daily_2026-01_2026-06.jsonl.gz"), "the Daily Papers fixture")
	dbPath := fs.String("db", "", "database to run in: a postgres:// URL, or empty for a new SQLite file in a temporary directory")
	pop := fs.Float64("popularity", bot.DefaultPopularity, "weight of the day's upvotes beside the taste score (0: none)")
	profile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	o := taste.DefaultOptions
	fs.Float64Var(&o.C, "c", o.C, "the SVM's cost")
	fs.Float64Var(&o.StrongNegative, "strong", o.StrongNegative, "weight of a \"not for us\" beside an unmarked paper")
	fs.Float64Var(&o.PriorSaves, "prior", o.PriorSaves, "saves at which the sentence weighs half")
	fs.Float64Var(&o.Centroid, "centroid", o.Centroid, "weight of the cosine to the saves' mean")
	fs.IntVar(&o.Feedback, "feedback", o.Feedback, "papers nearest the sentence taken as its positives")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	recs, err := loadTasteFixture(*data)
	if err != nil {
		return fmt.Errorf("taste: %w", err)
	}
	db, cleanup, err := benchStore(*dbPath)
	if err != nil {
		return err
	}
	defer cleanup()
	r := &tasteRun{db: db, signals: benchSignals{}}
	r.taste = &bot.Taste{Store: db, Signals: r.signals, Popularity: *pop, Options: o}
	for _, t := range tasteTeams {
		r.plans = append(r.plans, planTeam(recs, t))
	}
	r.teach()
	start := time.Now()
	if err := r.run(ctx, recs); err != nil {
		return err
	}
	r.print(stdout, *pop, time.Since(start))
	return nil
}

// benchStore opens the database the run imports into.
func benchStore(path string) (*store.DB, func(), error) {
	dir := ""
	if path == "" {
		var err error
		if dir, err = os.MkdirTemp("", "paperboy-taste-"); err != nil {
			return nil, nil, err
		}
		path = filepath.Join(dir, "taste.db")
	}
	db, err := store.Open(path)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}

// benchSignals are the teams' signals, by channel.
type benchSignals map[string][]bot.Signal

func (s benchSignals) ChannelSignals(_ context.Context, platform, channel string) ([]bot.Signal, error) {
	return s[channel], nil
}

type tasteRun struct {
	db      *store.DB
	taste   *bot.Taste
	signals benchSignals
	plans   []teamPlan
	// scores by team, mode ("upvotes" too) and half ("tune", "report").
	scores map[[3]string]score
}

func channelOf(team, mode string) string { return team + "/" + mode }

// teach gives each team's channels their signals: saves and "not for us"
// in the saves and both modes; nothing but the sentence in sentence mode.
func (r *tasteRun) teach() {
	for _, p := range r.plans {
		var sigs []bot.Signal
		for _, id := range p.saves {
			sigs = append(sigs, bot.Signal{Platform: "bench", PaperID: id, User: "u", Kind: bot.SignalSave})
		}
		for _, id := range p.notForUs {
			sigs = append(sigs, bot.Signal{Platform: "bench", PaperID: id, User: "u", Kind: bot.SignalNotForUs})
		}
		r.signals[channelOf(p.team.name, "saves")] = sigs
		r.signals[channelOf(p.team.name, "both")] = sigs
	}
}

func (r *tasteRun) sub(t tasteTeam, mode string) bot.Subscription {
	s := bot.Subscription{Platform: "bench", Channel: channelOf(t.name, mode), Rank: bot.RankTaste, Top: tasteTop}
	if mode != "saves" {
		s.Interests = t.interests
	}
	return s
}

// run imports the fixture day by day, as fetch would, and ranks each
// team's eval days the way a delivery does: candidates in Hugging Face's
// order, ordered by the channel's taste, cut to the top 5.
func (r *tasteRun) run(ctx context.Context, recs []fixturePaper) error {
	r.scores = map[[3]string]score{}
	byDay := map[string][]bot.Paper{}
	var days []string
	for _, p := range recs {
		if _, ok := byDay[p.Day]; !ok {
			days = append(days, p.Day)
		}
		// Never ai_keywords or ai_summary: they define what is relevant.
		byDay[p.Day] = append(byDay[p.Day], bot.Paper{ID: p.ID, Title: p.Title, Abstract: p.Summary, Authors: p.Authors, Upvotes: p.Upvotes})
	}
	slices.Sort(days)
	for _, day := range days {
		if _, err := r.db.AddPapers(ctx, byDay[day]); err != nil {
			return fmt.Errorf("import %s: %w", day, err)
		}
		candidates := slices.Clone(byDay[day])
		bot.RankPapers(candidates)
		if err := r.rankDay(ctx, day, candidates); err != nil {
			return err
		}
	}
	return nil
}

func (r *tasteRun) rankDay(ctx context.Context, day string, candidates []bot.Paper) error {
	half := "tune"
	if day >= tasteSplit {
		half = "report"
	}
	for _, p := range r.plans {
		d, ok := p.days[day]
		if !ok {
			continue
		}
		r.record(p.team.name, "upvotes", half, d.score(ids(candidates)))
		for _, mode := range tasteModes {
			sub := r.sub(p.team, mode)
			rk := r.taste.Order(ctx, sub, candidates)
			if rk.By != bot.RankTaste {
				return errors.New("taste: a channel was not ranked by taste; see the warnings above")
			}
			for _, id := range ids(rk.Papers)[:min(tasteTop, len(rk.Papers))] {
				if rk.Why[id] == "" {
					return fmt.Errorf("taste: %s has no reason for %s on %s", sub.Channel, id, day)
				}
			}
			r.record(p.team.name, mode, half, d.score(ids(rk.Papers)))
		}
	}
	return nil
}

func (r *tasteRun) record(team, mode, half string, s score) {
	for _, k := range [][3]string{{team, mode, half}, {team, mode, "all"}, {"ALL", mode, half}, {"ALL", mode, "all"}} {
		r.scores[k] = r.scores[k].add(s)
	}
}

func ids(papers []bot.Paper) []string {
	out := make([]string, len(papers))
	for i, p := range papers {
		out[i] = p.ID
	}
	return out
}

// print writes the table: each team's score per mode on the whole eval
// window, and the totals on each half.
func (r *tasteRun) print(w io.Writer, pop float64, took time.Duration) {
	modes := append([]string{"upvotes"}, tasteModes...)
	fmt.Fprintf(w, "options %+v\n", r.taste.Options)
	fmt.Fprintf(w, "taste benchmark: 8 teams, eval %s..%s (tuned on days before %s, reported on the rest), popularity %.2f, %s\n\n",
		evalFirst, evalLast, tasteSplit, pop, took.Round(time.Second))
	fmt.Fprintf(w, "| team | days | %s |\n|---|---|%s\n", strings.Join(modes, " | "), strings.Repeat("---|", len(modes)))
	for _, p := range r.plans {
		row := []string{p.team.name, fmt.Sprint(len(p.days))}
		for _, m := range modes {
			row = append(row, r.scores[[3]string{p.team.name, m, "all"}].String())
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	for _, half := range []string{"tune", "report", "all"} {
		row := []string{"**ALL " + half + "**", ""}
		for _, m := range modes {
			row = append(row, "**"+r.scores[[3]string{"ALL", m, half}].String()+"**")
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintf(w, "\nworst team per mode:")
	for _, m := range tasteModes {
		worst := slices.MinFunc(r.plans, func(a, b teamPlan) int {
			return cmp.Compare(r.ratio(a.team.name, m), r.ratio(b.team.name, m))
		})
		fmt.Fprintf(w, " %s %s %s;", m, worst.team.name, r.scores[[3]string{worst.team.name, m, "all"}])
	}
	fmt.Fprintf(w, "\n\nanchors (reference script, same data, all eval days):\n")
	for _, m := range modes {
		fmt.Fprintf(w, "  %-8s %s\n", m, tasteAnchors[m])
	}
}

func (r *tasteRun) ratio(team, mode string) float64 {
	s := r.scores[[3]string{team, mode, "all"}]
	return float64(s.hits) / float64(max(1, s.ideal))
}
