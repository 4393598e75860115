package arxiv

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"paperboy/bot"
)

// rssItem is one <item> of rss.arxiv.org's RSS 2.0 listing.
type rssItem struct {
	Title        string   `xml:"title"`
	Link         string   `xml:"link"`
	Description  string   `xml:"description"`
	GUID         string   `xml:"guid"`
	Categories   []string `xml:"category"`
	PubDate      string   `xml:"pubDate"`
	AnnounceType string   `xml:"http://arxiv.org/schemas/atom announce_type"`
	Creator      string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
}

// ParseRSS reads an rss.arxiv.org RSS 2.0 listing and emits every item as a
// paper: new submissions, cross-lists and replacements alike. Only items of
// announce type "new" get a Date, the channel's pubDate as a calendar day in
// the announcement's own time zone, so that only new papers join that day's
// batch. An item with no id, a bad id or no title is reported to skip and
// the rest continue. A channel with no items (arXiv's skip days) gives no
// items and no error; input that is not an RSS document gives an error.
func ParseRSS(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error {
	x := newXMLInput(r)
	d := xml.NewDecoder(x)
	if err := expectRoot(d, "rss"); err != nil {
		return fmt.Errorf("parse rss: %w", err)
	}
	var day string // the channel's pubDate, once read
	n := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse rss: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "channel": // descend into it
		case "pubDate":
			if err := d.DecodeElement(&day, &se); err != nil {
				return fmt.Errorf("parse rss: pubDate: %w", err)
			}
		case "item":
			n++
			if err := decodeItem(d, x, &se, n, day, emit, skip); err != nil {
				return err
			}
		default:
			if err := d.Skip(); err != nil {
				return fmt.Errorf("parse rss: %w", err)
			}
		}
	}
}

// decodeItem reads the n-th item and emits or skips it. day is the
// channel's pubDate, or "" when the channel has none before its items.
// An item with a byte that is not UTF-8 is skipped (x counts them).
func decodeItem(d *xml.Decoder, x *xmlInput, se *xml.StartElement, n int, day string, emit func(bot.Item) error, skip func(bot.Skip)) error {
	var it rssItem
	bad := x.bad
	if err := d.DecodeElement(&it, se); err != nil {
		return fmt.Errorf("parse rss: item %d: %w", n, err)
	}
	if x.bad > bad {
		skip(bot.Skip{Where: fmt.Sprintf("item %d (%s)", n, label(it.rawID(), it.Title)), Reason: notUTF8})
		return nil
	}
	if day == "" {
		day = it.PubDate
	}
	item, reason := it.item(day)
	if reason != "" {
		skip(bot.Skip{Where: fmt.Sprintf("item %d (%s)", n, label(it.rawID(), it.Title)), Reason: reason})
		return nil
	}
	return emit(item)
}

// rawID is the item's versioned OAI identifier (guid), else its link.
func (it rssItem) rawID() string {
	if s := strings.TrimSpace(it.GUID); s != "" {
		return s
	}
	return strings.TrimSpace(it.Link)
}

// item translates the item, or says why it cannot. day is the feed time
// whose calendar day a new paper is filed under.
func (it rssItem) item(day string) (bot.Item, string) {
	raw := it.rawID()
	id, v1, ok := parseID(raw)
	if !ok { // a guid arXiv did not make; the link may still name the paper
		id, v1, ok = parseID(it.Link)
	}
	if reason := checkPaper(raw, ok, it.Title); reason != "" {
		return bot.Item{}, reason
	}
	p := bot.Paper{
		ID:         id,
		Title:      strings.TrimSpace(it.Title),
		Authors:    splitAuthors(it.Creator),
		Categories: categories("", it.Categories),
	}
	return listingItem(p, it.Description, it.PubDate, day, it.AnnounceType, v1), ""
}
