package delivery

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"paperboy/bot"
	"paperboy/bot/text"
)

// Ledger rows of a refresh, beside the day's delivery (see docs/delivery.md):
// a paper added to a day's thread has a row of its own, so it is added
// exactly once; a post that is gone has a row that says so, so it is never
// refreshed again.
const (
	lateSuffix = "#late:"
	goneSuffix = "#gone"
)

// Refreshed is what one refresh of one channel's day post did.
type Refreshed struct {
	Sub  bot.Subscription
	Date string
	// Edited counts the messages edited, Added the papers added to the
	// thread, Failed the edits given up (tried again next round).
	Edited, Added, Failed int
	// Gone reports that the channel or the post was deleted: it is not
	// refreshed again.
	Gone bool
	Err  error
}

// Refresh runs one refresh round of date's posts: it fetches the day's
// batch again and, for every daily subscription whose delivery of date was
// sent (on a platform that can edit, see bot.Editor), edits the messages whose
// paper changed rank or upvotes, and the header with the new count and
// order; papers that joined the channel's list since are added to the
// day's thread (style thread only), each exactly once through the ledger.
// It never posts a new top-level message. A round without such a delivery
// fetches nothing.
func (s *Scheduler) Refresh(ctx context.Context, date string) ([]Refreshed, error) {
	subs, err := s.Subscriptions.Subscriptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	type job struct {
		sub bot.Subscription
		del bot.Delivery
		ed  bot.Editor
	}
	var jobs []job
	for _, sub := range subs {
		if del, ed, ok := s.refreshable(ctx, sub, date); ok {
			jobs = append(jobs, job{sub, del, ed})
		}
	}
	if len(jobs) == 0 {
		return nil, nil
	}
	e := s.Deliverer.Engine
	old, err := e.Store.Batch(ctx, date)
	if err != nil || old.Date != date {
		old = bot.Batch{Date: date}
	}
	fresh, _, err := e.Fetch(ctx, date)
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", date, err)
	}
	out := make([]Refreshed, len(jobs))
	idx := make([]int, len(jobs))
	for i := range idx {
		idx[i] = i
	}
	FanOut(ctx, idx, func(i int) string { return jobs[i].sub.Platform }, s.concurrency(), func(ctx context.Context, i int) {
		j := jobs[i]
		out[i] = s.Deliverer.refreshPost(ctx, j.ed, j.sub, j.del, old, fresh)
	})
	return out, nil
}

// refreshable returns the subscription's sent delivery of date and its
// platform's Editor, when the post can be refreshed.
func (s *Scheduler) refreshable(ctx context.Context, sub bot.Subscription, date string) (bot.Delivery, bot.Editor, bool) {
	ed, ok := s.Deliverer.Chats[sub.Platform].(bot.Editor)
	if !ok || sub.PeriodKind() != bot.PeriodDay {
		return bot.Delivery{}, nil, false
	}
	del, err := s.Deliverer.Ledger.Delivery(ctx, sub.DeliveryKey(date))
	if err != nil || del.State != bot.DeliverySent {
		return bot.Delivery{}, nil, false
	}
	if sub.Style != bot.StyleDigest && len(del.Items) < 2 {
		return bot.Delivery{}, nil, false // an empty day, or a catch-up digest: nothing to keep current
	}
	if _, err := s.Deliverer.Ledger.Delivery(ctx, goneKey(sub, date)); bot.ErrorCode(err) != bot.ENOTFOUND {
		return bot.Delivery{}, nil, false
	}
	return del, ed, true
}

func goneKey(sub bot.Subscription, date string) bot.DeliveryKey {
	return bot.DeliveryKey{Platform: sub.Platform, Channel: sub.Channel + goneSuffix, Date: date}
}

// refreshPost brings one channel's post of a day up to date with fresh.
func (d *Deliverer) refreshPost(ctx context.Context, ed bot.Editor, sub bot.Subscription, del bot.Delivery, old, fresh bot.Batch) Refreshed {
	res := Refreshed{Sub: sub, Date: del.Date}
	before := ranks(sub.Filter(ranked(old.Papers)))
	now := sub.Filter(ranked(fresh.Papers))
	posts := d.Plan(ctx, sub, bot.Batch{Date: fresh.Date, Source: fresh.Source, Papers: ranked(fresh.Papers)})
	changed := len(now) != len(before)
	for i, p := range now {
		if r, ok := before[p.ID]; !ok || r != [2]int{i, p.Upvotes} {
			changed = true
		}
	}
	if h := &posts[0].Reply; changed && len(h.Cards) == 0 {
		h.Text = strings.TrimSpace(h.Text + "\n" + standings(now, d.now()))
	}
	for i, p := range posts {
		if res.Gone || ctx.Err() != nil {
			break
		}
		ids, posted := del.Items[p.Key]
		switch {
		case !posted && i > 0 && sub.Style == bot.StyleThread && del.Thread != "":
			d.addLate(ctx, sub, del, p, &res)
		case !posted:
			// Inline styles would need a new top-level message: never.
		case i == 0 && changed, i > 0 && before[p.Reply.Cards[0].ID] != [2]int{i - 1, p.Reply.Cards[0].Upvotes}:
			thread := ""
			if i > 0 {
				thread = del.Thread
			}
			d.edit(ctx, ed, sub, thread, ids, p, &res)
		}
	}
	if res.Gone {
		d.markGone(ctx, sub, del.Date)
	}
	return res
}

// edit edits one post's messages. An edit that fails is given up quietly
// (the next round tries again if the paper changes again); one that finds
// the message or channel gone ends the refresh of the post.
func (d *Deliverer) edit(ctx context.Context, ed bot.Editor, sub bot.Subscription, thread string, ids []string, p bot.Post, res *Refreshed) {
	err := ed.Edit(ctx, sub.Channel, thread, ids, p)
	switch {
	case err == nil:
		res.Edited += len(ids)
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		res.Gone = true
		d.logger().Info("post is gone; no longer refreshing it", "platform", sub.Platform, "channel", sub.Channel, "key", p.Key)
	default:
		res.Failed++
		d.logger().Debug("edit failed; given up for this round", "platform", sub.Platform, "channel", sub.Channel, "key", p.Key, "error", err)
	}
}

// addLate adds a paper that joined the day's list to the day's thread,
// through a ledger row of its own: exactly once, however many rounds or
// processes try.
func (d *Deliverer) addLate(ctx context.Context, sub bot.Subscription, del bot.Delivery, p bot.Post, res *Refreshed) {
	chat := d.Chats[sub.Platform]
	p.Thread = del.Thread
	k := bot.DeliveryKey{Platform: sub.Platform, Channel: sub.Channel + lateSuffix + p.Reply.Cards[0].ID, Date: del.Date}
	_, sent, err := d.run(ctx, chat, k, sub.Channel, func(context.Context) []bot.Post { return []bot.Post{p} })
	switch {
	case err != nil:
		res.Err = err
		d.logger().Warn("adding a late paper failed; next round retries", "platform", sub.Platform, "channel", sub.Channel, "key", p.Key, "error", err)
	case sent > 0:
		res.Added++
	}
}

// markGone records that a post is gone, so no round refreshes it again.
func (d *Deliverer) markGone(ctx context.Context, sub bot.Subscription, date string) {
	k := goneKey(sub, date)
	del, err := d.Ledger.Claim(ctx, k, d.Owner, d.now().Add(d.lease()))
	if err == nil && del.State != bot.DeliverySent {
		err = d.Ledger.Finish(ctx, del.Claim(), bot.DeliverySent, "", time.Time{})
	}
	if err != nil {
		d.logger().Warn("could not record a gone post", "platform", sub.Platform, "channel", sub.Channel, "date", date, "error", err)
	}
}

// ranked returns papers in batch order (bot.RankPapers), leaving papers as is.
func ranked(papers []bot.Paper) []bot.Paper {
	out := slices.Clone(papers)
	bot.RankPapers(out)
	return out
}

// ranks maps each paper's id to its position and upvotes.
func ranks(papers []bot.Paper) map[string][2]int {
	out := make(map[string][2]int, len(papers))
	for i, p := range papers {
		out[p.ID] = [2]int{i, p.Upvotes}
	}
	return out
}

// standings is the header's line about the current order: "Upvotes as of
// 14:30 UTC. Most upvoted now: 1. A (▲ 38) · 2. B (▲ 37) · 3. C (▲ 31)".
func standings(papers []bot.Paper, now time.Time) string {
	var top []string
	for i, p := range papers[:min(3, len(papers))] {
		top = append(top, fmt.Sprintf("%d. %s (▲ %d)", i+1, text.Truncate(text.CleanTitle(p.Title), 60), p.Upvotes))
	}
	s := "Upvotes as of " + now.UTC().Format("15:04 MST") + "."
	if len(top) > 0 {
		s += " Most upvoted now: " + strings.Join(top, " · ")
	}
	return s
}

// refreshDue starts, every RefreshEvery (the first one RefreshEvery after
// Run starts), a refresh round of each day whose posts went out less than
// RefreshWindow ago, in a goroutine of wg: a round on a rate-limited
// platform can take longer than the deliveries may wait. A round still
// running when the next is due makes that one skip. Run calls it; it does
// nothing when RefreshWindow is 0.
func (s *Scheduler) refreshDue(ctx context.Context, wg *sync.WaitGroup) {
	now := s.now()
	if s.RefreshWindow <= 0 {
		return
	}
	if s.lastRefresh.IsZero() || now.Sub(s.lastRefresh) < bot.RefreshEvery {
		if s.lastRefresh.IsZero() {
			s.lastRefresh = now
		}
		return
	}
	if !s.refreshMu.TryLock() {
		return
	}
	s.lastRefresh = now
	wg.Go(func() {
		defer s.refreshMu.Unlock()
		defer bot.Recover(s.logger(), "scheduler refresh", nil)
		for _, date := range s.refreshDates(ctx, now) {
			s.refreshRound(ctx, date)
		}
	})
}

// refreshRound is one round of Run's, logged.
func (s *Scheduler) refreshRound(ctx context.Context, date string) {
	res, err := s.Refresh(ctx, date)
	if s.OnRefresh != nil {
		s.OnRefresh(date, res, err)
	}
	if err != nil {
		s.logger().Warn("refresh failed; next round retries", "date", date, "error", err)
		return
	}
	edited, added, failed := 0, 0, 0
	for _, r := range res {
		edited, added, failed = edited+r.Edited, added+r.Added, failed+r.Failed
	}
	s.logger().Info("refreshed", "date", date, "posts", len(res), "edited", edited, "added", added, "given_up", failed)
}

// refreshDates returns the days, oldest first, whose newest delivery to a
// daily subscription was sent less than RefreshWindow before now.
func (s *Scheduler) refreshDates(ctx context.Context, now time.Time) []string {
	subs, err := s.Subscriptions.Subscriptions(ctx)
	if err != nil {
		s.logger().Error("list subscriptions", "error", err)
		return nil
	}
	var dates []string
	for _, sub := range subs {
		if sub.PeriodKind() != bot.PeriodDay {
			continue
		}
		del, err := s.Deliverer.Ledger.LastDelivery(ctx, sub.Platform, sub.Channel)
		if err == nil && del.State == bot.DeliverySent && now.Sub(del.Updated) < s.RefreshWindow && !slices.Contains(dates, del.Date) {
			dates = append(dates, del.Date)
		}
	}
	slices.Sort(dates)
	return dates
}
