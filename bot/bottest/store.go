// Package bottest holds hand-written fakes of bot's interfaces for tests: an
// in-memory Store, a scripted Summarizer and Source, and a synthetic corpus.
// It imports only bot and the standard library and is never imported by
// non-test code.
package bottest

import (
	"context"
	"sort"
	"strings"
	"sync"

	"paperboy/bot"
)

var (
	_ bot.Store        = (*Store)(nil)
	_ bot.SummaryBatch = (*Store)(nil)
	_ bot.BatchDates   = (*Store)(nil)
)

// Store is an in-memory bot.Store. Its search is a naive case-insensitive
// word match, good enough to test the engine. Set a …Func field to replace
// one method, e.g. to inject a failure.
type Store struct {
	SearchFunc      func(ctx context.Context, q bot.Query) ([]bot.Hit, error)
	SaveSummaryFunc func(ctx context.Context, s bot.Summary) error

	mu        sync.Mutex
	papers    map[string]bot.Paper
	batches   map[string]bot.Batch
	summaries map[bot.SummaryKey]bot.Summary
	reads     int // of the summaries, by Summary and CachedSummaries
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{
		papers:    make(map[string]bot.Paper),
		batches:   make(map[string]bot.Batch),
		summaries: make(map[bot.SummaryKey]bot.Summary),
	}
}

// SaveBatch stores the papers (replacing earlier copies) and the day's batch.
func (s *Store) SaveBatch(_ context.Context, b bot.Batch) (bot.SaveResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res bot.SaveResult
	for _, p := range b.Papers {
		if _, ok := s.papers[p.ID]; ok {
			res.Updated++
		} else {
			res.Added++
		}
		s.papers[p.ID] = p
	}
	if b.Date != "" {
		b.Papers = append([]bot.Paper(nil), b.Papers...)
		s.batches[b.Date] = b
	}
	return res, nil
}

// AddPapers stores the papers not stored yet and leaves the others as they
// are.
func (s *Store) AddPapers(_ context.Context, papers []bot.Paper) (bot.SaveResult, error) {
	for i, p := range papers {
		if strings.TrimSpace(p.ID) == "" {
			return bot.SaveResult{}, bot.Errorf(bot.EINVALID, "Paper %d (%q) has no id.", i+1, p.Title)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var res bot.SaveResult
	for _, p := range papers {
		if _, ok := s.papers[p.ID]; ok {
			res.AlreadyStored++
			continue
		}
		s.papers[p.ID] = p
		res.Added++
	}
	return res, nil
}

// Paper returns a stored paper or an ENOTFOUND error.
func (s *Store) Paper(_ context.Context, id string) (bot.Paper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.papers[id]
	if !ok {
		return bot.Paper{}, bot.Errorf(bot.ENOTFOUND, "No paper %s.", id)
	}
	return p, nil
}

// Batch returns the newest batch dated on or before date.
func (s *Store) Batch(_ context.Context, date string) (bot.Batch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	best := ""
	for d := range s.batches {
		if d <= date && d > best {
			best = d
		}
	}
	if best == "" {
		return bot.Batch{}, bot.Errorf(bot.ENOTFOUND, "No batch on or before %s.", date)
	}
	b := s.batches[best]
	papers := make([]bot.Paper, len(b.Papers))
	for i, p := range b.Papers {
		papers[i] = s.papers[p.ID]
	}
	b.Papers = papers
	return b, nil
}

// Search returns the papers whose title or abstract contains every word
// (with q.Any, any word, those with more words first).
func (s *Store) Search(ctx context.Context, q bot.Query) ([]bot.Hit, error) {
	if s.SearchFunc != nil {
		return s.SearchFunc(ctx, q)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	words := strings.Fields(strings.ToLower(q.Text))
	var hits []bot.Hit
	for _, p := range s.papers {
		text := strings.ToLower(p.Title + " " + p.Abstract)
		n := 0
		for _, w := range words {
			if strings.Contains(text, w) {
				n++
			}
		}
		if len(words) > 0 && (n == len(words) || q.Any && n > 0) {
			hits = append(hits, bot.Hit{Paper: p, Score: float64(n)})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Paper.ID > hits[j].Paper.ID
	})
	if q.Offset >= len(hits) {
		return nil, nil
	}
	hits = hits[q.Offset:]
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	return hits, nil
}

// Summary returns a cached summary or an ENOTFOUND error.
func (s *Store) Summary(_ context.Context, key bot.SummaryKey) (bot.Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	sum, ok := s.summaries[key]
	if !ok {
		return bot.Summary{}, bot.Errorf(bot.ENOTFOUND, "No summary.")
	}
	return sum, nil
}

// SaveSummary caches a summary.
func (s *Store) SaveSummary(ctx context.Context, sum bot.Summary) error {
	if s.SaveSummaryFunc != nil {
		return s.SaveSummaryFunc(ctx, sum)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.summaries[sum.SummaryKey] = sum
	return nil
}

// Summaries returns how many summaries are cached.
func (s *Store) Summaries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.summaries)
}

// All returns every stored paper, in id order.
func (s *Store) All() []bot.Paper {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]bot.Paper, 0, len(s.papers))
	for _, p := range s.papers {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// CachedSummaries returns the cached summaries of keys, as one read.
func (s *Store) CachedSummaries(_ context.Context, keys []bot.SummaryKey) (map[bot.SummaryKey]bot.Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	out := map[bot.SummaryKey]bot.Summary{}
	for _, k := range keys {
		if sum, ok := s.summaries[k]; ok {
			out[k] = sum
		}
	}
	return out, nil
}

// SummaryReads returns how many times the summaries were read: once per
// Summary call and once per CachedSummaries call.
func (s *Store) SummaryReads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// InBatches returns which papers of ids are in a batch dated from..to.
func (s *Store) InBatches(_ context.Context, ids []string, from, to string) (map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := bot.Window{From: from, To: to}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	in := map[string]bool{}
	for date, b := range s.batches {
		for _, p := range b.Papers {
			if want[p.ID] && w.Contains(date) {
				in[p.ID] = true
			}
		}
	}
	return in, nil
}
