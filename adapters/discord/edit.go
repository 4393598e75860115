package discord

import (
	"context"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

var _ bot.Editor = (*Adapter)(nil)

// Edit replaces the messages ids of a post with p, rendered as Send renders
// it (the key stays in the first embed, so Find still sees the post), with
// PATCH /channels/{id}/messages/{id}: in thread when it is not "", since a
// Discord thread is a channel of its own. An edit notifies no one, and
// allowed_mentions stays empty. Parts beyond ids are left out; messages
// beyond the parts stay as they are. The error has code ENOTFOUND when
// Discord answers 404 (Unknown Channel, Unknown Message).
func (a *Adapter) Edit(ctx context.Context, channel, thread string, ids []string, p bot.Post) error {
	target := channel
	if thread != "" {
		target = thread
	}
	msgs := renderReply(p.Reply, view{key: p.Key})
	for n := range min(len(ids), len(msgs)) {
		endpoint := discordgo.EndpointChannelMessage(target, ids[n])
		// One bucket per channel's messages, like Discord's own route.
		bucket := discordgo.EndpointChannelMessages(target)
		err := a.call(ctx, "edit message", "", func(opts ...discordgo.RequestOption) error {
			_, err := a.session.RequestWithBucketID("PATCH", endpoint, msgs[n], bucket, opts...)
			return err
		})
		if statusOf(err) == http.StatusNotFound {
			return bot.Errorf(bot.ENOTFOUND, "The message %s in channel %s is gone (Discord code %d).", ids[n], target, discordCode(err))
		}
		if err != nil {
			return fmt.Errorf("edit message %d of %d: %w", n+1, len(ids), err)
		}
	}
	return nil
}
