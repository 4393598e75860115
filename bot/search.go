package bot

import (
	"context"
	"fmt"
	"math"
	"strings"

	"paperboy/bot/text"
)

// MaxQueryLen bounds the text of a search, in bytes; longer input is cut.
const MaxQueryLen = 500

// Search finds papers for free text, at most limit hits after skipping
// offset, and reports whether more hits follow. An arXiv id or an arxiv.org
// or huggingface.co/papers link in the text finds that paper directly and puts
// it first; the other words search the full-text index, and when papers
// have vectors, their meaning too (see textHits). Any text is safe.
// The error has code EINVALID when the text is empty.
func (e *Engine) Search(ctx context.Context, text string, limit, offset int) ([]Hit, bool, error) {
	return e.search(ctx, text, text, limit, offset)
}

// search is Search for text, with meaning the text whose meaning to match
// when papers have vectors (a whole question, where text is its keywords).
func (e *Engine) search(ctx context.Context, text, meaning string, limit, offset int) ([]Hit, bool, error) {
	text = strings.TrimSpace(text)
	if len(text) > MaxQueryLen {
		text = shorten(text, MaxQueryLen)
	}
	if text == "" {
		return nil, false, Errorf(EINVALID, "Type some words to search for, e.g. /papers search diffusion models.")
	}
	limit = max(1, min(limit, 100))
	offset = max(offset, 0)
	direct, rest := e.directHits(ctx, text)
	var hits []Hit
	if offset < len(direct) {
		hits = append(hits, direct[offset:]...)
	}
	if rest != "" {
		found, err := e.textHits(ctx, rest, meaning, limit+1, max(0, offset-len(direct)))
		if err != nil {
			return nil, false, fmt.Errorf("search papers: %w", err)
		}
		hits = append(hits, withoutIDs(found, direct)...)
	}
	more := len(hits) > limit
	return hits[:min(len(hits), limit)], more, nil
}

// directHits finds the papers that the text names by id or link, and returns
// them with the text that is left to search.
func (e *Engine) directHits(ctx context.Context, text string) ([]Hit, string) {
	var hits []Hit
	var rest []string
	for _, f := range strings.Fields(text) {
		id, ok := ParsePaperRef(f)
		if !ok {
			rest = append(rest, f)
			continue
		}
		p, err := e.Store.Paper(ctx, id)
		if err != nil {
			rest = append(rest, f) // unknown here; let the index try the words
			continue
		}
		hits = append(hits, Hit{Paper: p, Score: math.Inf(1)})
	}
	return hits, strings.Join(rest, " ")
}

// withoutIDs drops the hits whose paper is already among seen.
func withoutIDs(hits, seen []Hit) []Hit {
	if len(seen) == 0 {
		return hits
	}
	out := hits[:0:0]
	for _, h := range hits {
		dup := false
		for _, s := range seen {
			dup = dup || s.Paper.ID == h.Paper.ID
		}
		if !dup {
			out = append(out, h)
		}
	}
	return out
}

func (e *Engine) handleSearch(ctx context.Context, cmd Command) (Reply, error) {
	size := e.pageSize()
	found, err := e.Find(ctx, cmd.Args, size, cmd.Page*size)
	if err != nil {
		return Reply{}, err
	}
	hits, more := found.Hits, found.More
	query := shorten(text.CleanTitle(cmd.Args), 100)
	r := Reply{Title: fmt.Sprintf("Search: %s", query), Ephemeral: true, Text: found.Window.Note()}
	if len(hits) == 0 {
		r.Text = strings.TrimSpace(r.Text + "\nNo papers match. Try fewer or different words.")
		if cmd.Page > 0 {
			r.Text = "No more results."
		}
		return r, nil
	}
	if as := Respelled(hits); as != "" {
		r.Text = strings.TrimSpace("Showing results for “" + shorten(text.CleanTitle(as), 100) + "”.\n" + r.Text)
	}
	r.Cards = e.cardsOf(ctx, cmd.Page*size+1, papersOf(hits))
	if more {
		next := cmd
		next.Page++
		r.Next = &next
	}
	return r, nil
}

// Respelled returns what the store searched for instead of the text asked
// (see Hit.Respelled), or "" when it searched the text as typed.
func Respelled(hits []Hit) string {
	for _, h := range hits {
		if h.Respelled != "" {
			return h.Respelled
		}
	}
	return ""
}
