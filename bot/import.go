package bot

import (
	"cmp"
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
	b.Limit()
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
// each paper into the days its Item names (Item.Batches, or Item.Date), if
// any. A day that already has a batch gets the new papers merged in and
// re-ranked by upvotes. A day that has none and whose papers all came with
// their rank (a paperboy export) gets them in that order and from the
// exported source, so that exporting a store and importing the file into an
// empty one gives back the same days.
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
	// Repeated counts papers read again within one chunk (the same id twice
	// in a file): each is stored once, the later copy winning. Counting per
	// chunk keeps memory bounded on a snapshot of millions of papers; a
	// repeat in a later chunk shows as an update (or as already stored).
	Repeated int

	chunk []Paper
	seen  map[string]struct{}
	days  map[string]*queuedDay
}

// queuedDay is what an import files into one day's batch.
type queuedDay struct {
	papers []Paper
	ranks  []int // the exported rank of each paper, -1 when it had none
	source string
}

// Add queues one paper for storing, writing a chunk when one is full. The
// paper is cut to the limits (Paper.Limit) first, whatever parsed it.
func (im *Importer) Add(ctx context.Context, it Item) error {
	it.Paper.Limit()
	it.Paper.FillLinks()
	im.countRepeat(it.Paper.ID)
	im.chunk = append(im.chunk, it.Paper)
	for _, m := range im.memberships(it) {
		im.queue(m, it.Paper)
	}
	if len(im.chunk) >= im.chunkSize() {
		return im.flushChunk(ctx)
	}
	return nil
}

// countRepeat counts a paper whose id the import has already read.
func (im *Importer) countRepeat(id string) {
	if im.seen == nil {
		im.seen = make(map[string]struct{})
	}
	if _, ok := im.seen[id]; ok {
		im.Repeated++
	}
	im.seen[id] = struct{}{}
}

// memberships returns the days an item is filed into; Rank -1 means the
// item gave no rank.
func (im *Importer) memberships(it Item) []Membership {
	switch {
	case im.Date != "":
		return []Membership{{Date: im.Date, Rank: -1}}
	case len(it.Batches) > 0:
		return it.Batches
	case it.Date != "":
		return []Membership{{Date: it.Date, Rank: -1}}
	}
	return nil
}

func (im *Importer) queue(m Membership, p Paper) {
	if im.days == nil {
		im.days = make(map[string]*queuedDay)
	}
	d := im.days[m.Date]
	if d == nil {
		d = &queuedDay{source: m.Source}
		im.days[m.Date] = d
	}
	d.papers = append(d.papers, p)
	d.ranks = append(d.ranks, m.Rank)
}

// Flush writes what is queued and the day batches. Call it once, at the end.
func (im *Importer) Flush(ctx context.Context) error {
	if err := im.flushChunk(ctx); err != nil {
		return err
	}
	for date, d := range im.days {
		if err := im.mergeDay(ctx, date, d); err != nil {
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
	clear(im.seen)
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

// mergeDay adds the queued papers to the day's batch, keeping the papers it
// already had, and re-ranks it; a new day whose papers all came ranked
// keeps their order.
func (im *Importer) mergeDay(ctx context.Context, date string, d *queuedDay) error {
	b := Batch{Date: date, Source: cmp.Or(d.source, im.Source)}
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
	papers := d.papers
	if im.KeepStored {
		if papers, err = im.storedCopies(ctx, papers); err != nil {
			return err
		}
	}
	if len(b.Papers) == 0 && !slices.Contains(d.ranks, -1) {
		b.Papers = MergePapers(nil, byRank(papers, d.ranks))
	} else {
		b.Papers = MergePapers(b.Papers, papers)
		RankPapers(b.Papers)
	}
	if _, err := im.Store.SaveBatch(ctx, b); err != nil {
		return fmt.Errorf("save batch %s: %w", date, err)
	}
	return nil
}

// byRank returns papers ordered by their ranks.
func byRank(papers []Paper, ranks []int) []Paper {
	order := make([]int, len(papers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ranks[a], ranks[b]) })
	out := make([]Paper, len(papers))
	for i, j := range order {
		out[i] = papers[j]
	}
	return out
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
