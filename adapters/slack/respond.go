package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

// Slack accepts up to 5 messages on one response_url, within 30 minutes.
const (
	maxResponses    = 5
	responseTimeout = 10 * time.Second
)

// payload is a message posted to a response_url.
type payload struct {
	Text            string          `json:"text"`
	Blocks          []slackgo.Block `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	UnfurlLinks     bool            `json:"unfurl_links"`
	UnfurlMedia     bool            `json:"unfurl_media"`
}

// target is where an answer goes: the response_url of the request, or, when
// it has none, an ephemeral message to the user in the channel.
type target struct {
	responseURL string
	channel     string
	user        string
	// replace replaces the message whose button was pressed (an ephemeral
	// page of results), instead of adding a new one.
	replace bool
}

// respond shows msgs to the user who asked, ephemerally. Failures are
// logged: there is no one else to tell.
func (a *Adapter) respond(ctx context.Context, to target, msgs []message) {
	ctx, cancel := context.WithTimeout(ctx, responseTimeout)
	defer cancel()
	if len(msgs) > maxResponses {
		a.log.Warn("reply cut to the messages a response_url takes", "messages", len(msgs), "channel", to.channel)
		msgs = msgs[:maxResponses]
	}
	for i, m := range msgs {
		var err error
		if validResponseURL(to.responseURL) {
			err = a.postResponse(ctx, to.responseURL, payload{
				Text: m.Text, Blocks: m.Blocks, ResponseType: slackgo.ResponseTypeEphemeral,
				ReplaceOriginal: to.replace && i == 0,
			})
		} else {
			err = a.postEphemeral(ctx, to.channel, to.user, m)
		}
		if err != nil {
			a.log.Warn("answer not delivered", "channel", to.channel, "user", to.user, "error", err)
			return
		}
	}
}

// validResponseURL reports whether u can be posted to. It comes from a
// verified request; it is never logged, as it works like a password.
func validResponseURL(u string) bool {
	return bot.IsHTTPURL(u)
}

// postResponse posts p to a response_url, waiting out a 429 up to
// maxRateLimitWaits times (the only failure bot.Retry sees: it counts
// them). Nothing else is retried: after a 5xx the message may have been
// shown already.
func (a *Adapter) postResponse(ctx context.Context, u string, p payload) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	return a.do(ctx, a.policy(maxRateLimitWaits+1, false), func() error {
		wait, err := a.postResponseOnce(ctx, u, body)
		if err != nil && wait > 0 {
			return bot.Transient(err, wait)
		}
		return err
	})
}

// postResponseOnce makes one POST and returns how long to wait before
// trying again when the answer is a 429.
func (a *Adapter) postResponseOnce(ctx context.Context, u string, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, errors.New("post response: bad response_url")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := a.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is a credential: keep it out of the error
		}
		return 0, fmt.Errorf("post response: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return max(bot.RetryAfter(resp.Header, time.Now()), time.Second), errors.New("post response: status 429")
	case resp.StatusCode/100 != 2:
		return 0, fmt.Errorf("post response: status %d: %q", resp.StatusCode, msg)
	}
	return 0, nil
}

// postEphemeral shows m to user in channel with chat.postEphemeral, for
// requests that came without a response_url.
func (a *Adapter) postEphemeral(ctx context.Context, channel, user string, m message) error {
	if channel == "" || user == "" {
		return errors.New("post ephemeral: no response_url, channel or user")
	}
	return a.retry(ctx, false, func() error {
		_, err := a.api.PostEphemeralContext(ctx, channel, user,
			slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...),
			slackgo.MsgOptionDisableLinkUnfurl(), slackgo.MsgOptionDisableMediaUnfurl())
		if err != nil {
			return fmt.Errorf("post ephemeral: %w", err)
		}
		return nil
	})
}
