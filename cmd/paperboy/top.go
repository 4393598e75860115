package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"paperboy/bot"
)

var topCommand = &command{
	usage: "top --week|--month [--date D] [--limit N] [--json]",
	help: "The best papers of the ISO week or calendar month containing --date (default: today), by upvotes,\n" +
		"from the stored day batches: one copy per paper, its highest count. Weekdays not stored are fetched\n" +
		"from the source when it answers; otherwise the stored days are used and the output says which are missing.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.week, "week", false, "the ISO week (Monday to Sunday)")
		fs.BoolVar(&o.month, "month", false, "the calendar month")
		fs.StringVar(&o.date, "date", "", "a day in the period, YYYY-MM-DD (default: today)")
		fs.IntVar(&o.limit, "limit", 10, "at most N papers (0: all)")
		fs.BoolVar(&o.json, "json", false, "print JSON")
	},
	run: runTop,
}

func runTop(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 0 {
		return usageErrorf("top takes no arguments besides its flags; got %q", strings.Join(args, " "))
	}
	if o.week == o.month {
		return usageErrorf("top needs exactly one of --week and --month")
	}
	if o.limit < 0 {
		return usageErrorf("top: --limit must be 0 (all) or more")
	}
	kind := bot.PeriodWeek
	if o.month {
		kind = bot.PeriodMonth
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	if !o.json {
		a.engine.PageSize = o.limit
		if o.limit == 0 {
			a.engine.PageSize = 100000
		}
		return m.printReply(ctx, a, bot.Command{Name: bot.CmdTop, Args: strings.TrimSpace(kind + " " + o.date)}, false)
	}
	top, err := a.engine.Top(ctx, kind, o.date)
	if err != nil {
		return err
	}
	papers := top.Papers
	if o.limit > 0 && len(papers) > o.limit {
		papers = papers[:o.limit]
	}
	if top.Note != "" {
		fmt.Fprintf(m.Stderr, "paperboy: %s\n", top.Note)
	}
	return writeJSON(m.Stdout, struct {
		Period  string      `json:"period"`
		First   string      `json:"first"`
		Last    string      `json:"last"`
		Days    []string    `json:"days"`
		Missing []string    `json:"missing"`
		Papers  []paperJSON `json:"papers"`
	}{top.Period.Name(), top.Period.First, top.Period.Last, nonNil(top.Days), nonNil(top.Missing), papersJSON(papers)})
}
