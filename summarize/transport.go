package summarize

import (
	"errors"
	"io"
	"net/http"
	"time"

	"paperboy/bot"
)

// Response limits. A TL;DR answer is under 2 KB of JSON; a reasoning
// model's, with its reasoning, a few dozen KB. An error body is shorter
// still. A server that sends more is broken or hostile, and reading it whole
// would cost its size in memory (go-openai reads error bodies with
// io.ReadAll and decodes answers into memory).
const (
	maxResponseBody   = 1 << 20
	maxResponseHeader = 64 << 10
	// maxEmbedBody bounds an embeddings answer: 2,048 texts (the largest
	// batch) of 3,072 dimensions as JSON floats come to about 130 MiB, the
	// defaults (32 of 768) to under 1 MiB.
	maxEmbedBody = 160 << 20
)

// errTooLarge is an answer over its limit; it is not retried.
var errTooLarge = errors.New("answer larger than the limit")

// newTransport returns the client's transport: http.DefaultTransport's
// settings with a bound on response headers, under limitTransport with a
// bound of limit bytes on response bodies.
func newTransport(limit int64) http.RoundTripper {
	base := bot.NewTransport()
	base.MaxResponseHeaderBytes = maxResponseHeader
	return limitTransport{base: base, limit: limit}
}

// limitTransport bounds every response body to limit bytes, and records
// Retry-After into the request's retryHint (go-openai's errors do not keep
// response headers). RoundTrip runs in the caller's goroutine, so the hint
// is read there without a race.
type limitTransport struct {
	base  http.RoundTripper
	limit int64
}

// RoundTrip implements http.RoundTripper.
func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	if hint, ok := r.Context().Value(hintKey{}).(*retryHint); ok {
		hint.after = bot.RetryAfter(resp.Header, time.Now())
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.limit}
	return resp, nil
}

// limitedBody reads at most left bytes, then fails with errTooLarge rather
// than ending early: a cut answer must not pass as a short one.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

// Read implements io.Reader.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe for one more byte, so that a body of exactly the limit
		// still ends cleanly.
		var one [1]byte
		if n, err := b.rc.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close implements io.Closer.
func (b *limitedBody) Close() error { return b.rc.Close() }

// hintKey carries a *retryHint in a request's context to limitTransport.
type hintKey struct{}

// retryHint receives the Retry-After of the last response.
type retryHint struct{ after time.Duration }
