package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"paperboy/adapters/discord"
	"paperboy/adapters/email"
	"paperboy/adapters/slack"
	"paperboy/bot"
	"paperboy/bot/delivery"
)

// platforms holds the configured chat adapters; either may be nil.
type platforms struct {
	discord *discord.Adapter
	slack   *slack.Adapter
	email   *email.Adapter // delivery only: email takes no commands
	// discordRun is discord.Run, behind the gateway lock (see oneGateway).
	discordRun func(context.Context) error
}

// handler is what the adapters call: the engine, possibly metered.
type handler interface {
	Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error)
}

// newPlatforms builds an adapter for each platform that has a token.
func newPlatforms(a *app, h handler) (*platforms, error) {
	p := &platforms{}
	if a.cfg.Discord.Token != "" {
		d, err := newDiscord(a, h)
		if err != nil {
			return nil, err
		}
		p.discord, p.discordRun = d, oneGateway(a, d)
	}
	if a.cfg.Slack.BotToken != "" {
		s, err := newSlack(a, h)
		if err != nil {
			return nil, err
		}
		p.slack = s
	}
	if a.cfg.SMTP.Host != "" {
		e, err := newEmail(a)
		if err != nil {
			return nil, err
		}
		p.email = e
	}
	return p, nil
}

// sharedBudget is the bot token's rate budget that replicas share: the
// store on PostgreSQL, where replicas share it; nil on SQLite (one file is
// one machine, whose process paces itself).
func (a *app) sharedBudget() bot.Budget {
	if a.db.Postgres() {
		return a.db
	}
	return nil
}

// newDiscord builds the Discord adapter.
func newDiscord(a *app, h handler) (*discord.Adapter, error) {
	d, err := discord.New(discord.Config{
		Token:         a.cfg.Discord.Token,
		ApplicationID: a.cfg.Discord.ApplicationID,
		PublicKey:     a.cfg.Discord.PublicKey,
		Mode:          a.cfg.Discord.Mode,
		APIBaseURL:    a.cfg.Discord.APIBaseURL,
		GuildIDs:      a.cfg.Discord.GuildIDs,
		Replays:       a.db,
		Budget:        a.sharedBudget(),
		Logger:        a.log,
	}, h)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return d, nil
}

// newSlack builds the Slack adapter.
func newSlack(a *app, h handler) (*slack.Adapter, error) {
	s, err := slack.New(slack.Config{
		BotToken:      a.cfg.Slack.BotToken,
		AppToken:      a.cfg.Slack.AppToken,
		SigningSecret: a.cfg.Slack.SigningSecret,
		Mode:          a.cfg.Slack.Mode,
		APIURL:        a.cfg.Slack.APIURL,
		Admins:        a.cfg.Slack.Admins,
		Replays:       a.db,
		Budget:        a.sharedBudget(),
		Logger:        a.log,
	}, h)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return s, nil
}

func (p *platforms) none() bool { return p.discord == nil && p.slack == nil && p.email == nil }

// runs returns the long-running loops of the configured adapters.
func (p *platforms) runs() []func(context.Context) error {
	var runs []func(context.Context) error
	if p.discord != nil {
		runs = append(runs, p.discordRun)
	}
	if p.slack != nil {
		runs = append(runs, p.slack.Run)
	}
	return runs
}

// chats returns the configured platforms as bot.Chats, by name.
func (p *platforms) chats(met *metrics) map[string]bot.Chat {
	chats := map[string]bot.Chat{}
	if p.discord != nil {
		chats["discord"] = p.discord
	}
	if p.slack != nil {
		chats["slack"] = p.slack
	}
	if p.email != nil {
		chats["email"] = p.email
	}
	if met != nil {
		for name, c := range chats {
			chats[name] = metered(c, name, met)
		}
	}
	return chats
}

// mount adds the adapters' HTTP endpoints (signature-checked by each) to mux.
func (p *platforms) mount(mux *http.ServeMux) {
	if p.discord != nil {
		mux.Handle("POST /discord/interactions", p.discord.InteractionsHandler())
	}
	if p.slack != nil {
		mux.Handle("POST /slack/commands", p.slack.CommandsHandler())
		mux.Handle("POST /slack/interactions", p.slack.InteractionsHandler())
	}
}

// newScheduler wires the delivery engine to the platforms and gives the
// engine /papers subscribe, unsubscribe and status.
func newScheduler(a *app, p *platforms, met *metrics) *delivery.Scheduler {
	sched := &delivery.Scheduler{
		Deliverer: &delivery.Deliverer{
			Engine: a.engine, Ledger: a.db, Chats: p.chats(met), Owner: processOwner(), Lease: a.cfg.Delivery.Lease, OwnerGone: ownerGone,
			Taste:  newTaste(a),
			Logger: a.log.With("component", "delivery"),
		},
		Subscriptions:   a.db,
		ParseSchedule:   parseSchedule,
		DefaultSchedule: a.cfg.Delivery.Schedule,
		DefaultTimezone: a.cfg.Timezone,
		CatchUp:         a.cfg.Delivery.CatchUp,
		SameDay:         a.cfg.Source.Kind == "arxiv",
		Concurrency:     a.cfg.Delivery.Concurrency,
		NotifyEmpty:     a.cfg.Delivery.NotifyEmpty,
		RefreshWindow:   a.cfg.Delivery.Refresh,
		Logger:          a.log.With("component", "scheduler"),
	}
	if met != nil {
		sched.Deliverer.Observe = func(event string) { met.claims.WithLabelValues(event).Inc() }
	}
	a.engine.Channels = &bot.Channels{
		Subscriptions: a.db, Ledger: a.db, ParseSchedule: parseSchedule,
		DefaultSchedule: a.cfg.Delivery.Schedule, DefaultTimezone: a.cfg.Timezone,
		BatchDate: sched.BatchDate, Start: sched.Start, OwnerGone: ownerGone, RefreshWindow: a.cfg.Delivery.Refresh,
	}
	if met != nil {
		a.engine.Channels.Health = met.health.String
	}
	return sched
}

var discordCommand = &command{
	usage: "discord register | invite-url",
	help: "Register /papers with Discord, or print the URL that invites the bot to a server.\n" +
		"`register` (re)registers /papers globally and in discord.guild_ids (run also does it at start);\n" +
		"`invite-url` prints the URL that adds the bot with the permissions it needs.",
	run: runDiscord,
}

func runDiscord(ctx context.Context, m *Main, o *options, args []string) error {
	if len(args) != 1 || (args[0] != "register" && args[0] != "invite-url") {
		return usageErrorf("discord takes one of: register, invite-url")
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	if a.cfg.Discord.Token == "" {
		return usageErrorf("discord.token is not set; see the README's Discord section")
	}
	d, err := newDiscord(a, a.engine)
	if err != nil {
		return err
	}
	if args[0] == "invite-url" {
		fmt.Fprintln(m.Stdout, d.InviteURL())
		return nil
	}
	if err := d.RegisterCommands(ctx); err != nil {
		return err // it names what failed: "register /papers globally: status …"
	}
	fmt.Fprintf(m.Stdout, "registered /papers globally%s\n", guildNote(a.cfg.Discord.GuildIDs))
	return nil
}

func guildNote(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " and in guilds " + strings.Join(ids, ", ")
}
