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
	return db.EachExport(ctx, func(e bot.Export) error { return fn(e.Paper) })
}

// EachExport calls fn for every stored paper, oldest stored first, with the
// day batches it is in (bot.Export.Batches, oldest day first), and stops at
// fn's first error, which it returns. A full export written from it imports
// back into the same papers and the same days.
func (db *DB) EachExport(ctx context.Context, fn func(bot.Export) error) error {
	var after int64
	for {
		var rows []paperRow
		err := db.gorm.WithContext(ctx).Where("id > ?", after).Order("id").Limit(exportPage).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("list papers: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		last := rows[len(rows)-1].ID
		days, err := db.memberships(ctx, after, last)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(bot.Export{Paper: r.paper(), Batches: days[r.ID]}); err != nil {
				return err
			}
		}
		if len(rows) < exportPage {
			return nil
		}
		after = last
	}
}

// memberships returns the batch places of the papers with rowids in
// (after, last], by rowid.
func (db *DB) memberships(ctx context.Context, after, last int64) (map[int64][]bot.Membership, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT bp.paper, bp.date, bp.rank, b.source
		FROM batch_papers AS bp JOIN batches AS b ON b.date = bp.date
		WHERE bp.paper > ? AND bp.paper <= ? ORDER BY bp.paper, bp.date`, after, last)
	if err != nil {
		return nil, fmt.Errorf("list batch places: %w", err)
	}
	defer rows.Close()
	out := make(map[int64][]bot.Membership)
	for rows.Next() {
		var id int64
		var m bot.Membership
		if err := rows.Scan(&id, &m.Date, &m.Rank, &m.Source); err != nil {
			return nil, fmt.Errorf("list batch places: %w", err)
		}
		out[id] = append(out[id], m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list batch places: %w", err)
	}
	return out, nil
}

// BatchDates returns the day of every stored batch, oldest first.
func (db *DB) BatchDates(ctx context.Context) ([]string, error) {
	var dates []string
	err := db.gorm.WithContext(ctx).Model(&batchRow{}).Order("date").Pluck("date", &dates).Error
	if err != nil {
		return nil, fmt.Errorf("list batch dates: %w", err)
	}
	return dates, nil
}
