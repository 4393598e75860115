package store

import (
	"cmp"
	"container/heap"
	"slices"
	"sync"
)

// Approximate search by meaning. Past approxFrom vectors, nearest does not
// multiply every int8 vector with the query: it keeps one bit a component
// (the component's sign, 96 bytes for 768 dimensions) and scores each
// paper by the query's components with those signs, Σ q_i·sign(x_i),
// read from tables of the query's partial sums for each byte of signs (96
// lookups a paper instead of 768 multiplications). Only the rerank papers
// of best such score are scanned in int8, which orders them exactly. The
// sign score ranks papers nearly as the exact similarity does, so the
// nearest papers are among them, all but a few: recall@10 against the
// exact scan is measured in BenchmarkNearestRecall (docs/benchmarks.md).
const (
	// approxFrom is the least number of vectors searched approximately:
	// below it the exact scan takes a few milliseconds anyway.
	approxFrom = 20000
	// rerankMin and rerankShare size the int8 rescan: at least rerankMin
	// papers, or rerankShare of the index.
	rerankMin   = 2000
	rerankShare = 0.04
)

// signBits returns q's sign bits, one a component, words of 64.
func signBits(q []int8) []uint64 {
	out := make([]uint64, (len(q)+63)/64)
	for i, x := range q {
		if x > 0 {
			out[i/64] |= 1 << (i % 64)
		}
	}
	return out
}

// signTables returns, for each byte of sign bits, the query's partial
// sum for each of its 256 values: Σ ±q_i over the byte's eight components.
func signTables(q []int8) [][256]int32 {
	t := make([][256]int32, (len(q)+63)/64*8)
	for j := range t {
		for b := range 256 {
			var s int32
			for k := range 8 {
				i := 8*j + k
				if i >= len(q) {
					break
				}
				if b&(1<<k) != 0 {
					s += int32(q[i])
				} else {
					s -= int32(q[i])
				}
			}
			t[j][b] = s
		}
	}
	return t
}

// signScore is Σ q_i·sign(x_i) for sign bits x, from the query's tables.
func signScore(t [][256]int32, x []uint64) int32 {
	var s int32
	for w, v := range x {
		u := t[8*w : 8*w+8 : 8*w+8]
		s += u[0][byte(v)] + u[1][byte(v>>8)] + u[2][byte(v>>16)] + u[3][byte(v>>24)] +
			u[4][byte(v>>32)] + u[5][byte(v>>40)] + u[6][byte(v>>48)] + u[7][byte(v>>56)]
	}
	return s
}

// candidates returns the positions of the want vectors of best sign score
// for the query's tables, in parts parts scanned at once.
func (idx *vectorIndex) candidates(t [][256]int32, want, parts int) []int {
	n := len(idx.papers)
	words := len(t) / 8
	bests := make([][]signed, parts)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			h := &signHeap{}
			for i := k * n / parts; i < (k+1)*n/parts; i++ {
				s := signScore(t, idx.bits[i*words:(i+1)*words])
				if len(*h) < want {
					heap.Push(h, signed{i, s})
				} else if s > (*h)[0].score {
					(*h)[0] = signed{i, s}
					heap.Fix(h, 0)
				}
			}
			bests[k] = *h
		})
	}
	wg.Wait()
	all := slices.Concat(bests...)
	slices.SortFunc(all, func(a, b signed) int { return cmp.Compare(b.score, a.score) })
	out := make([]int, 0, want)
	for _, s := range all[:min(len(all), want)] {
		out = append(out, s.i)
	}
	return out
}

// signed is a vector's position and its sign score.
type signed struct {
	i     int
	score int32
}

// signHeap is a min-heap of sign scores: its root is the worst kept.
type signHeap []signed

func (h signHeap) Len() int           { return len(h) }
func (h signHeap) Less(i, j int) bool { return h[i].score < h[j].score }
func (h signHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *signHeap) Push(x any)        { *h = append(*h, x.(signed)) }
func (h *signHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// rescan returns the limit best of the positions by int8 similarity to
// the quantised query q, best first.
func (idx *vectorIndex) rescan(q []int8, qs float32, at []int, limit int) []scored {
	all := make([]scored, len(at))
	for k, i := range at {
		all[k] = scored{i, idx.similarity(q, qs, i)}
	}
	slices.SortFunc(all, func(a, b scored) int { return compareSim(b.sim, a.sim) })
	return all[:min(len(all), limit)]
}

func compareSim(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
