package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"paperboy/bot/cite"
	"paperboy/bot/text"
)

// MaxListed bounds how much of a reading list chat pages through as BibTeX;
// the command line exports any length.
const MaxListed = 5000

// handleSaved shows the channel's reading list, a page at a time, or a
// page of it as BibTeX ("/papers saved bibtex").
func (e *Engine) handleSaved(ctx context.Context, cmd Command) (Reply, error) {
	if e.ReadingList == nil {
		return Reply{}, errNoReadingList
	}
	switch cmd.Args {
	case "":
	case "bibtex":
		return e.savedBibTeX(ctx, cmd)
	default:
		return Reply{}, Errorf(EINVALID, "Try /papers saved, /papers saved 2 for the next page, or /papers saved bibtex.")
	}
	channel, err := e.listChannel(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	size := e.pageSize()
	page, total, err := e.ReadingList.SavedPapers(ctx, cmd.Platform, channel, cmd.Page*size, size)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: "Reading list · " + text.Plural(total, "paper"), Ephemeral: true}
	if total == 0 {
		r.Text = "This channel's reading list is empty: press Save on a paper, or /papers save <arXiv id or link>."
		return r, nil
	}
	if len(page) == 0 {
		r.Text = fmt.Sprintf("There is no page %d; the list has %s.", cmd.Page+1, text.Plural(total, "paper"))
		return r, nil
	}
	for i, sp := range page {
		r.Cards = append(r.Cards, savedCard(cmd.Page*size+i+1, sp))
	}
	if cmd.Page*size+len(page) < total {
		r.Next = &Command{Name: CmdSaved, Page: cmd.Page + 1}
	}
	return r, nil
}

// savedCard is a reading list's paper, its Why saying who saved it.
func savedCard(rank int, sp SavedPaper) Card {
	p := sp.Paper
	p.FillLinks()
	c := NewCard(rank, p)
	if sp.Pending {
		c.Title = p.ID + " (not fetched yet)"
	}
	c.Why = text.Truncate("saved by "+strings.Join(sp.SavedBy, ", ")+" on "+sp.SavedAt.UTC().Format(DateLayout), 200)
	return c
}

// savedBibTeX shows one page of the reading list as BibTeX: as many
// entries, newest first, as fit MaxCodeLen.
func (e *Engine) savedBibTeX(ctx context.Context, cmd Command) (Reply, error) {
	channel, err := e.listChannel(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	list, total, err := e.ReadingList.SavedPapers(ctx, cmd.Platform, channel, 0, MaxListed)
	if err != nil {
		return Reply{}, err
	}
	pages := packBibTeX(list, MaxCodeLen)
	r := Reply{Title: "Reading list as BibTeX · " + text.Plural(total, "paper"), Ephemeral: true}
	switch {
	case total == 0:
		r.Text = "This channel's reading list is empty: press Save on a paper, or /papers save <arXiv id or link>."
		return r, nil
	case cmd.Page >= len(pages):
		r.Text = fmt.Sprintf("There is no page %d; the BibTeX has %s.", cmd.Page+1, text.Plural(len(pages), "page"))
		return r, nil
	}
	r.Code = pages[cmd.Page]
	if len(pages) > 1 {
		r.Text = fmt.Sprintf("Page %d of %d. The whole list: paperboy saved --channel %s:%s --bibtex", cmd.Page+1, len(pages), cmd.Platform, channel)
	}
	if cmd.Page+1 < len(pages) {
		r.Next = &Command{Name: CmdSaved, Args: "bibtex", Page: cmd.Page + 1}
	}
	return r, nil
}

// chatAuthors is how many authors a BibTeX entry in chat lists before
// "and others"; the command line's export lists them all.
const chatAuthors = 5

// packBibTeX splits the list's BibTeX into pages of at most limit bytes,
// entries whole and in order. An entry too long on its own is written
// without title and authors, which still cite the paper by its eprint.
func packBibTeX(list []SavedPaper, limit int) []string {
	var pages []string
	var cur strings.Builder
	for _, sp := range list {
		entry := BibTeXEntry(sp).BibTeX(chatAuthors)
		if len(entry) > limit {
			short := BibTeXEntry(SavedPaper{Paper: Paper{ID: sp.Paper.ID}})
			entry = short.BibTeX(0)
		}
		if cur.Len() > 0 && cur.Len()+1+len(entry) > limit {
			pages = append(pages, strings.TrimSuffix(cur.String(), "\n"))
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n")
		}
		cur.WriteString(entry)
	}
	if cur.Len() > 0 {
		pages = append(pages, strings.TrimSuffix(cur.String(), "\n"))
	}
	return pages
}

// BibTeXEntry returns a saved paper as a BibTeX entry: cleaned title and
// authors, the year of its first version, its primary category and its
// arXiv page. A pending paper has only its eprint and link.
func BibTeXEntry(sp SavedPaper) cite.Entry {
	p := sp.Paper
	p.FillLinks()
	e := cite.Entry{Title: text.CleanTitle(p.Title), URL: SafeURL(cmp.Or(p.ArxivURL, p.URL()))}
	if p.HasArxivID() {
		e.ArxivID = p.ID
	} else {
		e.OtherID = p.ID
	}
	for _, a := range p.Authors {
		if a = text.CleanTitle(a); a != "" {
			e.Authors = append(e.Authors, a)
		}
	}
	if !p.Published.IsZero() {
		e.Year = p.Published.UTC().Year()
	}
	if len(p.Categories) > 0 {
		e.PrimaryClass = p.Categories[0]
	}
	return e
}
