package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"paperboy/bot"
)

var postCommand = &command{
	usage: "post [--date YYYY-MM-DD] [--dry-run] [--json]",
	help: "Deliver the day's batch to every subscribed channel now, through the delivery ledger.\n" +
		"The batch is --date's, or the newest stored one; a channel that already has it gets nothing.\n" +
		"--dry-run prints what would go where and sends nothing.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "the batch, YYYY-MM-DD (default: the newest stored)")
		fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be sent; send nothing")
		fs.BoolVar(&o.json, "json", false, "print JSON")
	},
	run: runPost,
}

// planJSON is one channel's part of `post --dry-run --json`.
type planJSON struct {
	Platform string     `json:"platform"`
	Channel  string     `json:"channel"`
	Style    string     `json:"style"`
	State    string     `json:"state"` // the ledger's: "" (never tried), pending, sent, failed
	Posts    []postJSON `json:"posts"`
}

type postJSON struct {
	Key    string   `json:"key"`
	Title  string   `json:"title,omitempty"`
	Text   string   `json:"text,omitempty"`
	Papers []string `json:"papers"`
}

func runPost(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 0 {
		return usageErrorf("post takes no arguments; got %q", strings.Join(args, " "))
	}
	a, sched, subs, err := m.setupDelivery(ctx, o)
	if err != nil {
		return err
	}
	b, err := postBatch(ctx, a, o.date)
	if err != nil {
		return err
	}
	if o.dryRun {
		return m.printPlan(ctx, a, sched.Deliverer, subs, b, o.json)
	}
	return m.deliverAll(ctx, a, sched.Deliverer, subs, b, o.json)
}

// setupDelivery is setup for the commands that deliver or report on
// deliveries: the platforms, the scheduler wired to them, and the
// subscriptions, with the config file's synced in first.
func (m *Main) setupDelivery(ctx context.Context, o *options) (*app, *bot.Scheduler, []bot.Subscription, error) {
	a, err := m.setup(o)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := newPlatforms(a, a.engine)
	if err != nil {
		return nil, nil, nil, err
	}
	sched := newScheduler(a, p, nil)
	if err := syncSubscriptions(ctx, a, a.db, sched); err != nil {
		return nil, nil, nil, err
	}
	subs, err := a.db.Subscriptions(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return a, sched, subs, nil
}

// postBatch returns the batch to post: the day asked for, which must be
// stored, or the newest stored one.
func postBatch(ctx context.Context, a *app, date string) (bot.Batch, error) {
	day, err := a.engine.Day(date)
	if err != nil {
		return bot.Batch{}, err
	}
	b, err := a.engine.Today(ctx, day)
	switch {
	case err != nil && bot.ErrorCode(err) == bot.ENOTFOUND:
		return bot.Batch{Date: day}, nil
	case err != nil:
		return bot.Batch{}, err
	case date != "" && b.Date != day:
		return bot.Batch{}, bot.Errorf(bot.ENOTFOUND, "No batch stored for %s; run `paperboy fetch --date %s` first.", day, day)
	}
	return b, nil
}

// printPlan shows what post would send to each channel.
func (m *Main) printPlan(ctx context.Context, a *app, d *bot.Deliverer, subs []bot.Subscription, b bot.Batch, asJSON bool) error {
	plans := []planJSON{}
	for _, sub := range subs {
		pl := planJSON{Platform: sub.Platform, Channel: sub.Channel, Style: sub.Style, Posts: []postJSON{}}
		if del, err := a.db.Delivery(ctx, bot.DeliveryKey{Platform: sub.Platform, Channel: sub.Channel, Date: b.Date}); err == nil {
			pl.State = del.State
		}
		if len(b.Papers) > 0 && pl.State != bot.DeliverySent {
			for _, post := range d.Plan(ctx, sub, b) {
				pj := postJSON{Key: post.Key, Title: post.Reply.Title, Text: post.Reply.Text, Papers: []string{}}
				for _, c := range post.Reply.Cards {
					pj.Papers = append(pj.Papers, c.ID)
				}
				pl.Posts = append(pl.Posts, pj)
			}
		}
		plans = append(plans, pl)
	}
	if asJSON {
		return writeJSON(m.Stdout, struct {
			Date       string     `json:"date"`
			DryRun     bool       `json:"dry_run"`
			Papers     int        `json:"papers"`
			Deliveries []planJSON `json:"deliveries"`
		}{b.Date, true, len(b.Papers), plans})
	}
	if len(plans) == 0 {
		fmt.Fprintf(m.Stdout, "%s: %d papers; no subscriptions, nothing to send\n", b.Date, len(b.Papers))
	}
	for _, pl := range plans {
		fmt.Fprintf(m.Stdout, "%s %s (%s): %d posts%s\n", pl.Platform, pl.Channel, pl.Style, len(pl.Posts), stateNote(pl.State))
	}
	return nil
}

func stateNote(state string) string {
	if state == "" {
		return ""
	}
	return "; ledger: " + state
}

// outcomeJSON is one channel's part of `post --json`.
type outcomeJSON struct {
	Platform string `json:"platform"`
	Channel  string `json:"channel"`
	// State is "sent" (by this run), "already sent" (before it, or by
	// another process meanwhile) or "failed".
	State    string `json:"state"`
	Messages int    `json:"messages"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
}

// deliverAll delivers b to every subscription through the engine's fan-out
// (a few channels at a time per platform, waiting out other processes'
// claims), prints each channel's outcome, and fails when any delivery
// failed.
func (m *Main) deliverAll(ctx context.Context, a *app, d *bot.Deliverer, subs []bot.Subscription, b bot.Batch, asJSON bool) error {
	if len(b.Papers) == 0 {
		return bot.Errorf(bot.ENOTFOUND, "No batch to post for %s; run `paperboy fetch` first.", b.Date)
	}
	outcomes := d.DeliverAll(ctx, subs, b, a.cfg.Delivery.Concurrency)
	out := make([]outcomeJSON, 0, len(outcomes))
	failed := 0
	for _, o := range outcomes {
		j := outcomeJSON{Platform: o.Sub.Platform, Channel: o.Sub.Channel, State: o.State,
			Messages: len(o.Delivery.Items), Attempts: o.Delivery.Attempts}
		if o.Err != nil {
			failed++
			j.Error = errorLine(o.Err)
		}
		out = append(out, j)
	}
	if asJSON {
		if err := writeJSON(m.Stdout, struct {
			Date       string        `json:"date"`
			Papers     int           `json:"papers"`
			Deliveries []outcomeJSON `json:"deliveries"`
		}{b.Date, len(b.Papers), out}); err != nil {
			return err
		}
	} else {
		for _, j := range out {
			state := j.State
			if j.Error != "" {
				state += ": " + j.Error
			}
			fmt.Fprintf(m.Stdout, "%s %s %s: %s\n", b.Date, j.Platform, j.Channel, state)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d deliveries failed; they are retried by `paperboy run`, or run post again", failed, len(subs))
	}
	return nil
}

var statusCommand = &command{
	usage: "status",
	help:  "Every subscription: its settings, where they come from, the last delivery and the next one.",
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		a, _, subs, err := m.setupDelivery(ctx, o)
		if err != nil {
			return err
		}
		if len(subs) == 0 {
			fmt.Fprintln(m.Stdout, "No subscriptions. Add them under subscriptions: in the config, or with /papers subscribe in a channel.")
		}
		for _, sub := range subs {
			r, err := a.engine.Handle(ctx, bot.Command{Name: bot.CmdStatus, Platform: sub.Platform, Channel: sub.Channel})
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%s %s\n%s\n\n", sub.Platform, sub.Channel, r.Text)
		}
		return nil
	},
}
