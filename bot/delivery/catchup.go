package delivery

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"paperboy/bot"
	"paperboy/bot/text"
)

// CatchUpTop is how many papers a catch-up digest shows, at most.
const CatchUpTop = 10

// CatchUp delivers several missed days to one channel as a single digest:
// the top papers of all of them by upvotes under a "While I was away"
// header, never a flood. The digest is the newest day's delivery, so once
// it is sent the older days are behind the channel's newest delivery and
// the scheduler never sends them on their own.
func (d *Deliverer) CatchUp(ctx context.Context, sub bot.Subscription, batches []bot.Batch) (bot.Delivery, error) {
	if len(batches) == 0 {
		return bot.Delivery{}, bot.Errorf(bot.EINVALID, "Nothing to catch up on.")
	}
	if len(batches) == 1 {
		return d.Deliver(ctx, sub, batches[0])
	}
	chat, ok := d.Chats[sub.Platform]
	if !ok {
		return bot.Delivery{}, bot.Errorf(bot.EINVALID, "No %s adapter is configured for channel %s.", sub.Platform, sub.Channel)
	}
	batches = slices.SortedFunc(slices.Values(batches), func(a, b bot.Batch) int { return cmp.Compare(a.Date, b.Date) })
	newest := batches[len(batches)-1].Date
	lists := make([][]bot.Paper, len(batches))
	for i, b := range batches {
		lists[i] = sub.Filter(b.Papers)
	}
	papers := bot.MergeTop(lists...)
	top := min(len(papers), CatchUpTop)
	if sub.Top > 0 {
		top = min(top, sub.Top)
	}
	plan := func(ctx context.Context) []bot.Post {
		header := bot.Reply{
			Title: fmt.Sprintf("While I was away: %d days, %s — the top %d by upvotes", len(batches), text.Plural(len(papers), "paper"), top),
			Text:  fmt.Sprintf("Daily Papers from %s to %s.", bot.FormatDay(batches[0].Date), bot.FormatDay(newest)),
			Cards: d.cards(ctx, papers[:top]),
		}
		return []bot.Post{{Key: "paperboy:" + newest, Reply: header}}
	}
	k := bot.DeliveryKey{Platform: sub.Platform, Channel: sub.Channel, Date: newest}
	return d.deliver(ctx, chat, k, sub.Channel, plan)
}
