package bot

import "context"

// Post is one message of a delivery, as the delivery engine sends it: the
// header of a day's post, one paper in its thread, or a digest.
type Post struct {
	// Key identifies this message among all deliveries, e.g.
	// "paperboy:2026-08-19" for a header or "paperboy:2026-08-19:2608.12313"
	// for one paper. Adapters carry it where users do not see it but Find
	// can (a Discord nonce and embed footer, Slack message metadata), so a
	// restart can tell what was already sent.
	Key string
	// Reply is what the message shows.
	Reply Reply
	// OpenThread asks for a thread started from this message, for the
	// posts that follow it.
	OpenThread bool
	// Thread, when set, is where this post goes: the thread of an earlier
	// delivery, for a paper added to a day's thread by a refresh.
	Thread string
}

// Sent is what a platform confirmed for one Post.
type Sent struct {
	// IDs are the platform's ids of the messages created, in order (Discord
	// message ids, Slack timestamps): more than one when the post had to be
	// split to fit the platform's limits.
	IDs []string
	// Thread is where the following posts go when OpenThread was set: a
	// Discord thread's channel id or a Slack thread_ts. It is "" when the
	// platform could not start a thread; post inline then.
	Thread string
}

// Chat sends posts to the channels of one chat platform. discord.Adapter
// and slack.Adapter implement it; the delivery engine uses it.
type Chat interface {
	// Send posts p to channel, inside thread when thread is not "". It
	// returns only after the platform confirmed every message, waiting out
	// rate limits (bounded by ctx). An error means the post may or may not
	// have been made; use Find before sending it again.
	Send(ctx context.Context, channel, thread string, p Post) (Sent, error)

	// Find looks among the recent messages of channel (or of thread) for
	// one this bot sent with key. It reports false when there is none.
	Find(ctx context.Context, channel, thread, key string) (Sent, bool, error)
}

// Editor is a Chat that can change the messages it sent, for the refresh of
// a day's posts (new upvote counts, a new order). discord.Adapter and
// slack.Adapter implement it; the posts of a Chat without it are never
// refreshed.
type Editor interface {
	// Edit replaces the messages ids, which Send returned for a post to
	// channel (inside thread when thread is not ""), with p rendered the
	// way Send renders it, notifying no one. When p renders as more
	// messages than ids, the extra ones are left out; when fewer, the
	// remaining messages stay as they are. It waits out rate limits
	// (bounded by ctx). The error has code ENOTFOUND when the channel or a
	// message is gone.
	Edit(ctx context.Context, channel, thread string, ids []string, p Post) error
}
