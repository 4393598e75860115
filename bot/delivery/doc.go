// Package delivery posts each batch to every subscribed channel exactly
// once: the Deliverer runs the claim–look–send–record protocol of
// docs/delivery.md against a bot.Ledger (leases with a heartbeat and
// fencing tokens, retries with backoff), and the Scheduler decides what is
// due from each subscription's schedule (days, weeks and months), catches
// up after downtime with one digest, posts notices for late or empty days,
// and keeps the day's post current (Refresh). FanOut gives each platform
// its own workers, for the scheduler and `paperboy post` alike.
//
// The domain it works on stays in bot: Subscription, Delivery, Claim, the
// Ledger, Chat and Editor interfaces, periods and their default schedules,
// and claim owners (NewOwner). bot never imports this package; the
// subscribe command reaches the scheduler through bot.Channels, whose
// fields cmd/paperboy fills from a Scheduler.
//
// It imports the standard library, paperboy/bot and paperboy/bot/text
// only.
package delivery
