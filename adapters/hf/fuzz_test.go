package hf_test

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"paperboy/adapters/hf"
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

func FuzzParseDailyPapers(f *testing.F) {
	f.Add([]byte(`[{"paper":{"id":"2608.00001","title":"T"}},null,{"paper":{"id":2608.1}}]`))
	fuzzParser(f, hf.ParseDailyPapers,
		"daily_papers_2025-01-27.json")
}

func FuzzParsePaper(f *testing.F) {
	fuzzParser(f, hf.ParsePaper,
		"paper_2608.12313.json")
}

func FuzzParsePage(f *testing.F) {
	f.Add([]byte("Daily Papers\n\nA Title\n\nAn abstract that ends here.\n"))
	fuzzParser(f, hf.ParsePage)
}
