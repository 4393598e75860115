package taste

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/bits"
	"slices"
	"sync/atomic"
)

// Doc is a paper as the model reads it: cleaned title and abstract.
type Doc struct {
	ID       string
	Title    string
	Abstract string
}

func (d Doc) text() string { return d.Title + ". " + d.Abstract }

// VocabularyOptions are the document-frequency cut-offs of a Vocabulary.
type VocabularyOptions struct {
	// MinDocs drops terms in fewer papers: typos, names, one-off numbers.
	MinDocs int
	// MaxShare drops terms in more than this share of papers. It is 0.5,
	// not arxiv-sanity's 0.1: "video", "image", "code" and "agents" are
	// each in a tenth to a third of ML papers, and they are what teams'
	// interests are made of.
	MaxShare float64
	// MaxTerms keeps at most this many terms, those in the most papers.
	MaxTerms int
}

// DefaultVocabulary is the vocabulary the benchmark was tuned with.
var DefaultVocabulary = VocabularyOptions{MinDocs: 2, MaxShare: 0.5, MaxTerms: 100_000}

// Vocabulary maps terms (words and two-word phrases) to columns with their
// inverse document frequency. It is read-only once built, so one
// Vocabulary serves every channel at once. It holds its encoding and reads
// it in place (see encodeVocabulary), so decoding a stored one costs
// nothing until terms are looked up.
type Vocabulary struct {
	id   string
	docs int // papers it was built from
	n    int // terms
	enc  encoded
	// starts[b] is the first of the sorted hashes whose top bits are b:
	// a lookup reads one or two hashes instead of searching them all.
	starts []int32
	shift  uint
	// idf caches each column's idf once computed; 0 is not yet.
	idf []atomic.Uint32
}

// newVocabulary is the vocabulary of encoding e, or false when e's hashes
// are not ascending.
func newVocabulary(id string, docs, n int, e encoded) (*Vocabulary, bool) {
	v := &Vocabulary{id: id, docs: docs, n: n, enc: e, idf: make([]atomic.Uint32, n)}
	k := max(bits.Len(uint(n))-1, 0) // 2^k buckets: about 1.5 terms each
	v.shift = uint(64 - k)
	v.starts = make([]int32, 1<<k+1)
	b, prev := 0, uint64(0)
	for i := range n {
		h := binary.LittleEndian.Uint64(e.hashes[8*i:])
		if h < prev {
			return nil, false
		}
		for ; b <= int(h>>v.shift); b++ {
			v.starts[b] = int32(i)
		}
		prev = h
	}
	for ; b < len(v.starts); b++ {
		v.starts[b] = int32(n)
	}
	return v, true
}

// BuildVocabulary counts the terms of docs and keeps those the options
// allow.
func BuildVocabulary(docs []Doc, o VocabularyOptions) *Vocabulary {
	counts := map[uint64]int32{}
	seen := map[uint64]struct{}{}
	for _, d := range docs {
		clear(seen)
		eachTerm(words(d.text()), func(h uint64, _ int, _ bool) {
			if _, ok := seen[h]; !ok {
				seen[h] = struct{}{}
				counts[h]++
			}
		})
	}
	keep := keptTerms(counts, len(docs), o)
	named := map[uint64]string{}
	for _, d := range docs {
		ws := words(d.text())
		eachTerm(ws, func(h uint64, i int, bigram bool) {
			if _, ok := keep[h]; ok {
				if _, ok := named[h]; !ok {
					named[h] = termAt(ws, i, bigram)
				}
			}
		})
	}
	var terms []string
	var df []int32
	for h, n := range keep {
		terms = append(terms, named[h])
		df = append(df, n)
	}
	terms, df = sortTerms(terms, df)
	id := vocabularyID(terms, df, len(docs))
	v, err := decodeVocabulary(encodeVocabulary(id, len(docs), terms, df))
	if err != nil {
		panic("taste: the vocabulary does not decode its own encoding: " + err.Error())
	}
	return v
}

// keptTerms are the hashes within the cut-offs, at most MaxTerms of them.
func keptTerms(counts map[uint64]int32, docs int, o VocabularyOptions) map[uint64]int32 {
	maxDocs := int32(math.Floor(o.MaxShare * float64(docs)))
	if o.MaxShare <= 0 || o.MaxShare >= 1 {
		maxDocs = int32(docs)
	}
	type term struct {
		h  uint64
		df int32
	}
	var ts []term
	for h, n := range counts {
		if int(n) >= o.MinDocs && n <= maxDocs {
			ts = append(ts, term{h, n})
		}
	}
	slices.SortFunc(ts, func(a, b term) int { return cmp.Or(cmp.Compare(b.df, a.df), cmp.Compare(a.h, b.h)) })
	if o.MaxTerms > 0 && len(ts) > o.MaxTerms {
		ts = ts[:o.MaxTerms]
	}
	keep := make(map[uint64]int32, len(ts))
	for _, t := range ts {
		keep[t.h] = t.df
	}
	return keep
}

func termAt(ws []string, i int, bigram bool) string {
	if bigram {
		return ws[i-1] + " " + ws[i]
	}
	return ws[i]
}

// sortTerms orders columns by term, so the same corpus always gives the
// same columns.
func sortTerms(terms []string, df []int32) ([]string, []int32) {
	idx := make([]int, len(terms))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(terms[a], terms[b]) })
	st, sd := make([]string, len(idx)), make([]int32, len(idx))
	for i, j := range idx {
		st[i], sd[i] = terms[j], df[j]
	}
	return st, sd
}

// vocabularyID hashes the terms, their counts and the papers counted.
func vocabularyID(terms []string, df []int32, docs int) string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	for i, t := range terms {
		h.Write([]byte(t))
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(df[i]))])
	}
	h.Write(buf[:binary.PutUvarint(buf[:], uint64(docs))])
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// idfOf is the column's idf, sklearn's smoothed ln((1+n)/(1+df)) + 1,
// computed the first time it is asked for: a ranking reads a few thousand
// of the columns.
func (v *Vocabulary) idfOf(col int32) float32 {
	if x := v.idf[col].Load(); x != 0 {
		return math.Float32frombits(x)
	}
	df := uintAt(v.enc.df, v.enc.dw, int(col))
	x := float32(math.Log(float64(1+v.docs)/float64(1+df)) + 1)
	v.idf[col].Store(math.Float32bits(x))
	return x
}

// ID names the vocabulary: the same terms and counts give the same ID, so
// a model trained on another vocabulary is known to be stale.
func (v *Vocabulary) ID() string { return v.id }

// Len is how many terms the vocabulary has.
func (v *Vocabulary) Len() int { return v.n }

// Docs is how many papers the vocabulary was built from.
func (v *Vocabulary) Docs() int { return v.docs }

// Vector returns the paper's tf-idf vector: sublinear tf (1 + ln tf) times
// idf, of unit length. Terms outside the vocabulary are dropped.
func (v *Vocabulary) Vector(d Doc) Vector { return v.VectorOf(d.text()) }

// VectorOf is Vector for any text, e.g. an interest sentence.
func (v *Vocabulary) VectorOf(text string) Vector {
	ws := words(text)
	cols := make([]int32, 0, 2*len(ws)) // sized once: a paper has hundreds of terms
	eachTerm(ws, func(h uint64, _ int, _ bool) {
		if c, ok := v.column(h); ok {
			cols = append(cols, c)
		}
	})
	slices.Sort(cols)
	distinct := 0
	for i := range cols {
		if i == 0 || cols[i] != cols[i-1] {
			distinct++
		}
	}
	if distinct == 0 {
		return Vector{}
	}
	out := Vector{Cols: make([]int32, 0, distinct), Vals: make([]float32, 0, distinct)}
	for i := 0; i < len(cols); {
		j := i
		for j < len(cols) && cols[j] == cols[i] {
			j++
		}
		out.Cols = append(out.Cols, cols[i])
		out.Vals = append(out.Vals, float32(1+math.Log(float64(j-i)))*v.idfOf(cols[i]))
		i = j
	}
	out.normalize()
	return out
}
