package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/delivery"
)

// cronAt is a schedule for tests: every day at the given hour, UTC. It
// stands in for the cron parser that cmd/paperboy wires.
type cronAt struct{ hour int }

func (c cronAt) Next(t time.Time) time.Time {
	n := time.Date(t.Year(), t.Month(), t.Day(), c.hour, 0, 0, 0, time.UTC)
	if !n.After(t) {
		n = n.AddDate(0, 0, 1)
	}
	return n
}

func channelsEngine(t *testing.T) (*bot.Engine, *bottest.Subscriptions, *[]bot.Subscription) {
	t.Helper()
	subs := &bottest.Subscriptions{}
	var started []bot.Subscription
	e := &bot.Engine{
		Store: bottest.NewStore(),
		Now:   func() time.Time { return time.Date(2026, 8, 18, 12, 0, 0, 0, time.UTC) },
		Channels: &bot.Channels{
			Subscriptions: subs,
			Ledger:        &bottest.Ledger{Now: time.Now},
			ParseSchedule: func(spec, tz string) (bot.Schedule, error) {
				if strings.HasPrefix(spec, "bad") {
					return nil, bot.Errorf(bot.EINVALID, "bad cron")
				}
				return cronAt{9}, nil
			},
			DefaultSchedule: "0 9 * * 1-5",
			DefaultTimezone: "UTC",
			BatchDate:       (&delivery.Scheduler{}).BatchDate,
			Start:           func(s bot.Subscription) { started = append(started, s) },
		},
	}
	return e, subs, &started
}

func TestEngine_Subscribe(t *testing.T) {
	ctx := context.Background()
	admin := bot.Command{Platform: "slack", Channel: "C1", User: "U1", Admin: true}
	t.Run("OK", func(t *testing.T) {
		e, subs, started := channelsEngine(t)
		cmd := admin
		cmd.Name, cmd.Args = bot.CmdSubscribe, "top=5 include=diffusion,reasoning exclude=survey style=digest at=07:30 days=daily tz=Europe/Berlin"
		r, err := e.Handle(ctx, cmd)
		if err != nil {
			t.Fatal(err)
		}
		sub, err := subs.Subscription(ctx, "slack", "C1")
		if err != nil {
			t.Fatal(err)
		}
		if sub.Top != 5 || sub.Style != bot.StyleDigest || sub.Schedule != "30 7 * * *" || sub.Timezone != "Europe/Berlin" ||
			len(sub.Include) != 2 || sub.Exclude[0] != "survey" || sub.Origin != bot.OriginChat {
			t.Fatalf("saved %+v", sub)
		}
		if got, want := sub.Since, "2026-08-18"; got != want {
			t.Fatalf("Since=%s, want %s: the next scheduled batch (Wed 09:00 posts Tuesday's)", got, want)
		}
		if !strings.Contains(r.Text, "top 5") || !strings.Contains(r.Text, "Next delivery") {
			t.Fatalf("reply %q does not state the settings", r.Text)
		}
		if len(*started) != 0 {
			t.Fatal("started a delivery without now")
		}
	})
	t.Run("Now", func(t *testing.T) {
		e, _, started := channelsEngine(t)
		cmd := admin
		cmd.Name, cmd.Args = bot.CmdSubscribe, "now"
		if _, err := e.Handle(ctx, cmd); err != nil {
			t.Fatal(err)
		}
		if len(*started) != 1 || (*started)[0].Since != "2026-08-17" {
			t.Fatalf("started %+v, want Monday's batch now", *started)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		e, _, _ := channelsEngine(t)
		cmd := admin
		cmd.Name, cmd.Admin = bot.CmdSubscribe, false
		if _, err := e.Handle(ctx, cmd); bot.ErrorCode(err) != bot.EFORBIDDEN || bot.ErrorMessage(err) != "Only channel admins can change this channel's subscription." {
			t.Fatalf("err=%v, want EFORBIDDEN", err)
		}
		// The adapter says who its platform's admins are.
		cmd.Admins = "members with Manage Channels"
		if _, err := e.Handle(ctx, cmd); bot.ErrorMessage(err) != "Only members with Manage Channels can change this channel's subscription." {
			t.Fatalf("err=%v, want the platform's admins named", err)
		}
	})
	t.Run("ConfigWins", func(t *testing.T) {
		e, subs, _ := channelsEngine(t)
		subs.SaveSubscription(ctx, bot.Subscription{Platform: "slack", Channel: "C1", Origin: bot.OriginConfig, Schedule: "0 9 * * *"})
		for _, name := range []string{bot.CmdSubscribe, bot.CmdUnsubscribe} {
			cmd := admin
			cmd.Name = name
			if _, err := e.Handle(ctx, cmd); bot.ErrorCode(err) != bot.EFORBIDDEN || !strings.Contains(bot.ErrorMessage(err), "config file") {
				t.Fatalf("%s: err=%v, want EFORBIDDEN naming the config file", name, err)
			}
		}
		cmd := admin
		cmd.Name, cmd.Admin = bot.CmdStatus, false
		r, err := e.Handle(ctx, cmd)
		if err != nil || !strings.Contains(r.Text, "config file") {
			t.Fatalf("status: %q %v, want it to say the config file applies", r.Text, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		e, _, _ := channelsEngine(t)
		for _, args := range []string{"top=x", "top=-1", "style=banner", "at=25:00", "days=fortnightly", "colour=red"} {
			cmd := admin
			cmd.Name, cmd.Args = bot.CmdSubscribe, args
			if _, err := e.Handle(ctx, cmd); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), "Options:") {
				t.Fatalf("%s: err=%v, want EINVALID with the options", args, err)
			}
		}
	})
}

func TestEngine_UnsubscribeAndStatus(t *testing.T) {
	ctx := context.Background()
	e, _, _ := channelsEngine(t)
	cmd := bot.Command{Platform: "discord", Channel: "D1", Admin: true}
	run := func(name string) (bot.Reply, error) {
		c := cmd
		c.Name = name
		return e.Handle(ctx, c)
	}
	if r, err := run(bot.CmdStatus); err != nil || !strings.Contains(r.Text, "no subscription") {
		t.Fatalf("status before: %q %v", r.Text, err)
	}
	if _, err := run(bot.CmdSubscribe); err != nil {
		t.Fatal(err)
	}
	if r, err := run(bot.CmdStatus); err != nil || !strings.Contains(r.Text, "set in chat") || !strings.Contains(r.Text, "Nothing delivered yet") {
		t.Fatalf("status after: %q %v", r.Text, err)
	}
	if _, err := run(bot.CmdUnsubscribe); err != nil {
		t.Fatal(err)
	}
	if _, err := run(bot.CmdUnsubscribe); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("second unsubscribe: err=%v, want ENOTFOUND", err)
	}
}

func TestEngine_SubscribeWithoutPlatform(t *testing.T) {
	e := &bot.Engine{Store: bottest.NewStore()}
	_, err := e.Handle(context.Background(), bot.Command{Name: bot.CmdSubscribe, Admin: true})
	if bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Fatalf("err=%v, want EUNAVAILABLE", err)
	}
}

// TestEngine_StatusUnfinished: status names an unfinished older day before
// the newer day that went out, and says who holds a delivery in progress,
// when it last renewed, and when its owner is gone.
func TestEngine_StatusUnfinished(t *testing.T) {
	ctx := context.Background()
	e, subs, _ := channelsEngine(t)
	now := e.Now()
	ledger := &bottest.Ledger{Now: e.Now}
	e.Channels.Ledger = ledger
	gone := false
	e.Channels.OwnerGone = func(string) bool { return gone }
	if err := subs.SaveSubscription(ctx, bot.Subscription{Platform: "slack", Channel: "C1", Schedule: "0 9 * * 1-5", Timezone: "UTC", Style: bot.StyleThread}); err != nil {
		t.Fatal(err)
	}
	key := func(date string) bot.DeliveryKey {
		return bot.DeliveryKey{Platform: "slack", Channel: "C1", Date: date}
	}
	owner := bot.NewOwner("box", 4242, now, "s")
	if _, err := ledger.Claim(ctx, key("2026-08-14"), owner, now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	newer, err := ledger.Claim(ctx, key("2026-08-17"), "p2", now.Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.Finish(ctx, newer.Claim(), bot.DeliverySent, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		t.Helper()
		r, err := e.Handle(ctx, bot.Command{Name: bot.CmdStatus, Platform: "slack", Channel: "C1"})
		if err != nil {
			t.Fatal(err)
		}
		return r.Text
	}
	got := status()
	unfinished := strings.Index(got, "Unfinished: Fri 14 Aug 2026, in progress by box/4242, renewed 0 s ago")
	last := strings.Index(got, "Last delivery: Mon 17 Aug 2026, sent")
	if unfinished < 0 || last < 0 || unfinished > last {
		t.Fatalf("status:\n%s\nwant the unfinished Friday first, with its owner, then Monday's delivery", got)
	}
	gone = true
	if got := status(); !strings.Contains(got, "interrupted: box/4242 is no longer running") {
		t.Fatalf("status with the owner gone:\n%s", got)
	}
}

// A bad option is one sentence, then the usage: no "invalid:" prefix, no
// double stop; tz=Local (whatever zone the machine has) is refused.
func TestEngine_SubscribeBadOption(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ args, want string }{
		{"period=year", `"year" is not a period; use day, week or month. Options:`},
		{"tz=Local", `"Local" is not a timezone name; use an IANA name like Europe/Berlin, or UTC. Options:`},
		{"tz=Mars/Base", `unknown timezone "Mars/Base"; use an IANA name like Europe/Berlin. Options:`},
		{"style=bold", "style is thread, digest or inline. Options:"},
	} {
		e, subs, _ := channelsEngine(t)
		_, err := e.Handle(ctx, bot.Command{Name: bot.CmdSubscribe, Args: tc.args, Platform: "slack", Channel: "C1", User: "U1", Admin: true})
		msg := bot.ErrorMessage(err)
		if bot.ErrorCode(err) != bot.EINVALID || !strings.HasPrefix(msg, tc.want) || strings.Contains(msg, "..") || strings.Contains(msg, "invalid:") {
			t.Errorf("subscribe %s: %v %q, want EINVALID starting %q", tc.args, bot.ErrorCode(err), msg, tc.want)
		}
		if _, err := subs.Subscription(ctx, "slack", "C1"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("subscribe %s saved a subscription", tc.args)
		}
	}
}
