package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"paperboy/adapters/discord"
	"paperboy/bot"
	"paperboy/store"
)

// gatewayLock names the lock of the Discord gateway (see oneGateway).
const gatewayLock = "discord-gateway"

// oneGateway returns the Discord adapter's Run so that, when replicas share
// a PostgreSQL store, only the replica holding the gateway lock opens the
// gateway: Discord delivers each interaction to one session, so a second
// session would only split (or, with sharding misconfigured, double) the
// work. The others wait for the lock, asking every 2 s; a replica that dies
// frees it with its database session, so another opens the gateway within
// about 2 s of a kill, or about 25 s when the holder is cut off from the
// database (see store.Lock). A holder that loses its lock stops and exits
// with an error, for its supervisor to restart it as a waiting replica.
// Deliveries do not need the lock: every replica posts through the REST API.
// HTTP-interactions mode and SQLite stores run as before.
func oneGateway(a *app, d *discord.Adapter) func(context.Context) error {
	if !a.db.Postgres() || (a.cfg.Discord.Mode != "" && a.cfg.Discord.Mode != discord.ModeGateway) {
		return d.Run
	}
	return func(ctx context.Context) error {
		a.log.Info("waiting for the discord gateway lock: one replica holds the gateway")
		l, err := a.db.AcquireLock(ctx, gatewayLock)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		defer l.Release()
		a.log.Info("holding the discord gateway lock")
		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-l.Lost():
				cancel()
			case <-runCtx.Done():
			}
		}()
		err = d.Run(runCtx)
		select {
		case <-l.Lost():
			if ctx.Err() == nil {
				return errors.Join(err, errors.New("lost the discord gateway lock (database connection failed); exiting so that one replica holds the gateway"))
			}
		default:
		}
		return err
	}
}

// fetchFresh is how long a day's batch saved by one replica counts as
// fresh for the others (see onceSource).
const fetchFresh = 2 * time.Minute

// onceSource is the run command's Source when replicas share a PostgreSQL
// store: each replica's scheduler asks for the day's batch at the same
// times, and one of them fetches it. The fetch runs under the lock
// "fetch DATE"; the replica that holds it fetches and saves the batch
// before letting go, and a replica that finds the day saved less than
// fetchFresh ago uses the stored batch instead of asking the source. The
// engine saves what Fetch returns once more, which changes nothing.
type onceSource struct {
	bot.Source
	db  *store.DB
	now func() time.Time
}

// Fetch returns the day's batch, fetched by this replica or by another one
// moments ago.
func (s onceSource) Fetch(ctx context.Context, date string) (bot.Batch, error) {
	if b, ok := s.recent(ctx, date); ok {
		return b, nil
	}
	l, err := s.db.AcquireLock(ctx, "fetch "+date)
	if err != nil {
		return bot.Batch{}, err
	}
	defer l.Release()
	if b, ok := s.recent(ctx, date); ok {
		return b, nil
	}
	b, err := s.Source.Fetch(ctx, date)
	if err != nil {
		return bot.Batch{}, err
	}
	b.Limit() // as the engine would before storing it
	if _, err := s.db.SaveBatch(ctx, b); err != nil {
		return bot.Batch{}, fmt.Errorf("save batch %s: %w", b.Date, err)
	}
	return b, nil
}

// recent returns the stored batch of date when it was saved less than
// fetchFresh ago.
func (s onceSource) recent(ctx context.Context, date string) (bot.Batch, bool) {
	at, err := s.db.FetchedAt(ctx, date)
	if err != nil || s.now().Sub(at) >= fetchFresh {
		return bot.Batch{}, false
	}
	b, err := s.db.Batch(ctx, date)
	if err != nil || b.Date != date {
		return bot.Batch{}, false
	}
	return b, true
}
