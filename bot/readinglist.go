package bot

import (
	"context"
	"time"
)

// SavedPaper is one paper of a channel's reading list.
type SavedPaper struct {
	// Paper is the stored paper. A paper saved before it was stored (seeded
	// from an export while offline) is pending: only its ID is set.
	Paper Paper
	// SavedBy lists who saved it, first saver first: each person's name, or
	// their user id when no name is known.
	SavedBy []string
	// SavedAt is when it joined the list: its first save.
	SavedAt time.Time
	// Pending is true for a paper saved but not stored yet (seeded from an
	// export while arXiv was out of reach): only Paper.ID is set.
	Pending bool
}

// ReadingList keeps the channels' signals: their reading lists (saves) and
// the quiet "not for us" marks.
type ReadingList interface {
	Signals
	// AddSignal records s, At set to now when zero. It reports false, and
	// changes nothing, when the same person already gave the same kind of
	// signal for the paper in the channel. The error has code EINVALID when
	// a field is missing or the kind is unknown.
	AddSignal(ctx context.Context, s Signal) (bool, error)
	// RemoveSignal deletes the signals matching s's platform, channel,
	// paper, kind and user, and reports how many it deleted; s.User ""
	// matches every person's. Deleting none is not an error.
	RemoveSignal(ctx context.Context, s Signal) (int, error)
	// SavedPapers returns up to limit papers of the channel's reading list,
	// newest first, after skipping offset, and how many it holds in all.
	SavedPapers(ctx context.Context, platform, channel string, offset, limit int) ([]SavedPaper, int, error)
	// PendingPapers returns the ids of papers some channel saved or marked
	// that are not stored yet, in id order.
	PendingPapers(ctx context.Context) ([]string, error)
	// ThreadChannel returns the channel whose delivery posted its papers in
	// thread (a Discord thread's channel id, a Slack thread_ts), or "" when
	// no delivery did: a press in a day's thread counts for its channel.
	ThreadChannel(ctx context.Context, platform, thread string) (string, error)
}
