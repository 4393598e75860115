package arxiv_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"paperboy/adapters/arxiv"
	"paperboy/bot"
)

func TestParseAtom(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		ids   string // every emitted id, in order
		check func(t *testing.T, items []bot.Item)
	}{
		{
			name: "Search2026",
			file: "api_query_search_testing_start0_max10_2026-04-12.xml",
			ids:  "2202.12139 2405.13786 2005.14124 2204.08348 2302.03287 1202.4527 2503.05378 1205.1866 2502.07719 1812.11470",
			check: func(t *testing.T, items []bot.Item) {
				it := byID(t, items, "2405.13786")
				if got, want := join(it.Paper.Authors), "Aurora Ramírez|Mario Berrios|José Raúl Romero|Robert Feldt"; got != want {
					t.Fatalf("Authors=%q, want %q", got, want)
				}
				if got, want := join(it.Paper.Categories), "cs.SE|cs.AI"; got != want {
					t.Fatalf("Categories=%q, want %q", got, want)
				}
				if got, want := it.Paper.Published, time.Date(2024, 5, 22, 16, 11, 45, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
					t.Fatalf("Published=%v, want %v", got, want)
				}
				if got, want := it.Paper.ArxivURL, "https://arxiv.org/abs/2405.13786"; got != want {
					t.Fatalf("ArxivURL=%q, want %q", got, want)
				}
				if got, want := it.Paper.PDFURL, "https://arxiv.org/pdf/2405.13786"; got != want {
					t.Fatalf("PDFURL=%q, want %q", got, want)
				}
				if got, want := it.Paper.Title, "Towards Explainable Test Case Prioritisation with Learning-to-Rank Models"; got != want {
					t.Fatalf("Title=%q, want %q", got, want)
				}
				if !strings.HasPrefix(it.Paper.Abstract, "Test case prioritisation (TCP) is a critical task") {
					t.Fatalf("Abstract=%.60q…", it.Paper.Abstract)
				}
				// The API says nothing of announcement days, and these
				// comments name no code.
				for _, it := range items {
					if it.Date != "" || it.Paper.GitHubURL != "" || it.Paper.Upvotes != 0 {
						t.Fatalf("%s: Date=%q GitHubURL=%q Upvotes=%d, want zero", it.Paper.ID, it.Date, it.Paper.GitHubURL, it.Paper.Upvotes)
					}
				}
			},
		},
		{
			name: "IDListBadIDDropped",
			file: "api_query_idlist_0808.05394_1707.08567_2026-04-12.xml",
			ids:  "1707.08567",
			check: func(t *testing.T, items []bot.Item) {
				a := items[0].Paper.Authors
				if got, want := len(a), 34; got != want {
					t.Fatalf("len(Authors)=%d, want %d", got, want)
				}
				if got, want := a[0]+"|"+a[32]+"|"+a[33], "Kees A. Schouhamer Immink|Dirk Wübben|Hirosuke Yamamoto"; got != want {
					t.Fatalf("Authors[0,32,33]=%q, want %q", got, want)
				}
				if got, want := join(items[0].Paper.Categories), "cs.IT"; got != want {
					t.Fatalf("Categories=%q, want %q", got, want)
				}
			},
		},
		{
			name: "OldStyleID",
			file: "api_query_idlist_astro-ph_0601001_2026-05-11.xml",
			ids:  "astro-ph/0601001",
			check: func(t *testing.T, items []bot.Item) {
				p := items[0].Paper
				if got, want := p.ArxivURL, "https://arxiv.org/abs/astro-ph/0601001"; got != want {
					t.Fatalf("ArxivURL=%q, want %q", got, want)
				}
				if got, want := join(p.Authors), "Andrew Gould|Susan Dorsher|B. Scott Gaudi|Andrzej Udalski"; got != want {
					t.Fatalf("Authors=%q, want %q", got, want)
				}
				if got, want := p.Published, time.Date(2006, 1, 2, 14, 57, 58, 0, time.UTC); !got.Equal(want) {
					t.Fatalf("Published=%v, want %v", got, want)
				}
				// "Full resolution version at http://…" is not a code link.
				if got, want := p.GitHubURL, ""; got != want {
					t.Fatalf("GitHubURL=%q, want %q", got, want)
				}
			},
		},
		{
			name: "Legacy2016",
			file: "api_query_legacy_au_del_maestro_2016-10-09.xml",
			ids:  "1201.4869 cond-mat/0412498 cond-mat/0603029 1005.5383 1303.6954 1312.6177 1412.6529 cond-mat/0607501 cond-mat/0702661 0807.2873",
			check: func(t *testing.T, items []bot.Item) {
				p := byID(t, items, "cond-mat/0603029").Paper
				// Text stays as received (hard wraps included), trimmed;
				// renderers clean it.
				if got, want := p.Title, "From stripe to checkerboard order on the square lattice in the presence\n  of quenched disorder"; got != want {
					t.Fatalf("Title=%q, want %q", got, want)
				}
				if !strings.HasPrefix(p.Abstract, "We discuss the effects of quenched disorder on a model of charge density wave\n(CDW)") || strings.HasSuffix(p.Abstract, "\n") {
					t.Fatalf("Abstract=%q", p.Abstract)
				}
				if got, want := join(p.Authors), "Adrian Del Maestro|Bernd Rosenow|Subir Sachdev"; got != want {
					t.Fatalf("Authors=%q, want %q", got, want)
				}
				// The inline-namespaced primary category comes first.
				if got, want := join(byID(t, items, "1201.4869").Paper.Categories), "cond-mat.mes-hall|cond-mat.other"; got != want {
					t.Fatalf("Categories=%q, want %q", got, want)
				}
			},
		},
		{
			name: "CodeLinkInComment",
			file: "api_query_cat_cs.CL_max3_2026-09-24.xml",
			ids:  "2609.28471 2609.28449 2609.28442",
			check: func(t *testing.T, items []bot.Item) {
				if got, want := items[0].Paper.GitHubURL, "https://github.com/petekirby/contrastive-av"; got != want {
					t.Fatalf("GitHubURL=%q, want %q", got, want)
				}
				// A cross-list: the primary category leads even when the
				// entry lists it last.
				if got, want := join(items[1].Paper.Categories), "cs.SE|cs.AI|cs.CL"; got != want {
					t.Fatalf("Categories=%q, want %q", got, want)
				}
			},
		},
		{
			name: "AtomListing",
			file: "atom_listing_cs.LG_2026-09-25_excerpt.xml",
			ids:  "2609.28553 2402.10149 2401.08875",
			check: func(t *testing.T, items []bot.Item) {
				var dates []string
				for _, it := range items {
					dates = append(dates, it.Date)
				}
				if got, want := join(dates), "2026-09-25||"; got != want {
					t.Fatalf("Dates=%q, want %q (only the new paper joins the day)", got, want)
				}
				p := items[0].Paper
				if got, want := p.Abstract, "Drug toxicity prediction is critical for reducing late-stage attrition in drug discovery, yet remains challenging due to severe class imbalance, scaffold-based generalization, and the clinical need for interpretable predictions."; got != want {
					t.Fatalf("Abstract=%q, want %q", got, want)
				}
				if got, want := len(p.Authors), 6; got != want {
					t.Fatalf("len(Authors)=%d, want %d: %q", got, want, p.Authors)
				}
				if got, want := p.Published, time.Date(2026, 9, 25, 4, 0, 0, 0, time.UTC); !got.Equal(want) {
					t.Fatalf("Published=%v, want %v", got, want)
				}
				// v3 of a 2024 paper: the listing does not say when v1 was.
				if got := items[2].Paper.Published; !got.IsZero() {
					t.Fatalf("replacement Published=%v, want zero", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := MustParseFile(t, arxiv.ParseAtom, tt.file)
			if got, want := ids(res.items), tt.ids; got != want {
				t.Fatalf("ids=%q, want %q", got, want)
			}
			if got, want := len(res.skips), 0; got != want {
				t.Fatalf("len(skips)=%d, want %d: %+v", got, want, res.skips)
			}
			tt.check(t, res.items)
		})
	}
}

func TestParseAtom_ErrorEntry(t *testing.T) {
	res := parse(arxiv.ParseAtom, strings.NewReader(string(MustReadFile(t, "api_query_idlist_abc_http400_2026-04-12.xml"))))
	if got, want := bot.ErrorCode(res.err), bot.EINVALID; got != want {
		t.Fatalf("code=%q, want %q (err %v)", got, want, res.err)
	}
	if got, want := bot.ErrorMessage(res.err), "arXiv rejected the query: incorrect id format for abc"; got != want {
		t.Fatalf("message=%q, want %q", got, want)
	}
	if got, want := len(res.items), 0; got != want {
		t.Fatalf("len(items)=%d, want %d", got, want)
	}
}

func TestParseAtom_MalformedEntries(t *testing.T) {
	const feed = `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><title>No id here</title></entry>
  <entry><id>http://arxiv.org/abs/not-an-id</id><title>Bad id</title></entry>
  <entry><id>http://arxiv.org/abs/2401.01335v2</id><title>  </title></entry>
  <entry><id>http://arxiv.org/abs/2401.01336v1</id><title>Kept</title></entry>
</feed>`
	res := parse(arxiv.ParseAtom, strings.NewReader(feed))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := ids(res.items), "2401.01336"; got != want {
		t.Fatalf("ids=%q, want %q", got, want)
	}
	want := []bot.Skip{
		{Where: "entry 1 (No id here)", Reason: "no id"},
		{Where: "entry 2 (http://arxiv.org/abs/not-an-id)", Reason: `"http://arxiv.org/abs/not-an-id" is not an arXiv id`},
		{Where: "entry 3 (http://arxiv.org/abs/2401.01335v2)", Reason: "no title"},
	}
	if got, want := len(res.skips), len(want); got != want {
		t.Fatalf("len(skips)=%d, want %d: %+v", got, want, res.skips)
	}
	for i := range want {
		if got, want := res.skips[i], want[i]; got != want {
			t.Fatalf("skips[%d]=%+v, want %+v", i, got, want)
		}
	}
}

func TestParseAtom_NotAtom(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"Empty", "", "no <feed> element"},
		{"JSON", `[{"paper": {"id": "2401.01335"}}]`, "no <feed> element"},
		{"RSS", `<rss version="2.0"><channel/></rss>`, "root element is <rss>, not <feed>"},
		{"Truncated", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.01335v1</id>`, "parse atom"},
		{"HTML", `<!DOCTYPE html><html><body><p>Rate exceeded.</p></body></html>`, "root element is <html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parse(arxiv.ParseAtom, strings.NewReader(tt.input))
			if res.err == nil || !strings.Contains(res.err.Error(), tt.want) {
				t.Fatalf("err=%v, want one containing %q", res.err, tt.want)
			}
			if got, want := bot.ErrorCode(res.err), bot.EINTERNAL; got != want {
				t.Fatalf("code=%q, want %q", got, want)
			}
		})
	}
}

func TestParseAtom_EmitError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := arxiv.ParseAtom(strings.NewReader(string(MustReadFile(t, "api_query_search_testing_start0_max10_2026-04-12.xml"))),
		func(bot.Item) error { calls++; return stop }, func(bot.Skip) {})
	if !errors.Is(err, stop) {
		t.Fatalf("err=%v, want %v", err, stop)
	}
	if got, want := calls, 1; got != want {
		t.Fatalf("emit calls=%d, want %d", got, want)
	}
}
