package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"paperboy/bot"
)

var fetchCommand = &command{
	usage: "fetch [--date YYYY-MM-DD]",
	help:  "Fetch the day's batch (default: today, UTC) from the configured source and store it.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "the day, YYYY-MM-DD (default: today, UTC)")
	},
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		if len(args) > 0 {
			return usageErrorf("fetch takes no arguments besides --date; got %q", strings.Join(args, " "))
		}
		a, err := m.setup(o)
		if err != nil {
			return err
		}
		b, res, err := a.engine.Fetch(ctx, o.date)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s from %s: %d papers (%d new, %d updated)\n", b.Date, b.Source, len(b.Papers), res.Added, res.Updated)
		return nil
	},
}

var postCommand = &command{
	usage: "post [--date YYYY-MM-DD] [--dry-run] [--json]",
	help:  "Deliver the day's batch to every subscribed channel now; --dry-run prints what would be sent.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "the day, YYYY-MM-DD (default: today in the configured timezone)")
		fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be sent; send nothing")
		fs.BoolVar(&o.json, "json", false, "print JSON (with --dry-run)")
	},
	run: runPost,
}

// runPost reports what would be delivered. Delivery itself (subscriptions,
// the ledger, the chat adapters) is not part of this version, so post says
// so instead of pretending: with no subscriptions nothing is sent.
func runPost(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 0 {
		return usageErrorf("post takes no arguments; got %q", strings.Join(args, " "))
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	day, err := a.engine.Day(o.date)
	if err != nil {
		return err
	}
	b, err := a.engine.Today(ctx, day)
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		return err
	}
	papers := 0
	if b.Date == day {
		papers = len(b.Papers)
	}
	if o.json {
		return writeJSON(m.Stdout, struct {
			Date       string `json:"date"`
			DryRun     bool   `json:"dry_run"`
			Papers     int    `json:"papers"`
			Deliveries []any  `json:"deliveries"`
			Note       string `json:"note"`
		}{day, o.dryRun, papers, []any{}, "no subscriptions yet"})
	}
	fmt.Fprintf(m.Stdout, "%s: %d papers; no subscriptions yet, nothing to send\n", day, papers)
	return nil
}

var versionCommand = &command{
	usage: "version",
	help:  "Print the version.",
	run: func(_ context.Context, m *Main, _ *options, _ []string) error {
		fmt.Fprintf(m.Stdout, "paperboy %s\n", version)
		return nil
	},
}

var helpCommand = &command{
	usage: "help [COMMAND]",
	help:  "Show this help, or a command's.",
	run: func(_ context.Context, m *Main, _ *options, args []string) error {
		if len(args) == 1 {
			cmd, ok := commands[args[0]]
			if !ok {
				return usageErrorf("unknown command %q; run `paperboy help` for the list", args[0])
			}
			fmt.Fprintf(m.Stdout, "usage: paperboy %s\n\n%s\n", cmd.usage, cmd.help)
			if cmd.flags != nil {
				fs := newFlagSet(args[0], &options{}, cmd)
				fs.SetOutput(m.Stdout)
				fmt.Fprintln(m.Stdout, "\nflags:")
				fs.PrintDefaults()
			}
			return nil
		}
		fmt.Fprintln(m.Stdout, "usage: paperboy [--config FILE] [--db PATH] <command> [flags] [args]\n\ncommands:")
		for _, name := range commandOrder {
			fmt.Fprintf(m.Stdout, "  %-48s %s\n", commands[name].usage, firstLine(commands[name].help))
		}
		fmt.Fprintln(m.Stdout, "\nA bare `paperboy` is `paperboy run`. Run `paperboy help COMMAND` for a command's flags.")
		return nil
	},
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
