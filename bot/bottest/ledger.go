package bottest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"paperboy/bot"
)

var _ bot.Ledger = (*Ledger)(nil)

// Ledger is an in-memory bot.Ledger with the same claim rules as the
// store's. Now is its clock. RecordFunc, when set, runs before a record is
// stored and may fail it (a process killed before recording). Gone, when
// set, tells the owners whose process is known to be dead, whose claims may
// be taken over before they run out.
type Ledger struct {
	Now        func() time.Time
	RecordFunc func(k bot.DeliveryKey, item string) error
	Gone       func(owner string) bool

	mu       sync.Mutex
	rows     map[bot.DeliveryKey]*bot.Delivery
	tokens   int64
	renewals int
}

// Renewals returns how many renewals succeeded.
func (l *Ledger) Renewals() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.renewals
}

// Claim takes the delivery for owner, as bot.Ledger documents.
func (l *Ledger) Claim(_ context.Context, k bot.DeliveryKey, owner string, until time.Time) (bot.Delivery, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rows == nil {
		l.rows = make(map[bot.DeliveryKey]*bot.Delivery)
	}
	now := l.Now()
	d, ok := l.rows[k]
	switch {
	case !ok:
		d = &bot.Delivery{DeliveryKey: k, Items: map[string][]string{}}
		l.rows[k] = d
	case d.State == bot.DeliverySent:
		return copyDelivery(d), nil
	case d.Owner != "" && d.Owner != owner && d.ClaimedUntil.After(now) && (l.Gone == nil || !l.Gone(d.Owner)):
		return bot.Delivery{}, bot.Errorf(bot.ECONFLICT, "claimed by %s", d.Owner)
	}
	l.tokens++
	d.State, d.Owner, d.ClaimedUntil, d.Renewed, d.Token = bot.DeliveryPending, owner, until, now, l.tokens
	d.Attempts++
	return copyDelivery(d), nil
}

// Renew extends the claim c.
func (l *Ledger) Renew(_ context.Context, c bot.Claim, until time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, err := l.held(c)
	if err != nil {
		return err
	}
	d.ClaimedUntil, d.Renewed = until, l.Now()
	l.renewals++
	return nil
}

// Record stores one post's ids under claim c.
func (l *Ledger) Record(_ context.Context, c bot.Claim, item string, sent bot.Sent) error {
	if l.RecordFunc != nil {
		if err := l.RecordFunc(c.DeliveryKey, item); err != nil {
			return err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	d, err := l.held(c)
	if err != nil {
		return err
	}
	d.Items[item] = sent.IDs
	if sent.Thread != "" {
		d.Thread = sent.Thread
	}
	return nil
}

// Finish ends claim c. Like the store, it allows an owner whose lease ran
// out to finish as long as nobody else took the delivery over.
func (l *Ledger) Finish(_ context.Context, c bot.Claim, state, lastError string, next time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, err := l.held(c)
	if err != nil {
		return err
	}
	d.State, d.LastError, d.NextRetry, d.Owner, d.ClaimedUntil = state, lastError, next, "", time.Time{}
	if l.Now != nil {
		d.Updated = l.Now() // as the store stamps updated_at
	}
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

// Unfinished returns the pending and failed rows, oldest date first.
func (l *Ledger) Unfinished(context.Context) ([]bot.Delivery, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []bot.Delivery
	for _, d := range l.rows {
		if d.State != bot.DeliverySent {
			c := copyDelivery(d)
			c.Items = map[string][]string{}
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b bot.Delivery) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.Channel, b.Channel))
	})
	return out, nil
}

// Expire ends every claim, as if the leases ran out (the owner died).
func (l *Ledger) Expire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range l.rows {
		d.ClaimedUntil = time.Time{}
	}
}

// held returns c's row while c is its claim.
func (l *Ledger) held(c bot.Claim) (*bot.Delivery, error) {
	d, ok := l.rows[c.DeliveryKey]
	if !ok || d.Owner != c.Owner || d.Token != c.Token || d.State != bot.DeliveryPending {
		return nil, bot.Errorf(bot.ECONFLICT, "not the owner")
	}
	return d, nil
}

func copyDelivery(d *bot.Delivery) bot.Delivery {
	c := *d
	c.Items = maps.Clone(d.Items)
	return c
}
