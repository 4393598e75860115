package bottest

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"paperboy/bot"
)

var _ bot.Subscriptions = (*Subscriptions)(nil)

// Subscriptions is an in-memory bot.Subscriptions.
type Subscriptions struct {
	mu   sync.Mutex
	subs map[[2]string]bot.Subscription
}

// Subscriptions returns every subscription by platform and channel.
func (s *Subscriptions) Subscriptions(context.Context) ([]bot.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Subscription
	for _, sub := range s.subs {
		out = append(out, sub)
	}
	slices.SortFunc(out, func(a, b bot.Subscription) int {
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.Channel, b.Channel))
	})
	return out, nil
}

// Subscription returns one channel's subscription.
func (s *Subscriptions) Subscription(_ context.Context, platform, channel string) (bot.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[[2]string{platform, channel}]
	if !ok {
		return bot.Subscription{}, bot.Errorf(bot.ENOTFOUND, "No subscription.")
	}
	return sub, nil
}

// SaveSubscription stores a subscription.
func (s *Subscriptions) SaveSubscription(_ context.Context, sub bot.Subscription) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs == nil {
		s.subs = make(map[[2]string]bot.Subscription)
	}
	s.subs[[2]string{sub.Platform, sub.Channel}] = sub
	return nil
}

// DeleteSubscription removes a subscription.
func (s *Subscriptions) DeleteSubscription(_ context.Context, platform, channel string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{platform, channel}
	if _, ok := s.subs[k]; !ok {
		return bot.Errorf(bot.ENOTFOUND, "No subscription.")
	}
	delete(s.subs, k)
	return nil
}
