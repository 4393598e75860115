package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"sync"
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

// verify checks that a request comes from Slack: its v0 signature, an
// HMAC-SHA256 with the signing secret over "v0:{timestamp}:{body}", and a
// timestamp within maxSkew of now. A request seen before (the same
// signature) is refused too, so a captured request cannot be replayed even
// inside the 5-minute window.
func (a *Adapter) verify(h http.Header, body []byte) error {
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
	if !a.replays.fresh(sig, now) {
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

// replayCache remembers the signatures of recent requests until their
// timestamps are too old to pass verify anyway.
type replayCache struct {
	mu   sync.Mutex
	seen map[string]time.Time // signature → when to forget it
}

// maxReplayEntries bounds the memory of replayCache under a flood of
// validly signed requests; past it the oldest entries are dropped early.
const maxReplayEntries = 50000

// fresh records sig and reports whether it was not seen before.
func (c *replayCache) fresh(sig string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	if until, ok := c.seen[sig]; ok && now.Before(until) {
		return false
	}
	if len(c.seen) >= maxReplayEntries {
		c.prune(now)
	}
	c.seen[sig] = now.Add(2 * maxSkew)
	return true
}

// prune forgets expired signatures, and the ones closest to expiry when
// that is not enough.
func (c *replayCache) prune(now time.Time) {
	for sig, until := range c.seen {
		if !now.Before(until) {
			delete(c.seen, sig)
		}
	}
	for cutoff := now.Add(maxSkew / 5); len(c.seen) >= maxReplayEntries; cutoff = cutoff.Add(maxSkew / 5) {
		for sig, until := range c.seen {
			if until.Before(cutoff) {
				delete(c.seen, sig)
			}
		}
	}
}
