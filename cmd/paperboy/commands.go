package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"unicode"
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
			fs := newFlagSet(args[0], &options{}, cmd)
			fs.SetOutput(m.Stdout)
			fmt.Fprintln(m.Stdout, "\nflags (the first three are every command's):")
			fs.PrintDefaults()
			return nil
		}
		fmt.Fprintln(m.Stdout, "usage: paperboy [--config FILE] [--db PATH|URL] <command> [flags] [args]\n\ncommands:")
		for _, name := range commandOrder {
			fmt.Fprintf(m.Stdout, "  %-48s %s\n", commands[name].usage, firstSentence(commands[name].help))
		}
		fmt.Fprintln(m.Stdout, "\nA bare `paperboy` is `paperboy run`. Run `paperboy help COMMAND` for a command's flags.")
		return nil
	},
}

// firstSentence is the first sentence of a help text, whose lines are
// wrapped anywhere: up to the first full stop that ends the text or is
// followed by a space and no lower-case letter or digit ("e.g. x" and
// "e.g. 6h" go on).
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for i := 0; i < len(s); i++ {
		if s[i] != '.' {
			continue
		}
		if i+1 == len(s) || (i+2 < len(s) && s[i+1] == ' ' && !unicode.IsLower(rune(s[i+2])) && !unicode.IsDigit(rune(s[i+2]))) {
			return s[:i+1]
		}
	}
	return s
}
