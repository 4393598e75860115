package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// roundTripFixtures are the fixtures of the export round trip, each with
// the import arguments that file it: HF daily_papers (dated by HF), the
// sample, a pasted page, arXiv listings and the arXiv API, and a day filed
// twice so that papers are in several batches.
var roundTripFixtures = map[string][][]string{
	"HF": {
		{"testdata/daily_papers_2024-05-27.json", "testdata/daily_papers_2025-01-27.json"},
		{"--date", "2025-01-28", "testdata/daily_papers_2025-01-27.json"},
		{"--date", "2025-01-29", "testdata/daily-papers-page.txt"},
	},
	"Sample": {{"sample/daily_papers_2026-08-13.json", "sample/daily_papers_2026-08-19.json"}},
	"ArXiv": {
		{"testdata/rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml"},
		{"--date", "2026-09-25", "testdata/api_query_search_testing_start0_max10_2026-04-12.xml"},
		{"--date", "2026-09-26", "testdata/arxiv_snapshot.jsonl"},
	},
}

// TestExport_RoundTrip: export, then import into an empty store (SQLite
// and PostgreSQL), gives back the same papers and the same days.
func TestExport_RoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	for name, imports := range roundTripFixtures {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "src.db")
			for _, args := range imports {
				mustRun(t, nil, append([]string{"--db", src, "import"}, args...)...)
			}
			file := filepath.Join(t.TempDir(), "export.jsonl")
			mustRun(t, nil, "--db", src, "export", file)
			for _, dst := range []string{filepath.Join(t.TempDir(), "dst.db"), pgtest.Shared(t).NewDatabase(t)} {
				mustRun(t, nil, "--db", dst, "import", file)
				sameDays(t, src, dst)
				if !reflect.DeepEqual(storePapers(t, src), storePapers(t, dst)) {
					t.Fatalf("%s: papers differ after the round trip", store.Redact(dst))
				}
			}
		})
	}
}

// sameDays checks that the stores at a and b have the same batch days, and
// that `today --json` shows the same on each.
func sameDays(t *testing.T, a, b string) {
	t.Helper()
	days := batchDates(t, a)
	if got := batchDates(t, b); !reflect.DeepEqual(days, got) || len(days) == 0 {
		t.Fatalf("batch days %v, restored %v", days, got)
	}
	for _, day := range days {
		ta := mustRun(t, nil, "--db", a, "today", "--json", "--date", day).stdout
		tb := mustRun(t, nil, "--db", b, "today", "--json", "--date", day).stdout
		if ta != tb {
			t.Fatalf("today %s differs:\n%.1500s\nrestored:\n%.1500s", day, ta, tb)
		}
	}
}

// batchDates returns the batch days of the store at dsn.
func batchDates(t *testing.T, dsn string) []string {
	t.Helper()
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	days, err := db.BatchDates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return days
}

// TestExport_OldFormat: an export written before batch places were added
// (no "batches") still imports, papers and all.
func TestExport_OldFormat(t *testing.T) {
	src := importedDB(t)["PAPERBOY_DB"]
	data := mustRun(t, nil, "--db", src, "export").stdout
	if !strings.Contains(data, `"batches":[{"date":"2026-08-19","rank":`) {
		t.Fatalf("export names no batch places:\n%.600s", data)
	}
	old := regexp.MustCompile(`,"batches":\[[^\]]*\]`).ReplaceAllString(data, "")
	file := filepath.Join(t.TempDir(), "old.jsonl")
	if err := os.WriteFile(file, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "dst.db")
	r := mustRun(t, nil, "--db", dst, "import", file)
	if n := strings.Count(data, "\n"); !strings.Contains(r.stdout, " "+strconv.Itoa(n)+" added") {
		t.Fatalf("summary %q, want all %d papers added", r.stdout, n)
	}
	if days := batchDates(t, dst); len(days) != 0 {
		t.Fatalf("an export without batch places made days %v", days)
	}
}

// TestImport_RepeatedIDs: a file that gives one id twice stores it once
// and says so, instead of a bare "1 added".
func TestImport_RepeatedIDs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "twice.jsonl")
	lines := `{"id":"2609.00001","title":"First copy"}` + "\n" + `{"id":"2609.00001","title":"Second copy"}` + "\n"
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "test.db")
	r := mustRun(t, nil, "--db", db, "import", file)
	if !strings.Contains(r.stdout, "1 added, 0 updated, 1 repeated") {
		t.Fatalf("summary %q, want 1 added and the repeat counted", r.stdout)
	}
	if p := storePapers(t, db)["2609.00001"]; p.Title != "Second copy" {
		t.Fatalf("title %q, want the later copy", p.Title)
	}
}

// TestImport_NULInEveryColumn: a \u0000 in any text field of a paper (and
// in a batch's source) is dropped before a store sees it, so the import
// succeeds on SQLite and PostgreSQL alike and stores the same paper.
func TestImport_NULInEveryColumn(t *testing.T) {
	const dirty, clean = "x\x00y", "xy"
	e := bot.Export{Paper: bot.Paper{ID: "2609.00001"}, Batches: []bot.Membership{{Date: "2026-09-01", Source: dirty}}}
	want := bot.Paper{ID: e.ID}
	fill := func(p *bot.Paper, s string) {
		p.Title, p.Abstract, p.AISummary, p.AISummaryModel = "T"+s, s, s, s
		p.ArxivURL, p.PDFURL, p.HFURL = "https://arxiv.org/abs/"+s, "https://arxiv.org/pdf/"+s, "https://huggingface.co/papers/"+s
		p.GitHubURL, p.ProjectURL, p.Thumbnail = "https://github.com/"+s, "https://example.org/"+s, "https://example.org/t"+s
		p.Authors, p.Keywords, p.Categories = []string{s}, []string{s}, []string{s}
	}
	fill(&e.Paper, dirty)
	fill(&want, clean)
	var line bytes.Buffer
	if err := bot.WriteExport(&line, e); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "nul.jsonl")
	if err := os.WriteFile(file, line.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{filepath.Join(t.TempDir(), "nul.db"), pgtest.Shared(t).NewDatabase(t)} {
		if r := mustRun(t, nil, "--db", dst, "import", file); !strings.Contains(r.stdout, "1 added") {
			t.Fatalf("%s: %q, want the paper added", store.Redact(dst), r.stdout)
		}
		got := storePapers(t, dst)[want.ID]
		got.Published = time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: stored\n%+v\nwant\n%+v", store.Redact(dst), got, want)
		}
		if out := mustRun(t, nil, "--db", dst, "today", "--json", "--date", "2026-09-01").stdout; !strings.Contains(out, `"source": "xy"`) {
			t.Fatalf("%s: batch source not cleaned:\n%s", store.Redact(dst), out)
		}
	}
}

// TestImport_RawNUL: a raw NUL byte in line 1 of a JSON Lines file (not
// valid JSON) is dropped: the file is still recognised, and no record lost.
func TestImport_RawNUL(t *testing.T) {
	file := filepath.Join(t.TempDir(), "nul.jsonl")
	lines := "{\"id\":\"2609.00001\",\"title\":\"Bad\x00byte\",\"abstract\":\"A\"}\n{\"id\":\"2609.00002\",\"title\":\"Fine\",\"abstract\":\"B\"}\n"
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "test.db")
	r := mustRun(t, nil, "--db", db, "import", file)
	if !strings.Contains(r.stdout, "paperboy JSON Lines): 2 added") {
		t.Fatalf("summary %q (stderr %q), want both papers added", r.stdout, r.stderr)
	}
	if got := storePapers(t, db)["2609.00001"].Title; got != "Badbyte" {
		t.Fatalf("title %q, want the NUL dropped", got)
	}
}
