package store

import (
	"context"
	"fmt"
	"time"
)

// Rate budgets shared by replicas: a limit that a platform keeps per bot
// token (Discord's 50 requests a second, a Slack method's tier) holds for
// every process using that token, so on PostgreSQL the processes book their
// requests in one row per budget (the rate_budgets table) by the generic
// cell rate algorithm: each booking moves the budget's theoretical arrival
// time (tat) on by one interval and says how long the caller waits. The
// server's clock decides, so the replicas' clocks need not agree, and a
// booking is one short UPDATE: nothing is held, so a replica that dies
// leaves nothing to take over. On SQLite every booking is free at once: one
// SQLite file serves one machine, whose process keeps its own pacing.

// Reserve books one request under the budget called name, which allows one
// request every `every` and bursts of up to burst, and returns how long the
// caller waits before sending it. Bookings are first come, first served
// across processes. An every of 0 books nothing and returns the wait a Hold
// still imposes, by a read that takes no lock.
func (db *DB) Reserve(ctx context.Context, name string, every time.Duration, burst int) (time.Duration, error) {
	if !db.sql.pg {
		return 0, nil
	}
	if every <= 0 {
		return db.held(ctx, name)
	}
	burst = max(burst, 1)
	var wait float64
	err := db.sql.QueryRowContext(ctx, `INSERT INTO rate_budgets AS b (name, tat)
		VALUES (?, clock_timestamp() + make_interval(secs => ?))
		ON CONFLICT (name) DO UPDATE SET tat = GREATEST(b.tat, clock_timestamp()) + make_interval(secs => ?)
		RETURNING GREATEST(0, EXTRACT(EPOCH FROM (b.tat - clock_timestamp()))::float8 - ?)`,
		name, every.Seconds(), every.Seconds(), float64(burst)*every.Seconds()).Scan(&wait)
	if err != nil {
		return 0, fmt.Errorf("reserve rate budget %s: %w", name, err)
	}
	return time.Duration(wait * float64(time.Second)), nil
}

// held returns how long the budget called name is still held.
func (db *DB) held(ctx context.Context, name string) (time.Duration, error) {
	var wait float64
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(GREATEST(0, EXTRACT(EPOCH FROM (tat - clock_timestamp()))::float8)), 0)
		FROM rate_budgets WHERE name = ?`, name).Scan(&wait)
	if err != nil {
		return 0, fmt.Errorf("read rate budget %s: %w", name, err)
	}
	return time.Duration(wait * float64(time.Second)), nil
}

// Hold makes every booking of the budget called name wait until d from
// now, as a 429's Retry-After asks; bookings already made keep theirs.
// burst and every are the budget's, as Reserve is given them.
func (db *DB) Hold(ctx context.Context, name string, d, every time.Duration, burst int) error {
	if !db.sql.pg {
		return nil
	}
	until := d + time.Duration(max(burst, 1)-1)*every
	_, err := db.sql.ExecContext(ctx, `INSERT INTO rate_budgets AS b (name, tat)
		VALUES (?, clock_timestamp() + make_interval(secs => ?))
		ON CONFLICT (name) DO UPDATE SET tat = GREATEST(b.tat, EXCLUDED.tat)`, name, until.Seconds())
	if err != nil {
		return fmt.Errorf("hold rate budget %s: %w", name, err)
	}
	return nil
}
