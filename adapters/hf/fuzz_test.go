package hf_test

import (
	"strings"
	"testing"

	"paperboy/adapters/hf"
	"paperboy/bot/bottest"
)

func FuzzParseDailyPapers(f *testing.F) {
	f.Add([]byte(`[{"paper":{"id":"2608.00001","title":"T"}},null,{"paper":{"id":2608.1}}]`))
	bottest.FuzzImporter(f, hf.ParseDailyPapers,
		"daily_papers_2025-01-27.json")
}

func FuzzParsePaper(f *testing.F) {
	// Issue #11: several objects, the first with only id and title; each
	// must be read, none dropped.
	f.Add([]byte(`{"id":"2401.00001","title":"T"}` + "\n" + `{"id":"2401.00002","title":"U","summary":"S"}` + "\n"))
	f.Add([]byte(`{"id":"2401.00001","title":"T"} [1] {"id":"2401.00002","tit`))
	bottest.FuzzImporter(f, hf.ParsePaper,
		"paper_2608.12313.json")
}

func FuzzParsePage(f *testing.F) {
	f.Add([]byte("Daily Papers\n\nA Title\n\nAn abstract that ends here.\n"))
	// Issue #11: a line past the old 1 MiB scanner limit failed the page.
	f.Add([]byte("A Title\n\n" + strings.Repeat("word ", 300<<10) + "\xc3\n\nB Title\n\nText.\n"))
	bottest.FuzzImporter(f, hf.ParsePage)
}
