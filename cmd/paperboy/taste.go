package main

import "paperboy/bot"

// validateTaste checks a subscription's rank and interests.
func (s SubscriptionConfig) validateTaste(key string, bad func(key, format string, args ...any)) {
	if _, err := bot.ParseRank(s.Rank); err != nil {
		bad(key+".rank", "%q is not one of upvotes, taste, auto: upvotes keeps the source's order, taste orders by "+
			"what the channel saved and its interests, auto (the default) is upvotes until the channel has either", s.Rank)
	}
	if _, err := bot.ParseInterests(s.Interests); err != nil {
		bad(key+".interests", "%s", bot.ErrorMessage(err))
	}
}

// rankKind is a validated rank setting in canonical form.
func rankKind(s string) string {
	rank, err := bot.ParseRank(s)
	if err != nil {
		return bot.RankAuto
	}
	return rank
}

// interests is a validated interest sentence, spaces collapsed.
func interests(s string) string {
	out, _ := bot.ParseInterests(s)
	return out
}

// newTaste is ranking by taste over the database and the channels'
// signals kept there. With Hugging Face as the source the
// day's upvotes are blended in (bot.DefaultPopularity); arXiv listings
// carry none.
func newTaste(a *app) *bot.Taste {
	t := &bot.Taste{Store: a.db, Signals: a.db, Logger: a.log.With("component", "taste")}
	if a.cfg.Source.Kind != "arxiv" {
		t.Popularity = bot.DefaultPopularity
	}
	return t
}
