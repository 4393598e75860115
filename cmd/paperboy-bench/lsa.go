package main

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
)

// lsa is a deterministic stand-in for an embedding model: latent semantic
// analysis, a truncated SVD of the corpus's tf-idf matrix, fitted by a
// randomized range finder (Halko, Martinsson and Tropp, 2011) with two
// power iterations. A text's vector is its tf-idf vector projected on the
// top dims right singular directions (up to a rotation, which cosine
// similarity does not see). It places together words that occur in the
// same papers, so a query in other words than a paper's can still find
// it; unlike a trained model it knows only this corpus's co-occurrences.
// It lives in the benchmark only and is small enough to write here: no Go
// library does sparse truncated SVD.
type lsa struct {
	vocab map[string]int
	idf   []float64
	basis [][]float64 // per term, its dims coordinates
	dims  int
}

// lsaStop are words too common to carry a topic.
var lsaStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields("the and for with that this from are our can has have its into not but also than such which these their more over between both each while when where how what using use used based via across via new two one show shows method methods approach paper propose proposed results model models") {
		lsaStop[w] = true
	}
}

// lsaTokens are the words of text worth weighing: lower case, three
// letters or more, a plural "s" cut.
func lsaTokens(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 3 || lsaStop[w] {
			continue
		}
		if len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-1]
		}
		out = append(out, w)
	}
	return out
}

// fitLSA fits dims directions to docs.
func fitLSA(docs []string, dims int) *lsa {
	df := map[string]int{}
	toks := make([][]string, len(docs))
	for i, d := range docs {
		toks[i] = lsaTokens(d)
		seen := map[string]bool{}
		for _, t := range toks[i] {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	m := &lsa{vocab: map[string]int{}, dims: dims}
	for _, t := range slices.Sorted(maps.Keys(df)) { // in order: the same fit every run
		if n := df[t]; n >= 2 {
			m.vocab[t] = len(m.idf)
			m.idf = append(m.idf, math.Log(float64(len(docs))/float64(n)))
		}
	}
	rows := make([]sparse, len(docs))
	for i := range toks {
		rows[i] = m.tfidf(toks[i])
	}
	m.basis = rangeFinder(rows, len(m.idf), dims)
	return m
}

// sparse is a tf-idf vector: term indexes and weights.
type sparse struct {
	idx []int
	val []float64
}

// tfidf weighs tokens by (1+log tf)·idf, at unit length.
func (m *lsa) tfidf(tokens []string) sparse {
	tf := map[int]int{}
	for _, t := range tokens {
		if j, ok := m.vocab[t]; ok {
			tf[j]++
		}
	}
	var s sparse
	var norm float64
	for _, j := range slices.Sorted(maps.Keys(tf)) {
		w := (1 + math.Log(float64(tf[j]))) * m.idf[j]
		s.idx, s.val = append(s.idx, j), append(s.val, w)
		norm += w * w
	}
	for k := range s.val {
		s.val[k] /= math.Sqrt(norm)
	}
	return s
}

// embed returns the vector of text.
func (m *lsa) embed(text string) []float32 {
	s := m.tfidf(lsaTokens(text))
	v := make([]float64, m.dims)
	for k, j := range s.idx {
		for d, b := range m.basis[j] {
			v[d] += s.val[k] * b
		}
	}
	out := make([]float32, m.dims)
	for d, x := range v {
		out[d] = float32(x)
	}
	return out
}

// rangeFinder returns, per term, the coordinates of an orthonormal basis
// of the top-dims right singular subspace of the docs × terms matrix rows.
func rangeFinder(rows []sparse, terms, dims int) [][]float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	z := make([][]float64, dims) // columns over terms
	for c := range z {
		z[c] = make([]float64, terms)
		for j := range z[c] {
			z[c][j] = rng.NormFloat64()
		}
	}
	for range 3 {
		q := orthonormal(mulRows(rows, z))        // docs × dims, columns
		z = orthonormal(mulRowsT(rows, q, terms)) // terms × dims, columns
	}
	basis := make([][]float64, terms)
	for j := range basis {
		basis[j] = make([]float64, dims)
		for c := range z {
			basis[j][c] = z[c][j]
		}
	}
	return basis
}

// mulRows returns X·Z as columns over docs, Z's columns over terms.
func mulRows(rows []sparse, z [][]float64) [][]float64 {
	out := make([][]float64, len(z))
	for c := range z {
		out[c] = make([]float64, len(rows))
		for i, r := range rows {
			var s float64
			for k, j := range r.idx {
				s += r.val[k] * z[c][j]
			}
			out[c][i] = s
		}
	}
	return out
}

// mulRowsT returns Xᵀ·Q as columns over terms, Q's columns over docs.
func mulRowsT(rows []sparse, q [][]float64, terms int) [][]float64 {
	out := make([][]float64, len(q))
	for c := range q {
		out[c] = make([]float64, terms)
		for i, r := range rows {
			for k, j := range r.idx {
				out[c][j] += r.val[k] * q[c][i]
			}
		}
	}
	return out
}

// orthonormal makes the columns orthonormal in place (modified
// Gram-Schmidt) and returns them.
func orthonormal(cols [][]float64) [][]float64 {
	for c := range cols {
		for p := range c {
			var dot float64
			for i, x := range cols[c] {
				dot += x * cols[p][i]
			}
			for i := range cols[c] {
				cols[c][i] -= dot * cols[p][i]
			}
		}
		var norm float64
		for _, x := range cols[c] {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		for i := range cols[c] {
			if norm > 0 {
				cols[c][i] /= norm
			}
		}
	}
	return cols
}
