package bot

import "context"

// PaperFinder looks papers up by arXiv id at their source (arXiv's API,
// adapters/arxiv.Client.Papers). It returns those it found, and an error
// when it could not ask for the rest.
type PaperFinder interface {
	Papers(ctx context.Context, ids []string) ([]Paper, error)
}

// SeedResult says what Seed did.
type SeedResult struct {
	Added   int // new signals
	Already int // signals given before
	Fetched int // papers fetched and stored, earlier pending ones included
	// Pending counts the papers of this seed still not stored: arXiv was
	// out of reach, or does not know them. They are kept, and Seed tries
	// them again next time.
	Pending int
	// FetchErr is why papers could not be fetched, or nil.
	FetchErr error
}

// Seed records the signal s for each of ids (s.PaperID is ignored), for
// the command line and imports of reading lists. Papers not stored yet,
// and those pending from earlier seeds of any channel, are fetched through
// find (nil: none are) and stored first; those it cannot fetch are kept as
// pending. s.At zero means now.
func (e *Engine) Seed(ctx context.Context, s Signal, ids []string, find PaperFinder) (SeedResult, error) {
	if e.ReadingList == nil {
		return SeedResult{}, errNoReadingList
	}
	var res SeedResult
	pending, err := e.ReadingList.PendingPapers(ctx)
	if err != nil {
		return res, err
	}
	missing, err := e.unstored(ctx, append(append([]string(nil), ids...), pending...))
	if err != nil {
		return res, err
	}
	if len(missing) > 0 && find != nil {
		papers, ferr := find.Papers(ctx, missing)
		res.FetchErr = ferr
		if len(papers) > 0 {
			added, err := e.Store.AddPapers(ctx, papers)
			if err != nil {
				return res, err
			}
			res.Fetched = added.Added
		}
	}
	if s.At.IsZero() {
		s.At = e.now()
	}
	for _, id := range ids {
		s.PaperID = id
		added, err := e.ReadingList.AddSignal(ctx, s)
		if err != nil {
			return res, err
		}
		if added {
			res.Added++
		} else {
			res.Already++
		}
	}
	still, err := e.unstored(ctx, ids)
	res.Pending = len(still)
	return res, err
}

// unstored returns the ids that are not stored, each once.
func (e *Engine) unstored(ctx context.Context, ids []string) ([]string, error) {
	seen := make(map[string]bool, len(ids))
	var out []string
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := e.Store.Paper(ctx, id); ErrorCode(err) == ENOTFOUND {
			out = append(out, id)
		} else if err != nil {
			return nil, err
		}
	}
	return out, nil
}
