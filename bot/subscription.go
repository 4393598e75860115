package bot

import (
	"context"
	"strings"
	"time"

	"paperboy/bot/text"
)

// Post styles of a subscription.
const (
	// StyleThread posts a header and the papers in a thread under it.
	StyleThread = "thread"
	// StyleDigest posts all papers in one message (split only at limits).
	StyleDigest = "digest"
	// StyleInline posts a header and the papers as messages in the channel.
	StyleInline = "inline"
)

// Where a subscription comes from. Config-file entries win over chat edits
// for the same channel.
const (
	OriginConfig = "config"
	OriginChat   = "chat"
)

// Subscription is one channel that gets the daily batch.
type Subscription struct {
	Platform string // "discord" or "slack"
	Channel  string
	// Schedule is a 5-field cron expression ("0 9 * * 1-5") in Timezone.
	Schedule string
	Timezone string
	// Filters, applied in this order: keywords in, keywords out, minimum
	// upvotes, then at most Top papers (0 means all).
	Include    []string
	Exclude    []string
	MinUpvotes int
	Top        int
	Style      string
	// Period is what one delivery covers: PeriodDay ("" means the same),
	// or the top papers of a PeriodWeek or PeriodMonth.
	Period string
	// Rank orders the candidates before Top cuts them: RankUpvotes,
	// RankTaste or RankAuto ("" means the same).
	Rank string
	// Interests is the channel's sentence for ranking by taste, "retrieval
	// and retrieval-augmented generation"; "" when it has none.
	Interests string
	Origin    string
	// Since is the first batch date the channel gets: a new subscription
	// starts with the next batch, not with everything stored.
	Since   string
	Created time.Time
}

// Filter returns the papers of a batch this subscription gets, in order.
// Keywords match case-insensitively as substrings of the cleaned title,
// abstract and HF keywords; a paper must match one Include keyword (when
// there are any) and no Exclude keyword.
func (s Subscription) Filter(papers []Paper) []Paper {
	return s.Cut(s.Candidates(papers))
}

// Candidates returns the papers of a batch that pass the subscription's
// keywords and minimum upvotes, in order: what its ranking orders.
func (s Subscription) Candidates(papers []Paper) []Paper {
	var out []Paper
	for _, p := range papers {
		if p.Upvotes >= s.MinUpvotes && s.matches(p) {
			out = append(out, p)
		}
	}
	return out
}

// Cut returns the first Top papers (all when Top is 0).
func (s Subscription) Cut(papers []Paper) []Paper {
	if s.Top > 0 && len(papers) > s.Top {
		return papers[:s.Top]
	}
	return papers
}

func (s Subscription) matches(p Paper) bool {
	if len(s.Include) == 0 && len(s.Exclude) == 0 {
		return true
	}
	text := strings.ToLower(text.CleanTitle(p.Title) + " " + text.CleanTitle(p.Abstract) + " " + strings.Join(p.Keywords, " "))
	for _, kw := range s.Exclude {
		if kw = strings.ToLower(strings.TrimSpace(kw)); kw != "" && strings.Contains(text, kw) {
			return false
		}
	}
	if len(s.Include) == 0 {
		return true
	}
	for _, kw := range s.Include {
		if kw = strings.ToLower(strings.TrimSpace(kw)); kw != "" && strings.Contains(text, kw) {
			return true
		}
	}
	return false
}

// Subscriptions stores the channels that get the daily batch. store.DB
// implements it.
type Subscriptions interface {
	// Subscriptions returns every subscription, ordered by platform and
	// channel.
	Subscriptions(ctx context.Context) ([]Subscription, error)

	// Subscription returns one channel's subscription. The error has code
	// ENOTFOUND when the channel has none.
	Subscription(ctx context.Context, platform, channel string) (Subscription, error)

	// SaveSubscription creates or replaces the channel's subscription.
	SaveSubscription(ctx context.Context, s Subscription) error

	// DeleteSubscription removes the channel's subscription. The error has
	// code ENOTFOUND when the channel has none.
	DeleteSubscription(ctx context.Context, platform, channel string) error
}

// PeriodKind returns the subscription's period: PeriodDay, PeriodWeek or
// PeriodMonth.
func (s Subscription) PeriodKind() string {
	if s.Period == PeriodWeek || s.Period == PeriodMonth {
		return s.Period
	}
	return PeriodDay
}

// DeliveryKey returns the ledger key of the subscription's delivery dated
// date: a day's batch, or for a week or month subscription the period
// that starts on date, whose row is the channel's with "#week" or
// "#month" appended. A channel that switches between periods thus never
// mistakes one kind of delivery for another.
func (s Subscription) DeliveryKey(date string) DeliveryKey {
	k := DeliveryKey{Platform: s.Platform, Channel: s.Channel, Date: date}
	if p := s.PeriodKind(); p != PeriodDay {
		k.Channel += "#" + p
	}
	return k
}

// Schedule says when deliveries are due. cmd/paperboy makes them from
// cron expressions; bot needs only the next time after t.
type Schedule interface {
	Next(t time.Time) time.Time
}
