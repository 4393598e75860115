package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"paperboy/adapters/console"
	"paperboy/bot"
	"paperboy/bot/text"
)

var todayCommand = &command{
	usage: "today [--date YYYY-MM-DD] [--json]",
	help:  "Print the day's batch (default: today in the configured timezone), most upvoted first.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "the day, YYYY-MM-DD")
		fs.BoolVar(&o.json, "json", false, "print JSON")
	},
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		if len(args) == 1 && o.date == "" {
			o.date = args[0] // `paperboy today 2026-08-19` reads naturally too
		} else if len(args) > 0 {
			return usageErrorf("today takes no arguments besides --date; got %q", strings.Join(args, " "))
		}
		a, err := m.setup(o)
		if err != nil {
			return err
		}
		if !o.json {
			return m.printReply(ctx, a, bot.Command{Name: bot.CmdToday, Args: o.date}, true)
		}
		day, err := a.engine.Day(o.date)
		if err != nil {
			return err
		}
		b, err := a.engine.Today(ctx, day)
		if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
			return err
		}
		return writeJSON(m.Stdout, todayJSON(day, b))
	},
}

// todayJSON is the contract's shape for `today --json`: the day asked for
// and the batch shown, the same one the text form shows. On a day without a
// batch that is the latest earlier one, and batch_date names it; with no
// batch stored at all the list is empty and batch_date is left out.
func todayJSON(day string, b bot.Batch) any {
	return struct {
		Date      string      `json:"date"`
		BatchDate string      `json:"batch_date,omitempty"`
		Source    string      `json:"source,omitempty"`
		Papers    []paperJSON `json:"papers"`
	}{day, b.Date, b.Source, papersJSON(b.Papers)}
}

// paperJSON is one paper of a list in the contract's JSON (today, top).
type paperJSON struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Authors   []string `json:"authors"`
	URL       string   `json:"url"`
	Upvotes   int      `json:"upvotes"`
	AISummary string   `json:"ai_summary,omitempty"`
}

// papersJSON converts papers for JSON output; never null.
func papersJSON(papers []bot.Paper) []paperJSON {
	out := []paperJSON{}
	for _, p := range papers {
		out = append(out, paperJSON{p.ID, text.CleanTitle(p.Title), nonNil(p.Authors), p.URL(), p.Upvotes, text.CleanTitle(p.AISummary)})
	}
	return out
}

var searchCommand = &command{
	usage: "search [--limit N] [--json] QUERY...",
	help:  "Full-text search over every stored paper; an arXiv id or link finds that paper.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.limit, "limit", 10, "at most N results (1-100)")
		fs.BoolVar(&o.json, "json", false, "print JSON")
	},
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		query := strings.Join(args, " ")
		if strings.TrimSpace(query) == "" {
			return usageErrorf("search needs words to look for, e.g. paperboy search diffusion models")
		}
		if o.limit < 1 || o.limit > 100 {
			return usageErrorf("--limit must be between 1 and 100")
		}
		a, err := m.setup(o)
		if err != nil {
			return err
		}
		found, err := a.engine.Find(ctx, query, o.limit, 0)
		if err != nil {
			return err
		}
		if o.json {
			return writeJSON(m.Stdout, searchJSON(query, found))
		}
		r := bot.Reply{Title: "Search: " + text.CleanTitle(query), Text: found.Window.Note()}
		if as := bot.Respelled(found.Hits); as != "" {
			r.Text = strings.TrimSpace("Showing results for “" + text.CleanTitle(as) + "”.\n" + r.Text)
		}
		if len(found.Hits) == 0 {
			r.Text = strings.TrimSpace(r.Text + "\nNo papers match.")
		}
		for i, h := range found.Hits {
			r.Cards = append(r.Cards, bot.NewCard(i+1, h.Paper))
		}
		_, err = io.WriteString(m.Stdout, console.Render(r))
		return err
	},
}

// searchResult is one hit in the contract's JSON shape for search.
type searchResult struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Authors   []string `json:"authors"`
	URL       string   `json:"url"`
	Published string   `json:"published"`
	Score     float64  `json:"score"`
}

// searchResults is the contract's shape for `search --json`, with the
// batch dates a date phrase of the query named (from, to: an open end is
// left out) or the phrase that could not be read (unread_dates).
type searchResults struct {
	Query string `json:"query"`
	// Respelled is what was searched for instead of query, when a word
	// was misspelt or run together (an addition to the contract).
	Respelled   string         `json:"respelled,omitempty"`
	Results     []searchResult `json:"results"`
	From        string         `json:"from,omitempty"`
	To          string         `json:"to,omitempty"`
	UnreadDates string         `json:"unread_dates,omitempty"`
}

// searchJSON is the contract's shape for `search --json`.
func searchJSON(query string, found bot.SearchResult) any {
	results := []searchResult{}
	for _, h := range found.Hits {
		score := h.Score
		if score > 1e9 { // a direct id match ranks above any text match
			score = 1e9
		}
		results = append(results, searchResult{h.Paper.ID, text.CleanTitle(h.Paper.Title), nonNil(h.Paper.Authors),
			h.Paper.URL(), publishedDate(h.Paper), score})
	}
	w := found.Window
	return searchResults{Query: query, Respelled: bot.Respelled(found.Hits), Results: results, From: w.From, To: w.To, UnreadDates: w.Unread}
}

var tldrCommand = &command{
	usage: "tldr [--json] PAPER",
	help:  "One-line summary of a paper (arXiv id, arxiv.org or huggingface.co/papers link), with its source.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.json, "json", false, "print JSON")
	},
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		if len(args) != 1 {
			return usageErrorf("tldr takes one paper: an arXiv id like 2401.01335 or an arxiv.org or huggingface.co/papers link")
		}
		a, err := m.setup(o)
		if err != nil {
			return err
		}
		p, s, err := a.engine.TLDR(ctx, args[0])
		if err != nil {
			return err
		}
		if o.json {
			return writeJSON(m.Stdout, struct {
				ID     string `json:"id"`
				Title  string `json:"title"`
				TLDR   string `json:"tldr"`
				Source string `json:"source"`
				Model  string `json:"model"`
				Cached bool   `json:"cached"`
				URL    string `json:"url"`
			}{p.ID, text.CleanTitle(p.Title), s.Text, s.Source, s.Model, s.Cached, p.URL()})
		}
		r := bot.Reply{Cards: []bot.Card{bot.NewCard(0, p).WithSummary(s)}}
		_, err = io.WriteString(m.Stdout, console.Render(r))
		return err
	},
}

// printReply runs a chat command through the engine and prints the reply as
// the console would.
func (m *Main) printReply(ctx context.Context, a *app, cmd bot.Command, all bool) error {
	if all {
		a.engine.PageSize = 1000
	}
	r, err := a.engine.Handle(ctx, cmd)
	if err != nil {
		return err
	}
	_, err = io.WriteString(m.Stdout, console.Render(r))
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func publishedDate(p bot.Paper) string {
	if p.Published.IsZero() {
		return ""
	}
	return p.Published.UTC().Format(bot.DateLayout)
}
