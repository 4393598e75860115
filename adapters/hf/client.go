package hf

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"paperboy/bot"
)

// DefaultBaseURL is the address of the Hugging Face Hub.
const DefaultBaseURL = "https://huggingface.co"

// DefaultUserAgent is the User-Agent sent when Client.UserAgent is empty.
const DefaultUserAgent = "paperboy (Daily Papers bot; Go)"

// Defaults for the zero values of Client's fields.
const (
	defaultTimeout     = 30 * time.Second
	defaultMaxAttempts = 4
	defaultMaxWait     = time.Minute
)

// Paging: HF serves at most 100 items a page. No real day comes close to 20
// pages; the cap only stops a server that never runs out.
const (
	pageSize = 100
	maxPages = 20
)

// Client fetches the Daily Papers list from the Hugging Face API. It
// implements bot.Source. The zero value works; New fills in the defaults
// explicitly so they can be read and changed.
type Client struct {
	// BaseURL is the Hub's address, DefaultBaseURL when empty.
	BaseURL string
	// Token is an optional Hugging Face access token, sent as a bearer
	// token. It raises the rate limit. It never appears in logs or errors.
	Token bot.Secret
	// UserAgent is sent with every request; DefaultUserAgent when empty.
	UserAgent string
	// HTTPClient sends the requests. Its Timeout bounds each attempt.
	HTTPClient *http.Client
	// Logger receives retries, skipped items and suspicious empty days.
	Logger *slog.Logger
	// MaxAttempts bounds the tries per page request (default 4).
	MaxAttempts int
	// MaxWait caps any one wait between tries (default one minute). When
	// Hugging Face asks for a longer wait, Fetch gives up at once with
	// EUNAVAILABLE instead of retrying too early.
	MaxWait time.Duration
	// Sleep waits d or until ctx is done, whichever comes first. Tests
	// replace it to record waits instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now returns the current time; it turns a Retry-After date into a
	// wait.
	Now func() time.Time
}

var _ bot.Source = (*Client)(nil)

// New returns a Client for the Hub at baseURL (DefaultBaseURL when ""),
// with its own HTTP client and the default limits.
func New(baseURL string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{
		BaseURL:     strings.TrimRight(baseURL, "/"),
		UserAgent:   DefaultUserAgent,
		HTTPClient:  &http.Client{Timeout: defaultTimeout, Transport: transport},
		Logger:      slog.Default(),
		MaxAttempts: defaultMaxAttempts,
		MaxWait:     defaultMaxWait,
		Sleep:       bot.Sleep,
		Now:         time.Now,
	}
}

// Name returns "hf", the source name stored with batches.
func (c *Client) Name() string { return "hf" }

// String describes the client by its address.
func (c Client) String() string { return "hf.Client(" + c.baseURL() + ")" }

// LogValue implements slog.LogValuer: the address, and the token as a
// bot.Secret prints it.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.baseURL()), slog.Any("token", c.Token))
}

// Fetch returns the Daily Papers batch for date (a UTC day, "2026-08-19"),
// ranked by bot.RankPapers. It asks for every page of the day, skips items
// it cannot read (logging them), and keeps one copy of each paper.
//
// Errors: EINVALID for a malformed date, or one Hugging Face rejects (a
// future day); ENOBATCH when the day has no papers (a weekend, or a weekday
// HF has not filled yet); EUNAVAILABLE when HF keeps failing after the
// retries, rate-limits for longer than MaxWait, or sends nothing readable.
func (c *Client) Fetch(ctx context.Context, date string) (bot.Batch, error) {
	day, err := bot.ParseDate(date)
	if err != nil {
		return bot.Batch{}, err
	}
	papers, listed, err := c.fetchAll(ctx, day)
	if err != nil {
		return bot.Batch{}, err
	}
	if len(papers) == 0 {
		return bot.Batch{}, c.emptyDay(day, listed)
	}
	bot.RankPapers(papers)
	c.logger().Debug("fetched daily papers", "date", day, "papers", len(papers))
	return bot.Batch{Date: day, Source: c.Name(), Papers: papers}, nil
}

// fetchAll reads the pages of a day until one comes back short. It returns
// the papers, deduplicated by id, and how many items HF listed in all.
func (c *Client) fetchAll(ctx context.Context, date string) ([]bot.Paper, int, error) {
	var papers []bot.Paper
	index := make(map[string]int)
	listed := 0
	for page := range maxPages {
		res, err := c.fetchPage(ctx, date, page)
		if err != nil {
			return nil, listed, err
		}
		listed += res.count
		c.report(date, page, res)
		added := merge(&papers, index, res.items)
		if res.count < pageSize || added == 0 {
			return papers, listed, nil
		}
	}
	c.logger().Warn("daily papers paging stopped at the page cap", "date", date, "pages", maxPages)
	return papers, listed, nil
}

// merge adds the items' papers that are not in papers yet and returns how
// many it added. Of two copies of a paper, the one with more upvotes wins.
func merge(papers *[]bot.Paper, index map[string]int, items []bot.Item) int {
	added := 0
	for _, it := range items {
		i, ok := index[it.Paper.ID]
		if !ok {
			index[it.Paper.ID] = len(*papers)
			*papers = append(*papers, it.Paper)
			added++
			continue
		}
		if it.Paper.Upvotes > (*papers)[i].Upvotes {
			(*papers)[i] = it.Paper
		}
	}
	return added
}

// report logs a page's skipped items, and items filed under another day,
// which would mean HF stopped honouring the date parameter.
func (c *Client) report(date string, page int, res pageResult) {
	for _, s := range res.skips {
		c.logger().Warn("skipped daily papers item", "date", date, "page", page, "where", s.Where, "reason", s.Reason)
	}
	other := 0
	for _, it := range res.items {
		if it.Date != "" && it.Date != date {
			other++
		}
	}
	if other > 0 {
		c.logger().Warn("daily papers items filed under another day", "date", date, "page", page, "items", other)
	}
}

// emptyDay explains a day with no usable papers. listed counts the items HF
// sent, all of which were skipped.
func (c *Client) emptyDay(date string, listed int) error {
	if listed > 0 {
		return bot.Errorf(bot.EUNAVAILABLE,
			"Hugging Face listed %d papers for %s, but none of them could be read; try again later.", listed, date)
	}
	if bot.IsWeekend(date) {
		return bot.Errorf(bot.ENOBATCH, "%s is a weekend; Hugging Face publishes no papers on weekends.", date)
	}
	c.logger().Warn("hugging face returned no papers for a weekday", "date", date)
	return bot.Errorf(bot.ENOBATCH,
		"Hugging Face has published no papers for %s yet; the list fills during the day (UTC), so try again later.", date)
}

// baseURL returns the Hub's address without a trailing slash.
func (c Client) baseURL() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimRight(c.BaseURL, "/")
}

// logger returns the client's logger, tagged with the adapter name.
func (c *Client) logger() *slog.Logger {
	l := c.Logger
	if l == nil {
		l = slog.Default()
	}
	return l.With("adapter", "hf")
}
