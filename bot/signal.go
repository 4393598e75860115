package bot

import (
	"context"
	"time"
)

// The kinds of signal a channel gives about a paper.
const (
	// SignalSave puts the paper on the channel's reading list: a positive
	// for ranking by taste.
	SignalSave = "save"
	// SignalNotForUs is one person's quiet "fewer like this": a strong
	// negative for ranking, never shown in the channel.
	SignalNotForUs = "not_for_us"
)

// Signal is one person's save or "not for us" mark of a paper for a channel.
// A person gives at most one signal of each kind per paper and channel.
type Signal struct {
	Platform string // "discord", "slack" or "email"
	Channel  string
	PaperID  string // canonical arXiv id
	User     string // who gave it: a platform user id, or "cli"
	Name     string // how that person is shown ("" when unknown); never a mention
	Kind     string // SignalSave or SignalNotForUs
	At       time.Time
}

// Signals reads what channels said about papers, for ranking by taste.
type Signals interface {
	// ChannelSignals returns every signal of one channel, oldest first. A
	// channel with none gives an empty list and no error.
	ChannelSignals(ctx context.Context, platform, channel string) ([]Signal, error)
}
