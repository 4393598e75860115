package arxiv

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"paperboy/bot"
)

// Defaults for New.
const (
	// DefaultBaseURL is arXiv's API query endpoint.
	DefaultBaseURL = "https://export.arxiv.org/api/query"
	// DefaultRSSURL is the base of arXiv's RSS listings; the categories,
	// joined with "+", follow it.
	DefaultRSSURL = "https://rss.arxiv.org/rss/"
	// DefaultPageSize is how many results Fetch asks for per request.
	DefaultPageSize = 1000
	// DefaultMaxAttempts is how many times a request is tried before the
	// source counts as unavailable.
	DefaultMaxAttempts = 4
	// DefaultUserAgent identifies the bot to arXiv, as its terms ask.
	DefaultUserAgent = "paperboy (daily ML papers bot; arXiv API client)"
)

// DefaultCategories are the categories a Client follows when New is given
// none: machine learning, AI, language and ML statistics.
var DefaultCategories = []string{"cs.LG", "cs.AI", "cs.CL", "stat.ML"}

// arXiv's API limits: results per request, and per query over all pages.
const (
	maxPageSize = 2000
	maxResults  = 30000
)

// Limiter spaces requests out; *rate.Limiter implements it.
type Limiter interface {
	Wait(ctx context.Context) error
}

// sharedLimiter keeps every Client made by New, together, to arXiv's
// limit of one request every 3 seconds: the limit is per client machine,
// not per Client value.
var sharedLimiter = rate.NewLimiter(rate.Every(3*time.Second), 1)

// Client reads arXiv's API and listings. It implements bot.Source. Its
// fields may be changed after New and before first use.
type Client struct {
	// BaseURL is the API query endpoint (DefaultBaseURL).
	BaseURL string
	// RSSURL is the base of the RSS listings, used by Listing.
	RSSURL string
	// Categories are the arXiv categories to follow ("cs.LG").
	Categories []string
	// PageSize is the number of results asked for per API request, at most
	// 2000 (arXiv's limit).
	PageSize int
	// MaxAttempts bounds the tries of one request (429, 5xx, network
	// errors and empty pages are retried).
	MaxAttempts int
	// UserAgent is sent with every request.
	UserAgent string
	// HTTPClient makes the requests; its Timeout bounds each try.
	HTTPClient *http.Client
	// Logger gets retries and unreadable entries.
	Logger *slog.Logger
	// Limiter is consulted before every request, retries included.
	Limiter Limiter
	// Sleep waits between tries; tests replace it to skip the waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock, used to tell a day that arXiv has not announced yet.
	Now func() time.Time
}

var _ bot.Source = (*Client)(nil)

// New returns a Client for the API at baseURL (DefaultBaseURL when empty)
// following categories (DefaultCategories when empty). All Clients made by
// New share one limiter of one request per 3 seconds.
func New(baseURL string, categories []string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if len(categories) == 0 {
		categories = DefaultCategories
	}
	return &Client{
		BaseURL:     baseURL,
		RSSURL:      DefaultRSSURL,
		Categories:  slices.Clone(categories),
		PageSize:    DefaultPageSize,
		MaxAttempts: DefaultMaxAttempts,
		UserAgent:   DefaultUserAgent,
		HTTPClient:  &http.Client{Timeout: 60 * time.Second, Transport: transport},
		Logger:      slog.Default(),
		Limiter:     sharedLimiter,
		Sleep:       bot.Sleep,
		Now:         time.Now,
	}
}

// Name returns "arxiv".
func (c *Client) Name() string { return "arxiv" }

// Fetch returns the papers arXiv announced in the listing dated date, in
// the client's categories, newest first.
//
// A day maps onto arXiv through the announcement schedule. The listing
// dated D goes out at 20:00 US Eastern the evening before (Sunday evening
// for Monday), about midnight UTC, and announces the new submissions
// received between the two 14:00 ET cutoffs before it: the listing dated
// Thursday has what was submitted from Tuesday 14:00 to Wednesday 14:00 ET.
// Fetch asks the API for submittedDate in that window, sorted by
// submission date and paged, and keeps the entries whose v1 time falls in
// it and whose primary category is one the client follows. These are the
// listing's new submissions, what the RSS listing marks "new" (ParseRSS
// dates only those): replacements are not in the window, and cross-lists
// from other categories are left out, as in the listing's own "new"
// section; follow their category to get them. This works for any past day, not only the
// latest listing, and because the windows of consecutive weekdays meet,
// every paper lands in exactly one day's batch. Two things it cannot see:
// a paper arXiv held for moderation is announced later than its window,
// and on an arXiv holiday the window's papers come out with the next
// listing (fetching the day again after that picks them up).
//
// Weekends, days arXiv has not announced yet and days with nothing in the
// categories give ENOBATCH. A rejected query gives EINVALID with arXiv's
// message. 429, 5xx, network errors and the empty pages arXiv sends when it
// throttles are retried MaxAttempts times with backoff (Retry-After when
// given), then give EUNAVAILABLE. arXiv has no upvotes, so bot.RankPapers
// orders the batch by submission time, newest first.
func (c *Client) Fetch(ctx context.Context, date string) (bot.Batch, error) {
	date, err := bot.ParseDate(date)
	if err != nil {
		return bot.Batch{}, err
	}
	day, _ := time.Parse(bot.DateLayout, date)
	if bot.IsWeekend(date) {
		return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "arXiv announces no papers on weekends, and %s is a %s.", date, day.Weekday())
	}
	w := listingWindow(day)
	if c.now().Before(w.Announced) {
		return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "arXiv has not announced the papers for %s yet; they come out at %s UTC.", date, w.Announced.Format("2006-01-02 15:04"))
	}
	query, err := c.searchQuery(w)
	if err != nil {
		return bot.Batch{}, err
	}
	papers, err := c.collect(ctx, date, query, w)
	if err != nil {
		return bot.Batch{}, err
	}
	if len(papers) == 0 {
		return bot.Batch{}, bot.Errorf(bot.ENOBATCH, "arXiv announced nothing for %s in %s.", date, strings.Join(c.Categories, ", "))
	}
	bot.RankPapers(papers)
	return bot.Batch{Date: date, Source: c.Name(), Papers: papers}, nil
}

// category matches an arXiv category name: "cs.LG", "hep-th", "cond-mat.str-el".
var category = regexp.MustCompile(`^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$`)

// searchQuery returns the API search_query for the window in the
// client's categories. The range is inclusive, to the minute; collect
// drops what falls outside [Start, End).
func (c *Client) searchQuery(w window) (string, error) {
	if err := c.checkCategories(); err != nil {
		return "", err
	}
	cats := make([]string, len(c.Categories))
	for i, cat := range c.Categories {
		cats[i] = "cat:" + cat
	}
	const minute = "200601021504"
	return "(" + strings.Join(cats, " OR ") + ") AND submittedDate:[" +
		w.Start.Format(minute) + " TO " + w.End.Format(minute) + "]", nil
}

// checkCategories reports an EINVALID error when the client has no
// categories or one that cannot be an arXiv category name (see
// CheckCategories).
func (c *Client) checkCategories() error { return CheckCategories(c.Categories) }

// CheckCategories reports an EINVALID error when categories is empty or
// holds one that cannot be an arXiv category name, which would also change
// the meaning of the query it is put in. It is the one check of
// source.arxiv.categories: config loading calls it too.
func CheckCategories(categories []string) error {
	if len(categories) == 0 {
		return bot.Errorf(bot.EINVALID, "No arXiv categories are configured; set source.arxiv.categories, e.g. [cs.LG, cs.AI].")
	}
	for _, cat := range categories {
		if !category.MatchString(cat) {
			return bot.Errorf(bot.EINVALID, "%q is not an arXiv category; use names like cs.LG or stat.ML in source.arxiv.categories.", cat)
		}
	}
	return nil
}

// collect pages through the query's results and returns the papers
// submitted inside the window, each once.
func (c *Client) collect(ctx context.Context, date, query string, w window) ([]bot.Paper, error) {
	var papers []bot.Paper
	seen := make(map[string]bool)
	outside, crossed := 0, 0
	keep := func(it bot.Item) error {
		p := it.Paper
		switch {
		case p.Published.Before(w.Start) || !p.Published.Before(w.End):
			outside++
		case len(p.Categories) == 0 || !slices.Contains(c.Categories, p.Categories[0]):
			crossed++ // a cross-list: its primary category is not followed
		case !seen[p.ID]:
			seen[p.ID] = true
			papers = append(papers, p)
		}
		return nil
	}
	for start := 0; ; {
		u, err := c.pageURL(query, start)
		if err != nil {
			return nil, err
		}
		info, err := c.apiPage(ctx, date, u, start, keep)
		if err != nil {
			return nil, err
		}
		if start += info.Entries; info.Entries == 0 || start >= info.Total {
			break
		}
		if start >= maxResults {
			c.logger().Warn("arxiv results truncated", "date", date, "total", info.Total, "kept", len(papers))
			break
		}
	}
	c.logger().Debug("arxiv entries dropped", "date", date, "outside_window", outside, "cross_lists", crossed)
	return papers, nil
}

// pageURL returns the API URL of one page of results.
func (c *Client) pageURL(query string, start int) (string, error) {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return "", bot.Errorf(bot.EINVALID, "source.arxiv.base_url %q is not a URL.", c.BaseURL)
	}
	q := u.Query()
	q.Set("search_query", query)
	q.Set("sortBy", "submittedDate")
	q.Set("sortOrder", "descending")
	q.Set("start", strconv.Itoa(start))
	q.Set("max_results", strconv.Itoa(c.pageSize()))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// apiPage fetches one page and passes its entries to keep. An empty page
// before the end of the results is arXiv throttling, and is retried.
func (c *Client) apiPage(ctx context.Context, date, u string, start int, keep func(bot.Item) error) (feedInfo, error) {
	var info feedInfo
	err := c.get(ctx, date, u, func(body []byte) error {
		var items []bot.Item
		var err error
		info, err = decodeAtom(bytes.NewReader(body), func(it bot.Item) error {
			items = append(items, it)
			return nil
		}, c.logSkip)
		switch {
		case bot.ErrorCode(err) == bot.EINVALID:
			return err
		case err != nil:
			return &failure{reason: "unreadable response"}
		case info.Entries == 0 && info.Total > start:
			return &failure{reason: "empty page"}
		}
		for _, it := range items {
			if err := keep(it); err != nil {
				return err
			}
		}
		return nil
	})
	return info, err
}

// logSkip logs an entry that could not be read.
func (c *Client) logSkip(s bot.Skip) {
	c.logger().Warn("arxiv entry skipped", "where", s.Where, "reason", s.Reason)
}

func (c *Client) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

func (c *Client) logger() *slog.Logger {
	l := c.Logger
	if l == nil {
		l = slog.Default()
	}
	return l.With("adapter", "arxiv")
}

func (c *Client) pageSize() int {
	if c.PageSize <= 0 {
		return DefaultPageSize
	}
	return min(c.PageSize, maxPageSize)
}
