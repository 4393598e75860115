// Package abstracts loads bot/testdata/abstracts.json for tests: the
// titles, abstracts and authors of the Hugging Face and arXiv fixtures
// (docs/test-data.md), verbatim. It is here, not in bottest, because the
// tests of bot/text and bot/check are inside their packages, which bot
// (and so bottest) imports. It imports only the standard library.
package abstracts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Paper is one paper of the fixture.
type Paper struct {
	Source  string   `json:"source"`
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Authors []string `json:"authors"`
}

// Load returns the fixture's papers, failing tb when it cannot.
func Load(tb testing.TB) []Paper {
	tb.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "testdata", "abstracts.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var papers []Paper
	if err := json.Unmarshal(b, &papers); err != nil {
		tb.Fatal(err)
	}
	if len(papers) < 80 {
		tb.Fatalf("loaded %d papers, want the 85 of the fixtures", len(papers))
	}
	return papers
}
