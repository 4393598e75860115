package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Budget is a rate budget shared with the other processes that use the
// same credential (replicas on one database); store.DB implements it, by
// the generic cell rate algorithm on PostgreSQL. Reserve books one request
// under the budget called name (one every `every`, bursts of burst; an
// every of 0 books nothing and reads the pause a Hold left) and says how
// long to wait before sending it; Hold makes every booking wait d from
// now, as a 429 asks.
//
// It is one of paperboy's rate limiters, which are five kinds because
// they mean five things:
//
//   - a fixed rate kept in one process: golang.org/x/time/rate's Limiter
//     (arXiv's one request per 3 s, Slack's chat.update tier);
//   - a spacing from each request's departure (Slack's one post a second
//     per channel, whose post the workspace's gate may hold past its
//     slot): a time per key, which a token bucket cannot move later;
//   - a count per window that the platform keeps (Discord's 50 requests a
//     second): a sliding window over the last starts, since a token bucket
//     with the same burst lets nearly twice the count into one window;
//   - a rate learned from the platform's 429s (Slack's chat.postMessage,
//     whose workspace limit is not published);
//   - this Budget, the same limit kept across processes: the two above
//     book their requests or share their pauses through it.
//
// Each waits through Sleep.
type Budget interface {
	Reserve(ctx context.Context, name string, every time.Duration, burst int) (time.Duration, error)
	Hold(ctx context.Context, name string, d, every time.Duration, burst int) error
}

// BudgetName names the budget of one limit of a platform's credential
// without the credential: a short hash of it, the same in every process.
func BudgetName(platform, token, limit string) string {
	sum := sha256.Sum256([]byte("paperboy budget " + token))
	return platform + ":" + hex.EncodeToString(sum[:8]) + ":" + limit
}
