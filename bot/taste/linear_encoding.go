package taste

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
)

// A model's encoding is read in place, like the vocabulary's: a post
// decodes 8 models to score 50 papers each, so decoding checks the
// sections and indexes them but copies no weight. After the header
// (format, vocabulary ID, options, each part's flag, bias, mean, spread,
// weight and count of weights, the saved papers' IDs and titles, the
// count of postings and their save width sw, the "not for us" vectors as
// varints) come little-endian sections of fixed-width values:
//
//	for each part   n × 4 bytes: its columns, ascending
//	                n × 4 bytes: their weights (float32)
//	postings        m × 4 bytes: the columns of the saved papers' vectors,
//	                ascending, by column then save
//	                m × sw bytes: the save each is of
//	                m × 4 bytes: its value (float32)
//
// The postings are the saved papers' vectors turned inside out: the
// nearest saved paper of a reason is found by looking up the paper's
// columns once, instead of taking its dot product with every saved paper.
const (
	linearFormat = 2
	// legacyLinearFormat (weights as varints, copied out) is still read.
	legacyLinearFormat = 1
)

// savedIndex is the saved papers' vectors by column, read in place.
type savedIndex struct {
	enc    []byte // m columns, m saves of sw bytes, m values
	m, sw  int
	starts []int32 // as part.starts, over the columns
	shift  uint
}

// MarshalBinary encodes the model, to be decoded with DecodeLinear.
func (m *Linear) MarshalBinary() ([]byte, error) {
	parts := []part{m.saves, m.centroid, m.feedback, m.cosine}
	ws := make([]Vector, len(parts))
	var out []byte
	out = binary.AppendUvarint(out, linearFormat)
	out = appendString(out, m.Vocabulary)
	for _, x := range []float64{m.opt.C, m.opt.StrongNegative, float64(m.opt.Feedback), m.opt.PriorSaves, m.opt.Sink, m.opt.SinkFrom, m.opt.Centroid, m.interest} {
		out = appendFloat(out, x)
	}
	for i, p := range parts {
		flag := uint64(0)
		if p.configured {
			flag = 1
		}
		out = binary.AppendUvarint(out, flag)
		for _, x := range []float64{p.b, p.mean, p.sd, p.weight} {
			out = appendFloat(out, x)
		}
		ws[i] = p.weights()
		out = binary.AppendUvarint(out, uint64(len(ws[i].Cols)))
	}
	saved := m.savedVectors()
	out = binary.AppendUvarint(out, uint64(len(m.saved)))
	for _, p := range m.saved {
		out = appendString(out, p.ID)
		out = appendString(out, p.Title)
	}
	type posting struct {
		col, save int32
		val       float32
	}
	var post []posting
	for s, x := range saved {
		for i, c := range x.Cols {
			post = append(post, posting{c, int32(s), x.Vals[i]})
		}
	}
	slices.SortFunc(post, func(a, b posting) int { return cmp.Or(cmp.Compare(a.col, b.col), cmp.Compare(a.save, b.save)) })
	sw := width(uint32(max(len(m.saved)-1, 0)))
	out = binary.AppendUvarint(out, uint64(len(post)))
	out = binary.AppendUvarint(out, uint64(sw))
	out = binary.AppendUvarint(out, uint64(len(m.notForUs)))
	for _, v := range m.notForUs {
		out = appendVector(out, v)
	}
	for _, w := range ws {
		for _, c := range w.Cols {
			out = binary.LittleEndian.AppendUint32(out, uint32(c))
		}
		for _, x := range w.Vals {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
		}
	}
	for _, p := range post {
		out = binary.LittleEndian.AppendUint32(out, uint32(p.col))
	}
	for _, p := range post {
		out = appendUint(out, sw, uint32(p.save))
	}
	for _, p := range post {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(p.val))
	}
	return out, nil
}

// savedVectors are the saved papers' vectors, however the model holds
// them.
func (m *Linear) savedVectors() []Vector {
	out := make([]Vector, len(m.saved))
	if m.near.starts == nil {
		for i, p := range m.saved {
			out[i] = p.Vector
		}
		return out
	}
	x := m.near
	for j := range x.m {
		s := uintAt(x.enc[4*x.m:], x.sw, j)
		out[s].Cols = append(out[s].Cols, int32(binary.LittleEndian.Uint32(x.enc[4*j:])))
		out[s].Vals = append(out[s].Vals, math.Float32frombits(binary.LittleEndian.Uint32(x.enc[(4+x.sw)*x.m+4*j:])))
	}
	return out
}

// DecodeLinear decodes a model that MarshalBinary encoded, for use with
// vocabulary v. The error is ErrStale when the model was trained on another
// vocabulary: train it again. The model reads data in place: the caller
// must not change it afterwards.
func DecodeLinear(data []byte, v *Vocabulary) (*Linear, error) {
	if OutdatedLinear(data) {
		return decodeLinear1(data, v)
	}
	r := reader{b: data}
	if r.uvarint() != linearFormat {
		return nil, errFormat
	}
	m := &Linear{Vocabulary: r.string(), terms: v}
	if r.err == nil && m.Vocabulary != v.ID() {
		return nil, ErrStale
	}
	f := make([]float64, 8)
	for i := range f {
		f[i] = r.float64()
	}
	m.opt = Options{C: f[0], StrongNegative: f[1], Feedback: int(f[2]), PriorSaves: f[3], Sink: f[4], SinkFrom: f[5], Centroid: f[6]}
	m.interest = f[7]
	parts := []*part{&m.saves, &m.centroid, &m.feedback, &m.cosine}
	for _, p := range parts {
		p.configured = r.uvarint() == 1
		p.b, p.mean, p.sd, p.weight = r.float64(), r.float64(), r.float64(), r.float64()
		if p.sd == 0 && p.configured {
			p.sd = 1 // dividing by it is safe, whatever the store holds
		}
		n := r.uvarint()
		if n > uint64(len(data)) {
			return nil, errFormat
		}
		p.n = int(n)
	}
	saves := r.uvarint()
	if r.err != nil || saves > uint64(len(data)) {
		return nil, errFormat
	}
	for range saves {
		id, title := r.string(), r.string()
		m.saved = append(m.saved, Paper{Doc: Doc{ID: id, Title: title}})
	}
	posts, sw := r.uvarint(), r.uvarint()
	n := r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		m.notForUs = append(m.notForUs, r.vector(v.Len()))
	}
	if r.err != nil || sw < 1 || sw > 4 || posts > uint64(len(r.b)) {
		return nil, errFormat
	}
	size := (8 + sw) * posts
	for _, p := range parts {
		size += 8 * uint64(p.n)
	}
	if uint64(len(r.b)) != size {
		return nil, errFormat
	}
	b := r.b
	for _, p := range parts {
		p.enc, b = b[:8*p.n:8*p.n], b[8*p.n:]
		var ok bool
		if p.starts, p.shift, ok = bucketsOf(p.enc, p.n, v.Len(), true); !ok {
			return nil, errFormat
		}
		if p.n == 0 {
			p.enc = []byte{} // in place, with no weight
		}
	}
	x := savedIndex{enc: b, m: int(posts), sw: int(sw)}
	var ok bool
	if x.starts, x.shift, ok = bucketsOf(x.enc, x.m, v.Len(), false); !ok {
		return nil, errFormat
	}
	prevCol, prevSave := int64(-1), int64(-1)
	for j := range x.m {
		c, s := int64(binary.LittleEndian.Uint32(x.enc[4*j:])), int64(uintAt(x.enc[4*x.m:], x.sw, j))
		if s >= int64(saves) || c == prevCol && s <= prevSave {
			return nil, errFormat
		}
		prevCol, prevSave = c, s
	}
	m.near = x
	return m, nil
}

// bucketsOf indexes n columns of 4 bytes at the start of enc, over a
// vocabulary of cols columns, as part.indexed does; ok is false when a
// column is past the vocabulary or out of order (strictly ascending when
// strict, else ascending).
func bucketsOf(enc []byte, n, cols int, strict bool) (starts []int32, shift uint, ok bool) {
	shift = bucketShift(n, cols)
	starts = make([]int32, cols>>shift+2)
	k, prev := 0, int64(-1)
	for j := range n {
		c := int64(binary.LittleEndian.Uint32(enc[4*j:]))
		if c >= int64(cols) || c < prev || strict && c == prev {
			return nil, 0, false
		}
		for ; k <= int(c>>shift); k++ {
			starts[k] = int32(j)
		}
		prev = c
	}
	for ; k < len(starts); k++ {
		starts[k] = int32(n)
	}
	return starts, shift, true
}

// OutdatedLinear reports whether data is a model in an older encoding
// than MarshalBinary writes: it still decodes, but slower, so it is worth
// storing again.
func OutdatedLinear(data []byte) bool {
	format, n := binary.Uvarint(data)
	return n > 0 && format == legacyLinearFormat
}

// nearestSaved is the saved paper whose vector has the largest dot product
// with x, the first of those that tie. A decoded model looks x's columns
// up in its postings; the sums are taken over the columns in order either
// way, so both give the same bits.
func (m *Linear) nearestSaved(x Vector) Paper {
	best, at := -1.0, 0
	if m.near.starts == nil {
		for i, s := range m.saved {
			if c := s.Vector.Dot(x); c > best {
				best, at = c, i
			}
		}
		return m.saved[at]
	}
	p := m.near
	dots := make([]float64, len(m.saved))
	saves, vals := p.enc[4*p.m:], p.enc[(4+p.sw)*p.m:]
	for i, c := range x.Cols {
		k := int(c >> p.shift)
		if k+1 >= len(p.starts) {
			break
		}
		for j := int(p.starts[k]); j < int(p.starts[k+1]); j++ {
			pc := int32(binary.LittleEndian.Uint32(p.enc[4*j:]))
			if pc > c {
				break
			}
			if pc == c {
				s := uintAt(saves, p.sw, j)
				dots[s] += float64(math.Float32frombits(binary.LittleEndian.Uint32(vals[4*j:]))) * float64(x.Vals[i])
			}
		}
	}
	for i, c := range dots {
		if c > best {
			best, at = c, i
		}
	}
	return m.saved[at]
}
