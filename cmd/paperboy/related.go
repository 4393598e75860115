package main

import (
	"context"
	"flag"

	"paperboy/bot"
	"paperboy/bot/text"
)

var relatedCommand = &command{
	usage: "related [--limit N] [--json] PAPER",
	help: "The stored papers closest to PAPER (an arXiv id or link): by meaning when papers are embedded\n" +
		"(see embed), else by the rare words they share with its title and keywords.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.limit, "limit", 10, "at most N results (1-100)")
		fs.BoolVar(&o.json, "json", false, "print JSON")
	},
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		if len(args) != 1 {
			return usageErrorf("related takes one paper: an arXiv id like 2401.01335 or an arxiv.org or huggingface.co/papers link")
		}
		if o.limit < 1 || o.limit > 100 {
			return usageErrorf("--limit must be between 1 and 100")
		}
		a, err := m.setup(o)
		if err != nil {
			return err
		}
		if !o.json {
			a.engine.PageSize = o.limit
			return m.printReply(ctx, a, bot.Command{Name: bot.CmdRelated, Args: args[0]}, false)
		}
		p, hits, err := a.engine.Related(ctx, args[0], o.limit)
		if err != nil {
			return err
		}
		return writeJSON(m.Stdout, struct {
			Paper   string         `json:"paper"`
			Title   string         `json:"title"`
			Results []searchResult `json:"results"`
		}{p.ID, text.CleanTitle(p.Title), searchJSON("", bot.SearchResult{Hits: hits}).(searchResults).Results})
	},
}
