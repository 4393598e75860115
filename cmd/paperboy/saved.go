package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"paperboy/bot"
	"paperboy/bot/text"
)

func runUnsave(ctx context.Context, m *Main, o *options, args []string) error {
	platform, channel, err := parseChannel(o.signal.channel)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErrorf("unsave takes the papers to take off, e.g. paperboy unsave --channel %s:%s 2401.01335", platform, channel)
	}
	ids, err := paperIDs(args)
	if err != nil {
		return err
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	removed := 0
	for _, id := range ids {
		n, err := a.db.RemoveSignal(ctx, bot.Signal{Platform: platform, Channel: channel, PaperID: id, Kind: o.signal.kind()})
		if err != nil {
			return err
		}
		removed += min(n, 1)
	}
	what := "took %s off the reading list"
	if o.signal.notForUs {
		what = `dropped the "not for us" marks of %s`
	}
	fmt.Fprintf(m.Stdout, "%s:%s: "+what+" (%d had none)\n", platform, channel, papers(removed), len(ids)-removed)
	return nil
}

// savedJSON is one paper of saved --json.
type savedJSON struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	URL     string   `json:"url"`
	SavedBy []string `json:"saved_by"`
	SavedAt string   `json:"saved_at"`
	Pending bool     `json:"pending,omitempty"`
}

func runSaved(ctx context.Context, m *Main, o *options, args []string) error {
	platform, channel, err := parseChannel(o.signal.channel)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usageErrorf("saved takes no arguments besides --channel, --json and --bibtex; got %q", strings.Join(args, " "))
	}
	if o.json && o.signal.bibtex {
		return usageErrorf("saved prints JSON or BibTeX, not both: drop --json or --bibtex")
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	list, _, err := a.db.SavedPapers(ctx, platform, channel, 0, 1<<31-1)
	if err != nil {
		return err
	}
	switch {
	case o.json:
		return writeJSON(m.Stdout, savedList(list))
	case o.signal.bibtex:
		for i, sp := range list {
			if i > 0 {
				fmt.Fprintln(m.Stdout)
			}
			fmt.Fprint(m.Stdout, bot.BibTeXEntry(sp).BibTeX(0))
		}
		return nil
	}
	printSaved(m, platform+":"+channel, list)
	return nil
}

// savedList is the reading list as saved --json prints it.
func savedList(list []bot.SavedPaper) []savedJSON {
	out := make([]savedJSON, 0, len(list))
	for _, sp := range list {
		p := sp.Paper
		p.FillLinks()
		out = append(out, savedJSON{ID: p.ID, Title: text.CleanTitle(p.Title), URL: bot.SafeURL(p.URL()),
			SavedBy: sp.SavedBy, SavedAt: sp.SavedAt.UTC().Format(time.RFC3339), Pending: sp.Pending})
	}
	return out
}

// printSaved prints the reading list as text, one paper a line.
func printSaved(m *Main, channel string, list []bot.SavedPaper) {
	if len(list) == 0 {
		fmt.Fprintf(m.Stdout, "%s: the reading list is empty; paperboy save --channel %s PAPER adds to it\n", channel, channel)
		return
	}
	for _, sp := range list {
		title := text.Truncate(text.CleanTitle(sp.Paper.Title), 100)
		if sp.Pending {
			title = "(not fetched yet)"
		}
		fmt.Fprintf(m.Stdout, "%s  %-16s %s — saved by %s\n", sp.SavedAt.UTC().Format(bot.DateLayout), sp.Paper.ID, title, strings.Join(sp.SavedBy, ", "))
	}
}
