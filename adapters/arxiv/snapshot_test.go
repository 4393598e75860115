package arxiv_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"paperboy/adapters/arxiv"
	"paperboy/bot"
)

func TestParseSnapshot(t *testing.T) {
	res := MustParseFile(t, arxiv.ParseSnapshot, "snapshot.jsonl")
	if got, want := ids(res.items), "0704.0001 0704.0002 hep-th/9608091 2609.28471 2609.28449"; got != want {
		t.Fatalf("ids=%q, want %q", got, want)
	}
	var skips []string
	for _, s := range res.skips {
		skips = append(skips, s.Where)
	}
	// Line 6 is blank: ignored, but counted.
	if got, want := join(skips), "line 4|line 5 (0704.0004)|line 9 (abc)"; got != want {
		t.Fatalf("skips=%q, want %q (%+v)", got, want, res.skips)
	}
	if got, want := res.skips[1].Reason, "no title"; got != want {
		t.Fatalf("skips[1].Reason=%q, want %q", got, want)
	}
	if r := res.skips[0].Reason; !strings.HasPrefix(r, "not a snapshot record") {
		t.Fatalf("skips[0].Reason=%q, want a JSON error", r)
	}

	tests := []struct {
		id, title, authors, categories, github string
		published                              time.Time
	}{
		{"0704.0001", "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies",
			"C. Balázs|E. L. Berger|P. M. Nadolsky|C. -P. Yuan", "hep-ph", "", time.Date(2007, 4, 2, 19, 18, 42, 0, time.UTC)},
		{"0704.0002", "Sparsity-certifying Graph Decompositions", "Ileana Streinu|Louis Theran", "math.CO|cs.CG", "", time.Date(2007, 3, 31, 2, 26, 18, 0, time.UTC)},
		// Old-style id; the affiliation in authors_parsed is dropped.
		{"hep-th/9608091", "Excited State Destri - De Vega Equation for Sine-Gordon and Restricted\n  Sine-Gordon Models",
			"D. Fioravanti|A. Mariottini|E. Quattrini|F. Ravanini", "hep-th", "", time.Date(1996, 8, 14, 16, 31, 26, 0, time.UTC)},
		{"2609.28471", "Contrastive Learning for Authorship Verification", "Peter Kirby", "cs.CL|cs.LG",
			"https://github.com/petekirby/contrastive-av", time.Date(2026, 9, 23, 17, 59, 8, 0, time.UTC)},
		// No authors_parsed: the authors string is split (hard wrap, "and").
		{"2609.28449", "Can LLMs Reason About Runtime Behavior? A Repository-Level Dynamic\n  Benchmark",
			"Hamed Taherkhani|Mohammad Abdollahi|Melika Sepidband|Hridya Dhulipala|Tien N. Nguyen|Hadi Hemmati", "cs.SE|cs.AI|cs.CL", "", time.Date(2026, 9, 23, 17, 46, 50, 0, time.UTC)},
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			it := res.items[i]
			p := it.Paper
			if got, want := p.Title, tt.title; got != want {
				t.Fatalf("Title=%q, want %q", got, want)
			}
			if got, want := join(p.Authors), tt.authors; got != want {
				t.Fatalf("Authors=%q, want %q", got, want)
			}
			if got, want := join(p.Categories), tt.categories; got != want {
				t.Fatalf("Categories=%q, want %q", got, want)
			}
			if got, want := p.GitHubURL, tt.github; got != want {
				t.Fatalf("GitHubURL=%q, want %q", got, want)
			}
			if got, want := p.Published, tt.published; !got.Equal(want) || got.Location() != time.UTC {
				t.Fatalf("Published=%v, want %v", got, want)
			}
			if got, want := p.ArxivURL, "https://arxiv.org/abs/"+tt.id; got != want {
				t.Fatalf("ArxivURL=%q, want %q", got, want)
			}
			if got, want := it.Date, ""; got != want {
				t.Fatalf("Date=%q, want %q", got, want)
			}
			if p.Abstract == "" || p.Abstract != strings.TrimSpace(p.Abstract) {
				t.Fatalf("Abstract=%q, want trimmed text", p.Abstract)
			}
		})
	}
}

func TestParseSnapshot_Lines(t *testing.T) {
	good := `{"id":"2401.01335","title":"T","authors":"A. B","versions":[{"version":"v1","created":"Tue, 2 Jan 2024 18:59:59 GMT"}]}`
	// Too long however its strings are cut: a million short values.
	long := `{"id":"2401.01336","title":"T","x":[` + strings.Repeat(`"a",`, bot.LimitRecordBytes/4) + `"a"]}`
	// A 5 MB title is cut while reading; the record is kept.
	longTitle := `{"id":"2401.01337","title":"` + strings.Repeat("x", 5<<20) + `"}`
	tests := []struct {
		name, input, ids, skips string
	}{
		{"NoFinalNewline", good, "2401.01335", ""},
		{"BOM", "\xef\xbb\xbf" + good, "2401.01335", ""},
		{"CRLF", good + "\r\n\r\n" + good + "\r\n", "2401.01335 2401.01335", ""},
		{"TooLong", long + "\n" + good + "\n", "2401.01335", "line 1: longer than 4194304 bytes"},
		{"TooLongLast", good + "\n" + long, "2401.01335", "line 2: longer than 4194304 bytes"},
		{"LongTitleCut", longTitle + "\n" + good, "2401.01337 2401.01335", ""},
		{"NotAnObject", "[1,2]\n" + good, "2401.01335", "line 1"},
		{"NumberID", `{"id":704.0001,"title":"T"}` + "\n" + good, "2401.01335", "line 1"},
		{"Empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parse(arxiv.ParseSnapshot, strings.NewReader(tt.input))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got, want := ids(res.items), tt.ids; got != want {
				t.Fatalf("ids=%q, want %q", got, want)
			}
			var skips []string
			for _, s := range res.skips {
				if strings.HasPrefix(s.Reason, "longer") {
					skips = append(skips, s.Where+": "+s.Reason)
				} else {
					skips = append(skips, s.Where)
				}
			}
			if got, want := join(skips), tt.skips; got != want {
				t.Fatalf("skips=%q, want %q", got, want)
			}
		})
	}
}

// snapshotCorpus returns n snapshot lines made from the good records of
// testdata/snapshot.jsonl, with distinct ids, and their total size.
func snapshotCorpus(tb testing.TB, n int) []byte {
	tb.Helper()
	var recs [][]byte
	for _, line := range bytes.Split(MustReadFile(tb, "snapshot.jsonl"), []byte("\n")) {
		if bytes.HasPrefix(line, []byte(`{"id":"0704.000`)) || bytes.HasPrefix(line, []byte(`{"id":"26`)) || bytes.HasPrefix(line, []byte(`{"id":"hep`)) {
			if bytes.HasSuffix(line, []byte("}")) && !bytes.Contains(line, []byte(`"title":""`)) {
				recs = append(recs, line)
			}
		}
	}
	var buf bytes.Buffer
	for i := range n {
		rec := recs[i%len(recs)]
		_, rest, _ := bytes.Cut(rec, []byte(`",`)) // drop the id
		fmt.Fprintf(&buf, `{"id":"%02d%02d.%05d",%s`+"\n", 7+i/1_000_000%20, 1+i/100_000%12, i%100_000, rest)
	}
	return buf.Bytes()
}

func BenchmarkParseSnapshot(b *testing.B) {
	const n = 10_000
	data := snapshotCorpus(b, n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		count := 0
		err := arxiv.ParseSnapshot(bytes.NewReader(data), func(bot.Item) error { count++; return nil },
			func(s bot.Skip) { b.Fatalf("skip %+v", s) })
		if err != nil || count != n {
			b.Fatalf("count=%d err=%v", count, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
