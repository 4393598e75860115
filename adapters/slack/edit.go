package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"paperboy/bot"
)

var _ bot.Editor = (*Adapter)(nil)

// Edit replaces the messages ids (timestamps) of a post in channel with p,
// rendered as Send renders it, by chat.update: the metadata keeps the key,
// so Find still sees the post, and an update notifies no one. thread is not
// needed (a reply's timestamp names it in its channel). Edits are paced
// like posts, one a second per channel, and rate limits, 5xx and broken
// connections are retried: an update is safe to repeat. Parts beyond ids
// are left out; messages beyond the parts stay as they are. The error has
// code ENOTFOUND when Slack answers message_not_found or channel_not_found.
func (a *Adapter) Edit(ctx context.Context, channel, _ string, ids []string, p bot.Post) error {
	msgs := render(p.Reply, renderOpts{})
	for i := range min(len(ids), len(msgs)) {
		m, mk := msgs[i], marker{key: p.Key, part: i, parts: len(msgs)}
		if err := a.pace(ctx, channel); err != nil {
			return err
		}
		if err := a.updates.wait(ctx, a.cfg.Now, a.cfg.Sleep); err != nil {
			return err
		}
		err := a.retry(ctx, true, func() error {
			opts := []slackgo.MsgOption{slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...)}
			if mk.key != "" {
				opts = append(opts, slackgo.MsgOptionMetadata(slackgo.SlackMetadata{
					EventType:    metadataEventType,
					EventPayload: map[string]any{"key": mk.key, "part": mk.part, "parts": mk.parts},
				}))
			}
			_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ids[i], opts...)
			return err
		})
		var se slackgo.SlackErrorResponse
		if errors.As(err, &se) && (se.Err == "message_not_found" || se.Err == "channel_not_found") {
			return bot.Errorf(bot.ENOTFOUND, "The message %s in channel %s is gone (%s).", ids[i], channel, se.Err)
		}
		if err != nil {
			return fmt.Errorf("update slack message %d of %d: %w", i+1, len(ids), err)
		}
	}
	return nil
}

// chat.update is in Slack's Tier 3: "50+ per minute" per workspace. Edits
// wait their turn under that figure instead of bouncing off 429s: measured
// with 100 channels refreshed at once, a retry budget spent on 429s gave up
// 40 % to 70 % of the edits (docs/benchmarks.md).
const (
	updatesPerMinute = 50
	updatesBurst     = 50
)

// updateLimit is a token bucket for chat.update, made on first use.
type updateLimit struct {
	once sync.Once
	l    *rate.Limiter
}

// wait books the next update and sleeps (with the adapter's clock) until
// it may go.
func (u *updateLimit) wait(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error) error {
	u.once.Do(func() { u.l = rate.NewLimiter(rate.Every(time.Minute/updatesPerMinute), updatesBurst) })
	t := now()
	if d := u.l.ReserveN(t, 1).DelayFrom(t); d > 0 {
		return sleep(ctx, d)
	}
	return ctx.Err()
}
