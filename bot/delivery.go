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

// Claim is one owner's hold on a delivery. Token is the fencing token: each
// claim of the delivery gets a new, larger one, so an owner that was taken
// over (its lease ran out while it stalled) can no longer renew, record or
// finish, even though it still believes it holds the claim.
type Claim struct {
	DeliveryKey
	Owner string
	Token int64
}

// Delivery is the ledger row of one delivery.
type Delivery struct {
	DeliveryKey
	State string
	// Owner is the process that holds the claim, until ClaimedUntil; it
	// renews the claim while it works (Renewed is the last renewal).
	Owner        string
	ClaimedUntil time.Time
	Renewed      time.Time
	// Token is the fencing token of the latest claim.
	Token int64
	// Attempts counts claims; more than one means an earlier attempt may
	// have sent messages it did not record (a crash).
	Attempts  int
	NextRetry time.Time
	LastError string
	// Thread is where the day's papers go (Sent.Thread of the header).
	Thread string
	// Items maps each confirmed post's key to its platform message ids.
	Items   map[string][]string
	Updated time.Time
}

// Claim returns the claim this row records.
func (d Delivery) Claim() Claim {
	return Claim{DeliveryKey: d.DeliveryKey, Owner: d.Owner, Token: d.Token}
}

// Ledger records deliveries so that each batch reaches each channel
// exactly once, across crashes, restarts and several processes sharing one
// database. store.DB implements it.
//
// A claim is a lease: it holds until ClaimedUntil, and its owner renews it
// while it works. Once it runs out, or once the store can tell that the
// owner's process is gone, another owner may claim the delivery; that
// takeover changes the fencing token, and every later call with the old
// token fails with ECONFLICT.
type Ledger interface {
	// Claim takes the delivery for owner until the given time, creating its
	// row as pending when there is none, counts the attempt and issues a new
	// fencing token. It returns the row as it was claimed. The error has
	// code ECONFLICT when another live owner holds an unexpired claim; a
	// sent delivery is returned as is, unclaimed, and must not be sent
	// again.
	Claim(ctx context.Context, k DeliveryKey, owner string, until time.Time) (Delivery, error)

	// Renew extends c until the given time. The error has code ECONFLICT
	// when c is no longer the delivery's claim (it was taken over or
	// finished).
	Renew(ctx context.Context, c Claim, until time.Time) error

	// Record stores the confirmed message ids of one post of the claimed
	// delivery, and its thread when thread is not "". The error has code
	// ECONFLICT when c is no longer the delivery's claim.
	Record(ctx context.Context, c Claim, item string, sent Sent) error

	// Finish ends claim c: sent, or failed with the error and the time of
	// the next retry. The error has code ECONFLICT when c is no longer the
	// delivery's claim.
	Finish(ctx context.Context, c Claim, state, lastError string, nextRetry time.Time) error

	// Delivery returns the row for k. The error has code ENOTFOUND when
	// there is none.
	Delivery(ctx context.Context, k DeliveryKey) (Delivery, error)

	// LastDelivery returns the channel's row with the newest batch date.
	// The error has code ENOTFOUND when the channel has none.
	LastDelivery(ctx context.Context, platform, channel string) (Delivery, error)

	// Unfinished returns every delivery that was started and is not sent
	// (pending or failed), oldest batch first, without their items.
	Unfinished(ctx context.Context) ([]Delivery, error)
}

// ECONFLICT means someone else holds the thing: another process is
// delivering the same batch to the same channel.
const ECONFLICT = "conflict"
