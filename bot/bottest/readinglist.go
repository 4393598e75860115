package bottest

import (
	"context"
	"slices"
	"sort"
	"sync"

	"paperboy/bot"
)

var _ bot.ReadingList = (*ReadingList)(nil)

// ReadingList is an in-memory bot.ReadingList over a Store (for titles and
// pending papers). Threads maps "platform thread" to the channel whose
// delivery opened that thread.
type ReadingList struct {
	Store   *Store
	Threads map[string]string

	mu      sync.Mutex
	signals []bot.Signal
}

// same reports whether a and b are the same person's signal of one kind.
func same(a, b bot.Signal) bool {
	return a.Platform == b.Platform && a.Channel == b.Channel && a.PaperID == b.PaperID && a.Kind == b.Kind && a.User == b.User
}

// AddSignal records s unless the same signal is there.
func (l *ReadingList) AddSignal(_ context.Context, s bot.Signal) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.User == "" || s.PaperID == "" || (s.Kind != bot.SignalSave && s.Kind != bot.SignalNotForUs) {
		return false, bot.Errorf(bot.EINVALID, "bad signal %+v", s)
	}
	if slices.ContainsFunc(l.signals, func(o bot.Signal) bool { return same(o, s) }) {
		return false, nil
	}
	l.signals = append(l.signals, s)
	return true, nil
}

// RemoveSignal deletes the matching signals; s.User "" matches anyone.
func (l *ReadingList) RemoveSignal(_ context.Context, s bot.Signal) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.signals)
	l.signals = slices.DeleteFunc(l.signals, func(o bot.Signal) bool {
		if s.User == "" {
			o.User = ""
		}
		return same(o, s)
	})
	return n - len(l.signals), nil
}

// ChannelSignals returns the channel's signals, oldest first.
func (l *ReadingList) ChannelSignals(_ context.Context, platform, channel string) ([]bot.Signal, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []bot.Signal{}
	for _, s := range l.signals {
		if s.Platform == platform && s.Channel == channel {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// SavedPapers returns a page of the channel's saves, newest first.
func (l *ReadingList) SavedPapers(ctx context.Context, platform, channel string, offset, limit int) ([]bot.SavedPaper, int, error) {
	signals, _ := l.ChannelSignals(ctx, platform, channel)
	var list []bot.SavedPaper
	at := map[string]int{}
	for _, s := range signals {
		if s.Kind != bot.SignalSave {
			continue
		}
		who := s.Name
		if who == "" {
			who = s.User
		}
		if i, ok := at[s.PaperID]; ok {
			list[i].SavedBy = append(list[i].SavedBy, who)
			continue
		}
		at[s.PaperID] = len(list)
		sp := bot.SavedPaper{Paper: bot.Paper{ID: s.PaperID}, SavedBy: []string{who}, SavedAt: s.At, Pending: true}
		if p, err := l.Store.Paper(ctx, s.PaperID); err == nil {
			sp.Paper, sp.Pending = p, false
		}
		list = append(list, sp)
	}
	slices.Reverse(list)
	total := len(list)
	list = list[min(offset, total):min(offset+limit, total)]
	return list, total, nil
}

// PendingPapers returns the ids signalled but not in the Store.
func (l *ReadingList) PendingPapers(ctx context.Context) ([]string, error) {
	l.mu.Lock()
	signals := slices.Clone(l.signals)
	l.mu.Unlock()
	var ids []string
	for _, s := range signals {
		if _, err := l.Store.Paper(ctx, s.PaperID); err != nil && !slices.Contains(ids, s.PaperID) {
			ids = append(ids, s.PaperID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// ThreadChannel looks the thread up in Threads.
func (l *ReadingList) ThreadChannel(_ context.Context, platform, thread string) (string, error) {
	return l.Threads[platform+" "+thread], nil
}
