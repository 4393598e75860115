package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"paperboy/bot"
)

// The known-item set: queries a person types for a paper they know, built
// from the six months of real Daily Papers in testdata by a seeded,
// deterministic procedure (see makeItems). Each paper falls in the tuning
// half or the reporting half by a hash of its id, so that figures reported
// are measured on papers nobody tuned on.

// fixturePaper is one line of the Daily Papers fixture.
type fixturePaper struct {
	Day         string    `json:"day"`
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	Authors     names     `json:"authors"`
	Upvotes     int       `json:"upvotes"`
	PublishedAt time.Time `json:"publishedAt"`
	AISummary   *string   `json:"ai_summary"`
	// Keywords are Hugging Face's ai_keywords: the taste benchmark's
	// labels, never shown to a ranking.
	Keywords []string `json:"ai_keywords"`

	folded, lower string // the title folded and lower-cased
}

// aiSummary is Hugging Face's one-line summary, or "" when it has none.
func (p fixturePaper) aiSummary() string {
	if p.AISummary == nil {
		return ""
	}
	return *p.AISummary
}

// item is one known-item query and the paper it must find.
type item struct {
	kind, query, want string
	tuning            bool
}

// kinds are the kinds of known-item query, in report order.
var kinds = []string{"name", "partial", "minus", "author", "typo", "spelling", "question"}

// loadFixture reads the gzipped JSON Lines fixture.
func loadFixture(path string) ([]fixturePaper, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var papers []fixturePaper
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var p fixturePaper
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		papers = append(papers, p)
	}
	return papers, sc.Err()
}

// names is a list of names in the fixture: a JSON array, or on some lines
// a string holding a Python list literal.
type names []string

func (n *names) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*n = pyStrings(s)
		return nil
	}
	return json.Unmarshal(b, (*[]string)(n))
}

// paper converts a fixture line to a bot.Paper.
func (fp fixturePaper) paper() bot.Paper {
	p := bot.Paper{ID: fp.ID, Title: fp.Title, Abstract: fp.Summary, Authors: fp.Authors,
		Upvotes: fp.Upvotes, Published: fp.PublishedAt}
	p.FillLinks()
	return p
}

// pyStrings reads the strings of a Python list literal: ['a', "b'c"].
func pyStrings(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		q := s[i]
		if q != '\'' && q != '"' {
			continue
		}
		var b strings.Builder
		for i++; i < len(s) && s[i] != q; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		out = append(out, b.String())
	}
	return out
}

// makeItems builds the known-item set. For each paper, with a random source
// seeded by seed and the paper's id:
//
//   - name: the part of the title before its colon, or before "Technical
//     Report", when it is at most four words and no other paper has it;
//   - partial: a run of three to five of the title's words, lower-cased,
//     found in no other title;
//   - minus: the title with one word (not the first) left out;
//   - author: an author's last name and two words of five letters or more
//     from the title, when no other paper has the name and both words;
//   - typo: the name, or else a partial run, with one edit (a swap of two
//     neighbouring letters, a letter left out, doubled or replaced) in one
//     of its words of five letters or more;
//   - spelling: the name written another way: lower case with its hyphens
//     turned into spaces, or left out, or a space put between letters and
//     digits ("Qwen 3");
//   - question: "which paper" and words 3–10 of Hugging Face's one-line
//     summary of the paper (which no ranking sees), name left out.
func makeItems(papers []fixturePaper, seed uint64) []item {
	names := map[string]int{}
	for i, p := range papers {
		if n := nameOf(p.Title); n != "" {
			names[fold(n)]++
		}
		papers[i].folded = fold(p.Title)
		papers[i].lower = strings.ToLower(p.Title)
	}
	var items []item
	for _, p := range papers {
		h := fnv.New64a()
		h.Write([]byte(p.ID))
		r := rand.New(rand.NewPCG(seed, h.Sum64()))
		tuning := h.Sum64()%2 == 0
		add := func(kind, q string) {
			if strings.TrimSpace(q) != "" {
				items = append(items, item{kind: kind, query: q, want: p.ID, tuning: tuning})
			}
		}
		name := nameOf(p.Title)
		if name != "" && names[fold(name)] > 1 {
			name = ""
		}
		add("name", name)
		partial := uniqueRun(papers, p, r)
		add("partial", partial)
		add("minus", minusWord(p.Title, r))
		add("author", authorTopic(papers, p, r))
		if name != "" {
			add("typo", typo(name, r))
			add("spelling", respell(name, r))
		} else {
			add("typo", typo(partial, r))
		}
		add("question", question(p, name))
	}
	return items
}

// nameOf returns what a title introduces, or "".
func nameOf(title string) string {
	n, _, ok := strings.Cut(title, ":")
	if !ok {
		n, ok = strings.CutSuffix(title, " Technical Report")
	}
	n = strings.TrimSpace(n)
	if !ok || n == "" || len(strings.Fields(n)) > 4 {
		return ""
	}
	return n
}

// fold lower-cases s and keeps its letters and digits only.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// titleWords returns a title's words without punctuation at their ends.
func titleWords(title string) []string {
	var out []string
	for _, w := range strings.Fields(title) {
		if w = strings.Trim(w, ",.:;!?()\"'"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// uniqueRun returns a run of 3–5 of p's title words that no other title has.
func uniqueRun(papers []fixturePaper, p fixturePaper, r *rand.Rand) string {
	words := titleWords(p.Title)
	if len(words) < 4 {
		return ""
	}
	for range 5 {
		n := min(3+r.IntN(3), len(words)-1)
		start := r.IntN(len(words) - n + 1)
		run := strings.ToLower(strings.Join(words[start:start+n], " "))
		if f := fold(run); countTitles(papers, func(o fixturePaper) bool { return strings.Contains(o.folded, f) }) == 1 {
			return run
		}
	}
	return ""
}

// countTitles counts the papers whose title satisfies ok.
func countTitles(papers []fixturePaper, ok func(fixturePaper) bool) int {
	n := 0
	for _, p := range papers {
		if ok(p) {
			n++
		}
	}
	return n
}

// minusWord returns the title without one of its words, not the first.
func minusWord(title string, r *rand.Rand) string {
	words := strings.Fields(title)
	if len(words) < 4 {
		return ""
	}
	i := 1 + r.IntN(len(words)-1)
	return strings.Join(slices.Delete(words, i, i+1), " ")
}

// authorTopic returns an author's last name and two long title words.
func authorTopic(papers []fixturePaper, p fixturePaper, r *rand.Rand) string {
	authors := p.Authors
	var long []string
	for _, w := range titleWords(p.Title) {
		if len([]rune(w)) >= 5 && !strings.ContainsAny(w, "-") {
			long = append(long, strings.ToLower(w))
		}
	}
	if len(authors) == 0 || len(long) < 2 {
		return ""
	}
	names := strings.Fields(authors[r.IntN(len(authors))])
	last := names[len(names)-1]
	r.Shuffle(len(long), func(i, j int) { long[i], long[j] = long[j], long[i] })
	q := last + " " + long[0] + " " + long[1]
	n := 0
	for _, o := range papers {
		t := o.lower
		if slices.ContainsFunc(o.Authors, func(a string) bool { return strings.HasSuffix(a, last) }) && strings.Contains(t, long[0]) && strings.Contains(t, long[1]) {
			n++
		}
	}
	if n != 1 {
		return ""
	}
	return q
}

// typo returns s with one edit in one of its words of five letters or
// more, or "" when it has none.
func typo(s string, r *rand.Rand) string {
	words := strings.Fields(s)
	var long []int
	for i, w := range words {
		if len(w) >= 5 && isLetters(w) {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return ""
	}
	i := long[r.IntN(len(long))]
	w := []byte(words[i])
	k := 1 + r.IntN(len(w)-2) // never the first letter: people get that right
	switch r.IntN(4) {
	case 0: // swap
		w[k], w[k+1] = w[k+1], w[k]
	case 1: // left out
		w = slices.Delete(w, k, k+1)
	case 2: // doubled
		w = slices.Insert(w, k, w[k])
	default: // replaced
		w[k] = byte('a' + (int(unicode.ToLower(rune(w[k]))-'a')+1+r.IntN(24))%26)
	}
	words[i] = string(w)
	return strings.Join(words, " ")
}

// isLetters reports whether w is ASCII letters only.
func isLetters(w string) bool {
	for _, c := range w {
		if c > unicode.MaxASCII || !unicode.IsLetter(c) {
			return false
		}
	}
	return true
}

// respell returns name written another way than in its title, or "".
func respell(name string, r *rand.Rand) string {
	lower := strings.ToLower(name)
	var options []string
	if strings.Contains(name, "-") {
		options = append(options, strings.ReplaceAll(lower, "-", " "), strings.ReplaceAll(lower, "-", ""))
	}
	if spaced := spaceDigits(lower); spaced != lower {
		options = append(options, spaced)
	}
	if len(strings.Fields(name)) > 1 {
		options = append(options, strings.ReplaceAll(lower, " ", ""))
	}
	if len(options) == 0 {
		return ""
	}
	return options[r.IntN(len(options))]
}

// spaceDigits puts a space between a letter and a digit that follows it.
func spaceDigits(s string) string {
	var b strings.Builder
	var prev rune
	for _, c := range s {
		if unicode.IsDigit(c) && unicode.IsLetter(prev) {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
		prev = c
	}
	return b.String()
}

// question returns a question made of p's one-line summary, or "".
func question(p fixturePaper, name string) string {
	if p.AISummary == nil {
		return ""
	}
	s := *p.AISummary
	if name != "" {
		s = strings.ReplaceAll(s, name, "")
	}
	words := titleWords(s)
	if len(words) < 10 {
		return ""
	}
	return "which paper " + strings.ToLower(strings.Join(words[2:10], " ")) + "?"
}
