package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

// metadataEventType marks paperboy's posts in Slack message metadata, which
// users never see and conversations.history returns to Find.
const metadataEventType = "paperboy_post"

// Find looks at so many recent messages: the channel's last page of
// history, or the first pages of a thread.
const (
	historyLimit = 50
	repliesLimit = 200
	repliesPages = 3
)

// marker identifies one message of a post: the post's key, and which part
// of how many it is when the post had to be split.
type marker struct {
	key         string
	part, parts int
}

// Send posts p to channel, in thread when thread is not "", as one message
// or, when it does not fit Slack's limits, several. Every message carries
// p.Key in its metadata. With p.OpenThread, Sent.Thread is the timestamp of
// the first message (or thread itself when already in one). Posts to one
// channel are paced to about one a second, and rate limits are waited out.
// A 5xx or a broken connection, after which the message may have been
// posted after all, is followed by a look at the channel before any retry,
// so a retry never doubles a message. A post of several messages first
// looks for parts an earlier, interrupted Send left, and sends only the rest.
func (a *Adapter) Send(ctx context.Context, channel, thread string, p bot.Post) (bot.Sent, error) {
	if channel == "" {
		return bot.Sent{}, errors.New("send slack post: no channel")
	}
	msgs := render(p.Reply, renderOpts{})
	ids, err := a.post(ctx, channel, thread, msgs, p.Key, a.landed(ctx, channel, thread, p.Key, len(msgs)))
	sent := bot.Sent{IDs: ids}
	if err != nil {
		return sent, fmt.Errorf("send slack post %q: %w", p.Key, err)
	}
	if p.OpenThread {
		sent.Thread = thread
		if thread == "" {
			sent.Thread = ids[0]
		}
	}
	return sent, nil
}

// post sends msgs in order, except the parts already posted, and returns
// the timestamps of them all.
func (a *Adapter) post(ctx context.Context, channel, thread string, msgs []message, key string, posted map[int]string) ([]string, error) {
	ids := make([]string, 0, len(msgs))
	for i, m := range msgs {
		ts, ok := posted[i]
		if !ok {
			var err error
			if ts, err = a.postPart(ctx, channel, thread, m, marker{key: key, part: i, parts: len(msgs)}); err != nil {
				return ids, err
			}
		}
		ids = append(ids, ts)
	}
	return ids, nil
}

// landed returns the parts of a post of several messages that are in the
// channel already, by part. A post of one message needs no look: Find
// answers for it before it is sent again.
func (a *Adapter) landed(ctx context.Context, channel, thread, key string, parts int) map[int]string {
	if parts < 2 || key == "" {
		return nil
	}
	found, total, err := a.findKey(ctx, channel, thread, key)
	if err != nil {
		a.log.Warn("could not look for earlier parts; sending all", "channel", channel, "key", key, "error", err)
		return nil
	}
	if total != parts {
		return nil // none, or an earlier rendering that split differently
	}
	return found
}

// postPart posts one message, paced, waiting out rate limits. After an
// ambiguous failure it looks for the message by its marker, and only posts
// again when it is not there. Without a key it cannot look, so it does not
// retry then: the post is idempotent only with a key.
func (a *Adapter) postPart(ctx context.Context, channel, thread string, m message, mk marker) (string, error) {
	var ts string
	var uncertain error // the last try's ambiguous failure: look before posting again
	err := a.do(ctx, a.policy(maxServerRetries+1, mk.key != ""), func() error {
		if uncertain != nil {
			found, ok, ferr := a.findPart(ctx, channel, thread, mk)
			if ferr != nil {
				return fmt.Errorf("post message: %w; and check whether it was posted: %w", uncertain, ferr)
			}
			if ok {
				ts = found
				return nil
			}
			a.log.Warn("post failed; retrying", "channel", channel, "key", mk.key, "error", uncertain)
			uncertain = nil
		}
		if err := a.pace(ctx, channel); err != nil {
			return err
		}
		if err := a.gateWait(ctx); err != nil {
			return err
		}
		a.repace(channel) // the gate may have held the post past its paced time
		var err error
		if ts, err = a.postMessage(ctx, channel, thread, m, mk); err == nil {
			a.gate.accept(a.cfg.Now())
			return nil
		}
		if wait, ok := rateLimitWait(err); ok {
			// A 429 is a wait, not a failure: the post waits for its slot
			// however many come (ctx, an interaction's, bounds it), and
			// the message was not posted.
			a.gate.limited(a.cfg.Now(), wait)
			a.holdShared(wait)
			a.log.Warn("rate limited", "channel", channel, "retry_after", wait)
			return bot.RateLimited(fmt.Errorf("post message: %w", err), wait)
		}
		if ambiguous(err) {
			uncertain = err
			return bot.Uncertain(fmt.Errorf("post message: %w", err))
		}
		return fmt.Errorf("post message: %w", err)
	})
	if err != nil {
		return "", err
	}
	return ts, nil
}

// postMessage calls chat.postMessage once.
func (a *Adapter) postMessage(ctx context.Context, channel, thread string, m message, mk marker) (string, error) {
	opts := []slackgo.MsgOption{
		slackgo.MsgOptionText(m.Text, false),
		slackgo.MsgOptionBlocks(m.Blocks...),
		slackgo.MsgOptionDisableLinkUnfurl(),
		slackgo.MsgOptionDisableMediaUnfurl(),
	}
	if thread != "" {
		opts = append(opts, slackgo.MsgOptionTS(thread))
	}
	if mk.key != "" {
		opts = append(opts, slackgo.MsgOptionMetadata(slackgo.SlackMetadata{
			EventType:    metadataEventType,
			EventPayload: map[string]any{"key": mk.key, "part": mk.part, "parts": mk.parts},
		}))
	}
	_, ts, err := a.api.PostMessageContext(ctx, channel, opts...)
	return ts, err
}

// Find looks among the channel's last 50 messages (or the first 600 of
// thread) for a post this bot sent with key, matching the metadata that Send
// attached. It reports true only when every message of the post is there;
// Sent.Thread is then thread, or the first message's timestamp for a post at
// the top of the channel.
func (a *Adapter) Find(ctx context.Context, channel, thread, key string) (bot.Sent, bool, error) {
	parts, total, err := a.findKey(ctx, channel, thread, key)
	if err != nil {
		return bot.Sent{}, false, fmt.Errorf("find slack post %q: %w", key, err)
	}
	if total == 0 || len(parts) != total {
		return bot.Sent{}, false, nil
	}
	sent := bot.Sent{Thread: thread}
	for i := range total {
		sent.IDs = append(sent.IDs, parts[i])
	}
	if thread == "" {
		sent.Thread = sent.IDs[0]
	}
	return sent, true, nil
}

// findPart looks for one message of a post.
func (a *Adapter) findPart(ctx context.Context, channel, thread string, mk marker) (string, bool, error) {
	parts, _, err := a.findKey(ctx, channel, thread, mk.key)
	ts, ok := parts[mk.part]
	return ts, ok, err
}

// findKey returns the timestamps of this bot's recent messages marked with
// key, by part, and how many parts the post has.
func (a *Adapter) findKey(ctx context.Context, channel, thread, key string) (map[int]string, int, error) {
	self, err := a.identity(ctx)
	if err != nil {
		return nil, 0, err
	}
	msgs, err := a.recent(ctx, channel, thread)
	if err != nil {
		return nil, 0, err
	}
	parts, total := make(map[int]string), 0
	for _, m := range msgs {
		mk, ok := readMarker(m.Metadata)
		if !ok || mk.key != key || !self.wrote(m) {
			continue
		}
		parts[mk.part], total = m.Timestamp, mk.parts
	}
	return parts, total, nil
}

// readMarker reads the marker that postMessage put in a message's metadata.
func readMarker(md slackgo.SlackMetadata) (marker, bool) {
	if md.EventType != metadataEventType {
		return marker{}, false
	}
	key, _ := md.EventPayload["key"].(string)
	part, ok1 := md.EventPayload["part"].(float64)
	parts, ok2 := md.EventPayload["parts"].(float64)
	if key == "" || !ok1 || !ok2 || part < 0 || part >= parts {
		return marker{}, false
	}
	return marker{key: key, part: int(part), parts: int(parts)}, true
}

// recent returns the channel's last messages, or the thread's first pages,
// with their metadata.
func (a *Adapter) recent(ctx context.Context, channel, thread string) ([]slackgo.Message, error) {
	if thread == "" {
		var resp *slackgo.GetConversationHistoryResponse
		err := a.retry(ctx, true, func() (err error) {
			resp, err = a.api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
				ChannelID: channel, Limit: historyLimit, IncludeAllMetadata: true,
			})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read channel history: %w", err)
		}
		return resp.Messages, nil
	}
	var all []slackgo.Message
	cursor := ""
	for range repliesPages {
		var page []slackgo.Message
		err := a.retry(ctx, true, func() (err error) {
			page, _, cursor, err = a.api.GetConversationRepliesContext(ctx, &slackgo.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: thread, Cursor: cursor, Limit: repliesLimit, IncludeAllMetadata: true,
			})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read thread: %w", err)
		}
		all = append(all, page...)
		if cursor == "" {
			break
		}
	}
	return all, nil
}

// identity is who this bot is, from auth.test, asked once.
type identity struct {
	mu     sync.Mutex
	known  bool
	botID  string
	userID string
}

// wrote reports whether m was posted by this bot.
func (id *identity) wrote(m slackgo.Message) bool {
	return (id.botID != "" && m.BotID == id.botID) || (id.userID != "" && m.User == id.userID)
}

// identity returns this bot's ids, asking auth.test the first time.
func (a *Adapter) identity(ctx context.Context) (*identity, error) {
	a.self.mu.Lock()
	defer a.self.mu.Unlock()
	if a.self.known {
		return &a.self, nil
	}
	var resp *slackgo.AuthTestResponse
	err := a.retry(ctx, true, func() (err error) {
		resp, err = a.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("auth test: %w", err)
	}
	a.self.known, a.self.botID, a.self.userID = true, resp.BotID, resp.UserID
	return &a.self, nil
}
