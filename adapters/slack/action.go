package slack

import (
	"cmp"
	"context"
	"errors"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

// errCannotPost is what a user sees when Share cannot post in the channel.
var errCannotPost = bot.Errorf(bot.EUNAVAILABLE, "I can't post in this channel. Invite me with /invite @paperboy, then press Share again.")

// errBadButton is what a user sees for a button that does not check out.
var errBadButton = bot.Errorf(bot.EINVALID, "That button is no longer valid; run the command again.")

// onAction answers a button press. Action ids and values come back from
// Slack as the user's client sent them, so they are checked like user input:
// a garbled one gets a polite ephemeral error and runs nothing.
func (a *Adapter) onAction(ctx context.Context, cb slackgo.InteractionCallback) {
	if cb.Type != slackgo.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	act := cb.ActionCallback.BlockActions[0]
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	to := target{responseURL: cb.ResponseURL, channel: channel, user: cb.User.ID}
	verb, cmd, err := decodeAction(act)
	if err != nil {
		a.log.Info("bad button", "action_id", act.ActionID, "user", cb.User.ID)
		a.respond(ctx, to, render(bot.ErrorReply(err), renderOpts{}))
		return
	}
	cmd.Platform, cmd.Channel, cmd.User = platform, channel, cb.User.ID
	cmd.UserName = cmp.Or(cb.User.Username, cb.User.Name)
	switch verb {
	case bot.ActionShare:
		a.share(ctx, cb, to, cmd)
		return
	case bot.ActionAsk:
		a.openAsk(ctx, cb, to, act.Value)
		return
	}
	reply := a.run(ctx, cmd)
	// "More" turns the page of an ephemeral answer in place; on a message
	// everyone sees, it shows the next page to the presser only.
	to.replace = act.ActionID == actionMore && cb.Container.IsEphemeral && !reply.Error
	a.respond(ctx, to, render(reply, renderOpts{origin: &cmd, share: true}))
}

// decodeAction checks a pressed button: a known action id, a value made by
// bot.EncodeAction, and the two agreeing with each other.
func decodeAction(act *slackgo.BlockAction) (string, bot.Command, error) {
	verb, cmd, err := bot.DecodeAction(act.Value)
	if err != nil {
		return "", bot.Command{}, err
	}
	var ok bool
	switch act.ActionID {
	case actionTLDR:
		ok = verb == bot.ActionRun && cmd.Name == bot.CmdTLDR
	case actionAbstract:
		ok = verb == bot.ActionRun && cmd.Name == bot.CmdAbstract
	case actionMore:
		ok = verb == bot.ActionRun
	case actionShare:
		ok = verb == bot.ActionShare && shareable[cmd.Name]
	case actionAsk:
		ok = verb == bot.ActionAsk
	case actionSave:
		ok = verb == bot.ActionToggle && cmd.Name == bot.CmdSave
	case actionNotForUs:
		ok = verb == bot.ActionToggle && cmd.Name == bot.CmdNotForUs
	}
	if !ok {
		return "", bot.Command{}, errBadButton
	}
	return verb, cmd, nil
}

// share runs cmd again and posts its answer in the channel for everyone,
// in the thread the button was pressed in, if any. The post carries a key
// of its own, so a retry after a 5xx never doubles it.
func (a *Adapter) share(ctx context.Context, cb slackgo.InteractionCallback, to target, cmd bot.Command) {
	reply := a.run(ctx, cmd)
	if reply.Error {
		a.respond(ctx, to, render(reply, renderOpts{}))
		return
	}
	reply = reply.SharedBy(cmp.Or(cb.User.Username, cb.User.Name))
	reply.Ephemeral = false
	id := cb.ActionCallback.BlockActions[0].ActionTs
	if id == "" {
		id = cb.TriggerID
	}
	key := "paperboy:share:" + to.channel + ":" + id
	if _, err := a.post(ctx, to.channel, cb.Container.ThreadTs, render(reply, renderOpts{}), key, nil); err != nil {
		a.log.Warn("share failed", "channel", to.channel, "error", err)
		a.respond(ctx, to, render(bot.ErrorReply(shareError(err)), renderOpts{}))
	}
}

// shareError turns a failed post into what the user can do about it.
func shareError(err error) error {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "not_in_channel", "channel_not_found", "is_archived", "restricted_action", "ekm_access_denied":
			return errCannotPost
		}
	}
	return bot.Errorf(bot.EUNAVAILABLE, "Slack did not take the message. Please try again in a minute.")
}
