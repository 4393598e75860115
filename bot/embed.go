package bot

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Embedding defaults.
const (
	// DefaultEmbedBatch is how many papers one embeddings request carries.
	DefaultEmbedBatch = 32
	// DefaultEmbedConcurrency bounds the embeddings requests in flight.
	DefaultEmbedConcurrency = 2
	// maxEmbedFailures is how many batches in a row may fail before
	// EmbedStored gives up: the endpoint is down, not one batch odd.
	maxEmbedFailures = 3
	// arrivalEmbedTimeout bounds embedding a fetched batch.
	arrivalEmbedTimeout = 2 * time.Minute
)

// EmbedOptions tunes EmbedStored.
type EmbedOptions struct {
	BatchSize   int // papers per request; 0 means DefaultEmbedBatch
	Concurrency int // requests in flight; 0 means DefaultEmbedConcurrency
	// Progress, when set, is called after each batch with the papers done
	// (embedded or failed) so far and the total to do. Calls do not overlap.
	Progress func(done, total int)
}

// EmbedStats says what EmbedStored did.
type EmbedStats struct {
	Total    int // papers without a vector of the model when it started
	Embedded int
	Failed   int // papers of batches the endpoint failed; the next run retries them
	// LastFailure is why the last failed batch failed (nil when none did),
	// for saying so.
	LastFailure error
}

// embedding reports whether search by meaning is configured, and the model.
func (e *Engine) embedding() (string, bool) {
	if e.Embedder == nil || e.Vectors == nil {
		return "", false
	}
	model := e.Embedder.EmbedModel()
	return model, model != ""
}

// EmbedPapers embeds the papers (EmbedText) in one request and stores their
// vectors under the embedder's model.
func (e *Engine) EmbedPapers(ctx context.Context, papers []Paper) error {
	model, ok := e.embedding()
	if !ok || len(papers) == 0 {
		return nil
	}
	texts := make([]string, len(papers))
	for i, p := range papers {
		texts[i] = EmbedText(p)
	}
	vecs, err := e.Embedder.Embed(ctx, texts)
	if err != nil {
		return err
	}
	if len(vecs) != len(papers) {
		return Errorf(EUNAVAILABLE, "The embeddings endpoint returned %d vectors for %d papers.", len(vecs), len(papers))
	}
	vs := make([]PaperVector, len(papers))
	for i, p := range papers {
		vs[i] = PaperVector{ID: p.ID, Vector: vecs[i]}
	}
	return e.Vectors.SaveVectors(ctx, model, vs)
}

// embedArrived embeds a fetched batch's papers that have no vector yet. A
// failure costs only search by meaning for them until `paperboy embed`.
func (e *Engine) embedArrived(ctx context.Context, papers []Paper) {
	model, ok := e.embedding()
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, arrivalEmbedTimeout)
	defer cancel()
	var todo []Paper
	for _, p := range papers {
		if _, err := e.Vectors.Vector(ctx, model, p.ID); ErrorCode(err) == ENOTFOUND {
			todo = append(todo, p)
		}
	}
	for len(todo) > 0 {
		n := min(len(todo), DefaultEmbedBatch)
		if err := e.EmbedPapers(ctx, todo[:n]); err != nil {
			e.logger().Warn("embed new papers; run paperboy embed later", "papers", len(todo), "error", err)
			return
		}
		todo = todo[n:]
	}
}

// EmbedStored embeds every stored paper that has no vector of the
// embedder's model: batches of papers in id order, a few requests in
// flight. It is resumable: stopped at any point, the next run embeds only
// what is left, and a paper embedded by another model is embedded again.
// A batch the endpoint fails is counted in Failed and left for the next
// run; after maxEmbedFailures failures in a row EmbedStored stops with the
// last error. The error has code EINVALID when no embedder is configured.
func (e *Engine) EmbedStored(ctx context.Context, o EmbedOptions) (EmbedStats, error) {
	model, ok := e.embedding()
	if !ok {
		return EmbedStats{}, Errorf(EINVALID, "No embeddings endpoint is configured: set embeddings.base_url and embeddings.model.")
	}
	size, workers := orDefaultInt(o.BatchSize, DefaultEmbedBatch), orDefaultInt(o.Concurrency, DefaultEmbedConcurrency)
	_, total, err := e.Vectors.Unembedded(ctx, model, "", 0)
	if err != nil {
		return EmbedStats{}, err
	}
	r := &embedRun{e: e, stats: EmbedStats{Total: total}, progress: o.Progress}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan []Paper)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for batch := range jobs {
				if ctx.Err() != nil {
					continue // gave up or stopped: drain
				}
				if r.embed(ctx, batch) {
					cancel()
				}
			}
		})
	}
	err = r.feed(ctx, model, size, jobs)
	close(jobs)
	wg.Wait()
	if r.err != nil {
		return r.stats, r.err
	}
	return r.stats, err
}

// embedRun is the shared state of one EmbedStored.
type embedRun struct {
	e        *Engine
	progress func(done, total int)

	mu       sync.Mutex
	stats    EmbedStats
	failures int   // in a row
	err      error // set when the run gave up
}

// feed sends batches of papers to embed until none is left or ctx ends.
func (r *embedRun) feed(ctx context.Context, model string, size int, jobs chan<- []Paper) error {
	after := ""
	for {
		papers, _, err := r.e.Vectors.Unembedded(ctx, model, after, size)
		if err != nil || len(papers) == 0 {
			if ctx.Err() != nil && r.err != nil {
				return nil // gave up; r.err says why
			}
			return err
		}
		after = papers[len(papers)-1].ID
		select {
		case jobs <- papers:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// embed embeds one batch and counts it. It reports whether the run should
// give up.
func (r *embedRun) embed(ctx context.Context, batch []Paper) bool {
	err := r.e.EmbedPapers(ctx, batch)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.stats.Failed += len(batch)
		r.stats.LastFailure = err
		r.failures++
		if r.failures >= maxEmbedFailures && r.err == nil && ctx.Err() == nil {
			r.err = fmt.Errorf("embed papers: %d batches in a row failed: %w", r.failures, err)
		}
	} else {
		r.stats.Embedded += len(batch)
		r.failures = 0
	}
	if r.progress != nil {
		r.progress(r.stats.Embedded+r.stats.Failed, r.stats.Total)
	}
	return r.err != nil
}

func orDefaultInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
