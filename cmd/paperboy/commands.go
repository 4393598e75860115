package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
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
