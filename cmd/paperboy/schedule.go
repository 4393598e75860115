package main

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"paperboy/bot"
	"paperboy/bot/delivery"
)

// parseSchedule turns a 5-field cron expression and an IANA timezone into
// a bot.Schedule. robfig/cron computes the next time in the zone's wall
// clock, so "0 9 * * 1-5" stays 09:00 across daylight-saving changes.
func parseSchedule(spec, timezone string) (bot.Schedule, error) {
	loc, err := bot.LoadTimezone(timezone)
	if err != nil {
		return nil, err
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%q is not a cron expression (%v); e.g. \"0 9 * * 1-5\" is weekdays at 09:00", spec, err)
	}
	return zoned{s, loc}, nil
}

// zoned evaluates a cron schedule in a timezone.
type zoned struct {
	cron.Schedule
	loc *time.Location
}

// Next returns the first scheduled time after t, in the schedule's zone.
func (z zoned) Next(t time.Time) time.Time { return z.Schedule.Next(t.In(z.loc)) }

// syncSubscriptions makes the database's config-file subscriptions match
// the config: entries are added or updated, and ones removed from the file
// are deleted. Subscriptions made in chat are left alone, unless the file
// now names the same channel: the file wins. Replicas starting together on
// one store all run it at once, so it is idempotent: saving is an upsert,
// and a subscription another replica removed first counts as removed.
func syncSubscriptions(ctx context.Context, a *app, subs bot.Subscriptions, sched *delivery.Scheduler) error {
	have, err := subs.Subscriptions(ctx)
	if err != nil {
		return fmt.Errorf("list subscriptions: %w", err)
	}
	inFile := map[[2]string]bool{}
	for _, c := range a.cfg.Subscriptions {
		sub := c.subscription(a.cfg)
		inFile[[2]string{sub.Platform, sub.Channel}] = true
		old, err := subs.Subscription(ctx, sub.Platform, sub.Channel)
		if err == nil && old.Origin == bot.OriginConfig {
			sub.Since, sub.Created = old.Since, old.Created
		} else {
			sch, err := parseSchedule(sub.Schedule, sub.Timezone)
			if err != nil {
				return fmt.Errorf("subscription %s %s: %w", sub.Platform, sub.Channel, err)
			}
			sub.Since = sched.BatchDate(sch.Next(time.Now()))
		}
		if err := subs.SaveSubscription(ctx, sub); err != nil {
			return fmt.Errorf("save subscription: %w", err)
		}
	}
	for _, s := range have {
		if s.Origin == bot.OriginConfig && !inFile[[2]string{s.Platform, s.Channel}] {
			err := subs.DeleteSubscription(ctx, s.Platform, s.Channel)
			if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
				return fmt.Errorf("delete subscription: %w", err)
			}
		}
	}
	return nil
}

// subscription converts a config entry, filling the defaults.
func (s SubscriptionConfig) subscription(c Config) bot.Subscription {
	sub := bot.Subscription{
		Platform: s.Platform, Channel: s.Channel, Schedule: s.Schedule, Timezone: s.Timezone,
		Include: s.Include, Exclude: s.Exclude, MinUpvotes: s.MinUpvotes, Top: s.Top, Style: s.Style,
		Origin: bot.OriginConfig, Period: periodKind(s.Period),
		Rank: rankKind(s.Rank), Interests: interests(s.Interests),
	}
	if sub.Schedule == "" {
		sub.Schedule = bot.PeriodSchedule(sub.Period, c.Delivery.Schedule)
	}
	if sub.Timezone == "" {
		sub.Timezone = c.Timezone
	}
	if sub.Style == "" {
		sub.Style = defaultStyle(sub.Platform)
	}
	return sub
}
