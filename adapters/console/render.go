package console

import (
	"fmt"
	"strings"

	"paperboy/bot"
	"paperboy/bot/text"
)

// Render formats a reply for a terminal: the headline, the text, then one
// block per paper, and a hint for the next page. Every field passes through
// plain so that no paper text can move the cursor or change colours.
func Render(r bot.Reply) string {
	var b strings.Builder
	if r.Title != "" {
		fmt.Fprintf(&b, "%s\n", plain(r.Title))
	}
	if r.Text != "" {
		prefix := ""
		if r.Error {
			prefix = "error: "
		}
		fmt.Fprintf(&b, "%s%s\n", prefix, plain(r.Text))
	}
	for _, c := range r.Cards {
		b.WriteString("\n")
		renderCard(&b, c)
	}
	if r.Code != "" {
		fmt.Fprintf(&b, "\n%s\n", plain(r.Code))
	}
	if r.Next != nil {
		fmt.Fprintf(&b, "\nMore: %s\n", plain(r.Next.String()))
	}
	b.WriteString("\n")
	return b.String()
}

// maxWhy bounds the line that says why a paper is there, in characters.
const maxWhy = 300

func renderCard(b *strings.Builder, c bot.Card) {
	rank := ""
	if c.Rank > 0 {
		rank = fmt.Sprintf("%2d. ", c.Rank)
	}
	fmt.Fprintf(b, "%s%s  [%s]\n", rank, plain(c.Title), plain(c.ID))
	var meta []string
	if c.Authors != "" {
		meta = append(meta, plain(c.Authors))
	}
	if c.Upvotes > 0 {
		meta = append(meta, fmt.Sprintf("▲ %d", c.Upvotes))
	}
	if c.Published != "" {
		meta = append(meta, c.Published)
	}
	if len(meta) > 0 {
		fmt.Fprintf(b, "    %s\n", strings.Join(meta, " · "))
	}
	if why := text.CleanTitle(c.Why); why != "" {
		fmt.Fprintf(b, "    %s\n", plain(text.Truncate(why, maxWhy)))
	}
	if c.Summary != "" {
		fmt.Fprintf(b, "    TL;DR: %s", plain(c.Summary))
		if c.SummaryFrom != "" {
			fmt.Fprintf(b, "  (source: %s)", plain(c.SummaryFrom))
		}
		b.WriteString("\n")
	}
	if c.Abstract != "" {
		for _, para := range strings.Split(plain(c.Abstract), "\n\n") {
			fmt.Fprintf(b, "    %s\n", para)
		}
	}
	if len(c.Links) > 0 {
		links := make([]string, len(c.Links))
		for i, l := range c.Links {
			links[i] = l.Label + " " + plain(l.URL)
		}
		fmt.Fprintf(b, "    %s\n", strings.Join(links, " · "))
	}
}

// plain removes control characters (escape sequences, carriage returns)
// except newlines, as a last guard for the terminal.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || (r >= 0x20 && r != 0x7f && (r < 0x80 || r > 0x9f)) {
			return r
		}
		return -1
	}, s)
}
