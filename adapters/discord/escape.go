package discord

import (
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"paperboy/bot/text"
)

// zwsp is a zero-width space: put after "@" or "<" it stops Discord from
// reading @everyone, @here, <@id>, <@&id>, <#id>, <t:…> or </cmd:id>.
const zwsp = "\u200b"

// everyone matches the mass mentions, in any letter case.
var everyone = regexp.MustCompile(`(?i)@(everyone|here)`)

// urlToken matches a bare link in text; markdown escapes inside it would
// break it, so it is left as it is (mentions in it are still neutralised).
var urlToken = regexp.MustCompile(`https?://[^\s<]+`)

// neutralise breaks every mention syntax in s with a zero-width space.
func neutralise(s string) string {
	s = everyone.ReplaceAllString(s, "@"+zwsp+"$1")
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '<' && i+1 < len(s) && s[i+1] != ' ' && !strings.HasPrefix(s[i+1:], zwsp) {
			b.WriteString(zwsp)
		}
	}
	return b.String()
}

// markdown returns s, plain text, as Discord markdown that shows exactly s:
// mentions neutralised and every markup character escaped, except inside
// bare links.
func markdown(s string) string {
	s = neutralise(s)
	var b strings.Builder
	last := 0
	for _, loc := range urlToken.FindAllStringIndex(s, -1) {
		escapeInto(&b, s[last:loc[0]], last == 0 || s[last-1] == '\n')
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	escapeInto(&b, s[last:], last == 0 || s[last-1] == '\n')
	return b.String()
}

// escapeInto writes s with markdown characters escaped. Characters that are
// markup only at the start of a line (lists, headings, quotes) are escaped
// there; lineStart says whether s begins a line.
func escapeInto(b *strings.Builder, s string, lineStart bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\*_~`|[]", c) >= 0:
			b.WriteByte('\\')
		case lineStart && strings.IndexByte("#>-+", c) >= 0:
			b.WriteByte('\\')
		case lineStart && c >= '0' && c <= '9':
			if j := digitsEnd(s, i); j < len(s) && s[j] == '.' {
				b.WriteString(s[i:j])
				b.WriteString("\\")
				i = j - 1
				lineStart = false
				continue
			}
		}
		b.WriteByte(c)
		if c == '\n' {
			lineStart = true
		} else if c != ' ' {
			lineStart = false
		}
	}
}

// digitsEnd returns the index after the run of digits starting at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// size is the length Discord's limits count. Discord counts characters;
// counting UTF-16 units is never less, so what fits here fits there.
func size(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// fitMarkdown returns plain text s as markdown of at most limit characters,
// cutting s (at a word, with "…") before escaping, so that no escape is
// ever cut in half.
func fitMarkdown(s string, limit int) string {
	return fit(s, limit, markdown)
}

// fitPlain returns s neutralised and cut to at most limit characters, for
// places where Discord shows text as it is (author names, footers, button
// labels, thread names, choices).
func fitPlain(s string, limit int) string {
	return fit(s, limit, neutralise)
}

// fit cuts s until transform(s) fits in limit. Each round cuts s in
// proportion to how far it is over, so escapes that double the length are
// settled in a round or two.
func fit(s string, limit int, transform func(string) string) string {
	out := transform(s)
	n := utf8.RuneCountInString(s)
	for size(out) > limit {
		n = min(n-1, n*limit/size(out))
		if n <= 0 {
			return ""
		}
		out = transform(text.Truncate(s, n))
	}
	return out
}
