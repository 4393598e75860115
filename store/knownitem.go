package store

import (
	"cmp"
	"slices"
	"strings"

	"paperboy/bot"
)

// Known items. People often search for a paper they know: by its name
// ("DeepSeek-R1", the system or model its title introduces), by a run of
// its title's words, or by its title with a word missing. bm25 alone ranks
// such a paper behind papers that merely mention the name in a shorter
// title ("DeepSeek-R1 Thoughtology"). So both engines fetch the first
// rerankDepth bm25 hits and reorder them in Go with the signals search
// engines use for titles, added to the bm25 score scaled to [0, 1]:
//
//   - name: the query, folded (case, hyphens and spaces ignored), is the
//     title's name (the part before its colon; without one, the part
//     before "Technical Report", or its first word) or the whole title;
//   - phrase: the query's words appear in the title together, in order;
//   - order: they appear in the title in order, with gaps (a title with a
//     word left out);
//   - cover: the share of the query's words in the title or the byline,
//     and the share of the title's words the query has.
//
// Upvotes, then newer publication, break ties only. The same code reorders
// SQLite's and PostgreSQL's hits, so the engines agree.
const rerankDepth = 30

// Weights of the signals, tuned on the tuning half of the known-item set
// (see docs/benchmarks.md).
const (
	nameWeight   = 3.0
	phraseWeight = 1.0
	orderWeight  = 0.5
	coverWeight  = 1.0
	titleWeight  = 0.5
)

// rerank reorders the first rerankDepth of hits (ranked by bm25, best
// first) for the query forms (the query's words as typed and, when spelling
// found another form, that one too; see respell), and sets every hit's
// Score to the new one; unranked hits (Score 0) keep their order. The hits after the first rerankDepth keep their
// order, so that every page of a search agrees with a longer one.
// Each form's words are the folded words of its text.
func rerank(forms [][]string, hits []bot.Hit) []bot.Hit {
	top := 0.0
	for _, h := range hits {
		top = max(top, h.Score)
	}
	if top <= 0 { // unranked: the newest papers of a query bm25 cannot rank
		return hits
	}
	for i := range hits {
		hits[i].Score /= top
	}
	head := hits[:min(len(hits), rerankDepth)]
	type scored struct {
		hit   bot.Hit
		score float64
	}
	out := make([]scored, len(head))
	for i, h := range head {
		best := 0.0
		for _, f := range forms {
			best = max(best, titleSignals(f, h.Paper))
		}
		out[i] = scored{h, h.Score + best}
	}
	slices.SortStableFunc(out, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(b.hit.Paper.Upvotes, a.hit.Paper.Upvotes); c != 0 {
			return c
		}
		return b.hit.Paper.Published.Compare(a.hit.Paper.Published)
	})
	for i, o := range out {
		hits[i] = o.hit
		hits[i].Score = o.score
	}
	return hits
}

// titleSignals scores how well the query words q name paper p.
func titleSignals(q []string, p bot.Paper) float64 {
	if len(q) == 0 {
		return 0
	}
	title := foldWords(p.Title)
	s := 0.0
	joined := strings.Join(q, "")
	for _, name := range titleNames(p.Title) {
		if joined == strings.Join(foldWords(name), "") {
			s += nameWeight
			break
		}
	}
	content := contentWords(q)
	switch {
	case len(content) == 0:
	case containsRun(title, q):
		s += phraseWeight
	case inOrder(title, content):
		s += orderWeight
	}
	s += coverWeight * covered(content, title, p.Authors)
	if len(title) > 0 {
		s += titleWeight * float64(min(len(q), len(title))) / float64(len(title)) * covered(content, title, nil)
	}
	return s
}

// titleNames returns what a title may name: the whole title, and the part
// before its colon, or else the part before "Technical Report" or its first
// word.
func titleNames(title string) []string {
	names := []string{title}
	if head, _, ok := strings.Cut(title, ":"); ok {
		return append(names, head)
	}
	if head, ok := strings.CutSuffix(strings.TrimSpace(title), "Technical Report"); ok {
		names = append(names, head)
	}
	if f := strings.Fields(title); len(f) > 0 {
		names = append(names, f[0])
	}
	return names
}

// foldWords returns the words of s the way the index tokenizes them: runs
// of letters and digits, lower-cased, diacritics removed.
func foldWords(s string) []string {
	return strings.FieldsFunc(foldDiacritics(strings.ToLower(s)), func(r rune) bool { return !isWordRune(r) })
}

// stopWords are left out of the order and cover signals.
var stopWords = map[string]bool{"a": true, "an": true, "and": true, "for": true, "in": true,
	"of": true, "on": true, "the": true, "to": true, "with": true, "via": true, "by": true,
	"from": true, "is": true, "which": true, "what": true, "paper": true, "how": true}

// contentWords returns q without its stop words.
func contentWords(q []string) []string {
	var out []string
	for _, w := range q {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// sameWord reports whether a query word matches a title word: equal, or
// equal but for a plural or similar ending ("model", "models").
func sameWord(q, t string) bool {
	if q == t {
		return true
	}
	n := min(len(q), len(t))
	return n >= 4 && q[:n] == t[:n] && max(len(q), len(t))-n <= 2
}

// containsRun reports whether q appears in title as a run of words.
func containsRun(title, q []string) bool {
	for i := 0; i+len(q) <= len(title); i++ {
		ok := true
		for j, w := range q {
			if !sameWord(w, title[i+j]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// inOrder reports whether q's words appear in title in order, with gaps.
func inOrder(title, q []string) bool {
	i := 0
	for _, t := range title {
		if i < len(q) && sameWord(q[i], t) {
			i++
		}
	}
	return i == len(q) && len(q) > 1
}

// covered returns the share of q's words found in the title or an
// author's name.
func covered(q, title []string, authors []string) float64 {
	if len(q) == 0 {
		return 0
	}
	n := 0
	for _, w := range q {
		if slices.ContainsFunc(title, func(t string) bool { return sameWord(w, t) }) || inAuthors(w, authors) {
			n++
		}
	}
	return float64(n) / float64(len(q))
}

// inAuthors reports whether w is a word of one of the names.
func inAuthors(w string, authors []string) bool {
	for _, a := range authors {
		if slices.Contains(foldWords(a), w) {
			return true
		}
	}
	return false
}

// mergeHits returns the hits of two searches as one list, best first: each
// list's scores scaled to its best, a paper in both keeping its better.
func mergeHits(a, b []bot.Hit) []bot.Hit {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	var out []bot.Hit
	at := map[string]int{}
	for _, list := range [][]bot.Hit{a, b} {
		top := 0.0
		for _, h := range list {
			top = max(top, h.Score)
		}
		for _, h := range list {
			if top > 0 {
				h.Score /= top
			}
			if i, ok := at[h.Paper.ID]; ok {
				out[i].Score = max(out[i].Score, h.Score)
				continue
			}
			at[h.Paper.ID] = len(out)
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(x, y bot.Hit) int { return cmp.Compare(y.Score, x.Score) })
	return out
}
