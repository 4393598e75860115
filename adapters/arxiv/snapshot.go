package arxiv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"paperboy/bot"
)

// snapshotRecord holds the fields of a metadata snapshot record that a Paper
// needs; the others ("submitter", "doi", "license"…) are not read.
type snapshotRecord struct {
	ID            string
	Title         string
	Abstract      string
	Authors       string
	Comments      string
	Categories    string
	FirstCreated  string     // versions[0].created
	AuthorsParsed [][]string // [last, first, suffix, affiliation…]
}

// ParseSnapshot reads arXiv's metadata snapshot (Kaggle's
// arxiv-metadata-oai-snapshot.json: JSON Lines, one record per line) and
// emits one Item, with no Date, per record. It streams: memory stays bounded
// by bot.LimitRecordBytes however large the input, and a string longer
// than bot.LimitFieldBytes is cut as it is read (real records are a few
// KiB; the longest, papers with thousands of authors, stay well under
// 1 MiB). A line that is not a JSON record, is longer than
// bot.LimitRecordBytes, or has no id, a bad id or no title is reported to
// skip ("line 17") and the rest continue. Blank lines are ignored.
func ParseSnapshot(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error {
	lines := bot.NewLineReader(bot.LimitJSON(r), bot.LimitRecordBytes)
	var rec snapshotRecord
	for n := 1; ; n++ {
		line, err := lines.Next()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, bot.ErrLineTooLong):
			skip(bot.Skip{Where: fmt.Sprintf("line %d", n), Reason: fmt.Sprintf("longer than %d bytes", bot.LimitRecordBytes)})
			continue
		case err != nil:
			return fmt.Errorf("parse snapshot: line %d: %w", n, err)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a UTF-8 BOM from an editor
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if err := decodeRecord(line, &rec); err != nil {
			skip(bot.Skip{Where: fmt.Sprintf("line %d", n), Reason: err.Error()})
			continue
		}
		item, reason := rec.item()
		if reason != "" {
			skip(bot.Skip{Where: fmt.Sprintf("line %d (%s)", n, label(rec.ID, rec.Title)), Reason: reason})
			continue
		}
		if err := emit(item); err != nil {
			return err
		}
	}
}

// item translates the record, or says why it cannot.
func (rec *snapshotRecord) item() (bot.Item, string) {
	id, _, ok := parseID(rec.ID)
	if reason := checkPaper(rec.ID, ok, rec.Title); reason != "" {
		return bot.Item{}, reason
	}
	p := bot.Paper{
		ID:         id,
		Title:      strings.TrimSpace(rec.Title),
		Abstract:   strings.TrimSpace(rec.Abstract),
		Authors:    rec.authors(),
		Categories: strings.Fields(rec.Categories),
		GitHubURL:  githubURL(rec.Comments),
	}
	if len(p.Categories) == 0 {
		p.Categories = nil
	}
	if t, err := time.Parse(snapshotTime, strings.TrimSpace(rec.FirstCreated)); err == nil {
		p.Published = t.UTC()
	}
	p.FillLinks()
	return bot.Item{Paper: p}, ""
}

// snapshotTime is the layout of versions[].created: "Mon, 2 Apr 2007
// 19:18:42 GMT".
const snapshotTime = "Mon, 2 Jan 2006 15:04:05 MST"

// authors returns the record's authors as "First Last Suffix", from
// authors_parsed when it has them, else split from the authors string.
func (rec *snapshotRecord) authors() []string {
	if len(rec.AuthorsParsed) == 0 {
		return splitAuthors(rec.Authors)
	}
	names := make([]string, 0, len(rec.AuthorsParsed))
	for _, parts := range rec.AuthorsParsed {
		if name := parsedName(parts); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// parsedName joins [last, first, suffix, affiliation…] as "First Last
// Suffix"; the affiliations are dropped.
func parsedName(parts []string) string {
	var last, first, suffix string
	switch {
	case len(parts) >= 3:
		suffix = parts[2]
		fallthrough
	case len(parts) == 2:
		first = parts[1]
		fallthrough
	case len(parts) == 1:
		last = parts[0]
	}
	var b strings.Builder
	for _, s := range [3]string{first, last, suffix} {
		if s = strings.TrimSpace(s); s != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	}
	return b.String()
}
