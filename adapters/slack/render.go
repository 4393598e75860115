package slack

import (
	"fmt"
	"strconv"
	"strings"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
	"paperboy/bot/text"
)

// Slack's Block Kit limits (docs.slack.dev/reference/block-kit), and our own
// budget for the text of one message: Slack refuses messages whose blocks
// hold much more than 13k characters (slackapi/bolt-js#2509).
const (
	maxBlocks        = 50
	maxSectionText   = 3000
	maxHeaderText    = 150
	maxContextItems  = 10
	maxContextText   = 2000
	maxActionItems   = 25
	maxButtonValue   = 2000
	maxID            = 255
	maxFallback      = 40000
	maxMessageText   = 12000
	maxTitleLabel    = 1000 // escaped title of one card
	maxFallbackRunes = 300  // the notification text we write
)

// Action ids of the buttons. Each button's value is a bot.EncodeAction id.
const (
	actionTLDR     = "tldr"
	actionAbstract = "abstract"
	actionMore     = "more"
	actionShare    = "share"
	actionAsk      = "ask"
	actionSave     = "save"
	actionNotForUs = "not_for_us"
)

// message is one Slack message: blocks, and the text that notifications
// and screen readers use.
type message struct {
	Text   string
	Blocks []slackgo.Block
}

// renderOpts says which buttons a rendered reply gets.
type renderOpts struct {
	// origin is the command that made the reply; a "Share to channel"
	// button runs it again for everyone.
	origin *bot.Command
	// share offers "Share to channel" (on ephemeral answers only).
	share bool
}

// render turns a reply into one or more messages within every Slack limit.
// Blocks that belong together (a paper's title, details and buttons) stay in
// one message; a reply too big for one message continues in the next.
func render(r bot.Reply, o renderOpts) []message {
	var groups [][]slackgo.Block
	if r.Title != "" {
		groups = append(groups, []slackgo.Block{header(r.Title)})
	}
	for i, chunk := range pack(r.Text, maxSectionText-len(warning)) {
		text := escape(chunk)
		if i == 0 && r.Error {
			text = warning + text
		}
		if strings.TrimSpace(chunk) != "" {
			groups = append(groups, []slackgo.Block{section(text)})
		}
	}
	for i, c := range r.Cards {
		groups = append(groups, cardBlocks(i, c, o))
	}
	for _, chunk := range pack(r.Code, maxSectionText-len("```\n\n```")) {
		if strings.TrimSpace(chunk) != "" {
			groups = append(groups, []slackgo.Block{section("```\n" + codeEscaper.Replace(chunk) + "\n```")})
		}
	}
	if nav := navBlock(r, o); nav != nil {
		groups = append(groups, []slackgo.Block{nav})
	}
	fallback := fallbackText(r)
	if len(groups) == 0 {
		groups = append(groups, []slackgo.Block{section(fallback)})
	}
	msgs := paginate(groups)
	for i := range msgs {
		msgs[i].Text = fallback
		if i > 0 {
			msgs[i].Text += " (continued)"
		}
	}
	return msgs
}

// warning starts the text of an error reply.
const warning = ":warning: "

func header(title string) slackgo.Block {
	return slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, fit(title, maxHeaderText, plain), false, false))
}

func section(mrkdwn string) *slackgo.SectionBlock {
	return slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, mrkdwn, false, false), nil, nil)
}

// cardBlocks renders one paper: its title and TL;DR, its abstract when the
// reply carries it, a context line, and its buttons.
func cardBlocks(i int, c bot.Card, o renderOpts) []slackgo.Block {
	blocks := []slackgo.Block{section(cardText(c))}
	if c.Abstract != "" {
		for j, chunk := range pack(c.Abstract, maxSectionText-len("*Abstract*\n")) {
			text := escape(chunk)
			if j == 0 {
				text = "*Abstract*\n" + text
			}
			blocks = append(blocks, section(text))
		}
	}
	if ctx := cardContext(c); ctx != nil {
		blocks = append(blocks, ctx)
	}
	if act := cardActions(i, c, o); act != nil {
		blocks = append(blocks, act)
	}
	return blocks
}

// cardText is "*1. <url|Title>*", why the paper is there (in italics) and
// the TL;DR on the next lines.
func cardText(c bot.Card) string {
	rank := ""
	if c.Rank > 0 {
		rank = strconv.Itoa(c.Rank) + ". "
	}
	label := fit(c.Title, maxTitleLabel, escapeLabel)
	title := "*" + rank + label + "*"
	if c.URL != "" {
		title = "*" + rank + "<" + urlEscaper.Replace(c.URL) + "|" + label + ">*"
	}
	if why := text.CleanTitle(c.Why); why != "" {
		title += "\n_" + fit(why, maxWhy, escape) + "_"
	}
	if c.Summary == "" {
		return title
	}
	return title + "\n" + fit(c.Summary, maxSectionText-size(title)-1, escape)
}

// maxWhy bounds the line that says why a paper is there, in characters.
const maxWhy = 300

// cardContext is the small print under a paper: authors, upvotes, date,
// links, and where the TL;DR came from.
func cardContext(c bot.Card) *slackgo.ContextBlock {
	var items []string
	if c.Authors != "" {
		items = append(items, fit(c.Authors, 300, escape))
	}
	if c.Upvotes > 0 {
		items = append(items, "▲ "+strconv.Itoa(c.Upvotes))
	}
	if c.Published != "" {
		items = append(items, fit(c.Published, 40, escape))
	}
	if links := cardLinks(c.Links); links != "" {
		items = append(items, links)
	}
	if c.SummaryFrom != "" {
		items = append(items, fit("TL;DR: "+c.SummaryFrom, 300, escape))
	}
	if len(items) == 0 {
		return nil
	}
	elems := make([]slackgo.MixedElement, 0, min(len(items), maxContextItems))
	for _, it := range items[:min(len(items), maxContextItems)] {
		elems = append(elems, slackgo.NewTextBlockObject(slackgo.MarkdownType, it, false, false))
	}
	return slackgo.NewContextBlock("", elems...)
}

// cardLinks joins a card's links with " · ", as many as fit one element.
func cardLinks(links []bot.Link) string {
	var out string
	for _, l := range links {
		if l.URL == "" {
			continue
		}
		next := link(l.URL, fit(l.Label, 40, plain))
		if out != "" {
			next = out + " · " + next
		}
		if size(next) > maxContextText {
			break
		}
		out = next
	}
	return out
}

// cardActions are a paper's "TL;DR", "Abstract", "Ask", "Save" and "Not for
// us" buttons (five of an actions block's 25). A button whose command
// cannot be encoded is left out rather than made wrong.
func cardActions(i int, c bot.Card, o renderOpts) *slackgo.ActionBlock {
	if c.ID == "" {
		return nil
	}
	var elems []slackgo.BlockElement
	if o.origin == nil || o.origin.Name != bot.CmdTLDR {
		elems = appendButton(elems, actionTLDR, "TL;DR", bot.ActionRun, bot.Command{Name: bot.CmdTLDR, Args: c.ID})
	}
	if c.Abstract == "" {
		elems = appendButton(elems, actionAbstract, "Abstract", bot.ActionRun, bot.Command{Name: bot.CmdAbstract, Args: c.ID})
	}
	elems = appendButton(elems, actionAsk, "Ask", bot.ActionAsk, bot.Command{Name: bot.CmdAsk, Args: c.ID})
	elems = appendButton(elems, actionSave, "Save", bot.ActionToggle, bot.Command{Name: bot.CmdSave, Args: c.ID})
	elems = appendButton(elems, actionNotForUs, "Not for us", bot.ActionToggle, bot.Command{Name: bot.CmdNotForUs, Args: c.ID})
	if len(elems) == 0 {
		return nil
	}
	return slackgo.NewActionBlock(fmt.Sprintf("card-%d", i+1), elems...)
}

// navBlock holds "More" (the next page) and "Share to channel".
func navBlock(r bot.Reply, o renderOpts) *slackgo.ActionBlock {
	var elems []slackgo.BlockElement
	if r.Next != nil {
		elems = appendButton(elems, actionMore, "More", bot.ActionRun, *r.Next)
	}
	if o.share && o.origin != nil && !r.Error && shareable[o.origin.Name] {
		elems = appendButton(elems, actionShare, "Share to channel", bot.ActionShare, *o.origin)
	}
	if len(elems) == 0 {
		return nil
	}
	return slackgo.NewActionBlock("nav", elems...)
}

// shareable are the commands whose answers "Share to channel" can post.
var shareable = map[string]bool{bot.CmdToday: true, bot.CmdSearch: true, bot.CmdTLDR: true, bot.CmdAbstract: true,
	// Sharing runs the question again: the engine's answer cache gives the
	// same checked answer, with no second LLM call.
	bot.CmdAsk: true, bot.CmdRelated: true}

func appendButton(elems []slackgo.BlockElement, actionID, label, verb string, cmd bot.Command) []slackgo.BlockElement {
	value, ok := bot.EncodeAction(verb, bot.Command{Name: cmd.Name, Args: cmd.Args, Page: cmd.Page})
	if !ok || len(value) > maxButtonValue {
		return elems
	}
	text := slackgo.NewTextBlockObject(slackgo.PlainTextType, label, false, false)
	return append(elems, slackgo.NewButtonBlockElement(actionID, value, text))
}

// fallbackText is the message's text field: what notifications show. It is
// always set, escaped, and short.
func fallbackText(r bot.Reply) string {
	first, _, _ := strings.Cut(strings.TrimSpace(r.Text), "\n")
	for _, s := range []string{r.Title, first} {
		if strings.TrimSpace(s) != "" {
			return fit(s, maxFallbackRunes, escape)
		}
	}
	if len(r.Cards) > 0 && r.Cards[0].Title != "" {
		return fit(r.Cards[0].Title, maxFallbackRunes, escape)
	}
	return "paperboy"
}

// paginate packs groups of blocks into messages of at most maxBlocks blocks
// and maxMessageText characters. A group too big for a message of its own is
// split between its blocks.
func paginate(groups [][]slackgo.Block) []message {
	var msgs []message
	var cur []slackgo.Block
	n := 0
	add := func(g []slackgo.Block, chars int) {
		if len(cur) > 0 && (len(cur)+len(g) > maxBlocks || n+chars > maxMessageText) {
			msgs = append(msgs, message{Blocks: cur})
			cur, n = nil, 0
		}
		cur = append(cur, g...)
		n += chars
	}
	for _, g := range groups {
		chars := blocksText(g)
		if len(g) <= maxBlocks && chars <= maxMessageText {
			add(g, chars)
			continue
		}
		for _, b := range g {
			add([]slackgo.Block{b}, blocksText([]slackgo.Block{b}))
		}
	}
	if len(cur) > 0 {
		msgs = append(msgs, message{Blocks: cur})
	}
	return msgs
}

// blocksText counts the characters of text in blocks.
func blocksText(blocks []slackgo.Block) int {
	n := 0
	for _, b := range blocks {
		switch b := b.(type) {
		case *slackgo.HeaderBlock:
			n += size(b.Text.Text)
		case *slackgo.SectionBlock:
			n += size(b.Text.Text)
		case *slackgo.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slackgo.TextBlockObject); ok {
					n += size(t.Text)
				}
			}
		case *slackgo.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slackgo.ButtonBlockElement); ok {
					n += size(btn.Text.Text)
				}
			}
		}
	}
	return n
}
