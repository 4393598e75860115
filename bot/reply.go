package bot

import (
	"strings"

	"paperboy/bot/text"
)

// Reply is the engine's answer to a Command, in a model that every platform
// can render. Every string in it is plain, cleaned text: no TeX, no control
// characters, and no markup of any platform. Renderers escape each field for
// their own dialect (Discord markdown, Slack mrkdwn, the terminal) and never
// have to undo anything. Every URL in it is an http(s) URL.
type Reply struct {
	// Title is the headline, e.g. "Daily Papers — Wed 19 Aug 2026 · 26 papers".
	Title string
	// Text is a paragraph under the headline: a notice ("No batch for Sat…"),
	// help, or an error message. Lines are separated by "\n".
	Text string
	// Cards are the papers, in order.
	Cards []Card
	// Next is the command that shows the next page of Cards, or nil.
	Next *Command
	// Ephemeral asks the platform to show the reply only to the user who
	// asked (search results, TL;DRs), where the platform can.
	Ephemeral bool
	// Error reports whether the reply is an error message; Text says what.
	Error bool
	// Code is preformatted text shown as a code block under Text (a page
	// of BibTeX), at most MaxCodeLen bytes, entries separated by blank
	// lines so renderers may split it there; "" for none.
	Code string
}

// MaxCodeLen bounds Reply.Code: one Slack section or Discord embed.
const MaxCodeLen = 2800

// Card is one paper in a Reply.
type Card struct {
	Rank      int    // 1-based position in a batch or result list
	ID        string // canonical id, for buttons ("TL;DR", "Abstract")
	Title     string
	URL       string // the paper's page; "" when it has none
	Authors   string // abbreviated: "A, B, C +661"
	Upvotes   int    // Hugging Face upvotes; shown when > 0
	Published string // "2026-08-19", or "" when unknown
	Links     []Link
	Thumbnail string
	// Summary is a TL;DR; SummaryFrom says where it came from, e.g.
	// "Hugging Face (Qwen/Qwen2.5-Coder-32B-Instruct)". Both may be "".
	Summary     string
	SummaryFrom string
	// Abstract is the full cleaned abstract, set only when it was asked for.
	Abstract string
	// Why is a one-line reason for a paper placed by the channel's taste
	// ("like <saved title>", "matches your interests: ..."), or, on a
	// reading list, who saved it and when; "" for none.
	Why string
}

// Link is a labelled link on a card.
type Link struct {
	Label string // "arXiv", "PDF", "Hugging Face", "GitHub", "Project"
	URL   string
}

// MaxTitleLen and MaxAuthors bound what a card carries, whatever a paper holds.
const (
	MaxTitleLen    = 300
	MaxAuthors     = 3
	MaxAbstractLen = 3000
)

// NewCard turns a paper into a card: cleaned, bounded text and safe links.
func NewCard(rank int, p Paper) Card {
	c := Card{
		Rank:      rank,
		ID:        p.ID,
		Title:     text.Truncate(text.CleanTitle(p.Title), MaxTitleLen),
		URL:       SafeURL(p.URL()),
		Authors:   text.AbbreviateAuthors(p.Authors, MaxAuthors),
		Upvotes:   p.Upvotes,
		Thumbnail: SafeURL(p.Thumbnail),
	}
	if c.Title == "" {
		c.Title = "(untitled)"
	}
	if !p.Published.IsZero() {
		c.Published = p.Published.UTC().Format(DateLayout)
	}
	for _, l := range []Link{
		{"arXiv", p.ArxivURL}, {"PDF", p.PDFURL}, {"Hugging Face", p.HFURL},
		{"GitHub", p.GitHubURL}, {"Project", p.ProjectURL},
	} {
		if u := SafeURL(l.URL); u != "" {
			c.Links = append(c.Links, Link{l.Label, u})
		}
	}
	return c
}

// WithSummary returns the card with a TL;DR and its provenance.
func (c Card) WithSummary(s Summary) Card {
	c.Summary = s.Text
	c.SummaryFrom = SummaryLabel(s)
	return c
}

// SummaryLabel says where a TL;DR came from, for the provenance footer.
func SummaryLabel(s Summary) string {
	var label string
	switch s.Source {
	case SourceLLM:
		label = "LLM"
	case SourceHF:
		label = "Hugging Face"
	case SourceExtractive:
		return "first sentence of the abstract"
	default:
		return ""
	}
	if s.Model != "" {
		label += " (" + s.Model + ")"
	}
	return label
}

// SafeURL returns u when it is an absolute http or https URL with a host, and
// "" otherwise, so that a javascript: link or garbage from a paper never
// reaches a chat message.
func SafeURL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" || len(u) > 2000 || strings.ContainsAny(u, " \t\r\n<>\"") {
		return ""
	}
	if !IsHTTPURL(u) {
		return ""
	}
	return u
}

// ErrorReply turns an error into a reply that tells the user what went wrong
// (ErrorMessage: internal details never leave the process).
func ErrorReply(err error) Reply {
	return Reply{Text: ErrorMessage(err), Ephemeral: true, Error: true}
}

// maxSharerLen bounds the name in SharedBy.
const maxSharerLen = 80

// SharedBy returns r as shared to a channel by the user called name: its
// text starts with "Shared by @name." so that everyone sees who posted it.
// The name is shown as text, never as a mention, so nobody is pinged; an
// empty name leaves r as it is.
func (r Reply) SharedBy(name string) Reply {
	name = text.Truncate(strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(name), "@")), " "), maxSharerLen)
	if name == "" {
		return r
	}
	line := "Shared by @" + name + "."
	if r.Text != "" {
		line += "\n" + r.Text
	}
	r.Text = line
	return r
}
