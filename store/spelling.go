package store

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Spelling. Names are written many ways ("llama3", "Llama 3", "LLaMA-3";
// "mixtureofexperts"), and people mistype ("prodcut", "vidoes"). Before
// searching, respell looks the query's words up in the vocabulary of
// titles and bylines (SQLite: the papers_words index's fts5vocab table;
// PostgreSQL: papers_words_vocab, the tsvector's title and author lexemes
// counted by triggers), a few hundred point lookups in one statement, never a scan of the papers:
//
//   - A word that no title or byline has, and fewer than rareDocs papers
//     have anywhere, is replaced (when some paper has it, only by words many
//     more titles have, see clearly): by the common known words it is made
//     of ("mixtureofexperts" → "mixture of experts", "bitnetv2" → "bitnet
//     v2", "llama3" → "llama 3"), or else by the commonest known word one
//     edit away (a letter swapped with its neighbour, left out, added or
//     replaced), for words of at least minTypo letters, or else by rarer
//     known words it is made of ("selfrewarding"). The search then says what it searched
//     for (bot.Hit.Respelled).
//   - A known word with letters then digits ("llama3") is also searched
//     split ("llama 3"), and two neighbouring words whose join is a known
//     word ("llama 3") also joined ("llama3"): both forms' hits are ranked
//     together, and nothing is said, as the words typed were found.
const (
	minTypo    = 4
	rareDocs   = 3
	minKnown   = 2 // a split's words must each be in this many titles or bylines
	minTypoFix = 1 // a typo's replacement in this many (names are often in one)
	// clearly: a word found in n papers (fewer than rareDocs) is replaced
	// only by words in at least clearly·n titles or bylines.
	clearly    = 20
	maxRespell = 24 // longer words are neither split nor corrected
	// maxFixes bounds the words of one query that are split or corrected
	// (the first ones that need it): each costs up to a couple of thousand
	// lookups (its substrings and one-edit neighbours), so a query of many
	// long unknown words must not cost the store seconds.
	maxFixes = 3
)

// vocabulary is what respell needs from a store's engine.
type vocabulary interface {
	// titleCounts returns, for each word, the number of papers with it in
	// their title or byline; words none has may be missing.
	titleCounts(ctx context.Context, words []string) (map[string]int, error)
	// anywhere returns the number of papers with word anywhere, up to max.
	anywhere(ctx context.Context, word string, max int) (int, error)
	// completes reports whether a title or byline word begins with word.
	completes(ctx context.Context, word string) (bool, error)
}

// spelling is the outcome of respell: the forms to search, and whether
// the first replaced a word (so the reply says so).
type spelling struct {
	forms     [][]string
	corrected bool
}

// respell returns the forms of terms to search, see the comment above.
func respell(ctx context.Context, v vocabulary, terms []string) (spelling, error) {
	words := foldWords(strings.Join(terms, " "))
	if len(words) == 0 {
		return spelling{forms: [][]string{terms}}, nil
	}
	counts, err := v.titleCounts(ctx, firstLookups(words))
	if err != nil {
		return spelling{}, err
	}
	fixed, corrected, err := correct(ctx, v, words, counts)
	if err != nil {
		return spelling{}, err
	}
	out := spelling{corrected: corrected}
	if corrected {
		out.forms = append(out.forms, fixed)
	} else {
		out.forms = append(out.forms, terms)
	}
	if alt := variant(fixed, counts); alt != nil {
		out.forms = append(out.forms, alt)
	}
	return out, nil
}

// firstLookups returns the words, their joins with the next word, and the
// halves of words with letters then digits.
func firstLookups(words []string) []string {
	out := slices.Clone(words)
	for i, w := range words {
		if i+1 < len(words) {
			out = append(out, w+words[i+1])
		}
		if a, b, ok := digitSplit(w); ok {
			out = append(out, a, b)
		}
	}
	return out
}

// digitSplit splits "llama3" into "llama" and "3": letters, then digits.
func digitSplit(w string) (string, string, bool) {
	i := strings.IndexFunc(w, unicode.IsDigit)
	if i <= 0 || strings.ContainsFunc(w[i:], func(r rune) bool { return !unicode.IsDigit(r) }) ||
		strings.ContainsFunc(w[:i], unicode.IsDigit) {
		return "", "", false
	}
	return w[:i], w[i:], true
}

// correct replaces the unknown words (see the comment above spelling).
func correct(ctx context.Context, v vocabulary, words []string, counts map[string]int) ([]string, bool, error) {
	var out []string
	changed, tried := false, 0
	for i, w := range words {
		if counts[w] > 0 || utf8.RuneCountInString(w) > maxRespell || isNumber(w) || tried == maxFixes {
			out = append(out, w)
			continue
		}
		if i == len(words)-1 { // maybe unfinished: "diffusi"
			if ok, err := v.completes(ctx, w); err != nil || ok {
				out = append(out, w)
				if err != nil {
					return nil, false, err
				}
				continue
			}
		}
		n, err := v.anywhere(ctx, w, rareDocs)
		if err != nil {
			return nil, false, err
		}
		var fix []string
		if n < rareDocs {
			tried++
			if fix, err = fixWord(ctx, v, w, max(1, clearly*n)); err != nil {
				return nil, false, err
			}
		}
		if fix == nil {
			out = append(out, w)
			continue
		}
		out, changed = append(out, fix...), true
	}
	return out, changed, nil
}

// fixWord returns the known words an unknown word w is made of, or the
// commonest known word one edit from it, or nil; each replacing word must
// be in at least floor titles or bylines.
func fixWord(ctx context.Context, v vocabulary, w string, floor int) ([]string, error) {
	parts := substrings(w)
	edits := []string(nil)
	if utf8.RuneCountInString(w) >= minTypo && isASCII(w) {
		edits = oneEdit(w)
	}
	counts, err := v.titleCounts(ctx, append(parts, edits...))
	if err != nil {
		return nil, err
	}
	// Known words it is made of first, if common ("bitnet v2"; any
	// "llama 3"); else one edit away; else rare words it is made of.
	if seg := segment(w, counts, max(minKnown, floor)); seg != nil {
		return seg, nil
	}
	if a, b, ok := digitSplit(w); ok && counts[a] >= floor {
		return []string{a, b}, nil
	}
	best, bestN := "", max(minTypoFix, floor)-1
	for _, e := range edits {
		if n := counts[e]; n > bestN || n == bestN && e < best {
			best, bestN = e, n
		}
	}
	if best == "" {
		return segment(w, counts, floor), nil
	}
	return []string{best}, nil
}

// substrings returns w's substrings that may be a word of a split: two
// letters or more, or digits.
func substrings(w string) []string {
	var out []string
	for i := 0; i < len(w); i++ {
		for j := i + 1; j <= len(w); j++ {
			if s := w[i:j]; (j-i >= 2 || isNumber(s)) && s != w && utf8.ValidString(s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// segment splits w into as few known words as it can (at most four), the
// commonest split among those, or returns nil.
func segment(w string, counts map[string]int, least int) []string {
	type split struct {
		parts []string
		least int
	}
	best := make([]*split, len(w)+1) // best[i]: the best split of w[:i]
	best[0] = &split{least: 1 << 30}
	for j := 1; j <= len(w); j++ {
		for i := 0; i < j; i++ {
			s, ok := w[i:j], best[i] != nil
			if !ok || counts[s] < least || s == w || len(best[i].parts) >= 4 {
				continue
			}
			c := &split{parts: append(slices.Clone(best[i].parts), s), least: min(best[i].least, counts[s])}
			if b := best[j]; b == nil || len(c.parts) < len(b.parts) || len(c.parts) == len(b.parts) && c.least > b.least {
				best[j] = c
			}
		}
	}
	if best[len(w)] == nil {
		return nil
	}
	return best[len(w)].parts
}

// oneEdit returns the words one edit from w: two neighbouring letters
// swapped, a letter left out, added or replaced (letters a–z).
func oneEdit(w string) []string {
	var out []string
	b := []byte(w)
	for i := range b {
		out = append(out, w[:i]+w[i+1:])
		if i+1 < len(b) {
			s := slices.Clone(b)
			s[i], s[i+1] = s[i+1], s[i]
			out = append(out, string(s))
		}
	}
	for i := 0; i <= len(b); i++ {
		for c := byte('a'); c <= 'z'; c++ {
			out = append(out, w[:i]+string(c)+w[i:])
			if i < len(b) && b[i] != c {
				out = append(out, w[:i]+string(c)+w[i+1:])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// variant returns the other form of words, split or joined (see the
// comment above spelling), or nil when there is none.
func variant(words []string, counts map[string]int) []string {
	var out []string
	changed := false
	for i := 0; i < len(words); i++ {
		w := words[i]
		if a, b, ok := digitSplit(w); ok && counts[a] >= minKnown {
			out, changed = append(out, a, b), true
			continue
		}
		if i+1 < len(words) && counts[w+words[i+1]] >= minKnown {
			out, changed = append(out, w+words[i+1]), true
			i++
			continue
		}
		out = append(out, w)
	}
	if !changed {
		return nil
	}
	return out
}

// isNumber reports whether s is all digits.
func isNumber(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
}

// isASCII reports whether s is ASCII only.
func isASCII(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
}
