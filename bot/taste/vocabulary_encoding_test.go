package taste

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"testing"
)

// bigCorpus has enough distinct terms for many restart blocks and
// two-byte columns and counts.
func bigCorpus() []Doc {
	docs := corpus()
	for i := range 600 {
		docs = append(docs, Doc{
			ID:       fmt.Sprintf("big-%d", i),
			Title:    fmt.Sprintf("Method%d for topic%d", i%300, i%170),
			Abstract: fmt.Sprintf("We study alpha%d beta%d and gamma%d with a large model of widget%d.", i%97, i%53, i%41, i/2),
		})
	}
	return docs
}

// The terms and counts of v, by column, as BuildVocabulary made them.
func termsOf(v *Vocabulary) ([]string, []int32) {
	terms, df := make([]string, v.Len()), make([]int32, v.Len())
	for c := range v.Len() {
		terms[c], df[c] = v.Term(int32(c)), int32(uintAt(v.enc.df, v.enc.dw, c))
	}
	return terms, df
}

// encodeFormat3 is the encoding stores held before format 5.
func encodeFormat3(v *Vocabulary) []byte {
	terms, df := termsOf(v)
	out := binary.AppendUvarint(nil, legacyVocabularyFormat)
	out = appendString(out, v.ID())
	out = binary.AppendUvarint(out, uint64(v.Docs()))
	out = binary.AppendUvarint(out, uint64(len(terms)))
	for i, t := range terms {
		out = appendString(out, t)
		out = binary.AppendUvarint(out, uint64(df[i]))
	}
	for i := range terms {
		out = binary.AppendUvarint(out, uint64(uintAt(v.enc.cols, v.enc.cw, i)))
	}
	return out
}

func sameVectors(t *testing.T, a, b *Vocabulary, docs []Doc) {
	t.Helper()
	for _, d := range docs {
		if x, y := a.Vector(d), b.Vector(d); !slices.Equal(x.Cols, y.Cols) || !slices.Equal(x.Vals, y.Vals) {
			t.Fatalf("%s: vector %v, want %v", d.ID, y, x)
		}
	}
}

// Every term reads back from the front-coded section, in order, and each
// one's hash finds its column.
func TestVocabulary_Encoding(t *testing.T) {
	v := BuildVocabulary(bigCorpus(), VocabularyOptions{MinDocs: 1, MaxShare: 1})
	if v.Len() < 10*termBlock || v.enc.cw < 2 {
		t.Fatalf("%d terms, columns of %d bytes: too few to test", v.Len(), v.enc.cw)
	}
	terms, _ := termsOf(v)
	if !slices.IsSorted(terms) || len(slices.Compact(slices.Clone(terms))) != len(terms) {
		t.Fatal("terms not ascending and distinct")
	}
	for c, term := range terms {
		if term == "" {
			t.Fatalf("column %d has no term", c)
		}
		if got, ok := v.column(hashTerm(term)); !ok || got != int32(c) {
			t.Fatalf("column of %q = %d, %v; want %d", term, got, ok, c)
		}
	}
	if _, ok := v.column(hashTerm("not a term of it")); ok {
		t.Fatal("a term outside the vocabulary has a column")
	}
	if got := v.Term(int32(v.Len())); got != "" {
		t.Fatalf("Term past the end = %q", got)
	}
}

// A vocabulary stored before format 5 (format 3) still decodes, to the
// same ID, columns and vectors, and is known to be outdated.
func TestVocabulary_Format3(t *testing.T) {
	docs := bigCorpus()
	v := BuildVocabulary(docs, DefaultVocabulary)
	old := encodeFormat3(v)
	if !Outdated(old) {
		t.Fatal("format 3 not outdated")
	}
	v3, err := DecodeVocabulary(old)
	if err != nil {
		t.Fatal(err)
	}
	if v3.ID() != v.ID() || v3.Len() != v.Len() || v3.Docs() != v.Docs() {
		t.Fatalf("vocabulary %s/%d/%d, want %s/%d/%d", v3.ID(), v3.Len(), v3.Docs(), v.ID(), v.Len(), v.Docs())
	}
	sameVectors(t, v, v3, append(docs, candidates...))
	data, _ := v.MarshalBinary()
	if again, _ := v3.MarshalBinary(); Outdated(data) || !slices.Equal(again, data) {
		t.Fatal("format 3 does not convert to what MarshalBinary writes")
	}
}

// Damaged encodings are refused, not read.
func TestVocabulary_Damaged(t *testing.T) {
	v := BuildVocabulary(bigCorpus(), DefaultVocabulary)
	data, _ := v.MarshalBinary()
	unsorted := slices.Clone(data)
	at := bytes.Index(unsorted, v.enc.hashes[:16])
	copy(unsorted[at:], v.enc.hashes[8:16])
	copy(unsorted[at+8:], v.enc.hashes[:8])
	for name, b := range map[string][]byte{
		"unsorted":  unsorted,
		"empty":     nil,
		"truncated": data[:len(data)-1],
		"longer":    append(slices.Clone(data), 0),
		"format":    append([]byte{9}, data[1:]...),
		"format 3":  encodeFormat3(v)[:len(encodeFormat3(v))/2],
	} {
		if _, err := DecodeVocabulary(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	v2, err := DecodeVocabulary(data)
	if err != nil {
		t.Fatal(err)
	}
	sameVectors(t, v, v2, candidates)
}
