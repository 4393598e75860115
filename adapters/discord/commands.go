package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

// commandName is the one slash command paperboy registers.
const commandName = "papers"

// Option names of the subcommands.
const (
	optDate  = "date"
	optQuery = "query"
	optPaper = "paper"
)

// adminPermissions are the permissions that make a member an admin of the
// channel's subscription: Manage Channels, or Administrator, which implies it.
const adminPermissions = discordgo.PermissionManageChannels | discordgo.PermissionAdministrator

// commands returns the definition of /papers and its subcommands.
//
// Discord sets default_member_permissions per command, not per subcommand:
// setting Manage Channels on /papers would hide search and TL;DR from every
// member without it. So /papers is open to all, and subscribe and
// unsubscribe are checked against the member's permissions in each
// interaction (Command.Admin), which is the check that cannot be bypassed.
func commands() []*discordgo.ApplicationCommand {
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
	}
	str := func(name, desc string, required, autocomplete bool, maxLen int) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc,
			Required: required, Autocomplete: autocomplete, MaxLength: maxLen,
		}
	}
	return []*discordgo.ApplicationCommand{{
		Type:        discordgo.ChatApplicationCommand,
		Name:        commandName,
		Description: "The day's machine-learning papers: today's list, search, one-line TL;DRs",
		Options: []*discordgo.ApplicationCommandOption{
			sub(bot.CmdToday, "The day's papers, most upvoted first",
				str(optDate, "A day as YYYY-MM-DD (default: today)", false, false, 10)),
			sub(bot.CmdSearch, "Search every stored paper",
				str(optQuery, "Words, an arXiv id or a paper link", true, false, bot.MaxQueryLen)),
			sub(bot.CmdTLDR, "A one-line summary of a paper, with where it came from",
				str(optPaper, "An arXiv id or link (start typing to pick a recent paper)", true, true, 200)),
			sub(bot.CmdSubscribe, "Post the daily papers in this channel (needs Manage Channels)"),
			sub(bot.CmdUnsubscribe, "Stop the daily papers in this channel (needs Manage Channels)"),
			sub(bot.CmdStatus, "This channel's subscription and the last delivery"),
			sub(bot.CmdHelp, "What paperboy can do"),
		},
	}}
}

// RegisterCommands registers /papers globally and in each of
// Config.GuildIDs, overwriting what was registered before, so running it
// again changes nothing.
func (a *Adapter) RegisterCommands(ctx context.Context) error {
	cmds := commands()
	for _, guild := range append([]string{""}, a.cfg.GuildIDs...) {
		err := a.call(ctx, "register commands", "", func(opts ...discordgo.RequestOption) error {
			_, err := a.session.ApplicationCommandBulkOverwrite(a.cfg.ApplicationID, guild, cmds, opts...)
			return err
		})
		if err != nil {
			if guild != "" {
				return fmt.Errorf("guild %s: %w", guild, err)
			}
			return err
		}
	}
	a.log.Info("registered /papers", "guilds", len(a.cfg.GuildIDs))
	return nil
}
