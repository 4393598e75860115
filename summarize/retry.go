package summarize

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sashabaranov/go-openai"

	"paperboy/bot"
	"paperboy/bot/text"
)

// Retry policy (see Client.retry): a TL;DR is worth one more try, not a
// long wait.
const (
	maxAttempts  = 2
	retryBackoff = time.Second      // jittered down to half
	maxRetryWait = 10 * time.Second // a longer Retry-After is not waited for
)

// errEmpty is an answer without text: no choices, or empty content.
var errEmpty = errors.New("empty answer")

// errCutOff is an answer the token limit ended mid-way (finish_reason
// "length"): its first words may still pass as a sentence, so it is refused.
var errCutOff = errors.New("answer cut off by the token limit")

// retryable reports whether err is transient: 429, a 5xx, or a transport
// failure such as a timeout or a refused connection.
func retryable(err error) bool {
	if errors.Is(err, errEmpty) || errors.Is(err, errCutOff) || errors.Is(err, errTooLarge) {
		return false
	}
	switch code := httpStatus(err); {
	case bot.RetryableStatus(code):
		return true
	case code != 0:
		return false
	}
	var ue *url.Error
	return errors.As(err, &ue)
}

// httpStatus returns the HTTP status of an error from go-openai, or 0 when
// there was no response. *openai.RequestError must be checked first: for a
// body like {"error":"model not found"} it wraps an empty *openai.APIError
// whose status is 0.
func httpStatus(err error) int {
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode
	}
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	return 0
}

// userError turns a failure into the EUNAVAILABLE error callers get. It
// names the host and the status only: never a path, the key or a body.
func (c *Client) userError(err error) error {
	switch {
	case errors.Is(err, errEmpty):
		return bot.Errorf(bot.EUNAVAILABLE, "The LLM at %s returned an empty answer.", c.host)
	case errors.Is(err, errCutOff):
		return bot.Errorf(bot.EUNAVAILABLE, "The LLM at %s ran out of tokens before finishing its answer.", c.host)
	}
	return endpoint{name: "The LLM at " + c.host, timeout: c.timeout, limit: maxResponseBody,
		key: "the API key", url: "the base URL (it usually ends in /v1) and the model name"}.error(err)
}

// endpoint names an OpenAI-compatible endpoint in the errors users see.
type endpoint struct {
	name     string        // "The LLM at host"
	timeout  time.Duration // one attempt's
	limit    int64         // the largest answer read
	key, url string        // what to check on a refusal, and on a 404
	// said, when set, is the server's own message (serverMessage), quoted
	// after the status.
	said string
}

// error turns a failed call into an EUNAVAILABLE error that names the
// endpoint and the status only: never a path, the key or a body.
func (e endpoint) error(err error) error {
	code := httpStatus(err)
	status := "HTTP " + strconv.Itoa(code)
	if e.said != "" {
		status += fmt.Sprintf(" (%q)", e.said)
	}
	var ue *url.Error
	switch {
	case errors.Is(err, errTooLarge):
		return bot.Errorf(bot.EUNAVAILABLE, "%s sent an answer larger than %d KiB; paperboy did not read it.", e.name, e.limit>>10)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return bot.Errorf(bot.EUNAVAILABLE, "%s refused the request: %s; check %s.", e.name, status, e.key)
	case code == http.StatusNotFound:
		return bot.Errorf(bot.EUNAVAILABLE, "%s did not answer: %s; check %s.", e.name, status, e.url)
	case code != 0:
		return bot.Errorf(bot.EUNAVAILABLE, "%s did not answer: %s%s.", e.name, status, askedWait(err))
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ue) && ue.Timeout()):
		return bot.Errorf(bot.EUNAVAILABLE, "%s did not answer within %s.", e.name, e.timeout)
	case ue != nil:
		return bot.Errorf(bot.EUNAVAILABLE, "%s could not be reached.", e.name)
	}
	return bot.Errorf(bot.EUNAVAILABLE, "%s sent an answer that could not be read.", e.name)
}

// describe is err for the debug log: the status and the server's message, or
// the transport failure without the URL; never the body, never the key.
func (c *Client) describe(err error) string {
	var (
		re *openai.RequestError
		ae *openai.APIError
		ue *url.Error
		s  string
	)
	switch {
	case errors.As(err, &re):
		s = "HTTP " + strconv.Itoa(re.HTTPStatusCode)
		if msg := serverMessage(err, c.apiKey); msg != "" {
			s += ": " + msg
		}
	case errors.As(err, &ae):
		s = fmt.Sprintf("HTTP %d: %s", ae.HTTPStatusCode, serverMessage(err, c.apiKey))
	case errors.As(err, &ue):
		s = ue.Op + ": " + ue.Err.Error()
	default:
		s = err.Error()
	}
	return text.Truncate(c.apiKey.RedactIn(s), 200)
}

// maxServerMessage bounds the server's message quoted in an error.
const maxServerMessage = 200

// serverMessage returns the message of an OpenAI-style error body
// ({"error":{"message":…}}), cleaned to one line, cut to maxServerMessage
// characters and with key redacted; "" when there is none. It is untrusted
// text: the renderers escape it like any other.
func serverMessage(err error, key bot.Secret) string {
	var ae *openai.APIError
	if !errors.As(err, &ae) || ae.Message == "" {
		return ""
	}
	return text.Truncate(text.CleanTitle(key.RedactIn(ae.Message)), maxServerMessage)
}

// askedWait says how long the server asked to wait when that was more than
// the retries wait for (bot.RetryError.Wait), or "".
func askedWait(err error) string {
	var re *bot.RetryError
	if errors.As(err, &re) && re.Wait > 0 {
		return fmt.Sprintf("; it asked to wait %s, try again later", re.Wait)
	}
	return ""
}
