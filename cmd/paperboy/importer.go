package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"paperboy/adapters/arxiv"
	"paperboy/adapters/hf"
	"paperboy/bot"
)

var importCommand = &command{
	usage: "import [--date YYYY-MM-DD] FILE...",
	help: "Load papers from files ('-' is stdin), detecting each file's format from its content.\n" +
		"Formats: HF daily_papers JSON, an HF paper JSON, arXiv API Atom, arXiv RSS/Atom listing, a pasted Daily Papers page, or JSON Lines\n" +
		"(arXiv metadata snapshot, or paperboy's export). --date files every paper into that day's batch;\n" +
		"without it, HF's submittedOnDailyAt (or the RSS announcement day) decides.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "file the papers into this day's batch, YYYY-MM-DD")
	},
	run: runImport,
}

func runImport(ctx context.Context, m *Main, o *options, files []string) error {
	if len(files) == 0 {
		return usageErrorf("import needs at least one file ('-' reads stdin), e.g. paperboy import daily_papers.json")
	}
	if o.date != "" {
		d, err := bot.ParseDate(o.date)
		if err != nil {
			return err
		}
		o.date = d
	}
	a, err := m.setup(o)
	if err != nil {
		return err
	}
	failed := 0
	for _, name := range files {
		err := m.importFile(ctx, a, name, o.date)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return err
		case len(files) == 1:
			// A file that cannot be read is a failure (exit 1), not bad usage.
			return fmt.Errorf("%s: %s", name, errorLine(err))
		default:
			fmt.Fprintf(m.Stderr, "paperboy: %s: %s\n", name, errorLine(err))
			failed++
		}
	}
	switch {
	case failed == len(files):
		return fmt.Errorf("none of the %d files could be imported (see above)", failed)
	case failed > 0:
		return fmt.Errorf("%d of %d files could not be imported (see above); the others were", failed, len(files))
	}
	return nil
}

// importFile reads one file into the store and prints its summary line.
// Records that cannot be read are skipped with a warning each.
func (m *Main) importFile(ctx context.Context, a *app, name, date string) error {
	r, closeFn, err := m.openInput(name)
	if err != nil {
		return err
	}
	defer closeFn()
	br := bufio.NewReaderSize(r, 256<<10)
	format, parse, err := detectFormat(br)
	if err != nil {
		return err
	}
	im := &bot.Importer{Store: a.db, Date: date, Source: "import"}
	skipped := 0
	err = parse(br, func(it bot.Item) error { return im.Add(ctx, it) }, func(s bot.Skip) {
		skipped++
		fmt.Fprintf(m.Stderr, "warning: %s: skipped %s: %s\n", name, s.Where, oneLine(s.Reason))
	})
	if err == nil {
		err = im.Flush(ctx)
	} else if ferr := im.Flush(ctx); ferr != nil {
		err = errors.Join(err, ferr)
	}
	fmt.Fprintf(m.Stdout, "%s (%s): %d added, %d updated, %d skipped\n", name, format, im.Result.Added, im.Result.Updated, skipped)
	return err
}

func (m *Main) openInput(name string) (io.Reader, func() error, error) {
	if name == "-" {
		return m.Stdin, func() error { return nil }, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, errors.Unwrap(err) // the *PathError's cause; the caller names the file
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, nil, errors.New("is a directory; name the files to import")
	}
	return f, f.Close, nil
}

// parseFunc is the shape every importer has: read r, emit each paper, report
// each record that cannot be read.
type parseFunc func(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error

// detectFormat looks at the start of the input (without consuming it) and
// picks the parser for it. It never trusts the file name.
func detectFormat(br *bufio.Reader) (string, parseFunc, error) {
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", nil, fmt.Errorf("read: %w", err)
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return "", nil, errors.New("empty; nothing to import")
	case trimmed[0] == '[':
		return "HF daily_papers JSON", hf.ParseDailyPapers, nil
	case trimmed[0] == '{':
		return detectJSON(trimmed)
	case trimmed[0] == '<':
		if bytes.Contains(head, []byte("<rss")) {
			return "arXiv RSS", arxiv.ParseRSS, nil
		}
		if bytes.Contains(head, []byte("<feed")) {
			return "arXiv Atom", arxiv.ParseAtom, nil
		}
		return "", nil, errors.New("markup that is neither an arXiv Atom feed nor an arXiv RSS listing (an HTML page?); see paperboy help import")
	case !utf8.Valid(trimmed[:validPrefix(trimmed)]) || bytes.IndexByte(trimmed, 0) >= 0:
		return "", nil, errors.New("binary data, not a format paperboy can import; see paperboy help import")
	default:
		return "pasted Daily Papers page", hf.ParsePage, nil
	}
}

// detectJSON tells apart the formats that start with '{': one HF paper
// object, or JSON Lines of arXiv snapshot records or paperboy's export.
func detectJSON(head []byte) (string, parseFunc, error) {
	dec := json.NewDecoder(bytes.NewReader(head))
	var first map[string]json.RawMessage
	if err := dec.Decode(&first); err != nil {
		// The first value does not fit in the peeked window or is broken:
		// only a single (large) HF paper object is plausible.
		return "HF paper JSON", hf.ParsePaper, nil
	}
	_, isSnapshot := first["authors_parsed"]
	if _, ok := first["versions"]; ok {
		isSnapshot = true
	}
	if _, ok := first["submitter"]; ok {
		isSnapshot = true
	}
	switch {
	case isSnapshot:
		return "arXiv metadata JSON Lines", arxiv.ParseSnapshot, nil
	case has(first, "abstract") || has(first, "date") && !has(first, "summary"):
		return "paperboy JSON Lines", bot.ParseExport, nil
	default:
		return "HF paper JSON", hf.ParsePaper, nil
	}
}

func has(m map[string]json.RawMessage, key string) bool {
	_, ok := m[key]
	return ok
}

// validPrefix returns how much of a peeked window to check for UTF-8: all of
// it but a rune that the window may have cut in half.
func validPrefix(b []byte) int {
	if len(b) < utf8.UTFMax {
		return len(b)
	}
	return len(b) - utf8.UTFMax
}
