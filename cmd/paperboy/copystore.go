package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/schollz/progressbar/v3"

	"paperboy/store"
)

var copyStoreCommand = &command{
	usage: "copy-store --from SRC --to DST [--resume]",
	help: "Copy a whole store to another: papers, batches, TL;DRs, subscriptions and the delivery ledger.\n" +
		"SRC and DST are each a SQLite file or a postgres:// URL, e.g. to move to PostgreSQL before running\n" +
		"several replicas. A DST that holds anything is refused unless --resume is given; then only the\n" +
		"rows it lacks are added (nothing there is overwritten), so an interrupted copy resumes where it stopped.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.from, "from", "", "the store to copy, which must exist and is only read: SQLite file or postgres:// URL")
		fs.StringVar(&o.to, "to", "", "the store to copy into (created if a SQLite file does not exist)")
		fs.BoolVar(&o.resume, "resume", false, "copy into a store that is not empty, adding only what it lacks")
	},
	run: runCopyStore,
}

func runCopyStore(ctx context.Context, m *Main, o *options, args []string) error {
	switch {
	case len(args) > 0:
		return usageErrorf("copy-store takes no arguments; use --from SRC --to DST")
	case o.from == "" || o.to == "":
		return usageErrorf("copy-store needs --from SRC and --to DST (a SQLite file or a postgres:// URL each)")
	case o.from == o.to:
		return usageErrorf("copy-store: --from and --to are the same store")
	}
	src, err := store.OpenReadOnly(o.from)
	if errors.Is(err, store.ErrNoStore) {
		return fmt.Errorf("copy-store --from: %w", err)
	} else if err != nil {
		return fmt.Errorf("open %s: %w", store.Redact(o.from), err)
	}
	defer src.Close()
	dst, err := store.Open(o.to)
	if err != nil {
		return fmt.Errorf("open %s: %w", store.Redact(o.to), err)
	}
	defer dst.Close()
	before, err := dst.Counts(ctx)
	if err != nil {
		return err
	}
	if held := describeCounts(before); held != "" && !o.resume {
		return fmt.Errorf("%s already holds %s; pass --resume to add only what it lacks (nothing there is overwritten), or copy into an empty store",
			store.Redact(o.to), held)
	}
	bar := newCopyProgress(m)
	var added []string
	err = dst.CopyFrom(ctx, src, func(p store.CopyProgress) {
		bar.update(p)
		if p.Done == p.Total {
			added = append(added, fmt.Sprintf("%d/%d %s", p.Added, p.Total, strings.ReplaceAll(p.Table, "_", " ")))
		}
	})
	bar.finish()
	if err != nil {
		return err
	}
	return checkCopied(ctx, m, src, dst, o, added)
}

// checkCopied compares the stores' row counts: the target must hold at
// least every row of the source. It prints the summary line.
func checkCopied(ctx context.Context, m *Main, src, dst *store.DB, o *options, added []string) error {
	want, err := src.Counts(ctx)
	if err != nil {
		return err
	}
	got, err := dst.Counts(ctx)
	if err != nil {
		return err
	}
	for table, n := range want {
		if got[table] < n {
			return fmt.Errorf("copy-store: %s has %d rows of %s, the source %d; run it again with --resume", store.Redact(o.to), got[table], table, n)
		}
	}
	fmt.Fprintf(m.Stderr, "copied %s to %s (new/read: %s)\n", describeCounts(want), store.Redact(o.to), strings.Join(added, ", "))
	return nil
}

// describeCounts says what a store holds, "" when nothing.
func describeCounts(c map[string]int64) string {
	var parts []string
	for _, t := range []struct{ table, noun string }{
		{"papers", "papers"}, {"batches", "batches"}, {"summaries", "TL;DRs"},
		{"subscriptions", "subscriptions"}, {"deliveries", "deliveries"},
	} {
		if c[t.table] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[t.table], t.noun))
		}
	}
	return strings.Join(parts, ", ")
}

// copyProgress is copy-store's bar on a terminal; nil shows nothing.
type copyProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	table string
}

// newCopyProgress returns a bar on m.Stderr when it is a terminal.
func newCopyProgress(m *Main) *copyProgress {
	if !m.StderrIsTerminal {
		return nil
	}
	return &copyProgress{w: m.Stderr}
}

// update shows the rows of p's table copied so far.
func (c *copyProgress) update(p store.CopyProgress) {
	if c == nil {
		return
	}
	if c.bar == nil || c.table != p.Table {
		c.finish()
		c.table = p.Table
		c.bar = progressbar.NewOptions64(p.Total,
			progressbar.OptionSetWriter(c.w),
			progressbar.OptionSetDescription(strings.ReplaceAll(p.Table, "_", " ")),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(progressThrottle),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	c.bar.Set64(p.Done)
}

// finish clears the current bar.
func (c *copyProgress) finish() {
	if c == nil || c.bar == nil {
		return
	}
	c.bar.Finish()
	c.bar.Clear()
	c.bar = nil
}
