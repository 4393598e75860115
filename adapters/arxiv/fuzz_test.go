package arxiv_test

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"paperboy/adapters/arxiv"
	"paperboy/bot"
)

// fuzzParser checks the promise every importer makes: whatever the input,
// no panic, and every paper it emits has a canonical id and a title.
func fuzzParser(f *testing.F, parse func(r io.Reader, emit func(bot.Item) error, skip func(bot.Skip)) error, seeds ...string) {
	for _, name := range seeds {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parse(bytes.NewReader(data), func(it bot.Item) error {
			if id, ok := bot.ParsePaperRef(it.Paper.ID); !ok || id != it.Paper.ID || strings.TrimSpace(it.Paper.Title) == "" {
				t.Fatalf("emitted %q %q", it.Paper.ID, it.Paper.Title)
			}
			return nil
		}, func(bot.Skip) {})
	})
}

func FuzzParseAtom(f *testing.F) {
	fuzzParser(f, arxiv.ParseAtom,
		"api_query_idlist_astro-ph_0601001_2026-05-11.xml", "api_query_idlist_abc_http400_2026-04-12.xml")
}

func FuzzParseRSS(f *testing.F) {
	fuzzParser(f, arxiv.ParseRSS,
		"rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml")
}

func FuzzParseSnapshot(f *testing.F) {
	fuzzParser(f, arxiv.ParseSnapshot,
		"snapshot.jsonl")
}
