package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"paperboy/bot/bottest"
)

// runImportMain runs paperboy with ctx and stdin, stderr counted as a
// terminal when terminal is set, and returns what it printed.
func runImportMain(t *testing.T, ctx context.Context, terminal bool, stdin io.Reader, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: stdin, Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }, StderrIsTerminal: terminal}
	err := m.Run(ctx, args)
	if cerr := m.Close(); cerr != nil {
		t.Fatalf("Close: %v", cerr)
	}
	if err != nil {
		stderr.WriteString("paperboy: " + errorLine(err) + "\n")
	}
	return result{stdout.String(), stderr.String(), exitCode(err)}
}

// writeSnapshotLines writes the first n lines of a generated snapshot of
// total papers to a file and returns its path.
func writeSnapshotLines(t *testing.T, dir, name string, total, n int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := bottest.WriteSnapshot(&buf, 1, total); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines[:n], "")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// summaryLine matches the summary of a snapshot import: counts, time, rate.
func summaryLine(path, counts string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(path+" (arXiv metadata JSON Lines): "+counts) +
		` in [0-9]+\.[0-9]s \([0-9]+ records/s\)\n$`)
}

func TestImport_SnapshotResume(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "test.db")
	half := writeSnapshotLines(t, dir, "half.jsonl", 600, 300)
	whole := writeSnapshotLines(t, dir, "whole.jsonl", 600, 600)

	r := runImportMain(t, context.Background(), false, nil, "--db", db, "import", half)
	if want := summaryLine(half, "300 added, 0 updated, 0 already stored, 0 skipped"); r.code != 0 || !want.MatchString(r.stdout) {
		t.Fatalf("first import: exit %d, stdout %q, want %v; stderr %q", r.code, r.stdout, want, r.stderr)
	}
	if r.stderr != "" {
		t.Fatalf("stderr %q, want nothing when stderr is not a terminal", r.stderr)
	}
	r = runImportMain(t, context.Background(), false, nil, "--db", db, "import", whole)
	if want := summaryLine(whole, "300 added, 0 updated, 300 already stored, 0 skipped"); r.code != 0 || !want.MatchString(r.stdout) {
		t.Fatalf("second import: exit %d, stdout %q, want %v", r.code, r.stdout, want)
	}
}

// TestImport_SnapshotKeepsStored checks that a snapshot import leaves a
// paper Hugging Face stored (upvotes, title) as it was.
func TestImport_SnapshotKeepsStored(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "test.db")
	mustRun(t, nil, "--db", db, "import", "sample/daily_papers_2026-08-13.json")
	before := mustRun(t, nil, "--db", db, "today", "--date", "2026-08-13", "--json").stdout
	first := regexp.MustCompile(`"id": ?"([^"]+)"`).FindStringSubmatch(before)
	if first == nil {
		t.Fatalf("no paper id in %q", before)
	}
	snap := filepath.Join(dir, "snap.jsonl")
	line := `{"id":"` + first[1] + `","submitter":"A","authors":"A B","title":"A snapshot title","abstract":"  Text.\n",` +
		`"categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"}],"authors_parsed":[["B","A",""]]}` + "\n"
	if err := os.WriteFile(snap, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, nil, "--db", db, "import", snap)
	if !strings.Contains(r.stdout, "0 added, 0 updated, 1 already stored") {
		t.Fatalf("summary %q, want the paper already stored", r.stdout)
	}
	if after := mustRun(t, nil, "--db", db, "today", "--date", "2026-08-13", "--json").stdout; after != before {
		t.Fatalf("the day's papers changed after the snapshot import:\n%s\nvs\n%s", before, after)
	}
}

// categoriesSnapshot is a snapshot of four papers in different categories.
const categoriesSnapshot = `{"id":"2401.00001","submitter":"A","authors":"A B","title":"One","abstract":"x","categories":"cs.AI","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 10:00:00 GMT"}],"authors_parsed":[["B","A",""]]}
{"id":"2401.00002","submitter":"A","authors":"A B","title":"Two","abstract":"x","categories":"stat.ML cs.LG","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 10:00:00 GMT"}],"authors_parsed":[["B","A",""]]}
{"id":"2401.00003","submitter":"A","authors":"A B","title":"Three","abstract":"x","categories":"math.AG","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 10:00:00 GMT"}],"authors_parsed":[["B","A",""]]}
{"id":"2401.00004","submitter":"A","authors":"A B","title":"Four","abstract":"x","categories":"physics.comp-ph csx.AI","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 10:00:00 GMT"}],"authors_parsed":[["B","A",""]]}
`

func TestImport_Categories(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "cats.jsonl")
	if err := os.WriteFile(snap, []byte(categoriesSnapshot), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, categories, want string
	}{
		{"Category", "cs.AI", "1 added, 0 updated, 0 already stored, 3 filtered out, 0 skipped"},
		{"Archive", "cs", "2 added, 0 updated, 0 already stored, 2 filtered out, 0 skipped"},
		{"List", "math.AG, cs.LG", "2 added, 0 updated, 0 already stored, 2 filtered out, 0 skipped"},
		{"Case", "PHYSICS.Comp-Ph", "1 added, 0 updated, 0 already stored, 3 filtered out, 0 skipped"},
		{"None", "q-bio", "0 added, 0 updated, 0 already stored, 4 filtered out, 0 skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "test.db")
			r := mustRun(t, nil, "--db", db, "import", "--categories", tt.categories, snap)
			if want := summaryLine(snap, tt.want); !want.MatchString(r.stdout) {
				t.Fatalf("stdout %q, want %v", r.stdout, want)
			}
		})
	}
	t.Run("NoCategories", func(t *testing.T) {
		// Hugging Face papers carry no categories: none matches.
		db := filepath.Join(t.TempDir(), "test.db")
		r := mustRun(t, nil, "--db", db, "import", "--categories", "cs", "sample/daily_papers_2026-08-13.json")
		if !strings.Contains(r.stdout, ": 0 added, 0 updated, 20 filtered out, 0 skipped in ") {
			t.Fatalf("stdout %q, want all 20 papers filtered out", r.stdout)
		}
	})
	for _, bad := range []string{"", "cs.AI,,cs.LG", "cs AI", "cs.*", "cs.AI.x", ".AI", "1cs"} {
		t.Run("Bad/"+bad, func(t *testing.T) {
			r := runMain(t, nil, "", "--db", filepath.Join(t.TempDir(), "test.db"), "import", "--categories="+bad, snap)
			if r.code != 2 || !strings.Contains(r.stderr, "-categories") || r.stdout != "" {
				t.Fatalf("exit %d, stderr %q, stdout %q; want exit 2 naming --categories", r.code, r.stderr, r.stdout)
			}
		})
	}
}

func TestImport_Progress(t *testing.T) {
	defer func(d time.Duration) { progressThrottle = d }(progressThrottle)
	progressThrottle = 0
	dir := t.TempDir()
	snap := writeSnapshotLines(t, dir, "snap.jsonl", 1000, 1000)
	t.Run("File", func(t *testing.T) {
		r := runImportMain(t, context.Background(), true, nil, "--db", filepath.Join(t.TempDir(), "test.db"), "import", snap)
		if r.code != 0 || !summaryLine(snap, "1000 added, 0 updated, 0 already stored, 0 skipped").MatchString(r.stdout) {
			t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
		}
		// The bar names the file, shows the bytes and is erased at the end.
		if !strings.Contains(r.stderr, "snap.jsonl") || !strings.Contains(r.stderr, "MB") || !strings.HasSuffix(r.stderr, "\r") {
			t.Fatalf("stderr %q, want a progress bar that ends erased", r.stderr)
		}
	})
	t.Run("Stdin", func(t *testing.T) {
		data, err := os.ReadFile(snap)
		if err != nil {
			t.Fatal(err)
		}
		r := runImportMain(t, context.Background(), true, bytes.NewReader(data), "--db", filepath.Join(t.TempDir(), "test.db"), "import", "-")
		if r.code != 0 || !summaryLine("-", "1000 added, 0 updated, 0 already stored, 0 skipped").MatchString(r.stdout) {
			t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, "records") {
			t.Fatalf("stderr %q, want a spinner with the record count", r.stderr)
		}
	})
}

// cancelReader reads r in small pieces and cancels a context once more
// than after bytes were read.
type cancelReader struct {
	r      io.Reader
	after  int64
	read   atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 4096)])
	if c.read.Add(int64(n)) > c.after {
		c.cancel()
	}
	return n, err
}

func TestImport_Interrupt(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "test.db")
	snap := writeSnapshotLines(t, dir, "snap.jsonl", 2000, 2000)
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &cancelReader{r: bytes.NewReader(data), after: int64(len(data)) * 2 / 3, cancel: cancel}
	r := runImportMain(t, ctx, false, in, "--db", db, "import", "-")
	if r.code != 1 || !strings.Contains(r.stderr, "interrupted") || !strings.Contains(r.stderr, "running the same command again resumes") {
		t.Fatalf("exit %d, stderr %q; want exit 1 and a message that a rerun resumes", r.code, r.stderr)
	}
	m := regexp.MustCompile(`: ([0-9]+) added`).FindStringSubmatch(r.stdout)
	if m == nil || m[1] == "0" {
		t.Fatalf("stdout %q, want some papers stored before the interruption", r.stdout)
	}
	r = mustRun(t, nil, "--db", db, "import", snap)
	var added, stored int
	if _, err := fmt.Sscanf(r.stdout, snap+" (arXiv metadata JSON Lines): %d added, 0 updated, %d already stored", &added, &stored); err != nil {
		t.Fatalf("summary %q: %v", r.stdout, err)
	}
	if m[1] != strconv.Itoa(stored) || added+stored != 2000 {
		t.Fatalf("rerun: %d added, %d already stored; want the %s stored before kept and the rest added", added, stored, m[1])
	}
}
