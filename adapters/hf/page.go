package hf

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"paperboy/bot"
)

// maxPageTitle is the longest paragraph, in characters, that ParsePage takes
// for a title. arXiv titles stay well under it; abstracts are longer.
const maxPageTitle = 300

// errNoPapers says a pasted page held nothing that looks like a paper.
var errNoPapers = errors.New("no papers found: expected title lines, each followed by a blank line and an abstract paragraph")

// pageChrome holds the fixed lines of the Daily Papers page that are not
// papers, lower-cased with single spaces.
var pageChrome = []string{
	"new",
	"get trending papers in your email inbox!",
	"subscribe",
	"daily papers",
	"byak and the research community",
	"by ak and the research community",
	"submit",
	"submit paper",
	"previous",
	"next",
	"load more",
}

// chromeLine matches the other page lines that are not papers: dates
// ("Sep 11", "Thu, September 11, 2025"), bare counts (upvotes, comments) and
// "Submitted by …" credits.
var chromeLine = regexp.MustCompile(`(?i)^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?` +
	`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?$` +
	`|^\d+$|^submitted by\s`)

// ParsePage reads the text of a Hugging Face Daily Papers page as a person
// copies it out of a browser: a few header lines, then for each paper a
// title line, a blank line and the abstract. It calls emit for every paper
// and skip for every paragraph it had to leave out.
//
// The rules, worked out from a real 87-paper paste:
//
//  1. Lines are trimmed, and blank lines split the text into paragraphs.
//  2. Page chrome is dropped without a Skip: the header lines ("new", "Get
//     trending papers in your email inbox!", "Subscribe", "Daily Papers",
//     "byAK and the research community"), a few button labels, date lines
//     ("Sep 11", "Thu, September 11, 2025"), bare numbers (upvote counts)
//     and "Submitted by …" lines.
//  3. A paragraph of at most 300 characters that does not end with a period
//     is a title; any other paragraph is abstract text. arXiv abstracts are
//     longer than that and titles do not end with a period; the length
//     matters because some abstracts end with a URL instead of a period.
//  4. A title takes the abstract paragraphs after it, up to the next title,
//     as its abstract (several are joined by a blank line). A title with no
//     abstract after it (a chrome line this parser does not know, or a
//     paper pasted without its abstract) is skipped, and so is abstract
//     text with no title before it. Skips are named "line N (…)".
//  5. A paper's id is bot.DerivedID(title), since the page shows no arXiv
//     ids; Item.Date is "", since the page's date line has no year. A title
//     seen earlier in the page is skipped as a duplicate.
//
// The error is non-nil when reading fails, emit fails, or no paper at all
// is found (the input is probably not a Daily Papers page).
func ParsePage(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error {
	pp := pageParser{emit: emit, skip: skip, seen: make(map[string]int)}
	if err := eachParagraph(r, pp.add); err != nil {
		return fmt.Errorf("parse page: %w", err)
	}
	if err := pp.flush(); err != nil {
		return fmt.Errorf("parse page: %w", err)
	}
	if pp.emitted == 0 {
		return fmt.Errorf("parse page: %w", errNoPapers)
	}
	return nil
}

// paragraph is a run of non-blank lines, joined by newlines, and the line
// number it starts on.
type paragraph struct {
	line int
	text string
}

// eachParagraph splits text into paragraphs at blank lines, trimming each
// line, and calls fn with each as it ends. It streams: a line longer than
// bot.LimitFieldBytes is cut to it, and a paragraph stops growing at that
// size, so memory is bounded by the limit and not by the input.
func eachParagraph(r io.Reader, fn func(paragraph) error) error {
	lines := bot.NewLineReader(skipBOM(r), bot.LimitFieldBytes)
	var cur strings.Builder
	start := 0
	end := func() error {
		if cur.Len() == 0 {
			return nil
		}
		p := paragraph{line: start, text: cur.String()}
		cur.Reset()
		return fn(p)
	}
	for n := 1; ; n++ {
		raw, err := lines.Next()
		if errors.Is(err, io.EOF) {
			return end()
		}
		if err != nil && !errors.Is(err, bot.ErrLineTooLong) {
			return err
		}
		line := strings.TrimSpace(strings.ToValidUTF8(string(validPrefix(raw)), "\uFFFD"))
		if line == "" {
			if err := end(); err != nil {
				return err
			}
			continue
		}
		if cur.Len() == 0 {
			start = n
		} else if cur.Len()+1+len(line) <= bot.LimitFieldBytes {
			cur.WriteByte('\n')
		}
		if cur.Len()+len(line) <= bot.LimitFieldBytes {
			cur.WriteString(line)
		}
	}
}

// validPrefix drops a character cut in half at the end of b (a line cut
// to the limit).
func validPrefix(b []byte) []byte {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// pageParser pairs titles with the abstract text that follows them.
type pageParser struct {
	emit     func(bot.Item) error
	skip     func(bot.Skip)
	seen     map[string]int // derived id → line of its title
	title    *paragraph
	abstract []string
	// abstractBytes is the size of abstract.
	abstractBytes int
	emitted       int
}

// add takes the next paragraph of the page.
func (pp *pageParser) add(p paragraph) error {
	switch {
	case isChrome(p.text):
		return nil
	case isPageTitle(p.text):
		if err := pp.flush(); err != nil {
			return err
		}
		pp.title = &p
	case pp.title == nil:
		pp.report(p, "text with no title before it")
	default:
		// A page of text with no title in sight stops growing the
		// abstract at the limit: memory is bounded by it, not the input.
		if pp.abstractBytes+len(p.text) <= bot.LimitFieldBytes {
			pp.abstract = append(pp.abstract, p.text)
			pp.abstractBytes += len(p.text)
		}
	}
	return nil
}

// flush emits the pending title with its abstract, or skips it when it has
// none or repeats an earlier title.
func (pp *pageParser) flush() error {
	t, abstract := pp.title, pp.abstract
	pp.title, pp.abstract, pp.abstractBytes = nil, nil, 0
	if t == nil {
		return nil
	}
	if len(abstract) == 0 {
		pp.report(*t, "a title-like line with no abstract after it; page chrome, or a paper pasted without its abstract")
		return nil
	}
	id := bot.DerivedID(t.text)
	if first, ok := pp.seen[id]; ok {
		pp.report(*t, fmt.Sprintf("same title as line %d", first))
		return nil
	}
	pp.seen[id] = t.line
	pp.emitted++
	p := bot.Paper{ID: id, Title: t.text, Abstract: strings.Join(abstract, "\n\n")}
	return pp.emit(bot.Item{Paper: p})
}

// report calls skip for paragraph p, if there is a skip function.
func (pp *pageParser) report(p paragraph, reason string) {
	if pp.skip != nil {
		label := strings.Join(strings.Fields(p.text), " ")
		where := fmt.Sprintf("line %d (%s)", p.line, shorten(label, 40))
		pp.skip(bot.Skip{Where: where, Reason: reason})
	}
}

// isChrome reports whether a paragraph is part of the page around the
// papers.
func isChrome(text string) bool {
	norm := strings.ToLower(strings.Join(strings.Fields(text), " "))
	return slices.Contains(pageChrome, norm) || chromeLine.MatchString(norm)
}

// isPageTitle reports whether a paragraph reads as a paper title.
func isPageTitle(text string) bool {
	return utf8.RuneCountInString(text) <= maxPageTitle && !strings.HasSuffix(text, ".")
}
