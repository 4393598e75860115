package taste

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// Options tune training. DefaultOptions is what the benchmark was tuned
// with; the zero value is not useful.
type Options struct {
	// C is the SVM's cost: higher fits the signals more closely.
	C float64
	// StrongNegative is how much more a "not for us" paper weighs than a
	// paper nobody marked.
	StrongNegative float64
	// Feedback is how many of the papers nearest the interest sentence
	// count as positives of its pseudo-relevance-feedback SVM.
	Feedback int
	// PriorSaves sets how fast the interest sentence fades as saves come
	// in: its weight is PriorSaves / (PriorSaves + saves), 1 with none.
	PriorSaves float64
	// Sink pulls down papers close to a "not for us" one: the score loses
	// Sink times the cosine above SinkFrom.
	Sink, SinkFrom float64
	// Centroid weighs the cosine to the mean of the saved papers beside
	// the saves' SVM (Rocchio's positive centroid).
	Centroid float64
}

// DefaultOptions are the options the benchmark was tuned with.
var DefaultOptions = Options{C: 0.1, StrongNegative: 3, Feedback: 40, PriorSaves: 20, Sink: 4, SinkFrom: 0.4}

// Linear is the tf-idf model of one channel: an SVM on its saves, plus the
// interest sentence's cosine and its pseudo-relevance-feedback SVM,
// weighted by how many saves there are. The zero Linear scores every paper
// 0.
type Linear struct {
	Vocabulary string // the ID of the vocabulary it was trained on
	saves      part   // the SVM of saves against the rest
	centroid   part   // the mean of the saves, as weights
	feedback   part   // the SVM of the sentence's nearest papers
	cosine     part   // the sentence's own vector, as weights
	interest   float64
	saved      []Paper    // titles and vectors (decoded: titles only), for reasons
	near       savedIndex // a decoded model's saved vectors
	notForUs   []Vector
	opt        Options
	terms      *Vocabulary
}

// part is one linear scorer: weights over columns, a bias, and the mean
// and spread of its scores over the training corpus.
type part struct {
	w Vector // the weights of a trained part, or of one decoded from format 1
	// in is the weights of a part decoded from format 2, read in place.
	in    inPlace
	dense []float32 // w over every column, for scoring
	// starts[k] is the first weight whose column>>shift is k at least:
	// how a part decoded from format 1 finds a column's weight (see
	// indexed).
	starts     []int32
	shift      uint
	b          float64
	mean, sd   float64
	weight     float64
	configured bool
}

// inPlace is a part's weights in format 2: its columns, and each one's
// weight as a float32.
type inPlace struct {
	columns
	vals []byte
}

func (p part) z(x Vector) float64 {
	if !p.configured {
		return 0
	}
	return p.weight * (p.raw(x) - p.mean) / p.sd
}

// raw is w·x + b: by the dense weights when the part has them (training
// scores thousands of papers), else through an index (a decoded model
// scores a day's papers, and expanding its weights would cost more).
// Either way the sum is taken over x's columns in order, so every way
// gives the same bits.
func (p part) raw(x Vector) float64 {
	s := p.b
	switch {
	case p.dense != nil:
		for i, c := range x.Cols {
			s += float64(p.dense[c]) * float64(x.Vals[i])
		}
	case p.in.starts != nil:
		in := &p.in
		mask := int32(1)<<in.shift - 1
		for i, c := range x.Cols {
			k := int(c >> in.shift)
			if k+1 >= len(in.starts) {
				break
			}
			lo := byte(c & mask)
			for j := in.starts[k]; j < in.starts[k+1]; j++ {
				if l := in.lows[j]; l >= lo {
					if l == lo {
						s += float64(math.Float32frombits(binary.LittleEndian.Uint32(in.vals[4*j:]))) * float64(x.Vals[i])
					}
					break
				}
			}
		}
	default:
		for i, c := range x.Cols {
			k := int(c >> p.shift)
			if k+1 >= len(p.starts) {
				break
			}
			for j := p.starts[k]; j < p.starts[k+1]; j++ {
				if wc := p.w.Cols[j]; wc >= c {
					if wc == c {
						s += float64(p.w.Vals[j]) * float64(x.Vals[i])
					}
					break
				}
			}
		}
	}
	return s
}

// weightAt is the weight of column c, 0 when the part has none.
func (p part) weightAt(c int32) float32 {
	switch {
	case p.dense != nil:
		if int(c) < len(p.dense) {
			return p.dense[c]
		}
	case p.in.starts != nil:
		if j, ok := p.in.find(c); ok {
			return math.Float32frombits(binary.LittleEndian.Uint32(p.in.vals[4*j:]))
		}
	default:
		if k := int(c >> p.shift); k+1 < len(p.starts) {
			for j := p.starts[k]; j < p.starts[k+1]; j++ {
				if wc := p.w.Cols[j]; wc >= c {
					if wc == c {
						return p.w.Vals[j]
					}
					break
				}
			}
		}
	}
	return 0
}

// weights returns the part's weights as a vector, however it holds them.
func (p part) weights() Vector {
	if p.in.starts == nil {
		return p.w
	}
	w := Vector{Cols: p.in.all(), Vals: make([]float32, p.in.n())}
	for j := range w.Vals {
		w.Vals[j] = math.Float32frombits(binary.LittleEndian.Uint32(p.in.vals[4*j:]))
	}
	return w
}

// bucketShift is the shift of a bucket index of n columns out of cols:
// about two columns a bucket.
func bucketShift(n, cols int) uint {
	return uint(max(bits.Len(uint(2*cols/max(n, 1)))-1, 0))
}

// indexed fills in starts from w, over cols columns, with about two
// weights a bucket.
func (p part) indexed(cols int) part {
	p.shift = bucketShift(len(p.w.Cols), cols)
	p.starts = make([]int32, cols>>p.shift+2)
	j := 0
	for k := range p.starts {
		for j < len(p.w.Cols) && int(p.w.Cols[j]>>p.shift) < k {
			j++
		}
		p.starts[k] = int32(j)
	}
	return p
}

// expand fills in dense from w, over cols columns.
func (p part) expand(cols int) part {
	p.dense = make([]float32, cols)
	for i, c := range p.w.Cols {
		p.dense[c] = p.w.Vals[i]
	}
	return p
}

// Train fits the channel's model on vocabulary v.
func Train(v *Vocabulary, l Lesson, o Options) *Linear {
	m := &Linear{Vocabulary: v.ID(), saved: l.Saves, opt: o, terms: v}
	for _, p := range l.NotForUs {
		m.notForUs = append(m.notForUs, p.Vector)
	}
	m.interest = o.PriorSaves / (o.PriorSaves + float64(len(l.Saves)))
	if len(l.Saves) > 0 {
		m.saves = m.fit(v, l.Saves, l, 1)
		if o.Centroid > 0 {
			m.centroid = standardise(part{w: mean(l.Saves, v.Len()), weight: o.Centroid, configured: true}.expand(v.Len()), l.Others)
		}
	}
	q := v.VectorOf(l.Interests)
	if strings.TrimSpace(l.Interests) == "" || len(q.Cols) == 0 {
		return m
	}
	m.cosine = standardise(part{w: q, weight: m.interest, configured: true}.expand(v.Len()), l.Others)
	if near := nearest(q, l.Others, o.Feedback); len(near) > 0 {
		m.feedback = m.fit(v, near, l, m.interest)
	}
	return m
}

// fit trains an SVM of pos against the lesson's other papers (weak
// negatives) and its "not for us" (strong), standardised over the others.
func (m *Linear) fit(v *Vocabulary, pos []Paper, l Lesson, weight float64) part {
	isPos := map[string]bool{}
	for _, p := range pos {
		isPos[p.ID] = true
	}
	var neg []Paper
	for _, p := range l.Others {
		if !isPos[p.ID] {
			neg = append(neg, p)
		}
	}
	strong := m.opt.StrongNegative * float64(len(l.NotForUs))
	cpos, cneg := balanced(float64(len(pos)), float64(len(neg))+strong)
	ex := make([]example, 0, len(pos)+len(neg)+len(l.NotForUs))
	for _, p := range pos {
		ex = append(ex, example{x: p.Vector, y: 1, c: m.opt.C * cpos})
	}
	for _, p := range neg {
		ex = append(ex, example{x: p.Vector, y: -1, c: m.opt.C * cneg})
	}
	for _, p := range l.NotForUs {
		ex = append(ex, example{x: p.Vector, y: -1, c: m.opt.C * cneg * m.opt.StrongNegative})
	}
	w, b := trainSVM(ex, v.Len())
	return standardise(part{w: strongest(w, maxWeights), b: b, weight: weight, configured: true}.expand(v.Len()), l.Others)
}

// maxWeights bounds the terms an SVM keeps, those of the largest weights:
// a model stays a few tens of kilobytes, quick to read in every post.
const maxWeights = 10_000

// strongest returns w's n largest weights by magnitude, as a vector.
func strongest(w []float64, n int) Vector {
	v := sparse(w)
	if len(v.Cols) <= n {
		return v
	}
	idx := make([]int, len(v.Cols))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(abs32(v.Vals[b]), abs32(v.Vals[a])), cmp.Compare(a, b))
	})
	idx = idx[:n]
	slices.Sort(idx)
	out := Vector{Cols: make([]int32, n), Vals: make([]float32, n)}
	for i, j := range idx {
		out.Cols[i], out.Vals[i] = v.Cols[j], v.Vals[j]
	}
	return out
}

func abs32(x float32) float32 { return max(x, -x) }

// standardise sets p's mean and spread over papers.
func standardise(p part, papers []Paper) part {
	var st stats
	for _, x := range papers {
		st.add(p.raw(x.Vector))
	}
	p.mean, p.sd = st.meanSD()
	return p
}

// nearest returns the k papers most similar to q, most similar first,
// leaving out those that share nothing with it.
func nearest(q Vector, papers []Paper, k int) []Paper {
	type hit struct {
		p   Paper
		cos float64
	}
	var hits []hit
	for _, p := range papers {
		if c := q.Dot(p.Vector); c > 0 {
			hits = append(hits, hit{p, c})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.cos, a.cos) })
	out := make([]Paper, 0, k)
	for _, h := range hits[:min(k, len(hits))] {
		out = append(out, h.p)
	}
	return out
}

// mean is the unit-length mean of the papers' vectors.
func mean(papers []Paper, cols int) Vector {
	w := make([]float64, cols)
	for _, p := range papers {
		for i, c := range p.Vector.Cols {
			w[c] += float64(p.Vector.Vals[i])
		}
	}
	v := sparse(w)
	v.normalize()
	return v
}

func sparse(w []float64) Vector {
	var v Vector
	for c, x := range w {
		if x != 0 {
			v.Cols = append(v.Cols, int32(c))
			v.Vals = append(v.Vals, float32(x))
		}
	}
	return v
}

// Score rates p: the saves' SVM, plus the interest sentence's cosine and
// feedback SVM weighted by the prior, less the pull of "not for us".
func (m *Linear) Score(p Paper) float64 {
	s, _ := m.scoreSplit(p)
	return s
}

// split is what of a score comes from the saves and what from the
// interest sentence, which a reason weighs.
type split struct{ saves, interest float64 }

// scoreSplit is Score with its split. The parts are added in the order
// Score always added them, ((saves + centroid) + cosine) + feedback, so the
// score keeps its bits.
func (m *Linear) scoreSplit(p Paper) (float64, split) {
	saves := m.saves.z(p.Vector) + m.centroid.z(p.Vector)
	cosine, feedback := m.cosine.z(p.Vector), m.feedback.z(p.Vector)
	s := saves + cosine + feedback
	return s - m.sink(p.Vector), split{saves: saves, interest: cosine + feedback}
}

// sink is how much p is pulled down for being close to a "not for us"
// paper.
func (m *Linear) sink(x Vector) float64 {
	worst := 0.0
	for _, n := range m.notForUs {
		worst = max(worst, n.Dot(x))
	}
	return m.opt.Sink * max(0, worst-m.opt.SinkFrom)
}
