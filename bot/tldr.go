package bot

import (
	"context"
	"time"

	"paperboy/bot/text"
)

// TLDR returns a one-line summary of the paper named by ref (an arXiv id or
// link). The error has code EINVALID when ref names no paper and ENOTFOUND
// when the paper is not stored; once the paper is found, a summary always
// comes back (see Summary).
func (e *Engine) TLDR(ctx context.Context, ref string) (Paper, Summary, error) {
	p, err := e.lookup(ctx, ref)
	if err != nil {
		return Paper{}, Summary{}, err
	}
	return p, e.Summary(ctx, p), nil
}

// Summary returns the TL;DR of p from the first source that has one:
//
//  1. the cache, for the configured model and prompt version;
//  2. the LLM, when one is configured, if its answer passes check.TLDR
//     (the answer is then cached) and comes within the request's wait
//     (see Engine.SummaryTimeout); one that comes later is still checked
//     and cached for the next request;
//  3. Hugging Face's ai_summary;
//  4. the first informative sentence of the abstract.
//
// It never returns an empty summary and never caches a fallback as an LLM
// answer: an LLM that is down or misbehaves only costs the LLM's line.
func (e *Engine) Summary(ctx context.Context, p Paper) Summary {
	if s, ok := e.llmSummary(ctx, p); ok {
		return s
	}
	if s, ok := hfSummary(p); ok {
		return s
	}
	return extractiveSummary(p)
}

// quickSummary returns a summary that costs no LLM call: a cached LLM
// answer, or Hugging Face's. Lists use it; TL;DR requests use Summary.
func (e *Engine) quickSummary(ctx context.Context, p Paper) (Summary, bool) {
	if model, prompt := e.summarizer().Version(); model != "" {
		if s, ok := e.cachedSummary(ctx, SummaryKey{PaperID: p.ID, Model: model, PromptVersion: prompt}); ok {
			return s, true
		}
	}
	return hfSummary(p)
}

// llmSummary is steps 1 and 2 of Summary.
func (e *Engine) llmSummary(ctx context.Context, p Paper) (Summary, bool) {
	model, prompt := e.summarizer().Version()
	if model == "" {
		return Summary{}, false
	}
	key := SummaryKey{PaperID: p.ID, Model: model, PromptVersion: prompt}
	if s, ok := e.cachedSummary(ctx, key); ok {
		e.count(TLDRCacheHit)
		return s, true
	}
	return e.askLLM(ctx, key, p)
}

// cachedSummary returns the cached LLM answer for key. An answer that no
// longer passes check.TLDR (cached before a rule was added) counts as none,
// so that it gives way to Hugging Face's summary and a new answer.
func (e *Engine) cachedSummary(ctx context.Context, key SummaryKey) (Summary, bool) {
	s, err := e.Store.Summary(ctx, key)
	if err != nil {
		if ErrorCode(err) != ENOTFOUND {
			e.logger().Warn("read tldr cache", "paper_id", key.PaperID, "error", err)
		}
		return Summary{}, false
	}
	if _, err := e.checkTLDR(s.Text); err != nil {
		return Summary{}, false
	}
	s.Cached = true
	return s, true
}

func (e *Engine) summaryTimeout() time.Duration {
	if e.SummaryTimeout > 0 {
		return e.SummaryTimeout
	}
	return 20 * time.Second
}

// hfSummary is Hugging Face's own one-sentence summary, when the paper has one.
func hfSummary(p Paper) (Summary, bool) {
	s := text.Truncate(text.CleanTitle(p.AISummary), 400)
	if s == "" {
		return Summary{}, false
	}
	key := SummaryKey{PaperID: p.ID, Model: p.AISummaryModel}
	return Summary{SummaryKey: key, Text: s, Source: SourceHF}, true
}

// extractiveSummary is the last resort: the abstract's first informative
// sentence, or the title when there is no abstract, so it is never empty.
func extractiveSummary(p Paper) Summary {
	s := text.Extractive(p.Abstract)
	if s == "" {
		s = text.Truncate(text.CleanTitle(p.Title), 300)
	}
	if s == "" {
		s = "No abstract available."
	}
	return Summary{SummaryKey: SummaryKey{PaperID: p.ID}, Text: s, Source: SourceExtractive}
}

func (e *Engine) handleTLDR(ctx context.Context, cmd Command) (Reply, error) {
	p, s, err := e.TLDR(ctx, cmd.Args)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Cards: []Card{NewCard(0, p).WithSummary(s)}, Ephemeral: true}, nil
}

func (e *Engine) handleAbstract(ctx context.Context, cmd Command) (Reply, error) {
	p, err := e.lookup(ctx, cmd.Args)
	if err != nil {
		return Reply{}, err
	}
	c := NewCard(0, p)
	c.Abstract = text.Truncate(text.CleanAbstract(p.Abstract), MaxAbstractLen)
	if c.Abstract == "" {
		c.Abstract = "No abstract available."
	}
	return Reply{Cards: []Card{c}, Ephemeral: true}, nil
}
