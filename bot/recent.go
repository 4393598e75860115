package bot

import (
	"context"
	"sync"
	"time"
)

// RecentKeys remembers keys in memory until they expire: the replay memory
// of a chat adapter when no store is wired (tests, one-off commands). It
// forgets everything on restart; store.DB is the one that does not. The
// zero value is ready to use and safe for concurrent use.
type RecentKeys struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	mu   sync.Mutex
	seen map[string]time.Time // key → when to forget it
}

// maxRecentKeys bounds the memory of RecentKeys under a flood of valid
// requests; past it the keys closest to expiry are dropped early.
const maxRecentKeys = 50000

// Seen records key until the time until and reports whether it was
// recorded already and has not expired.
func (c *RecentKeys) Seen(_ context.Context, key string, until time.Time) (bool, error) {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	if t, ok := c.seen[key]; ok && now.Before(t) {
		return true, nil
	}
	if len(c.seen) >= maxRecentKeys {
		c.prune(now, until)
	}
	c.seen[key] = until
	return false, nil
}

// prune forgets expired keys, then the ones closest to expiry until there
// is room.
func (c *RecentKeys) prune(now, until time.Time) {
	step := max(until.Sub(now)/5, time.Second)
	for cutoff := now; len(c.seen) >= maxRecentKeys; cutoff = cutoff.Add(step) {
		for k, t := range c.seen {
			if !cutoff.Before(t) {
				delete(c.seen, k)
			}
		}
	}
}
