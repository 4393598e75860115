package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"paperboy/adapters/arxiv"
	"paperboy/adapters/hf"
	"paperboy/bot"
)

// The names of the formats, as the summary line prints them.
const (
	dailyFormat    = "HF daily_papers JSON"
	paperFormat    = "HF paper JSON"
	exportFormat   = "paperboy JSON Lines"
	snapshotFormat = "arXiv metadata JSON Lines" // imported add-only
	rssFormat      = "arXiv RSS"
	atomFormat     = "arXiv Atom"
	pageFormat     = "pasted Daily Papers page"
)

// detectWindow is how much of a JSON input detection reads ahead, after
// strings are cut to bot.LimitFieldBytes: hundreds of snapshot or export
// records, so one odd first record does not decide for the file.
const detectWindow = 1 << 20

// detectFormat looks at the start of the input (without consuming it) and
// picks the parser for it, and the reader to parse. It never trusts the
// file name, and when the records it sees disagree it says so rather than
// guess and drop records.
func detectFormat(br *bufio.Reader) (string, parseFunc, io.Reader, error) {
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", nil, nil, fmt.Errorf("read: %w", err)
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return "", nil, nil, errors.New("empty; nothing to import")
	case trimmed[0] == '[':
		return dailyFormat, hf.ParseDailyPapers, br, nil
	case trimmed[0] == '{':
		// Detection reads the strings cut, as the parsers will: a first
		// record with a 100 MB title must not hide the records after it.
		cut := bufio.NewReaderSize(bot.LimitJSON(br), detectWindow)
		window, err := cut.Peek(detectWindow)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return "", nil, nil, fmt.Errorf("read: %w", err)
		}
		format, parse, err := detectJSON(window)
		return format, parse, cut, err
	case trimmed[0] == '<':
		if bytes.Contains(head, []byte("<rss")) {
			return rssFormat, arxiv.ParseRSS, br, nil
		}
		if bytes.Contains(head, []byte("<feed")) {
			return atomFormat, arxiv.ParseAtom, br, nil
		}
		return "", nil, nil, errors.New("markup that is neither an arXiv Atom feed nor an arXiv RSS listing (an HTML page?); see paperboy help import")
	case !utf8.Valid(trimmed[:validPrefix(trimmed)]) || bytes.IndexByte(trimmed, 0) >= 0:
		return "", nil, nil, errors.New("binary data, not a format paperboy can import; see paperboy help import")
	default:
		return pageFormat, hf.ParsePage, br, nil
	}
}

// The keys that tell the JSON record formats apart. A key that two
// formats share (id, title, authors, abstract in the snapshot and the
// export, upvotes and ai_summary in HF's and the export) decides nothing.
var (
	snapshotKeys = []string{"submitter", "versions", "authors_parsed", "journal-ref", "report-no", "doi", "license", "update_date", "comments"}
	hfKeys       = []string{"summary", "publishedAt", "submittedOnDailyAt", "githubRepo", "projectPage", "ai_keywords", "paper", "thumbnailUrl", "mediaUrls", "numComments"}
	exportKeys   = []string{"abstract", "date", "published", "arxiv_url", "pdf_url", "hf_url", "github_url", "project_url", "thumbnail", "keywords"}
)

// detectJSON tells apart the formats that start with '{' from the records
// in window: one HF paper object (or several), JSON Lines of arXiv snapshot
// records, or paperboy's export. Each record the window holds, whole or
// cut off by its end, votes by its keys; records with only keys the
// formats share (id and title) do not vote. Records that vote for two
// formats are an error that says which lines disagree.
func detectJSON(window []byte) (string, parseFunc, error) {
	records := jsonRecordKeys(window)
	votes := map[string][]int{} // format → records (1-based) that vote for it
	for i, keys := range records {
		if f := recordFormat(keys); f != "" {
			votes[f] = append(votes[f], i+1)
		}
	}
	switch len(votes) {
	case 0:
		if len(records) > 1 {
			// Only id and title: paperboy's export reads them, derived
			// ids included, one line at a time.
			return exportFormat, bot.ParseExport, nil
		}
		return paperFormat, hf.ParsePaper, nil
	case 1:
		for f := range votes {
			return f, formatParser(f), nil
		}
	}
	var seen []string
	for f, recs := range votes {
		seen = append(seen, fmt.Sprintf("%s (record %d)", f, recs[0]))
	}
	slices.Sort(seen)
	return "", nil, fmt.Errorf("the first records mix formats: %s; split the file so each holds one format", strings.Join(seen, " and "))
}

// recordFormat returns the format a record's top-level keys point to, or
// "" when they point nowhere.
func recordFormat(keys []string) string {
	has := func(set []string) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(set, k) })
	}
	switch {
	case has(snapshotKeys):
		return snapshotFormat
	case has(hfKeys):
		return paperFormat
	case has(exportKeys):
		return exportFormat
	}
	return ""
}

func formatParser(format string) parseFunc {
	switch format {
	case snapshotFormat:
		return arxiv.ParseSnapshot
	case exportFormat:
		return bot.ParseExport
	}
	return hf.ParsePaper
}

// jsonRecordKeys returns the top-level keys of each JSON object in data,
// in order, including the keys of a last object that data cuts off. It
// stops at the first thing that is not JSON.
func jsonRecordKeys(data []byte) [][]string {
	dec := json.NewDecoder(bytes.NewReader(data))
	type level struct{ object, wantKey bool }
	var stack []level
	var records [][]string
	for {
		tok, err := dec.Token()
		if err != nil {
			return records
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			if len(stack) == 0 {
				records = append(records, nil)
			}
			stack = append(stack, level{object: d == '{', wantKey: true})
			continue
		}
		if len(stack) == 0 {
			continue // a scalar between records
		}
		top := &stack[len(stack)-1]
		if _, ok := tok.(json.Delim); ok { // } or ]
			stack = stack[:len(stack)-1]
		} else if top.object && top.wantKey {
			top.wantKey = false
			if len(stack) == 1 {
				records[len(records)-1] = append(records[len(records)-1], tok.(string))
			}
			continue
		}
		// A value ended: the object holding it wants a key next.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
}

// validPrefix returns how much of a peeked window to check for UTF-8: all of
// it but a rune that the window may have cut in half.
func validPrefix(b []byte) int {
	if len(b) < utf8.UTFMax {
		return len(b)
	}
	return len(b) - utf8.UTFMax
}
