package store

import (
	"context"
	"fmt"

	"paperboy/bot"
)

// exportPage is how many papers EachPaper reads per query. Reading in
// pages keeps no read transaction open while fn runs, so a long export
// never holds back WAL checkpoints.
const exportPage = 500

// EachPaper calls fn for every stored paper, oldest stored first, and stops
// at fn's first error, which it returns.
func (db *DB) EachPaper(ctx context.Context, fn func(bot.Paper) error) error {
	var after int64
	for {
		var rows []paperRow
		err := db.gorm.WithContext(ctx).Where("id > ?", after).Order("id").Limit(exportPage).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("list papers: %w", err)
		}
		for _, r := range rows {
			if err := fn(r.paper()); err != nil {
				return err
			}
		}
		if len(rows) < exportPage {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}
