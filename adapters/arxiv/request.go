package arxiv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"paperboy/bot"
)

// Request limits.
const (
	// maxBody bounds a response body; a page of 2000 entries is about 6 MB.
	maxBody = 32 << 20
	// baseBackoff is the wait before the first retry when arXiv gives no
	// Retry-After: arXiv's own request spacing. It doubles per retry, up
	// to maxBackoff, with jitter.
	baseBackoff = 3 * time.Second
	maxBackoff  = 30 * time.Second
	// maxRetryWait is the longest wait Fetch accepts; a longer Retry-After
	// ends the retries at once.
	maxRetryWait = 2 * time.Minute
)

// failure is a try that may succeed when repeated: 429, 5xx, a network
// error, or a response arXiv sends when it throttles.
type failure struct {
	reason     string        // for the final message: "HTTP 503", "timeout"
	retryAfter time.Duration // what the server asked for; 0 when it did not
}

func (f *failure) Error() string { return f.reason }

// get requests u until read accepts the body, a try fails for good, or
// the retries end (see retry); what names the request in the final error.
func (c *Client) get(ctx context.Context, what, u string, read func(body []byte) error) error {
	err := c.retry().Do(ctx, func(int) error {
		if err := c.limiter().Wait(ctx); err != nil {
			return fmt.Errorf("arxiv: wait for rate limit: %w", err)
		}
		err := c.try(ctx, u, read)
		var f *failure
		if errors.As(err, &f) {
			return bot.Transient(f, f.retryAfter)
		}
		return err // nil, or a failure that repeating will not fix
	})
	var re *bot.RetryError
	var last *failure
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re) && errors.As(re.Err, &last):
		noun := "tries"
		if re.Attempts == 1 {
			noun = "try"
		}
		return bot.Errorf(bot.EUNAVAILABLE, "arXiv did not answer for %s after %d %s (last: %s); try again later.", what, re.Attempts, noun, last.reason)
	case ctx.Err() != nil && err == ctx.Err(): // from the wait between tries
		return fmt.Errorf("arxiv: wait to retry: %w", err)
	}
	return err
}

// retry is the client's bot.Retry: MaxAttempts tries, backing off from
// arXiv's own request spacing, honouring a Retry-After up to maxRetryWait.
func (c *Client) retry() bot.Retry {
	return bot.Retry{
		Attempts:   c.maxAttempts(),
		Backoff:    baseBackoff,
		MaxBackoff: maxBackoff,
		MaxWait:    maxRetryWait,
		Sleep:      c.Sleep,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			c.logger().Warn("arxiv request failed, retrying", "reason", err.Error(), "attempt", attempt, "wait", wait)
		},
	}
}

// try makes one request and hands a 200 body to read.
func (c *Client) try(ctx context.Context, u string, read func(body []byte) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("arxiv: new request: %w", err)
	}
	ua := c.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.1")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return transportFailure(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return transportFailure(ctx, err)
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests || code >= 500:
		return &failure{reason: "HTTP " + strconv.Itoa(code), retryAfter: bot.RetryAfter(resp.Header, c.now())}
	case code == http.StatusBadRequest:
		return rejected(body)
	case code != http.StatusOK:
		return bot.Errorf(bot.EUNAVAILABLE, "arXiv answered HTTP %d; check source.arxiv.base_url.", code)
	case len(body) > maxBody:
		return fmt.Errorf("arxiv: response larger than %d bytes", maxBody)
	}
	return read(body)
}

// transportFailure classifies an error from sending a request or reading
// its response: the caller's cancellation ends the retries, anything else
// is worth another try.
func transportFailure(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("arxiv: %w", ctx.Err())
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &failure{reason: "timeout"}
	}
	return &failure{reason: "connection error"}
}

// rejected returns the EINVALID error for an HTTP 400 response, quoting the
// message of arXiv's error entry when the body has one.
func rejected(body []byte) error {
	_, err := decodeAtom(bytes.NewReader(body), func(bot.Item) error { return nil }, func(bot.Skip) {})
	if bot.ErrorCode(err) == bot.EINVALID {
		return err
	}
	return bot.Errorf(bot.EINVALID, "arXiv rejected the query (HTTP 400).")
}

func (c *Client) limiter() Limiter {
	if c.Limiter == nil {
		return sharedLimiter
	}
	return c.Limiter
}

func (c *Client) httpClient() *http.Client {
	if c.HTTPClient == nil {
		return defaultHTTPClient
	}
	return c.HTTPClient
}

// defaultHTTPClient serves a Client whose HTTPClient is nil.
var defaultHTTPClient = &http.Client{Timeout: 60 * time.Second, Transport: transport}

// transport is the connections of every Client's default HTTP client,
// from bot.NewTransport like every outbound client's.
var transport = bot.NewTransport()

func (c *Client) maxAttempts() int {
	if c.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return c.MaxAttempts
}
