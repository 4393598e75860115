package taste

import (
	"encoding/binary"
	"slices"
	"testing"
)

// encodeFormat1 is the encoding stores held before format 2: weights and
// saved vectors as varints.
func encodeFormat1(m *Linear) []byte {
	var out []byte
	out = binary.AppendUvarint(out, legacyLinearFormat)
	out = appendString(out, m.Vocabulary)
	for _, x := range []float64{m.opt.C, m.opt.StrongNegative, float64(m.opt.Feedback), m.opt.PriorSaves, m.opt.Sink, m.opt.SinkFrom, m.opt.Centroid, m.interest} {
		out = appendFloat(out, x)
	}
	for _, p := range []part{m.saves, m.centroid, m.feedback, m.cosine} {
		flag := uint64(0)
		if p.configured {
			flag = 1
		}
		out = binary.AppendUvarint(out, flag)
		out = appendVector(out, p.weights())
		for _, x := range []float64{p.b, p.mean, p.sd, p.weight} {
			out = appendFloat(out, x)
		}
	}
	out = binary.AppendUvarint(out, uint64(len(m.saved)))
	for i, v := range m.savedVectors() {
		out = appendString(out, m.saved[i].ID)
		out = appendString(out, m.saved[i].Title)
		out = appendVector(out, v)
	}
	out = binary.AppendUvarint(out, uint64(len(m.notForUs)))
	for _, v := range m.notForUs {
		out = appendVector(out, v)
	}
	return out
}

// trainedBig is a model of 20 saves, two "not for us" and a sentence over
// a vocabulary of many columns, with the papers it was trained on.
func trainedBig(t *testing.T) (*Vocabulary, *Linear, []Paper) {
	t.Helper()
	docs := bigCorpus()
	v := BuildVocabulary(docs, VocabularyOptions{MinDocs: 1, MaxShare: 1})
	all := papers(v, docs)
	for i := range all {
		all[i].Title = docs[i].Title
	}
	m := Train(v, Lesson{Saves: all[40:60], NotForUs: all[60:62], Others: all[62:], Interests: "dense retrieval"}, DefaultOptions)
	return v, m, all
}

func sameModel(t *testing.T, want, got *Linear, ps []Paper) {
	t.Helper()
	for _, p := range ps {
		if a, b := want.Score(p), got.Score(p); a != b || want.Reason(p) != got.Reason(p) {
			t.Fatalf("%s: decoded model scores %v %q, want %v %q", p.ID, b, got.Reason(p), a, want.Reason(p))
		}
	}
}

// A model encodes and decodes to one that scores and explains every paper
// alike, and encodes again to the same bytes.
func TestLinear_Encoding(t *testing.T) {
	v, m, all := trainedBig(t)
	data, _ := m.MarshalBinary()
	if OutdatedLinear(data) {
		t.Fatal("MarshalBinary writes an outdated format")
	}
	m2, err := DecodeLinear(data, v)
	if err != nil {
		t.Fatal(err)
	}
	if m2.near.n() == 0 || m2.saves.in.starts == nil {
		t.Fatal("decoded model not read in place")
	}
	sameModel(t, m, m2, all)
	if again, _ := m2.MarshalBinary(); !slices.Equal(again, data) {
		t.Fatal("a decoded model encodes to other bytes")
	}
	for _, p := range all {
		if a, b := m.nearestSaved(p.Vector), m2.nearestSaved(p.Vector); a.ID != b.ID {
			t.Fatalf("%s: nearest saved %s, want %s", p.ID, b.ID, a.ID)
		}
	}
}

// A model stored in format 1 still decodes, to one that scores alike, is
// known to be outdated, and encodes to what MarshalBinary writes.
func TestLinear_Format1(t *testing.T) {
	v, m, all := trainedBig(t)
	old := encodeFormat1(m)
	if !OutdatedLinear(old) {
		t.Fatal("format 1 not outdated")
	}
	m1, err := DecodeLinear(old, v)
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, m, m1, all)
	data, _ := m.MarshalBinary()
	if again, _ := m1.MarshalBinary(); !slices.Equal(again, data) {
		t.Fatal("format 1 does not convert to what MarshalBinary writes")
	}
	if _, err := DecodeLinear(old[:len(old)/2], v); err == nil {
		t.Fatal("a truncated format 1 model decoded")
	}
}

// Damaged encodings are refused, not read.
func TestLinear_Damaged(t *testing.T) {
	v, m, _ := trainedBig(t)
	data, _ := m.MarshalBinary()
	m2, _ := DecodeLinear(data, v)
	offset := func(section []byte) int {
		for i := range data {
			if len(data)-i >= len(section) && &data[i] == &section[0] {
				return i
			}
		}
		t.Fatal("section not in data")
		return 0
	}
	// swapped returns data with two columns of one bucket of c swapped.
	swapped := func(c columns) []byte {
		for k := 0; k+1 < len(c.starts); k++ {
			if j := c.starts[k]; c.starts[k+1]-j >= 2 && c.lows[j] != c.lows[j+1] {
				out := slices.Clone(data)
				at := offset(c.lows) + int(j)
				out[at], out[at+1] = out[at+1], out[at]
				return out
			}
		}
		t.Fatal("no bucket of two columns")
		return nil
	}
	miscounted := slices.Clone(data)
	miscounted[offset(m2.saves.in.lows)-1]++ // the last bucket's count
	badSave := slices.Clone(data)
	for i := range m2.near.sw {
		badSave[offset(m2.near.saves)+i] = 0xff
	}
	for name, b := range map[string][]byte{
		"unsorted weights":  swapped(m2.saves.in.columns),
		"unsorted postings": swapped(m2.near.columns),
		"miscounted":        miscounted,
		"save out of range": badSave,
		"empty":             nil,
		"truncated":         data[:len(data)-1],
		"longer":            append(slices.Clone(data), 0),
		"format":            append([]byte{9}, data[1:]...),
	} {
		if _, err := DecodeLinear(b, v); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
