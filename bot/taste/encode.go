package taste

import (
	"encoding/binary"
	"errors"
	"math"
)

const linearFormat = 1

// ErrStale is the error of decoding a model trained on another vocabulary.
var ErrStale = errors.New("taste: model of another vocabulary")

// MarshalBinary encodes the model, to be decoded with DecodeLinear.
func (m *Linear) MarshalBinary() ([]byte, error) {
	var out []byte
	out = binary.AppendUvarint(out, linearFormat)
	out = appendString(out, m.Vocabulary)
	for _, x := range []float64{m.opt.C, m.opt.StrongNegative, float64(m.opt.Feedback), m.opt.PriorSaves, m.opt.Sink, m.opt.SinkFrom, m.opt.Centroid, m.interest} {
		out = appendFloat(out, x)
	}
	for _, p := range []part{m.saves, m.centroid, m.feedback, m.cosine} {
		out = appendPart(out, p)
	}
	out = binary.AppendUvarint(out, uint64(len(m.saved)))
	for _, p := range m.saved {
		out = appendString(out, p.ID)
		out = appendString(out, p.Title)
		out = appendVector(out, p.Vector)
	}
	out = binary.AppendUvarint(out, uint64(len(m.notForUs)))
	for _, v := range m.notForUs {
		out = appendVector(out, v)
	}
	return out, nil
}

// DecodeLinear decodes a model that MarshalBinary encoded, for use with
// vocabulary v. The error is ErrStale when the model was trained on another
// vocabulary: train it again.
func DecodeLinear(data []byte, v *Vocabulary) (*Linear, error) {
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

func appendPart(out []byte, p part) []byte {
	flag := uint64(0)
	if p.configured {
		flag = 1
	}
	out = binary.AppendUvarint(out, flag)
	out = appendVector(out, p.w)
	for _, x := range []float64{p.b, p.mean, p.sd, p.weight} {
		out = appendFloat(out, x)
	}
	return out
}

func (r *reader) part(cols int) part {
	p := part{configured: r.uvarint() == 1}
	p.w = r.vector(cols)
	p.b, p.mean, p.sd, p.weight = r.float64(), r.float64(), r.float64(), r.float64()
	if p.sd == 0 {
		p.sd = 1
	}
	return p.indexed(cols)
}
