package hf_test

import (
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
	bottest.FuzzImporter(f, hf.ParsePaper,
		"paper_2608.12313.json")
}

func FuzzParsePage(f *testing.F) {
	f.Add([]byte("Daily Papers\n\nA Title\n\nAn abstract that ends here.\n"))
	bottest.FuzzImporter(f, hf.ParsePage)
}
