package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"paperboy/bot"
)

var _ bot.TasteStore = (*DB)(nil)

// TasteCorpus returns the limit papers stored last (by row id), newest
// first, with only their id, title and abstract: what ranking by taste
// reads. The count is the highest row id, which is how many papers were
// ever stored; it costs an index lookup instead of a scan.
func (db *DB) TasteCorpus(ctx context.Context, limit int) ([]bot.Paper, int, error) {
	var count sql.NullInt64
	if err := db.sql.QueryRowContext(ctx, "SELECT MAX(id) FROM papers").Scan(&count); err != nil {
		return nil, 0, fmt.Errorf("count papers: %w", err)
	}
	if limit <= 0 {
		return nil, int(count.Int64), nil
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT paper_id, title, abstract FROM papers ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, 0, fmt.Errorf("read corpus: %w", err)
	}
	defer rows.Close()
	papers := make([]bot.Paper, 0, min(limit, int(count.Int64)))
	for rows.Next() {
		var p bot.Paper
		if err := rows.Scan(&p.ID, &p.Title, &p.Abstract); err != nil {
			return nil, 0, fmt.Errorf("read corpus: %w", err)
		}
		papers = append(papers, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("read corpus: %w", err)
	}
	return papers, int(count.Int64), nil
}

// TasteState returns the state stored under name, with its data only when
// data is set. The error has code ENOTFOUND when there is none.
func (db *DB) TasteState(ctx context.Context, name string, data bool) (bot.TasteState, error) {
	s := bot.TasteState{Name: name}
	q := "SELECT fingerprint, papers, data FROM taste_state WHERE name = ?"
	dest := []any{&s.Fingerprint, &s.Papers, &s.Data}
	if !data {
		q, dest = "SELECT fingerprint, papers FROM taste_state WHERE name = ?", dest[:2]
	}
	err := db.sql.QueryRowContext(ctx, q, name).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.TasteState{}, bot.Errorf(bot.ENOTFOUND, "No taste state %q.", name)
	} else if err != nil {
		return bot.TasteState{}, fmt.Errorf("read taste state: %w", err)
	}
	return s, nil
}

// SaveTasteState stores s under its name, replacing what was there.
func (db *DB) SaveTasteState(ctx context.Context, s bot.TasteState) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO taste_state (name, fingerprint, papers, data, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, papers = excluded.papers,
			data = excluded.data, updated_at = excluded.updated_at`,
		s.Name, s.Fingerprint, s.Papers, s.Data, db.now())
	if err != nil {
		return fmt.Errorf("save taste state: %w", err)
	}
	return nil
}
