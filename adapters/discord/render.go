package discord

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
	"paperboy/bot/text"
)

// Discord's limits on a message, in characters
// (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxEmbedTotal  = 6000
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxAuthor      = 256
	maxURL         = 2048
)

// Budgets of our own, inside Discord's limits, so that one card's embed
// with a post's key (maxKey) can never pass maxEmbedTotal:
// title 256 + description 3600 + author 256 + footer 256 + fields 1024+90
// + key 210 = 5692 < 6000.
const (
	maxSummary         = 1000 // a TL;DR is one sentence; this is a guard
	maxCardDescription = 3600 // the engine's abstracts are at most 3000
	maxCardFooter      = 256
	maxKey             = 200 // the longest Post.Key, in bytes
)

// colour is the embeds' accent colour (Hugging Face yellow).
const colour = 0xFFD21E

// allowedMentions is the allowed_mentions object. Parse is always an empty
// list, never null: no message of paperboy's may ping anyone.
type allowedMentions struct {
	Parse []string `json:"parse"`
}

// noMentions allows no mentions at all.
func noMentions() allowedMentions { return allowedMentions{Parse: []string{}} }

// message is the JSON body paperboy sends for a message: a channel
// message, the data of an interaction response, a webhook edit or a
// follow-up. Nonce and EnforceNonce are for channel messages only.
type message struct {
	Content         string                       `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Components      []discordgo.MessageComponent `json:"components,omitempty"`
	AllowedMentions allowedMentions              `json:"allowed_mentions"`
	Flags           discordgo.MessageFlags       `json:"flags,omitempty"`
	Nonce           string                       `json:"nonce,omitempty"`
	EnforceNonce    bool                         `json:"enforce_nonce,omitempty"`
}

// view says how a reply is shown.
type view struct {
	// ephemeral shows the messages to the asking user only.
	ephemeral bool
	// share, when set, adds a "Share to channel" button that runs it.
	share *bot.Command
	// key marks every message as a post's, for Find (see mark).
	key string
}

// renderReply turns a reply into the messages that show it, in order, each
// within every Discord limit. It always returns at least one message.
func renderReply(r bot.Reply, v view) []message {
	var msgs []message
	var cards [][]bot.Card // the cards shown in each message
	switch {
	case r.Code != "" && !r.Error:
		msgs, cards = []message{{Content: headerText(r), Embeds: []*discordgo.MessageEmbed{codeEmbed(r.Code)}}}, [][]bot.Card{nil}
	case v.key == "" && (r.Error || (r.Title == "" && len(r.Cards) == 0)):
		msgs, cards = []message{{Content: contentText(r)}}, [][]bot.Card{nil}
	default:
		// A key goes into a footer at worst (mark): keep room for it.
		msgs, cards = packEmbeds(r, maxEmbedTotal-size(markRef(v.key))-3)
	}
	for i := range msgs {
		msgs[i].Components = buttons(cards[i], r, v, i == len(msgs)-1)
		msgs[i].AllowedMentions = noMentions()
		if v.ephemeral {
			msgs[i].Flags = discordgo.MessageFlagsEphemeral
		}
		if v.key != "" {
			mark(&msgs[i], v.key)
		}
	}
	return msgs
}

// codeEmbed shows preformatted text (bot.Reply.Code) as a code block, as
// it is: only a fence inside it is broken, with a zero-width space, so it
// cannot end the block.
func codeEmbed(code string) *discordgo.MessageEmbed {
	code = strings.ReplaceAll(text.Truncate(code, maxDescription-20), "```", "`\u200b``")
	return &discordgo.MessageEmbed{Description: "```\n" + code + "\n```", Color: colour}
}

// contentText is the message text of a reply shown without embeds.
func contentText(r bot.Reply) string {
	text := r.Text
	if text == "" {
		text = "Nothing to show."
	}
	return fitMarkdown(text, maxContent)
}

// packEmbeds renders the reply's cards as embeds and packs them, in order,
// into as few messages as the limits allow; the title and text go into the
// first message's content, so that a page of ten cards fits in one
// message. A reply without cards shows its title and text in an embed
// instead, which can carry a post's key. It also returns the cards each
// message shows, for their buttons.
func packEmbeds(r bot.Reply, limit int) ([]message, [][]bot.Card) {
	if len(r.Cards) == 0 {
		return []message{{Embeds: []*discordgo.MessageEmbed{headerEmbed(r)}}}, [][]bot.Card{nil}
	}
	msgs := []message{{Content: headerText(r)}}
	cards := [][]bot.Card{nil}
	total := 0
	for _, c := range r.Cards {
		e := cardEmbed(c)
		n := embedSize(e)
		if last := len(msgs) - 1; len(msgs[last].Embeds) == maxEmbeds || (len(msgs[last].Embeds) > 0 && total+n > limit) {
			msgs = append(msgs, message{})
			cards = append(cards, nil)
			total = 0
		}
		last := len(msgs) - 1
		msgs[last].Embeds = append(msgs[last].Embeds, e)
		cards[last] = append(cards[last], c)
		total += n
	}
	return msgs, cards
}

// headerText is the title (bold) and text of a reply, as message content.
func headerText(r bot.Reply) string {
	title := fitMarkdown(r.Title, maxTitle)
	if title != "" {
		title = "**" + title + "**"
	}
	if r.Text == "" {
		return title
	}
	if title == "" {
		return fitMarkdown(r.Text, maxContent)
	}
	return title + "\n" + fitMarkdown(r.Text, maxContent-size(title)-1)
}

// headerEmbed shows the reply's title and text.
func headerEmbed(r bot.Reply) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title:       fitMarkdown(r.Title, maxTitle),
		Description: fitMarkdown(r.Text, maxDescription),
		Color:       colour,
	}
	if e.Title == "" && e.Description == "" {
		e.Description = "Nothing to show."
	}
	return e
}

// cardEmbed shows one paper: its title linked to its page, authors,
// upvotes, date, links, TL;DR or abstract, and a footer with its id and
// where the TL;DR came from.
func cardEmbed(c bot.Card) *discordgo.MessageEmbed {
	title := c.Title
	if c.Rank > 0 {
		title = strconv.Itoa(c.Rank) + ". " + title
	}
	e := &discordgo.MessageEmbed{
		Title:       fitMarkdown(title, maxTitle),
		URL:         bot.SafeURL(c.URL),
		Description: cardDescription(c),
		Color:       colour,
		Fields:      cardFields(c),
	}
	if a := fitPlain(c.Authors, maxAuthor); a != "" {
		e.Author = &discordgo.MessageEmbedAuthor{Name: a}
	}
	if t := bot.SafeURL(c.Thumbnail); t != "" {
		e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: t}
	}
	if f := cardFooter(c); f != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: f}
	}
	return e
}

// maxWhy bounds the line that says why a paper is there.
const maxWhy = 300

// cardDescription is why the paper is there (in italics), the TL;DR, the
// abstract, or all of them.
func cardDescription(c bot.Card) string {
	var parts []string
	if why := text.CleanTitle(c.Why); why != "" {
		parts = append(parts, "*"+fitMarkdown(why, maxWhy)+"*")
	}
	if c.Summary != "" {
		parts = append(parts, "**TL;DR** "+fitMarkdown(c.Summary, maxSummary))
	}
	if c.Abstract != "" {
		used := 0
		for _, p := range parts {
			used += size(p) + 2
		}
		parts = append(parts, fitMarkdown(c.Abstract, maxCardDescription-used))
	}
	return strings.Join(parts, "\n\n")
}

// cardFields are the upvotes, the date and the links.
func cardFields(c bot.Card) []*discordgo.MessageEmbedField {
	var fields []*discordgo.MessageEmbedField
	if c.Upvotes > 0 {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Upvotes", Value: "▲ " + strconv.Itoa(c.Upvotes), Inline: true})
	}
	if c.Published != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Published", Value: fitMarkdown(c.Published, 64), Inline: true})
	}
	if links := linkList(c.Links); links != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Links", Value: links})
	}
	return fields
}

// linkList renders links as masked links, as many as fit in a field.
func linkList(links []bot.Link) string {
	var out []string
	n := 0
	for _, l := range links {
		u := bot.SafeURL(l.URL)
		label := fitMarkdown(strings.Map(labelRune, l.Label), 40)
		if u == "" || label == "" {
			continue
		}
		s := "[" + label + "](" + linkTarget(u) + ")"
		if n+size(s)+3 > maxFieldValue {
			break
		}
		out = append(out, s)
		n += size(s) + 3
	}
	return strings.Join(out, " · ")
}

// labelRune keeps the letters, digits, spaces and dots of a link label:
// nothing that could end the masked link or start another.
func labelRune(r rune) rune {
	if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '.' {
		return r
	}
	return -1
}

// linkTarget escapes the characters that would end a masked link's URL.
func linkTarget(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29").Replace(u)
}

// cardFooter names the paper and where its TL;DR came from.
func cardFooter(c bot.Card) string {
	var parts []string
	if c.ID != "" {
		parts = append(parts, c.ID)
	}
	if c.Summary != "" && c.SummaryFrom != "" {
		parts = append(parts, "TL;DR: "+c.SummaryFrom)
	}
	return fitPlain(strings.Join(parts, " · "), maxCardFooter)
}

// embedSize is what an embed counts towards maxEmbedTotal.
func embedSize(e *discordgo.MessageEmbed) int {
	n := size(e.Title) + size(e.Description)
	for _, f := range e.Fields {
		n += size(f.Name) + size(f.Value)
	}
	if e.Footer != nil {
		n += size(e.Footer.Text)
	}
	if e.Author != nil {
		n += size(e.Author.Name)
	}
	return n
}

// markerPrefix starts the URL fragment that carries a post's key.
const markerPrefix = "paperboy-key="

// mark makes a message findable by its post's key (see Find): the key goes
// into the first embed's URL fragment, where readers do not see it, or,
// when that embed has no URL, at the end of its footer as "ref <key>".
func mark(m *message, key string) {
	if len(m.Embeds) == 0 {
		return
	}
	e := m.Embeds[0]
	if u, err := url.Parse(e.URL); err == nil && e.URL != "" {
		u.Fragment = markerPrefix + key
		if s := u.String(); len(s) <= maxURL {
			e.URL = s
			return
		}
	}
	ref := markRef(key)
	if e.Footer == nil || e.Footer.Text == "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: ref}
		return
	}
	e.Footer.Text = fitPlain(e.Footer.Text, maxFooter-size(ref)-3) + " · " + ref
}

// markRef is how a footer names a post's key.
func markRef(key string) string {
	if key == "" {
		return ""
	}
	return "ref " + key
}

// marked reports whether an embed carries key (see mark).
func marked(e *discordgo.MessageEmbed, key string) bool {
	if u, err := url.Parse(e.URL); err == nil && e.URL != "" && u.Fragment == markerPrefix+key {
		return true
	}
	if e.Footer == nil {
		return false
	}
	ref := markRef(key)
	return e.Footer.Text == ref || strings.HasSuffix(e.Footer.Text, " · "+ref)
}
