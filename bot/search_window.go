package bot

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// BatchDates is an optional method of a Store: which of some papers are
// in a batch dated within a range, in one query. store.DB implements it;
// without it the engine reads the range's batches one day at a time, at
// most maxWindowDays of them.
type BatchDates interface {
	// InBatches returns the ids among ids of the papers listed in a batch
	// dated from..to, both included; an empty end is open.
	InBatches(ctx context.Context, ids []string, from, to string) (map[string]bool, error)
}

// windowDepth is how many of a search's best hits are looked through for
// papers inside its date range, in pages of maxFused.
const windowDepth = 3 * maxFused

// SearchResult is a page of search hits and the dates they were narrowed
// to by a date phrase of the query.
type SearchResult struct {
	Hits []Hit
	More bool // more hits follow
	// Window is the range of batch dates the query named; every hit's
	// paper is in a batch inside it. Window.Unread is a date phrase that
	// could not be read: then every date was searched.
	Window Window
}

// Find is Search that reads a date phrase in the text ("since June", "in
// May 2026", see ParseWindow) and keeps only papers of the batches dated
// within it, looking through the best windowDepth hits of the other words.
// Papers named by id or link are kept whatever their dates. Text that is
// only a date phrase lists the papers of its batches, newest day first.
func (e *Engine) Find(ctx context.Context, text string, limit, offset int) (SearchResult, error) {
	w, rest := ParseWindow(shorten(text, MaxQueryLen), e.now().In(e.location()))
	if w.IsZero() {
		if w.Unread == "" || strings.TrimSpace(rest) == "" {
			rest = text
		}
		hits, more, err := e.search(ctx, rest, rest, limit, offset)
		return SearchResult{Hits: hits, More: more, Window: w}, err
	}
	limit, offset = max(1, min(limit, 100)), max(offset, 0)
	var in []Hit
	if strings.TrimSpace(rest) == "" {
		papers, err := e.windowPapers(ctx, w)
		if err != nil {
			return SearchResult{}, fmt.Errorf("search papers: %w", err)
		}
		in = hitsOf(papers)
	} else {
		var err error
		if in, err = e.windowHits(ctx, rest, rest, w, offset+limit+1); err != nil {
			return SearchResult{}, err
		}
	}
	res := SearchResult{Window: w, More: len(in) > offset+limit}
	if offset < len(in) {
		res.Hits = in[offset:min(len(in), offset+limit)]
	}
	return res, nil
}

// windowHits returns up to want of the best hits for text (and meaning,
// see search) whose papers are in a batch within w, looking through the
// best windowDepth hits.
func (e *Engine) windowHits(ctx context.Context, text, meaning string, w Window, want int) ([]Hit, error) {
	var in []Hit
	for offset := 0; offset < windowDepth && len(in) < want; offset += maxFused {
		hits, more, err := e.search(ctx, text, meaning, maxFused, offset)
		if err != nil {
			return nil, err
		}
		kept, err := e.inWindow(ctx, hits, w)
		if err != nil {
			return nil, fmt.Errorf("search papers: %w", err)
		}
		in = append(in, kept...)
		if !more {
			break
		}
	}
	return in[:min(len(in), want)], nil
}

// inWindow returns the hits whose papers are in a batch within w, and
// those named by id or link (Score +Inf), in order.
func (e *Engine) inWindow(ctx context.Context, hits []Hit, w Window) ([]Hit, error) {
	in, err := e.batchesWithin(ctx, hits, w)
	if err != nil {
		return nil, err
	}
	var out []Hit
	for _, h := range hits {
		if in[h.Paper.ID] || isDirect(h) {
			out = append(out, h)
		}
	}
	return out, nil
}

// batchesWithin returns which papers of hits are in a batch within w.
func (e *Engine) batchesWithin(ctx context.Context, hits []Hit, w Window) (map[string]bool, error) {
	if bd, ok := e.Store.(BatchDates); ok {
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = h.Paper.ID
		}
		return bd.InBatches(ctx, ids, w.From, w.To)
	}
	papers, err := e.windowPapers(ctx, w)
	if err != nil {
		return nil, err
	}
	in := make(map[string]bool, len(papers))
	for _, p := range papers {
		in[p.ID] = true
	}
	return in, nil
}

// windowPapers returns the papers of the batches dated within w, newest
// day first, each paper once, in batch rank order within a day: at most
// maxWindowDays batches, the newest, for an open or long range.
func (e *Engine) windowPapers(ctx context.Context, w Window) ([]Paper, error) {
	var out []Paper
	seen := map[string]bool{}
	day := w.To
	if today := e.now().In(e.location()).Format(DateLayout); day == "" || day > today {
		day = today
	}
	for range maxWindowDays {
		b, err := e.Store.Batch(ctx, day)
		if ErrorCode(err) == ENOTFOUND || err == nil && b.Date < w.From {
			break
		} else if err != nil {
			return nil, err
		}
		for _, p := range b.Papers {
			if !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
		t, _ := time.Parse(DateLayout, b.Date)
		day = t.AddDate(0, 0, -1).Format(DateLayout)
	}
	return out, nil
}

// isDirect reports whether the hit is a paper named by id or link.
func isDirect(h Hit) bool { return math.IsInf(h.Score, 1) }

func hitsOf(papers []Paper) []Hit {
	out := make([]Hit, len(papers))
	for i, p := range papers {
		out[i] = Hit{Paper: p}
	}
	return out
}

// Note is what a reply says about the dates a query named: the range
// searched, or the phrase that could not be read; "" for none.
func (w Window) Note() string {
	switch {
	case w.Unread != "":
		return fmt.Sprintf("Searched all dates; I could not read '%s'.", w.Unread)
	case !w.IsZero():
		return "Papers of " + windowLabel(w) + " only."
	}
	return ""
}
