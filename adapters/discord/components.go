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
// about the paper, in a modal, while rows have room), "Save" and "Not for
// us" and, on the last message, "More" for the next page and "Share to
// channel". A message of one card (a day's post in its thread) has Save
// and Not for us as buttons beside the others, five in a row; a message of
// several cards, whose buttons could not all fit Discord's five rows of
// five, has them as two menus listing its cards. Buttons whose action id
// cannot be made (bot.EncodeAction) are left out, and so are card buttons
// beyond what the rows hold.
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
	menus := signalMenus(cards)
	if len(cards) == 1 {
		asks = append(asks, signalButtons(cards[0])...)
		menus = nil
	}
	// "Ask" buttons come after every TL;DR and Abstract: when the rows are
	// full, they are what is left out.
	perCard = unique(append(perCard, asks...))
	navRows := (len(nav) + maxRowLength - 1) / maxRowLength
	perCard = perCard[:min(len(perCard), max(0, maxRows-navRows-len(menus))*maxRowLength)]
	return append(append(rows(perCard), menus...), rows(nav)...)
}

// Custom ids of the Save and Not for us menus; each option's value is a
// bot.EncodeAction id of its paper's toggle.
const (
	menuSave     = "pb1-menu-save"
	menuNotForUs = "pb1-menu-notforus"
)

// menuCommands are the command each menu's options must carry.
var menuCommands = map[string]string{menuSave: bot.CmdSave, menuNotForUs: bot.CmdNotForUs}

// Discord's limits on a string select menu.
const (
	maxMenuOptions = 25
	maxOptionLabel = 100
)

// signalButtons are one card's Save and Not for us buttons.
func signalButtons(c bot.Card) []discordgo.MessageComponent {
	if c.ID == "" {
		return nil
	}
	out := appendButton(nil, "Save", discordgo.SuccessButton, bot.ActionToggle, bot.Command{Name: bot.CmdSave, Args: c.ID})
	return appendButton(out, "Not for us", discordgo.SecondaryButton, bot.ActionToggle, bot.Command{Name: bot.CmdNotForUs, Args: c.ID})
}

// signalMenus are the Save and Not for us menus of a message's cards, each
// in its own row; none for a message without cards.
func signalMenus(cards []bot.Card) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for _, m := range []struct{ id, cmd, placeholder string }{
		{menuSave, bot.CmdSave, "Save to the reading list…"},
		{menuNotForUs, bot.CmdNotForUs, "Not for us…"},
	} {
		var opts []discordgo.SelectMenuOption
		seen := map[string]bool{}
		for _, c := range cards {
			value, ok := bot.EncodeAction(bot.ActionToggle, bot.Command{Name: m.cmd, Args: c.ID})
			if c.ID == "" || !ok || seen[value] || len(opts) == maxMenuOptions {
				continue
			}
			seen[value] = true
			label := c.Title
			if c.Rank > 0 {
				label = strconv.Itoa(c.Rank) + ". " + label
			}
			opts = append(opts, discordgo.SelectMenuOption{Label: fitPlain(label, maxOptionLabel), Value: value, Description: fitPlain(c.ID, maxOptionLabel)})
		}
		if len(opts) > 0 {
			menu := discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: m.id, Placeholder: m.placeholder, MaxValues: 1, Options: opts}
			out = append(out, discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}})
		}
	}
	return out
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
