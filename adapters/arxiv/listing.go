package arxiv

import (
	"bytes"
	"context"
	"strings"

	"paperboy/bot"
)

// Listing returns the papers of arXiv's latest announcement in the client's
// categories, read from the RSS listing at RSSURL: the new submissions only,
// dated with the listing's day. Unlike Fetch it is exact (it shows what
// arXiv announced, holidays and held papers included), but it serves only
// the latest listing, so it suits a check of "today" rather than the daily
// job. A listing with no new papers (arXiv's weekend skip days) gives
// ENOBATCH; failures are retried as in Fetch.
func (c *Client) Listing(ctx context.Context) (bot.Batch, error) {
	if err := c.checkCategories(); err != nil {
		return bot.Batch{}, err
	}
	u := c.RSSURL
	if u == "" {
		u = DefaultRSSURL
	}
	u = strings.TrimSuffix(u, "/") + "/" + strings.Join(c.Categories, "+")
	var b bot.Batch
	err := c.get(ctx, "the latest listing", u, func(body []byte) error {
		b = bot.Batch{Source: c.Name()}
		err := ParseRSS(bytes.NewReader(body), func(it bot.Item) error {
			if it.Date != "" {
				b.Date = it.Date
				b.Papers = append(b.Papers, it.Paper)
			}
			return nil
		}, c.logSkip)
		if err != nil {
			return &failure{reason: "unreadable response"}
		}
		return nil
	})
	if err != nil {
		return bot.Batch{}, err
	}
	if len(b.Papers) == 0 {
		return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "arXiv's latest listing for %s has no new papers (a weekend or holiday).", strings.Join(c.Categories, ", "))
	}
	bot.RankPapers(b.Papers)
	return b, nil
}
