package arxiv

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"paperboy/bot"
)

// atomEntry is one <entry> of an API response or of the Atom listing feed.
// Tags without a namespace match the element in any namespace, which covers
// both the 2026 format (namespaces declared on <feed>) and the 2016 one
// (declared inline on each element).
type atomEntry struct {
	ID         string     `xml:"id"`
	Title      string     `xml:"title"`
	Summary    string     `xml:"summary"`
	Published  string     `xml:"published"`
	Authors    []atomName `xml:"author"`
	Categories []atomTerm `xml:"category"`
	Primary    atomTerm   `xml:"http://arxiv.org/schemas/atom primary_category"`
	Comment    string     `xml:"http://arxiv.org/schemas/atom comment"`
	// The listing feed (rss.arxiv.org/atom/…) has these instead of
	// <author> and <arxiv:comment>.
	AnnounceType string `xml:"http://arxiv.org/schemas/atom announce_type"`
	Creator      string `xml:"http://purl.org/dc/elements/1.1/ creator"`
}

type atomName struct {
	Name string `xml:"name"`
}

type atomTerm struct {
	Term string `xml:"term,attr"`
}

// feedInfo is what a caller paging through the API needs to know about a
// response besides its entries.
type feedInfo struct {
	Total   int // opensearch:totalResults; -1 when absent
	Entries int // <entry> elements read, kept or skipped
}

// ParseAtom reads an arXiv API response (the 2026 format and the legacy
// 2016 one) or an Atom listing feed (rss.arxiv.org/atom/…) and emits one
// Item per entry. Items from the API have no Date; a listing's entries of
// announce type "new" are dated with their announcement day. An entry with
// no id, a bad id or no title is reported to skip and the rest continue. The
// error entry arXiv sends for a bad query gives an EINVALID *bot.Error that
// quotes arXiv's message; input that is not an Atom feed gives an error.
func ParseAtom(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error {
	_, err := decodeAtom(r, emit, skip)
	return err
}

// decodeAtom is ParseAtom, also returning the feed's counts.
func decodeAtom(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) (feedInfo, error) {
	info := feedInfo{Total: -1}
	x := newXMLInput(r)
	d := xml.NewDecoder(x)
	if err := expectRoot(d, "feed"); err != nil {
		return info, fmt.Errorf("parse atom: %w", err)
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return info, nil
		}
		if err != nil {
			return info, fmt.Errorf("parse atom: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "entry":
			info.Entries++
			if err := decodeEntry(d, x, &se, info.Entries, emit, skip); err != nil {
				return info, err
			}
		case "totalResults":
			if info.Total, err = decodeInt(d, &se); err != nil {
				return info, fmt.Errorf("parse atom: totalResults: %w", err)
			}
		default:
			if err := d.Skip(); err != nil {
				return info, fmt.Errorf("parse atom: %w", err)
			}
		}
	}
}

// decodeEntry reads the n-th entry and emits or skips it. An entry with a
// byte that is not UTF-8 is skipped (x counts them).
func decodeEntry(d *xml.Decoder, x *xmlInput, se *xml.StartElement, n int, emit func(bot.Item) error, skip func(bot.Skip)) error {
	var e atomEntry
	bad := x.bad
	if err := d.DecodeElement(&e, se); err != nil {
		return fmt.Errorf("parse atom: entry %d: %w", n, err)
	}
	if x.bad > bad {
		skip(bot.Skip{Where: fmt.Sprintf("entry %d (%s)", n, label(e.ID, e.Title)), Reason: notUTF8})
		return nil
	}
	if isErrorEntry(e) {
		return bot.Errorf(bot.EINVALID, "arXiv rejected the query: %s", strings.TrimSpace(e.Summary))
	}
	item, reason := e.item()
	if reason != "" {
		skip(bot.Skip{Where: fmt.Sprintf("entry %d (%s)", n, label(e.ID, e.Title)), Reason: reason})
		return nil
	}
	return emit(item)
}

// isErrorEntry reports whether e is the entry arXiv sends instead of
// results when it rejects a query (id https://arxiv.org/api/errors#…).
func isErrorEntry(e atomEntry) bool {
	return strings.TrimSpace(e.Title) == "Error" && strings.Contains(e.ID, "/api/errors")
}

// item translates the entry, or says why it cannot.
func (e atomEntry) item() (bot.Item, string) {
	id, v1, ok := parseID(e.ID)
	if reason := checkPaper(e.ID, ok, e.Title); reason != "" {
		return bot.Item{}, reason
	}
	p := bot.Paper{
		ID:        id,
		Title:     strings.TrimSpace(e.Title),
		Abstract:  strings.TrimSpace(e.Summary),
		GitHubURL: githubURL(e.Comment),
	}
	terms := make([]string, len(e.Categories))
	for i, c := range e.Categories {
		terms[i] = c.Term
	}
	p.Categories = categories(e.Primary.Term, terms)
	for _, a := range e.Authors {
		if name := strings.Join(strings.Fields(a.Name), " "); name != "" {
			p.Authors = append(p.Authors, name)
		}
	}
	if len(p.Authors) == 0 && e.Creator != "" {
		p.Authors = splitAuthors(e.Creator)
	}
	if e.AnnounceType == "" && !strings.HasPrefix(strings.TrimSpace(e.ID), "oai:") {
		// An API entry: <published> is the v1 submission time.
		p.Published, _ = parseFeedTime(e.Published)
		p.Published = p.Published.UTC()
		p.FillLinks()
		return bot.Item{Paper: p}, ""
	}
	return listingItem(p, e.Summary, e.Published, e.Published, e.AnnounceType, v1), ""
}

// listingItem finishes a paper read from a listing feed (RSS or Atom):
// the abstract loses arXiv's "arXiv:… Announce Type: …" prefix, and a new
// paper is dated with its announcement day (day, a feed time). Published is
// set, to the announcement time, only for a v1: arXiv makes a paper public
// when it announces v1, and a listing does not say when an older version was.
func listingItem(p bot.Paper, desc, announced, day, announceType string, v1 bool) bot.Item {
	abstract, prefixType := listingAbstract(desc)
	p.Abstract = abstract
	if announceType == "" {
		announceType = prefixType
	}
	if t, ok := parseFeedTime(announced); ok && v1 {
		p.Published = t.UTC()
	}
	p.FillLinks()
	item := bot.Item{Paper: p}
	if strings.TrimSpace(announceType) == "new" {
		item.Date = announcedDate(day)
	}
	return item
}

// expectRoot reads up to the document's root element and checks its name.
func expectRoot(d *xml.Decoder, want string) error {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("no <%s> element: the input is empty or not XML", want)
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != want {
				return fmt.Errorf("root element is <%s>, not <%s>", se.Name.Local, want)
			}
			return nil
		}
	}
}

// decodeInt reads an element holding an integer.
func decodeInt(d *xml.Decoder, se *xml.StartElement) (int, error) {
	var s string
	if err := d.DecodeElement(&s, se); err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(s))
}
