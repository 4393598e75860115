package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"paperboy/bot"
)

const (
	idTitle     = `{"id":"2401.00001","title":"Only an id and a title"}`
	exportLine  = `{"id":"2401.00002","title":"Exported","abstract":"A.","authors":["A. B"],"date":"2026-08-19"}`
	exportLine2 = `{"id":"2401.00003","title":"Exported too","authors":[],"arxiv_url":"https://arxiv.org/abs/2401.00003"}`
	snapLine    = `{"id":"2401.00004","submitter":"A. B","authors":"A. B","title":"Snap","abstract":"A.","versions":[{"version":"v1","created":"Tue, 2 Jan 2024 18:59:59 GMT"}]}`
	hfPaper     = `{"id":"2401.00005","title":"HF","summary":"S.","authors":[{"name":"A. B"}],"publishedAt":"2024-01-02T00:00:00.000Z","upvotes":3}`
)

func TestDetectFormat_JSON(t *testing.T) {
	tests := []struct {
		name, input, format, err string
	}{
		{"IDTitleFirstThenExport", idTitle + "\n" + exportLine + "\n" + exportLine2 + "\n", exportFormat, ""},
		{"IDTitleFirstThenSnapshot", idTitle + "\n" + snapLine + "\n", snapshotFormat, ""},
		{"OnlyIDTitleLines", idTitle + "\n" + idTitle + "\n", exportFormat, ""},
		{"OneIDTitle", idTitle + "\n", paperFormat, ""},
		{"PrettyHFPaper", "{\n  \"id\": \"2401.00005\",\n  \"summary\": \"S.\",\n  \"title\": \"T\"\n}\n", paperFormat, ""},
		{"HFPapersAsLines", hfPaper + "\n" + hfPaper + "\n", paperFormat, ""},
		{"LongFirstTitle", `{"id":"2401.00001","title":"` + strings.Repeat("x", 3<<20) + "\"}\n" + snapLine + "\n", snapshotFormat, ""},
		{"Mixed", snapLine + "\n" + hfPaper + "\n", "", "mix formats: HF paper JSON (record 2) and arXiv metadata JSON Lines (record 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			format, _, _, err := detectFormat(bufio.NewReaderSize(strings.NewReader(tt.input), 256<<10))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err=%v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if format != tt.format {
				t.Fatalf("format=%q, want %q", format, tt.format)
			}
		})
	}
}

// exported reads back every stored paper through `paperboy export`.
func exported(t *testing.T, env map[string]string) map[string]bot.Paper {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.jsonl")
	mustRun(t, env, "export", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	papers := map[string]bot.Paper{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var p bot.Paper
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		papers[p.ID] = p
	}
	return papers
}

func TestImport_NoRecordDropped(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PAPERBOY_DB": filepath.Join(dir, "p.db")}
	path := filepath.Join(dir, "first-line-id-title.jsonl")
	if err := os.WriteFile(path, []byte(idTitle+"\n"+exportLine+"\n"+exportLine2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, env, "import", path)
	if !strings.Contains(r.stdout, "3 added") {
		t.Fatalf("import: %q, want all 3 lines added", r.stdout)
	}
	if got := len(exported(t, env)); got != 3 {
		t.Fatalf("%d papers stored, want 3", got)
	}
}

// hugeFieldFiles writes one file per import format, each with a paper
// whose title is n bytes, and returns their paths by format.
func hugeFieldFiles(t testing.TB, dir string, n int) map[string]string {
	t.Helper()
	long := strings.Repeat("Long title words ", n/17+1)[:n]
	files := map[string]string{
		"daily.json":     `[{"paper":{"id":"2401.00001","title":"` + long + `","summary":"S."}},{"paper":{"id":"2401.00002","title":"Short","summary":"S."}}]`,
		"paper.json":     `{"id":"2401.00001","title":"` + long + `","summary":"S."}`,
		"export.jsonl":   `{"id":"2401.00001","title":"` + long + `","abstract":"A."}` + "\n" + exportLine + "\n",
		"snapshot.jsonl": `{"id":"2401.00001","submitter":"A","title":"` + long + `","abstract":"A."}` + "\n" + snapLine + "\n",
		"atom.xml": `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>` +
			long + `</title><summary>A.</summary></entry><entry><id>http://arxiv.org/abs/2401.00002v1</id><title>Short</title></entry></feed>`,
		"rss.xml": `<?xml version="1.0"?><rss version="2.0"><channel><item><title>` + long +
			`</title><link>https://arxiv.org/abs/2401.00001</link><description>A.</description></item></channel></rss>`,
		"page.txt": "Daily Papers\n\nShort title\n\nAn abstract. " + long + ".\n\nSecond title\n\nIts abstract.\n",
	}
	paths := map[string]string{}
	for name, data := range files {
		paths[name] = filepath.Join(dir, name)
		if err := os.WriteFile(paths[name], []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

func TestImport_HugeFieldIsCut(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	dir := t.TempDir()
	for name, path := range hugeFieldFiles(t, dir, 3<<20) {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"PAPERBOY_DB": filepath.Join(t.TempDir(), "p.db")}
			r := runMain(t, env, "", "import", path)
			if r.code != 0 || strings.Contains(r.stderr, "skipped") {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
			}
			papers := exported(t, env)
			if len(papers) == 0 {
				t.Fatal("nothing stored")
			}
			for _, p := range papers {
				if n := utf8.RuneCountInString(p.Title); n > bot.LimitTitle {
					t.Fatalf("%s: title of %d characters stored, want at most %d", p.ID, n, bot.LimitTitle)
				}
				if n := utf8.RuneCountInString(p.Abstract); n > bot.LimitAbstract {
					t.Fatalf("%s: abstract of %d characters stored, want at most %d", p.ID, n, bot.LimitAbstract)
				}
			}
		})
	}
}

// A pasted page with a line longer than bufio.Scanner's 1 MiB used to
// fail with "token too long".
func TestImport_PageWithLongLine(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PAPERBOY_DB": filepath.Join(dir, "p.db")}
	page := filepath.Join(dir, "page.txt")
	text := "A title\n\n" + strings.Repeat("word ", 1<<20) + "end.\n\nAnother title\n\nIts abstract.\n"
	if err := os.WriteFile(page, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, env, "import", page)
	if !strings.Contains(r.stdout, "2 added") {
		t.Fatalf("import: %q, want both papers", r.stdout)
	}
}
