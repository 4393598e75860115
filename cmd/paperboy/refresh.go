package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"paperboy/bot"
)

var refreshCommand = &command{
	usage: "refresh [--date YYYY-MM-DD]",
	help: "One refresh round of the day's posts now, as the scheduler runs them within delivery.refresh:\n" +
		"fetch the day again, edit the posts in place with the new upvotes and order, and add papers\n" +
		"that joined late to the day's thread, each once. --date defaults to the newest stored batch.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "the day, YYYY-MM-DD (default: the newest stored batch)")
	},
	run: runRefresh,
}

func runRefresh(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) > 0 {
		return usageErrorf("refresh takes no arguments besides --date; got %q", strings.Join(args, " "))
	}
	a, sched, _, err := m.setupDelivery(ctx, o)
	if err != nil {
		return err
	}
	b, err := postBatch(ctx, a, o.date)
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		return err
	}
	date := b.Date
	if date == "" {
		if date, err = a.engine.Day(o.date); err != nil {
			return err
		}
	}
	res, err := sched.Refresh(ctx, date)
	if err != nil {
		return err
	}
	if len(res) == 0 {
		fmt.Fprintf(m.Stdout, "%s: no posts to refresh\n", date)
	}
	for _, r := range res {
		state := fmt.Sprintf("%d messages edited, %d papers added", r.Edited, r.Added)
		if r.Failed > 0 {
			state += fmt.Sprintf(", %d edits given up", r.Failed)
		}
		if r.Gone {
			state += "; the post is gone and is no longer refreshed"
		}
		if r.Err != nil {
			state += "; " + errorLine(r.Err)
		}
		fmt.Fprintf(m.Stdout, "%s %s %s: %s\n", date, r.Sub.Platform, r.Sub.Channel, state)
	}
	return nil
}

// metered wraps a chat to count what the platform confirmed, keeping its
// Editor when it has one, so metrics never turn refreshing off.
func metered(c bot.Chat, name string, met *metrics) bot.Chat {
	mc := meteredChat{c, name, met}
	if ed, ok := c.(bot.Editor); ok {
		return meteredEditor{mc, ed}
	}
	return mc
}

// meteredEditor is a meteredChat whose platform can edit.
type meteredEditor struct {
	meteredChat
	bot.Editor
}

// Send resolves the ambiguity between the embedded types: meteredChat's.
func (c meteredEditor) Send(ctx context.Context, channel, thread string, p bot.Post) (bot.Sent, error) {
	return c.meteredChat.Send(ctx, channel, thread, p)
}

// validateRefresh checks delivery.refresh: off (0), or a window of at
// least one refresh interval and at most a day.
func (c Config) validateRefresh(bad func(key, format string, args ...any)) {
	r := c.Delivery.Refresh
	if r != 0 && (r < bot.RefreshEvery || r > 24*time.Hour) {
		bad("delivery.refresh", "must be 0 (off) or between %s and 24h, e.g. 6h: the posts are refreshed every %s within it",
			shortDuration(bot.RefreshEvery), shortDuration(bot.RefreshEvery))
	}
}

// shortDuration writes d without its zero units: 30m, 6h, 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
