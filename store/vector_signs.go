package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"paperboy/bot"
)

// Sign bits on disk. The approximate search (vector_approx.go) scores
// every paper by its vector's sign bits and reads only the best few percent
// of the int8 vectors. A process that searches once need not load every
// vector for that: the vector_signs table (migrations 0011, PostgreSQL
// 0009) keeps the sign bits in chunks of signChunk vectors, 96 bytes a
// vector of 768 dimensions in one row a chunk, so loading them for 100k
// papers reads ~10 MB in a hundred rows instead of 77 MB in 100k rows
// (about a second through database/sql, most of a one-shot search's time).
//
// Backfill is lazy, on the first read rather than in the migration or at
// Open: SQL cannot compute a blob's per-component sign bits portably (the
// same bits as signBits, on both engines), and doing it at Open would make
// every command on a store with many vectors (`today`, `post`) pay for a
// read of every vector once after the upgrade, where only search by
// meaning needs the bits. So the first search by meaning after the
// upgrade, or `run`'s WarmVectors, reads the vectors as before, computes
// the bits and writes the chunks; so does a later read that finds a full
// chunk's worth of new vectors, or the vectors of a chunk that a delete
// dropped. A read-only store (OpenReadOnly) writes nothing and reads the
// vectors that no chunk covers, as before.
//
// A chunk is never stale: deleting a vector (SaveVectors re-embeds a paper
// by deleting its row; a paper's delete cascades) deletes the chunk that
// covers the vector's id, by a trigger. Two processes may write chunks
// covering the same vectors; reading both is harmless (a paper's bits are
// put once), and either goes with the first delete among its vectors.
const signChunk = 1024

// chunkSpan is the range of vector ids, from and to exclusive, that no
// chunk covers.
type chunkSpan struct {
	from, to int64
	tail     bool // to is open: vectors written since the last chunk
}

// signRow is one vector's sign bits, for a chunk to write.
type signRow struct {
	id, paper int64
	sign      []uint64
}

// loadSigns fills idx, empty and signsOnly, with the sign bits of its
// model's vectors: those of the chunks, then those of the vectors no chunk
// covers, read from the vectors themselves, for which it writes chunks
// unless the store is read-only.
func (db *DB) loadSigns(ctx context.Context, idx *vectorIndex) error {
	spans, err := db.readChunks(ctx, idx)
	if err != nil {
		return err
	}
	var chunks [][]signRow
	for _, sp := range spans {
		rows, err := db.uncoveredSigns(ctx, idx, sp)
		if err != nil {
			return err
		}
		for len(rows) > 0 {
			n := min(len(rows), signChunk)
			if sp.tail && n < signChunk {
				break // too few new vectors yet: read them as vectors
			}
			chunks = append(chunks, rows[:n])
			rows = rows[n:]
		}
	}
	if len(chunks) > 0 && !db.readOnly {
		// The search is right without the chunks; one that failed to be
		// written (another writer held the lock too long) is written by a
		// later read.
		_ = db.writeChunks(ctx, idx.model, idx.dims, chunks)
	}
	return nil
}

// readChunks puts the sign bits of idx.model's chunks into idx and returns
// the spans of vector ids they leave uncovered, in order, the last one the
// open tail.
func (db *DB) readChunks(ctx context.Context, idx *vectorIndex) ([]chunkSpan, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT first_id, last_id, dims, papers, signs FROM vector_signs
		WHERE model = ? ORDER BY first_id`, idx.model)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		spans   []chunkSpan
		covered int64 // every id up to it is in a chunk
		overlap bool  // two processes wrote chunks of the same vectors
	)
	for rows.Next() {
		var (
			first, last   int64
			dims          int
			papers, signs []byte
		)
		if err := rows.Scan(&first, &last, &dims, &papers, &signs); err != nil {
			return nil, err
		}
		if idx.dims == 0 {
			idx.dims = dims
		}
		if dims != idx.dims || !idx.putChunk(papers, signs) {
			continue // another length, or unreadable: its vectors are read instead
		}
		if first > covered+1 {
			spans = append(spans, chunkSpan{from: covered, to: first})
		} else if first <= covered {
			overlap = true
		}
		covered = max(covered, last)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if overlap {
		idx.indexSlots() // drop the papers put twice
	}
	return append(spans, chunkSpan{from: covered, tail: true}), nil
}

// putChunk puts a chunk's papers and sign bits into idx, and reports
// whether they were well formed (nothing is put otherwise).
func (idx *vectorIndex) putChunk(papers, signs []byte) bool {
	words := (idx.dims + 63) / 64
	if words == 0 || len(signs)%(8*words) != 0 {
		return false
	}
	n := len(signs) / (8 * words)
	ids := make([]int64, 0, n)
	var paper int64
	for len(papers) > 0 && len(ids) < n {
		d, k := binary.Varint(papers)
		if k <= 0 {
			return false
		}
		paper += d
		ids = append(ids, paper)
		papers = papers[k:]
	}
	if len(ids) != n || len(papers) != 0 {
		return false
	}
	idx.bits = slices.Grow(idx.bits, n*words)
	sign := make([]uint64, words)
	for k, p := range ids {
		for w := range sign {
			sign[w] = binary.LittleEndian.Uint64(signs[(k*words+w)*8:])
		}
		idx.appendSigns(p, sign)
	}
	return true
}

// uncoveredSigns puts into idx the sign bits of the vectors of idx.model
// in sp, computed from the vectors, and returns them in id order.
func (db *DB) uncoveredSigns(ctx context.Context, idx *vectorIndex, sp chunkSpan) ([]signRow, error) {
	q, args := `SELECT id, paper, vector FROM paper_vectors WHERE model = ? AND id > ? AND id < ? ORDER BY id`, []any{idx.model, sp.from, sp.to}
	if sp.tail {
		q, args = `SELECT id, paper, vector FROM paper_vectors WHERE model = ? AND id > ? ORDER BY id`, args[:2]
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signRow
	for rows.Next() {
		var (
			r    signRow
			blob []byte
		)
		if err := rows.Scan(&r.id, &r.paper, &blob); err != nil {
			return nil, err
		}
		if idx.dims == 0 {
			idx.dims = len(blob)
		}
		if len(blob) != idx.dims || len(blob) == 0 {
			continue
		}
		r.sign = signBits(bytesInt8(blob))
		idx.appendSigns(r.paper, r.sign)
		out = append(out, r)
	}
	return out, rows.Err()
}

// writeChunks writes chunks of sign bits of model's vectors of dims
// dimensions, in one transaction. A chunk whose vectors are no longer all
// there (one was deleted since it was read), or that overlaps a chunk
// written since, is skipped.
func (db *DB) writeChunks(ctx context.Context, model string, dims int, chunks [][]signRow) error {
	return db.write(ctx, func(tx *txn) error {
		for _, c := range chunks {
			first, last := c[0].id, c[len(c)-1].id
			var n, overlap int
			err := tx.QueryRowContext(ctx, `SELECT
				(SELECT count(*) FROM paper_vectors WHERE model = ? AND id BETWEEN ? AND ?),
				(SELECT count(*) FROM vector_signs WHERE model = ? AND first_id <= ? AND last_id >= ?)`,
				model, first, last, model, last, first).Scan(&n, &overlap)
			if err != nil {
				return err
			}
			if n != len(c) || overlap > 0 {
				continue
			}
			papers, signs := encodeChunk(c)
			if _, err := tx.ExecContext(ctx, `INSERT INTO vector_signs (model, first_id, last_id, dims, papers, signs)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, model, first, last, dims, papers, signs); err != nil {
				return err
			}
		}
		return nil
	})
}

// encodeChunk returns a chunk's papers (zigzag varint deltas) and sign
// bits (little-endian words), as vector_signs keeps them.
func encodeChunk(c []signRow) (papers, signs []byte) {
	var prev int64
	for _, r := range c {
		papers = binary.AppendVarint(papers, r.paper-prev)
		prev = r.paper
		for _, w := range r.sign {
			signs = binary.LittleEndian.AppendUint64(signs, w)
		}
	}
	return papers, signs
}

// putSigns adds or replaces a paper's sign bits, in an index of sign bits
// alone.
func (idx *vectorIndex) putSigns(paper int64, sign []uint64) {
	idx.indexSlots()
	if i, ok := idx.slot[paper]; ok {
		copy(idx.bits[i*len(sign):], sign)
		return
	}
	idx.slot[paper] = len(idx.papers)
	idx.papers = append(idx.papers, paper)
	idx.bits = append(idx.bits, sign...)
}

// appendSigns adds a paper's sign bits to an index of sign bits alone
// without looking it up: loadSigns adds each paper once (a paper has one
// vector, and no two chunks it reads overlap), and a map of 100k papers
// took longer to fill than the chunks to read. The map is made when first
// needed (indexSlots).
func (idx *vectorIndex) appendSigns(paper int64, sign []uint64) {
	idx.papers = append(idx.papers, paper)
	idx.bits = append(idx.bits, sign...)
	idx.unslotted = true
}

// indexSlots makes idx.slot after appendSigns, keeping the last entry of
// a paper added twice.
func (idx *vectorIndex) indexSlots() {
	if !idx.unslotted {
		return
	}
	idx.unslotted = false
	idx.slot = make(map[int64]int, len(idx.papers))
	words := len(idx.bits) / max(1, len(idx.papers))
	n := 0
	for i, p := range idx.papers {
		if j, ok := idx.slot[p]; ok { // the later entry replaces the earlier
			copy(idx.bits[j*words:(j+1)*words], idx.bits[i*words:(i+1)*words])
			continue
		}
		idx.slot[p] = n
		idx.papers[n] = p
		copy(idx.bits[n*words:(n+1)*words], idx.bits[i*words:(i+1)*words])
		n++
	}
	idx.papers, idx.bits = idx.papers[:n], idx.bits[:n*words]
}

// approxFromOr is idx.approxFrom, or approxFrom when unset.
func (idx *vectorIndex) approxFromOr() int {
	if idx.approxFrom > 0 {
		return idx.approxFrom
	}
	return approxFrom
}

// rerankWant is how many candidates of best sign score the approximate
// search rescans exactly, for limit hits.
func (idx *vectorIndex) rerankWant(limit int) int {
	least := rerankMin
	if idx.rerankMin > 0 {
		least = idx.rerankMin
	}
	return max(least, int(rerankShare*float64(len(idx.papers))), limit)
}

// nearestIn returns the rowids of the limit papers of idx most similar to
// v, best first, with their similarities. An index of sign bits alone
// reads its candidates' vectors from the table for the rescan; the result
// is the same as with every vector in memory.
func (db *DB) nearestIn(ctx context.Context, idx *vectorIndex, v []float32, limit int) ([]int64, []float64, error) {
	idx.mu.RLock()
	signsOnly := idx.signsOnly
	idx.mu.RUnlock()
	if !signsOnly {
		ids, sims := idx.nearest(v, limit)
		return ids, sims, nil
	}
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	q, qs := quantizeFor(idx, v)
	if q == nil || limit <= 0 {
		return nil, nil, nil
	}
	parts := 1
	if len(idx.papers) >= parallelScan {
		parts = runtime.GOMAXPROCS(0)
	}
	at := idx.candidates(signQuery(q), idx.rerankWant(limit), parts)
	papers := make([]int64, len(at))
	for k, i := range at {
		papers[k] = idx.papers[i]
	}
	vecs, err := db.vectorsOf(ctx, idx.model, papers)
	if err != nil {
		return nil, nil, err
	}
	all := make([]scored, 0, len(at))
	for k, i := range at {
		if x, ok := vecs[papers[k]]; ok && len(x.q) == len(q) {
			all = append(all, scored{i, similarityTo(q, qs, x.q, x.scale)})
		}
	}
	slices.SortFunc(all, func(a, b scored) int { return compareSim(b.sim, a.sim) })
	all = all[:min(len(all), limit)]
	ids := make([]int64, len(all))
	sims := make([]float64, len(all))
	for k, s := range all {
		ids[k], sims[k] = idx.papers[s.i], s.sim
	}
	return ids, sims, nil
}

// stored is one vector read from the table.
type stored struct {
	scale float32
	q     []int8
}

// vectorsOf reads the vectors of model of the papers (rowids), by paper,
// a thousand a query, in rowid order. (Queries at once on connections of
// their own were slower: each new connection starts with a cold cache.)
func (db *DB) vectorsOf(ctx context.Context, model string, papers []int64) (map[int64]stored, error) {
	sorted := slices.Clone(papers)
	slices.SortFunc(sorted, cmp.Compare)
	out := make(map[int64]stored, len(papers))
	for len(sorted) > 0 {
		batch := sorted[:min(len(sorted), 1000)]
		sorted = sorted[len(batch):]
		args := make([]any, 0, len(batch))
		for _, p := range batch {
			args = append(args, p)
		}
		// By paper alone (a paper has one vector): with the model in the
		// WHERE clause, SQLite's planner, which has no statistics, takes
		// the (model, id) index and reads every vector of the model.
		q := `SELECT paper, model, scale, vector FROM paper_vectors WHERE paper IN (?` +
			strings.Repeat(", ?", len(batch)-1) + `)`
		if err := db.scanVectors(ctx, q, args, model, out); err != nil {
			return nil, fmt.Errorf("read vectors: %w", err)
		}
	}
	return out, nil
}

// scanVectors runs q and puts the vectors of model it returns into out.
func (db *DB) scanVectors(ctx context.Context, q string, args []any, model string, out map[int64]stored) error {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			paper int64
			m     string
			s     stored
			blob  []byte
		)
		if err := rows.Scan(&paper, &m, &s.scale, &blob); err != nil {
			return err
		}
		if m != model {
			continue
		}
		s.q = bytesInt8(blob)
		out[paper] = s
	}
	return rows.Err()
}

// quantizeFor returns v quantised, or nil when it cannot be compared with
// idx's vectors (another length, or zero).
func quantizeFor(idx *vectorIndex, v []float32) ([]int8, float32) {
	q, qs := bot.Quantize(v)
	if len(q) != idx.dims || qs == 0 {
		return nil, 0
	}
	return q, qs
}
