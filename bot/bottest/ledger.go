package bottest

import (
	"context"
	"maps"
	"sync"
	"time"

	"paperboy/bot"
)

var _ bot.Ledger = (*Ledger)(nil)

// Ledger is an in-memory bot.Ledger with the same claim rules as the
// store's. Now is its clock. RecordFunc, when set, runs before a record is
// stored and may fail it (a process killed before recording).
type Ledger struct {
	Now        func() time.Time
	RecordFunc func(k bot.DeliveryKey, item string) error

	mu   sync.Mutex
	rows map[bot.DeliveryKey]*bot.Delivery
}

// Claim takes the delivery for owner, as bot.Ledger documents.
func (l *Ledger) Claim(_ context.Context, k bot.DeliveryKey, owner string, until time.Time) (bot.Delivery, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rows == nil {
		l.rows = make(map[bot.DeliveryKey]*bot.Delivery)
	}
	d, ok := l.rows[k]
	switch {
	case !ok:
		d = &bot.Delivery{DeliveryKey: k, Items: map[string][]string{}}
		l.rows[k] = d
	case d.State == bot.DeliverySent:
		return copyDelivery(d), nil
	case d.Owner != "" && d.Owner != owner && d.ClaimedUntil.After(l.Now()):
		return bot.Delivery{}, bot.Errorf(bot.ECONFLICT, "claimed by %s", d.Owner)
	}
	d.State, d.Owner, d.ClaimedUntil = bot.DeliveryPending, owner, until
	d.Attempts++
	return copyDelivery(d), nil
}

// Record stores one post's ids for the claim's owner.
func (l *Ledger) Record(_ context.Context, k bot.DeliveryKey, owner, item string, sent bot.Sent) error {
	if l.RecordFunc != nil {
		if err := l.RecordFunc(k, item); err != nil {
			return err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	d, err := l.owned(k, owner)
	if err != nil {
		return err
	}
	d.Items[item] = sent.IDs
	if sent.Thread != "" {
		d.Thread = sent.Thread
	}
	return nil
}

// Finish ends the owner's claim. Like the store, it allows an owner whose
// lease ran out to finish as long as nobody else took the delivery over.
func (l *Ledger) Finish(_ context.Context, k bot.DeliveryKey, owner, state, lastError string, next time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.rows[k]
	if !ok || d.Owner != owner {
		return bot.Errorf(bot.ECONFLICT, "not the owner")
	}
	d.State, d.LastError, d.NextRetry, d.Owner, d.ClaimedUntil = state, lastError, next, "", time.Time{}
	return nil
}

// Delivery returns the row for k.
func (l *Ledger) Delivery(_ context.Context, k bot.DeliveryKey) (bot.Delivery, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.rows[k]
	if !ok {
		return bot.Delivery{}, bot.Errorf(bot.ENOTFOUND, "no delivery")
	}
	return copyDelivery(d), nil
}

// LastDelivery returns the channel's row with the newest date.
func (l *Ledger) LastDelivery(_ context.Context, platform, channel string) (bot.Delivery, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var last *bot.Delivery
	for k, d := range l.rows {
		if k.Platform == platform && k.Channel == channel && (last == nil || k.Date > last.Date) {
			last = d
		}
	}
	if last == nil {
		return bot.Delivery{}, bot.Errorf(bot.ENOTFOUND, "no delivery")
	}
	return copyDelivery(last), nil
}

// Expire ends every claim, as if the leases ran out (the owner died).
func (l *Ledger) Expire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range l.rows {
		d.ClaimedUntil = time.Time{}
	}
}

func (l *Ledger) owned(k bot.DeliveryKey, owner string) (*bot.Delivery, error) {
	d, ok := l.rows[k]
	if !ok || d.Owner != owner || !d.ClaimedUntil.After(l.Now()) {
		return nil, bot.Errorf(bot.ECONFLICT, "not the owner")
	}
	return d, nil
}

func copyDelivery(d *bot.Delivery) bot.Delivery {
	c := *d
	c.Items = maps.Clone(d.Items)
	return c
}
