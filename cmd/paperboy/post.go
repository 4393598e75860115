package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"runtime"
	"strings"

	"paperboy/bot"
	"paperboy/bot/delivery"
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
	Period   string     `json:"period"`            // day, week or month
	Name     string     `json:"name,omitempty"`    // the week's or month's name: "2026-W34", "2026-08"
	Date     string     `json:"date"`              // the batch's day, or the period's first day
	State    string     `json:"state"`             // the ledger's: "" (never tried), pending, sent, failed
	Refresh  string     `json:"refresh,omitempty"` // how long the post is kept current (delivery.refresh), when it is
	Posts    []postJSON `json:"posts"`
}

type postJSON struct {
	Key    string   `json:"key"`
	Title  string   `json:"title,omitempty"`
	Text   string   `json:"text,omitempty"`
	Papers []string `json:"papers"`
	// Why is the reason of each paper placed by the channel's taste, by
	// paper id; empty when the channel is ranked by upvotes.
	Why map[string]string `json:"why"`
}

func runPost(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 0 {
		return usageErrorf("post takes no arguments; got %q", strings.Join(args, " "))
	}
	a, sched, subs, err := m.setupDelivery(ctx, o)
	if err != nil {
		return err
	}
	groups, err := postGroups(ctx, a, o.date, subs)
	if err != nil {
		return err
	}
	if o.dryRun {
		return m.printPlan(ctx, a, sched.Deliverer, groups, o.json)
	}
	if err := a.cfg.missingTokens(); err != nil {
		return usageErrorf("config: %s", oneLine(err.Error()))
	}
	return m.deliverAll(ctx, a, sched.Deliverer, groups, o.json)
}

// postGroup is what post sends to the subscriptions of one period kind:
// the day's batch, or the week's or month's top papers (bot.PeriodBatch).
type postGroup struct {
	period string // bot.PeriodDay, PeriodWeek or PeriodMonth
	name   string // the period's name, "2026-W34"; "" for a day
	batch  bot.Batch
	subs   []bot.Subscription
}

// postGroups splits the subscriptions by period and finds what each group
// gets: the day asked for (or the newest stored batch), and the week and
// month containing that day.
func postGroups(ctx context.Context, a *app, date string, subs []bot.Subscription) ([]postGroup, error) {
	byKind := map[string][]bot.Subscription{}
	for _, s := range subs {
		byKind[s.PeriodKind()] = append(byKind[s.PeriodKind()], s)
	}
	b, err := postBatch(ctx, a, date)
	if err != nil && (len(byKind[bot.PeriodDay]) > 0 || len(subs) == 0 || bot.ErrorCode(err) != bot.ENOTFOUND) {
		return nil, err
	}
	day := b.Date
	if day == "" {
		if day, err = a.engine.Day(date); err != nil {
			return nil, err
		}
	}
	groups := []postGroup{{period: bot.PeriodDay, batch: b, subs: byKind[bot.PeriodDay]}}
	for _, kind := range []string{bot.PeriodWeek, bot.PeriodMonth} {
		if len(byKind[kind]) == 0 {
			continue
		}
		pb, top, err := a.engine.PeriodBatch(ctx, kind, day)
		if err != nil {
			return nil, err
		}
		if top.Note != "" {
			a.log.Warn("period incomplete; posting the stored days", "period", top.Period.Name(), "note", top.Note)
		}
		groups = append(groups, postGroup{period: kind, name: top.Period.Name(), batch: pb, subs: byKind[kind]})
	}
	return groups, nil
}

// setupDelivery is setup for the commands that deliver or report on
// deliveries: the platforms, the scheduler wired to them, and the
// subscriptions, with the config file's synced in first.
func (m *Main) setupDelivery(ctx context.Context, o *options) (*app, *delivery.Scheduler, []bot.Subscription, error) {
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
func (m *Main) printPlan(ctx context.Context, a *app, d *delivery.Deliverer, groups []postGroup, asJSON bool) error {
	type job struct {
		g   *postGroup
		sub bot.Subscription
	}
	var jobs []job
	for i := range groups {
		for _, sub := range groups[i].subs {
			jobs = append(jobs, job{&groups[i], sub})
		}
	}
	// Planning is CPU (ranking by taste, the cards' summaries): the
	// channels are planned on every core at once, in the one fan-out.
	plans := make([]planJSON, len(jobs))
	idx := make([]int, len(jobs))
	for i := range idx {
		idx[i] = i
	}
	delivery.FanOut(ctx, idx, func(i int) string { return jobs[i].sub.Platform }, runtime.GOMAXPROCS(0), func(ctx context.Context, i int) {
		plans[i] = planFor(ctx, a, d, *jobs[i].g, jobs[i].sub)
	})
	b := groups[0].batch
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
		fmt.Fprintf(m.Stdout, "%s %s (%s, %s%s): %d posts%s\n", pl.Platform, pl.Channel, pl.Style, periodNote(pl), refreshNote(pl), len(pl.Posts), stateNote(pl.State))
	}
	return nil
}

// planFor is one channel's plan: the ledger's state and, unless sent, the
// posts it would get.
func planFor(ctx context.Context, a *app, d *delivery.Deliverer, g postGroup, sub bot.Subscription) planJSON {
	pl := planJSON{Platform: sub.Platform, Channel: sub.Channel, Style: sub.Style, Period: g.period, Name: g.name, Date: g.batch.Date, Posts: []postJSON{}}
	if _, ok := d.Chats[sub.Platform].(bot.Editor); ok && g.period == bot.PeriodDay && a.cfg.Delivery.Refresh > 0 {
		pl.Refresh = shortDuration(a.cfg.Delivery.Refresh)
	}
	if del, err := a.db.Delivery(ctx, sub.DeliveryKey(g.batch.Date)); err == nil {
		pl.State = del.State
	}
	if len(g.batch.Papers) == 0 || pl.State == bot.DeliverySent {
		return pl
	}
	for _, post := range d.Plan(ctx, sub, g.batch) {
		pj := postJSON{Key: post.Key, Title: post.Reply.Title, Text: post.Reply.Text, Papers: []string{}, Why: map[string]string{}}
		for _, c := range post.Reply.Cards {
			pj.Papers = append(pj.Papers, c.ID)
			if c.Why != "" {
				pj.Why[c.ID] = c.Why
			}
		}
		pl.Posts = append(pl.Posts, pj)
	}
	return pl
}

// periodNote says what a plan covers: "day 2026-08-19", "week 2026-W34".
func periodNote(pl planJSON) string {
	if pl.Name != "" {
		return pl.Period + " " + pl.Name
	}
	return pl.Period + " " + pl.Date
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
	Period   string `json:"period"` // day, week or month
	// Date is the day's batch, or the week's or month's name ("2026-W34").
	Date string `json:"date"`
	// State is "sent" (by this run), "already sent" (before it, or by
	// another process meanwhile) or "failed".
	State    string `json:"state"`
	Messages int    `json:"messages"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
}

// deliverAll delivers each group's batch to its subscriptions through the
// engine's fan-out (a few channels at a time per platform, waiting out
// other processes' claims), prints each channel's outcome, and fails when
// any delivery failed.
func (m *Main) deliverAll(ctx context.Context, a *app, d *delivery.Deliverer, groups []postGroup, asJSON bool) error {
	b := groups[0].batch
	out := []outcomeJSON{}
	failed, total := 0, 0
	for _, g := range groups {
		if len(g.subs) == 0 {
			continue
		}
		if len(g.batch.Papers) == 0 {
			return bot.Errorf(bot.ENOTFOUND, "No batch to post for %s; run `paperboy fetch` first.", cmp.Or(g.name, g.batch.Date))
		}
		for _, o := range d.DeliverAll(ctx, g.subs, g.batch, a.cfg.Delivery.Concurrency) {
			j := outcomeJSON{Platform: o.Sub.Platform, Channel: o.Sub.Channel, Period: g.period, Date: cmp.Or(g.name, g.batch.Date),
				State: o.State, Messages: len(o.Delivery.Items), Attempts: o.Delivery.Attempts}
			if o.Err != nil {
				failed++
				j.Error = errorLine(o.Err)
			}
			out = append(out, j)
			total++
		}
	}
	if total == 0 && len(b.Papers) == 0 {
		return bot.Errorf(bot.ENOTFOUND, "No batch to post for %s; run `paperboy fetch` first.", b.Date)
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
		if total == 0 {
			fmt.Fprintf(m.Stdout, "%s: %d papers; no subscriptions, nothing to send. Add them under subscriptions: in the config, "+
				"or with /papers subscribe in a channel.\n", b.Date, len(b.Papers))
		}
		for _, j := range out {
			state := j.State
			if j.Error != "" {
				state += ": " + j.Error
			}
			fmt.Fprintf(m.Stdout, "%s %s %s: %s\n", j.Date, j.Platform, j.Channel, state)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d deliveries failed; they are retried by `paperboy run`, or run post again", failed, total)
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

func refreshNote(pl planJSON) string {
	if pl.Refresh == "" {
		return ""
	}
	return ", refreshed for " + pl.Refresh
}
