package discord

import (
	"strconv"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

// Discord's limits on components.
const (
	maxRows      = 5
	maxRowLength = 5
)

// buttons returns the action rows of one message: "TL;DR" and "Abstract"
// for each of its cards that does not show them yet, "Ask" (a question
// about the paper, in a modal, while rows have room) and, on the last
// message, "More" for the next page and "Share to channel". Buttons whose
// action id cannot be made (bot.EncodeAction) are left out, and so are
// card buttons beyond what five rows hold.
func buttons(cards []bot.Card, r bot.Reply, v view, last bool) []discordgo.MessageComponent {
	var nav []discordgo.MessageComponent
	if last && r.Next != nil {
		nav = appendButton(nav, "More", discordgo.PrimaryButton, bot.ActionRun, *r.Next)
	}
	if last && v.share != nil && len(r.Cards) > 0 {
		nav = appendButton(nav, "Share to channel", discordgo.SecondaryButton, bot.ActionShare, *v.share)
	}
	var perCard, asks []discordgo.MessageComponent
	for _, c := range cards {
		if c.ID == "" {
			continue
		}
		label := func(s string) string {
			if c.Rank > 0 && len(r.Cards) > 1 {
				return s + " #" + strconv.Itoa(c.Rank)
			}
			return s
		}
		if c.Summary == "" {
			perCard = appendButton(perCard, label("TL;DR"), discordgo.SecondaryButton, bot.ActionRun, bot.Command{Name: bot.CmdTLDR, Args: c.ID})
		}
		if c.Abstract == "" {
			perCard = appendButton(perCard, label("Abstract"), discordgo.SecondaryButton, bot.ActionRun, bot.Command{Name: bot.CmdAbstract, Args: c.ID})
		}
		asks = appendButton(asks, label("Ask"), discordgo.SecondaryButton, bot.ActionAsk, bot.Command{Name: bot.CmdAsk, Args: c.ID})
	}
	// "Ask" buttons come after every TL;DR and Abstract: when the rows are
	// full, they are what is left out.
	perCard = unique(append(perCard, asks...))
	navRows := (len(nav) + maxRowLength - 1) / maxRowLength
	perCard = perCard[:min(len(perCard), (maxRows-navRows)*maxRowLength)]
	return append(rows(perCard), rows(nav)...)
}

// appendButton adds a button that runs cmd, when its action id can be made.
func appendButton(list []discordgo.MessageComponent, label string, style discordgo.ButtonStyle, verb string, cmd bot.Command) []discordgo.MessageComponent {
	id, ok := bot.EncodeAction(verb, cmd)
	if !ok {
		return list
	}
	return append(list, discordgo.Button{Label: fitPlain(label, 80), Style: style, CustomID: id})
}

// unique drops buttons whose custom id came before (a paper listed twice):
// Discord rejects a message with duplicate custom ids.
func unique(list []discordgo.MessageComponent) []discordgo.MessageComponent {
	seen := make(map[string]bool, len(list))
	out := list[:0:0]
	for _, c := range list {
		if b, ok := c.(discordgo.Button); ok {
			if seen[b.CustomID] {
				continue
			}
			seen[b.CustomID] = true
		}
		out = append(out, c)
	}
	return out
}

// rows packs buttons into action rows of at most maxRowLength.
func rows(list []discordgo.MessageComponent) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for len(list) > 0 {
		n := min(len(list), maxRowLength)
		out = append(out, discordgo.ActionsRow{Components: list[:n]})
		list = list[n:]
	}
	return out
}
