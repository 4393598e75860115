package hf

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"paperboy/bot"
)

// Body limits: a 100-item page is about 1 MB, even with 600-author papers.
const (
	maxBody      = 32 << 20
	maxErrorBody = 64 << 10
)

// Backoff after a failure with no hint from the server: 1 s, 2 s, 4 s …
// up to 30 s, each with jitter (see bot.Retry).
const (
	backoffBase = time.Second
	backoffMax  = 30 * time.Second
)

// pageResult is one page of a day's list: the usable items, the skipped
// ones, and how many elements the page held in all.
type pageResult struct {
	items []bot.Item
	skips []bot.Skip
	count int
}

// failure describes one failed attempt. what is the short description that
// ends up in the user's message ("HTTP 503", "timeout"); cause is the
// underlying error, free of secrets. final, when set, ends the retries and
// is returned as is.
type failure struct {
	what  string
	cause error
	wait  time.Duration // wait asked for by the server; 0 means back off
	final error
}

// Error returns the short description.
func (f *failure) Error() string { return f.what }

// fetchPage gets one page, retrying on 429, 5xx and transport errors by
// the policy of retry.
func (c *Client) fetchPage(ctx context.Context, date string, page int) (pageResult, error) {
	var res pageResult
	err := c.retry(date, page).Do(ctx, func(int) error {
		r, f := c.attempt(ctx, date, page)
		switch {
		case f == nil:
			res = r
			return nil
		case f.final != nil:
			return f.final
		}
		return bot.Transient(f, f.wait)
	})
	var re *bot.RetryError
	var f *failure
	switch {
	case err == nil:
		return res, nil
	case !errors.As(err, &re) || !errors.As(re.Err, &f):
		return pageResult{}, fmt.Errorf("fetch daily papers: %w", err)
	case re.Wait > 0:
		msg := bot.Errorf(bot.EUNAVAILABLE,
			"Hugging Face asked paperboy to wait %s before asking again for %s (last: %s); try again then.",
			re.Wait.Round(time.Second), date, f.what)
		return pageResult{}, fmt.Errorf("fetch daily papers: %w: %w", f.cause, msg)
	}
	msg := bot.Errorf(bot.EUNAVAILABLE,
		"Hugging Face did not answer for %s after %d tries (last: %s); try again later.", date, re.Attempts, f.what)
	return pageResult{}, fmt.Errorf("fetch daily papers: %w: %w", f.cause, msg)
}

// retry is the client's bot.Retry: MaxAttempts tries, backing off from 1 s
// up to 30 s, honouring the server's wait up to MaxWait.
func (c *Client) retry(date string, page int) bot.Retry {
	return bot.Retry{
		Attempts:   cmp.Or(max(c.MaxAttempts, 0), defaultMaxAttempts),
		Backoff:    backoffBase,
		MaxBackoff: backoffMax,
		MaxWait:    cmp.Or(max(c.MaxWait, 0), defaultMaxWait),
		Sleep:      c.Sleep,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			var f *failure
			errors.As(err, &f)
			c.logger().Warn("daily papers request failed; retrying", "date", date, "page", page,
				"attempt", attempt, "failure", f.what, "error", f.cause, "wait", wait)
		},
	}
}

// attempt sends one request for a page and reads the answer.
func (c *Client) attempt(ctx context.Context, date string, page int) (pageResult, *failure) {
	if err := ctx.Err(); err != nil {
		return pageResult{}, &failure{final: fmt.Errorf("fetch daily papers: %w", err)}
	}
	req, err := c.newRequest(ctx, date, page)
	if err != nil {
		return pageResult{}, &failure{final: fmt.Errorf("fetch daily papers: %w", err)}
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return pageResult{}, transportFailure(ctx, err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return pageResult{}, c.statusFailure(date, resp)
	}
	return readPage(resp.Body)
}

// newRequest builds the GET for one page of a day.
func (c *Client) newRequest(ctx context.Context, date string, page int) (*http.Request, error) {
	q := url.Values{"date": {date}, "limit": {strconv.Itoa(pageSize)}, "p": {strconv.Itoa(page)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL()+"/api/daily_papers?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", firstNonEmpty(c.UserAgent, DefaultUserAgent))
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+string(c.Token))
	}
	return req, nil
}

// readPage decodes a 200 answer. A body that is not a JSON array or breaks
// off while being read is worth another try; one over maxBody is not.
func readPage(body io.Reader) (pageResult, *failure) {
	var res pageResult
	lr := &io.LimitedReader{R: body, N: maxBody}
	er := &errReader{r: lr}
	count, err := decodeDaily(er, func(it bot.Item) error {
		res.items = append(res.items, it)
		return nil
	}, func(s bot.Skip) { res.skips = append(res.skips, s) })
	switch {
	case er.err != nil:
		return res, &failure{what: "an incomplete answer", cause: stripURL(er.err)}
	case lr.N <= 0:
		msg := bot.Errorf(bot.EUNAVAILABLE, "Hugging Face sent more than %d MB for one page; paperboy did not read it.", maxBody>>20)
		return res, &failure{final: fmt.Errorf("fetch daily papers: %w", msg)}
	case errors.Is(err, errNotArray):
		return res, &failure{what: "an answer that is not a list of papers", cause: err}
	case err != nil:
		return res, &failure{what: "an incomplete answer", cause: stripURL(err)}
	}
	res.count = count
	return res, nil
}

// errReader remembers the last read error other than io.EOF. The JSON
// decoder reports a body cut off by the network (io.ErrUnexpectedEOF) the
// same way as JSON that ends too early; this tells the two apart.
type errReader struct {
	r   io.Reader
	err error
}

// Read reads from the underlying reader, noting any failure.
func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// statusFailure describes an answer other than 200. Only 429 and 5xx are
// worth another try.
func (c *Client) statusFailure(date string, resp *http.Response) *failure {
	code := resp.StatusCode
	c.logger().Debug("daily papers error answer", "date", date, "status", code, "body", bodySnippet(resp.Body))
	f := &failure{what: fmt.Sprintf("HTTP %d", code), cause: fmt.Errorf("status %d", code)}
	switch {
	case code == http.StatusTooManyRequests:
		f.wait = bot.RetryAfter(resp.Header, c.now())
		if f.wait == 0 {
			f.wait = rateLimitReset(resp.Header.Get("RateLimit"))
		}
	case code >= 500:
		f.wait = bot.RetryAfter(resp.Header, c.now())
	case code == http.StatusBadRequest:
		f.final = bot.Errorf(bot.EINVALID,
			"Hugging Face has no Daily Papers list for %s: it rejects dates that are invalid or still in the future (days are counted in UTC).", date)
	case (code == http.StatusUnauthorized || code == http.StatusForbidden) && c.Token != "":
		f.final = bot.Errorf(bot.EUNAVAILABLE,
			"Hugging Face refused the request for %s (HTTP %d); check the Hugging Face token in the configuration.", date, code)
	default:
		f.final = bot.Errorf(bot.EUNAVAILABLE, "Hugging Face refused the request for %s (HTTP %d).", date, code)
	}
	if f.final != nil {
		f.final = fmt.Errorf("fetch daily papers: %w: %w", f.cause, f.final)
	}
	return f
}

// rateLimitReset reads the seconds until reset from a RateLimit header
// (`"api";r=0;t=55`, IETF draft 09). Of several policies it takes the
// exhausted one (r=0), else the longest. It returns 0 when there is none.
func rateLimitReset(v string) time.Duration {
	var exhausted, longest int64
	for _, item := range strings.Split(v, ",") {
		params := paramsOf(item)
		t, err := strconv.ParseInt(params["t"], 10, 64)
		if err != nil || t <= 0 || t > 1<<31 {
			continue
		}
		longest = max(longest, t)
		if params["r"] == "0" {
			exhausted = max(exhausted, t)
		}
	}
	if exhausted > 0 {
		return time.Duration(exhausted) * time.Second
	}
	return time.Duration(longest) * time.Second
}

// paramsOf parses the `;key=value` parameters of one structured-field item.
func paramsOf(item string) map[string]string {
	params := make(map[string]string)
	for _, p := range strings.Split(item, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			params[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return params
}

// transportFailure describes an error from sending a request. It ends the
// retries when ctx is done.
func transportFailure(ctx context.Context, err error) *failure {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &failure{final: fmt.Errorf("fetch daily papers: %w", ctxErr)}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &failure{what: "timeout", cause: stripURL(err)}
	}
	return &failure{what: "connection error", cause: stripURL(err)}
}

// stripURL drops the request URL that *url.Error puts in its message, to
// keep errors short and free of anything a base URL might carry.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// bodySnippet returns the start of an error body on one line, for debug
// logs; never a whole body.
func bodySnippet(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 512))
	return shorten(strings.Join(strings.Fields(string(b)), " "), 200)
}

// now returns the current time through the client's Now seam.
func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// httpClient returns the client's HTTP client, or one with the default
// timeout.
func (c *Client) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{Timeout: defaultTimeout, Transport: transport}
}

// transport is the connections of every Client's default HTTP client,
// from bot.NewTransport like every outbound client's.
var transport = bot.NewTransport()
