package bot

import "context"

// SummaryBatch is an optional method of a Store: the cached TL;DRs of
// many papers in one query, for the cards of a list reply. store.DB
// implements it; without it the engine asks Store.Summary once a card.
type SummaryBatch interface {
	// CachedSummaries returns the cached TL;DRs of those keys that have
	// one; a key without one is absent from the map.
	CachedSummaries(ctx context.Context, keys []SummaryKey) (map[SummaryKey]Summary, error)
}

// cardsOf returns the cards of papers, numbered from first, each with the
// TL;DR that costs no LLM call (see quickSummary), the cached ones read in
// one query when the Store can.
func (e *Engine) cardsOf(ctx context.Context, first int, papers []Paper) []Card {
	cached := e.cachedSummaries(ctx, papers)
	cards := make([]Card, len(papers))
	for i, p := range papers {
		cards[i] = NewCard(first+i, p)
		s, ok := Summary{}, false
		if cached == nil {
			s, ok = e.quickSummary(ctx, p)
		} else if s, ok = cached[p.ID]; !ok {
			s, ok = hfSummary(p)
		}
		if ok {
			cards[i] = cards[i].WithSummary(s)
		}
	}
	return cards
}

// cachedSummaries returns the valid cached LLM TL;DRs of papers, by paper
// id, from one query; nil when the Store cannot batch them (the caller
// then asks one at a time). Without a summarizer there are none. A failed
// read counts as no cached TL;DRs, as it does one at a time.
func (e *Engine) cachedSummaries(ctx context.Context, papers []Paper) map[string]Summary {
	batch, ok := e.Store.(SummaryBatch)
	if !ok {
		return nil
	}
	out := map[string]Summary{}
	model, prompt := e.summarizer().Version()
	if model == "" || len(papers) == 0 {
		return out
	}
	keys := make([]SummaryKey, len(papers))
	for i, p := range papers {
		keys[i] = SummaryKey{PaperID: p.ID, Model: model, PromptVersion: prompt}
	}
	found, err := batch.CachedSummaries(ctx, keys)
	if err != nil {
		e.logger().Warn("read tldr cache", "papers", len(papers), "error", err)
		return out
	}
	for key, s := range found {
		if _, err := e.checkTLDR(s.Text); err == nil {
			s.Cached = true
			out[key.PaperID] = s
		}
	}
	return out
}
