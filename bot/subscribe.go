package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"paperboy/bot/text"
)

// Channels is what the engine needs for /papers subscribe, unsubscribe and
// status: the subscriptions, the ledger, and how schedules work. Nil on the
// Engine means subscriptions are not available (the console).
type Channels struct {
	Subscriptions Subscriptions
	Ledger        Ledger
	// ParseSchedule and the defaults are the scheduler's (delivery.Scheduler).
	ParseSchedule   func(spec, timezone string) (Schedule, error)
	DefaultSchedule string
	DefaultTimezone string
	// BatchDate is the batch a delivery at t posts (delivery.Scheduler.BatchDate).
	BatchDate func(t time.Time) string
	// Start asks for the latest batch to go to a new subscription now
	// (delivery.Scheduler.Start); nil ignores "now".
	Start func(Subscription)
	// Health describes the source, the LLM and the platforms in a line, for
	// status; nil leaves it out.
	Health func() string
	// OwnerGone reports whether a claim's owner is known to have exited,
	// so status calls such a claim what it is; nil knows of none.
	OwnerGone func(owner string) bool
	// RefreshWindow is delivery.Scheduler.RefreshWindow, for status.
	RefreshWindow time.Duration
}

// subscribeUsage lists the options of /papers subscribe.
const subscribeUsage = "Options: top=N, min=N (upvotes), include=word,word, exclude=word,word, " +
	"style=thread|digest|inline, period=day|week|month, rank=upvotes|taste|auto, interests=\"a sentence\", " +
	"at=HH:MM, days=weekdays|daily, tz=Area/City, now. " +
	"Example: /papers subscribe top=10 include=diffusion,reasoning at=09:30 tz=Europe/Berlin"

func (e *Engine) handleSubscribe(ctx context.Context, cmd Command) (Reply, error) {
	ch, old, err := e.channelSub(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	if old.Origin == OriginConfig {
		return Reply{}, Errorf(EFORBIDDEN, "This channel's subscription comes from the config file, which wins over chat; change it there.")
	}
	sub, now, err := parseSubscribe(cmd, ch)
	if err != nil {
		return Reply{}, err
	}
	sch, err := ch.ParseSchedule(sub.Schedule, sub.Timezone)
	if err != nil {
		return Reply{}, Errorf(EINVALID, "That schedule does not work: %s. %s", ErrorMessage(err), subscribeUsage)
	}
	sub.Created = e.now().UTC()
	sub.Since = ch.BatchDate(sch.Next(e.now()))
	if now {
		sub.Since = ch.BatchDate(e.now().In(locationOf(sub.Timezone)))
	}
	if err := ch.Subscriptions.SaveSubscription(ctx, sub); err != nil {
		return Reply{}, fmt.Errorf("save subscription: %w", err)
	}
	if now && ch.Start != nil {
		ch.Start(sub)
	}
	r := Reply{Title: "Subscribed", Text: describeSub(sub, sch, e.now())}
	if now {
		r.Text += "\nSending the latest batch now."
	}
	return r, nil
}

func (e *Engine) handleUnsubscribe(ctx context.Context, cmd Command) (Reply, error) {
	ch, old, err := e.channelSub(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	switch {
	case old.Channel == "":
		return Reply{}, Errorf(ENOTFOUND, "This channel has no subscription.")
	case old.Origin == OriginConfig:
		return Reply{}, Errorf(EFORBIDDEN, "This channel's subscription comes from the config file; remove it there.")
	}
	if err := ch.Subscriptions.DeleteSubscription(ctx, cmd.Platform, cmd.Channel); err != nil {
		return Reply{}, fmt.Errorf("delete subscription: %w", err)
	}
	return Reply{Title: "Unsubscribed", Text: "This channel no longer gets the daily papers."}, nil
}

// channelSub checks that subscriptions are available and the user may
// change them, and returns the channel's current subscription, if any.
func (e *Engine) channelSub(ctx context.Context, cmd Command) (*Channels, Subscription, error) {
	ch := e.Channels
	if ch == nil || ch.Subscriptions == nil {
		return nil, Subscription{}, Errorf(EUNAVAILABLE, "Subscriptions need a chat platform; this one has none.")
	}
	if cmd.Name != CmdStatus && !cmd.Admin {
		return nil, Subscription{}, Errorf(EFORBIDDEN, "Only %s can change this channel's subscription.", cmp.Or(cmd.Admins, "channel admins"))
	}
	old, err := ch.Subscriptions.Subscription(ctx, cmd.Platform, cmd.Channel)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, Subscription{}, fmt.Errorf("read subscription: %w", err)
	}
	return ch, old, nil
}

// parseSubscribe reads the options of /papers subscribe.
func parseSubscribe(cmd Command, ch *Channels) (Subscription, bool, error) {
	sub := Subscription{Platform: cmd.Platform, Channel: cmd.Channel, Style: StyleThread, Origin: OriginChat,
		Schedule: ch.DefaultSchedule, Timezone: ch.DefaultTimezone}
	at, days, now := "", "", false
	for _, f := range optionFields(cmd.Args) {
		key, val, _ := strings.Cut(f, "=")
		var err error
		switch strings.ToLower(key) {
		case "now":
			now = true
		case "top":
			sub.Top, err = count(val)
		case "min", "min_upvotes":
			sub.MinUpvotes, err = count(val)
		case "include":
			sub.Include = words(val)
		case "exclude":
			sub.Exclude = words(val)
		case "style":
			sub.Style = strings.ToLower(val)
			if sub.Style != StyleThread && sub.Style != StyleDigest && sub.Style != StyleInline {
				err = fmt.Errorf("style is thread, digest or inline")
			}
		case "period":
			sub.Period, err = ParsePeriodKind(val)
		case "rank":
			sub.Rank, err = ParseRank(val)
		case "interests":
			sub.Interests, err = ParseInterests(val)
		case "at":
			at = val
		case "days":
			days = strings.ToLower(val)
		case "tz", "timezone":
			sub.Timezone = val
			_, err = LoadTimezone(val)
		default:
			err = fmt.Errorf("unknown option %q", shorten(key, 30))
		}
		if err != nil {
			return Subscription{}, false, optionError(err)
		}
	}
	if sub.Period == "" {
		sub.Period = PeriodDay
	}
	sub.Schedule = PeriodSchedule(sub.Period, sub.Schedule)
	if at != "" || days != "" {
		spec, err := cronSpec(at, days, sub.Period)
		if err != nil {
			return Subscription{}, false, optionError(err)
		}
		sub.Schedule = spec
	}
	return sub, now, nil
}

// optionError is the reply to a bad /papers subscribe option: what is
// wrong, as one sentence, then the usage.
func optionError(err error) error {
	msg := err.Error()
	var e *Error
	if errors.As(err, &e) {
		msg = e.Message
	}
	return Errorf(EINVALID, "%s. %s", strings.TrimRight(msg, "."), subscribeUsage)
}

// cronSpec turns at=HH:MM and days=weekdays|daily into a cron expression;
// a week subscription gets Fridays and a month one the 1st at that time.
func cronSpec(at, days, period string) (string, error) {
	if at == "" {
		at = "09:00"
		if period == PeriodWeek {
			at = "16:00"
		}
	}
	t, err := time.Parse("15:04", at)
	if err != nil {
		return "", fmt.Errorf("at=%s is not a time like 09:30", shorten(at, 20))
	}
	dom, dow := "*", "1-5"
	switch {
	case period != PeriodDay && days != "":
		return "", fmt.Errorf("days is for daily posts; a %s subscription posts once a %s", period, period)
	case period == PeriodWeek:
		dow = "5"
	case period == PeriodMonth:
		dom, dow = "1", "*"
	case days == "" || days == "weekdays":
	case days == "daily" || days == "everyday":
		dow = "*"
	default:
		return "", fmt.Errorf("days is weekdays or daily")
	}
	return fmt.Sprintf("%d %d %s * %s", t.Minute(), t.Hour(), dom, dow), nil
}

func count(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1000 {
		return 0, fmt.Errorf("%q is not a number from 0 to 1000", shorten(s, 20))
	}
	return n, nil
}

func words(s string) []string {
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" && len(out) < 20 {
			out = append(out, shorten(w, 50))
		}
	}
	return out
}

func locationOf(tz string) *time.Location {
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc
	}
	return time.UTC
}

// describeSub says in one paragraph what a channel gets and when.
func describeSub(sub Subscription, sch Schedule, now time.Time) string {
	var filters []string
	if sub.Top > 0 {
		filters = append(filters, fmt.Sprintf("top %d", sub.Top))
	}
	if sub.MinUpvotes > 0 {
		filters = append(filters, fmt.Sprintf("at least %d upvotes", sub.MinUpvotes))
	}
	if len(sub.Include) > 0 {
		filters = append(filters, "about "+strings.Join(sub.Include, ", "))
	}
	if len(sub.Exclude) > 0 {
		filters = append(filters, "not about "+strings.Join(sub.Exclude, ", "))
	}
	if len(filters) == 0 {
		filters = append(filters, "every paper")
	}
	next := sch.Next(now)
	return fmt.Sprintf("%s\nSchedule: %s (%s), style %s, %s.%s\nNext delivery: %s.", describePeriod(sub, next),
		sub.Schedule, sub.Timezone, sub.Style, strings.Join(filters, ", "), describeRank(sub), next.Format("Mon 2 Jan 15:04 MST"))
}

// describeRank says how the channel's papers are ordered, unless it is the
// default with nothing to learn from a sentence.
func describeRank(sub Subscription) string {
	rank, _ := ParseRank(sub.Rank)
	if rank == RankAuto && sub.Interests == "" {
		return ""
	}
	s := "\nRanking: " + rank
	if rank == RankAuto {
		s += " (by upvotes until the channel saves papers or has interests, then by its taste)"
	}
	if sub.Interests != "" {
		s += "; interests: " + sub.Interests
	}
	return s + "."
}

// describePeriod says what one delivery covers, naming the period the
// next one (at next) brings.
func describePeriod(sub Subscription, next time.Time) string {
	kind := sub.PeriodKind()
	if kind == PeriodDay {
		return "Period: day (each day's papers)."
	}
	top := sub.Top
	if top == 0 {
		top = PeriodTop
	}
	p, err := PeriodAt(kind, next)
	if err != nil {
		return "Period: " + kind + "."
	}
	return fmt.Sprintf("Period: %s (the top %d of each; next: %s).", kind, top, p.Label())
}

func (e *Engine) handleStatus(ctx context.Context, cmd Command) (Reply, error) {
	ch, sub, err := e.channelSub(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	if sub.Channel == "" {
		return Reply{Title: "Status", Text: "This channel has no subscription. Admins can add one with /papers subscribe.", Ephemeral: true}, nil
	}
	sch, err := ch.ParseSchedule(sub.Schedule, sub.Timezone)
	if err != nil {
		return Reply{}, Errorf(EINVALID, "This channel's schedule %q does not work: %s", sub.Schedule, ErrorMessage(err))
	}
	from := "chat"
	if sub.Origin == OriginConfig {
		from = "the config file, which wins over chat"
	}
	text := fmt.Sprintf("Subscribed (set in %s).\n%s\n%s%s", from, describeSub(sub, sch, e.now()), describeRefresh(sub, ch.RefreshWindow), e.lastDelivery(ctx, ch, sub))
	if ch.Health != nil {
		text += "\n" + ch.Health()
	}
	return Reply{Title: "Status", Text: text, Ephemeral: true}, nil
}

// lastDelivery describes the channel's unfinished deliveries, oldest
// first, and then its newest one, so a half-posted older day is never
// hidden behind a newer one that went out.
func (e *Engine) lastDelivery(ctx context.Context, ch *Channels, sub Subscription) string {
	var lines []string
	open, err := ch.Ledger.Unfinished(ctx)
	if err != nil {
		lines = append(lines, "Unfinished deliveries: unknown ("+ErrorMessage(err)+").")
	}
	ledger := sub.DeliveryKey("").Channel
	for _, d := range open {
		if d.Platform == sub.Platform && d.Channel == ledger {
			lines = append(lines, "Unfinished: "+e.describeDelivery(ch, d)+".")
		}
	}
	del, err := ch.Ledger.LastDelivery(ctx, sub.Platform, ledger)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		lines = append(lines, "Nothing delivered yet.")
	case err != nil:
		lines = append(lines, "Last delivery: unknown ("+ErrorMessage(err)+").")
	case del.State == DeliverySent || len(lines) == 0:
		lines = append(lines, "Last delivery: "+e.describeDelivery(ch, del)+".")
	}
	return strings.Join(lines, "\n")
}

// describeDelivery says where one delivery stands: "Wed 19 Aug 2026, in
// progress by host/4242, renewed 3 s ago (5 messages sent)".
func (e *Engine) describeDelivery(ch *Channels, d Delivery) string {
	date := FormatDay(d.Date)
	for _, kind := range []string{PeriodWeek, PeriodMonth} {
		if p, err := PeriodOf(kind, d.Date); err == nil && strings.HasSuffix(d.Channel, "#"+kind) {
			date = p.Label()
		}
	}
	now := e.now()
	switch {
	case d.State == DeliverySent:
		return fmt.Sprintf("%s, sent (%s)", date, text.Plural(len(d.Items), "message"))
	case d.State == DeliveryFailed:
		return fmt.Sprintf("%s, failed after %s: %s Next try %s", date,
			text.Plural(d.Attempts, "attempt"), shorten(d.LastError, 200), d.NextRetry.Format("Mon 15:04 MST"))
	case d.Owner == "":
		return date + ", in progress"
	case ch.OwnerGone != nil && ch.OwnerGone(d.Owner):
		return fmt.Sprintf("%s, interrupted: %s is no longer running; the next attempt resumes it at once", date, OwnerName(d.Owner))
	case !d.ClaimedUntil.After(now):
		return fmt.Sprintf("%s, interrupted: %s stopped renewing its claim %s ago; the next attempt resumes it",
			date, OwnerName(d.Owner), ago(now.Sub(d.ClaimedUntil)))
	default:
		return fmt.Sprintf("%s, in progress by %s, renewed %s ago", date, OwnerName(d.Owner), ago(now.Sub(d.Renewed)))
	}
}

// ago formats a short past duration: "3 s", "4 min", "2 h".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(max(d, 0)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	default:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
}

// RefreshEvery is how often the scheduler refreshes the day's posts within
// delivery.Scheduler.RefreshWindow after they went out.
const RefreshEvery = 30 * time.Minute

// describeRefresh is status's line about refreshing, "" when posts are not
// refreshed.
func describeRefresh(sub Subscription, window time.Duration) string {
	if window <= 0 || sub.PeriodKind() != PeriodDay || sub.Platform == "email" {
		return ""
	}
	return fmt.Sprintf("Live post: upvotes and order updated every %d min for %s after it goes out; late papers join the thread.\n",
		int(RefreshEvery/time.Minute), strings.TrimSuffix(strings.TrimSuffix(window.String(), "0s"), "0m"))
}
