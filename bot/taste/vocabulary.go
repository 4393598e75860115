package taste

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"slices"
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
// Vocabulary serves every channel at once.
type Vocabulary struct {
	terms  []string // column → term
	df     []int32  // column → papers holding it
	docs   int      // papers it was built from
	hashes []uint64 // term hashes, ascending
	byHash []int32  // the column of each of hashes
	idf    []float32
	id     string
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
	v := &Vocabulary{docs: len(docs)}
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
	for h, n := range keep {
		v.terms = append(v.terms, named[h])
		v.df = append(v.df, n)
	}
	v.sortTerms()
	v.derive()
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
func (v *Vocabulary) sortTerms() {
	idx := make([]int, len(v.terms))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(v.terms[a], v.terms[b]) })
	terms, df := make([]string, len(idx)), make([]int32, len(idx))
	for i, j := range idx {
		terms[i], df[i] = v.terms[j], v.df[j]
	}
	v.terms, v.df = terms, df
}

// derive derives the lookup table, the idf and the id from terms and df.
func (v *Vocabulary) derive() {
	v.index()
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	for i, t := range v.terms {
		h.Write([]byte(t))
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(v.df[i]))])
	}
	h.Write(buf[:binary.PutUvarint(buf[:], uint64(v.docs))])
	v.id = hex.EncodeToString(h.Sum(nil)[:8])
}

// index derives the lookup table and the idf (sklearn's smoothed
// ln((1+n)/(1+df)) + 1) from terms and df.
func (v *Vocabulary) index() {
	if v.byHash == nil {
		v.byHash = make([]int32, len(v.terms))
		for i := range v.byHash {
			v.byHash[i] = int32(i)
		}
		slices.SortFunc(v.byHash, func(a, b int32) int { return cmp.Compare(hashTerm(v.terms[a]), hashTerm(v.terms[b])) })
	}
	v.hashes = make([]uint64, len(v.terms))
	for i, c := range v.byHash {
		v.hashes[i] = hashTerm(v.terms[c])
	}
	v.idf = make([]float32, len(v.terms))
	for i := range v.terms {
		v.idf[i] = float32(math.Log(float64(1+v.docs)/float64(1+v.df[i])) + 1)
	}
}

// column returns the column of the term with hash h.
func (v *Vocabulary) column(h uint64) (int32, bool) {
	i, ok := slices.BinarySearch(v.hashes, h)
	if !ok {
		return 0, false
	}
	return v.byHash[i], true
}

// ID names the vocabulary: the same terms and counts give the same ID, so
// a model trained on another vocabulary is known to be stale.
func (v *Vocabulary) ID() string { return v.id }

// Len is how many terms the vocabulary has.
func (v *Vocabulary) Len() int { return len(v.terms) }

// Docs is how many papers the vocabulary was built from.
func (v *Vocabulary) Docs() int { return v.docs }

// Term returns the term of a column.
func (v *Vocabulary) Term(col int32) string { return v.terms[col] }

// Vector returns the paper's tf-idf vector: sublinear tf (1 + ln tf) times
// idf, of unit length. Terms outside the vocabulary are dropped.
func (v *Vocabulary) Vector(d Doc) Vector { return v.VectorOf(d.text()) }

// VectorOf is Vector for any text, e.g. an interest sentence.
func (v *Vocabulary) VectorOf(text string) Vector {
	var cols []int32
	eachTerm(words(text), func(h uint64, _ int, _ bool) {
		if c, ok := v.column(h); ok {
			cols = append(cols, c)
		}
	})
	slices.Sort(cols)
	var out Vector
	for i := 0; i < len(cols); {
		j := i
		for j < len(cols) && cols[j] == cols[i] {
			j++
		}
		out.Cols = append(out.Cols, cols[i])
		out.Vals = append(out.Vals, float32(1+math.Log(float64(j-i)))*v.idf[cols[i]])
		i = j
	}
	out.normalize()
	return out
}

// MarshalBinary encodes the vocabulary: its terms and their counts.
func (v *Vocabulary) MarshalBinary() ([]byte, error) {
	var out []byte
	out = binary.AppendUvarint(out, vocabularyFormat)
	out = appendString(out, v.id)
	out = binary.AppendUvarint(out, uint64(v.docs))
	out = binary.AppendUvarint(out, uint64(len(v.terms)))
	for i, t := range v.terms {
		out = binary.AppendUvarint(out, uint64(len(t)))
		out = append(out, t...)
		out = binary.AppendUvarint(out, uint64(v.df[i]))
	}
	for _, c := range v.byHash {
		out = binary.AppendUvarint(out, uint64(c))
	}
	return out, nil
}

const vocabularyFormat = 3

// errFormat is the error of bytes that no MarshalBinary wrote.
var errFormat = errors.New("taste: not an encoding this version reads")

// UnmarshalBinary decodes what MarshalBinary encoded.
func (v *Vocabulary) UnmarshalBinary(data []byte) error {
	r := reader{b: data}
	if r.uvarint() != vocabularyFormat {
		return errFormat
	}
	id := r.string()
	docs, n := r.uvarint(), r.uvarint()
	if r.err != nil || n > uint64(len(data)) {
		return errFormat
	}
	nv := Vocabulary{docs: int(docs), terms: make([]string, 0, n), df: make([]int32, 0, n)}
	r.s = string(r.b) // one copy; the terms are its substrings
	for range n {
		nv.terms = append(nv.terms, r.substring())
		nv.df = append(nv.df, int32(r.uvarint()))
	}
	nv.byHash = make([]int32, n)
	for i := range nv.byHash {
		if nv.byHash[i] = int32(r.uvarint()); uint64(nv.byHash[i]) >= n {
			return errFormat
		}
	}
	if r.err != nil {
		return errFormat
	}
	nv.index()
	nv.id = id
	*v = nv
	return nil
}
