package delivery

import (
	"context"

	"paperboy/bot"
)

// noticeSuffix marks the ledger rows of notices: a notice about a day has a
// row of its own, apart from that day's delivery, so it never stands in
// for the batch and the batch still goes out later.
const noticeSuffix = "#notice"

// Notify tells the channel, once per day, why that day's batch is not there
// yet: the source is down, or there is no batch. Sending it again for the
// same day does nothing, across restarts and processes.
func (d *Deliverer) Notify(ctx context.Context, sub bot.Subscription, date, text string) (bot.Delivery, error) {
	chat, ok := d.Chats[sub.Platform]
	if !ok {
		return bot.Delivery{}, bot.Errorf(bot.EINVALID, "No %s adapter is configured for channel %s.", sub.Platform, sub.Channel)
	}
	k := bot.DeliveryKey{Platform: sub.Platform, Channel: sub.Channel + noticeSuffix, Date: date}
	post := bot.Post{Key: "paperboy:" + date + ":notice", Reply: bot.Reply{Text: text}}
	return d.deliver(ctx, chat, k, sub.Channel, func(context.Context) []bot.Post { return []bot.Post{post} })
}
