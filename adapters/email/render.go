package email

import (
	"fmt"
	"html/template"
	"strings"

	"paperboy/bot"
	"paperboy/bot/text"
)

// render returns the plain-text and HTML bodies of a reply. Both show the
// same cards: the title linked to the paper, authors, upvotes, the TL;DR
// with where it came from, and the links. Reply text is plain (bot cleans
// it), so the text part needs no escaping and html/template escapes the
// HTML part.
func render(r bot.Reply, unsubscribe string) (text, html string, err error) {
	var b strings.Builder
	if err := page.Execute(&b, struct {
		bot.Reply
		Unsubscribe string
	}{r, unsubscribe}); err != nil {
		return "", "", err
	}
	return renderText(r, unsubscribe), b.String(), nil
}

func renderText(r bot.Reply, unsubscribe string) string {
	var b strings.Builder
	if r.Title != "" {
		fmt.Fprintf(&b, "%s\n%s\n\n", r.Title, strings.Repeat("=", min(len([]rune(r.Title)), 72)))
	}
	if r.Text != "" {
		fmt.Fprintf(&b, "%s\n\n", r.Text)
	}
	for _, c := range r.Cards {
		fmt.Fprintf(&b, "%d. %s\n", c.Rank, c.Title)
		if c.URL != "" {
			fmt.Fprintf(&b, "   %s\n", c.URL)
		}
		fmt.Fprintf(&b, "   %s\n", meta(c))
		if w := why(c); w != "" {
			fmt.Fprintf(&b, "   %s\n", w)
		}
		if c.Summary != "" {
			fmt.Fprintf(&b, "   TL;DR: %s%s\n", c.Summary, from(c))
		}
		for _, l := range c.Links {
			fmt.Fprintf(&b, "   %s: %s\n", l.Label, l.URL)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "-- \nSent by paperboy. To stop these emails: %s\n", unsubscribe)
	return b.String()
}

// meta is a card's line of authors, upvotes and date.
func meta(c bot.Card) string {
	parts := []string{}
	if c.Authors != "" {
		parts = append(parts, c.Authors)
	}
	if c.Upvotes > 0 {
		parts = append(parts, fmt.Sprintf("▲ %d", c.Upvotes))
	}
	if c.Published != "" {
		parts = append(parts, c.Published)
	}
	return strings.Join(parts, " · ")
}

// maxWhy bounds the line that says why a paper is there, in characters.
const maxWhy = 300

// why is the card's reason for being there, as one short line.
func why(c bot.Card) string { return text.Truncate(text.CleanTitle(c.Why), maxWhy) }

// from says where a TL;DR came from: " (source: Hugging Face (model))".
func from(c bot.Card) string {
	if c.SummaryFrom == "" {
		return ""
	}
	return " (source: " + c.SummaryFrom + ")"
}

var page = template.Must(template.New("email").Funcs(template.FuncMap{"meta": meta, "from": from, "why": why}).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; max-width: 42em">
{{if .Title}}<h2>{{.Title}}</h2>{{end}}
{{if .Text}}<p style="white-space: pre-line">{{.Text}}</p>{{end}}
{{range .Cards}}<div style="margin: 1em 0">
<p style="margin: 0"><b>{{.Rank}}. {{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}</b></p>
<p style="margin: 0; color: #555">{{meta .}}</p>
{{with why .}}<p style="margin: 0.3em 0"><i>{{.}}</i></p>{{end}}
{{if .Summary}}<p style="margin: 0.3em 0"><i>TL;DR:</i> {{.Summary}}<small>{{from .}}</small></p>{{end}}
{{if .Links}}<p style="margin: 0">{{range $i, $l := .Links}}{{if $i}} · {{end}}<a href="{{$l.URL}}">{{$l.Label}}</a>{{end}}</p>{{end}}
</div>
{{end}}<hr><p style="color: #777; font-size: small">Sent by paperboy. <a href="{{.Unsubscribe}}">Stop these emails</a>.</p>
</body></html>
`))
