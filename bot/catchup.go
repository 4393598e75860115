package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// CatchUpTop is how many papers a catch-up digest shows, at most.
const CatchUpTop = 10

// CatchUp delivers several missed days to one channel as a single digest:
// the top papers of all of them by upvotes under a "While I was away"
// header, never a flood. The digest is the newest day's delivery, so once
// it is sent the older days are behind the channel's newest delivery and
// the scheduler never sends them on their own.
func (d *Deliverer) CatchUp(ctx context.Context, sub Subscription, batches []Batch) (Delivery, error) {
	if len(batches) == 0 {
		return Delivery{}, Errorf(EINVALID, "Nothing to catch up on.")
	}
	if len(batches) == 1 {
		return d.Deliver(ctx, sub, batches[0])
	}
	chat, ok := d.Chats[sub.Platform]
	if !ok {
		return Delivery{}, Errorf(EINVALID, "No %s adapter is configured for channel %s.", sub.Platform, sub.Channel)
	}
	batches = slices.SortedFunc(slices.Values(batches), func(a, b Batch) int { return cmp.Compare(a.Date, b.Date) })
	newest := batches[len(batches)-1].Date
	lists := make([][]Paper, len(batches))
	for i, b := range batches {
		lists[i] = sub.Filter(b.Papers)
	}
	papers := MergeTop(lists...)
	top := min(len(papers), CatchUpTop)
	if sub.Top > 0 {
		top = min(top, sub.Top)
	}
	plan := func(ctx context.Context) []Post {
		header := Reply{
			Title: fmt.Sprintf("While I was away: %d days, %s — the top %d by upvotes", len(batches), plural(len(papers), "paper"), top),
			Text:  fmt.Sprintf("Daily Papers from %s to %s.", FormatDay(batches[0].Date), FormatDay(newest)),
			Cards: d.cards(ctx, papers[:top]),
		}
		return []Post{{Key: "paperboy:" + newest, Reply: header}}
	}
	k := DeliveryKey{Platform: sub.Platform, Channel: sub.Channel, Date: newest}
	return d.deliver(ctx, chat, k, sub.Channel, plan)
}
