package text

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Paper titles and abstracts arrive as their sources send them: hard-wrapped
// at 80 columns (arXiv, HF before 2025-12), with raw TeX (\textbf{x},
// $\alpha$, R\'{e}nyi, 54.6\%), TeX whose backslashes were stripped
// ($textbf{x}$), dollar amounts that are not math (US$44, $8.1 per
// manuscript, \$OneMillion-Bench) and, being untrusted text, invisible
// characters that can reorder or hide what a reader sees. The functions in
// this file turn that into plain, readable Unicode. They never escape HTML or
// markdown: each renderer escapes for its own platform.

// StorableText returns s as valid UTF-8 without NUL characters: text every
// store can hold (PostgreSQL's text takes neither), and the same text on
// each. Bad bytes become U+FFFD, as encoding/json makes them anyway.
func StorableText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// CleanTitle returns s as one readable line: whitespace and hard wraps
// collapsed to single spaces, TeX turned into Unicode, control characters and
// bidirectional overrides removed, and the ends trimmed.
func CleanTitle(s string) string {
	return cleanLine(normalizeNewlines(s))
}

// CleanAbstract cleans s like CleanTitle but keeps its paragraphs, joined by
// a blank line ("\n\n"). Lines inside a paragraph are joined with a space.
//
// A blank line always separates paragraphs. Text whose lines are all short
// (at most wrapWidth runes) is taken as hard-wrapped, as arXiv and HF sent
// abstracts before 2025-12: a single newline is then a wrap, unless the next
// line is indented and the previous one ends a sentence (arXiv's paragraph
// mark). Text with a longer line is not wrapped, as HF has sent it since
// 2025-12 ("…sentence.\n  Next paragraph"): every newline is a paragraph break.
func CleanAbstract(s string) string {
	var out []string
	for _, p := range paragraphs(normalizeNewlines(s)) {
		if c := cleanLine(p); c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n\n")
}

// AbbreviateAuthors lists at most max authors, comma-separated, and counts the
// rest: "A, B, C +661". Names are cleaned with CleanTitle and empty ones are
// dropped. A max of zero or less means 3.
func AbbreviateAuthors(authors []string, max int) string {
	if max <= 0 {
		max = 3
	}
	names := make([]string, 0, min(len(authors), max))
	n := 0
	for _, a := range authors {
		if a = CleanTitle(a); a == "" {
			continue
		}
		if n++; n <= max {
			names = append(names, a)
		}
	}
	s := strings.Join(names, ", ")
	if n > max {
		s += " +" + strconv.Itoa(n-max)
	}
	return s
}

// Plural returns "1 paper" or "3 papers": n and the noun, with an "s"
// unless n is 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Truncate returns s cut to at most max runes, "…" included. It cuts at a
// word boundary when one is near the limit, and never between a character
// and the combining marks, joiners or modifiers that belong to it.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	cut := graphemeSafe(rs, max-1)
	near := max / 4 // how far back a word boundary may be
	if near > 20 {
		near = 20
	}
	for i := cut; i > 0 && cut-i <= near; i-- {
		if unicode.IsSpace(rs[i]) {
			cut = i
			break
		}
	}
	out := strings.TrimRightFunc(string(rs[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—([{/", r)
	})
	if out == "" {
		out = string(rs[:graphemeSafe(rs, max-1)])
	}
	return out + "…"
}

// CutBytes returns s cut to at most n bytes, on a rune boundary so that the
// result stays valid UTF-8 when s is. It adds no marker; callers that show
// the cut append "…" themselves. Truncate counts characters instead.
func CutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// CutRunes returns s cut to at most n characters (runes), with no marker;
// CutBytes counts bytes.
func CutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// graphemeSafe moves a cut point (the number of runes kept) back until it
// does not separate a character from what extends it.
func graphemeSafe(rs []rune, cut int) int {
	for cut > 0 && cut < len(rs) {
		prev, next := rs[cut-1], rs[cut]
		switch {
		case extendsPrevious(next), prev == zwj:
		case isRegional(prev) && isRegional(next) && regionalRun(rs[:cut])%2 == 1:
		default:
			return cut
		}
		cut--
	}
	return cut
}

const zwj = '\u200d'

// extendsPrevious reports whether r attaches to the rune before it: combining
// marks, joiners, variation selectors, emoji skin tones and tag characters.
func extendsPrevious(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || r == zwj ||
		(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) ||
		(r >= 0xE0020 && r <= 0xE007F) || (r >= 0xE0100 && r <= 0xE01EF)
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// regionalRun counts the regional indicators that end rs: an odd count means
// the last one is the first half of a flag.
func regionalRun(rs []rune) int {
	n := 0
	for i := len(rs) - 1; i >= 0 && isRegional(rs[i]); i-- {
		n++
	}
	return n
}

// Extractive returns a TL;DR taken from the abstract itself: its first
// informative sentence (at least minInformativeWords words, no link), cut to
// extractiveWords words with "…". Abbreviations (e.g., et al., Fig.) and
// decimals do not end sentences. It falls back to the abstract's first words
// and returns "" only when the abstract has no visible text.
func Extractive(abstract string) string {
	clean := CleanAbstract(abstract)
	for _, s := range Sentences(clean) {
		if s = trimAbstractLabel(s); informative(s) {
			return limitWords(s, extractiveWords)
		}
	}
	if clean == "" {
		clean = stripInvisible(normalizeNewlines(abstract))
	}
	return limitWords(trimAbstractLabel(clean), extractiveWords)
}

const (
	extractiveWords     = 40
	minInformativeWords = 6
)

// informative reports whether a sentence says something about the paper, as
// opposed to a label ("Abstract.", "Context."), a fragment or a code link.
func informative(s string) bool {
	if len(strings.Fields(s)) < minInformativeWords {
		return false
	}
	low := strings.ToLower(s)
	return !strings.Contains(low, "://") && !strings.Contains(low, "www.")
}

// trimAbstractLabel removes a leading "Abstract:" label (arXiv RSS has one).
func trimAbstractLabel(s string) string {
	if len(s) >= 8 && strings.EqualFold(s[:8], "abstract") {
		s = strings.TrimLeft(s[8:], ":.-–— \n")
	}
	return s
}

// limitWords keeps the first n words of s, adding "…" when it cut any.
func limitWords(s string, n int) string {
	words := strings.Fields(s)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.TrimRight(strings.Join(words[:n], " "), ",;:-–—") + "…"
}

// Sentences splits cleaned text into sentences. A sentence ends with ".", "!"
// or "?" (closing quotes and brackets may follow) when the next word starts
// with a capital letter or a digit and the word is not an abbreviation.
// Paragraph breaks ("\n\n") always end a sentence.
func Sentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n\n") {
		words := strings.Fields(para)
		start := 0
		for i, w := range words {
			if i+1 < len(words) && endsSentence(words[max(i-1, 0)], w, words[i+1]) {
				out = append(out, strings.Join(words[start:i+1], " "))
				start = i + 1
			}
		}
		if start < len(words) {
			out = append(out, strings.Join(words[start:], " "))
		}
	}
	return out
}

func endsSentence(prev, word, next string) bool {
	core := strings.TrimRight(word, `"')]}”’»`)
	if core == "" || !strings.ContainsAny(core[len(core)-1:], ".!?") {
		return false
	}
	first, _ := utf8.DecodeRuneInString(strings.TrimLeft(next, `"'([{“‘«`))
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	if !strings.HasSuffix(core, ".") {
		return true
	}
	if isInitial(core) {
		return !isInitial(prev) && !isInitial(next)
	}
	return !isAbbreviation(core)
}

// isInitial reports whether w is one capital letter and a period: a name's
// initial next to another ("J. R. Smith"), else likely a variable that ends
// a sentence ("depend on T. We").
func isInitial(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && w[n:] == "."
}

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "eg": true, "ie": true, "al": true, "vs": true,
	"cf": true, "fig": true, "figs": true, "eq": true, "eqs": true, "sec": true,
	"tab": true, "ref": true, "refs": true, "no": true, "nos": true, "vol": true,
	"pp": true, "approx": true, "resp": true, "dr": true, "mr": true, "mrs": true,
	"ms": true, "prof": true, "st": true, "jr": true, "sr": true, "inc": true,
	"ltd": true, "corp": true, "thm": true, "lem": true, "def": true, "ch": true,
	"viz": true, "ca": true, "est": true, "dept": true, "univ": true,
}

// isAbbreviation reports whether word (ending in ".") is an abbreviation: a
// known one or dotted letters ("U.S.", "i.e.").
func isAbbreviation(word string) bool {
	w := strings.TrimLeft(strings.TrimSuffix(word, "."), `"'([{“‘«`)
	if abbreviations[strings.ToLower(w)] {
		return true
	}
	parts := strings.Split(w, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || utf8.RuneCountInString(p) > 3 || strings.IndexFunc(p, isNotLetter) >= 0 {
			return false
		}
	}
	return true
}

func isNotLetter(r rune) bool { return !unicode.IsLetter(r) }

// cleanLine turns one paragraph into one clean line.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(detex(stripInvisible(s))), " ")
}

// normalizeNewlines makes s valid UTF-8 with "\n" as its only line break.
var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n",
	"\u2029", "\n\n", "\u0085", "\n")

func normalizeNewlines(s string) string {
	return newlines.Replace(strings.ToValidUTF8(s, "\uFFFD"))
}

// wrapWidth is the longest line a hard-wrapped text has; arXiv wraps at 80.
const wrapWidth = 100

// paragraphs splits text into paragraphs (see CleanAbstract).
func paragraphs(text string) []string {
	lines := strings.Split(text, "\n")
	wrapped := true
	for _, l := range lines {
		if utf8.RuneCountInString(strings.TrimSpace(l)) > wrapWidth {
			wrapped = false
		}
	}
	var paras, cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		if len(cur) > 0 && (!wrapped || startsParagraph(cur[len(cur)-1], l)) {
			flush()
		}
		cur = append(cur, l)
	}
	flush()
	return paras
}

// startsParagraph reports whether an indented line after a finished sentence
// opens a paragraph in hard-wrapped text.
func startsParagraph(prev, line string) bool {
	indented := strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")
	prev = strings.TrimRight(prev, " \t\"')”")
	return indented && prev != "" && strings.ContainsAny(prev[len(prev)-1:], ".!?:")
}

// stripInvisible removes control characters (except whitespace) and format
// characters: bidirectional overrides and isolates (U+202A–202E,
// U+2066–2069), directional marks, zero-width spaces, soft hyphens, tag
// characters and extra variation selectors, all usable to spoof or hide text.
// A zero-width joiner stays inside an emoji sequence, and runs of combining
// marks are capped so that stacked "zalgo" text cannot bury a line.
func stripInvisible(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	marks := 0
	for i, r := range rs {
		if unicode.Is(unicode.Mn, r) {
			if marks++; marks > maxMarks {
				continue
			}
		} else {
			marks = 0
		}
		if r == zwj && i > 0 && i+1 < len(rs) && isEmojiish(rs[i-1]) && isEmojiish(rs[i+1]) {
			b.WriteRune(r)
			continue
		}
		if invisible(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

const maxMarks = 4

func invisible(r rune) bool {
	if unicode.IsSpace(r) {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		(r >= 0xE0100 && r <= 0xE01EF) || r == '\uFFFC'
}

func isEmojiish(r rune) bool {
	return r >= 0x1F000 || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x2B00 && r <= 0x2BFF) ||
		r == 0xFE0F || r == 0x2640 || r == 0x2642
}
