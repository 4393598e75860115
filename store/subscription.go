package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"paperboy/bot"
)

var _ bot.Subscriptions = (*DB)(nil)

// subscriptionRow is a row of the subscriptions table.
type subscriptionRow struct {
	Platform   string `gorm:"column:platform;primaryKey"`
	Channel    string `gorm:"column:channel;primaryKey"`
	Schedule   string `gorm:"column:schedule"`
	Timezone   string `gorm:"column:timezone"`
	Include    string `gorm:"column:include"`
	Exclude    string `gorm:"column:exclude"`
	MinUpvotes int    `gorm:"column:min_upvotes"`
	Top        int    `gorm:"column:top"`
	Style      string `gorm:"column:style"`
	Period     string `gorm:"column:period"`
	Rank       string `gorm:"column:rank"`
	Interests  string `gorm:"column:interests"`
	Origin     string `gorm:"column:origin"`
	Since      string `gorm:"column:since"`
	Created    string `gorm:"column:created_at"`
}

// TableName tells GORM the table of subscriptionRow.
func (subscriptionRow) TableName() string { return "subscriptions" }

// subscription returns the row as a bot.Subscription.
func (r subscriptionRow) subscription() bot.Subscription {
	return bot.Subscription{
		Platform:   r.Platform,
		Channel:    r.Channel,
		Schedule:   r.Schedule,
		Timezone:   r.Timezone,
		Include:    decodeList(r.Include),
		Exclude:    decodeList(r.Exclude),
		MinUpvotes: r.MinUpvotes,
		Top:        r.Top,
		Style:      r.Style,
		Period:     r.Period,
		Rank:       r.Rank,
		Interests:  r.Interests,
		Origin:     r.Origin,
		Since:      r.Since,
		Created:    parseTime(r.Created),
	}
}

// Subscriptions returns every subscription, ordered by platform and channel.
func (db *DB) Subscriptions(ctx context.Context) ([]bot.Subscription, error) {
	var rows []subscriptionRow
	if err := db.gorm.WithContext(ctx).Order("platform, channel").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	subs := make([]bot.Subscription, len(rows))
	for i, r := range rows {
		subs[i] = r.subscription()
	}
	return subs, nil
}

// Subscription returns one channel's subscription. The error has code
// ENOTFOUND when the channel has none.
func (db *DB) Subscription(ctx context.Context, platform, channel string) (bot.Subscription, error) {
	var row subscriptionRow
	err := db.gorm.WithContext(ctx).Where("platform = ? AND channel = ?", platform, channel).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return bot.Subscription{}, noSubscription(platform, channel)
	} else if err != nil {
		return bot.Subscription{}, fmt.Errorf("get subscription: %w", err)
	}
	return row.subscription(), nil
}

// SaveSubscription creates or replaces the channel's subscription. A zero
// Created is set to now for a new subscription and keeps the stored time
// when one is replaced. The error has code EINVALID when the platform or
// the channel is missing, or Since is set but not a date.
func (db *DB) SaveSubscription(ctx context.Context, s bot.Subscription) error {
	if strings.TrimSpace(s.Platform) == "" || strings.TrimSpace(s.Channel) == "" {
		return bot.Errorf(bot.EINVALID, "A subscription needs a platform and a channel.")
	}
	if s.Since != "" {
		since, err := bot.ParseDate(s.Since)
		if err != nil {
			return err
		}
		s.Since = since
	}
	row := subscriptionRow{
		Platform: s.Platform, Channel: s.Channel, Schedule: s.Schedule, Timezone: s.Timezone,
		Include: encodeList(s.Include), Exclude: encodeList(s.Exclude),
		MinUpvotes: s.MinUpvotes, Top: s.Top, Style: s.Style, Period: s.Period,
		Rank: s.Rank, Interests: s.Interests, Origin: s.Origin, Since: s.Since,
		Created: formatTime(s.Created),
	}
	update := []string{"schedule", "timezone", "include", "exclude", "min_upvotes", "top", "style", "period", "rank", "interests", "origin", "since"}
	if row.Created == "" {
		row.Created = db.now()
	} else {
		update = append(update, "created_at")
	}
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "platform"}, {Name: "channel"}},
		DoUpdates: clause.AssignmentColumns(update),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("save subscription: %w", err)
	}
	return nil
}

// DeleteSubscription removes the channel's subscription. Its deliveries
// stay in the ledger. The error has code ENOTFOUND when the channel has
// none.
func (db *DB) DeleteSubscription(ctx context.Context, platform, channel string) error {
	res := db.gorm.WithContext(ctx).Where("platform = ? AND channel = ?", platform, channel).Delete(&subscriptionRow{})
	if res.Error != nil {
		return fmt.Errorf("delete subscription: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return noSubscription(platform, channel)
	}
	return nil
}

// noSubscription is the ENOTFOUND error for a channel without a subscription.
func noSubscription(platform, channel string) error {
	return bot.Errorf(bot.ENOTFOUND, "The %s channel %s has no subscription; use /papers subscribe to add one.", platform, channel)
}
