package arxiv_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paperboy/bot"
)

// parser is the signature shared by ParseAtom, ParseRSS and ParseSnapshot.
type parser func(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error

// result is everything a parser reported.
type result struct {
	items []bot.Item
	skips []bot.Skip
	err   error
}

// parse runs p over r and collects what it reports.
func parse(p parser, r io.Reader) result {
	var res result
	res.err = p(r, func(it bot.Item) error {
		res.items = append(res.items, it)
		return nil
	}, func(s bot.Skip) {
		res.skips = append(res.skips, s)
	})
	return res
}

// MustParseFile runs p over testdata/name and fails the test on an error.
func MustParseFile(tb testing.TB, p parser, name string) result {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res := parse(p, f)
	if res.err != nil {
		tb.Fatalf("parse %s: %v", name, res.err)
	}
	return res
}

// MustReadFile returns the contents of testdata/name.
func MustReadFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// byID returns the item with the paper id, failing the test when absent.
func byID(tb testing.TB, items []bot.Item, id string) bot.Item {
	tb.Helper()
	for _, it := range items {
		if it.Paper.ID == id {
			return it
		}
	}
	tb.Fatalf("no paper %q among %d items", id, len(items))
	return bot.Item{}
}

// ids lists the items' paper ids.
func ids(items []bot.Item) string {
	s := make([]string, len(items))
	for i, it := range items {
		s[i] = it.Paper.ID
	}
	return strings.Join(s, " ")
}

// join shows a string list in failure messages.
func join(s []string) string { return strings.Join(s, "|") }
