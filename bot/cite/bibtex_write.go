package cite

import (
	"strconv"
	"strings"
	"unicode"
)

// Entry is one paper to write as BibTeX. Text fields are plain Unicode
// (no TeX): WriteBibTeX escapes them.
type Entry struct {
	// ArxivID is the canonical arXiv id ("2401.01335", "hep-th/9901001"):
	// the entry's eprint and the base of its key.
	ArxivID string
	// OtherID names a paper without an arXiv id, for the key (then the
	// entry has no eprint).
	OtherID      string
	Title        string
	Authors      []string
	Year         int // 0 when unknown
	PrimaryClass string
	URL          string
	// Note is free text, e.g. who saved the paper.
	Note string
}

// BibTeX returns the entry as a @misc entry with eprint and
// archivePrefix = {arXiv}, as arXiv's own export and biblatex expect.
// maxAuthors > 0 lists at most that many authors, then "and others".
func (e Entry) BibTeX(maxAuthors int) string {
	var b strings.Builder
	if e.ArxivID != "" {
		b.WriteString("@misc{" + Key(e.ArxivID) + ",\n")
	} else {
		b.WriteString("@misc{" + keyRunes(e.OtherID) + ",\n")
	}
	field := func(name, value string) {
		if value != "" {
			b.WriteString("  " + name + " = {" + value + "},\n")
		}
	}
	if e.Title != "" {
		field("title", "{"+Escape(e.Title)+"}")
	}
	field("author", authorList(e.Authors, maxAuthors))
	if e.Year > 0 {
		field("year", strconv.Itoa(e.Year))
	}
	if e.ArxivID != "" {
		field("eprint", Escape(e.ArxivID))
		field("archivePrefix", "arXiv")
	}
	field("primaryClass", Escape(e.PrimaryClass))
	field("url", escapeURL(e.URL))
	field("note", Escape(e.Note))
	b.WriteString("}\n")
	return b.String()
}

// Key returns the citation key of an arXiv id: "arXiv:" and the id, with
// any character BibTeX keys cannot hold made '-' ("hep-th/9901001" →
// "arXiv:hep-th-9901001").
func Key(id string) string { return "arXiv:" + keyRunes(id) }

// keyRunes makes '-' of each character a citation key cannot hold.
func keyRunes(id string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_') {
			return r
		}
		return '-'
	}, id)
}

// texSpecial maps the characters TeX reads as commands to their escapes.
var texSpecial = strings.NewReplacer(
	`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `&`, `\&`, `%`, `\%`, `$`, `\$`,
	`#`, `\#`, `_`, `\_`, `~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`,
)

// Escape returns plain text fit for a braced BibTeX value: TeX's special
// characters escaped, so braces always balance and nothing runs as a
// command, and whitespace (new lines included) collapsed.
func Escape(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return texSpecial.Replace(strings.Join(strings.Fields(s), " "))
}

// escapeURL keeps a URL usable in a url field: only braces, which would
// unbalance the value, and whitespace are dropped.
func escapeURL(u string) string {
	return strings.Map(func(r rune) rune {
		if r == '{' || r == '}' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, u)
}

// authorList joins names with " and ", each braced when it holds a comma
// or the word "and", so BibTeX takes it as one name.
func authorList(names []string, max int) string {
	var out []string
	for _, n := range names {
		n = Escape(n)
		if n == "" {
			continue
		}
		if max > 0 && len(out) == max {
			out = append(out, "others")
			break
		}
		if strings.Contains(n, ",") || strings.Contains(" "+strings.ToLower(n)+" ", " and ") {
			n = "{" + n + "}"
		}
		out = append(out, n)
	}
	return strings.Join(out, " and ")
}
