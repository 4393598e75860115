package slack

import (
	"context"
	"strings"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

// platform is bot.Command.Platform for Slack.
const platform = "slack"

// slashText undoes the HTML escaping Slack applies to command text.
var slashText = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// onSlash answers a /papers command. It runs after the request was
// acknowledged, and always ends with a message to the user.
func (a *Adapter) onSlash(ctx context.Context, sc slackgo.SlashCommand) {
	to := target{responseURL: sc.ResponseURL, channel: sc.ChannelID, user: sc.UserID}
	cmd, err := a.command(ctx, sc.Text, sc.ChannelID, sc.UserID)
	if err != nil {
		a.respond(ctx, to, render(helpReply(err), renderOpts{}))
		return
	}
	cmd.UserName = sc.UserName
	reply := a.run(ctx, cmd)
	a.respond(ctx, to, render(reply, renderOpts{origin: &cmd, share: true}))
}

// command parses the text of a slash command into a bot.Command from this
// channel and user. Only subscribe and unsubscribe ask whether the user is
// an admin, as only they need it.
func (a *Adapter) command(ctx context.Context, text, channel, user string) (bot.Command, error) {
	cmd, err := bot.ParseCommand(slashText.Replace(text))
	if err != nil {
		return bot.Command{}, err
	}
	cmd.Platform, cmd.Channel, cmd.User, cmd.Admins = platform, channel, user, admins
	if cmd.Name == bot.CmdSubscribe || cmd.Name == bot.CmdUnsubscribe {
		cmd.Admin = a.isAdmin(ctx, user)
	}
	return cmd, nil
}

// admins says who isAdmin lets change subscriptions, for the refusal.
const admins = "workspace admins and owners, and the users listed in slack.admins,"

// helpReply is the help, under the message saying what was wrong.
func helpReply(err error) bot.Reply {
	r := bot.Help()
	r.Text = bot.ErrorMessage(err) + "\n\n" + r.Text
	r.Error = true
	return r
}

// isAdmin reports whether user may change subscriptions: a user listed in
// Config.Admins, or a workspace admin or owner according to users.info.
// When Slack cannot say, the answer is no.
func (a *Adapter) isAdmin(ctx context.Context, user string) bool {
	if user == "" {
		return false
	}
	if a.admins[user] {
		return true
	}
	var u *slackgo.User
	err := a.retry(ctx, true, func() (err error) {
		u, err = a.api.GetUserInfoContext(ctx, user)
		return err
	})
	if err != nil {
		a.log.Warn("users.info failed; treating user as no admin", "user", user, "error", err)
		return false
	}
	return u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
}

// run asks the Handler for the reply to cmd under bot.Answer's policy,
// within ReplyTimeout.
func (a *Adapter) run(ctx context.Context, cmd bot.Command) bot.Reply {
	return bot.Answer(ctx, a.h, cmd, a.cfg.ReplyTimeout, a.log)
}
