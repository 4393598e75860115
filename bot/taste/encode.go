package taste

import (
	"encoding/binary"
	"errors"
	"math"
)

// ErrStale is the error of decoding a model trained on another vocabulary.
var ErrStale = errors.New("taste: model of another vocabulary")

// linearHeader reads what every format of a model begins with: the format,
// which must be format, the vocabulary's ID, which must be v's (else
// ErrStale), and the options.
func (r *reader) linearHeader(format uint64, v *Vocabulary) (*Linear, error) {
	if r.uvarint() != format {
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
	return m, nil
}

// decodeLinear1 decodes a model in format 1, whose weights are varints and
// are copied out.
func decodeLinear1(data []byte, v *Vocabulary) (*Linear, error) {
	r := reader{b: data}
	m, err := r.linearHeader(legacyLinearFormat, v)
	if err != nil {
		return nil, err
	}
	m.saves, m.centroid, m.feedback, m.cosine = r.part(v.Len()), r.part(v.Len()), r.part(v.Len()), r.part(v.Len())
	n := r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		id, title := r.string(), r.string()
		m.saved = append(m.saved, Paper{Doc: Doc{ID: id, Title: title}, Vector: r.vector(v.Len())})
	}
	n = r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		m.notForUs = append(m.notForUs, r.vector(v.Len()))
	}
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}

func appendString(out []byte, s string) []byte {
	out = binary.AppendUvarint(out, uint64(len(s)))
	return append(out, s...)
}

func appendFloat(out []byte, x float64) []byte {
	return binary.LittleEndian.AppendUint64(out, math.Float64bits(x))
}

func (r *reader) part(cols int) part {
	p := part{configured: r.uvarint() == 1}
	p.w = r.vector(cols)
	p.b, p.mean, p.sd, p.weight = r.float64(), r.float64(), r.float64(), r.float64()
	if p.sd == 0 && p.configured {
		p.sd = 1
	}
	return p.indexed(cols)
}
