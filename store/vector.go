package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"paperboy/bot"
)

var _ bot.Vectors = (*DB)(nil)

// SaveVectors stores the vectors of papers, by paper id, for model,
// replacing each paper's vector of any model; ids that are not stored are
// skipped. Vectors are kept quantised (bot.Quantize).
func (db *DB) SaveVectors(ctx context.Context, model string, vs []bot.PaperVector) error {
	if model == "" {
		return bot.Errorf(bot.EINVALID, "Vectors need the name of their model.")
	}
	now := db.now()
	// Delete, then insert: the row gets a new id on both engines (as
	// SQLite's INSERT OR REPLACE did), which readers of the vectors in
	// memory watch for.
	err := db.write(ctx, func(tx *txn) error {
		del, err := tx.PrepareContext(ctx, rebind(tx.pg, `DELETE FROM paper_vectors
			WHERE paper = (SELECT id FROM papers WHERE paper_id = ?)`))
		if err != nil {
			return err
		}
		defer del.Close()
		ins, err := tx.PrepareContext(ctx, rebind(tx.pg, `INSERT INTO paper_vectors (paper, model, dims, scale, vector, created_at)
			SELECT id, ?, ?, ?, ?, ? FROM papers WHERE paper_id = ?`))
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, v := range vs {
			q, scale := bot.Quantize(v.Vector)
			if _, err := del.ExecContext(ctx, v.ID); err != nil {
				return err
			}
			if _, err := ins.ExecContext(ctx, model, len(q), scale, int8Bytes(q), now, v.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save vectors: %w", err)
	}
	return nil
}

// unembeddedSQL selects the papers without a vector for a model, in id
// order, after an id.
const unembeddedSQL = `SELECT ` + paperColumns + `
FROM papers AS p LEFT JOIN paper_vectors AS v ON v.paper = p.id AND v.model = ?
WHERE v.id IS NULL AND p.paper_id > ?
ORDER BY p.paper_id LIMIT ?`

// Unembedded returns up to limit papers without a vector for model, in id
// order, after the id after, and how many papers lack one in all.
func (db *DB) Unembedded(ctx context.Context, model, after string, limit int) ([]bot.Paper, int, error) {
	var rows []paperRow
	if err := db.gorm.WithContext(ctx).Raw(unembeddedSQL, model, after, limit).Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("papers to embed: %w", err)
	}
	var missing int
	// A paper has one vector at most: the papers less those with a vector
	// of this model is the count, without a scan of every paper.
	err := db.sql.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM papers) -
		(SELECT count(*) FROM paper_vectors WHERE model = ?)`, model).Scan(&missing)
	if err != nil {
		return nil, 0, fmt.Errorf("count papers to embed: %w", err)
	}
	papers := make([]bot.Paper, len(rows))
	for i, r := range rows {
		papers[i] = r.paper()
	}
	return papers, missing, nil
}

// Vector returns the paper's vector for model, as a unit vector. The
// error has code ENOTFOUND when there is none.
func (db *DB) Vector(ctx context.Context, model, id string) ([]float32, error) {
	var (
		scale float32
		blob  []byte
	)
	err := db.sql.QueryRowContext(ctx, `SELECT v.scale, v.vector FROM paper_vectors AS v
		JOIN papers AS p ON p.id = v.paper WHERE p.paper_id = ? AND v.model = ?`, id, model).Scan(&scale, &blob)
	if err == sql.ErrNoRows {
		return nil, bot.Errorf(bot.ENOTFOUND, "Paper %s has no vector of %s.", id, model)
	} else if err != nil {
		return nil, fmt.Errorf("get vector: %w", err)
	}
	return bot.Dequantize(bytesInt8(blob), scale), nil
}

// Scale of search by meaning. Nearest searches the vectors in memory. Up
// to approxFrom vectors it scans them all, one int8 dot product per paper
// (about 0.6 ms of CPU per 1,000 papers of 768 dimensions); past that it
// scores every paper by its components' signs, orders the best few percent
// by a two-bit code of each component and rescans the best few hundred of
// those exactly (see vector_approx.go), split among the cores from
// parallelScan vectors up (docs/benchmarks.md). A process that has not
// loaded every vector keeps the codes alone, read from their chunks on
// disk, and reads the rescan's vectors by paper (see vector_signs.go). The
// vectors of the newest maxVectors papers are kept in memory, dims + dims/4
// bytes each. At 1M papers of 768 dimensions all of them would take 960 MB,
// too much for a small VM; so search by meaning covers a recency window,
// the newest 250k papers (240 MB, about two years of arXiv's ML listings),
// while bm25 still searches every paper.
const maxVectors = 250000

// vectorIndex is the vectors of one model in memory, for Nearest.
type vectorIndex struct {
	mu           sync.RWMutex
	model        string
	count, maxID int64     // of the table's rows for model, when loaded
	windowed     bool      // only the newest maxVectors papers are loaded
	tableMax     int64     // the newest row's id in the whole table, when counted
	counted      time.Time // when count was last read
	dims         int
	papers       []int64       // rowids
	slot         map[int64]int // rowid → index into papers
	data         []int8        // len(papers)*dims components
	scales       []float32
	bits, mags   []uint64 // per paper, its sign bits and its magnitude bits (see signBits)
	// signsOnly: only the sign and magnitude bits are in memory, not data
	// nor scales; the rescan reads its candidates' vectors from the table
	// (see loadSigns). Otherwise every vector is in memory.
	signsOnly bool
	unslotted bool // papers were appended without slot (see appendSigns)
	expect    int  // papers grow made room for (see putChunk)
	exact     bool // scan every vector, however many (for tests and benchmarks)
	// approxFrom and rerankMin, when set, replace the constants of the
	// same names (tests lower them).
	approxFrom, rerankMin int
}

// Nearest returns the papers whose vectors for model are nearest to v by
// cosine similarity, best first, at most limit, each with its similarity
// as Score. Without vectors for model it returns no hits and no error.
func (db *DB) Nearest(ctx context.Context, model string, v []float32, limit int) ([]bot.Hit, error) {
	idx, err := db.vectorIndex(ctx, model, false)
	if err != nil {
		return nil, fmt.Errorf("nearest papers: %w", err)
	}
	rowids, sims, err := db.nearestIn(ctx, idx, v, limit)
	if err != nil {
		return nil, fmt.Errorf("nearest papers: %w", err)
	}
	if len(rowids) == 0 {
		return nil, nil
	}
	var rows []paperRow
	if err := db.gorm.WithContext(ctx).Raw(`SELECT `+paperColumns+` FROM papers AS p WHERE p.id IN ?`, rowids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("nearest papers: %w", err)
	}
	byID := make(map[int64]paperRow, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	hits := make([]bot.Hit, 0, len(rowids))
	for i, id := range rowids {
		if r, ok := byID[id]; ok {
			hits = append(hits, bot.Hit{Paper: r.paper(), Score: sims[i]})
		}
	}
	return hits, nil
}

// recountEvery is how often vectorIndex counts the vectors of its model
// even when nothing was written, in case rows went away without one (no
// path of paperboy's deletes papers; a hand-made DELETE could).
const recountEvery = time.Minute

// vectorIndex returns the index of model, brought up to date with the
// table (see refresh); with full, with every vector in memory.
func (db *DB) vectorIndex(ctx context.Context, model string, full bool) (*vectorIndex, error) {
	tableMax, err := db.vectorsMaxID(ctx)
	if err != nil {
		return nil, err
	}
	idx := &db.vectors
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if err := db.refresh(ctx, idx, model, full, tableMax); err != nil {
		return nil, err
	}
	return idx, nil
}

// vectorsMaxID returns the newest row's id in the whole vectors table.
func (db *DB) vectorsMaxID(ctx context.Context) (int64, error) {
	var tableMax int64
	err := db.sql.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM paper_vectors`).Scan(&tableMax)
	return tableMax, err
}

// refresh brings idx, whose lock the caller holds, up to date with the
// table for model, whose newest row is tableMax. A query first reads the
// newest row's id in the whole table (one lookup); only when a write moved
// it, or recountEvery passed, does it count the model's rows (a read of the
// model's whole index: 30 ms at 100k papers, too much for every query).
// Rows written since the index was loaded are added; it is loaded again
// when the model changed or rows went away (a paper embedded again by
// another model).
//
// A new index of approxFrom vectors or more holds their sign bits alone
// (loadSigns), unless full asks for every vector: a process that searches
// once (a one-shot command) reads 96 bytes a vector instead of 768, and the
// rescan's few percent of vectors by id. `paperboy run` asks for full
// (WarmVectors): every later search then reads no vector from the table.
func (db *DB) refresh(ctx context.Context, idx *vectorIndex, model string, full bool, tableMax int64) error {
	enough := !full || !idx.signsOnly // the index in memory will do, if current
	if idx.model == model && enough && idx.tableMax == tableMax && time.Since(idx.counted) < recountEvery {
		return nil
	}
	if !full && (idx.model != model || len(idx.papers) == 0) {
		if ok, err := db.loadChunked(ctx, idx, model, tableMax); ok || err != nil {
			return err
		}
	}
	var count, maxID int64
	err := db.sql.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM paper_vectors WHERE model = ?`, model).Scan(&count, &maxID)
	if err != nil {
		return err
	}
	if idx.model == model && enough && idx.count == count && idx.maxID == maxID {
		idx.tableMax, idx.counted = tableMax, time.Now()
		return nil
	}
	window := count > int64(db.vectorWindow)
	signs := !full && !window && count >= int64(idx.approxFromOr())
	if idx.model != model || idx.windowed || window || maxID < idx.maxID || (idx.signsOnly && !signs) {
		idx.reset(model)
		idx.signsOnly = signs
	}
	load := func() error {
		if idx.maxID == 0 { // loading from nothing: room for every vector at once
			idx.grow(int(min(count, int64(db.vectorWindow))))
		}
		if idx.signsOnly && idx.maxID == 0 {
			_, _, err := db.loadSigns(ctx, idx, nil)
			return err
		}
		return db.loadVectors(ctx, idx, window)
	}
	if err := load(); err != nil {
		idx.reset("")
		return err
	}
	if int64(len(idx.papers)) != count && !idx.windowed { // rows were deleted: start over
		idx.reset(model)
		idx.signsOnly = signs
		if err := load(); err != nil {
			idx.reset("")
			return err
		}
	}
	idx.count, idx.maxID, idx.tableMax, idx.counted = count, maxID, tableMax, time.Now()
	return nil
}

// loadVectors adds the rows of idx.model written after idx.maxID; with
// window, only those of the newest db.vectorWindow papers.
func (db *DB) loadVectors(ctx context.Context, idx *vectorIndex, window bool) error {
	q := `SELECT id, paper, dims, scale, vector FROM paper_vectors WHERE model = ? AND id > ? ORDER BY id`
	if window {
		q = `SELECT id, paper, dims, scale, vector FROM paper_vectors WHERE model = ? AND id > ? ORDER BY paper DESC LIMIT ` + fmt.Sprint(db.vectorWindow)
		idx.windowed = true
	}
	rows, err := db.sql.QueryContext(ctx, q, idx.model, idx.maxID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, paper int64
			dims      int
			scale     float32
			blob      []byte
		)
		if err := rows.Scan(&id, &paper, &dims, &scale, &blob); err != nil {
			return err
		}
		if idx.signsOnly {
			idx.putSigns(paper, signBits(bytesInt8(blob)))
			continue
		}
		idx.put(paper, scale, bytesInt8(blob))
	}
	return rows.Err()
}

// reset empties the index and sets its model.
func (idx *vectorIndex) reset(model string) {
	idx.model, idx.count, idx.maxID, idx.tableMax, idx.windowed, idx.dims = model, 0, 0, 0, false, 0
	idx.signsOnly, idx.unslotted, idx.expect = false, false, 0
	idx.counted = time.Time{}
	idx.papers, idx.slot, idx.data, idx.scales, idx.bits, idx.mags = nil, map[int64]int{}, nil, nil, nil, nil
}

// grow makes room for n more papers without reallocating: loading 100k
// papers' sign bits into a map and slices grown one at a time took longer
// than reading them.
func (idx *vectorIndex) grow(n int) {
	idx.papers = slices.Grow(idx.papers, n)
	idx.expect = n
	if !idx.signsOnly { // an index of sign bits makes its map when needed (see appendSigns)
		if len(idx.slot) == 0 {
			idx.slot = make(map[int64]int, n)
		}
		idx.scales = slices.Grow(idx.scales, n)
	}
}

// put adds or replaces a paper's vector. Vectors of another length than
// the first are skipped: a model does not change its dimensions. An index
// of sign bits alone keeps only q's (see putSigns).
func (idx *vectorIndex) put(paper int64, scale float32, q []int8) {
	if idx.signsOnly {
		if idx.dims == 0 || len(q) == idx.dims {
			idx.dims = len(q)
			idx.putSigns(paper, signBits(q))
		}
		return
	}
	if idx.dims == 0 {
		idx.dims = len(q)
	}
	if len(q) != idx.dims || len(q) == 0 {
		return
	}
	idx.indexSlots()
	code := signBits(q)
	words := len(code) / 2
	if i, ok := idx.slot[paper]; ok {
		copy(idx.data[i*idx.dims:], q)
		copy(idx.bits[i*words:], code[:words])
		copy(idx.mags[i*words:], code[words:])
		idx.scales[i] = scale
		return
	}
	idx.slot[paper] = len(idx.papers)
	idx.papers = append(idx.papers, paper)
	idx.data = append(idx.data, q...)
	idx.bits = append(idx.bits, code[:words]...)
	idx.mags = append(idx.mags, code[words:]...)
	idx.scales = append(idx.scales, scale)
}

// scored is a vector's position in the index and its similarity.
type scored struct {
	i   int
	sim float64
}

// parallelScan is the least number of vectors worth splitting among cores.
const parallelScan = 8192

// nearest scans every vector and returns the rowids of the limit most
// similar to v, best first, with their cosine similarities. Large indexes
// are scanned in one part per core, each keeping its own best.
func (idx *vectorIndex) nearest(v []float32, limit int) ([]int64, []float64) {
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	q, qs := bot.Quantize(v)
	if len(q) != idx.dims || qs == 0 || limit <= 0 {
		return nil, nil
	}
	n := len(idx.papers)
	parts := 1
	if n >= parallelScan {
		parts = runtime.GOMAXPROCS(0)
	}
	var all []scored
	if n >= idx.approxFromOr() && !idx.exact {
		at := idx.candidates(signQuery(q), idx.rerankWant(limit), parts)
		at = idx.fine(fineQuery(q), at, fineWant(limit), parts)
		all = idx.rescan(q, qs, at, limit, 1)
	} else {
		all = idx.exactScan(q, qs, limit, parts)
	}
	all = all[:min(len(all), limit)]
	ids := make([]int64, len(all))
	sims := make([]float64, len(all))
	for k, s := range all {
		ids[k], sims[k] = idx.papers[s.i], s.sim
	}
	return ids, sims
}

// exactScan returns the limit vectors most similar to q, best first,
// scanning every one, in parts parts at once.
func (idx *vectorIndex) exactScan(q []int8, qs float32, limit, parts int) []scored {
	n := len(idx.papers)
	bests := make([][]scored, parts)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { bests[k] = idx.scan(q, qs, k*n/parts, (k+1)*n/parts, limit) })
	}
	wg.Wait()
	all := slices.Concat(bests...)
	slices.SortFunc(all, func(a, b scored) int { return cmp.Compare(b.sim, a.sim) })
	return all
}

// similarity is the cosine similarity of the quantised query q to the
// i-th vector.
func (idx *vectorIndex) similarity(q []int8, qs float32, i int) float64 {
	return similarityTo(q, qs, idx.data[i*idx.dims:(i+1)*idx.dims], idx.scales[i])
}

// similarityTo is the cosine similarity of the quantised query q to the
// quantised vector x of scale xs.
func similarityTo(q []int8, qs float32, x []int8, xs float32) float64 {
	return float64(bot.DotInt8(q, x)) / float64(qs*xs)
}

// scan returns the limit vectors among from..to most similar to the
// quantised query q, ascending by similarity.
func (idx *vectorIndex) scan(q []int8, qs float32, from, to, limit int) []scored {
	best := make([]scored, 0, limit+1) // ascending by sim
	for i := from; i < to; i++ {
		sim := idx.similarity(q, qs, i)
		if len(best) == limit && sim <= best[0].sim {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, sim, func(s scored, t float64) int { return cmp.Compare(s.sim, t) })
		best = slices.Insert(best, at, scored{i, sim})
		if len(best) > limit {
			best = slices.Delete(best, 0, 1)
		}
	}
	return best
}

// int8Bytes and bytesInt8 convert between a vector and its stored bytes.
func int8Bytes(q []int8) []byte {
	b := make([]byte, len(q))
	for i, x := range q {
		b[i] = byte(x)
	}
	return b
}

func bytesInt8(b []byte) []int8 {
	q := make([]int8, len(b))
	for i, x := range b {
		q[i] = int8(x)
	}
	return q
}

// WarmVectors loads every vector of model into memory: `paperboy run`
// calls it in the background at start, so that its hybrid searches read no
// vector from the table. It loads the sign bits first, as a one-shot
// Nearest would (writing the chunks that are missing, see loadSigns), then
// every vector into an index of its own, swapped in when loaded: a Nearest
// meanwhile waits for the sign bits alone (tens of milliseconds at 100k
// papers, against a second or more for every vector), then searches them.
// Close waits for it.
func (db *DB) WarmVectors(ctx context.Context, model string) error {
	db.running.Add(1)
	defer db.running.Done()
	idx, err := db.vectorIndex(ctx, model, false)
	if err != nil {
		return fmt.Errorf("load vectors: %w", err)
	}
	idx.mu.RLock()
	done := !idx.signsOnly
	idx.mu.RUnlock()
	if done {
		return nil
	}
	tableMax, err := db.vectorsMaxID(ctx)
	if err != nil {
		return fmt.Errorf("load vectors: %w", err)
	}
	fresh := &vectorIndex{approxFrom: idx.approxFrom, rerankMin: idx.rerankMin}
	fresh.reset(model)
	if err := db.refresh(ctx, fresh, model, true, tableMax); err != nil {
		return fmt.Errorf("load vectors: %w", err)
	}
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if idx.model == model && idx.signsOnly { // what a refresh since adds, the next one adds again
		idx.take(fresh)
	}
	return nil
}

var _ bot.VectorPreparer = (*DB)(nil)

// PrepareNearest starts loading model's index in the background unless an
// index of model is already loaded (a later Nearest brings it up to date
// as ever): a one-shot search loads the sign bits while its query is
// embedded. A Nearest meanwhile waits for the load; an error is left for
// it to meet again. Close waits for it.
func (db *DB) PrepareNearest(ctx context.Context, model string) {
	idx := &db.vectors
	idx.mu.RLock()
	loaded := idx.model == model && len(idx.papers) > 0
	idx.mu.RUnlock()
	if loaded {
		return
	}
	db.running.Add(1)
	go func() {
		defer db.running.Done()
		_, _ = db.vectorIndex(ctx, model, false)
	}()
}

// take makes idx the index that o is; o is not used afterwards.
func (idx *vectorIndex) take(o *vectorIndex) {
	idx.model, idx.count, idx.maxID, idx.windowed = o.model, o.count, o.maxID, o.windowed
	idx.tableMax, idx.counted, idx.dims = o.tableMax, o.counted, o.dims
	idx.papers, idx.slot, idx.data, idx.scales, idx.bits, idx.mags = o.papers, o.slot, o.data, o.scales, o.bits, o.mags
	idx.signsOnly, idx.unslotted = o.signsOnly, o.unslotted
}
