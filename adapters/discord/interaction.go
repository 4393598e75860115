package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

// interactionDeadline is how long Discord waits for the first response.
const interactionDeadline = 3 * time.Second

// response is an interaction response. Data is a *message, *choices or nil.
type response struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data any                               `json:"data,omitempty"`
}

// choices is the data of an autocomplete response.
type choices struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// ackFunc sends the first response to an interaction: a REST callback in
// gateway mode, the HTTP response in HTTP mode. It returns once Discord has
// it (as far as can be known), so edits and follow-ups may come after.
type ackFunc func(ctx context.Context, resp response) error

// request is what an interaction asks for: a command, and for a button
// its verb (bot.ActionRun or bot.ActionShare; "" for a slash command) and
// the name of who pressed it, shown on what they share.
type request struct {
	cmd  bot.Command
	verb string
	by   string
}

// serve answers one interaction, calling ack exactly once. A panic while
// answering (bot.Recover) is answered with "Internal error." when nothing
// was sent yet.
func (a *Adapter) serve(ctx context.Context, i *discordgo.Interaction, ack ackFunc) {
	acked := false
	once := func(ctx context.Context, resp response) error {
		acked = true
		return ack(ctx, resp)
	}
	defer bot.Recover(a.log, "discord interaction", func() {
		if !acked {
			a.ack(ctx, i, ack, messageResponse(a.render(request{}, bot.ErrorReply(errInternal))[0]))
		}
	})
	a.dispatch(ctx, i, once)
}

// errInternal is what a user sees when answering them panicked.
var errInternal = bot.Errorf(bot.EINTERNAL, "Internal error.")

// dispatch answers one interaction by its type.
func (a *Adapter) dispatch(ctx context.Context, i *discordgo.Interaction, ack ackFunc) {
	switch i.Type {
	case discordgo.InteractionPing:
		a.ack(ctx, i, ack, response{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommandAutocomplete:
		a.ack(ctx, i, ack, a.autocomplete(ctx, i))
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		if m, ok := askModal(i); ok { // an "Ask" button opens a question box
			a.ack(ctx, i, ack, m)
			return
		}
		a.answer(ctx, i, ack)
	default:
		err := bot.Errorf(bot.EINVALID, "paperboy does not know what to do with that.")
		a.ack(ctx, i, ack, messageResponse(a.render(request{}, bot.ErrorReply(err))[0]))
	}
}

// ack sends the first response and logs a failure.
func (a *Adapter) ack(ctx context.Context, i *discordgo.Interaction, ack ackFunc, resp response) bool {
	if err := ack(ctx, resp); err != nil {
		a.log.Warn("answer interaction", "interaction_id", i.ID, "error", err)
		return false
	}
	return true
}

// messageResponse shows m as the interaction's reply.
func messageResponse(m message) response {
	return response{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &m}
}

// answer runs a command or button. It replies directly when the answer
// comes within DeferAfter; otherwise it defers, then edits the deferred reply
// with the answer, which bot.Answer makes an apology once ReplyTimeout has
// passed.
func (a *Adapter) answer(ctx context.Context, i *discordgo.Interaction, ack ackFunc) {
	req, err := a.parse(i)
	if err != nil {
		a.ack(ctx, i, ack, messageResponse(a.render(req, bot.ErrorReply(err))[0]))
		return
	}
	done := make(chan bot.Reply, 1)
	if !a.goTrack(func() { done <- bot.Answer(ctx, a.h, req.cmd, a.cfg.ReplyTimeout, a.log) }) {
		done <- bot.ErrorReply(bot.Errorf(bot.EUNAVAILABLE, "paperboy is restarting; please try again in a minute."))
	}
	timer := time.NewTimer(a.cfg.DeferAfter)
	defer timer.Stop()
	select {
	case r := <-done:
		msgs := a.render(req, r)
		if a.ack(ctx, i, ack, messageResponse(msgs[0])) {
			a.followUp(ctx, i, msgs[1:])
		}
	case <-timer.C:
		a.deferred(ctx, i, req, done, ack)
	}
}

// deferred sends a deferred response, waits for the answer and shows it.
func (a *Adapter) deferred(ctx context.Context, i *discordgo.Interaction, req request, done <-chan bot.Reply, ack ackFunc) {
	ephemeral := expectEphemeral(req)
	wait := &message{AllowedMentions: noMentions()}
	if ephemeral {
		wait.Flags = discordgo.MessageFlagsEphemeral
	}
	if !a.ack(ctx, i, ack, response{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: wait}) {
		return
	}
	a.finish(ctx, i, ephemeral, a.render(req, <-done))
}

// expectEphemeral guesses, before the answer exists, whether it will be
// ephemeral: the deferred "thinking…" message must be made one way or the
// other. A wrong guess is repaired by finish.
func expectEphemeral(req request) bool {
	switch {
	case req.verb == bot.ActionRun:
		return true
	case req.verb == bot.ActionShare:
		return false
	default:
		return req.cmd.Name != bot.CmdToday
	}
}

// render shows a reply to an interaction. Errors are always ephemeral; a
// button's answer is for the presser alone, except "Share to channel",
// which is for everyone; an ephemeral search gets a "Share" button.
func (a *Adapter) render(req request, r bot.Reply) []message {
	v := view{ephemeral: r.Ephemeral || r.Error}
	switch req.verb {
	case bot.ActionRun:
		v.ephemeral = true
	case bot.ActionShare:
		v.ephemeral = r.Error
		if !r.Error {
			r = r.SharedBy(req.by)
		}
	}
	if shareable[req.cmd.Name] && v.ephemeral && req.verb != bot.ActionShare {
		share := bot.Command{Name: req.cmd.Name, Args: req.cmd.Args, Page: req.cmd.Page}
		v.share = &share
	}
	return renderReply(r, v)
}

// shareable are the commands whose ephemeral answers get a "Share" button.
// Sharing runs the command again; an answer to a question comes from the
// engine's answer cache, with no second LLM call.
var shareable = map[string]bool{bot.CmdSearch: true, bot.CmdAsk: true, bot.CmdRelated: true}

// finish shows the answer of a deferred interaction: it edits the deferred
// message and sends the rest as follow-ups. When the answer's visibility
// differs from the deferred message's (a public "thinking…" that ends in an
// error), it deletes the deferred message and sends everything as
// follow-ups instead, since an edit cannot change the visibility.
func (a *Adapter) finish(ctx context.Context, i *discordgo.Interaction, ephemeral bool, msgs []message) {
	endpoint := discordgo.EndpointWebhookMessage(a.cfg.ApplicationID, i.Token, "@original")
	bucket := tokenBucket("webhook", i.Token)
	if (msgs[0].Flags&discordgo.MessageFlagsEphemeral != 0) == ephemeral {
		edit := msgs[0]
		edit.Flags = 0 // an edit keeps the message's flags
		err := a.call(ctx, "edit response", i.Token, func(opts ...discordgo.RequestOption) error {
			_, err := a.session.RequestWithBucketID("PATCH", endpoint, edit, bucket, opts...)
			return err
		})
		if err != nil {
			a.log.Warn("edit deferred response", "interaction_id", i.ID, "error", err)
			return
		}
		a.followUp(ctx, i, msgs[1:])
		return
	}
	err := a.call(ctx, "delete response", i.Token, func(opts ...discordgo.RequestOption) error {
		_, err := a.session.RequestWithBucketID("DELETE", endpoint, nil, bucket, opts...)
		return err
	})
	if err != nil {
		a.log.Warn("delete deferred response", "interaction_id", i.ID, "error", err)
	}
	a.followUp(ctx, i, msgs)
}

// followUp sends the further messages of a split answer.
func (a *Adapter) followUp(ctx context.Context, i *discordgo.Interaction, msgs []message) {
	endpoint := discordgo.EndpointWebhookToken(a.cfg.ApplicationID, i.Token) + "?wait=true"
	for n, m := range msgs {
		err := a.call(ctx, "follow-up", i.Token, func(opts ...discordgo.RequestOption) error {
			_, err := a.session.RequestWithBucketID("POST", endpoint, m, tokenBucket("webhook", i.Token), opts...)
			return err
		})
		if err != nil {
			a.log.Warn("send follow-up", "interaction_id", i.ID, "part", n+1, "of", len(msgs), "error", err)
			return
		}
	}
}
