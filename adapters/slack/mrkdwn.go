package slack

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"paperboy/bot/text"
)

// Paper titles, abstracts and LLM answers are untrusted. In Slack's mrkdwn,
// "<!channel>", "<!here>", "<!everyone>", "<@U…>" and "<!subteam^S…>" ping
// people, "<url|text>" makes links, "*x*", "_x_", "~x~" and "`x`" format, and a
// line starting with "&gt;" (an escaped ">") is a quote. escape neutralises
// all of it, so that paper text always shows as the text it is.

// mrkdwnEscaper escapes the three characters Slack asks for, and swaps the
// formatting characters for lookalikes: mrkdwn has no escape for them.
var mrkdwnEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"*", "∗", // U+2217 ASTERISK OPERATOR
	"~", "∼", // U+223C TILDE OPERATOR
	"`", "ˋ", // U+02CB MODIFIER LETTER GRAVE ACCENT
)

// codeEscaper escapes text inside a code span, where nothing formats: only
// the three characters Slack asks for, and the backtick, which would end it.
var codeEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "`", "ˋ")

// starWord is a word with an asterisk in it: "*", "*/15", "A*".
var starWord = regexp.MustCompile(`[^\s]*\*[^\s]*`)

// escape turns plain text into mrkdwn that shows exactly that text. A word
// with an asterisk goes in a code span, so that it shows (and copies) as
// typed: a schedule "0 8 * * 1-5" stays ASCII, where a lookalike "∗" would
// not survive copy and paste. Everything else is escapeText's.
func escape(s string) string {
	if !strings.Contains(s, "*") {
		return escapeText(s)
	}
	var b strings.Builder
	last := 0
	for _, m := range starWord.FindAllStringIndex(s, -1) {
		b.WriteString(escapeText(s[last:m[0]]))
		b.WriteString("`" + codeEscaper.Replace(s[m[0]:m[1]]) + "`")
		last = m[1]
	}
	b.WriteString(escapeText(s[last:]))
	return b.String()
}

// escapeText turns plain text into mrkdwn that shows exactly that text,
// with lookalikes for the formatting characters.
func escapeText(s string) string {
	s = mrkdwnEscaper.Replace(boundaryUnderscores(s))
	if !strings.Contains(s, "&gt;") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), "&gt;") {
			lines[i] = "\u200b" + l // a zero-width space: no longer a quote
		}
	}
	return strings.Join(lines, "\n")
}

// boundaryUnderscores swaps the underscores that could open or close italics
// (those not inside a word, like snake_case) for a lookalike.
func boundaryUnderscores(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	rs := []rune(s)
	for i, r := range rs {
		if r != '_' {
			continue
		}
		inWord := i > 0 && i < len(rs)-1 && isWordRune(rs[i-1]) && isWordRune(rs[i+1])
		if !inWord {
			rs[i] = 'ˍ' // U+02CD MODIFIER LETTER LOW MACRON
		}
	}
	return string(rs)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// linkLabelEscaper makes link text safe inside "<url|text>" and inside the
// "*…*" around a title: a "|" would end the URL part.
var linkLabelEscaper = strings.NewReplacer("|", "∣") // U+2223 DIVIDES

// escapeLabel escapes plain text for the text part of a link, which is
// also inside the "*…*" of a title: no code spans there, only lookalikes.
func escapeLabel(s string) string { return linkLabelEscaper.Replace(escapeText(s)) }

// urlEscaper escapes a URL for the URL part of a link. bot.SafeURL already
// refused spaces, quotes, "<" and ">".
var urlEscaper = strings.NewReplacer("&", "&amp;", "|", "%7C")

// link returns a mrkdwn link to u (a bot.SafeURL) showing label (plain
// text), or just the label when u is empty.
func link(u, label string) string {
	if u == "" {
		return escapeText(label)
	}
	return "<" + urlEscaper.Replace(u) + "|" + escapeLabel(label) + ">"
}

// size counts s the way Slack's limits do, at worst: in UTF-16 code units,
// so that characters outside the BMP (emoji, math letters) count twice.
func size(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// fit returns esc(raw) when its size is at most limit, and otherwise
// esc(raw cut short with "…") as long as fits. esc maps plain text to what is
// sent (escape, escapeLabel, or nothing for plain_text).
func fit(raw string, limit int, esc func(string) string) string {
	if limit <= 0 {
		return ""
	}
	if out := esc(raw); size(out) <= limit {
		return out
	}
	lo, hi := 1, utf8.RuneCountInString(raw) // text.Truncate's max, in runes
	best := ""
	for lo <= hi {
		mid := (lo + hi) / 2
		if out := esc(text.Truncate(raw, mid)); size(out) <= limit {
			best, lo = out, mid+1
		} else {
			hi = mid - 1
		}
	}
	return best
}

// plain is the identity escaper, for plain_text fields: Slack shows them as
// they are, so they need no escaping and cannot ping.
func plain(s string) string { return s }

// pack splits raw into pieces whose escaped size is at most limit, breaking
// between lines, then between words, then anywhere. Nothing is dropped.
func pack(raw string, limit int) []string {
	if size(escape(raw)) <= limit {
		return []string{raw}
	}
	for _, sep := range []string{"\n", " "} {
		if parts := strings.Split(raw, sep); len(parts) > 1 {
			return packParts(parts, sep, limit)
		}
	}
	return hardSplit(raw, limit)
}

// packParts joins parts with sep greedily into pieces of at most limit.
func packParts(parts []string, sep string, limit int) []string {
	var out []string
	cur, has := "", false
	for _, p := range parts {
		if has && size(escape(cur+sep+p)) <= limit {
			cur += sep + p
			continue
		}
		if has {
			out = append(out, cur)
		}
		sub := []string{p}
		if size(escape(p)) > limit {
			sub = pack(p, limit)
		}
		out = append(out, sub[:len(sub)-1]...)
		cur, has = sub[len(sub)-1], true
	}
	if has {
		out = append(out, cur)
	}
	return out
}

// hardSplit cuts raw, which has no line or word breaks, into pieces of at
// most limit once escaped. One rune escapes to at most 5 units, and a piece
// may gain a leading zero-width space, hence the margin.
func hardSplit(raw string, limit int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, r := range raw {
		w := size(escape(string(r)))
		if n+w > limit-1 && cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
		cur.WriteRune(r)
		n += w
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
