package discord

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

// commandName is the one slash command paperboy registers.
const commandName = "papers"

// Option names of the subcommands.
const (
	optDate     = "date"
	optQuery    = "query"
	optPaper    = "paper"
	optPeriod   = "period"
	optQuestion = "question"
	optPage     = "page"
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
			sub(bot.CmdTop, "The best papers of the week or month, by upvotes",
				periodOption(),
				str(optDate, "A day in the period, YYYY-MM-DD (default: today)", false, false, 10)),
			sub(bot.CmdAsk, "Ask the stored papers a question; start with an arXiv id or link to ask that paper",
				str(optQuestion, "A question, e.g. which papers this week use self-play?", true, false, bot.MaxQuestionLen)),
			sub(bot.CmdRelated, "Papers like the one you name",
				str(optPaper, "An arXiv id or link (start typing to pick a recent paper)", true, true, 200)),
			sub(bot.CmdSave, "Save a paper to this channel's reading list (or press Save on a paper)",
				str(optPaper, "An arXiv id or link (start typing to pick a recent paper)", true, true, 200)),
			sub(bot.CmdUnsave, "Take a paper off this channel's reading list",
				str(optPaper, "An arXiv id or link", true, true, 200)),
			sub(bot.CmdSaved, "This channel's reading list, newest first, with who saved each",
				str(optPage, "A page number, or bibtex for the list as BibTeX", false, false, 20)),
			sub(bot.CmdSubscribe, "Post the daily papers in this channel (needs Manage Channels)"),
			sub(bot.CmdUnsubscribe, "Stop the daily papers in this channel (needs Manage Channels)"),
			sub(bot.CmdStatus, "This channel's subscription and the last delivery"),
			sub(bot.CmdHelp, "What paperboy can do"),
		},
	}}
}

// periodOption is the period of /papers top: a choice of week or month.
func periodOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: optPeriod, Description: "week (default) or month",
		Choices: []*discordgo.ApplicationCommandOptionChoice{
			{Name: bot.PeriodWeek, Value: bot.PeriodWeek}, {Name: bot.PeriodMonth, Value: bot.PeriodMonth},
		},
	}
}

// RegisterCommands registers /papers globally and in each of
// Config.GuildIDs, overwriting what was registered before, so running it
// again changes nothing. Every scope is tried even when another failed;
// the error, a *RegisterError, names each failure in one line.
func (a *Adapter) RegisterCommands(ctx context.Context) error {
	cmds := commands()
	var failed RegisterError
	for _, guild := range append([]string{""}, a.cfg.GuildIDs...) {
		err := a.call(ctx, scopeName(guild), "", func(opts ...discordgo.RequestOption) error {
			_, err := a.session.ApplicationCommandBulkOverwrite(a.cfg.ApplicationID, guild, cmds, opts...)
			return err
		})
		if err != nil {
			failed.Errs = append(failed.Errs, err)
			failed.global = failed.global || guild == ""
		}
	}
	if len(failed.Errs) > 0 {
		return &failed
	}
	a.log.Info("registered /papers", "guilds", len(a.cfg.GuildIDs))
	return nil
}

// scopeName says where a registration goes, for errors.
func scopeName(guild string) string {
	if guild == "" {
		return "register /papers globally"
	}
	return "register /papers in guild " + guild
}

// RegisterError is a registration that failed in one or more scopes.
type RegisterError struct {
	Errs   []error // one per failed scope, in order
	global bool    // the first of Errs is the global registration's
}

// Error joins the failures in one line.
func (e *RegisterError) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap gives the failures to errors.Is and errors.As.
func (e *RegisterError) Unwrap() []error { return e.Errs }

// registerAtStart registers the commands, failing only when Discord
// refuses the bot's token (401) or the application (403 on the global
// commands). Other failures are logged in one line that says whether any
// /papers is registered at all (from an earlier start, or in the scopes
// that worked this time).
func (a *Adapter) registerAtStart(ctx context.Context) error {
	err := a.RegisterCommands(ctx)
	if err == nil || ctx.Err() != nil {
		return nil
	}
	var re *RegisterError
	if errors.As(err, &re) && re.global && (statusOf(re.Errs[0]) == http.StatusUnauthorized || statusOf(re.Errs[0]) == http.StatusForbidden) {
		return err
	}
	switch registered, cerr := a.anyRegistered(ctx); {
	case cerr != nil:
		a.log.Warn("register commands failed", "error", err)
	case registered:
		a.log.Warn("register commands failed; the /papers registered before still works", "error", err)
	default:
		a.log.Warn("register commands failed; no commands are registered, so /papers does not appear in Discord", "error", err)
	}
	return nil
}

// anyRegistered reports whether /papers is registered globally or in any of
// Config.GuildIDs.
func (a *Adapter) anyRegistered(ctx context.Context) (bool, error) {
	for _, guild := range append([]string{""}, a.cfg.GuildIDs...) {
		var cmds []*discordgo.ApplicationCommand
		err := a.call(ctx, "list commands", "", func(opts ...discordgo.RequestOption) error {
			var err error
			cmds, err = a.session.ApplicationCommands(a.cfg.ApplicationID, guild, opts...)
			return err
		})
		if err != nil {
			return false, err
		}
		for _, c := range cmds {
			if c.Name == commandName {
				return true, nil
			}
		}
	}
	return false, nil
}
