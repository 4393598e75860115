package discord

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

// Thread settings of the daily post.
const (
	maxThreadName = 100
	// threadArchive is how long a quiet thread stays open, in minutes.
	threadArchive = 1440
)

// findLimit is how many recent messages Find reads.
const findLimit = 50

// Send posts p to channel, or into thread when thread is not "". The reply
// becomes several messages when it does not fit in one; each carries p.Key
// where Find sees it, and a nonce made from it with enforce_nonce, so that a
// retry, ours or the caller's within a few minutes, returns the message
// already made instead of posting it again. Keys are at most 200 bytes. With p.OpenThread a public thread is
// started from the first message; when that fails (no permission, not a
// text channel) Sent.Thread is "" and the reason is logged.
func (a *Adapter) Send(ctx context.Context, channel, thread string, p bot.Post) (bot.Sent, error) {
	if len(p.Key) > maxKey {
		return bot.Sent{}, fmt.Errorf("send: key is %d bytes, more than %d", len(p.Key), maxKey)
	}
	target := channel
	if thread != "" {
		target = thread
	}
	var sent bot.Sent
	msgs := renderReply(p.Reply, view{key: p.Key})
	for n, m := range msgs {
		if p.Key != "" {
			m.Nonce, m.EnforceNonce = nonce(p.Key, n), true
		}
		id, err := a.createMessage(ctx, target, m)
		if err != nil {
			return sent, fmt.Errorf("send message %d of %d: %w", n+1, len(msgs), err)
		}
		sent.IDs = append(sent.IDs, id)
	}
	if p.OpenThread && thread == "" {
		sent.Thread = a.openThread(ctx, target, sent.IDs[0], threadName(p))
	}
	return sent, nil
}

// nonce is the nonce of part n of the post with key: at most 25 characters
// (Discord's limit), the same on every attempt.
func nonce(key string, n int) string {
	sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(n)))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:24]
}

// createMessage posts one message and returns its id. discordgo's
// MessageSend has no nonce, so the request is made with the session's
// generic RequestWithBucketID, in the channel's bucket.
func (a *Adapter) createMessage(ctx context.Context, channel string, m message) (string, error) {
	endpoint := discordgo.EndpointChannelMessages(channel)
	var body []byte
	err := a.call(ctx, "create message", "", func(opts ...discordgo.RequestOption) error {
		var err error
		body, err = a.session.RequestWithBucketID("POST", endpoint, m, endpoint, opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	var created discordgo.Message
	if err := json.Unmarshal(body, &created); err != nil || created.ID == "" {
		return "", fmt.Errorf("create message: no message id in the response")
	}
	return created.ID, nil
}

// threadStart is the body that starts a thread from a message: only what
// paperboy sets. discordgo's ThreadStart always sends "invitable": false,
// which Discord ignores here but stricter compatible servers reject.
type threadStart struct {
	Name                string `json:"name"`
	AutoArchiveDuration int    `json:"auto_archive_duration"`
}

// openThread starts a public thread from message and returns its id, or ""
// when Discord refuses.
func (a *Adapter) openThread(ctx context.Context, channel, message, name string) string {
	var th discordgo.Channel
	endpoint := discordgo.EndpointChannelMessageThread(channel, message)
	err := a.call(ctx, "start thread", "", func(opts ...discordgo.RequestOption) error {
		body, err := a.session.RequestWithBucketID("POST", endpoint, threadStart{Name: name, AutoArchiveDuration: threadArchive}, endpoint, opts...)
		if err == nil {
			err = json.Unmarshal(body, &th)
		}
		return err
	})
	if err != nil || th.ID == "" {
		a.log.Warn("cannot start a thread; posting inline", "channel", channel, "message_id", message,
			"status", statusOf(err), "discord_code", discordCode(err), "error", err)
		return ""
	}
	return th.ID
}

// threadName names the thread of a post after its title.
func threadName(p bot.Post) string {
	name := p.Reply.Title
	if name == "" && len(p.Reply.Cards) > 0 {
		name = p.Reply.Cards[0].Title
	}
	if name == "" {
		name = "Papers"
	}
	return fitPlain(name, maxThreadName)
}

// Find looks among the last 50 messages of channel, or of thread, for the
// messages this bot sent for key: the first embed of each carries the key
// in its URL fragment ("#paperboy-key=<key>") or, when it has no URL, at the
// end of its footer ("ref <key>"). It returns their ids, oldest first, and
// the thread started from the first one, if any.
func (a *Adapter) Find(ctx context.Context, channel, thread, key string) (bot.Sent, bool, error) {
	if key == "" {
		return bot.Sent{}, false, nil
	}
	target := channel
	if thread != "" {
		target = thread
	}
	me, err := a.botUserID(ctx)
	if err != nil {
		return bot.Sent{}, false, fmt.Errorf("find: %w", err)
	}
	var history []*discordgo.Message
	err = a.call(ctx, "read messages", "", func(opts ...discordgo.RequestOption) error {
		var err error
		history, err = a.session.ChannelMessages(target, findLimit, "", "", "", opts...)
		return err
	})
	if err != nil {
		return bot.Sent{}, false, fmt.Errorf("find: %w", err)
	}
	var sent bot.Sent
	for _, m := range slices.Backward(history) { // Discord lists the newest first
		if m.Author == nil || m.Author.ID != me || len(m.Embeds) == 0 || !marked(m.Embeds[0], key) {
			continue
		}
		if len(sent.IDs) == 0 && m.Thread != nil {
			sent.Thread = m.Thread.ID
		}
		sent.IDs = append(sent.IDs, m.ID)
	}
	return sent, len(sent.IDs) > 0, nil
}

// botUserID returns the bot's own user id, asked of Discord once.
func (a *Adapter) botUserID(ctx context.Context) (string, error) {
	a.mu.Lock()
	id := a.botID
	a.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var u *discordgo.User
	err := a.call(ctx, "read bot user", "", func(opts ...discordgo.RequestOption) error {
		var err error
		u, err = a.session.User("@me", opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	a.botID = u.ID
	a.mu.Unlock()
	return u.ID, nil
}
