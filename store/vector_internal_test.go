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

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
