package hf

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"paperboy/bot"
)

// errNotArray and errNotObject say the input as a whole has the wrong shape.
var (
	errNotArray  = errors.New("not a JSON array")
	errNotObject = errors.New("not a JSON object")
)

// ParseDailyPapers reads a /api/daily_papers response: a JSON array of
// items, each wrapping a paper in "paper". It calls emit for every usable
// item, in input order, and skip once for every item it cannot use, naming
// it "item N (id)" with N counted from 1. A second item with an id already
// seen is skipped as a duplicate.
//
// Items are decoded one at a time, so one malformed item costs only itself.
// If the JSON breaks off mid-array (a truncated file), the items before the
// break are kept and the break is reported as one Skip. The error is non-nil
// only when the input is not a JSON array at all, reading fails, or emit
// returns an error (which stops the parse).
func ParseDailyPapers(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error {
	if _, err := decodeDaily(r, emit, skip); err != nil {
		return fmt.Errorf("parse daily papers: %w", err)
	}
	return nil
}

// ParsePaper reads a /api/papers/{id} response: one paper object, not
// wrapped in "paper". A single daily_papers item (with "paper") is accepted
// too, and so are several objects one after the other (JSON Lines of
// papers): each is emitted, none is dropped. It calls emit with each paper,
// or skip with the reason one cannot be used. The error is non-nil only
// when the input does not start with a JSON object, reading fails, or emit
// fails.
func ParsePaper(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error {
	dec := json.NewDecoder(bot.LimitJSON(skipBOM(r)))
	for n := 1; ; n++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		switch {
		case errors.Is(err, io.EOF) && n > 1:
			return nil
		case err != nil && n == 1:
			return fmt.Errorf("parse paper: %w", err)
		case err != nil && !isSyntax(err):
			return fmt.Errorf("parse paper: %w", err)
		case err != nil:
			report(skip, bot.Skip{Where: fmt.Sprintf("object %d", n),
				Reason: "the JSON breaks off here (" + err.Error() + "); the rest of the input was not read"})
			return nil
		}
		if kind := jsonKind(raw); kind != "an object" {
			if n == 1 {
				return fmt.Errorf("parse paper: %w but %s", errNotObject, kind)
			}
			report(skip, bot.Skip{Where: fmt.Sprintf("object %d", n), Reason: "is " + kind + ", not an object"})
			continue
		}
		it, s := decodeSingle(raw)
		if s != nil {
			report(skip, *s)
			continue
		}
		if err := emit(it); err != nil {
			return fmt.Errorf("parse paper: %w", err)
		}
	}
}

// report calls skip with s, if there is a skip function.
func report(skip func(bot.Skip), s bot.Skip) {
	if skip != nil {
		skip(s)
	}
}

// decodeSingle decodes a lone paper object, or a lone daily_papers item.
func decodeSingle(raw json.RawMessage) (bot.Item, *bot.Skip) {
	var probe struct {
		ID    json.RawMessage `json:"id"`
		Paper json.RawMessage `json:"paper"`
	}
	_ = json.Unmarshal(raw, &probe) // raw is an object; unknown shapes fall through
	if jsonKind(probe.ID) == "missing" && jsonKind(probe.Paper) == "an object" {
		return decodeItem(1, raw)
	}
	return decodePaper("paper", raw, fallback{})
}

// decodeDaily reads a daily_papers array, calling emit for each usable,
// first-seen item and skip for the rest. It returns how many elements the
// array held, usable or not, which is what paging counts.
func decodeDaily(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) (int, error) {
	seen := make(map[string]int)
	return readArray(r, func(n int, raw json.RawMessage) error {
		it, s := decodeItem(n, raw)
		if s == nil {
			s = duplicate(seen, n, it.Paper.ID)
		}
		if s != nil {
			if skip != nil {
				skip(*s)
			}
			return nil
		}
		return emit(it)
	}, skip)
}

// duplicate records that item n has id, and returns a Skip when an earlier
// item had it already.
func duplicate(seen map[string]int, n int, id string) *bot.Skip {
	if first, ok := seen[id]; ok {
		return &bot.Skip{
			Where:  fmt.Sprintf("item %d (%s)", n, id),
			Reason: fmt.Sprintf("duplicate of item %d, which has the same id", first),
		}
	}
	seen[id] = n
	return nil
}

// readArray reads a JSON array one element at a time and calls each with the
// element's 1-based position. It returns the number of elements read. When
// the JSON breaks off mid-array it reports one Skip and stops without an
// error; reader errors and errors from each are returned.
func readArray(r io.Reader, each func(n int, raw json.RawMessage) error, skip func(bot.Skip)) (int, error) {
	dec := json.NewDecoder(bot.LimitJSON(skipBOM(r)))
	if err := expectArray(dec); err != nil {
		return 0, err
	}
	n := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if !isSyntax(err) {
				return n, err
			}
			if skip != nil {
				skip(bot.Skip{
					Where:  fmt.Sprintf("item %d", n+1),
					Reason: "the JSON breaks off here (" + err.Error() + "); the rest of the input was not read",
				})
			}
			return n, nil
		}
		n++
		if err := each(n, raw); err != nil {
			return n, err
		}
	}
	return n, nil
}

// expectArray reads the opening bracket of a JSON array.
func expectArray(dec *json.Decoder) error {
	tok, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%w: the input is empty", errNotArray)
	case isSyntax(err):
		return fmt.Errorf("%w: %w", errNotArray, err)
	case err != nil:
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("%w: it holds %s", errNotArray, tokenKind(tok))
	}
	return nil
}

// tokenKind names the kind of JSON value a first token starts.
func tokenKind(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			return "an object"
		}
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "something else"
}

// skipBOM returns r without a leading UTF-8 byte order mark, which some
// editors write and encoding/json rejects.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
	return br
}

// isSyntax reports whether err means malformed JSON rather than a failed
// read.
func isSyntax(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}
