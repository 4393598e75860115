package discord

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
	"paperboy/bot/text"
)

// Autocomplete bounds: Discord shows at most 25 choices of at most 100
// characters, and drops an answer that comes after 3 s.
const (
	maxChoices          = 25
	maxChoiceLen        = 100
	autocompleteTimeout = 2 * time.Second
)

// parse translates an interaction into a command: a /papers subcommand
// with its option, or a button's action id (bot.DecodeAction). Anything
// else is an EINVALID error with a message for the user.
func (a *Adapter) parse(i *discordgo.Interaction) (request, error) {
	var req request
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		text, err := commandText(i.ApplicationCommandData())
		if err != nil {
			return req, err
		}
		if req.cmd, err = bot.ParseCommand(text); err != nil {
			return req, err
		}
	case discordgo.InteractionMessageComponent:
		verb, cmd, err := decodeComponent(i.MessageComponentData())
		if err != nil {
			return req, err
		}
		req.verb, req.cmd, req.by = verb, cmd, displayName(i)
	case discordgo.InteractionModalSubmit:
		var err error
		if req, err = parseModal(i.ModalSubmitData()); err != nil {
			return req, err
		}
	default:
		return req, bot.Errorf(bot.EINVALID, "paperboy does not know what to do with that.")
	}
	req.cmd.Platform = "discord"
	req.cmd.Channel = i.ChannelID
	req.cmd.User = userID(i)
	req.cmd.UserName = displayName(i)
	req.cmd.Admin = isAdmin(i)
	req.cmd.Admins = "members with Manage Channels"
	return req, nil
}

// decodeComponent reads a pressed button's action id, or the option
// picked in a Save or Not for us menu, which must be that menu's toggle.
func decodeComponent(data discordgo.MessageComponentInteractionData) (string, bot.Command, error) {
	want, isMenu := menuCommands[data.CustomID]
	if !isMenu {
		return bot.DecodeAction(data.CustomID)
	}
	bad := bot.Errorf(bot.EINVALID, "That menu is no longer valid; run the command again.")
	if len(data.Values) != 1 {
		return "", bot.Command{}, bad
	}
	verb, cmd, err := bot.DecodeAction(data.Values[0])
	if err != nil || verb != bot.ActionToggle || cmd.Name != want {
		return "", bot.Command{}, bad
	}
	return verb, cmd, nil
}

// commandText turns /papers <sub> [value] into the text bot.ParseCommand
// reads.
func commandText(data discordgo.ApplicationCommandInteractionData) (string, error) {
	if data.Name != commandName || len(data.Options) != 1 || data.Options[0] == nil || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "", bot.Errorf(bot.EINVALID, "Unknown command. Try /papers help.")
	}
	sub := data.Options[0]
	parts := []string{sub.Name}
	for _, o := range sub.Options {
		if o == nil || o.Type != discordgo.ApplicationCommandOptionString {
			continue
		}
		v, ok := optionString(o)
		if !ok {
			return "", bot.Errorf(bot.EINVALID, "The %s option must be text. Try /papers help.", optionName(o))
		}
		parts = append(parts, strings.TrimSpace(v))
	}
	return strings.Join(parts, " "), nil
}

// optionString reads a string option by the type of its value: a request
// may carry a number, a boolean or nothing where the option's type says
// text, and discordgo's StringValue panics on those.
func optionString(o *discordgo.ApplicationCommandInteractionDataOption) (string, bool) {
	if o == nil {
		return "", false
	}
	s, ok := o.Value.(string)
	return s, ok
}

// optionName is o's name as a user may see it: printable, and short.
func optionName(o *discordgo.ApplicationCommandInteractionDataOption) string {
	if n := text.Truncate(o.Name, 32); n != "" && !strings.ContainsAny(n, "`*_~|<>@\n") {
		return "`" + n + "`"
	}
	return "given"
}

// userID is the id of the user who sent an interaction, in a server or a DM.
func userID(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// displayName is how the user who sent an interaction shows in the server:
// their nickname there, else their display name, else their username.
func displayName(i *discordgo.Interaction) string {
	var u *discordgo.User
	nick := ""
	switch {
	case i.Member != nil && i.Member.User != nil:
		u, nick = i.Member.User, i.Member.Nick
	case i.User != nil:
		u = i.User
	default:
		return ""
	}
	return cmp.Or(nick, u.GlobalName, u.Username)
}

// isAdmin reports whether the member may change the channel's
// subscription: Discord puts the member's permissions in the channel into
// every interaction from a server. In a DM nobody is an admin.
func isAdmin(i *discordgo.Interaction) bool {
	return i.Member != nil && i.Member.Permissions&adminPermissions != 0
}

// autocomplete offers papers for /papers tldr: the latest batch while the
// user has typed nothing, a search for what they typed after that. It
// answers within autocompleteTimeout, with no choices if need be.
func (a *Adapter) autocomplete(ctx context.Context, i *discordgo.Interaction) response {
	resp := response{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &choices{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	typed, ok := focused(i.ApplicationCommandData())
	if !ok {
		return resp
	}
	cmd := bot.Command{Name: bot.CmdToday}
	if typed = strings.TrimSpace(typed); typed != "" {
		cmd = bot.Command{Name: bot.CmdSearch, Args: typed}
	}
	cmd.Platform, cmd.Channel, cmd.User = "discord", i.ChannelID, userID(i)
	actx, cancel := context.WithTimeout(ctx, autocompleteTimeout)
	defer cancel()
	done := make(chan bot.Reply, 1)
	if !a.goTrack(func() { done <- bot.Answer(actx, a.h, cmd, a.cfg.ReplyTimeout, a.log) }) {
		return resp
	}
	select {
	case r := <-done:
		resp.Data = &choices{Choices: paperChoices(r.Cards)}
	case <-actx.Done():
		a.log.Debug("autocomplete timed out", "query_len", len(typed))
	}
	return resp
}

// focused returns what the user has typed in the option being completed.
func focused(data discordgo.ApplicationCommandInteractionData) (string, bool) {
	if len(data.Options) != 1 || data.Options[0] == nil {
		return "", false
	}
	for _, o := range data.Options[0].Options {
		if o != nil && o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			return optionString(o)
		}
	}
	return "", false
}

// paperChoices turns cards into choices "title (id)" whose value is the id.
func paperChoices(cards []bot.Card) []*discordgo.ApplicationCommandOptionChoice {
	out := []*discordgo.ApplicationCommandOptionChoice{}
	seen := make(map[string]bool)
	for _, c := range cards {
		suffix := " (" + c.ID + ")"
		if c.ID == "" || seen[c.ID] || size(c.ID) > maxChoiceLen || size(suffix) >= maxChoiceLen {
			continue
		}
		seen[c.ID] = true
		name := fitPlain(c.Title, maxChoiceLen-size(suffix)) + suffix
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: c.ID})
		if len(out) == maxChoices {
			break
		}
	}
	return out
}
