package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"paperboy/bot"
	"paperboy/bot/text"
)

var _ bot.Ledger = (*DB)(nil)

// maxLastError bounds the stored error of a failed delivery, in characters:
// enough for a status line, not a whole upstream response body.
const maxLastError = 500

// deliveryColumns are the deliveries columns a deliveryRow scans, in order.
const deliveryColumns = `platform, channel, date, state, owner, claimed_until,
	attempts, next_retry, last_error, thread, updated_at, token, renewed_at`

// claimLayout is how claim times are stored: like timeLayout, to the
// millisecond, since leases last seconds.
const claimLayout = "2006-01-02T15:04:05.000Z"

// deliveryRow is a row of the deliveries table being scanned.
type deliveryRow struct {
	d                                bot.Delivery
	claimedUntil, nextRetry, renewed sql.NullString
	updated                          string
}

// dest returns the scan destinations of deliveryColumns.
func (r *deliveryRow) dest() []any {
	return []any{&r.d.Platform, &r.d.Channel, &r.d.Date, &r.d.State, &r.d.Owner, &r.claimedUntil,
		&r.d.Attempts, &r.nextRetry, &r.d.LastError, &r.d.Thread, &r.updated, &r.d.Token, &r.renewed}
}

// delivery returns the scanned row, with an empty Items map.
func (r *deliveryRow) delivery() bot.Delivery {
	d := r.d
	d.ClaimedUntil = parseTime(r.claimedUntil.String)
	d.NextRetry = parseTime(r.nextRetry.String)
	d.Updated = parseTime(r.updated)
	d.Renewed = parseTime(r.renewed.String)
	d.Items = map[string][]string{}
	return d
}

// querier runs queries on a *conn or in a *txn.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Claim takes the delivery for owner until the given time, creating its row
// as pending when there is none, counts the attempt and increments its
// fencing token. It returns the row as claimed, with the items recorded so
// far. A sent delivery is returned as it is, unclaimed. The check and the
// claim run in one write transaction, so of several processes racing for a
// delivery exactly one wins. A claim that has not run out is taken over
// all the same when OwnerGone says its owner's process is gone. The error
// has code ECONFLICT when another live owner holds an unexpired claim, and
// EINVALID for an incomplete key, an empty owner, or an until that is not
// after the database's clock (Now).
func (db *DB) Claim(ctx context.Context, k bot.DeliveryKey, owner string, until time.Time) (bot.Delivery, error) {
	k, err := checkClaim(k, owner)
	if err != nil {
		return bot.Delivery{}, err
	}
	now := db.Now()
	if !until.Truncate(time.Millisecond).After(now) {
		return bot.Delivery{}, bot.Errorf(bot.EINVALID, "A claim on %s for %s must end after %s, not at %s.",
			k.Date, where(k), formatClaim(now), formatClaim(until))
	}
	var d bot.Delivery
	err = db.write(ctx, func(tx *txn) error {
		d, err = db.claim(ctx, tx, k, owner, until, now)
		return err
	})
	if err != nil {
		return bot.Delivery{}, fmt.Errorf("claim delivery: %w", err)
	}
	return d, nil
}

// claim is Claim inside its transaction.
func (db *DB) claim(ctx context.Context, tx *txn, k bot.DeliveryKey, owner string, until, now time.Time) (bot.Delivery, error) {
	if tx.pg {
		// PostgreSQL runs write transactions side by side: this lock, held
		// until the transaction ends, makes claims of one delivery take
		// turns, as SQLite's single writer does. The read below then sees
		// what the previous claim committed.
		_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(? || ' ' || ? || ' ' || ?))",
			lockClaim, k.Platform, k.Channel, k.Date)
		if err != nil {
			return bot.Delivery{}, fmt.Errorf("lock delivery: %w", err)
		}
	}
	old, found, err := getDelivery(ctx, tx, k)
	switch {
	case err != nil:
		return bot.Delivery{}, err
	case !found:
		return insertDelivery(ctx, tx, k, owner, until, now)
	case old.State == bot.DeliverySent:
		return old, nil
	case old.Owner != "" && old.Owner != owner && old.ClaimedUntil.After(now) && !db.ownerGone(old.Owner):
		return bot.Delivery{}, bot.Errorf(bot.ECONFLICT, "Another paperboy process (%s) is delivering %s to %s.",
			bot.OwnerName(old.Owner), k.Date, where(k))
	}
	d, err := takeDelivery(ctx, tx, k, owner, until, now)
	if err != nil {
		return bot.Delivery{}, err
	}
	d.Items = old.Items
	return d, nil
}

func (db *DB) ownerGone(owner string) bool { return db.OwnerGone != nil && db.OwnerGone(owner) }

// insertDelivery creates the row of a first claim.
func insertDelivery(ctx context.Context, tx *txn, k bot.DeliveryKey, owner string, until, now time.Time) (bot.Delivery, error) {
	var r deliveryRow
	err := tx.QueryRowContext(ctx, `INSERT INTO deliveries
		(platform, channel, date, state, owner, claimed_until, renewed_at, attempts, token, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?) RETURNING `+deliveryColumns,
		k.Platform, k.Channel, k.Date, bot.DeliveryPending, owner, formatClaim(until), formatClaim(now), formatTime(now),
	).Scan(r.dest()...)
	if err != nil {
		return bot.Delivery{}, fmt.Errorf("insert delivery: %w", err)
	}
	return r.delivery(), nil
}

// takeDelivery claims an existing row for owner, counts the attempt and
// issues the next fencing token. The last error and next retry of a failed
// attempt stay for status until the delivery finishes again.
func takeDelivery(ctx context.Context, tx *txn, k bot.DeliveryKey, owner string, until, now time.Time) (bot.Delivery, error) {
	var r deliveryRow
	err := tx.QueryRowContext(ctx, `UPDATE deliveries
		SET state = ?, owner = ?, claimed_until = ?, renewed_at = ?, attempts = attempts + 1,
			token = token + 1, updated_at = ?
		WHERE platform = ? AND channel = ? AND date = ? RETURNING `+deliveryColumns,
		bot.DeliveryPending, owner, formatClaim(until), formatClaim(now), formatTime(now), k.Platform, k.Channel, k.Date,
	).Scan(r.dest()...)
	if err != nil {
		return bot.Delivery{}, fmt.Errorf("take delivery: %w", err)
	}
	return r.delivery(), nil
}

// Renew extends claim c until the given time. It is one UPDATE that
// matches only while c is the delivery's claim, so it needs no
// transaction. The error has code ECONFLICT when c is no longer the claim
// (taken over, or finished), and EINVALID for an incomplete claim.
func (db *DB) Renew(ctx context.Context, c bot.Claim, until time.Time) error {
	k, err := checkClaim(c.DeliveryKey, c.Owner)
	if err != nil {
		return err
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE deliveries SET claimed_until = ?, renewed_at = ?
		WHERE platform = ? AND channel = ? AND date = ? AND owner = ? AND token = ? AND state = ?`,
		formatClaim(until), formatClaim(db.Now()), k.Platform, k.Channel, k.Date, c.Owner, c.Token, bot.DeliveryPending)
	if err != nil {
		return fmt.Errorf("renew delivery: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return lostClaim(k)
	}
	return nil
}

// Record stores the confirmed message ids of one post of a claimed
// delivery, replacing an earlier record of the same item, and its thread
// when sent.Thread is not "". The error has code ECONFLICT when c is no
// longer the delivery's claim, and EINVALID for an incomplete claim or an
// empty item. A claim that ran out may still record while nobody else has
// claimed the delivery: the token says that nobody did.
func (db *DB) Record(ctx context.Context, c bot.Claim, item string, sent bot.Sent) error {
	k, err := checkClaim(c.DeliveryKey, c.Owner)
	if err != nil {
		return err
	}
	if item == "" {
		return bot.Errorf(bot.EINVALID, "A recorded post of %s to %s needs a key.", k.Date, where(k))
	}
	c.DeliveryKey = k
	now := db.Now()
	err = db.write(ctx, func(tx *txn) error {
		if err := checkClaimHeld(ctx, tx, c); err != nil {
			return err
		}
		return recordItem(ctx, tx, k, item, sent, now)
	})
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	return nil
}

// recordItem upserts one item's ids and sets the delivery's thread when
// sent has one.
func recordItem(ctx context.Context, tx *txn, k bot.DeliveryKey, item string, sent bot.Sent, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO delivery_items (platform, channel, date, item, ids, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform, channel, date, item) DO UPDATE SET
		ids = excluded.ids, recorded_at = excluded.recorded_at`,
		k.Platform, k.Channel, k.Date, item, encodeList(sent.IDs), formatTime(now))
	if err != nil {
		return fmt.Errorf("save item: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE deliveries
		SET thread = COALESCE(NULLIF(?, ''), thread), updated_at = ?
		WHERE platform = ? AND channel = ? AND date = ?`,
		sent.Thread, formatTime(now), k.Platform, k.Channel, k.Date)
	if err != nil {
		return fmt.Errorf("save thread: %w", err)
	}
	return nil
}

// Finish ends claim c: sent, which clears the last error and the next
// retry, or failed with lastError (cut to 500 characters) and the time of
// the next retry. A claim that ran out may still finish while nobody else
// has claimed the delivery. The error has code ECONFLICT when c is no
// longer the delivery's claim, and EINVALID for an incomplete claim or a
// state other than sent and failed.
func (db *DB) Finish(ctx context.Context, c bot.Claim, state, lastError string, nextRetry time.Time) error {
	k, err := checkClaim(c.DeliveryKey, c.Owner)
	if err != nil {
		return err
	}
	if state != bot.DeliverySent && state != bot.DeliveryFailed {
		return bot.Errorf(bot.EINVALID, "A delivery finishes as %s or %s, not %q.", bot.DeliverySent, bot.DeliveryFailed, state)
	}
	if state == bot.DeliverySent {
		lastError, nextRetry = "", time.Time{}
	}
	// An error may quote an upstream response's bytes: store what both
	// engines can hold.
	res, err := db.sql.ExecContext(ctx, `UPDATE deliveries
		SET state = ?, owner = '', claimed_until = NULL, renewed_at = NULL, last_error = ?, next_retry = ?, updated_at = ?
		WHERE platform = ? AND channel = ? AND date = ? AND owner = ? AND token = ? AND state = ?`,
		state, text.CutRunes(text.StorableText(lastError), maxLastError), nullTime(nextRetry), formatTime(db.Now()),
		k.Platform, k.Channel, k.Date, c.Owner, c.Token, bot.DeliveryPending)
	if err != nil {
		return fmt.Errorf("finish delivery: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("finish delivery: %w", lostClaim(k))
	}
	return nil
}

// checkClaimHeld returns an ECONFLICT error unless c is the delivery's
// current claim. On PostgreSQL it locks the row until the transaction ends,
// so no claim can take the delivery over before the caller's write.
func checkClaimHeld(ctx context.Context, tx *txn, c bot.Claim) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM deliveries
		WHERE platform = ? AND channel = ? AND date = ? AND owner = ? AND token = ? AND state = ?`+tx.forUpdate()+`) AS held`,
		c.Platform, c.Channel, c.Date, c.Owner, c.Token, bot.DeliveryPending).Scan(&n)
	if err != nil {
		return fmt.Errorf("get claim: %w", err)
	}
	if n == 0 {
		return lostClaim(c.DeliveryKey)
	}
	return nil
}

// lostClaim is the error of a call made under a claim that is gone.
func lostClaim(k bot.DeliveryKey) error {
	return bot.Errorf(bot.ECONFLICT, "This paperboy process no longer holds the delivery of %s to %s.", k.Date, where(k))
}

// Unfinished returns every delivery that was started and is not sent,
// oldest batch first, without their items.
func (db *DB) Unfinished(ctx context.Context) ([]bot.Delivery, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE state <> ? ORDER BY date, platform, channel`, bot.DeliverySent)
	if err != nil {
		return nil, fmt.Errorf("unfinished deliveries: %w", err)
	}
	defer rows.Close()
	var out []bot.Delivery
	for rows.Next() {
		var r deliveryRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, fmt.Errorf("scan delivery: %w", err)
		}
		out = append(out, r.delivery())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unfinished deliveries: %w", err)
	}
	return out, nil
}

// Delivery returns the row for k with its recorded items. The error has
// code ENOTFOUND when there is none, and EINVALID for an incomplete key.
func (db *DB) Delivery(ctx context.Context, k bot.DeliveryKey) (bot.Delivery, error) {
	k, err := checkKey(k)
	if err != nil {
		return bot.Delivery{}, err
	}
	d, found, err := getDelivery(ctx, db.sql, k)
	if err != nil {
		return bot.Delivery{}, fmt.Errorf("get delivery: %w", err)
	}
	if !found {
		return bot.Delivery{}, bot.Errorf(bot.ENOTFOUND, "Nothing was delivered or claimed for %s to %s.", k.Date, where(k))
	}
	return d, nil
}

// getDelivery reads the row for k with its items in one statement, so that
// outside a transaction too it sees one consistent state. It reports false
// when there is no row.
func getDelivery(ctx context.Context, q querier, k bot.DeliveryKey) (bot.Delivery, bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+deliveryColumns+`, item, ids
		FROM deliveries LEFT JOIN delivery_items USING (platform, channel, date)
		WHERE platform = ? AND channel = ? AND date = ?`, k.Platform, k.Channel, k.Date)
	if err != nil {
		return bot.Delivery{}, false, fmt.Errorf("query delivery: %w", err)
	}
	defer rows.Close()
	var d bot.Delivery
	found := false
	for rows.Next() {
		var r deliveryRow
		var item, ids sql.NullString
		if err := rows.Scan(append(r.dest(), &item, &ids)...); err != nil {
			return bot.Delivery{}, false, fmt.Errorf("scan delivery: %w", err)
		}
		if !found {
			d, found = r.delivery(), true
		}
		if item.Valid {
			d.Items[item.String] = decodeList(ids.String)
		}
	}
	if err := rows.Err(); err != nil {
		return bot.Delivery{}, false, fmt.Errorf("query delivery: %w", err)
	}
	return d, found, nil
}

// checkKey returns k with its date normalized, or an EINVALID error when a
// part is missing or the date is not a date.
func checkKey(k bot.DeliveryKey) (bot.DeliveryKey, error) {
	if k.Platform == "" || k.Channel == "" {
		return k, bot.Errorf(bot.EINVALID, "A delivery needs a platform and a channel.")
	}
	date, err := bot.ParseDate(k.Date)
	if err != nil {
		return k, err
	}
	k.Date = date
	return k, nil
}

// checkClaim is checkKey for a call made by owner, who must be named.
func checkClaim(k bot.DeliveryKey, owner string) (bot.DeliveryKey, error) {
	if owner == "" {
		return k, bot.Errorf(bot.EINVALID, "A delivery claim needs an owner.")
	}
	return checkKey(k)
}

// where names the channel of k for messages: "slack channel C123".
func where(k bot.DeliveryKey) string {
	return k.Platform + " channel " + k.Channel
}

// formatClaim returns a claim time as stored.
func formatClaim(t time.Time) string { return t.UTC().Format(claimLayout) }

// nullTime returns t as stored, or NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// LastDelivery returns the channel's delivery with the newest batch date.
// The error has code ENOTFOUND when the channel has none.
func (db *DB) LastDelivery(ctx context.Context, platform, channel string) (bot.Delivery, error) {
	var date string
	err := db.sql.QueryRowContext(ctx, `SELECT coalesce(max(date), '') FROM deliveries WHERE platform = ? AND channel = ?`,
		platform, channel).Scan(&date)
	if err != nil {
		return bot.Delivery{}, fmt.Errorf("last delivery: %w", err)
	}
	if date == "" {
		return bot.Delivery{}, bot.Errorf(bot.ENOTFOUND, "Nothing was delivered to %s %s yet.", platform, channel)
	}
	return db.Delivery(ctx, bot.DeliveryKey{Platform: platform, Channel: channel, Date: date})
}
