package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"paperboy/bot"
)

// Sign bits on disk. The approximate search (vector_approx.go) scores
// every paper by its vector's sign bits, the best few percent by their
// two-bit codes (sign and magnitude bits), and reads only the best few
// hundred int8 vectors. A process that searches once need not load every
// vector for that: the vector_signs table (migrations 0011 and 0012,
// PostgreSQL 0009 and 0012) keeps the sign and magnitude bits in chunks of
// signChunk vectors, 192 bytes a vector of 768 dimensions in one row a
// chunk, so loading them for 100k papers reads ~19 MB in a hundred rows
// instead of 77 MB in 100k rows (about a second through database/sql, most
// of a one-shot search's time). Without the magnitude bits the one-shot
// search read 4,000 int8 vectors, random rows, 30–40 ms at 100k papers;
// with them it reads 400, and 10 MB more of chunks, ~10 ms.
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
const signChunk = 256

// chunkSpan is the range of vector ids, from and to exclusive, that no
// chunk covers.
type chunkSpan struct {
	from, to int64
	tail     bool // to is open: vectors written since the last chunk
}

// signRow is one vector's code (sign then magnitude bits, see signBits),
// for a chunk to write.
type signRow struct {
	id, paper int64
	sign      []uint64
}

// loadSigns fills idx, empty and signsOnly, with the sign bits of its
// model's vectors: those of the chunks, then those of the vectors no chunk
// covers, read from the vectors themselves, for which it writes chunks
// unless the store is read-only. It returns the highest vector id it saw
// and how many chunks it read. With the chunks' layout (chunkLayout), they
// are read in parts at once (readChunksAtOnce).
func (db *DB) loadSigns(ctx context.Context, idx *vectorIndex, layout []chunkMeta) (maxID int64, chunked int, err error) {
	spans, chunked, done, err := db.readChunksAtOnce(ctx, idx, layout, chunkParts(len(layout)))
	if err == nil && !done {
		spans, chunked, err = db.readChunks(ctx, idx)
	}
	if err != nil {
		return 0, 0, err
	}
	maxID = spans[len(spans)-1].from // the last chunk's last vector
	fromChunks := len(idx.papers)
	var (
		chunks [][]signRow
		late   map[int64]bool // papers of the vectors read as vectors
	)
	for _, sp := range spans {
		rows, err := db.uncoveredSigns(ctx, idx, sp)
		if err != nil {
			return 0, 0, err
		}
		for _, r := range rows {
			if fromChunks > 0 {
				if late == nil {
					late = map[int64]bool{}
				}
				late[r.paper] = true
			}
			maxID = max(maxID, r.id)
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
	// A paper re-embedded between the read of its chunk and the read of
	// the vectors no chunk covers is in both (the delete dropped the chunk
	// after it was read): its later vector goes in its place.
	// The late papers are mostly the newest (highest rowids): a range test
	// spares 100k map lookups (1–2 ms of a one-shot search at 100k papers).
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for p := range late {
		lo, hi = min(lo, p), max(hi, p)
	}
	for _, p := range idx.papers[:min(fromChunks, len(idx.papers))] {
		if p >= lo && p <= hi && late[p] {
			idx.indexSlots()
			break
		}
	}
	if len(chunks) > 0 && !db.readOnly {
		// The search is right without the chunks; one that failed to be
		// written (another writer held the lock too long) is written by a
		// later read.
		_ = db.writeChunks(ctx, idx.model, idx.dims, chunks)
	}
	return maxID, chunked, nil
}

// loadChunked loads idx with model's sign bits alone, from the chunks and
// the vectors they leave out, without counting model's vectors first: the
// count, a read of the model's whole index (10–15 ms of a one-shot search
// at 100k papers), is the papers read, as the chunks are never stale. It
// reports false, leaving idx empty, when there is no chunk (the first read
// after the upgrade, or a store searched exactly so far) or the count
// calls for another index than sign bits alone (fewer than approxFrom
// vectors, or more than the window): refresh then counts first.
func (db *DB) loadChunked(ctx context.Context, idx *vectorIndex, model string, tableMax int64) (bool, error) {
	layout, err := db.chunkLayout(ctx, model)
	if err != nil || len(layout) == 0 {
		return false, err
	}
	var signBytes, dims int
	for _, c := range layout {
		signBytes, dims = signBytes+c.signs, max(dims, c.dims)
	}
	if dims == 0 || signBytes/(8*((dims+63)/64)) > db.vectorWindow {
		return false, nil // past the window: refresh loads the newest vectors whole
	}
	idx.reset(model)
	idx.signsOnly = true
	idx.grow(signBytes/(8*((dims+63)/64)) + signChunk) // and the vectors no chunk covers
	maxID, chunked, err := db.loadSigns(ctx, idx, layout)
	if err != nil {
		idx.reset("")
		return false, err
	}
	n := len(idx.papers)
	if chunked == 0 || n < idx.approxFromOr() || n > db.vectorWindow {
		idx.reset("")
		return false, nil
	}
	idx.count, idx.maxID, idx.tableMax, idx.counted = int64(n), maxID, tableMax, time.Now()
	return true, nil
}

// chunkMeta is a chunk as chunkLayout reads it, without its blobs (length
// reads a blob's header, not its overflow pages).
type chunkMeta struct {
	first, last       int64
	dims, signs, mags int // the lengths of the blobs
}

// chunkLayout returns model's chunks without their blobs, in order.
func (db *DB) chunkLayout(ctx context.Context, model string) ([]chunkMeta, error) {
	var out []chunkMeta
	err := db.scanRows(ctx, `SELECT first_id, last_id, dims, length(signs), length(mags) FROM vector_signs
		WHERE model = ? ORDER BY first_id`, []any{model}, func(rows *sql.Rows) error {
		var c chunkMeta
		if err := rows.Scan(&c.first, &c.last, &c.dims, &c.signs, &c.mags); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// chunkParts is how many parts readChunksAtOnce reads n chunks in: one a
// core, up to 3 (the bm25 search of a hybrid one takes a connection of the
// pool meanwhile), and none below 4 chunks.
func chunkParts(n int) int {
	if n < 4 {
		return 1
	}
	return min(runtime.GOMAXPROCS(0), 3, n/2)
}

// readChunksAtOnce is readChunks in parts read at once, each on a
// connection of its own, in a place of idx known from the layout (the
// lengths of the chunks' blobs): idx ends up exactly as readChunks would
// leave it. At 100k papers a one-shot search spends most of its time
// reading the chunks (SQLite's reads of their overflow pages, the driver's
// copy of each blob and the decode, in equal parts), which bm25's search
// beside it leaves a core for. It reports false, leaving idx as it was,
// when it cannot say where a chunk goes: one part, a chunk whose papers do
// not decode, or chunks that are not those of the layout (written or
// deleted since): readChunks then reads them in one query.
func (db *DB) readChunksAtOnce(ctx context.Context, idx *vectorIndex, layout []chunkMeta, parts int) ([]chunkSpan, int, bool, error) {
	if parts < 2 || len(idx.papers) != 0 || len(idx.bits) != 0 || len(layout) == 0 {
		return nil, 0, false, nil
	}
	plan := planChunks(layout, idx.dims)
	if plan.words == 0 {
		return nil, 0, false, nil
	}
	room := max(idx.expect, plan.total)
	papers := slices.Grow(idx.papers[:0], room)[:plan.total]
	bits := make([]uint64, plan.total*plan.words, room*plan.words)
	mags := make([]uint64, plan.total*plan.words, room*plan.words)
	bounds := plan.partBounds(parts)
	var (
		wg   sync.WaitGroup
		errs = make([]error, len(bounds)-1)
		fit  = make([]bool, len(bounds)-1)
	)
	for p := range len(bounds) - 1 {
		wg.Go(func() {
			fit[p], errs[p] = db.readPart(ctx, idx.model, layout, bounds[p], bounds[p+1], plan, papers, bits, mags)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, 0, false, err
	}
	for _, ok := range fit {
		if !ok {
			return nil, 0, false, nil
		}
	}
	idx.dims, idx.papers, idx.bits, idx.mags = plan.dims, papers, bits, mags
	var placed []chunkMeta
	for k, c := range layout {
		if plan.at[k] >= 0 {
			placed = append(placed, c)
		}
	}
	spans, overlap := chunkSpans(placed)
	if len(placed) > 0 {
		idx.unslotted = true
	}
	if overlap {
		idx.indexSlots()
	}
	return spans, len(placed), true, nil
}

// chunkPlan is where readChunksAtOnce puts the chunks of a layout.
type chunkPlan struct {
	dims, words int
	total       int   // vectors placed
	at          []int // chunk k's first vector's place; -1 for a chunk putChunk refuses by its lengths (readChunks reads its vectors instead)
}

// planChunks places layout's chunks of dims (0: the first chunk's) one
// after another.
func planChunks(layout []chunkMeta, dims int) chunkPlan {
	if dims == 0 {
		dims = layout[0].dims
	}
	p := chunkPlan{dims: dims, words: (dims + 63) / 64, at: make([]int, len(layout))}
	if p.words == 0 {
		return p
	}
	for k, c := range layout {
		if c.dims != dims || c.signs%(8*p.words) != 0 || c.mags != c.signs {
			p.at[k] = -1
			continue
		}
		p.at[k] = p.total
		p.total += c.signs / (8 * p.words)
	}
	return p
}

// partBounds splits the layout into at most parts runs of chunks of about
// as many vectors each, part i being chunks bounds[i] to bounds[i+1].
func (p chunkPlan) partBounds(parts int) []int {
	bounds := []int{0}
	for k := range p.at {
		if len(bounds) < parts && k > bounds[len(bounds)-1] && p.at[k] >= p.total*len(bounds)/parts {
			bounds = append(bounds, k)
		}
	}
	return append(bounds, len(p.at))
}

// readPart reads chunks lo to hi of layout into their places in papers,
// bits and mags. Its query covers every first_id from chunk lo's to chunk
// hi's (from the lowest for the first part, to the highest for the last),
// so that a chunk written since the layout was read is met: it reports
// false when the chunks read are not the layout's or their papers do not
// decode.
func (db *DB) readPart(ctx context.Context, model string, layout []chunkMeta, lo, hi int, plan chunkPlan,
	papers []int64, bits, mags []uint64) (bool, error) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if lo > 0 {
		from = layout[lo].first
	}
	if hi < len(layout) {
		to = layout[hi].first
	}
	words, j := plan.words, lo
	err := db.scanMapped(ctx, `SELECT first_id, last_id, dims, papers, signs, mags FROM vector_signs
		WHERE model = ? AND first_id >= ? AND first_id < ? ORDER BY first_id`,
		[]any{model, from, to}, func(rows *sql.Rows) error {
			var (
				first, last         int64
				d                   int
				pb, signs, magBytes sql.RawBytes // decoded at once: no copy kept
			)
			if err := rows.Scan(&first, &last, &d, &pb, &signs, &magBytes); err != nil {
				return err
			}
			if j >= hi {
				j = hi + 1 // a chunk the layout has not
				return nil
			}
			c, at := layout[j], plan.at[j]
			if first != c.first || last != c.last || d != c.dims || len(signs) != c.signs || len(magBytes) != c.mags {
				j = hi + 1 // not the layout's chunks
				return nil
			}
			if at >= 0 {
				n := c.signs / (8 * words)
				if !decodePapers(papers[at:at+n], pb) {
					j = hi + 1
					return nil
				}
				copyWords(bits[at*words:(at+n)*words], signs)
				copyWords(mags[at*words:(at+n)*words], magBytes)
			}
			j++
			return nil
		})
	return j == hi, err
}

// chunkSpans returns the spans of ids that the chunks read (in order of
// first id) leave to be read as vectors, the open tail last, and whether
// any two of them overlap (two processes wrote chunks of the same vectors).
func chunkSpans(read []chunkMeta) (spans []chunkSpan, overlap bool) {
	var covered int64 // every id up to it is in a chunk
	for _, c := range read {
		if c.first > covered+1 {
			spans = append(spans, chunkSpan{from: covered, to: c.first})
		} else if c.first <= covered {
			overlap = true
		}
		covered = max(covered, c.last)
	}
	return append(spans, chunkSpan{from: covered, tail: true}), overlap
}

// decodePapers decodes a chunk's papers (zigzag varint deltas) into out,
// and reports whether b held exactly len(out) of them.
func decodePapers(out []int64, b []byte) bool {
	var paper int64
	for i := range out {
		d, k := binary.Varint(b)
		if k <= 0 {
			return false
		}
		paper += d
		out[i] = paper
		b = b[k:]
	}
	return len(b) == 0
}

// copyWords sets dst to the little-endian words of b, len(dst)*8 bytes.
func copyWords(dst []uint64, b []byte) {
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint64(b[8*i : 8*i+8])
	}
}

// readChunks puts the sign bits of idx.model's chunks into idx and returns
// the spans of vector ids they leave uncovered, in order, the last one the
// open tail, and how many chunks it read.
func (db *DB) readChunks(ctx context.Context, idx *vectorIndex) ([]chunkSpan, int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT first_id, last_id, dims, papers, signs, mags FROM vector_signs
		WHERE model = ? ORDER BY first_id`, idx.model)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var read []chunkMeta
	for rows.Next() {
		var (
			first, last         int64
			dims                int
			papers, signs, mags sql.RawBytes // decoded at once: no copy kept
		)
		if err := rows.Scan(&first, &last, &dims, &papers, &signs, &mags); err != nil {
			return nil, 0, err
		}
		if idx.dims == 0 {
			idx.dims = dims
		}
		if dims != idx.dims || !idx.putChunk(papers, signs, mags) {
			continue // another length, or unreadable: its vectors are read instead
		}
		read = append(read, chunkMeta{first: first, last: last})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	spans, overlap := chunkSpans(read)
	if overlap {
		idx.indexSlots() // drop the papers put twice
	}
	return spans, len(read), nil
}

// putChunk puts a chunk's papers, sign bits and magnitude bits into idx,
// and reports whether they were well formed (nothing is put otherwise).
// The words go straight from the row's bytes into idx.bits and idx.mags,
// laid out as in the chunk, which grow made room for every vector (see
// grow): at 100k papers, growing them chunk by chunk copied more than the
// chunks hold.
func (idx *vectorIndex) putChunk(papers, signs, mags []byte) bool {
	words := (idx.dims + 63) / 64
	if words == 0 || len(signs)%(8*words) != 0 || len(mags) != len(signs) {
		return false
	}
	n := len(signs) / (8 * words)
	base := len(idx.papers)
	idx.papers = slices.Grow(idx.papers, n)[:base+n]
	if !decodePapers(idx.papers[base:], papers) {
		idx.papers = idx.papers[:base]
		return false
	}
	if cap(idx.bits) == 0 {
		idx.bits = make([]uint64, 0, max(idx.expect, n)*words)
		idx.mags = make([]uint64, 0, max(idx.expect, n)*words)
	}
	idx.bits = appendWords(idx.bits, signs)
	idx.mags = appendWords(idx.mags, mags)
	idx.unslotted = true
	return true
}

// appendWords appends to dst the little-endian words of b, whose length is
// a multiple of 8.
func appendWords(dst []uint64, b []byte) []uint64 {
	at := len(dst)
	dst = slices.Grow(dst, len(b)/8)[:at+len(b)/8]
	copyWords(dst[at:], b)
	return dst
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
			// A chunk without magnitude bits (an older paperboy's) is read
			// as not there; it goes for the one written in its place.
			if _, err := tx.ExecContext(ctx, `DELETE FROM vector_signs
				WHERE model = ? AND first_id <= ? AND last_id >= ? AND length(mags) = 0`, model, last, first); err != nil {
				return err
			}
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
			papers, signs, mags := encodeChunk(c)
			if _, err := tx.ExecContext(ctx, `INSERT INTO vector_signs (model, first_id, last_id, dims, papers, signs, mags)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, model, first, last, dims, papers, signs, mags); err != nil {
				return err
			}
		}
		return nil
	})
}

// encodeChunk returns a chunk's papers (zigzag varint deltas), sign bits
// and magnitude bits (little-endian words), as vector_signs keeps them.
func encodeChunk(c []signRow) (papers, signs, mags []byte) {
	var prev int64
	for _, r := range c {
		papers = binary.AppendVarint(papers, r.paper-prev)
		prev = r.paper
		words := len(r.sign) / 2
		for _, w := range r.sign[:words] {
			signs = binary.LittleEndian.AppendUint64(signs, w)
		}
		for _, w := range r.sign[words:] {
			mags = binary.LittleEndian.AppendUint64(mags, w)
		}
	}
	return papers, signs, mags
}

// putSigns adds or replaces a paper's code (sign then magnitude bits, see
// signBits), in an index of sign bits alone.
func (idx *vectorIndex) putSigns(paper int64, code []uint64) {
	idx.indexSlots()
	words := len(code) / 2
	if i, ok := idx.slot[paper]; ok {
		copy(idx.bits[i*words:], code[:words])
		copy(idx.mags[i*words:], code[words:])
		return
	}
	idx.slot[paper] = len(idx.papers)
	idx.papers = append(idx.papers, paper)
	idx.bits = append(idx.bits, code[:words]...)
	idx.mags = append(idx.mags, code[words:]...)
}

// appendSigns adds a paper's code (sign then magnitude bits) to an index
// of sign bits alone without looking it up: loadSigns adds each paper once
// (a paper has one vector, and no two chunks it reads overlap), and a map
// of 100k papers took longer to fill than the chunks to read. The map is
// made when first needed (indexSlots).
func (idx *vectorIndex) appendSigns(paper int64, code []uint64) {
	words := len(code) / 2
	idx.papers = append(idx.papers, paper)
	idx.bits = append(idx.bits, code[:words]...)
	idx.mags = append(idx.mags, code[words:]...)
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
	move := func(to, from int) {
		copy(idx.bits[to*words:(to+1)*words], idx.bits[from*words:(from+1)*words])
		copy(idx.mags[to*words:(to+1)*words], idx.mags[from*words:(from+1)*words])
	}
	n := 0
	for i, p := range idx.papers {
		if j, ok := idx.slot[p]; ok { // the later entry replaces the earlier
			move(j, i)
			continue
		}
		idx.slot[p] = n
		idx.papers[n] = p
		move(n, i)
		n++
	}
	idx.papers, idx.bits, idx.mags = idx.papers[:n], idx.bits[:n*words], idx.mags[:n*words]
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
	at = idx.fine(fineQuery(q), at, fineWant(limit), parts)
	papers := make([]int64, len(at))
	for k, i := range at {
		papers[k] = idx.papers[i]
	}
	sims, err := db.similarities(ctx, idx.model, q, qs, papers)
	if err != nil {
		return nil, nil, err
	}
	all := make([]scored, 0, len(at))
	for k, i := range at {
		if sim, ok := sims[papers[k]]; ok {
			all = append(all, scored{i, sim})
		}
	}
	idx.sortScored(all)
	all = all[:min(len(all), limit)]
	ids := make([]int64, len(all))
	out := make([]float64, len(all))
	for k, s := range all {
		ids[k], out[k] = idx.papers[s.i], s.sim
	}
	return ids, out, nil
}

// similarities reads the vectors of model of the papers (rowids), by
// paper, a thousand a query, in rowid order, and returns each one's
// similarity to the quantised query q, computed as the rows come (no copy
// of a vector is kept). From readParallel papers on they are read in parts
// at once, one a core: a one-shot search reads its 400 vectors once the
// chunks are read, on the connections that read them (at 4,000 vectors, in
// a process whose other connections were new, parts were slower: each new
// connection starts with a cold cache and reads the schema).
func (db *DB) similarities(ctx context.Context, model string, q []int8, qs float32, papers []int64) (map[int64]float64, error) {
	sorted := slices.Clone(papers)
	slices.Sort(sorted)
	parts := 1
	if len(sorted) >= readParallel {
		parts = min(runtime.GOMAXPROCS(0), 2)
	}
	if parts == 1 {
		return db.similaritiesOf(ctx, model, q, qs, sorted)
	}
	var (
		wg   sync.WaitGroup
		outs = make([]map[int64]float64, parts)
		errs = make([]error, parts)
	)
	for k := range parts {
		part := sorted[k*len(sorted)/parts : (k+1)*len(sorted)/parts]
		wg.Go(func() { outs[k], errs[k] = db.similaritiesOf(ctx, model, q, qs, part) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make(map[int64]float64, len(papers))
	for _, o := range outs {
		maps.Copy(out, o)
	}
	return out, nil
}

// readParallel is how many vectors similarities reads in parts at once.
const readParallel = 200

// similaritiesOf is similarities of sorted papers, read in one part.
func (db *DB) similaritiesOf(ctx context.Context, model string, q []int8, qs float32, sorted []int64) (map[int64]float64, error) {
	out := make(map[int64]float64, len(sorted))
	x := make([]int8, len(q))
	args := make([]any, 0, min(len(sorted), 1000))
	for len(sorted) > 0 {
		batch := sorted[:min(len(sorted), 1000)]
		sorted = sorted[len(batch):]
		args = args[:0]
		for _, p := range batch {
			args = append(args, p)
		}
		// By paper alone (a paper has one vector): with the model in the
		// WHERE clause, SQLite's planner, which has no statistics, takes
		// the (model, id) index and reads every vector of the model.
		err := db.scanMapped(ctx, `SELECT paper, model, scale, vector FROM paper_vectors WHERE paper IN (?`+
			strings.Repeat(", ?", len(batch)-1)+`)`, args, func(rows *sql.Rows) error {
			var (
				paper     int64
				m, vector sql.RawBytes
				scale     float32
			)
			if err := rows.Scan(&paper, &m, &scale, &vector); err != nil {
				return err
			}
			if string(m) != model || len(vector) != len(x) {
				return nil
			}
			for i, b := range vector {
				x[i] = int8(b)
			}
			out[paper] = similarityTo(q, qs, x, scale)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read vectors: %w", err)
		}
	}
	return out, nil
}

// scanMapped is scanRows on a connection of its own that reads SQLite's
// file through a memory map meanwhile (mmap_size, set back to 0 after):
// reading the chunks' overflow pages, and the rescan's rows, by pread was
// ~15% of a one-shot hybrid search's CPU at 100k papers. Only these reads
// map the file: every other query of every command reads it as before (an
// I/O error under a map is a signal, not an error, see SQLite's mmap.html).
// On PostgreSQL it is scanRows.
func (db *DB) scanMapped(ctx context.Context, q string, args []any, row func(*sql.Rows) error) error {
	if db.sql.pg {
		return db.scanRows(ctx, q, args, row)
	}
	c, err := db.sql.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "PRAGMA mmap_size = 1073741824"); err != nil { // 1 GiB; past it, pread
		return err
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "PRAGMA mmap_size = 0")
	rows, err := c.QueryContext(ctx, q, args...)
	return eachRow(rows, err, row)
}

// scanRows runs q and calls row for each of its rows.
func (db *DB) scanRows(ctx context.Context, q string, args []any, row func(*sql.Rows) error) error {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	return eachRow(rows, err, row)
}

// eachRow calls row for each of rows (or returns err, the query's), then
// closes them.
func eachRow(rows *sql.Rows, err error, row func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
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
