package arxiv

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"paperboy/bot"
)

// xmlInput is what the XML decoder reads instead of the raw feed. It does
// two things while streaming, so that memory stays bounded and one bad byte
// costs one entry:
//
//   - It replaces every byte that is not UTF-8 with U+FFFD and counts it
//     (encoding/xml stops the whole document at the first one). A caller
//     compares the count before and after decoding an entry to skip just
//     that entry.
//   - It cuts every run of character data (text, CDATA, comments) at
//     bot.LimitFieldBytes, on a character boundary and never inside an
//     entity, and keeps what closes it: encoding/xml buffers a text node
//     whole, so a 100 MB <title> would otherwise cost 100 MB and more.
//
// Markup (a tag with its attributes) longer than the limit is an error.
// It implements io.ByteReader, so encoding/xml reads it without a buffer
// of its own and the count is exact at every token.
type xmlInput struct {
	br    *bufio.Reader
	max   int
	out   []byte // bytes ready for ReadByte
	state xmlState
	head  []byte // the first bytes of the current markup, to spot <![CDATA[ and <!--
	tail  [2]byte
	n     int // bytes of the current run kept
	amp   int // bytes since an unclosed '&', 0 when none
	cut   bool
	bad   int // bytes that were not UTF-8, replaced so far
}

type xmlState int

const (
	xmlText xmlState = iota
	xmlMarkup
	xmlCDATA
	xmlComment
)

// errMarkupTooLong reports a tag longer than the field limit.
var errMarkupTooLong = fmt.Errorf("a tag longer than %d bytes", bot.LimitFieldBytes)

func newXMLInput(r io.Reader) *xmlInput {
	return &xmlInput{br: bufio.NewReaderSize(r, 64<<10), max: bot.LimitFieldBytes}
}

// ReadByte implements io.ByteReader.
func (x *xmlInput) ReadByte() (byte, error) {
	for len(x.out) == 0 {
		if err := x.fill(); err != nil {
			return 0, err
		}
	}
	b := x.out[0]
	x.out = x.out[1:]
	return b, nil
}

// Read implements io.Reader.
func (x *xmlInput) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := x.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
	}
	return n, nil
}

// fill reads one character and queues what is kept of it.
func (x *xmlInput) fill() error {
	c, err := x.next()
	if err != nil {
		return err
	}
	keep, err := x.step(c)
	if err != nil {
		return err
	}
	x.out = append(x.out[:0], keep...)
	return nil
}

// next returns the next character's bytes, U+FFFD for a byte that is not
// UTF-8.
func (x *xmlInput) next() ([]byte, error) {
	b, err := x.br.ReadByte()
	if err != nil {
		return nil, err
	}
	if b < utf8.RuneSelf {
		return []byte{b}, nil
	}
	_ = x.br.UnreadByte()
	buf, _ := x.br.Peek(utf8.UTFMax)
	r, size := utf8.DecodeRune(buf)
	if r == utf8.RuneError && size <= 1 {
		_, _ = x.br.Discard(1)
		x.bad++
		return []byte("\uFFFD"), nil
	}
	c := append([]byte(nil), buf[:size]...)
	_, _ = x.br.Discard(size)
	return c, nil
}

// step advances the state over character c and returns what to pass on.
func (x *xmlInput) step(c []byte) ([]byte, error) {
	prev := x.tail
	x.tail[0], x.tail[1] = x.tail[1], c[len(c)-1]
	switch x.state {
	case xmlText:
		if c[0] == '<' {
			x.state, x.head, x.n, x.cut, x.amp = xmlMarkup, x.head[:0], 0, false, 0
			return c, nil
		}
		return x.run(c), nil
	case xmlMarkup:
		return x.markup(c)
	default: // CDATA or a comment: cut inside, keep the end
		end := prev == [2]byte{']', ']'}
		if x.state == xmlComment {
			end = prev == [2]byte{'-', '-'}
		}
		if c[0] == '>' && end {
			was := x.state
			x.state = xmlText
			switch {
			case x.cut && was == xmlCDATA:
				return []byte("]]>"), nil
			case x.cut: // " " keeps a kept '-' from making "--" inside
				return []byte(" -->"), nil
			}
			return c, nil
		}
		return x.run(c), nil
	}
}

// markup passes a tag on, and notes when it opens CDATA or a comment.
func (x *xmlInput) markup(c []byte) ([]byte, error) {
	if c[0] == '>' {
		x.state, x.n = xmlText, 0
		return c, nil
	}
	if len(x.head) < len("![CDATA[") {
		x.head = append(x.head, c...)
		switch {
		case bytes.Equal(x.head, []byte("![CDATA[")):
			x.state, x.n = xmlCDATA, 0
		case bytes.Equal(x.head, []byte("!--")):
			x.state, x.n = xmlComment, 0
		}
		return c, nil
	}
	if x.n += len(c); x.n > x.max {
		return nil, errMarkupTooLong
	}
	return c, nil
}

// run passes on a character of a text run until the run reaches the limit.
func (x *xmlInput) run(c []byte) []byte {
	if x.cut {
		return nil
	}
	switch {
	case c[0] == '&':
		x.amp = 1
	case x.amp > 0 && (c[0] == ';' || x.amp > 32):
		x.amp = 0
	case x.amp > 0:
		x.amp++
	case x.n+len(c) > x.max:
		x.cut = true
		return nil
	}
	x.n += len(c)
	return c
}

// notUTF8 is the reason an entry with bytes that are not UTF-8 is skipped.
const notUTF8 = "holds bytes that are not UTF-8 (a damaged file?); skipped, the other entries are read"
