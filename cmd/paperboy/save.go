package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"paperboy/bot"
	"paperboy/bot/cite"
	"paperboy/bot/text"
)

// signalOptions are the flags of save, unsave and saved.
type signalOptions struct {
	channel  string // PLATFORM:ID
	notForUs bool
	from     string
	bibtex   bool
}

// cliUser is who the command line's signals are from.
const cliUser = "cli"

var saveCommand = &command{
	usage: "save --channel PLATFORM:ID [--not-for-us] PAPER... | --from FILE",
	help: "Save papers to a channel's reading list (or, with --not-for-us, mark them \"not for us\"),\n" +
		"as the Save button does. PLATFORM is discord, slack or email. --from FILE seeds the list from a\n" +
		"BibTeX export (Zotero, Mendeley, JabRef), a CSL JSON export, or a list of arXiv ids or links.\n" +
		"Papers not stored yet are fetched from arXiv; offline, they are kept as pending and fetched\n" +
		"on a later save.",
	flags: func(fs *flag.FlagSet, o *options) {
		channelFlag(fs, o)
		fs.BoolVar(&o.signal.notForUs, "not-for-us", false, `mark the papers "not for us" instead of saving them`)
		fs.StringVar(&o.signal.from, "from", "", "read the papers from `FILE` ('-' reads stdin)")
	},
	run: runSave,
}

var unsaveCommand = &command{
	usage: "unsave --channel PLATFORM:ID [--not-for-us] PAPER...",
	help:  "Take papers off a channel's reading list, whoever saved them (--not-for-us: drop their \"not for us\" marks).",
	flags: func(fs *flag.FlagSet, o *options) {
		channelFlag(fs, o)
		fs.BoolVar(&o.signal.notForUs, "not-for-us", false, `drop the "not for us" marks instead`)
	},
	run: runUnsave,
}

var savedCommand = &command{
	usage: "saved --channel PLATFORM:ID [--json|--bibtex]",
	help:  "Print a channel's reading list, newest first, with who saved each paper.",
	flags: func(fs *flag.FlagSet, o *options) {
		channelFlag(fs, o)
		fs.BoolVar(&o.json, "json", false, "print JSON")
		fs.BoolVar(&o.signal.bibtex, "bibtex", false, "print BibTeX, one entry per paper with its eprint")
	},
	run: runSaved,
}

func channelFlag(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.signal.channel, "channel", "", "the channel, as `PLATFORM:ID`: discord:1234567890, slack:C0123ABCDE or email:team@example.com")
}

// parseChannel reads --channel PLATFORM:ID.
func parseChannel(s string) (platform, channel string, err error) {
	const form = "write --channel PLATFORM:ID with PLATFORM discord, slack or email, e.g. --channel slack:C0123ABCDE"
	if s == "" {
		return "", "", usageErrorf("a reading list belongs to a channel: %s", form)
	}
	platform, channel, ok := strings.Cut(s, ":")
	switch {
	case !ok || channel == "":
		return "", "", usageErrorf("--channel %q has no channel id: %s", s, form)
	case platform != "discord" && platform != "slack" && platform != "email":
		return "", "", usageErrorf("--channel %q: unknown platform %q; %s", s, platform, form)
	}
	if err := checkChannel(platform, channel); err != nil {
		return "", "", usageErrorf("--channel: %v", err)
	}
	return platform, channel, nil
}

// paperIDs parses papers named on the command line.
func paperIDs(args []string) ([]string, error) {
	ids := make([]string, 0, len(args))
	for _, a := range args {
		id, ok := bot.ParsePaperRef(a)
		if !ok {
			return nil, usageErrorf("%q is not an arXiv id or paper link; use an id like 2401.01335 or an arxiv.org or huggingface.co/papers link", a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// signalKind is the kind of signal the flags ask for.
func (o signalOptions) kind() string {
	if o.notForUs {
		return bot.SignalNotForUs
	}
	return bot.SignalSave
}

func runSave(ctx context.Context, m *Main, o *options, args []string) error {
	platform, channel, err := parseChannel(o.signal.channel)
	if err != nil {
		return err
	}
	if (len(args) == 0) == (o.signal.from == "") {
		return usageErrorf("save takes papers (arXiv ids or links) or --from FILE, e.g. paperboy save --channel %s:%s 2401.01335", platform, channel)
	}
	ids, err := paperIDs(args)
	if err != nil {
		return err
	}
	if o.signal.from != "" {
		if ids, err = m.readRefs(o.signal.from); err != nil {
			return err
		}
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	s := bot.Signal{Platform: platform, Channel: channel, User: cliUser, Kind: o.signal.kind()}
	res, err := a.engine.Seed(ctx, s, ids, m.paperFinder(a.cfg, a.log))
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, seedSummary(platform+":"+channel, s.Kind, res))
	return nil
}

// paperFinder is the arXiv client that fetches papers by id, whatever
// source.kind is: a reading list holds arXiv papers.
func (m *Main) paperFinder(c Config, log *slog.Logger) bot.PaperFinder {
	client := m.arxivClient(c, nil)
	client.MaxAttempts = 2 // offline, say so soon: the papers stay pending
	client.Logger = log.With("source", "arxiv")
	return client
}

// seedSummary is the line save prints.
func seedSummary(channel, kind string, r bot.SeedResult) string {
	verb, already := "saved", "already saved"
	if kind == bot.SignalNotForUs {
		verb, already = `marked "not for us"`, "already marked"
	}
	line := fmt.Sprintf("%s: %s %s (%d %s)", channel, verb, papers(r.Added+r.Already), r.Already, already)
	if r.Fetched > 0 {
		line += fmt.Sprintf("; fetched %d from arXiv", r.Fetched)
	}
	if r.Pending > 0 {
		why := "arXiv does not know them"
		if r.FetchErr != nil {
			why = "arXiv out of reach: " + bot.ErrorMessage(r.FetchErr)
		}
		line += fmt.Sprintf("; %d pending, not stored yet (%s); they are kept, and a later save fetches them", r.Pending, why)
	}
	return line
}

// readRefs reads the arXiv ids of an export file, warning on stderr about
// entries that name no arXiv paper.
func (m *Main) readRefs(name string) ([]string, error) {
	var r io.Reader = m.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		defer f.Close()
		r = f
	}
	refs, format, err := cite.Read(r)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%s: %v", name, err)
	}
	ids, skipped := refIDs(refs)
	if len(skipped) > 0 {
		fmt.Fprintf(m.Stderr, "paperboy: %s: %d of %d entries name no arXiv paper (no eprint, arXiv url or DOI), skipped: %s\n",
			name, len(skipped), len(refs), strings.Join(skipped[:min(len(skipped), 5)], ", "))
	}
	if len(ids) == 0 {
		return nil, bot.Errorf(bot.EINVALID, "%s (%s): no entry names an arXiv paper; give arXiv ids or links, or a BibTeX or CSL JSON export", name, format)
	}
	return ids, nil
}

// refIDs resolves each ref to its first candidate that is a paper, each
// paper once, and names the refs that have none.
func refIDs(refs []cite.Ref) (ids, skipped []string) {
	seen := map[string]bool{}
	for _, r := range refs {
		id := ""
		for _, c := range r.Candidates {
			if got, ok := bot.ParsePaperRef(c); ok {
				id = got
				break
			}
		}
		switch {
		case id == "":
			skipped = append(skipped, fmt.Sprintf("%q", text.Truncate(cmp.Or(r.Key, r.Title, strings.Join(r.Candidates, " ")), 60)))
		case !seen[id]:
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, skipped
}

// papers is "1 paper" or "3 papers".
func papers(n int) string {
	if n == 1 {
		return "1 paper"
	}
	return fmt.Sprintf("%d papers", n)
}
