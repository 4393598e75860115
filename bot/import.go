package bot

import (
	"context"
	"fmt"
	"slices"
)

// Fetch gets date's batch (DateLayout; "" means today in UTC, the day
// Hugging Face and arXiv count in) from the Source and stores it, replacing
// that day's earlier ranking. The error has code EINVALID when no source is
// configured, and otherwise whatever the Source reported (ENOBATCH,
// EUNAVAILABLE, EINVALID).
func (e *Engine) Fetch(ctx context.Context, date string) (Batch, SaveResult, error) {
	if e.Source == nil {
		return Batch{}, SaveResult{}, Errorf(EINVALID, "No paper source is configured; set source.kind to hf or arxiv.")
	}
	if date == "" {
		date = e.now().UTC().Format(DateLayout)
	} else if _, err := ParseDate(date); err != nil {
		return Batch{}, SaveResult{}, err
	}
	b, err := e.Source.Fetch(ctx, date)
	if err != nil {
		return Batch{}, SaveResult{}, err
	}
	for i := range b.Papers {
		b.Papers[i].Limit()
	}
	res, err := e.Store.SaveBatch(ctx, b)
	if err != nil {
		return Batch{}, SaveResult{}, fmt.Errorf("save batch %s: %w", date, err)
	}
	if e.Background != nil {
		papers := slices.Clone(b.Papers)
		e.Background(func(ctx context.Context) { e.embedArrived(ctx, papers) })
	} else {
		e.embedArrived(ctx, b.Papers)
	}
	return b, res, nil
}

// Importer stores papers read from files, in chunks, and files them into
// day batches: every paper into Date's batch when Date is set, otherwise
// each paper into the day its Item names, if any. A day that already has a
// batch gets the new papers merged in and re-ranked by upvotes.
//
// Papers are written as they come, chunk by chunk, so memory stays bounded
// by the chunk size plus the papers of dated batches, which are day-sized.
// Each chunk is one write: what was written stays when a later one fails.
type Importer struct {
	Store Store
	// Date, when set, files every paper into this day's batch.
	Date string
	// Source is recorded with the batches the import creates.
	Source string
	// ChunkSize is how many papers one write stores; 0 means 1000.
	ChunkSize int
	// KeepStored makes the import add only papers that are not stored yet
	// (Store.AddPapers) and leave stored ones exactly as they are, instead
	// of refreshing them: rerunning an interrupted import of a large file
	// then resumes it cheaply. Result.AlreadyStored counts what was kept.
	// Day batches still list every paper, as its stored copy.
	KeepStored bool

	// Result counts what the import added, updated and kept so far.
	Result SaveResult

	chunk []Paper
	days  map[string][]Paper
}

// Add queues one paper for storing, writing a chunk when one is full. The
// paper is cut to the limits (Paper.Limit) first, whatever parsed it.
func (im *Importer) Add(ctx context.Context, it Item) error {
	it.Paper.Limit()
	it.Paper.FillLinks()
	im.chunk = append(im.chunk, it.Paper)
	date := it.Date
	if im.Date != "" {
		date = im.Date
	}
	if date != "" {
		if im.days == nil {
			im.days = make(map[string][]Paper)
		}
		im.days[date] = append(im.days[date], it.Paper)
	}
	if len(im.chunk) >= im.chunkSize() {
		return im.flushChunk(ctx)
	}
	return nil
}

// Flush writes what is queued and the day batches. Call it once, at the end.
func (im *Importer) Flush(ctx context.Context) error {
	if err := im.flushChunk(ctx); err != nil {
		return err
	}
	for date, papers := range im.days {
		if err := im.mergeDay(ctx, date, papers); err != nil {
			return err
		}
	}
	im.days = nil
	return nil
}

func (im *Importer) chunkSize() int {
	if im.ChunkSize > 0 {
		return im.ChunkSize
	}
	return 1000
}

func (im *Importer) flushChunk(ctx context.Context) error {
	if len(im.chunk) == 0 {
		return nil
	}
	var res SaveResult
	var err error
	if im.KeepStored {
		res, err = im.Store.AddPapers(ctx, im.chunk)
	} else {
		res, err = im.Store.SaveBatch(ctx, Batch{Source: im.Source, Papers: im.chunk})
	}
	if err != nil {
		return fmt.Errorf("store papers: %w", err)
	}
	im.Result.Added += res.Added
	im.Result.Updated += res.Updated
	im.Result.AlreadyStored += res.AlreadyStored
	im.chunk = im.chunk[:0]
	return nil
}

// storedCopies returns the papers as stored, for KeepStored: filing them
// into a day batch must not refresh them.
func (im *Importer) storedCopies(ctx context.Context, papers []Paper) ([]Paper, error) {
	out := make([]Paper, len(papers))
	for i, p := range papers {
		stored, err := im.Store.Paper(ctx, p.ID)
		if err != nil {
			return nil, fmt.Errorf("read paper %s: %w", p.ID, err)
		}
		out[i] = stored
	}
	return out, nil
}

// mergeDay adds papers to the day's batch, keeping the papers it already
// had, and re-ranks it.
func (im *Importer) mergeDay(ctx context.Context, date string, papers []Paper) error {
	b := Batch{Date: date, Source: im.Source}
	old, err := im.Store.Batch(ctx, date)
	switch {
	case err == nil && old.Date == date:
		b.Papers = old.Papers
		if old.Source != "" {
			b.Source = old.Source
		}
	case err != nil && ErrorCode(err) != ENOTFOUND:
		return fmt.Errorf("read batch %s: %w", date, err)
	}
	if im.KeepStored {
		if papers, err = im.storedCopies(ctx, papers); err != nil {
			return err
		}
	}
	b.Papers = MergePapers(b.Papers, papers)
	RankPapers(b.Papers)
	if _, err := im.Store.SaveBatch(ctx, b); err != nil {
		return fmt.Errorf("save batch %s: %w", date, err)
	}
	return nil
}

// MergePapers returns old with the papers of add appended, where a paper of
// add replaces the paper of old (or earlier in add) with the same id.
func MergePapers(old, add []Paper) []Paper {
	out := make([]Paper, 0, len(old)+len(add))
	at := make(map[string]int, len(old)+len(add))
	for _, p := range append(old[:len(old):len(old)], add...) {
		if i, ok := at[p.ID]; ok {
			out[i] = p
			continue
		}
		at[p.ID] = len(out)
		out = append(out, p)
	}
	return out
}
