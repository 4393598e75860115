package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"

	"paperboy/bot"
)

var exportCommand = &command{
	usage: "export [--date YYYY-MM-DD] [FILE]",
	help: "Write stored papers as JSON Lines: every paper with the day batches it is in, or with --date that day's batch.\n" +
		"FILE defaults to stdout. " +
		"`paperboy import` reads the file back, batches included: into an empty store it gives back the same days.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "export only this day's batch, YYYY-MM-DD")
	},
	run: runExport,
}

func runExport(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 1 {
		return usageErrorf("export takes at most one file")
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	out := m.Stdout
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Create(args[0])
		if err != nil {
			return fmt.Errorf("create %s: %w", args[0], err)
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriter(out)
	n, err := exportPapers(ctx, a, w, o.date)
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	if f, ok := out.(*os.File); ok && f != os.Stdout {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
		fmt.Fprintf(m.Stderr, "exported %d papers to %s\n", n, f.Name())
	}
	return nil
}

// exportPapers writes the day's batch (date set) or every paper, and
// returns how many it wrote.
func exportPapers(ctx context.Context, a *app, w *bufio.Writer, date string) (int, error) {
	n := 0
	if date == "" {
		err := a.db.EachExport(ctx, func(e bot.Export) error {
			n++
			return bot.WriteExport(w, e)
		})
		return n, err
	}
	day, err := bot.ParseDate(date)
	if err != nil {
		return 0, err
	}
	b, err := a.engine.Today(ctx, day)
	if err != nil {
		return 0, err
	}
	if b.Date != day {
		return 0, bot.Errorf(bot.ENOTFOUND, "No batch for %s to export.", day)
	}
	for _, p := range b.Papers {
		if err := bot.WriteExport(w, bot.Export{Paper: p, Date: day}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
