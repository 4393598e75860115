package store

import (
	"flag"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

var (
	nearestPapers = flag.Int("nearest.papers", 100_000, "vectors in BenchmarkNearestRecall's index")
	nearestDims   = flag.Int("nearest.dims", 768, "dimensions of BenchmarkNearestRecall's vectors")
)

// wordVectors embeds a text as the sum of one pseudo-random vector per
// word: texts that share words are near, as a real embedding puts papers
// of one topic near each other. It is a stand-in for the benchmark only.
type wordVectors struct {
	dims  int
	cache map[string][]float32
}

func (w *wordVectors) word(s string) []float32 {
	if v, ok := w.cache[s]; ok {
		return v
	}
	h := fnv.New64a()
	h.Write([]byte(s))
	r := rand.New(rand.NewPCG(h.Sum64(), 3))
	v := make([]float32, w.dims)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	w.cache[s] = v
	return v
}

func (w *wordVectors) embed(text string) []float32 {
	out := make([]float32, w.dims)
	for _, f := range strings.Fields(strings.ToLower(text)) {
		for i, x := range w.word(f) {
			out[i] += x
		}
	}
	return out
}

// BenchmarkNearestRecall builds an in-memory index of -nearest.papers
// vectors and compares the approximate search (sign bits, then an int8
// rescan) with the exact scan: recall@10 and latency, for two kinds of
// vectors: "topical" (titles and abstracts of bottest.Corpus embedded as
// sums of word vectors, queried by 1-3 title words) and "random" (every
// component independent: no structure at all, the worst case).
//
//	go test -run '^$' -bench NearestRecall -benchtime 1x ./store/
//	go test -run '^$' -bench NearestRecall -benchtime 1x ./store/ -args -nearest.papers=300000
func BenchmarkNearestRecall(b *testing.B) {
	wv := &wordVectors{dims: *nearestDims, cache: map[string][]float32{}}
	r := rand.New(rand.NewPCG(5, 5))
	random := func(string) []float32 {
		v := make([]float32, *nearestDims)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	for _, kind := range []struct {
		name  string
		embed func(string) []float32
	}{{"topical", wv.embed}, {"random", random}} {
		idx := &vectorIndex{}
		idx.reset("m")
		var titles []string
		i := int64(0)
		for p := range bottest.CorpusSeq(1, *nearestPapers) {
			i++
			if len(titles) < 5000 {
				titles = append(titles, p.Title)
			}
			q, s := bot.Quantize(kind.embed(p.Title + " " + p.Abstract))
			idx.put(i, s, q)
		}
		var queries [][]float32
		for k := range 100 {
			words := strings.Fields(titles[(k*37)%len(titles)])
			n := 1 + k%min(3, len(words))
			queries = append(queries, kind.embed(strings.Join(words[:n], " ")))
		}
		b.Run(kind.name, func(b *testing.B) {
			for range b.N {
				recall, approx, exact := nearestRecall(idx, queries)
				b.ReportMetric(recall, "recall@10")
				b.ReportMetric(approx[0], "approx-p50-ms")
				b.ReportMetric(approx[1], "approx-p99-ms")
				b.ReportMetric(exact[0], "exact-p50-ms")
				b.ReportMetric(exact[1], "exact-p99-ms")
			}
		})
	}
}

// nearestRecall returns the mean recall@10 of the approximate search
// against the exact scan, and both one's p50 and p99 in milliseconds.
func nearestRecall(idx *vectorIndex, queries [][]float32) (float64, [2]float64, [2]float64) {
	var found, total int
	var ta, te []float64
	for _, q := range queries {
		start := time.Now()
		got, _ := idx.nearest(q, 10)
		ta = append(ta, float64(time.Since(start).Microseconds())/1000)
		idx.exact = true
		start = time.Now()
		want, _ := idx.nearest(q, 10)
		te = append(te, float64(time.Since(start).Microseconds())/1000)
		idx.exact = false
		for _, id := range want {
			if slices.Contains(got, id) {
				found++
			}
		}
		total += len(want)
	}
	pcts := func(d []float64) [2]float64 {
		slices.Sort(d)
		return [2]float64{d[len(d)/2], d[len(d)*99/100]}
	}
	return float64(found) / float64(total), pcts(ta), pcts(te)
}
