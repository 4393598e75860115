package hf_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"paperboy/adapters/hf"
	"paperboy/bot"
)

// parser is the signature shared by ParseDailyPapers, ParsePaper and
// ParsePage.
type parser func(io.Reader, func(bot.Item) error, func(bot.Skip)) error

// result is what a parser emitted and skipped.
type result struct {
	items []bot.Item
	skips []bot.Skip
}

// byID returns the emitted items keyed by paper id.
func (r result) byID() map[string]bot.Item {
	m := make(map[string]bot.Item, len(r.items))
	for _, it := range r.items {
		m[it.Paper.ID] = it
	}
	return m
}

// run feeds input to parse and collects what it emits and skips.
func run(parse parser, input io.Reader) (result, error) {
	var res result
	err := parse(input, func(it bot.Item) error {
		res.items = append(res.items, it)
		return nil
	}, func(s bot.Skip) { res.skips = append(res.skips, s) })
	return res, err
}

// MustParseFile parses testdata/name and fails the test on an error.
func MustParseFile(tb testing.TB, parse parser, name string) result {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := run(parse, f)
	if err != nil {
		tb.Fatalf("parse %s: %v", name, err)
	}
	return res
}

// MustItem returns the item with id, failing the test when there is none.
func MustItem(tb testing.TB, res result, id string) bot.Item {
	tb.Helper()
	it, ok := res.byID()[id]
	if !ok {
		tb.Fatalf("no item %s among %d", id, len(res.items))
	}
	return it
}

func TestParseDailyPapers_Fixtures(t *testing.T) {
	tests := []struct {
		file  string
		count int
		date  string // Item.Date of every item
	}{
		// Before 2025-03 the day comes from the outer publishedAt.
		{"daily_papers_2024-05-27.json", 13, "2024-05-27"},
		{"daily_papers_2025-01-27.json", 4, "2025-01-27"},
		{"daily_papers_2026-08-13.json", 20, "2026-08-13"},
		{"daily_papers_2026-08-19.json", 26, "2026-08-19"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := MustParseFile(t, hf.ParseDailyPapers, tt.file)
			if got, want := len(res.items), tt.count; got != want {
				t.Fatalf("items=%d, want %d", got, want)
			}
			if got, want := len(res.skips), 0; got != want {
				t.Fatalf("skips=%d, want %d: %v", got, want, res.skips)
			}
			for _, it := range res.items {
				p := it.Paper
				if got, want := it.Date, tt.date; got != want {
					t.Fatalf("%s: Date=%q, want %q", p.ID, got, want)
				}
				if got, want := p.HFURL, "https://huggingface.co/papers/"+p.ID; got != want {
					t.Fatalf("HFURL=%q, want %q", got, want)
				}
				if got, want := p.ArxivURL, "https://arxiv.org/abs/"+p.ID; got != want {
					t.Fatalf("ArxivURL=%q, want %q", got, want)
				}
				if p.Title == "" || p.Abstract == "" || len(p.Authors) == 0 || p.Published.IsZero() || p.Thumbnail == "" {
					t.Fatalf("%s: missing a required field: %+v", p.ID, p)
				}
			}
		})
	}
}

func TestParseDailyPapers_ManyAuthors(t *testing.T) {
	res := MustParseFile(t, hf.ParseDailyPapers, "daily_papers_2025-01-27.json")
	p := MustItem(t, res, "2501.14249").Paper
	if got, want := len(p.Authors), 664; got != want {
		t.Fatalf("authors=%d, want %d", got, want)
	}
	if got, want := p.Authors[0], "Long Phan"; got != want {
		t.Fatalf("first author=%q, want %q", got, want)
	}
	if got, want := p.Authors[663], "Dan Hendrycks"; got != want {
		t.Fatalf("last author=%q, want %q", got, want)
	}
	if got, want := p.Title, "Humanity's Last Exam"; got != want {
		t.Fatalf("Title=%q, want %q", got, want)
	}
}

func TestParseDailyPapers_CrossDayDuplicate(t *testing.T) {
	tests := []struct {
		file       string
		upvotes    int
		date       string
		github     string
		projectURL string
	}{
		{"daily_papers_2026-08-13.json", 2, "2026-08-13", "", ""},
		{"daily_papers_2026-08-19.json", 27, "2026-08-19", "https://github.com/HBDYW/AVA-Encoder", "https://ava-encoder.github.io/"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			it := MustItem(t, MustParseFile(t, hf.ParseDailyPapers, tt.file), "2608.12313")
			if got, want := it.Paper.Upvotes, tt.upvotes; got != want {
				t.Fatalf("Upvotes=%d, want %d", got, want)
			}
			if got, want := it.Date, tt.date; got != want {
				t.Fatalf("Date=%q, want %q", got, want)
			}
			if got, want := it.Paper.GitHubURL, tt.github; got != want {
				t.Fatalf("GitHubURL=%q, want %q", got, want)
			}
			if got, want := it.Paper.ProjectURL, tt.projectURL; got != want {
				t.Fatalf("ProjectURL=%q, want %q", got, want)
			}
			if got, want := it.Paper.Title, "AVA-Encoder: Towards Agent-Native Video Representation Learning"; got != want {
				t.Fatalf("Title=%q, want %q", got, want)
			}
		})
	}
}

func TestParseDailyPapers_LegacySchema(t *testing.T) {
	res := MustParseFile(t, hf.ParseDailyPapers, "daily_papers_2024-05-27.json")
	it := MustItem(t, res, "2405.15738")
	p := it.Paper
	if got, want := p.Thumbnail, "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.15738.png"; got != want {
		t.Fatalf("Thumbnail=%q, want %q (from mediaUrl)", got, want)
	}
	if got, want := it.Date, "2024-05-27"; got != want {
		t.Fatalf("Date=%q, want %q: from the outer publishedAt before 2025-03", got, want)
	}
	// paper.title is read, not the outer title, and stays raw.
	if got, want := p.Title, "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal\n  Models"; got != want {
		t.Fatalf("Title=%q, want %q", got, want)
	}
	if got, want := p.Published, time.Date(2024, 5, 24, 17, 34, 15, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Published=%v, want %v", got, want)
	}
	if got, want := p.Upvotes, 32; got != want {
		t.Fatalf("Upvotes=%d, want %d", got, want)
	}
	var tex bool
	for _, it := range res.items {
		tex = tex || strings.Contains(it.Paper.Abstract, `\textsc{AIEV-Instruct}`)
	}
	if !tex {
		t.Fatal(`no abstract keeps \textsc{AIEV-Instruct} raw`)
	}
}

func TestParseDailyPapers_AISummary(t *testing.T) {
	t.Run("Missing", func(t *testing.T) {
		p := MustItem(t, MustParseFile(t, hf.ParseDailyPapers, "daily_papers_2026-08-19.json"), "2608.17271").Paper
		if p.AISummary != "" || p.AISummaryModel != "" || p.Keywords != nil {
			t.Fatalf("AISummary=%q model=%q keywords=%q, want none", p.AISummary, p.AISummaryModel, p.Keywords)
		}
		if got, want := p.GitHubURL, "https://github.com/apexin-ai/ASI-Bench"; got != want {
			t.Fatalf("GitHubURL=%q, want %q", got, want)
		}
		if got, want := p.ProjectURL, "https://asibench.apexin.ai/"; got != want {
			t.Fatalf("ProjectURL=%q, want %q", got, want)
		}
	})
	t.Run("OK", func(t *testing.T) {
		p := MustItem(t, MustParseFile(t, hf.ParseDailyPapers, "daily_papers_2026-08-13.json"), "2608.00677").Paper
		if got, want := p.AISummaryModel, "thinkingmachines/Inkling-Small"; got != want {
			t.Fatalf("AISummaryModel=%q, want %q", got, want)
		}
		if !strings.HasPrefix(p.AISummary, "OpenART introduces a scalable red-teaming arena") {
			t.Fatalf("AISummary=%q", p.AISummary)
		}
		if got, want := strings.Join(p.Keywords, "|"), "OpenART|stateful scenarios|Evolutionary Markov Hypergraph Attack|EMHA|"+
			"black-box policy|environment evolution|authorized state transitions|Attack Success Rate|ASR|runtime implementation"; got != want {
			t.Fatalf("Keywords=%q, want %q", got, want)
		}
	})
}

// hostileInput returns a daily_papers array with every kind of bad item
// next to good ones, and the ids of the good ones in order.
func hostileInput() (string, []string) {
	authors := make([]string, 700)
	for i := range authors {
		authors[i] = fmt.Sprintf(`{"name":"Author %d","hidden":false}`, i+1)
	}
	items := []string{
		// 1: every optional field null; survives.
		`{"paper":{"id":"2608.00001","title":"All nulls","summary":null,"authors":null,"publishedAt":null,
		  "upvotes":null,"submittedOnDailyAt":null,"githubRepo":null,"projectPage":null,"ai_summary":null,
		  "ai_keywords":null},"thumbnail":null,"mediaUrl":null,"title":null}`,
		`null`,                        // 2
		`"just a string"`,             // 3
		`{"title":"No paper object"}`, // 4
		`{"paper":{"id":2503.0213,"title":"Numeric id"}}`,                              // 5
		`{"paper":{"id":"2608.00002","title":"` + strings.Repeat("x ", 10<<10) + `"}}`, // 6: kept, title cut
		// 7: 700 authors and a mass mention; survives, raw.
		`{"paper":{"id":"2608.00003","title":"@everyone <b>Big</b> news","upvotes":5,"authors":[` +
			strings.Join(authors, ",") + `]}}`,
		`{"paper":{"id":"2608.00001","title":"Duplicate of item 1"}}`, // 8
		`{"paper":{"id":"not-an-id","title":"Bad id"}}`,               // 9
		// 10: blank paper.title; the outer title stands in.
		`{"paper":{"id":"2608.00004","title":"   "},"title":"  Outer title  "}`,
		// 11: wrong types in optional fields; the fields are dropped.
		`{"paper":{"id":"2608.00005","title":"Wrong types","upvotes":"12","authors":"Alice",
		  "ai_keywords":[1,"kw",null],"githubRepo":42,"projectPage":"https://github.com/o/r","publishedAt":"yesterday"}}`,
		// 12: hidden and malformed authors.
		`{"paper":{"id":"2608.00006","title":"Hidden authors","authors":[{"name":"A","hidden":false},
		  {"name":"B","hidden":true},{"name":null},"C",null,7,{"name":" D "}]}}`,
		// 13: versioned id, hostile project link.
		`{"paper":{"id":"arXiv:2608.00007v2","title":"Versioned","projectPage":"javascript:alert(1)",
		  "githubRepo":"https://github.com/x/y"}}`,
		`[]`,                                  // 14
		`{"paper":null,"title":"Null paper"}`, // 15
		`{"paper":{"title":"No id"}}`,         // 16
		`{"paper":{"id":"2608.00008","title":""}}`, // 17
	}
	return "[" + strings.Join(items, ",\n") + "]",
		[]string{"2608.00001", "2608.00002", "2608.00003", "2608.00004", "2608.00005", "2608.00006", "2608.00007"}
}

func TestParseDailyPapers_Hostile(t *testing.T) {
	input, wantIDs := hostileInput()
	res, err := run(hf.ParseDailyPapers, strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range res.items {
		ids = append(ids, it.Paper.ID)
	}
	if got, want := strings.Join(ids, " "), strings.Join(wantIDs, " "); got != want {
		t.Fatalf("ids=%q, want %q", got, want)
	}
	wantSkips := []string{
		"item 2", "item 3", "item 4", "item 5 (2503.0213)",
		"item 8 (2608.00001)", "item 9 (not-an-id)", "item 14", "item 15", "item 16", "item 17 (2608.00008)",
	}
	if got, want := len(res.skips), len(wantSkips); got != want {
		t.Fatalf("skips=%d, want %d: %+v", got, want, res.skips)
	}
	for i, s := range res.skips {
		if got, want := s.Where, wantSkips[i]; got != want {
			t.Fatalf("skip %d Where=%q, want %q (reason %q)", i, got, want, s.Reason)
		}
		if s.Reason == "" || len(s.Reason) > 300 {
			t.Fatalf("skip %d: Reason=%q, want a short reason", i, s.Reason)
		}
	}
	checkHostileItems(t, res)
	if got := utf8.RuneCountInString(MustItem(t, res, "2608.00002").Paper.Title); got > 1000 {
		t.Fatalf("20 kB title kept at %d runes, want it cut to at most 1000", got)
	}
}

// checkHostileItems checks the fields of the items that survive
// hostileInput.
func checkHostileItems(t *testing.T, res result) {
	t.Helper()
	items := res.byID()
	if p := items["2608.00001"].Paper; p.Authors != nil || p.Upvotes != 0 || !p.Published.IsZero() || p.Thumbnail != "" || items["2608.00001"].Date != "" {
		t.Fatalf("all-null paper: %+v", p)
	}
	if got, want := len(items["2608.00003"].Paper.Authors), 700; got != want {
		t.Fatalf("authors=%d, want %d", got, want)
	}
	if got, want := items["2608.00003"].Paper.Title, "@everyone <b>Big</b> news"; got != want {
		t.Fatalf("Title=%q, want %q (raw; renderers escape)", got, want)
	}
	if got, want := items["2608.00004"].Paper.Title, "Outer title"; got != want {
		t.Fatalf("Title=%q, want %q", got, want)
	}
	p := items["2608.00005"].Paper
	if p.Upvotes != 0 || p.Authors != nil || !p.Published.IsZero() || strings.Join(p.Keywords, "|") != "kw" {
		t.Fatalf("wrong-typed fields not dropped: %+v", p)
	}
	if got, want := p.GitHubURL+" "+p.ProjectURL, "https://github.com/o/r "; got != want {
		t.Fatalf("GitHubURL ProjectURL=%q, want %q", got, want)
	}
	if got, want := strings.Join(items["2608.00006"].Paper.Authors, "|"), "A|C|D"; got != want {
		t.Fatalf("Authors=%q, want %q", got, want)
	}
	p = items["2608.00007"].Paper
	if got, want := p.ArxivURL+" "+p.GitHubURL+" "+p.ProjectURL, "https://arxiv.org/abs/2608.00007 https://github.com/x/y "; got != want {
		t.Fatalf("links=%q, want %q", got, want)
	}
}

func TestParseDailyPapers_NotArray(t *testing.T) {
	tests := []struct{ name, input string }{
		{"Empty", ""},
		{"Object", `{"paper":{"id":"2608.00001","title":"T"}}`},
		{"String", `"hello"`},
		{"Number", `42`},
		{"Garbage", `<html>Bad gateway</html>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := run(hf.ParseDailyPapers, strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("err=nil, want an error; got %+v", res)
			}
			if got, want := len(res.items)+len(res.skips), 0; got != want {
				t.Fatalf("items+skips=%d, want %d", got, want)
			}
		})
	}
}

func TestParseDailyPapers_Edges(t *testing.T) {
	tests := []struct {
		name         string
		input        string
		items, skips int
	}{
		{"Empty", `[]`, 0, 0},
		{"ByteOrderMark", "\xef\xbb\xbf" + `[{"paper":{"id":"2608.00001","title":"T"}}]`, 1, 0},
		{"Truncated", `[{"paper":{"id":"2608.00001","title":"T"}}, {"paper":{"id":"2608`, 1, 1},
		{"BrokenElement", `[{"paper":{"id":"2608.00001","title":"T"}}, {bad}, {"paper":{"id":"2608.00002","title":"U"}}]`, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := run(hf.ParseDailyPapers, strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(res.items), tt.items; got != want {
				t.Fatalf("items=%d, want %d", got, want)
			}
			if got, want := len(res.skips), tt.skips; got != want {
				t.Fatalf("skips=%d, want %d: %+v", got, want, res.skips)
			}
		})
	}
}

func TestParseDailyPapers_EmitError(t *testing.T) {
	errStop := errors.New("stop")
	calls := 0
	err := hf.ParseDailyPapers(strings.NewReader(`[{"paper":{"id":"2608.00001","title":"T"}},{"paper":{"id":"2608.00002","title":"U"}}]`),
		func(bot.Item) error { calls++; return errStop }, nil)
	if !errors.Is(err, errStop) {
		t.Fatalf("err=%v, want %v", err, errStop)
	}
	if got, want := calls, 1; got != want {
		t.Fatalf("emit calls=%d, want %d", got, want)
	}
}

func TestParsePaper(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		res := MustParseFile(t, hf.ParsePaper, "paper_2608.12313.json")
		if got, want := len(res.items), 1; got != want {
			t.Fatalf("items=%d, want %d (skips %+v)", got, want, res.skips)
		}
		it := res.items[0]
		p := it.Paper
		if got, want := p.ID+" "+it.Date, "2608.12313 2026-08-19"; got != want {
			t.Fatalf("ID Date=%q, want %q", got, want)
		}
		if got, want := p.Upvotes, 27; got != want {
			t.Fatalf("Upvotes=%d, want %d", got, want)
		}
		if got, want := p.Authors[0], "Chuyue Li"; got != want || len(p.Authors) != 10 {
			t.Fatalf("Authors=%q, want 10 starting with %q", p.Authors, want)
		}
		if got, want := p.Published, time.Date(2026, 8, 12, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Fatalf("Published=%v, want %v", got, want)
		}
		if got, want := p.PDFURL, "https://arxiv.org/pdf/2608.12313"; got != want {
			t.Fatalf("PDFURL=%q, want %q", got, want)
		}
		if got, want := len(p.Keywords), 5; got != want || p.AISummary == "" {
			t.Fatalf("Keywords=%q AISummary=%q", p.Keywords, p.AISummary)
		}
	})
	tests := []struct {
		name         string
		input        string
		items, skips int
		err          bool
	}{
		{"WrappedItem", `{"paper":{"id":"2608.00001","title":"T"},"thumbnail":"https://x.test/t.png"}`, 1, 0, false},
		{"NumericID", `{"id":2608.1,"title":"T"}`, 0, 1, false},
		{"NoTitle", `{"id":"2608.00001"}`, 0, 1, false},
		{"Array", `[{"id":"2608.00001","title":"T"}]`, 0, 0, true},
		{"Null", `null`, 0, 0, true},
		{"Empty", ``, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := run(hf.ParsePaper, strings.NewReader(tt.input))
			if got, want := err != nil, tt.err; got != want {
				t.Fatalf("err=%v, want error %v", err, want)
			}
			if got, want := len(res.items), tt.items; got != want {
				t.Fatalf("items=%d, want %d", got, want)
			}
			if got, want := len(res.skips), tt.skips; got != want {
				t.Fatalf("skips=%d, want %d", got, want)
			}
		})
	}
}

// TestParseDailyPapers_RoundTrip checks that a Paper survives JSON, so the
// fields read here are the ones the rest of the bot stores.
func TestParseDailyPapers_RoundTrip(t *testing.T) {
	p := MustItem(t, MustParseFile(t, hf.ParseDailyPapers, "daily_papers_2026-08-19.json"), "2608.12313").Paper
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"hf_url"`, `"github_url"`, `"project_url"`, `"thumbnail"`, `"ai_summary"`, `"ai_summary_model"`, `"keywords"`} {
		if !strings.Contains(string(b), key) {
			t.Fatalf("%s missing from %s", key, b)
		}
	}
}
