package taste

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// A model's encoding is read in place, like the vocabulary's: a post
// decodes 8 models to score 50 papers each, so decoding checks the
// sections and indexes them but copies no weight. It is also about as
// small as the varints of format 1, since reading a stored byte costs
// about as much as decoding one. After the header (format, vocabulary ID,
// options, each part's flag, bias, mean, spread and weight, the saved
// papers' IDs and titles, the "not for us" vectors as varints, then the
// shape of each section of columns below) come the sections:
//
//	for each part   its columns, then n × 4 bytes: their weights (float32)
//	postings        the columns of the saved papers' vectors, by column
//	                then save; m × sw bytes: the save each is of;
//	                m × 4 bytes: its value (float32)
//
// Columns (ascending) are kept in buckets of 2^shift (shift ≤ 8): the
// count of columns in each bucket (kw bytes each), then each column's low
// shift bits (one byte each). A lookup goes straight to its bucket and
// reads a few bytes.
//
// The postings are the saved papers' vectors turned inside out: the
// nearest saved paper of a reason is found by looking up the paper's
// columns once, instead of taking its dot product with every saved paper.
const (
	linearFormat = 2
	// legacyLinearFormat (weights as varints, copied out) is still read.
	legacyLinearFormat = 1
)

// columns is a section of ascending columns, read in place.
type columns struct {
	lows   []byte  // each column's low shift bits
	starts []int32 // starts[k]: the first column of bucket k; one more than the buckets
	shift  uint
}

func (c *columns) n() int { return len(c.lows) }

// find returns the index of the first column c.
func (c *columns) find(col int32) (int, bool) {
	k := int(col >> c.shift)
	if k+1 >= len(c.starts) {
		return 0, false
	}
	lo := byte(col & (int32(1)<<c.shift - 1))
	for j := c.starts[k]; j < c.starts[k+1]; j++ {
		if l := c.lows[j]; l >= lo {
			return int(j), l == lo
		}
	}
	return 0, false
}

// all returns the columns.
func (c *columns) all() []int32 {
	out := make([]int32, 0, c.n())
	for k := 0; k+1 < len(c.starts); k++ {
		for j := c.starts[k]; j < c.starts[k+1]; j++ {
			out = append(out, int32(k)<<c.shift|int32(c.lows[j]))
		}
	}
	return out
}

// columnsShape is the header of a section of columns.
type columnsShape struct{ n, shift, buckets, kw int }

// shapeOf chooses the buckets of ascending cols, about three columns a
// bucket, and returns the shape and the bucket counts.
func shapeOf(cols []int32, vocabulary int) (columnsShape, []int) {
	shift := min(max(bits.Len(uint(4*vocabulary/max(len(cols), 1)))-1, 0), 8)
	sh := columnsShape{n: len(cols), shift: shift}
	if len(cols) > 0 {
		sh.buckets = int(cols[len(cols)-1]>>shift) + 1
	}
	counts := make([]int, sh.buckets)
	for _, c := range cols {
		counts[c>>shift]++
	}
	sh.kw = width(uint32(slices.Max(append([]int{0}, counts...))))
	return sh, counts
}

func appendShape(out []byte, s columnsShape) []byte {
	for _, x := range []int{s.n, s.shift, s.buckets, s.kw} {
		out = binary.AppendUvarint(out, uint64(x))
	}
	return out
}

func (r *reader) shape() columnsShape {
	return columnsShape{n: r.int(), shift: r.int(), buckets: r.int(), kw: r.int()}
}

// int reads a uvarint that must be a size within the encoding: at most
// its length, so that sizes computed from it do not overflow.
func (r *reader) int() int {
	x := r.uvarint()
	if x > uint64(len(r.b))+1<<16 {
		r.err = errFormat
		return 0
	}
	return int(x)
}

// size is how many bytes the columns take.
func (s columnsShape) size() int { return s.buckets*s.kw + s.n }

func appendColumns(out []byte, cols []int32, s columnsShape, counts []int) []byte {
	for _, k := range counts {
		out = appendUint(out, s.kw, uint32(k))
	}
	for _, c := range cols {
		out = append(out, byte(c&(int32(1)<<s.shift-1)))
	}
	return out
}

// readColumns slices columns of shape s from b, for a vocabulary of
// vocabulary columns; ok is false when they are past it or out of order
// (strictly ascending when strict).
func readColumns(b []byte, s columnsShape, vocabulary int, strict bool) (c columns, ok bool) {
	if s.kw < 1 || s.kw > 4 || s.shift > 8 || len(b) != s.size() ||
		s.buckets > (vocabulary-1)>>s.shift+1 || (s.n == 0) != (s.buckets == 0) {
		return columns{}, false
	}
	c = columns{lows: b[s.buckets*s.kw:], shift: uint(s.shift), starts: make([]int32, s.buckets+1)}
	j := 0
	for k := range s.buckets {
		c.starts[k] = int32(j)
		n := int(uintAt(b, s.kw, k))
		if n > s.n-j {
			return columns{}, false
		}
		for i := j; i < j+n; i++ {
			if l := c.lows[i]; int(l)>>s.shift != 0 || i > j && (l < c.lows[i-1] || strict && l == c.lows[i-1]) {
				return columns{}, false
			}
		}
		j += n
	}
	c.starts[s.buckets] = int32(j)
	if j != s.n || s.n > 0 && int(s.buckets-1)<<s.shift|int(c.lows[s.n-1]) >= vocabulary {
		return columns{}, false
	}
	return c, true
}

// savedIndex is the saved papers' vectors by column, read in place.
type savedIndex struct {
	columns
	saves []byte // the save of each column, sw bytes each
	sw    int
	vals  []byte // the value of each
}

// MarshalBinary encodes the model, to be decoded with DecodeLinear: the
// header (options, parts, saved papers, "not for us" vectors), the shape of
// each section, then the sections: each part's weights by column, and the
// saved papers' vectors as postings by column.
func (m *Linear) MarshalBinary() ([]byte, error) {
	parts := []part{m.saves, m.centroid, m.feedback, m.cosine}
	out := m.appendHeader(nil, parts)
	cols := 0
	if m.terms != nil {
		cols = m.terms.Len()
	}
	type section struct {
		shape  columnsShape
		counts []int
	}
	var sections []section
	ws := make([]Vector, len(parts))
	for i, p := range parts {
		ws[i] = p.weights()
		sh, counts := shapeOf(ws[i].Cols, cols)
		sections = append(sections, section{sh, counts})
	}
	post := m.savedPostings()
	pc := make([]int32, len(post))
	for i, p := range post {
		pc[i] = p.col
	}
	sh, counts := shapeOf(pc, cols)
	for _, s := range append(sections, section{sh, counts}) {
		out = appendShape(out, s.shape)
	}
	sw := width(uint32(max(len(m.saved)-1, 0)))
	out = binary.AppendUvarint(out, uint64(sw))

	for i, w := range ws {
		out = appendColumns(out, w.Cols, sections[i].shape, sections[i].counts)
		for _, x := range w.Vals {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
		}
	}
	out = appendColumns(out, pc, sh, counts)
	for _, p := range post {
		out = appendUint(out, sw, uint32(p.save))
	}
	for _, p := range post {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(p.val))
	}
	return out, nil
}

// appendHeader appends what precedes the sections: the format, the
// vocabulary's fingerprint, the options, each part's flag and scale, the
// saved papers' ids and titles and the "not for us" vectors.
func (m *Linear) appendHeader(out []byte, parts []part) []byte {
	out = binary.AppendUvarint(out, linearFormat)
	out = appendString(out, m.Vocabulary)
	for _, x := range []float64{m.opt.C, m.opt.StrongNegative, float64(m.opt.Feedback), m.opt.PriorSaves, m.opt.Sink, m.opt.SinkFrom, m.opt.Centroid, m.interest} {
		out = appendFloat(out, x)
	}
	for _, p := range parts {
		flag := uint64(0)
		if p.configured {
			flag = 1
		}
		out = binary.AppendUvarint(out, flag)
		for _, x := range []float64{p.b, p.mean, p.sd, p.weight} {
			out = appendFloat(out, x)
		}
	}
	out = binary.AppendUvarint(out, uint64(len(m.saved)))
	for _, p := range m.saved {
		out = appendString(out, p.ID)
		out = appendString(out, p.Title)
	}
	out = binary.AppendUvarint(out, uint64(len(m.notForUs)))
	for _, v := range m.notForUs {
		out = appendVector(out, v)
	}
	return out
}

// posting is one component of a saved paper's vector.
type posting struct {
	col, save int32
	val       float32
}

// savedPostings are the saved papers' vectors as postings, by column and
// then by save.
func (m *Linear) savedPostings() []posting {
	var post []posting
	for s, x := range m.savedVectors() {
		for i, c := range x.Cols {
			post = append(post, posting{c, int32(s), x.Vals[i]})
		}
	}
	slices.SortFunc(post, func(a, b posting) int { return cmp.Or(cmp.Compare(a.col, b.col), cmp.Compare(a.save, b.save)) })
	return post
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
	x := &m.near
	for j, c := range x.all() {
		s := uintAt(x.saves, x.sw, j)
		out[s].Cols = append(out[s].Cols, c)
		out[s].Vals = append(out[s].Vals, math.Float32frombits(binary.LittleEndian.Uint32(x.vals[4*j:])))
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
	m, err := r.linearHeader(linearFormat, v)
	if err != nil {
		return nil, err
	}
	parts := []*part{&m.saves, &m.centroid, &m.feedback, &m.cosine}
	for _, p := range parts {
		p.configured = r.uvarint() == 1
		p.b, p.mean, p.sd, p.weight = r.float64(), r.float64(), r.float64(), r.float64()
		if p.sd == 0 && p.configured {
			p.sd = 1 // dividing by it is safe, whatever the store holds
		}
	}
	saves := r.int()
	for i := 0; i < saves && r.err == nil; i++ {
		id, title := r.string(), r.string()
		m.saved = append(m.saved, Paper{Doc: Doc{ID: id, Title: title}})
	}
	n := r.int()
	for i := 0; i < n && r.err == nil; i++ {
		m.notForUs = append(m.notForUs, r.vector(v.Len()))
	}
	if m.near, err = r.sections(parts, saves, v.Len()); err != nil {
		return nil, err
	}
	return m, nil
}

// sections reads the shapes and then the sections that follow them: each
// part's weights, read in place into parts, and the saved papers' index,
// returned. It checks that the sizes add up to the rest of the data and that
// every posting names one of the saves, in order within its column.
func (r *reader) sections(parts []*part, saves, vocabulary int) (savedIndex, error) {
	shapes := make([]columnsShape, len(parts)+1)
	for i := range shapes {
		shapes[i] = r.shape()
	}
	sw := r.int()
	if r.err != nil || sw < 1 || sw > 4 {
		return savedIndex{}, errFormat
	}
	size := shapes[len(parts)].size() + (sw+4)*shapes[len(parts)].n
	for _, s := range shapes[:len(parts)] {
		size += s.size() + 4*s.n
	}
	if len(r.b) != size {
		return savedIndex{}, errFormat
	}
	b := r.b
	var ok bool
	for i, p := range parts {
		s := shapes[i]
		if p.in.columns, ok = readColumns(b[:s.size()], s, vocabulary, true); !ok {
			return savedIndex{}, errFormat
		}
		b = b[s.size():]
		p.in.vals, b = b[:4*s.n:4*s.n], b[4*s.n:]
	}
	s := shapes[len(parts)]
	x := savedIndex{sw: sw}
	if x.columns, ok = readColumns(b[:s.size()], s, vocabulary, false); !ok {
		return savedIndex{}, errFormat
	}
	b = b[s.size():]
	x.saves, x.vals = b[:sw*s.n], b[sw*s.n:]
	for k := 0; k+1 < len(x.starts); k++ { // saves in range, ascending within a column
		for j := x.starts[k]; j < x.starts[k+1]; j++ {
			sv := uintAt(x.saves, sw, int(j))
			if int(sv) >= saves || j > x.starts[k] && x.lows[j] == x.lows[j-1] && sv <= uintAt(x.saves, sw, int(j-1)) {
				return savedIndex{}, errFormat
			}
		}
	}
	return x, nil
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
	p := &m.near
	dots := make([]float64, len(m.saved))
	for i, c := range x.Cols {
		j, ok := p.find(c)
		if !ok {
			continue
		}
		lo := p.lows[j]
		for k := int(c >> p.shift); j < int(p.starts[k+1]) && p.lows[j] == lo; j++ {
			s := uintAt(p.saves, p.sw, j)
			dots[s] += float64(math.Float32frombits(binary.LittleEndian.Uint32(p.vals[4*j:]))) * float64(x.Vals[i])
		}
	}
	for i, c := range dots {
		if c > best {
			best, at = c, i
		}
	}
	return m.saved[at]
}
