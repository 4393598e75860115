package main

import "paperboy/bot"

// validatePeriod checks a subscription's period: day, week or month.
func (s SubscriptionConfig) validatePeriod(key string, bad func(key, format string, args ...any)) {
	if _, err := bot.ParsePeriodKind(s.Period); err != nil {
		bad(key+".period", "%q is not one of day, week, month: day posts each day's batch, week the ISO week's "+
			"top papers (Fridays 16:00 unless schedule says otherwise), month the month's (on the 1st at 09:00)", s.Period)
	}
}

// periodKind is a validated period setting in canonical form.
func periodKind(s string) string {
	kind, err := bot.ParsePeriodKind(s)
	if err != nil {
		return bot.PeriodDay
	}
	return kind
}
