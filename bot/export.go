package bot

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"paperboy/bot/text"
)

// Export is one line of paperboy's own JSON Lines export: a Paper, the day
// of the batch it was exported from (an export of one day), and every day's
// batch it is in (a full export), so that importing the file gives back the
// same days. Exports written before batches were added still import.
type Export struct {
	Paper
	Date    string       `json:"date,omitempty"`
	Batches []Membership `json:"batches,omitempty"`
}

// WriteExport writes one paper as a line of the export format.
func WriteExport(w io.Writer, e Export) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(e)
}

// ParseExport reads paperboy's own JSON Lines export. A line that is not a
// valid paper (bad JSON, no usable id, no title) or is longer than
// LimitRecordBytes is reported to skip and the rest is read; only a read
// error stops it. Strings are cut to LimitFieldBytes as they stream in.
func ParseExport(r io.Reader, emit func(Item) error, skip func(Skip)) error {
	lines := NewLineReader(LimitJSON(r), LimitRecordBytes)
	for n := 1; ; n++ {
		line, err := lines.Next()
		switch {
		case err == io.EOF:
			return nil
		case err == ErrLineTooLong:
			skip(Skip{Where: fmt.Sprintf("line %d", n), Reason: fmt.Sprintf("longer than %d bytes", LimitRecordBytes)})
			continue
		case err != nil:
			return fmt.Errorf("read line %d: %w", n, err)
		}
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		if it, reason := decodeExport(line); reason != "" {
			skip(Skip{Where: fmt.Sprintf("line %d", n), Reason: reason})
		} else if err := emit(it); err != nil {
			return err
		}
	}
}

func decodeExport(line []byte) (Item, string) {
	var e Export
	if err := json.Unmarshal(line, &e); err != nil {
		return Item{}, "not a JSON object: " + shorten(err.Error(), 80)
	}
	id, ok := ParsePaperRef(e.ID)
	if !ok {
		return Item{}, fmt.Sprintf("id %q is not an arXiv id or a paperboy id", shorten(e.ID, 40))
	}
	e.ID = id
	if strings.TrimSpace(e.Title) == "" {
		return Item{}, "no title"
	}
	if e.Date != "" {
		d, err := ParseDate(e.Date)
		if err != nil {
			return Item{}, fmt.Sprintf("date %q is not YYYY-MM-DD", shorten(e.Date, 20))
		}
		e.Date = d
	}
	for i, m := range e.Batches {
		d, err := ParseDate(m.Date)
		switch {
		case err != nil:
			return Item{}, fmt.Sprintf("batches[%d]: date %q is not YYYY-MM-DD", i, shorten(m.Date, 20))
		case m.Rank < 0:
			return Item{}, fmt.Sprintf("batches[%d]: rank %d is negative", i, m.Rank)
		}
		e.Batches[i].Date, e.Batches[i].Source = d, text.StorableText(shorten(m.Source, 40))
	}
	return Item{Paper: e.Paper, Date: e.Date, Batches: e.Batches}, ""
}
