package store

import (
	"math/rand/v2"
	"slices"
	"testing"

	"paperboy/bot"
)

// TestVectorIndex_ParallelScan: an index large enough to be scanned in
// parts finds the same papers as one scan of it all.
func TestVectorIndex_ParallelScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	idx := &vectorIndex{}
	idx.reset("m")
	idx.exact = true
	vec := func() []float32 {
		v := make([]float32, 16)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	for i := range 3 * parallelScan {
		q, s := bot.Quantize(vec())
		idx.put(int64(i+1), s, q)
	}
	query := vec()
	got, sims := idx.nearest(query, 10)
	q, qs := bot.Quantize(query)
	one := idx.scan(q, qs, 0, len(idx.papers), 10)
	var want []int64
	for k := len(one) - 1; k >= 0; k-- {
		want = append(want, idx.papers[one[k].i])
	}
	if !slices.Equal(got, want) || !slices.IsSortedFunc(sims, func(a, b float64) int { return -compareFloat(a, b) }) {
		t.Fatalf("nearest=%v (%v), one scan=%v", got, sims, want)
	}
}

// TestVectorIndex_Approximate: past approxFrom vectors, the sign-score
// search then int8 rescan finds nearly all of the exact scan's ten nearest,
// in the exact scan's order, on vectors with topics (as real ones have).
func TestVectorIndex_Approximate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dims = 64
	topics := make([][]float32, 50)
	for k := range topics {
		topics[k] = make([]float32, dims)
		for i := range topics[k] {
			topics[k][i] = float32(r.NormFloat64())
		}
	}
	near := func(k int) []float32 {
		v := make([]float32, dims)
		for i := range v {
			v[i] = topics[k][i] + 0.7*float32(r.NormFloat64())
		}
		return v
	}
	idx := &vectorIndex{}
	idx.reset("m")
	for i := range approxFrom + 5000 {
		q, s := bot.Quantize(near(i % len(topics)))
		idx.put(int64(i+1), s, q)
	}
	found, total := 0, 0
	for k := range 20 {
		query := near(k)
		got, gotSims := idx.nearest(query, 10)
		idx.exact = true
		want, _ := idx.nearest(query, 10)
		idx.exact = false
		if !slices.IsSortedFunc(gotSims, func(a, b float64) int { return -compareFloat(a, b) }) {
			t.Fatalf("query %d: similarities %v not best first", k, gotSims)
		}
		for _, id := range want {
			if slices.Contains(got, id) {
				found++
			}
		}
		total += len(want)
	}
	if recall := float64(found) / float64(total); recall < 0.95 {
		t.Fatalf("recall@10 = %.2f, want at least 0.95", recall)
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestNearest_Window: past vectorWindow vectors, only the newest papers'
// are searched, and a paper embedded later is still seen.
func TestNearest_Window(t *testing.T) {
	ctx := t.Context()
	db, err := Open(t.TempDir() + "/w.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.vectorWindow = 3
	var papers []bot.Paper
	var vs []bot.PaperVector
	for i := range 5 {
		id := "2608.0000" + string(rune('1'+i))
		papers = append(papers, bot.Paper{ID: id, Title: id})
		vs = append(vs, bot.PaperVector{ID: id, Vector: []float32{1, float32(i)}})
	}
	if _, err := db.AddPapers(ctx, papers); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveVectors(ctx, "m", vs); err != nil {
		t.Fatal(err)
	}
	hits, err := db.Nearest(ctx, "m", []float32{1, 0}, 5)
	var got []string
	for _, h := range hits {
		got = append(got, h.Paper.ID)
	}
	if err != nil || !slices.Equal(got, []string{"2608.00003", "2608.00004", "2608.00005"}) {
		t.Fatalf("Nearest=%v, %v; want the 3 newest papers only, nearest first", got, err)
	}
}

// slowBits is signBits as its comment defines it, a component at a time.
func slowBits(q []int8) []uint64 {
	words := (len(q) + 63) / 64
	out := make([]uint64, 2*words)
	var sum int64
	for _, x := range q {
		sum += int64(x) * int64(x)
	}
	for i, x := range q {
		if x > 0 {
			out[i/64] |= 1 << (i % 64)
		}
		if sum > 0 && int64(x)*int64(x)*int64(len(q))*10000 >= magCut*sum {
			out[words+i/64] |= 1 << (i % 64)
		}
	}
	return out
}

// TestSignBits: the branchless code is the sign and magnitude bits as
// defined, for lengths not a multiple of 64, zero vectors and extremes.
func TestSignBits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 63, 64, 65, 768, 100} {
		for range 200 {
			q := make([]int8, n)
			for i := range q {
				q[i] = int8(r.IntN(256) - 128)
				if r.IntN(5) == 0 {
					q[i] = 0
				}
			}
			if !slices.Equal(signBits(q), slowBits(q)) {
				t.Fatal(n, q)
			}
		}
	}
}

// TestFine: the histogram's cut keeps what sorting every candidate by
// score, ties to the lowest rowid, keeps, with many ties, in one part or
// several.
func TestFine(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	idx := &vectorIndex{}
	idx.reset("m")
	const dims = 128
	for i := range 20000 {
		q := make([]int8, dims)
		for k := range q {
			q[k] = int8(r.IntN(5) - 2) // few distinct codes: ties
		}
		idx.put(int64(20000-i)*7, 1, q) // rowids against position order
	}
	for trial := range 20 {
		q := make([]int8, dims)
		for k := range q {
			q[k] = int8(r.IntN(255) - 127)
		}
		fq := fineQuery(q)
		var at []int
		for i := range idx.papers {
			if r.IntN(3) == 0 {
				at = append(at, i)
			}
		}
		keep := 1 + r.IntN(len(at)-1)
		type ks struct{ i, score int }
		all := make([]ks, len(at))
		for k, i := range at {
			all[k] = ks{i, fineScore(fq, idx.bits[i*2:(i+1)*2], idx.mags[i*2:(i+1)*2])}
		}
		slices.SortFunc(all, func(a, b ks) int {
			if a.score != b.score {
				return b.score - a.score
			}
			return int(idx.papers[a.i] - idx.papers[b.i])
		})
		var want []int
		for _, s := range all[:keep] {
			want = append(want, s.i)
		}
		slices.Sort(want)
		for _, parts := range []int{1, 2, 3} {
			if got := idx.fine(fq, at, keep, parts); !slices.Equal(got, want) {
				t.Fatalf("trial %d, %d parts: fine kept %d positions, not the %d of the sort", trial, parts, len(got), len(want))
			}
		}
	}
}
