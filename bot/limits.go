package bot

import (
	"bufio"
	"errors"
	"io"
	"slices"

	"paperboy/bot/text"
)

// The limits of one paper, for every importer and every source. Real
// papers stay far below them (arXiv titles under 300 characters, abstracts
// under 1,920, the longest author lists near 3,000 names); past them the
// input is garbage or hostile, and the paper is kept with the field cut
// rather than lost. Parsers enforce the byte limits while they read, so
// memory stays bounded by these numbers whatever the input holds; Limit
// enforces the rest on every paper the engine stores (Importer.Add,
// Engine.Fetch).
const (
	// LimitTitle and LimitAbstract are in characters (runes).
	LimitTitle    = 1000
	LimitAbstract = 20000
	// LimitSummary bounds a source's own one-line summary (HF's ai_summary).
	LimitSummary = 2000
	// LimitAuthors is how many authors are kept, LimitAuthorName how long
	// each name may be.
	LimitAuthors    = 5000
	LimitAuthorName = 300
	// LimitTags bounds the keywords and the categories, LimitTag each of them.
	LimitTags = 100
	LimitTag  = 100
	// LimitLink is the longest link kept, in bytes. A longer one is dropped,
	// not cut: half a URL points somewhere else.
	LimitLink = 2048

	// LimitFieldBytes is the longest text a parser reads into memory for one
	// field, in bytes as written in the input (escapes and entities
	// included): enough for LimitAbstract characters however they are
	// written, or LimitAuthors names in one string. Longer text is cut while
	// reading.
	LimitFieldBytes = 256 << 10
	// LimitRecordBytes is the longest record (a JSON line, a paragraph)
	// a parser reads; a longer one is skipped with a warning, unread.
	LimitRecordBytes = 4 << 20
)

// Limit makes the paper fit to store: it drops what no store can hold from
// every text field (Clean), then cuts the fields to the limits above. It is
// the one place this happens, called on every paper before a store sees it.
func (p *Paper) Limit() {
	p.Clean()
	p.Title = text.Truncate(p.Title, LimitTitle)
	p.Abstract = text.Truncate(p.Abstract, LimitAbstract)
	p.AISummary = text.Truncate(p.AISummary, LimitSummary)
	p.Authors = limitList(p.Authors, LimitAuthors, LimitAuthorName)
	p.Keywords = limitList(p.Keywords, LimitTags, LimitTag)
	p.Categories = limitList(p.Categories, LimitTags, LimitTag)
	p.AISummaryModel = text.Truncate(p.AISummaryModel, LimitTag)
	for _, link := range []*string{&p.ArxivURL, &p.PDFURL, &p.HFURL, &p.GitHubURL, &p.ProjectURL, &p.Thumbnail} {
		if len(*link) > LimitLink {
			*link = ""
		}
	}
}

// limitList keeps the first n items of list, each cut to max runes.
func limitList(list []string, n, max int) []string {
	if len(list) > n {
		list = list[:n]
	}
	for i, s := range list {
		list[i] = text.Truncate(s, max)
	}
	return list
}

// LimitJSON returns a reader of the JSON text r with every string cut to
// LimitFieldBytes bytes, as it streams: a 100 MB title reaches the JSON
// decoder as 256 KiB. It cuts on a character boundary, never inside an
// escape, and keeps the closing quote, so valid JSON stays valid. A raw
// newline cannot be inside a valid JSON string, so it resets the state: a
// broken line of JSON Lines does not upset the lines after it. A raw NUL
// byte, which no valid JSON holds and no store keeps, is dropped, so that
// one in a string neither loses its record nor, on line 1, the whole file.
func LimitJSON(r io.Reader) io.Reader {
	return &jsonLimiter{r: r, max: LimitFieldBytes}
}

type jsonLimiter struct {
	r       io.Reader
	max     int
	inStr   bool
	esc     bool // after a backslash
	hex     int  // hex digits of a \u escape still to come
	n       int  // bytes of the current string kept
	cutting bool
}

func (j *jsonLimiter) Read(p []byte) (int, error) {
	for {
		n, err := j.r.Read(p)
		w := 0
		for _, b := range p[:n] {
			if j.keep(b) {
				p[w] = b
				w++
			}
		}
		if w > 0 || err != nil || n == 0 {
			return w, err
		}
	}
}

// keep advances the state over b and reports whether b stays.
func (j *jsonLimiter) keep(b byte) bool {
	if b == 0 {
		return false // in no valid JSON, in no store: dropped, the record kept
	}
	if b == '\n' {
		j.inStr, j.esc, j.hex = false, false, 0
		return true
	}
	if !j.inStr {
		if b == '"' {
			j.inStr, j.n, j.cutting = true, 0, false
		}
		return true
	}
	boundary := !j.esc && j.hex == 0 && (b < 0x80 || b >= 0xC0)
	if boundary && b == '"' {
		j.inStr = false
		return true
	}
	if boundary && j.n >= j.max {
		j.cutting = true
	}
	switch {
	case j.hex > 0:
		j.hex--
	case j.esc:
		j.esc = false
		if b == 'u' {
			j.hex = 4
		}
	case b == '\\':
		j.esc = true
	}
	if j.cutting {
		return false
	}
	j.n++
	return true
}

// ErrLineTooLong is what LineReader.Next reports for a line longer than its
// limit.
var ErrLineTooLong = errors.New("line too long")

// LineReader reads lines with memory bounded by a limit, not by the input:
// a line longer than the limit is read to its end and dropped, and
// reported as ErrLineTooLong, along with its first limit bytes.
type LineReader struct {
	br  *bufio.Reader
	buf []byte
	max int
}

// NewLineReader returns a LineReader of r for lines of at most max bytes.
func NewLineReader(r io.Reader, max int) *LineReader {
	return &LineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Next returns the next line without its newline. The slice is valid
// until the next call. At the end of the input it returns io.EOF. For a
// line longer than the limit it returns the line's first max bytes and
// ErrLineTooLong, having read past the rest.
func (l *LineReader) Next() ([]byte, error) {
	l.buf = l.buf[:0]
	tooLong, read := false, 0
	for {
		frag, err := l.br.ReadSlice('\n')
		read += len(frag)
		if err == nil {
			frag = frag[:len(frag)-1]
			if len(l.buf) == 0 && len(frag) <= l.max {
				return frag, nil // the common case: no copy
			}
		}
		if room := l.max - len(l.buf); len(frag) > room {
			frag, tooLong = frag[:room], true
		}
		l.buf = append(l.buf, frag...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		case tooLong:
			return l.buf, ErrLineTooLong
		case err != nil && read == 0:
			return nil, io.EOF
		}
		return l.buf, nil // a line, or the last one without a newline
	}
}

// Limit makes every paper of the batch, and its source, fit to store
// (Paper.Limit).
func (b *Batch) Limit() {
	b.Source = text.StorableText(b.Source)
	for i := range b.Papers {
		b.Papers[i].Limit()
	}
}

// Clean replaces every text field of the paper, lists included, by its
// StorableText: PostgreSQL refuses a NUL anywhere (SQLSTATE 22P05), and
// a paper must store the same on every engine.
func (p *Paper) Clean() {
	for _, f := range []*string{&p.ID, &p.Title, &p.Abstract, &p.ArxivURL, &p.PDFURL, &p.HFURL,
		&p.GitHubURL, &p.ProjectURL, &p.Thumbnail, &p.AISummary, &p.AISummaryModel} {
		*f = text.StorableText(*f)
	}
	for _, list := range []*[]string{&p.Authors, &p.Keywords, &p.Categories} {
		if slices.ContainsFunc(*list, func(s string) bool { return text.StorableText(s) != s }) {
			*list = slices.Clone(*list) // the caller's slice may be shared
			for i, s := range *list {
				(*list)[i] = text.StorableText(s)
			}
		}
	}
}
