package arxiv

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"paperboy/bot"
)

// idPrefixes are what arXiv puts in front of an id in its feeds: the API's
// entry ids, the listing feeds' OAI identifiers and their links.
var idPrefixes = []string{
	"http://arxiv.org/abs/", "https://arxiv.org/abs/",
	"http://export.arxiv.org/abs/", "https://export.arxiv.org/abs/",
	"oai:arXiv.org:", "oai:arxiv.org:",
}

// parseID returns the canonical id in an entry id, OAI identifier or abs
// link ("http://arxiv.org/abs/2401.01335v2" → "2401.01335"), and whether the
// version it names is v1.
func parseID(raw string) (id string, v1 bool, ok bool) {
	s := strings.TrimSpace(raw)
	for _, p := range idPrefixes {
		if rest, found := strings.CutPrefix(s, p); found {
			s = rest
			break
		}
	}
	id, ok = bot.ParseArxivID(s)
	return id, ok && strings.HasSuffix(s, "v1"), ok
}

// github finds a GitHub repository link ("Code: https://github.com/o/r").
var github = regexp.MustCompile(`(?i)\bhttps?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)`)

// githubURL returns the first GitHub repository mentioned in text, as
// "https://github.com/owner/repo", or "" when there is none. Sentence
// punctuation and a ".git" suffix are not part of the repository name.
func githubURL(text string) string {
	if !strings.Contains(text, "ithub.com/") && !strings.Contains(text, "ITHUB.COM/") {
		return "" // cheap test first: most comments have no link
	}
	m := github.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	repo := strings.TrimRight(strings.TrimSuffix(strings.TrimRight(m[2], "."), ".git"), ".")
	if repo == "" {
		return ""
	}
	return "https://github.com/" + m[1] + "/" + repo
}

// nameSuffixes are parts of a name that a comma separates from the rest
// ("John Smith, Jr."), not authors of their own.
var nameSuffixes = map[string]bool{
	"Jr": true, "Jr.": true, "Sr": true, "Sr.": true, "II": true, "III": true, "IV": true,
}

// splitAuthors splits an author string as arXiv writes it ("A. One, B. Two
// and C. Three", "A, B, and C") into names, in order. Text in parentheses
// (affiliations) is dropped, and separators inside it are ignored.
func splitAuthors(s string) []string {
	if strings.ContainsAny(s, "\n\r\t") {
		s = strings.Join(strings.Fields(s), " ") // hard wraps, even inside names
	}
	var names []string
	var cur strings.Builder
	depth := 0
	flush := func() {
		name := strings.Join(strings.Fields(cur.String()), " ")
		cur.Reset()
		switch {
		case name == "":
		case nameSuffixes[name] && len(names) > 0:
			names[len(names)-1] += " " + name
		default:
			names = append(names, name)
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth > 0:
		case c == ',':
			flush()
		case c == ' ' && strings.HasPrefix(s[i:], " and "):
			flush()
			i += len(" and") - 1
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return names
}

// listingAbstract returns the abstract in a listing feed's description,
// which arXiv prefixes with "arXiv:<id>vN Announce Type: new \nAbstract: ",
// and the announce type the prefix names.
func listingAbstract(desc string) (abstract, announceType string) {
	head, body, found := strings.Cut(desc, "Abstract:")
	if !found {
		return strings.TrimSpace(desc), ""
	}
	if _, t, ok := strings.Cut(head, "Announce Type:"); ok {
		announceType = strings.TrimSpace(t)
	}
	return strings.TrimSpace(body), announceType
}

// categories returns the primary category followed by the others, in feed
// order, without repeats or blanks.
func categories(primary string, terms []string) []string {
	out := make([]string, 0, len(terms)+1)
	seen := make(map[string]bool, len(terms)+1)
	for _, t := range append([]string{primary}, terms...) {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// label names a record in a Skip: its raw id, else the start of its title.
func label(rawID, title string) string {
	if s := strings.TrimSpace(rawID); s != "" {
		return s
	}
	title = strings.Join(strings.Fields(title), " ")
	if r := []rune(title); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	if title == "" {
		return "no id, no title"
	}
	return title
}

// checkPaper returns why the paper cannot be kept, or "" when it can: it
// needs a real arXiv id and a title.
func checkPaper(rawID string, idOK bool, title string) string {
	switch {
	case strings.TrimSpace(rawID) == "":
		return "no id"
	case !idOK:
		return fmt.Sprintf("%q is not an arXiv id", strings.TrimSpace(rawID))
	case strings.TrimSpace(title) == "":
		return "no title"
	}
	return ""
}

// parseFeedTime reads an Atom (RFC 3339) or RSS (RFC 1123) time; ok is false
// when s is none of them.
func parseFeedTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// announcedDate returns the calendar day of an announcement time, in the
// announcement's own time zone ("Thu, 24 Sep 2026 00:00:00 -0400" →
// "2026-09-24"), or "" when s is not a time.
func announcedDate(s string) string {
	t, ok := parseFeedTime(s)
	if !ok {
		return ""
	}
	return t.Format(bot.DateLayout)
}
