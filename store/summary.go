package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"paperboy/bot"
)

// summaryRow is a row of the summaries table.
type summaryRow struct {
	PaperID       string `gorm:"column:paper_id;primaryKey"`
	Model         string `gorm:"column:model;primaryKey"`
	PromptVersion string `gorm:"column:prompt_version;primaryKey"`
	Text          string `gorm:"column:text"`
	Source        string `gorm:"column:source"`
	Created       string `gorm:"column:created_at"`
}

// TableName tells GORM the table of summaryRow.
func (summaryRow) TableName() string { return "summaries" }

// Summary returns the cached TL;DR for key, with Cached set. The error has
// code ENOTFOUND on a cache miss.
func (db *DB) Summary(ctx context.Context, key bot.SummaryKey) (bot.Summary, error) {
	var row summaryRow
	err := db.gorm.WithContext(ctx).
		Where("paper_id = ? AND model = ? AND prompt_version = ?", key.PaperID, key.Model, key.PromptVersion).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return bot.Summary{}, bot.Errorf(bot.ENOTFOUND, "No cached TL;DR for %s.", key.PaperID)
	} else if err != nil {
		return bot.Summary{}, fmt.Errorf("get summary: %w", err)
	}
	return row.summary(), nil
}

// summary returns the cached TL;DR the row holds.
func (row summaryRow) summary() bot.Summary {
	return bot.Summary{
		SummaryKey: bot.SummaryKey{PaperID: row.PaperID, Model: row.Model, PromptVersion: row.PromptVersion},
		Text:       row.Text,
		Source:     row.Source,
		Created:    parseTime(row.Created),
		Cached:     true,
	}
}

// SaveSummary caches a TL;DR under its key, replacing an older entry. A zero
// Created is set to now. The error has code EINVALID when the key has no
// paper id.
func (db *DB) SaveSummary(ctx context.Context, s bot.Summary) error {
	if s.PaperID == "" {
		return bot.Errorf(bot.EINVALID, "A TL;DR needs the id of its paper.")
	}
	created := formatTime(s.Created)
	if created == "" {
		created = db.now()
	}
	row := summaryRow{
		PaperID:       s.PaperID,
		Model:         s.Model,
		PromptVersion: s.PromptVersion,
		Text:          s.Text,
		Source:        s.Source,
		Created:       created,
	}
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("save summary: %w", err)
	}
	return nil
}

var _ bot.SummaryBatch = (*DB)(nil)

// CachedSummaries returns the cached TL;DRs of keys that have one, with
// Cached set, in one query: a list reply looks up every card's TL;DR at
// once. Keys are grouped by model and prompt version, which a reply's keys
// share, so it is one query per version.
func (db *DB) CachedSummaries(ctx context.Context, keys []bot.SummaryKey) (map[bot.SummaryKey]bot.Summary, error) {
	out := make(map[bot.SummaryKey]bot.Summary, len(keys))
	byVersion := map[[2]string][]string{}
	for _, k := range keys {
		v := [2]string{k.Model, k.PromptVersion}
		byVersion[v] = append(byVersion[v], k.PaperID)
	}
	for v, ids := range byVersion {
		var rows []summaryRow
		err := db.gorm.WithContext(ctx).
			Where("model = ? AND prompt_version = ? AND paper_id IN ?", v[0], v[1], ids).
			Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("get summaries: %w", err)
		}
		for _, row := range rows {
			out[row.summary().SummaryKey] = row.summary()
		}
	}
	return out, nil
}
