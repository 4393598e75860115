package store

import (
	"context"
	"strings"
	"testing"
)

// countingVocab knows the words of known, and counts the words it is
// asked about.
type countingVocab struct {
	known  map[string]int
	looked int
}

func (v *countingVocab) titleCounts(_ context.Context, words []string) (map[string]int, error) {
	v.looked += len(words)
	out := map[string]int{}
	for _, w := range words {
		if n := v.known[w]; n > 0 {
			out[w] = n
		}
	}
	return out, nil
}

func (v *countingVocab) anywhere(_ context.Context, word string, _ int) (int, error) {
	return v.known[word], nil
}

func (v *countingVocab) completes(context.Context, string) (bool, error) { return false, nil }

// TestRespell_BoundsTheWordsItFixes: a query of many long unknown words
// costs the lookups of maxFixes of them, not of all; the first ones are
// still corrected.
func TestRespell_BoundsTheWordsItFixes(t *testing.T) {
	v := &countingVocab{known: map[string]int{"diffusion": 50}}
	one := &countingVocab{known: v.known}
	if _, err := respell(context.Background(), one, []string{"qwertyuiopasdfghjklzxcvb"}); err != nil {
		t.Fatal(err)
	}
	var junk []string
	for i := range 12 {
		junk = append(junk, strings.Repeat(string(rune('a'+i)), 4)+"qwertyuiopasdfghjklz")
	}
	got, err := respell(context.Background(), v, append([]string{"difusion"}, junk...))
	if err != nil {
		t.Fatal(err)
	}
	if !got.corrected || got.forms[0][0] != "diffusion" {
		t.Fatalf("forms %v, want the first word corrected to diffusion", got.forms)
	}
	if limit := 3*one.looked + 100; v.looked > limit { // maxFixes words
		t.Fatalf("%d words looked up for 13 unknown words, want at most %d (three of them)", v.looked, limit)
	}
}
