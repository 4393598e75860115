package taste

import (
	"encoding/binary"
	"errors"
	"math"
)

// Vector is a sparse vector: values by column, columns ascending.
type Vector struct {
	Cols []int32
	Vals []float32
}

// Dot is the dot product of two vectors; of unit vectors, their cosine.
func (a Vector) Dot(b Vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(a.Cols) && j < len(b.Cols); {
		switch {
		case a.Cols[i] < b.Cols[j]:
			i++
		case a.Cols[i] > b.Cols[j]:
			j++
		default:
			s += float64(a.Vals[i]) * float64(b.Vals[j])
			i++
			j++
		}
	}
	return s
}

func (a *Vector) normalize() {
	var s float64
	for _, x := range a.Vals {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	n := float32(1 / math.Sqrt(s))
	for i := range a.Vals {
		a.Vals[i] *= n
	}
}

// dense returns w·a for a dense weight vector w.
func dense(w []float64, a Vector) float64 {
	var s float64
	for i, c := range a.Cols {
		s += w[c] * float64(a.Vals[i])
	}
	return s
}

func appendVector(out []byte, a Vector) []byte {
	out = binary.AppendUvarint(out, uint64(len(a.Cols)))
	prev := int32(0)
	for i, c := range a.Cols {
		out = binary.AppendUvarint(out, uint64(c-prev))
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(a.Vals[i]))
		prev = c
	}
	return out
}

// reader decodes what the Marshal methods wrote; its first error sticks.
type reader struct {
	b   []byte
	err error
}

var errShort = errors.New("taste: encoding ends early")

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShort
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *reader) float64() float64 {
	if r.err != nil || len(r.b) < 8 {
		r.err = errShort
		return 0
	}
	x := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return x
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errShort
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// vector reads what appendVector wrote, for a vocabulary of cols columns.
// Models are mostly weights, so this loop is most of decoding one, and
// reads the one-byte gaps between columns without a call.
func (r *reader) vector(cols int) Vector {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errShort
		return Vector{}
	}
	a := Vector{Cols: make([]int32, n), Vals: make([]float32, n)}
	b, prev := r.b, uint64(0)
	for i := range a.Cols {
		if len(b) > 0 && b[0] < 0x80 {
			prev, b = prev+uint64(b[0]), b[1:]
		} else {
			d, k := binary.Uvarint(b)
			if k <= 0 {
				r.err = errShort
				return Vector{}
			}
			prev, b = prev+d, b[k:]
		}
		if prev >= uint64(cols) || len(b) < 4 {
			r.err = errShort
			return Vector{}
		}
		a.Cols[i], a.Vals[i] = int32(prev), math.Float32frombits(binary.LittleEndian.Uint32(b))
		b = b[4:]
	}
	r.b = b
	return a
}
