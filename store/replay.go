package store

import (
	"context"
	"fmt"
	"time"
)

// Seen records key until the time until and reports whether it was
// recorded already and has not expired: the request it names is then a
// replay. It deletes the expired keys in the same transaction, so the table
// holds only the requests of the last few minutes. The chat adapters use it
// to answer each request once, across restarts and processes.
func (db *DB) Seen(ctx context.Context, key string, until time.Time) (bool, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("check replay: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM replays WHERE expires_at <= ?", db.now()); err != nil {
		return false, fmt.Errorf("prune replays: %w", err)
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO replays (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
		key, formatTime(until))
	if err != nil {
		return false, fmt.Errorf("record request: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record request: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record request: %w", err)
	}
	return n == 0, nil
}
