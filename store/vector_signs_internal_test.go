package store

import (
	"database/sql"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store/pgtest"
)

// signsTest is a store of signsPapers papers with topical vectors of model
// "m", whose approximate search starts at 500 vectors and rescans 100.
type signsTest struct {
	dsn     string
	papers  []bot.Paper
	queries [][]float32
}

const signsPapers = 2600 // two full chunks and a tail of 552

func newSignsTest(t *testing.T, dsn string) *signsTest {
	r := rand.New(rand.NewPCG(7, 8))
	const dims = 64
	topics := make([][]float32, 40)
	for k := range topics {
		topics[k] = make([]float32, dims)
		for i := range topics[k] {
			topics[k][i] = float32(r.NormFloat64())
		}
	}
	near := func(k int) []float32 {
		v := make([]float32, dims)
		for i := range v {
			v[i] = topics[k%len(topics)][i] + 0.7*float32(r.NormFloat64())
		}
		return v
	}
	st := &signsTest{dsn: dsn, papers: bottest.Corpus(1, signsPapers)}
	db := st.open(t)
	if _, err := db.AddPapers(t.Context(), st.papers); err != nil {
		t.Fatal(err)
	}
	vs := make([]bot.PaperVector, len(st.papers))
	for i, p := range st.papers {
		vs[i] = bot.PaperVector{ID: p.ID, Vector: near(i)}
	}
	if err := db.SaveVectors(t.Context(), "m", vs); err != nil {
		t.Fatal(err)
	}
	for k := range 8 {
		st.queries = append(st.queries, near(3*k))
	}
	return st
}

// open opens the store anew, as a new process would, and closes it when
// the test ends.
func (st *signsTest) open(t *testing.T) *DB {
	t.Helper()
	db, err := Open(st.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.vectors.approxFrom, db.vectors.rerankMin = 500, 100
	return db
}

// nearestIDs returns the ids and similarities of db.Nearest's ten hits.
func nearestIDs(t *testing.T, db *DB, q []float32) ([]string, []float64) {
	t.Helper()
	hits, err := db.Nearest(t.Context(), "m", q, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var sims []float64
	for _, h := range hits {
		ids, sims = append(ids, h.Paper.ID), append(sims, h.Score)
	}
	return ids, sims
}

// fullIDs returns what the approximate search finds with every vector in
// memory (as before the sign bits were kept on disk), for each query.
func (st *signsTest) fullIDs(t *testing.T) [][]string {
	db := st.open(t)
	if err := db.WarmVectors(t.Context(), "m"); err != nil {
		t.Fatal(err)
	}
	if db.vectors.signsOnly || len(db.vectors.data) == 0 {
		t.Fatal("after WarmVectors the index does not hold every vector")
	}
	var out [][]string
	for _, q := range st.queries {
		ids, _ := nearestIDs(t, db, q)
		out = append(out, ids)
	}
	return out
}

func chunkCount(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRowContext(t.Context(), `SELECT count(*) FROM vector_signs WHERE model = 'm'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNearest_SignsOnDisk: a process that has not loaded the vectors reads
// their sign bits (written by the first such read, then read from the
// chunks) and the rescan's vectors by id, and finds what the index with
// every vector in memory finds; a re-embedded paper's chunk goes, and the
// new vector is found.
func TestNearest_SignsOnDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	engines := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "signs.db") }},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.Shared(t).NewDatabase(t) }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel() // each engine its own store: SQLite's work overlaps PostgreSQL's
			testSignsOnDisk(t, newSignsTest(t, e.dsn(t)))
		})
	}
}

func testSignsOnDisk(t *testing.T, st *signsTest) {
	ctx := t.Context()
	want := st.fullIDs(t)
	check := func(t *testing.T, db *DB) {
		t.Helper()
		for k, q := range st.queries {
			got, sims := nearestIDs(t, db, q)
			if !slices.Equal(got, want[k]) || !slices.IsSortedFunc(sims, func(a, b float64) int { return compareFloat(b, a) }) {
				t.Fatalf("query %d: %v (%v), with every vector in memory %v", k, got, sims, want[k])
			}
		}
		if !db.vectors.signsOnly || db.vectors.data != nil || len(db.vectors.papers) != signsPapers {
			t.Fatalf("index: signs only %v, %d components, %d papers; want sign bits alone of %d papers",
				db.vectors.signsOnly, len(db.vectors.data), len(db.vectors.papers), signsPapers)
		}
	}
	t.Run("Backfill", func(t *testing.T) {
		// fullIDs's WarmVectors wrote the chunks; start from none, as after the migration.
		db := st.open(t)
		if _, err := db.sql.ExecContext(ctx, `DELETE FROM vector_signs`); err != nil {
			t.Fatal(err)
		}
		check(t, db)
		if got := chunkCount(t, db); got != signsPapers/signChunk {
			t.Fatalf("%d chunks written, want %d (the tail of %d stays in paper_vectors)", got, signsPapers/signChunk, signsPapers%signChunk)
		}
	})
	t.Run("FromChunks", func(t *testing.T) { check(t, st.open(t)) })
	t.Run("ReEmbedded", func(t *testing.T) {
		db := st.open(t)
		p := st.papers[100] // in the first chunk
		if err := db.SaveVectors(ctx, "m", []bot.PaperVector{{ID: p.ID, Vector: st.queries[0]}}); err != nil {
			t.Fatal(err)
		}
		if got := chunkCount(t, db); got != signsPapers/signChunk-1 {
			t.Fatalf("after re-embedding a paper of a chunk: %d chunks, want that chunk gone", got)
		}
		db = st.open(t)
		got, sims := nearestIDs(t, db, st.queries[0])
		if len(got) == 0 || got[0] != p.ID || sims[0] < 0.99 {
			t.Fatalf("nearest to the re-embedded paper's vector: %v (%v), want %s first", got, sims, p.ID)
		}
		if n := chunkCount(t, db); n != signsPapers/signChunk {
			t.Fatalf("%d chunks after a new read, want the dropped one written again", n)
		}
	})
}

// TestNearest_SignsReadOnly: a read-only store reads the vectors no chunk
// covers, writes nothing, and finds the same papers.
func TestNearest_SignsReadOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	t.Parallel() // a store of its own
	st := newSignsTest(t, filepath.Join(t.TempDir(), "ro.db"))
	want := st.fullIDs(t)
	db := st.open(t)
	if _, err := db.sql.ExecContext(t.Context(), `DELETE FROM vector_signs`); err != nil {
		t.Fatal(err)
	}
	ro, err := OpenReadOnly(st.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	ro.vectors.approxFrom, ro.vectors.rerankMin = 500, 100
	for k, q := range st.queries {
		if got, _ := nearestIDs(t, ro, q); !slices.Equal(got, want[k]) {
			t.Fatalf("query %d: %v, want %v", k, got, want[k])
		}
	}
	if n := chunkCount(t, db); n != 0 {
		t.Fatalf("a read-only store wrote %d chunks", n)
	}
}

// TestChunkEncoding: a chunk's papers, sign bits and magnitude bits read
// back as written, papers in any order; a truncated chunk, or one without
// magnitude bits (an older paperboy's), is refused whole.
func TestChunkEncoding(t *testing.T) {
	rows := []signRow{{1, 90, []uint64{1, 2, 8, 9}}, {2, 3, []uint64{3, 1 << 63, 10, 11}}, {5, 1 << 40, []uint64{0, 7, 12, 1 << 62}}}
	papers, signs, mags := encodeChunk(rows)
	idx := &vectorIndex{}
	idx.reset("m")
	idx.dims = 128
	if !idx.putChunk(papers, signs, mags) {
		t.Fatal("putChunk refused a chunk encodeChunk wrote")
	}
	if !slices.Equal(idx.papers, []int64{90, 3, 1 << 40}) || !slices.Equal(idx.bits, []uint64{1, 2, 3, 1 << 63, 0, 7}) ||
		!slices.Equal(idx.mags, []uint64{8, 9, 10, 11, 12, 1 << 62}) {
		t.Fatalf("read back papers %v, bits %v, mags %v", idx.papers, idx.bits, idx.mags)
	}
	bad := &vectorIndex{}
	bad.reset("m")
	bad.dims = 128
	if bad.putChunk(papers[:len(papers)-1], signs, mags) || bad.putChunk(papers, signs[:len(signs)-8], mags) ||
		bad.putChunk(papers, signs, nil) || bad.putChunk(papers, signs, mags[:len(mags)-16]) || len(bad.papers) != 0 || len(bad.bits) != 0 {
		t.Fatalf("a truncated chunk was read: %v", bad.papers)
	}
}

// TestIndexSlots: papers appended without a lookup are found by slot
// afterwards, and a paper appended twice (two chunks of the same vectors)
// keeps its later bits, once.
func TestIndexSlots(t *testing.T) {
	idx := &vectorIndex{}
	idx.reset("m")
	idx.signsOnly = true
	idx.appendSigns(7, []uint64{1, 1, 11, 11})
	idx.appendSigns(9, []uint64{2, 2, 12, 12})
	idx.appendSigns(7, []uint64{3, 3, 13, 13})
	idx.appendSigns(4, []uint64{5, 5, 15, 15})
	idx.indexSlots()
	if !slices.Equal(idx.papers, []int64{7, 9, 4}) || !slices.Equal(idx.bits, []uint64{3, 3, 2, 2, 5, 5}) ||
		!slices.Equal(idx.mags, []uint64{13, 13, 12, 12, 15, 15}) {
		t.Fatalf("papers %v, bits %v, mags %v; want 7, 9, 4 with 7's later bits", idx.papers, idx.bits, idx.mags)
	}
	idx.putSigns(9, []uint64{6, 6, 16, 16})
	if idx.slot[4] != 2 || !slices.Equal(idx.bits, []uint64{3, 3, 6, 6, 5, 5}) || !slices.Equal(idx.mags, []uint64{13, 13, 16, 16, 15, 15}) {
		t.Fatalf("after putSigns(9): slots %v, bits %v, mags %v", idx.slot, idx.bits, idx.mags)
	}
}

// TestNearest_ChunksWithoutMags: a chunk without magnitude bits (written by
// a paperboy from before them, which reads and writes only the signs) is
// read as not there: its vectors are read instead, the same papers are
// found, and the next read writes it again with both.
func TestNearest_ChunksWithoutMags(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	engines := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "mags.db") }},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.Shared(t).NewDatabase(t) }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			st := newSignsTest(t, e.dsn(t))
			want := st.fullIDs(t) // WarmVectors wrote the chunks
			db := st.open(t)
			if _, err := db.sql.ExecContext(t.Context(), `UPDATE vector_signs SET mags = ?`, []byte{}); err != nil {
				t.Fatal(err)
			}
			db = st.open(t)
			for k, q := range st.queries {
				if got, _ := nearestIDs(t, db, q); !slices.Equal(got, want[k]) {
					t.Fatalf("query %d: %v, with every vector in memory %v", k, got, want[k])
				}
			}
			var n, without int
			err := db.sql.QueryRowContext(t.Context(), `SELECT count(*), count(CASE WHEN length(mags) = 0 THEN 1 END)
				FROM vector_signs WHERE model = 'm'`).Scan(&n, &without)
			if err != nil || n != signsPapers/signChunk || without != 0 {
				t.Fatalf("%d chunks, %d without magnitude bits, %v; want %d, all with", n, without, err, signsPapers/signChunk)
			}
		})
	}
}

// TestNearest_ReEmbeddedWhileRead: a paper re-embedded between the read of
// its chunk and the read of the vectors no chunk covers is in both (here
// the chunk read is played by putting the dropped chunk back): it is kept
// once, with its new vector, and counted once.
func TestNearest_ReEmbeddedWhileRead(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	engines := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "race.db") }},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.Shared(t).NewDatabase(t) }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := t.Context()
			st := newSignsTest(t, e.dsn(t))
			st.fullIDs(t) // WarmVectors wrote the chunks
			db := st.open(t)
			var (
				first, last, dims   int64
				papers, signs, mags []byte
			)
			err := db.sql.QueryRowContext(ctx, `SELECT first_id, last_id, dims, papers, signs, mags FROM vector_signs
				WHERE model = 'm' ORDER BY first_id LIMIT 1`).Scan(&first, &last, &dims, &papers, &signs, &mags)
			if err != nil {
				t.Fatal(err)
			}
			p := st.papers[100] // in the first chunk
			if err := db.SaveVectors(ctx, "m", []bot.PaperVector{{ID: p.ID, Vector: st.queries[0]}}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.sql.ExecContext(ctx, `INSERT INTO vector_signs (model, first_id, last_id, dims, papers, signs, mags)
				VALUES ('m', ?, ?, ?, ?, ?, ?)`, first, last, dims, papers, signs, mags); err != nil {
				t.Fatal(err)
			}
			db = st.open(t)
			got, sims := nearestIDs(t, db, st.queries[0])
			if len(got) < 2 || got[0] != p.ID || got[1] == p.ID || sims[0] < 0.99 {
				t.Fatalf("nearest to the re-embedded paper's vector: %v (%v), want %s first, once", got, sims, p.ID)
			}
			if n := len(db.vectors.papers); n != signsPapers || db.vectors.count != signsPapers {
				t.Fatalf("%d papers in the index, counted %d; want %d", n, db.vectors.count, signsPapers)
			}
		})
	}
}

// TestPrepareNearest: PrepareNearest loads the sign bits in the
// background, as Nearest would (a one-shot search does it while its query
// is embedded); the Nearest after it finds the same papers, and a second
// PrepareNearest with the index loaded does nothing.
func TestPrepareNearest(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	st := newSignsTest(t, filepath.Join(t.TempDir(), "prepare.db"))
	want := st.fullIDs(t)
	db := st.open(t)
	db.PrepareNearest(t.Context(), "m")
	db.running.Wait()
	if !db.vectors.signsOnly || len(db.vectors.papers) != signsPapers {
		t.Fatalf("after PrepareNearest: signs only %v, %d papers; want the sign bits of %d", db.vectors.signsOnly, len(db.vectors.papers), signsPapers)
	}
	db.PrepareNearest(t.Context(), "m")
	db.running.Wait()
	for k, q := range st.queries {
		if got, _ := nearestIDs(t, db, q); !slices.Equal(got, want[k]) {
			t.Fatalf("query %d: %v, want %v", k, got, want[k])
		}
	}
}

// TestNearest_ChunksPastTheWindow: with more vectors in chunks than the
// window holds, the chunks are not loaded: the newest vectors are, whole.
func TestNearest_ChunksPastTheWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	st := newSignsTest(t, filepath.Join(t.TempDir(), "window.db"))
	st.fullIDs(t) // WarmVectors wrote the chunks
	db := st.open(t)
	db.vectorWindow = 2000
	if got, _ := nearestIDs(t, db, st.queries[0]); len(got) != 10 {
		t.Fatalf("%d hits, want 10", len(got))
	}
	if db.vectors.signsOnly || !db.vectors.windowed || len(db.vectors.papers) != 2000 {
		t.Fatalf("index: signs only %v, windowed %v, %d papers; want the newest 2000 vectors whole",
			db.vectors.signsOnly, db.vectors.windowed, len(db.vectors.papers))
	}
}

// TestReadChunksAtOnce: the chunks read in parts at once leave the index
// exactly as one query does (papers, bits, magnitudes, the spans left
// uncovered), and a chunk it cannot place (papers that do not decode, a
// chunk gone since the layout was read) leaves the index as it was, for
// readChunks.
func TestReadChunksAtOnce(t *testing.T) {
	st := newSignsTest(t, filepath.Join(t.TempDir(), "atonce.db"))
	st.fullIDs(t) // WarmVectors writes the chunks
	db := st.open(t)
	ctx := t.Context()
	// A gap between chunks: a vector of the third deleted (its chunk goes).
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM paper_vectors WHERE id = (SELECT first_id + 3 FROM vector_signs ORDER BY first_id LIMIT 1 OFFSET 2)`); err != nil {
		t.Fatal(err)
	}
	fresh := func() *vectorIndex {
		idx := &vectorIndex{}
		idx.reset("m")
		idx.signsOnly = true
		idx.grow(signsPapers)
		return idx
	}
	layout, err := db.chunkLayout(ctx, "m")
	if err != nil || len(layout) != signsPapers/signChunk-1 {
		t.Fatalf("layout of %d chunks (%v), want %d", len(layout), err, signsPapers/signChunk-1)
	}
	one := fresh()
	wantSpans, wantRead, err := db.readChunks(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	for parts := 2; parts <= 4; parts++ {
		idx := fresh()
		spans, read, done, err := db.readChunksAtOnce(ctx, idx, layout, parts)
		if err != nil || !done {
			t.Fatalf("%d parts: done %v, %v", parts, done, err)
		}
		if !slices.Equal(spans, wantSpans) || read != wantRead || idx.dims != one.dims || idx.unslotted != one.unslotted ||
			!slices.Equal(idx.papers, one.papers) || !slices.Equal(idx.bits, one.bits) || !slices.Equal(idx.mags, one.mags) {
			t.Fatalf("%d parts: spans %v, %d chunks, %d papers; one query: %v, %d, %d", parts, spans, read, len(idx.papers), wantSpans, wantRead, len(one.papers))
		}
	}
	if _, _, done, _ := db.readChunksAtOnce(ctx, fresh(), layout, 1); done {
		t.Fatal("read in one part")
	}
	// Papers that do not decode, against a layout read after the change;
	// then that chunk gone since the layout was read.
	at := layout[len(layout)-2].first
	if _, err := db.sql.ExecContext(ctx, `UPDATE vector_signs SET papers = x'01' WHERE first_id = ?`, at); err != nil {
		t.Fatal(err)
	}
	if layout, err = db.chunkLayout(ctx, "m"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"papers that do not decode", "a chunk gone"} {
		idx := fresh()
		if _, _, done, err := db.readChunksAtOnce(ctx, idx, layout, 2); done || err != nil || len(idx.papers) != 0 || len(idx.bits) != 0 || idx.dims != 0 {
			t.Fatalf("%s: done %v (%v), %d papers put", name, done, err, len(idx.papers))
		}
		if _, err := db.sql.ExecContext(ctx, `DELETE FROM vector_signs WHERE first_id = ?`, at); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSimilaritiesInParts: the vectors read in parts at once give the
// similarities read in one part give, for every paper.
func TestSimilaritiesInParts(t *testing.T) {
	st := newSignsTest(t, filepath.Join(t.TempDir(), "parts.db"))
	db := st.open(t)
	var papers []int64
	if err := db.scanRows(t.Context(), `SELECT paper FROM paper_vectors ORDER BY id DESC`, nil, func(rows *sql.Rows) error {
		var p int64
		papers = append(papers, p)
		return rows.Scan(&papers[len(papers)-1])
	}); err != nil {
		t.Fatal(err)
	}
	q, qs := bot.Quantize(st.queries[0])
	for _, n := range []int{readParallel - 1, readParallel, 1001, len(papers)} {
		got, err := db.similarities(t.Context(), "m", q, qs, papers[:n])
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.similaritiesOf(t.Context(), "m", q, qs, slices.Sorted(slices.Values(papers[:n])))
		if err != nil || len(want) != n || !maps.Equal(got, want) {
			t.Fatalf("%d papers: %d similarities in parts, %d in one (%v)", n, len(got), len(want), err)
		}
	}
}
