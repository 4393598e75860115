package cite

import (
	"strings"
	"unicode"
)

// Limits of what the readers keep, whatever the input holds: real exports
// stay far below them.
const (
	// MaxEntries is the most entries one file gives; the rest are ignored.
	MaxEntries = 100000
	// maxValue is the longest field value kept, in bytes.
	maxValue = 64 << 10
)

// Ref is one entry of an export: the places where it may name its arXiv
// paper, most telling first (an eprint before a URL before a DOI).
type Ref struct {
	// Key is the entry's citation key or CSL id, for messages; "" for a
	// line of a plain list.
	Key string
	// Title is the entry's title as written, for messages.
	Title string
	// Candidates are arXiv ids, arXiv:ids and links, in the order to try.
	Candidates []string
}

// entry is one parsed BibTeX entry: its type, key and fields (lower-case
// names), values with their outer braces or quotes removed.
type entry struct {
	typ, key string
	fields   map[string]string
}

// bibParser reads BibTeX text: @type{key, name = value, ...}.
type bibParser struct {
	s   string
	pos int
}

// parseBibTeX returns the entries of text, skipping @comment, @preamble
// and @string blocks and whatever cannot be read.
func parseBibTeX(text string) []entry {
	p := &bibParser{s: text}
	var out []entry
	for len(out) < MaxEntries {
		at := strings.IndexByte(p.s[p.pos:], '@')
		if at < 0 {
			break
		}
		p.pos += at + 1
		if e, ok := p.entry(); ok {
			out = append(out, e)
		}
	}
	return out
}

// entry reads one entry after its '@'.
func (p *bibParser) entry() (entry, bool) {
	typ := strings.ToLower(p.word())
	p.space()
	if typ == "" || p.pos >= len(p.s) || (p.s[p.pos] != '{' && p.s[p.pos] != '(') {
		return entry{}, false
	}
	closer := byte('}')
	if p.s[p.pos] == '(' {
		closer = ')'
	}
	p.pos++
	if typ == "comment" || typ == "preamble" || typ == "string" {
		p.skipBalanced(closer)
		return entry{}, false
	}
	e := entry{typ: typ, fields: map[string]string{}}
	end := strings.IndexAny(p.s[p.pos:], ",\n}")
	if end < 0 {
		return entry{}, false
	}
	e.key = strings.TrimSpace(p.s[p.pos : p.pos+end])
	p.pos += end
	for p.field(e.fields, closer) {
	}
	return e, true
}

// field reads one "name = value" and reports whether more may follow.
func (p *bibParser) field(fields map[string]string, closer byte) bool {
	p.space()
	for p.pos < len(p.s) && p.s[p.pos] == ',' {
		p.pos++
		p.space()
	}
	if p.pos >= len(p.s) {
		return false
	}
	if p.s[p.pos] == closer {
		p.pos++
		return false
	}
	name := strings.ToLower(p.word())
	p.space()
	if name == "" || p.pos >= len(p.s) || p.s[p.pos] != '=' {
		p.skipTo(closer)
		return false
	}
	p.pos++
	value := p.value(closer)
	if len(value) > maxValue {
		value = value[:maxValue]
	}
	fields[name] = strings.Join(strings.Fields(value), " ")
	return true
}

// value reads a value: braced, quoted or bare parts joined by '#'.
func (p *bibParser) value(closer byte) string {
	var b strings.Builder
	for {
		p.space()
		if p.pos >= len(p.s) {
			return b.String()
		}
		switch c := p.s[p.pos]; {
		case c == '{':
			p.pos++
			b.WriteString(p.braced())
		case c == '"':
			p.pos++
			b.WriteString(p.quoted())
		default:
			b.WriteString(p.bare(closer))
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != '#' {
			return b.String()
		}
		p.pos++
	}
}

// braced reads up to the brace that closes the one just read.
func (p *bibParser) braced() string {
	start, depth := p.pos, 1
	for ; p.pos < len(p.s); p.pos++ {
		switch p.s[p.pos] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				p.pos++
				return p.s[start : p.pos-1]
			}
		}
	}
	return p.s[start:]
}

// quoted reads up to the closing quote outside braces.
func (p *bibParser) quoted() string {
	start, depth := p.pos, 0
	for ; p.pos < len(p.s); p.pos++ {
		switch p.s[p.pos] {
		case '{':
			depth++
		case '}':
			depth--
		case '"':
			if depth <= 0 {
				p.pos++
				return p.s[start : p.pos-1]
			}
		}
	}
	return p.s[start:]
}

// bare reads a number or macro name.
func (p *bibParser) bare(closer byte) string {
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] != ',' && p.s[p.pos] != '#' && p.s[p.pos] != closer && p.s[p.pos] != '\n' {
		p.pos++
	}
	return strings.TrimSpace(p.s[start:p.pos])
}

// word reads a name: letters, digits and the punctuation BibTeX allows.
func (p *bibParser) word() string {
	start := p.pos
	for p.pos < len(p.s) {
		r := rune(p.s[p.pos])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-:.+/", r) {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *bibParser) space() {
	for p.pos < len(p.s) && unicode.IsSpace(rune(p.s[p.pos])) {
		p.pos++
	}
}

// skipBalanced skips to the closer that ends the block just opened.
func (p *bibParser) skipBalanced(closer byte) {
	if closer == '}' {
		p.braced()
		return
	}
	p.skipTo(closer)
}

// skipTo skips past the next closer.
func (p *bibParser) skipTo(closer byte) {
	if i := strings.IndexByte(p.s[p.pos:], closer); i >= 0 {
		p.pos += i + 1
		return
	}
	p.pos = len(p.s)
}
