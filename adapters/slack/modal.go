package slack

import (
	"context"
	"strings"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

// The Ask modal: its callback id, the id of its question input (block and
// action alike), and Slack's limits on it.
const (
	askCallback   = "paperboy-ask"
	questionInput = "question"
	maxModalTitle = 24
	maxQuestion   = 400
)

// openAsk answers an "Ask" button: a modal with a box for a question about
// the button's paper. The modal keeps the channel and the button's action
// id in its private metadata, for onAskSubmit.
func (a *Adapter) openAsk(ctx context.Context, cb slackgo.InteractionCallback, to target, value string) {
	input := slackgo.NewPlainTextInputBlockElement(slackgo.NewTextBlockObject(slackgo.PlainTextType, "What did they measure?", false, false), questionInput)
	input.Multiline, input.MaxLength = true, maxQuestion
	block := slackgo.NewInputBlock(questionInput, slackgo.NewTextBlockObject(slackgo.PlainTextType, "Your question", false, false), nil, input)
	view := slackgo.ModalViewRequest{
		Type:            slackgo.VTModal,
		CallbackID:      askCallback,
		Title:           slackgo.NewTextBlockObject(slackgo.PlainTextType, "Ask about a paper", false, false),
		Submit:          slackgo.NewTextBlockObject(slackgo.PlainTextType, "Ask", false, false),
		Close:           slackgo.NewTextBlockObject(slackgo.PlainTextType, "Cancel", false, false),
		Blocks:          slackgo.Blocks{BlockSet: []slackgo.Block{block}},
		PrivateMetadata: to.channel + "\n" + value,
	}
	if _, err := a.api.OpenViewContext(ctx, cb.TriggerID, view); err != nil {
		a.log.Warn("open ask modal", "channel", to.channel, "error", err)
		a.respond(ctx, to, render(bot.ErrorReply(bot.Errorf(bot.EUNAVAILABLE,
			"Slack did not open the question box. Try /papers ask <paper> <question> instead.")), renderOpts{}))
	}
}

// onAskSubmit asks the question typed into an Ask modal about its paper and
// shows the answer to the user alone, in the channel the button was in. The
// private metadata comes back from Slack and is checked like user input.
func (a *Adapter) onAskSubmit(ctx context.Context, cb slackgo.InteractionCallback) {
	channel, value, _ := strings.Cut(cb.View.PrivateMetadata, "\n")
	to := target{channel: channel, user: cb.User.ID}
	defer bot.Recover(a.log, "slack ask form", a.apology(ctx, to))
	verb, cmd, err := bot.DecodeAction(value)
	if err == nil && verb != bot.ActionAsk {
		err = errBadButton
	}
	if err == nil {
		question := cb.View.State.Values[questionInput][questionInput].Value
		cmd, err = bot.AskAbout(cmd.Args, question)
	}
	if err != nil {
		a.respond(ctx, to, render(bot.ErrorReply(err), renderOpts{}))
		return
	}
	cmd.Platform, cmd.Channel, cmd.User = platform, channel, cb.User.ID
	a.respond(ctx, to, render(a.run(ctx, cmd), renderOpts{origin: &cmd, share: true}))
}

// isAskSubmit reports whether cb is a submitted Ask modal.
func isAskSubmit(cb slackgo.InteractionCallback) bool {
	return cb.Type == slackgo.InteractionTypeViewSubmission && cb.View.CallbackID == askCallback
}
