package taste

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fnv-1a, 64 bit: terms are keyed by the hash of their text, so counting and
// looking up 1–2-grams never builds a string.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashBytes(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// hashTerm is the key of a term: a word, or two words joined by a space.
func hashTerm(term string) uint64 { return hashBytes(fnvOffset, term) }

// hashBigram is hashTerm(a + " " + b) without the concatenation.
func hashBigram(a, b string) uint64 {
	h := hashBytes(fnvOffset, a)
	h ^= ' '
	h *= fnvPrime
	return hashBytes(h, b)
}

// words returns the words of text that count: lower-cased runs of letters,
// digits and underscores of two characters or more that are not English
// stop words (sklearn's default token pattern, with a stop list that keeps
// "computer" and "system", which matter in machine-learning titles).
func words(text string) []string {
	text = strings.ToLower(text)
	out := make([]string, 0, len(text)/7)
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = appendWord(out, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = appendWord(out, text[start:])
	}
	return out
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func appendWord(out []string, w string) []string {
	if utf8.RuneCountInString(w) < 2 {
		return out
	}
	if _, stop := stopWords[w]; stop {
		return out
	}
	return append(out, w)
}

// eachTerm calls fn with the hash of every unigram and bigram of ws, in
// order; bigrams join words adjacent once stop words are gone, as sklearn's
// TfidfVectorizer does.
func eachTerm(ws []string, fn func(h uint64, i int, bigram bool)) {
	for i, w := range ws {
		fn(hashTerm(w), i, false)
		if i > 0 {
			fn(hashBigram(ws[i-1], w), i, true)
		}
	}
}

// stopWords are English function words, which say nothing of a topic.
var stopWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(stopList) {
		m[w] = struct{}{}
	}
	return m
}()

const stopList = `a about above across after afterwards again against all almost alone along
already also although always am among amongst an and another any anyhow anyone anything anyway
anywhere are around as at be became because become becomes becoming been before beforehand
behind being below beside besides between beyond both but by can cannot could did do does doing
done down due during each eg either else elsewhere enough etc even ever every everyone
everything everywhere except few for former formerly from further had has have having he hence
her here hereafter hereby herein hereupon hers herself him himself his how however i ie if in
indeed into is it its itself just last latter latterly least less many may me meanwhile might
mine more moreover most mostly much must my myself namely neither never nevertheless next no
nobody none noone nor not nothing now nowhere of off often on once one only onto or other
others otherwise our ours ourselves out over own per perhaps please rather re same seem seemed
seeming seems several she should since so some somehow someone something sometime sometimes
somewhere still such than that the their theirs them themselves then thence there thereafter
thereby therefore therein thereupon these they this those though through throughout thru thus
to together too toward towards under until up upon us very via was we well were what whatever
when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which
while whither who whoever whole whom whose why will with within without would yet you your
yours yourself yourselves`
