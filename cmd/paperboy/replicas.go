package main

import (
	"context"
	"errors"

	"paperboy/adapters/discord"
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
