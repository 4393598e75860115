package store_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
)

// hfPaper is a paper as Hugging Face sends it: upvotes, links, AI summary.
func hfPaper() bot.Paper {
	return bot.Paper{
		ID:             "2608.12313",
		Title:          "AVA-Encoder: Towards Agent-Native Video Representation Learning",
		Abstract:       "We present AVA-Encoder.",
		Authors:        []string{"Zoë Müller", "Wei Chen", "Ana & Co"},
		Published:      time.Date(2026, 8, 12, 0, 0, 0, 0, time.UTC),
		Upvotes:        27,
		ArxivURL:       "https://arxiv.org/abs/2608.12313",
		HFURL:          "https://huggingface.co/papers/2608.12313",
		GitHubURL:      "https://github.com/example/ava",
		Thumbnail:      "https://cdn.example/ava.png",
		AISummary:      "AVA-Encoder learns video representations for agents.",
		AISummaryModel: "thinkingmachines/Inkling-Small",
		Keywords:       []string{"video", "agents"},
	}
}

// arxivPaper is the same paper as an arXiv listing has it: no upvotes, no
// Hugging Face fields, categories, a revised title.
func arxivPaper() bot.Paper {
	return bot.Paper{
		ID:         "2608.12313",
		Title:      "AVA-Encoder: Towards Agent-Native Video Representation Learning (v2)",
		Abstract:   "We present AVA-Encoder, revised.",
		Authors:    []string{"Zoë Müller", "Wei Chen", "Ana & Co", "New Author"},
		ArxivURL:   "https://arxiv.org/abs/2608.12313",
		PDFURL:     "https://arxiv.org/pdf/2608.12313",
		Categories: []string{"cs.CV", "cs.AI"},
	}
}

func TestDB_Paper(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			want := hfPaper()
			mustSave(t, db, bot.Batch{Papers: []bot.Paper{want}})
			got, err := db.Paper(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Paper=%+v\nwant  %+v", got, want)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			db := e.open(t)
			_, err := db.Paper(ctx, "2401.00001")
			if got, want := bot.ErrorCode(err), bot.ENOTFOUND; got != want {
				t.Fatalf("ErrorCode=%q, want %q (err %v)", got, want, err)
			}
			if got, want := bot.ErrorMessage(err), "No paper 2401.00001 in the database; import or fetch it first."; got != want {
				t.Fatalf("ErrorMessage=%q, want %q", got, want)
			}
		})
	})
}

func TestDB_SaveBatch(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			res := mustSave(t, db, bot.Batch{Papers: []bot.Paper{hfPaper(), {ID: "2608.00001", Title: "Other"}}})
			if got, want := res, (bot.SaveResult{Added: 2}); got != want {
				t.Fatalf("SaveResult=%+v, want %+v", got, want)
			}
			res = mustSave(t, db, bot.Batch{Papers: []bot.Paper{hfPaper(), {ID: "2608.00002", Title: "New"}}})
			if got, want := res, (bot.SaveResult{Added: 1, Updated: 1}); got != want {
				t.Fatalf("second SaveResult=%+v, want %+v", got, want)
			}
			if got, want := countSearch(t, db, "AVA-Encoder"), 1; got != want {
				t.Fatalf("%d hits for the paper saved twice, want %d", got, want)
			}
		})

		t.Run("ArxivKeepsHFFields", func(t *testing.T) {
			db := e.open(t)
			mustSave(t, db, bot.Batch{Papers: []bot.Paper{hfPaper()}})
			mustSave(t, db, bot.Batch{Papers: []bot.Paper{arxivPaper()}})
			got, err := db.Paper(ctx, "2608.12313")
			if err != nil {
				t.Fatal(err)
			}
			want := hfPaper()
			a := arxivPaper()
			want.Title, want.Abstract, want.Authors = a.Title, a.Abstract, a.Authors // refreshed
			want.PDFURL, want.Categories = a.PDFURL, a.Categories                    // filled in
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Paper=%+v\nwant  %+v", got, want)
			}
			if ids := searchIDs(t, db, "revised"); len(ids) != 1 {
				t.Fatalf("refreshed abstract not indexed: %v", ids)
			}
		})

		t.Run("UpvotesRefresh", func(t *testing.T) {
			db := e.open(t)
			for _, upvotes := range []int{27, 40, 3} { // 3: an older copy never lowers the count
				p := hfPaper()
				p.Upvotes = upvotes
				mustSave(t, db, bot.Batch{Papers: []bot.Paper{p}})
			}
			if got, err := db.Paper(ctx, "2608.12313"); err != nil || got.Upvotes != 40 {
				t.Fatalf("Upvotes=%d (err %v), want 40", got.Upvotes, err)
			}
		})

		t.Run("DuplicatesInBatch", func(t *testing.T) {
			db := e.open(t)
			early := arxivPaper()
			late := hfPaper()
			late.Title = "" // the later copy lacks a title: the earlier one fills it
			res := mustSave(t, db, bot.Batch{Date: "2026-08-19", Papers: []bot.Paper{
				early, {ID: "2608.00001", Title: "Second"}, late,
			}})
			if got, want := res, (bot.SaveResult{Added: 2}); got != want {
				t.Fatalf("SaveResult=%+v, want %+v", got, want)
			}
			b, err := db.Batch(ctx, "2026-08-19")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := paperIDs(b.Papers), []string{"2608.12313", "2608.00001"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("batch=%v, want %v (rank of first appearance)", got, want)
			}
			p := b.Papers[0]
			if p.Title != early.Title || p.Abstract != late.Abstract || p.Upvotes != 27 || p.AISummary == "" {
				t.Fatalf("merged paper=%+v", p)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			db := e.open(t)
			for _, b := range []bot.Batch{
				{Papers: []bot.Paper{hfPaper(), {Title: "No id"}}},
				{Date: "19/08/2026", Papers: []bot.Paper{hfPaper()}},
			} {
				if _, err := db.SaveBatch(ctx, b); bot.ErrorCode(err) != bot.EINVALID {
					t.Fatalf("SaveBatch(%+v) err=%v, want EINVALID", b, err)
				}
			}
			if _, err := db.Paper(ctx, "2608.12313"); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("a rejected batch saved papers (err %v)", err)
			}
		})

		t.Run("ConcurrentWriters", func(t *testing.T) {
			db := e.open(t)
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for w := range 4 {
				wg.Go(func() {
					for i := range 5 {
						p := bot.Paper{ID: "x-" + string(rune('a'+w)) + string(rune('a'+i)), Title: "Concurrent"}
						if _, err := db.SaveBatch(ctx, bot.Batch{Papers: []bot.Paper{p, hfPaper()}}); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if got, want := countSearch(t, db, "concurrent"), 20; got != want {
				t.Fatalf("%d papers, want %d", got, want)
			}
		})
	})
}

// countSearch returns the number of hits (at most 100) for text.
func countSearch(tb testing.TB, db *store.DB, text string) int {
	tb.Helper()
	return len(searchIDs(tb, db, text))
}

// paperIDs returns the ids of papers.
func paperIDs(papers []bot.Paper) []string {
	ids := make([]string, len(papers))
	for i, p := range papers {
		ids[i] = p.ID
	}
	return ids
}
