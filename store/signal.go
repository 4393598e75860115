package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm/clause"

	"paperboy/bot"
	"paperboy/bot/text"
)

var _ bot.ReadingList = (*DB)(nil)

// signalRow is a row of the signals table.
type signalRow struct {
	ID       int64  `gorm:"column:id;primaryKey"`
	Platform string `gorm:"column:platform"`
	Channel  string `gorm:"column:channel"`
	PaperID  string `gorm:"column:paper_id"`
	User     string `gorm:"column:user_id"`
	Name     string `gorm:"column:user_name"`
	Kind     string `gorm:"column:kind"`
	Created  string `gorm:"column:created_at"`
}

// TableName tells GORM the table of signalRow.
func (signalRow) TableName() string { return "signals" }

// signal returns the row as a bot.Signal.
func (r signalRow) signal() bot.Signal {
	return bot.Signal{Platform: r.Platform, Channel: r.Channel, PaperID: r.PaperID,
		User: r.User, Name: r.Name, Kind: r.Kind, At: parseTime(r.Created)}
}

// limitSignalField bounds the ids and names of a signal, in characters:
// real ones are far shorter, and a hostile one must not grow the table.
const limitSignalField = 200

// checkSignal returns the EINVALID error for a signal that cannot be kept.
func checkSignal(s bot.Signal, needUser bool) error {
	for _, f := range []struct{ name, value string }{
		{"a platform", s.Platform}, {"a channel", s.Channel}, {"a paper", s.PaperID},
	} {
		if strings.TrimSpace(f.value) == "" {
			return bot.Errorf(bot.EINVALID, "A signal needs %s.", f.name)
		}
	}
	if needUser && strings.TrimSpace(s.User) == "" {
		return bot.Errorf(bot.EINVALID, "A signal needs the person who gave it.")
	}
	if s.Kind != bot.SignalSave && s.Kind != bot.SignalNotForUs {
		return bot.Errorf(bot.EINVALID, "Unknown signal %q: use %q or %q.", s.Kind, bot.SignalSave, bot.SignalNotForUs)
	}
	for _, v := range []string{s.Platform, s.Channel, s.PaperID, s.User} {
		if len([]rune(v)) > limitSignalField {
			return bot.Errorf(bot.EINVALID, "A signal's ids are at most %d characters.", limitSignalField)
		}
	}
	return nil
}

// AddSignal records s, At set to now when zero; see bot.ReadingList. The
// name kept is the one given the first time.
func (db *DB) AddSignal(ctx context.Context, s bot.Signal) (bool, error) {
	if err := checkSignal(s, true); err != nil {
		return false, err
	}
	row := signalRow{Platform: s.Platform, Channel: s.Channel, PaperID: s.PaperID, User: s.User,
		Name: text.Truncate(s.Name, limitSignalField), Kind: s.Kind, Created: formatTime(s.At)}
	if row.Created == "" {
		row.Created = db.now()
	}
	res := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, fmt.Errorf("add signal: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// RemoveSignal deletes the matching signals; see bot.ReadingList.
func (db *DB) RemoveSignal(ctx context.Context, s bot.Signal) (int, error) {
	if err := checkSignal(s, false); err != nil {
		return 0, err
	}
	q := db.gorm.WithContext(ctx).Where("platform = ? AND channel = ? AND paper_id = ? AND kind = ?",
		s.Platform, s.Channel, s.PaperID, s.Kind)
	if s.User != "" {
		q = q.Where("user_id = ?", s.User)
	}
	res := q.Delete(&signalRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("remove signal: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// ChannelSignals returns every signal of one channel, oldest first; see
// bot.Signals. A signal's paper may not be stored yet (see SavedPaper's
// Pending).
func (db *DB) ChannelSignals(ctx context.Context, platform, channel string) ([]bot.Signal, error) {
	var rows []signalRow
	err := db.gorm.WithContext(ctx).Where("platform = ? AND channel = ?", platform, channel).
		Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list signals: %w", err)
	}
	signals := make([]bot.Signal, len(rows))
	for i, r := range rows {
		signals[i] = r.signal()
	}
	return signals, nil
}

// SavedPapers returns a page of the channel's reading list, newest first;
// see bot.ReadingList. Papers that joined the list at the same second come
// newest id first.
func (db *DB) SavedPapers(ctx context.Context, platform, channel string, offset, limit int) ([]bot.SavedPaper, int, error) {
	var total int
	err := db.sql.QueryRowContext(ctx, `SELECT count(DISTINCT paper_id) FROM signals
		WHERE platform = ? AND channel = ? AND kind = ?`, platform, channel, bot.SignalSave).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count saved papers: %w", err)
	}
	page, err := db.savedPage(ctx, platform, channel, max(offset, 0), max(limit, 0))
	if err != nil || len(page) == 0 {
		return page, total, err
	}
	if err := db.fillSaved(ctx, platform, channel, page); err != nil {
		return nil, 0, err
	}
	return page, total, nil
}

// savedPage returns the ids and times of one page of a reading list.
func (db *DB) savedPage(ctx context.Context, platform, channel string, offset, limit int) ([]bot.SavedPaper, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT paper_id, min(created_at) AS saved_at FROM signals
		WHERE platform = ? AND channel = ? AND kind = ?
		GROUP BY paper_id ORDER BY saved_at DESC, paper_id DESC LIMIT ? OFFSET ?`,
		platform, channel, bot.SignalSave, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list saved papers: %w", err)
	}
	defer rows.Close()
	var page []bot.SavedPaper
	for rows.Next() {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("list saved papers: %w", err)
		}
		page = append(page, bot.SavedPaper{Paper: bot.Paper{ID: id}, SavedAt: parseTime(at), Pending: true})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list saved papers: %w", err)
	}
	return page, nil
}

// fillSaved sets the stored paper and who saved it of each entry of page.
func (db *DB) fillSaved(ctx context.Context, platform, channel string, page []bot.SavedPaper) error {
	ids := make([]string, len(page))
	at := make(map[string]int, len(page))
	for i, s := range page {
		ids[i], at[s.Paper.ID] = s.Paper.ID, i
	}
	var papers []paperRow
	if err := db.gorm.WithContext(ctx).Where("paper_id IN ?", ids).Find(&papers).Error; err != nil {
		return fmt.Errorf("list saved papers: %w", err)
	}
	for _, p := range papers {
		page[at[p.PaperID]].Paper, page[at[p.PaperID]].Pending = p.paper(), false
	}
	var saves []signalRow
	err := db.gorm.WithContext(ctx).Where("platform = ? AND channel = ? AND kind = ? AND paper_id IN ?",
		platform, channel, bot.SignalSave, ids).Order("created_at, id").Find(&saves).Error
	if err != nil {
		return fmt.Errorf("list saved papers: %w", err)
	}
	for _, s := range saves {
		who := s.Name
		if who == "" {
			who = s.User
		}
		page[at[s.PaperID]].SavedBy = append(page[at[s.PaperID]].SavedBy, who)
	}
	return nil
}

// PendingPapers returns the ids of papers some channel saved or marked that
// are not stored yet, in id order: what a later import tries to fetch.
func (db *DB) PendingPapers(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.gorm.WithContext(ctx).Raw(`SELECT DISTINCT s.paper_id FROM signals s
		WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.paper_id = s.paper_id)
		ORDER BY s.paper_id`).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("list pending papers: %w", err)
	}
	return ids, nil
}

// ThreadChannel returns the channel whose latest delivery opened thread;
// see bot.ReadingList. A week's or month's delivery counts for its channel.
func (db *DB) ThreadChannel(ctx context.Context, platform, thread string) (string, error) {
	if thread == "" {
		return "", nil
	}
	var channels []string
	err := db.gorm.WithContext(ctx).Raw(`SELECT channel FROM deliveries WHERE platform = ? AND thread = ?
		ORDER BY date DESC LIMIT 1`, platform, thread).Scan(&channels).Error
	if err != nil {
		return "", fmt.Errorf("find thread's channel: %w", err)
	}
	if len(channels) == 0 {
		return "", nil
	}
	channel, _, _ := strings.Cut(channels[0], "#")
	return channel, nil
}
