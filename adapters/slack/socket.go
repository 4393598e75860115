package slack

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"paperboy/bot"
)

// runSocket holds the Socket Mode connection until ctx ends. Each envelope
// is acknowledged as soon as it arrives, well within Slack's 3 seconds, and
// answered after that. A connection that cannot be opened (at start or
// later) is retried by slack-go with backoff, up to 5 minutes apart, each
// failure logged here, while the rest of run works; only a bad token
// (invalid_auth, token_revoked, account_inactive, not_authed) ends it.
func (a *Adapter) runSocket(ctx context.Context) error {
	client := socketmode.New(a.api, socketmode.OptionLog(logBridge{a.log}))
	h := socketmode.NewSocketmodeHandler(client)
	h.Handle(socketmode.EventTypeSlashCommand, a.socketSlash)
	h.Handle(socketmode.EventTypeInteractive, a.socketInteractive)
	h.Handle(socketmode.EventTypeConnected, func(*socketmode.Event, *socketmode.Client) {
		a.log.Info("socket mode connected")
	})
	h.Handle(socketmode.EventTypeConnectionError, func(evt *socketmode.Event, _ *socketmode.Client) {
		if e, ok := evt.Data.(*slackgo.ConnectionErrorEvent); ok {
			a.log.Warn("socket mode connection failed; retrying", "attempt", e.Attempt, "backoff", e.Backoff, "error", e.ErrorObj)
		}
	})
	h.HandleDefault(a.socketDefault)
	err := h.RunEventLoopContext(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("socket mode: %w", err)
}

// socketSlash acknowledges a slash command envelope and answers it.
func (a *Adapter) socketSlash(evt *socketmode.Event, c *socketmode.Client) {
	defer bot.Recover(a.log, "slack socket mode", nil)
	if !a.ack(evt, c) {
		return
	}
	if sc, ok := evt.Data.(slackgo.SlashCommand); ok {
		a.spawn(func(ctx context.Context) { a.onSlash(ctx, sc) })
	}
}

// socketInteractive acknowledges an interaction envelope and answers it
// when it is a button press.
func (a *Adapter) socketInteractive(evt *socketmode.Event, c *socketmode.Client) {
	defer bot.Recover(a.log, "slack socket mode", nil)
	if !a.ack(evt, c) {
		return
	}
	cb, ok := evt.Data.(slackgo.InteractionCallback)
	switch {
	case ok && cb.Type == slackgo.InteractionTypeBlockActions:
		a.spawn(func(ctx context.Context) { a.onAction(ctx, cb) })
	case ok && isAskSubmit(cb): // the empty ack closed the modal
		a.spawn(func(ctx context.Context) { a.onAskSubmit(ctx, cb) })
	}
}

// socketDefault acknowledges envelopes paperboy does not use (Events API),
// so Slack does not send them again, and ignores the client's own events.
func (a *Adapter) socketDefault(evt *socketmode.Event, c *socketmode.Client) {
	defer bot.Recover(a.log, "slack socket mode", nil)
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		a.ack(evt, c)
	}
}

// ack acknowledges an envelope with an empty payload.
func (a *Adapter) ack(evt *socketmode.Event, c *socketmode.Client) bool {
	if evt.Request == nil {
		return false
	}
	if err := c.Ack(*evt.Request); err != nil {
		a.log.Warn("socket mode ack failed", "type", evt.Type, "error", err)
		return false
	}
	return true
}

// logBridge sends slack-go's log lines to slog, at debug level: the
// adapter logs what matters itself.
type logBridge struct{ l *slog.Logger }

// Output implements slack-go's logger interface.
func (b logBridge) Output(_ int, s string) error {
	b.l.Debug(strings.TrimSpace(s), "source", "slack-go")
	return nil
}
