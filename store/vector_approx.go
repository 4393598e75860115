package store

import (
	"math/bits"
	"slices"
	"sync"
)

// Approximate search by meaning. Past approxFrom vectors, nearest does not
// multiply every int8 vector with the query: it keeps one bit a component
// (the component's sign, 96 bytes for 768 dimensions) and scores each
// paper by how much of the query its signs contradict: Σ w_i over the
// components whose sign differs from the query's, w_i being |q_i| rounded
// to signPlanes bits. That is the sign score Σ q_i·sign(x_i) read the
// other way round (Σ|q_i| less twice the contradicted part), with the
// query's magnitudes coarsened so that it takes signPlanes AND+popcounts a
// word of 64 components (36 for 768 dimensions) instead of a multiplication
// a component. Only the rerank papers of best such score are scanned in
// int8, which orders them exactly. The score ranks papers nearly as the
// exact similarity does, so the nearest papers are among them, all but a
// few: recall@10 against the exact scan is measured in
// BenchmarkNearestRecall (docs/benchmarks.md).
const (
	// approxFrom is the least number of vectors searched approximately:
	// below it the exact scan takes a few milliseconds anyway.
	approxFrom = 20000
	// rerankMin and rerankShare size the int8 rescan: at least rerankMin
	// papers, or rerankShare of the index.
	rerankMin   = 2000
	rerankShare = 0.04
	// signPlanes is how many bits of a query component's magnitude weigh
	// a contradicted sign.
	signPlanes = 3
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

// signWord is one word of 64 components of a query: their sign bits, and
// bit p of each one's weight in plane p.
type signWord struct {
	bits  uint64
	plane [signPlanes]uint64
}

// signQuery returns the query's words for contradicted.
func signQuery(q []int8) []signWord {
	var peak int
	for _, x := range q {
		peak = max(peak, abs(int(x)))
	}
	out := make([]signWord, (len(q)+63)/64)
	if peak == 0 {
		return out
	}
	const top = 1<<signPlanes - 1
	for i, x := range q {
		w, bit := &out[i/64], uint64(1)<<(i%64)
		if x > 0 {
			w.bits |= bit
		}
		weight := (abs(int(x))*top + peak/2) / peak
		for p := range signPlanes {
			if weight&(1<<p) != 0 {
				w.plane[p] |= bit
			}
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// contradicted is the weight of the query's components whose sign x
// contradicts: lower is nearer. (Written for signPlanes = 3.)
func contradicted(sq []signWord, x []uint64) int {
	x = x[:len(sq)]
	var m0, m1, m2 int
	for w := range sq {
		s := &sq[w]
		d := x[w] ^ s.bits
		m0 += bits.OnesCount64(d & s.plane[0])
		m1 += bits.OnesCount64(d & s.plane[1])
		m2 += bits.OnesCount64(d & s.plane[2])
	}
	return m0 + 2*m1 + 4*m2
}

// candidates returns the positions of the want vectors of least
// contradicted weight for the query's words, in position order, scored in
// parts parts at once. Ties at the last score kept go to the first
// positions, so the same index and query give the same candidates.
func (idx *vectorIndex) candidates(sq []signWord, want, parts int) []int {
	n := len(idx.papers)
	if want >= n {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return all
	}
	words := len(sq)
	scores := make([]int32, n)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			for i := k * n / parts; i < (k+1)*n/parts; i++ {
				scores[i] = int32(contradicted(sq, idx.bits[i*words:(i+1)*words]))
			}
		})
	}
	wg.Wait()
	// A histogram of the scores (at most 7 a component) finds the score
	// below which fewer than want are, in one pass.
	hist := make([]int, (1<<signPlanes-1)*64*words+1)
	for _, s := range scores {
		hist[s]++
	}
	cut, below := 0, 0
	for below+hist[cut] < want {
		below += hist[cut]
		cut++
	}
	ties := want - below
	out := make([]int, 0, want)
	for i, s := range scores {
		if int(s) < cut {
			out = append(out, i)
		} else if int(s) == cut && ties > 0 {
			out = append(out, i)
			ties--
		}
	}
	return out
}

// rescan returns the limit best of the positions by int8 similarity to
// the quantised query q, best first, computed in parts parts at once.
func (idx *vectorIndex) rescan(q []int8, qs float32, at []int, limit, parts int) []scored {
	all := make([]scored, len(at))
	var wg sync.WaitGroup
	for p := range parts { // each part fills its own range of all
		wg.Go(func() {
			for k := p * len(at) / parts; k < (p+1)*len(at)/parts; k++ {
				all[k] = scored{at[k], idx.similarity(q, qs, at[k])}
			}
		})
	}
	wg.Wait()
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
