package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
)

// loadFixture reads a Hugging Face daily_papers file (the fields search
// needs) as a ranked list of papers.
func loadFixture(tb testing.TB, path string) []bot.Paper {
	tb.Helper()
	buf, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var items []struct {
		Paper struct {
			ID          string    `json:"id"`
			Title       string    `json:"title"`
			Summary     string    `json:"summary"`
			Upvotes     int       `json:"upvotes"`
			PublishedAt time.Time `json:"publishedAt"`
			Authors     []struct {
				Name string `json:"name"`
			} `json:"authors"`
		} `json:"paper"`
	}
	if err := json.Unmarshal(buf, &items); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	papers := make([]bot.Paper, len(items))
	for i, it := range items {
		p := bot.Paper{ID: it.Paper.ID, Title: it.Paper.Title, Abstract: it.Paper.Summary,
			Upvotes: it.Paper.Upvotes, Published: it.Paper.PublishedAt}
		for _, a := range it.Paper.Authors {
			p.Authors = append(p.Authors, a.Name)
		}
		p.FillLinks()
		papers[i] = p
	}
	return papers
}

// mustOpenSearchDB returns a database with the two fixture days and 400
// synthetic papers around them, enough documents for bm25 to rank sensibly.
func mustOpenSearchDB(tb testing.TB, e engine) *store.DB {
	tb.Helper()
	db := e.open(tb)
	mustSave(tb, db, bot.Batch{Papers: bottest.Corpus(7, 400)})
	mustSave(tb, db, bot.Batch{Date: "2026-08-13", Source: "hf", Papers: loadFixture(tb, "testdata/daily_papers_2026-08-13.json")})
	mustSave(tb, db, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: loadFixture(tb, "testdata/daily_papers_2026-08-19.json")})
	return db
}

// relevanceTests are queries with a paper of the search fixture that must
// be in their top 3.
var relevanceTests = []struct {
	query string
	want  string
}{
	{"red teaming", "2608.00677"},
	{"flow matching", "2608.05811"},
	{"autoformalization", "2608.14221"},
	{"graph neural networks", "2608.16097"},
	{"discrete diffusion", "2608.10615"},
	{"reflection removal", "2608.11562"},
	{"hand visibility", "2608.11574"},
	{"prompt injection harness", "2608.16393"},
	{"test-time adaptation", "2608.10708"},
	{"superintelligence", "2608.17271"},
	{"edge MoE serving", "2608.16157"},
	{"memory substrates", "2608.15008"},
	{"Junwei Zhou", "2608.17271"}, // an author
	{"superintelligence junw", "2608.17271"},
	// Partial last words: the Porter index alone finds nothing for these.
	{"discrete diffusi", "2608.10615"},
	{"autoformaliz", "2608.14221"},
	{"hierarchical langu", "2608.15454"},
	{"graph neural netw", "2608.16097"},
	{"video representation learni", "2608.12313"},
	// No paper has every word: any-word fallback.
	{"graph quokka", "2608.16097"},
}

// testRelevance runs relevanceTests on db, a mustOpenSearchDB.
func testRelevance(t *testing.T, db *store.DB) {
	for _, tt := range relevanceTests {
		t.Run(tt.query, func(t *testing.T) {
			ids := searchIDs(t, db, tt.query)
			if i := slices.Index(ids, tt.want); i < 0 || i > 2 {
				t.Fatalf("%s at %d in %v, want top 3", tt.want, i, ids[:min(len(ids), 10)])
			}
		})
	}
}

func TestDB_Search(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := mustOpenSearchDB(t, e)

		t.Run("Relevance", func(t *testing.T) { testRelevance(t, db) })

		t.Run("Ranking", func(t *testing.T) {
			hits, err := db.Search(ctx, bot.Query{Text: "agents", Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) < 20 {
				t.Fatalf("%d hits for agents, want at least 20", len(hits))
			}
			for i, h := range hits {
				if h.Score <= 0 {
					t.Fatalf("hit %d: Score=%v, want > 0", i, h.Score)
				}
				if i > 0 && h.Score > hits[i-1].Score {
					t.Fatalf("hit %d: Score %v above the previous %v", i, h.Score, hits[i-1].Score)
				}
			}
		})

		t.Run("Paging", func(t *testing.T) {
			all := searchIDs(t, db, "models")
			if len(all) < 30 {
				t.Fatalf("%d hits, want at least 30", len(all))
			}
			var paged []string
			for offset := 0; offset < 30; offset += 10 {
				hits, err := db.Search(ctx, bot.Query{Text: "models", Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) != 10 {
					t.Fatalf("page at %d has %d hits, want the default 10", offset, len(hits))
				}
				for _, h := range hits {
					paged = append(paged, h.Paper.ID)
				}
			}
			if !slices.Equal(paged, all[:30]) {
				t.Fatalf("pages %v\ndiffer from %v", paged, all[:30])
			}
			hits, err := db.Search(ctx, bot.Query{Text: "graph neural", Offset: 1000})
			if err != nil || len(hits) != 0 {
				t.Fatalf("page past the end: %d hits, %v", len(hits), err)
			}
		})

		t.Run("Limit", func(t *testing.T) {
			hits, err := db.Search(ctx, bot.Query{Text: "the", Limit: 1000})
			if err != nil || len(hits) != 100 {
				t.Fatalf("%d hits (%v), want the maximum 100", len(hits), err)
			}
		})

		t.Run("ErrCanceled", func(t *testing.T) {
			canceled, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := db.Search(canceled, bot.Query{Text: "agents"}); !errors.Is(err, context.Canceled) {
				t.Fatalf("err=%v, want context.Canceled", err)
			}
		})

		t.Run("Hit", func(t *testing.T) {
			hits, err := db.Search(ctx, bot.Query{Text: "superintelligence"})
			if err != nil || len(hits) == 0 {
				t.Fatalf("no hits: %v", err)
			}
			p := hits[0].Paper
			if p.ID != "2608.17271" || len(p.Authors) < 20 || p.Authors[0] != "Junwei Zhou" || p.Upvotes != 38 ||
				p.ArxivURL == "" || p.Published.IsZero() {
				t.Fatalf("hit paper incomplete: %+v", p)
			}
		})
	})
}

// hostile are inputs that break a naive FTS5 query, or try to.
var hostile = []string{
	"self-supervised", "gpt-4", "c++", "3.5", "AND", "OR", "NOT", "NEAR(", "NEAR(a b, 2)",
	`"unbalanced`, `"`, `""`, "*", "*foo", "foo*", "title:", "author:smith", "title:learning",
	"{title abstract}:learn", "^x", "x^2", "a NOT b", "foo AND", "AND/OR", "(", "()", "a)",
	"-negative", "e-mail", "+", ".", ",", ":", "50%", "#tag", "@user", "'single'", "--", "^",
	"", " ", "\t\n ", "a\x00b", "\x00", "learning\x00", "\xff\xfe", "diff\xffusion", "é\xc3",
	strings.Repeat("a", 10240), strings.Repeat("attention ", 1024), strings.Repeat("x y ", 2560),
	strings.Repeat(`"(`, 5000), "🚀", "🚀 diffusion 🔥", "日本語", "機械学習 モデル", "naïve résumé",
	"'); DROP TABLE papers;--", "\"; DELETE FROM papers; --", "1 OR 1=1", "' OR ''='",
	"papers_fts MATCH 'x'", "rank", "bm25(papers_fts)", "x-0123456789abcdef", "2608.17271",
	"NEAR", "near", "not", "and or not", `say "hi"`, "\\", "a\\\"b", "%_", "ą", "Ⅻ", "١٢٣",
}

func TestDB_Search_Hostile(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	eachEngine(t, func(t *testing.T, e engine) {
		db := mustOpenSearchDB(t, e)
		for _, text := range hostile {
			for _, q := range []bot.Query{{Text: text}, {Text: text, Limit: 3, Offset: 2}} {
				if _, err := db.Search(ctx, q); err != nil {
					t.Errorf("Search(%.40q): %v", text, err)
				}
			}
		}
		if got := countSearch(t, db, "graph"); got == 0 {
			t.Fatal("papers gone after the hostile queries")
		}
	})
}

func TestMatchExpr(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"", ""},
		{"   ", ""},
		{"*", ""},
		{"-- ( ) \"", ""},
		{"🚀🔥", ""},
		{"\x00", ""},
		{"diffusion", `"diffusion"*`},
		{"diffusion models", `"diffusion" AND "models"*`},
		{"self-supervised", `"self-supervised"*`},
		{"gpt-4", `"gpt-4"`},
		{"c++", `"c++"`},
		{"3.5", `"3.5"`},
		{"AND", `"AND"*`},
		{"OR", `"OR"`},
		{"NOT b", `"NOT" AND "b"`},
		{"NEAR(", `"NEAR("`},
		{`"unbalanced`, `"""unbalanced"*`},
		{`say "hi"`, `"say" AND """hi"""`},
		{"*foo", `"*foo"*`},
		{"title:", `"title:"`},
		{"author:smith", `"author:smith"*`},
		{"^x", `"^x"`},
		{"a\x00b", `"a" AND "b"`},
		{"\xff\xfelearning", `"learning"*`},
		{"日本語", `"日本語"*`},
		{"'); DROP TABLE papers;--", `"DROP" AND "TABLE" AND "papers;--"`},
		{"the The THE model", `"the" AND "model"*`},
		{"a b c d e f g h i j", `"a" AND "b" AND "c" AND "d" AND "e" AND "f" AND "g" AND "h"`},
		{strings.Repeat("a", 10240), `"` + strings.Repeat("a", 64) + `"*`},
		{strings.Repeat("é", 100), `"` + strings.Repeat("é", 32) + `"*`},
	}
	for _, tt := range tests {
		if got := store.MatchExpr(tt.text); got != tt.want {
			t.Errorf("MatchExpr(%.40q)=%s, want %s", tt.text, got, tt.want)
		}
	}
	for _, text := range hostile {
		expr := store.MatchExpr(text)
		if !utf8Valid(expr) || strings.ContainsRune(expr, 0) || strings.Count(expr, `"`)%2 != 0 {
			t.Errorf("MatchExpr(%.40q)=%.80q: not a clean expression", text, expr)
		}
	}
}

// utf8Valid reports whether s is valid UTF-8.
func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestDB_Search_Empty(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		for _, text := range []string{"", "   ", "*", "🚀", "diffusion"} {
			hits, err := db.Search(ctx, bot.Query{Text: text})
			if err != nil || len(hits) != 0 {
				t.Fatalf("Search(%q) on an empty database: %d hits, %v", text, len(hits), err)
			}
		}
	})
}

// TestDB_Search_Accents checks that accents do not matter, either way, on
// both engines: SQLite's tokenizer removes them, PostgreSQL's unaccent.
func TestDB_Search_Accents(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		mustSave(t, db, bot.Batch{Papers: append(bottest.Corpus(5, 50),
			bot.Paper{ID: "2608.99001", Title: "Naïve Bayes for résumé screening", Authors: []string{"José Müller"},
				Abstract: "A café-grade baseline."})})
		for _, q := range []string{"naive", "naïve bayes", "resume screening", "muller", "müller", "jose", "naiv", "cafe"} {
			if ids := searchIDs(t, db, q); !slices.Contains(ids, "2608.99001") {
				t.Errorf("%q: %v, want 2608.99001 among them", q, ids)
			}
		}
	})
}

// TestSearch_Any: with Any, papers with any of the words are found, those
// with the rarest and most of them first, even when one paper has them all.
func TestSearch_Any(t *testing.T) {
	db := MustOpenDB(t)
	mustSave(t, db, bot.Batch{Papers: []bot.Paper{
		{ID: "2608.00001", Title: "Zorblat Quuxing for Vision"},
		{ID: "2608.00002", Title: "Zorblat Methods"},
		{ID: "2608.00003", Title: "Vision Transformers"},
		{ID: "2608.00004", Title: "Speech Recognition"},
	}})
	ctx := context.Background()
	hits, err := db.Search(ctx, bot.Query{Text: "zorblat quuxing vision", Any: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.Paper.ID)
	}
	if want := []string{"2608.00001", "2608.00002", "2608.00003"}; !slices.Equal(got, want) {
		t.Fatalf("Any hits=%v, want %v", got, want)
	}
	hits, err = db.Search(ctx, bot.Query{Text: "zorblat quuxing vision"})
	if err != nil || len(hits) != 1 {
		t.Fatalf("all words: %d hits, err %v; want the one paper with every word", len(hits), err)
	}
}

// TestDB_Search_AnyWordFindsTheRareWord: when no paper has every word of a
// long query, the paper with its rare word comes first, even when more
// than PostgreSQL's ranking cap of newer papers share its common words.
func TestDB_Search_AnyWordFindsTheRareWord(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		old := bot.Paper{ID: "2601.00001", Title: "Zebrafish Larvae Under a Learned Vision Model",
			Abstract: "We study how a vision model learns from zebrafish larvae recordings."}
		mustSave(t, db, bot.Batch{Papers: []bot.Paper{old}})
		var newer []bot.Paper
		for i := range 1200 {
			newer = append(newer, bot.Paper{ID: fmt.Sprintf("2602.%05d", i+1), Title: fmt.Sprintf("A Learned Vision Model, Part %d", i+1),
				Abstract: "We study a vision model that is learned from data."})
		}
		mustSave(t, db, bot.Batch{Papers: newer})
		hits, err := db.Search(ctx, bot.Query{Text: "which learned vision model watches zebrafish under quantum light", Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Paper.ID != old.ID {
			t.Fatalf("hits %v, want %s first", hitIDs(hits), old.ID)
		}
	})
}

// TestDB_Search_RareWordOutweighsCommonOnes: a word few papers have counts
// for more than two that most have. No paper has every word, so every
// engine ranks papers with any of them; the one paper with the rare word
// must come first, ahead of the papers with both common words in their
// title (PostgreSQL's ts_rank alone weighs every word the same).
func TestDB_Search_RareWordOutweighsCommonOnes(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		papers := []bot.Paper{{ID: "2601.00001", Title: "Zebrafish Larvae Recordings",
			Abstract: "We record zebrafish larvae for a week."}}
		for i := range 20 {
			papers = append(papers, bot.Paper{ID: fmt.Sprintf("2602.%05d", i+1), Title: fmt.Sprintf("Vision Model Scaling %d", i+1),
				Abstract: "A vision model, and how the vision model scales."})
		}
		mustSave(t, db, bot.Batch{Papers: papers})
		for _, q := range []string{"zebrafish vision model quasar", "vision model zebrafish quasar"} {
			hits, err := db.Search(ctx, bot.Query{Text: q, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Paper.ID != "2601.00001" {
				t.Errorf("%q: %v, want 2601.00001 first", q, hitIDs(hits))
			}
		}
	})
}
