package check

import (
	"encoding/json"
	"os"
	"testing"
)

// fixturePaper is a real title and abstract of bot/testdata/abstracts.json.
type fixturePaper struct {
	Source  string   `json:"source"`
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Authors []string `json:"authors"`
}

func mustLoadFixtures(tb testing.TB) []fixturePaper {
	tb.Helper()
	b, err := os.ReadFile("../testdata/abstracts.json")
	if err != nil {
		tb.Fatal(err)
	}
	var papers []fixturePaper
	if err := json.Unmarshal(b, &papers); err != nil {
		tb.Fatal(err)
	}
	if len(papers) < 80 {
		tb.Fatalf("loaded %d papers, want the 85 of the fixtures", len(papers))
	}
	return papers
}
