package bot

import (
	"context"
	"time"
)

// Delivery states. A delivery is pending from its claim until every
// message of it is confirmed (sent) or an attempt gives up (failed, to be
// retried at NextRetry).
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
)

// DeliveryKey names one delivery: one day's batch to one channel.
type DeliveryKey struct {
	Platform string
	Channel  string
	Date     string
}

// Delivery is the ledger row of one delivery.
type Delivery struct {
	DeliveryKey
	State string
	// Owner is the process that holds the claim, until ClaimedUntil.
	Owner        string
	ClaimedUntil time.Time
	// Attempts counts claims; more than one means an earlier attempt may
	// have sent messages it did not record (a crash), so look before sending.
	Attempts  int
	NextRetry time.Time
	LastError string
	// Thread is where the day's papers go (Sent.Thread of the header).
	Thread string
	// Items maps each confirmed post's key to its platform message ids.
	Items   map[string][]string
	Updated time.Time
}

// Ledger records deliveries so that each batch reaches each channel
// exactly once, across crashes, restarts and several processes sharing one
// database. store.DB implements it.
type Ledger interface {
	// Claim takes the delivery for owner until the given time, creating its
	// row as pending when there is none, and counts the attempt. It returns
	// the row as it was claimed. The error has code ECONFLICT when another
	// owner holds an unexpired claim; a sent delivery is returned as is,
	// unclaimed, and must not be sent again.
	Claim(ctx context.Context, k DeliveryKey, owner string, until time.Time) (Delivery, error)

	// Record stores the confirmed message ids of one post of a claimed
	// delivery, and its thread when thread is not "". The error has code
	// ECONFLICT when owner no longer holds the claim.
	Record(ctx context.Context, k DeliveryKey, owner, item string, sent Sent) error

	// Finish ends owner's claim: sent, or failed with the error and the time
	// of the next retry. The error has code ECONFLICT when owner no longer
	// holds the claim.
	Finish(ctx context.Context, k DeliveryKey, owner, state, lastError string, nextRetry time.Time) error

	// Delivery returns the row for k. The error has code ENOTFOUND when
	// there is none.
	Delivery(ctx context.Context, k DeliveryKey) (Delivery, error)

	// LastDelivery returns the channel's row with the newest batch date.
	// The error has code ENOTFOUND when the channel has none.
	LastDelivery(ctx context.Context, platform, channel string) (Delivery, error)
}

// ECONFLICT means someone else holds the thing: another process is
// delivering the same batch to the same channel.
const ECONFLICT = "conflict"
