package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"paperboy/bot"
)

var importCommand = &command{
	usage: "import [--date YYYY-MM-DD] [--categories LIST] FILE...",
	help: "Load papers from files ('-' is stdin), detecting each file's format from its content.\n" +
		"Formats: HF daily_papers JSON, an HF paper JSON, arXiv API Atom, arXiv RSS/Atom listing, a pasted Daily Papers page, or JSON Lines\n" +
		"(arXiv metadata snapshot, or paperboy's export). --date files every paper into that day's batch;\n" +
		"without it, HF's submittedOnDailyAt (or the RSS announcement day) decides.\n" +
		"The arXiv metadata snapshot only adds papers not stored yet and never overwrites stored ones, so an\n" +
		"interrupted import resumes when run again; the other formats refresh stored papers.\n" +
		"--categories cs.AI,cs.LG keeps only papers in at least one of the categories; an archive without a\n" +
		"subject (cs) stands for all of its categories (cs.*). Papers without categories (HF files) are left out.\n" +
		"A progress bar shows on a terminal; a summary line per file is printed in any case.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.date, "date", "", "file the papers into this day's batch, YYYY-MM-DD")
		fs.Func("categories", "keep only papers in one of a comma-separated `LIST` of arXiv categories, e.g. cs.AI,cs.LG (cs: all of cs.*)", func(s string) error {
			f, err := parseCategories(s)
			o.categories = f
			return err
		})
	},
	run: runImport,
}

// optimizeAfter is how many papers an import must add before it optimizes
// the full-text indexes (store.DB.Optimize): each write leaves a segment,
// and a search reads every segment until they are merged. Measured on
// 100k imported papers: see the README's import section.
const optimizeAfter = 10_000

// snapshotChunk is how many papers one write of a snapshot import stores:
// about 0.1 s of writing on an idle core, so the bot gets the write lock
// between two writes well within its busy timeout. Larger chunks measured
// no faster (the full-text index work per paper dominates).
const snapshotChunk = 500

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
		err := m.importFile(ctx, a, name, o.date, o.categories)
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
	if failed < len(files) {
		m.embedImported(ctx, a)
	}
	switch {
	case failed == len(files):
		return fmt.Errorf("none of the %d files could be imported (see above)", failed)
	case failed > 0:
		return fmt.Errorf("%d of %d files could not be imported (see above); the others were", failed, len(files))
	}
	return nil
}

// importStats counts what an import of one file did, for its summary line.
type importStats struct {
	format   string
	records  int // records read: papers (kept or filtered out) and skipped ones
	filtered int
	skipped  int
	repeated int // papers whose id the file had already given
	result   bot.SaveResult
}

// importFile reads one file into the store and prints its summary line.
// Records that cannot be read are skipped with a warning each.
func (m *Main) importFile(ctx context.Context, a *app, name, date string, filter categoryFilter) error {
	start := time.Now()
	in, err := m.openInput(name)
	if err != nil {
		return err
	}
	defer in.close()
	format, parse, r, err := detectFormat(bufio.NewReaderSize(in, 256<<10))
	if err != nil {
		return err
	}
	st := importStats{format: format}
	im := &bot.Importer{Store: a.db, Date: date, Source: "import"}
	if format == snapshotFormat {
		im.KeepStored, im.ChunkSize = true, snapshotChunk
	}
	var bar *importProgress
	if m.StderrIsTerminal {
		bar = newImportProgress(m.Stderr, name, in.size, func() int64 { return in.read }, &st)
	}
	err = m.importRecords(ctx, name, r, parse, im, filter, bar, &st)
	if ferr := im.Flush(ctx); ferr != nil && err == nil {
		err = ferr
	}
	st.result, st.repeated = im.Result, im.Repeated
	if err == nil && im.Result.Added >= optimizeAfter {
		bar.describe("optimizing the search index")
		if err = a.db.Optimize(ctx); err != nil {
			err = fmt.Errorf("store papers: %w", err)
		}
	}
	bar.finish()
	fmt.Fprintln(m.Stdout, st.summary(name, im.KeepStored, filter != nil, time.Since(start)))
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("import of %s interrupted; the %d papers stored so far are kept, and running the same command again resumes: %w",
			name, im.Result.Added+im.Result.Updated, context.Cause(ctx))
	}
	return err
}

// summary is the line printed after importing a file.
func (st importStats) summary(name string, keepStored, filtered bool, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %d added, %d updated, ", name, st.format, st.result.Added, st.result.Updated)
	if st.repeated > 0 {
		fmt.Fprintf(&b, "%d repeated (an id given again is stored once, the later copy wins), ", st.repeated)
	}
	if keepStored {
		fmt.Fprintf(&b, "%d already stored, ", st.result.AlreadyStored)
	}
	if filtered {
		fmt.Fprintf(&b, "%d filtered out, ", st.filtered)
	}
	rate := float64(st.records) / max(took.Seconds(), 1e-3)
	fmt.Fprintf(&b, "%d skipped in %.1fs (%.0f records/s)", st.skipped, took.Seconds(), rate)
	return b.String()
}

// importRecords parses r and hands its papers that pass the filter to im
// as they come. Parsing and writing take turns on one goroutine: parsing
// is under a tenth of the work (SQLite's full-text indexing is most of the
// rest), and parsing on a second goroutine measured no faster.
func (m *Main) importRecords(ctx context.Context, name string, r io.Reader, parse parseFunc, im *bot.Importer,
	filter categoryFilter, bar *importProgress, st *importStats) error {
	return parse(r, func(it bot.Item) error {
		if st.records++; st.records%progressEvery == 0 {
			bar.update()
			if err := ctx.Err(); err != nil { // even when nothing is written
				return err
			}
		}
		if filter != nil && !filter.match(it.Paper.Categories) {
			st.filtered++
			return nil
		}
		return im.Add(ctx, it)
	}, func(s bot.Skip) {
		st.records++
		st.skipped++
		bar.clear()
		fmt.Fprintf(m.Stderr, "warning: %s: skipped %s: %s\n", name, s.Where, oneLine(s.Reason))
	})
}

// progressEvery is how many records pass between progress bar updates.
const progressEvery = 256

// input is a file (or stdin) being imported.
type input struct {
	r     io.Reader
	close func() error
	size  int64 // bytes, or -1 when unknown (stdin, a pipe)
	read  int64 // bytes read so far
}

func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	in.read += int64(n)
	return n, err
}

func (m *Main) openInput(name string) (*input, error) {
	if name == "-" {
		return &input{r: m.Stdin, close: func() error { return nil }, size: -1}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, errors.Unwrap(err) // the *PathError's cause; the caller names the file
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		f.Close()
		return nil, errors.New("is a directory; name the files to import")
	}
	size := int64(-1)
	if err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return &input{r: f, close: f.Close, size: size}, nil
}

// parseFunc is the shape every importer has: read r, emit each paper, report
// each record that cannot be read.
type parseFunc func(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error
