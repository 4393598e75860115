package taste

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
)

// The vocabulary's encoding is read in place: decoding checks the header
// and the sections' sizes and copies nothing, so a process that ranks one
// day looks up only the terms of that day's papers, instead of decoding
// and hashing 100,000 terms first. After the header (format, ID, papers,
// terms, the widths cw and dw, the size of the terms section) come
// little-endian sections of fixed-width values:
//
//	hashes    n × 8 bytes: the terms' hashes, ascending
//	columns   n × cw bytes: the column of each of hashes
//	df        n × dw bytes: the papers holding each column's term
//	restarts  ⌈n/termBlock⌉ × 4 bytes: where every termBlock'th term starts
//	terms     the terms by column, each as the count of bytes it shares
//	          with the one before (0 at a restart), the count of the rest,
//	          and the rest
//
// cw and dw are the fewest bytes, 1 to 4, that hold the largest value.
// The terms are front-coded because only reasons read them, a few a
// ranking, and a smaller encoding is quicker to read from the store.
const (
	vocabularyFormat = 5
	// legacyVocabularyFormat (terms and counts as varints, decoded and
	// hashed on every read) is still read, and converted.
	legacyVocabularyFormat = 3
	termBlock              = 16
)

// errFormat is the error of bytes that no MarshalBinary wrote.
var errFormat = errors.New("taste: not an encoding this version reads")

// encoded is the sections of an encoding, each a subslice of it.
type encoded struct {
	data                              []byte
	hashes, cols, df, restarts, terms []byte
	cw, dw                            int
}

// encodeVocabulary encodes a vocabulary of terms (ascending) and their
// document frequencies.
func encodeVocabulary(id string, docs int, terms []string, df []int32) []byte {
	n := len(terms)
	hashes := make([]uint64, n)
	for i, t := range terms {
		hashes[i] = hashTerm(t)
	}
	byHash := make([]int32, n)
	for i := range byHash {
		byHash[i] = int32(i)
	}
	slices.SortFunc(byHash, func(a, b int32) int { return cmp.Compare(hashes[a], hashes[b]) })
	cw, dw := width(uint32(max(n-1, 0))), width(uint32(slices.Max(append([]int32{0}, df...))))
	restarts, fronted := frontCode(terms)

	out := binary.AppendUvarint(nil, vocabularyFormat)
	out = appendString(out, id)
	for _, x := range []int{docs, n, cw, dw, len(fronted)} {
		out = binary.AppendUvarint(out, uint64(x))
	}
	for _, c := range byHash {
		out = binary.LittleEndian.AppendUint64(out, hashes[c])
	}
	for _, c := range byHash {
		out = appendUint(out, cw, uint32(c))
	}
	for _, d := range df {
		out = appendUint(out, dw, uint32(d))
	}
	out = append(out, restarts...)
	return append(out, fronted...)
}

// frontCode encodes terms as the terms section, with its restarts.
func frontCode(terms []string) (restarts, out []byte) {
	prev := ""
	for i, t := range terms {
		shared := 0
		if i%termBlock == 0 {
			restarts = binary.LittleEndian.AppendUint32(restarts, uint32(len(out)))
		} else {
			for shared < min(len(prev), len(t)) && prev[shared] == t[shared] {
				shared++
			}
		}
		out = binary.AppendUvarint(out, uint64(shared))
		out = appendString(out, t[shared:])
		prev = t
	}
	return restarts, out
}

// width is the fewest bytes, 1 to 4, that hold x.
func width(x uint32) int {
	w := 1
	for ; w < 4 && x>>(8*w) != 0; w++ {
	}
	return w
}

func appendUint(out []byte, w int, x uint32) []byte {
	for i := range w {
		out = append(out, byte(x>>(8*i)))
	}
	return out
}

// uintAt is the i'th w-byte value of b.
func uintAt(b []byte, w, i int) uint32 {
	b = b[w*i : w*i+w]
	var x uint32
	for j := w - 1; j >= 0; j-- {
		x = x<<8 | uint32(b[j])
	}
	return x
}

// decodeVocabulary reads the header of data, a vocabulary in the current
// encoding, and slices its sections; data is kept, not copied.
func decodeVocabulary(data []byte) (*Vocabulary, error) {
	r := reader{b: data}
	if r.uvarint() != vocabularyFormat {
		return nil, errFormat
	}
	id := r.string()
	docs, n, cw, dw, size := r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()
	blocks := (n + termBlock - 1) / termBlock
	if r.err != nil || cw < 1 || cw > 4 || dw < 1 || dw > 4 || n > uint64(len(r.b)) ||
		uint64(len(r.b)) != n*(8+cw+dw)+4*blocks+size {
		return nil, errFormat
	}
	e := encoded{data: data, cw: int(cw), dw: int(dw)}
	b := r.b
	for _, s := range []struct {
		dst  *[]byte
		size uint64
	}{{&e.hashes, 8 * n}, {&e.cols, cw * n}, {&e.df, dw * n}, {&e.restarts, 4 * blocks}, {&e.terms, size}} {
		*s.dst, b = b[:s.size:s.size], b[s.size:]
	}
	v, ok := newVocabulary(id, int(docs), int(n), e)
	if !ok {
		return nil, errFormat
	}
	return v, nil
}

// decodeLegacyVocabulary decodes format 3 and encodes it again.
func decodeLegacyVocabulary(data []byte) (*Vocabulary, error) {
	r := reader{b: data}
	if r.uvarint() != legacyVocabularyFormat {
		return nil, errFormat
	}
	id := r.string()
	docs, n := r.uvarint(), r.uvarint()
	if r.err != nil || n > uint64(len(data)) {
		return nil, errFormat
	}
	terms, df := make([]string, 0, n), make([]int32, 0, n)
	for range n {
		terms = append(terms, r.string())
		df = append(df, int32(r.uvarint()))
	}
	for range n { // the columns by hash, derived again
		r.uvarint()
	}
	if r.err != nil || !slices.IsSorted(terms) {
		return nil, errFormat
	}
	return decodeVocabulary(encodeVocabulary(id, int(docs), terms, df))
}

// Outdated reports whether data is a vocabulary in an older encoding than
// MarshalBinary writes: it still decodes, but slower, so it is worth
// storing again.
func Outdated(data []byte) bool {
	format, n := binary.Uvarint(data)
	return n > 0 && format == legacyVocabularyFormat
}

// column returns the column of the term with hash h.
func (v *Vocabulary) column(h uint64) (int32, bool) {
	e := &v.enc
	b := h >> v.shift
	for i := v.starts[b]; i < v.starts[b+1]; i++ {
		switch x := binary.LittleEndian.Uint64(e.hashes[8*i:]); {
		case x == h:
			c := uintAt(e.cols, e.cw, int(i))
			return int32(c), int(c) < v.n
		case x > h:
			return 0, false
		}
	}
	return 0, false
}

// Term returns the term of a column; "" when the encoding is damaged.
func (v *Vocabulary) Term(col int32) string {
	e := &v.enc
	if col < 0 || int(col) >= v.n {
		return ""
	}
	block := int(col) / termBlock
	at := binary.LittleEndian.Uint32(e.restarts[4*block:])
	if uint64(at) > uint64(len(e.terms)) {
		return ""
	}
	r := reader{b: e.terms[at:]}
	var term []byte
	for i := block * termBlock; i <= int(col); i++ {
		shared := r.uvarint()
		rest := r.uvarint()
		if r.err != nil || shared > uint64(len(term)) || rest > uint64(len(r.b)) {
			return ""
		}
		term = append(term[:shared], r.b[:rest]...)
		r.b = r.b[rest:]
	}
	return string(term)
}

// MarshalBinary encodes the vocabulary.
func (v *Vocabulary) MarshalBinary() ([]byte, error) { return bytes.Clone(v.enc.data), nil }

// UnmarshalBinary decodes what MarshalBinary encoded, into a copy of data.
func (v *Vocabulary) UnmarshalBinary(data []byte) error {
	nv, err := DecodeVocabulary(bytes.Clone(data))
	if err != nil {
		return err
	}
	*v = *nv
	return nil
}

// DecodeVocabulary decodes what MarshalBinary encoded. The vocabulary
// reads data in place: the caller must not change it afterwards.
func DecodeVocabulary(data []byte) (*Vocabulary, error) {
	if Outdated(data) {
		return decodeLegacyVocabulary(data)
	}
	return decodeVocabulary(data)
}
