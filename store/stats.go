package store

import (
	"context"
	"fmt"
)

// DeliveryCounts returns how many deliveries are in each state, for metrics.
func (db *DB) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT state, count(*) FROM deliveries GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	return scanPairs(rows, map[string]int{}, "count deliveries")
}
