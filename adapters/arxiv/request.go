package arxiv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
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

func (f *failure) Error() string { return "arxiv: " + f.reason }

// get requests u until read accepts the body, a try fails for good, or
// MaxAttempts tries failed; what names the request in the final error.
func (c *Client) get(ctx context.Context, what, u string, read func(body []byte) error) error {
	var last *failure
	tries := 0
	for tries < c.maxAttempts() {
		if tries > 0 {
			wait := c.backoff(tries, last.retryAfter)
			if wait > maxRetryWait {
				break
			}
			c.logger().Warn("arxiv request failed, retrying", "reason", last.reason, "attempt", tries, "wait", wait)
			if err := c.sleep(ctx, wait); err != nil {
				return fmt.Errorf("arxiv: wait to retry: %w", err)
			}
		}
		if err := c.limiter().Wait(ctx); err != nil {
			return fmt.Errorf("arxiv: wait for rate limit: %w", err)
		}
		tries++
		err := c.try(ctx, u, read)
		if !errors.As(err, &last) {
			return err // nil, or a failure that repeating will not fix
		}
	}
	noun := "tries"
	if tries == 1 {
		noun = "try"
	}
	return bot.Errorf(bot.EUNAVAILABLE, "arXiv did not answer for %s after %d %s (last: %s); try again later.", what, tries, noun, last.reason)
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
		return &failure{reason: "HTTP " + strconv.Itoa(code), retryAfter: retryAfter(resp.Header.Get("Retry-After"), c.now())}
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

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// It returns 0 when there is none or it cannot be read.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil {
		return time.Duration(max(s, 0)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// backoff returns the wait after the n-th failed try: the server's
// Retry-After when it gave one, else an exponential delay with jitter, so
// that restarted bots do not retry in step.
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	d := min(baseBackoff<<(n-1), maxBackoff)
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep == nil {
		return sleep(ctx, d)
	}
	return c.Sleep(ctx, d)
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
var defaultHTTPClient = &http.Client{Timeout: 60 * time.Second}

func (c *Client) maxAttempts() int {
	if c.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return c.MaxAttempts
}
