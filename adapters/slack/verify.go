package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// maxSkew is how far a request's timestamp may be from our clock, as Slack
// recommends: older requests are replays.
const maxSkew = 5 * time.Minute

// Why a request was refused. They are logged, never shown to the caller.
var (
	errNoSecret       = errors.New("no signing secret configured")
	errMissingHeaders = errors.New("missing signature headers")
	errBadTimestamp   = errors.New("bad timestamp")
	errStale          = errors.New("timestamp more than 5 minutes off")
	errBadSignature   = errors.New("bad signature")
	errReplayed       = errors.New("replayed request")
)

// refused reports whether err is one of verify's refusals, rather than a
// failure to check.
func refused(err error) bool {
	for _, r := range []error{errNoSecret, errMissingHeaders, errBadTimestamp, errStale, errBadSignature, errReplayed} {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}

// Replays remembers the requests answered already; store.DB implements it,
// so that the memory survives a restart.
type Replays interface {
	// Seen records key until the time until and reports whether it was
	// recorded already and has not expired.
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}

// verify checks that a request comes from Slack: its v0 signature, an
// HMAC-SHA256 with the signing secret over "v0:{timestamp}:{body}", and a
// timestamp within maxSkew of now. A request seen before (the same
// signature, kept in Config.Replays until its timestamp is too old anyway)
// is refused too, so a captured request cannot be replayed inside the
// 5-minute window, even after a restart. Any other error is the store's.
func (a *Adapter) verify(ctx context.Context, h http.Header, body []byte) error {
	if a.cfg.SigningSecret == "" {
		return errNoSecret
	}
	stamp, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if stamp == "" || sig == "" {
		return errMissingHeaders
	}
	secs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	now := a.cfg.Now()
	if d := now.Sub(time.Unix(secs, 0)); d > maxSkew || d < -maxSkew {
		return errStale
	}
	if !hmac.Equal([]byte(sig), []byte(sign(string(a.cfg.SigningSecret), stamp, body))) {
		return errBadSignature
	}
	seen, err := a.replays.Seen(ctx, "slack:"+sig, time.Unix(secs, 0).Add(maxSkew+time.Second))
	switch {
	case err != nil:
		return err
	case seen:
		return errReplayed
	}
	return nil
}

// sign returns the v0 signature of a request body.
func sign(secret, stamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
