package store

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
)

// Approximate search by meaning. Past approxFrom vectors, nearest does not
// multiply every int8 vector with the query. It keeps two bits a component
// (192 bytes for 768 dimensions): the component's sign, and whether its
// magnitude is large (see signBits). First it scores each paper by how
// much of the query its signs contradict: Σ w_i over the components whose
// sign differs from the query's, w_i being |q_i| rounded to signPlanes
// bits. That is the sign score Σ q_i·sign(x_i) read the other way round
// (Σ|q_i| less twice the contradicted part), with the query's magnitudes
// coarsened so that it takes signPlanes AND+popcounts a word of 64
// components (36 for 768 dimensions) instead of a multiplication a
// component. The rerank papers of best such score (4%) are then ordered by
// their two-bit codes' dot product with the query (fineScore: 12
// AND+popcounts a word), and only the best fineKeep of those are scanned
// in int8, which orders them exactly. Each score ranks papers nearly as
// the exact similarity does, so the nearest papers are among them, all but
// a few: recall@10 against the exact scan is measured in
// BenchmarkNearestRecall (docs/benchmarks.md). The second stage is what
// lets a process without the vectors in memory read 400 int8 vectors
// instead of 4,000 (see vector_signs.go).
const (
	// approxFrom is the least number of vectors searched approximately:
	// below it the exact scan takes a few milliseconds anyway.
	approxFrom = 20000
	// rerankMin and rerankShare size the rescan by two-bit codes: at least
	// rerankMin papers, or rerankShare of the index.
	rerankMin   = 2000
	rerankShare = 0.04
	// signPlanes is how many bits of a query component's magnitude weigh
	// a contradicted sign.
	signPlanes = 3
	// fineKeep is how many of the rescan's candidates, at least, the
	// two-bit code keeps for the exact int8 order (see fine): at 100k
	// vectors, 400 lose 0.001 of recall@10 against rescanning all 4,000 in
	// int8, 200 lose 0.015 (topical vectors). finePlanes is how many bits
	// of a query component's magnitude it weighs.
	fineKeep   = 400
	finePlanes = 4
	// magCut is 10⁴ · 0.98²: see signBits.
	magCut = 9604
)

// signBits returns q's code: its sign bits, one a component, words of 64,
// then as many words of its magnitude bits: each component's of magnitude
// at least 0.98 times q's root mean square, the second bit of a two-bit
// code of each component whose four levels are ±1 and ±3 (the sign, then
// whether it is large). 0.98σ is where the best four-level quantiser of a
// Gaussian puts its outer thresholds. In integers, so that every process
// computes the same bits: x² · n · 10⁴ ≥ 9604 · Σx². Without branches: on
// a vector's random-looking components they are mispredicted half the
// time.
func signBits(q []int8) []uint64 {
	words := (len(q) + 63) / 64
	out := make([]uint64, 2*words)
	var sum int64
	for _, x := range q {
		sum += int64(x) * int64(x)
	}
	cut, n := magCut*sum, int64(len(q))*10000
	for w := range words {
		var sign, mag uint64
		for j, x := range q[w*64 : min(len(q), (w+1)*64)] {
			v := int64(x)
			sign |= uint64(-v) >> 63 << j           // x > 0
			mag |= (uint64(v*v*n-cut)>>63 ^ 1) << j // x²·n ≥ cut
		}
		out[w], out[words+w] = sign, mag
	}
	if sum == 0 {
		clear(out[words:])
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
	out := make([]signWord, (len(q)+63)/64)
	quantise(q, signPlanes, func(i int, positive bool, weight int) {
		w := &out[i/64]
		setBits(&w.bits, w.plane[:], i, positive, weight)
	})
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
// parts parts at once. Ties at the last score kept go to the papers of
// lowest rowid, so the same vectors and query give the same candidates
// whatever their order in the index.
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
	out := make([]int, 0, want)
	var tied []int
	for i, s := range scores {
		if int(s) < cut {
			out = append(out, i)
		} else if int(s) == cut {
			tied = append(tied, i)
		}
	}
	if ties := want - below; ties < len(tied) {
		slices.SortFunc(tied, func(a, b int) int { return cmp.Compare(idx.papers[a], idx.papers[b]) })
		tied = tied[:ties]
		slices.Sort(tied)
	}
	out = append(out, tied...)
	slices.Sort(out)
	return out
}

// fineWord is one word of 64 components of a query for the two-bit code:
// their sign bits, and bit p of each one's weight in plane p.
type fineWord struct {
	bits  uint64
	plane [finePlanes]uint64
}

// fineQuery returns the query's words for fineScore: its components'
// magnitudes rounded to finePlanes bits.
func fineQuery(q []int8) []fineWord {
	out := make([]fineWord, (len(q)+63)/64)
	quantise(q, finePlanes, func(i int, positive bool, weight int) {
		w := &out[i/64]
		setBits(&w.bits, w.plane[:], i, positive, weight)
	})
	return out
}

// quantise calls set for every component i of q with its sign and its
// magnitude relative to the largest of q, rounded to planes bits. It calls
// nothing for an all-zero q.
func quantise(q []int8, planes int, set func(i int, positive bool, weight int)) {
	var peak int
	for _, x := range q {
		peak = max(peak, abs(int(x)))
	}
	if peak == 0 {
		return
	}
	top := 1<<planes - 1
	for i, x := range q {
		set(i, x > 0, (abs(int(x))*top+peak/2)/peak)
	}
}

// setBits sets component i's bit (i mod 64) in bits when positive, and in
// plane[p] for each bit p of weight.
func setBits(bits *uint64, plane []uint64, i int, positive bool, weight int) {
	bit := uint64(1) << (i % 64)
	if positive {
		*bits |= bit
	}
	for p := range plane {
		if weight&(1<<p) != 0 {
			plane[p] |= bit
		}
	}
}

// fineScore is the query's dot product with a vector's two-bit code
// (levels ±1, ±3: sign bits sign, magnitude bits mag), less a constant of
// the query: Σ w·a·(1+2m) = Σw + 2(Σwm − Σwd − 2Σwdm), with a = ±1 (−1
// where the signs differ, d), m the magnitude bit and w the weight;
// higher is nearer. (Written for finePlanes = 4.)
func fineScore(fq []fineWord, sign, mag []uint64) int {
	sign, mag = sign[:len(fq)], mag[:len(fq)]
	var s [finePlanes]int
	for w := range fq {
		f := &fq[w]
		d := sign[w] ^ f.bits
		m := mag[w]
		dm := d & m
		for p := range finePlanes {
			pl := f.plane[p]
			s[p] += bits.OnesCount64(pl&m) - bits.OnesCount64(pl&d) - 2*bits.OnesCount64(pl&dm)
		}
	}
	return s[0] + 2*s[1] + 4*s[2] + 8*s[3]
}

// fine returns the keep positions of at whose two-bit codes score best
// against the query's words, in position order (all of at if there are no
// more), scored in parts parts at once. Ties at the last score kept go to
// the papers of lowest rowid, as in candidates. Like candidates it finds
// the cut by a histogram of the scores, not by sorting them: at 250k
// vectors the 10,000 candidates' sort took a third of the time of the
// first stage.
func (idx *vectorIndex) fine(fq []fineWord, at []int, keep, parts int) []int {
	if keep >= len(at) {
		return at
	}
	words := len(fq)
	scores := make([]int32, len(at))
	if len(at) < parallelScan/2 {
		parts = 1
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for k := p * len(at) / parts; k < (p+1)*len(at)/parts; k++ {
				i := at[k]
				scores[k] = int32(fineScore(fq, idx.bits[i*words:(i+1)*words], idx.mags[i*words:(i+1)*words]))
			}
		})
	}
	wg.Wait()
	// A component adds w, 0, -w or -3w, w at most 2^finePlanes - 1.
	top := (1<<finePlanes - 1) * 64 * words
	hist := make([]int32, 4*top+1) // score s at s + 3*top
	for _, s := range scores {
		hist[int(s)+3*top]++
	}
	cut, above := top, 0
	for above+int(hist[cut+3*top]) < keep {
		above += int(hist[cut+3*top])
		cut--
	}
	out := make([]int, 0, keep)
	var tied []int
	for k, s := range scores {
		if int(s) > cut {
			out = append(out, at[k])
		} else if int(s) == cut {
			tied = append(tied, at[k])
		}
	}
	if ties := keep - above; ties < len(tied) {
		slices.SortFunc(tied, func(a, b int) int { return cmp.Compare(idx.papers[a], idx.papers[b]) })
		tied = tied[:ties]
	}
	out = append(out, tied...)
	slices.Sort(out)
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
	idx.sortScored(all)
	return all[:min(len(all), limit)]
}

// sortScored sorts by similarity, best first, ties to the papers of lowest
// rowid.
func (idx *vectorIndex) sortScored(all []scored) {
	slices.SortFunc(all, func(a, b scored) int {
		if c := compareSim(b.sim, a.sim); c != 0 {
			return c
		}
		return cmp.Compare(idx.papers[a.i], idx.papers[b.i])
	})
}

// fineWant is how many candidates the two-bit code keeps for the int8
// rescan, for limit hits.
func fineWant(limit int) int {
	return max(fineKeep, 4*limit)
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
