package bottest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paperboy/bot"
)

// FuzzImporter fuzzes an importer, seeded with the named files of the
// calling package's testdata directory. It checks the promise every
// importer makes: whatever the input, no panic, and every paper it emits
// has a canonical id and a title.
func FuzzImporter(f *testing.F, parse func(io.Reader, func(bot.Item) error, func(bot.Skip)) error, seeds ...string) {
	for _, name := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata", name))
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
