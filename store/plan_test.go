package store_test

import (
	"slices"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
)

// TestDB_Search_Planned runs the relevance table with the planner on, as it
// is on stores of more than 20,000 papers: sampling, stop words, reshaped
// phrases and windows must not lose the papers the words name.
func TestDB_Search_Planned(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	t.Parallel() // a store of its own
	db := mustOpenSearchDB(t, sqliteEngine)
	store.SetExactBelow(db, 0)
	testRelevance(t, db)
	t.Run("Diacritics", func(t *testing.T) {
		// The planner sends no prefix query: "Mül" must complete from the
		// vocabulary, which keeps names without diacritics ("muller").
		db := MustOpenDB(t)
		mustSave(t, db, bot.Batch{Papers: []bot.Paper{{ID: "2401.00001", Title: "Sparse Kernels", Authors: []string{"Anna Müller"}}}})
		store.SetExactBelow(db, 0)
		if got := countSearch(t, db, "kernels Mül"); got != 1 {
			t.Fatalf("%d hits for a half-typed Müller, want 1", got)
		}
	})
	t.Run("Hostile", func(t *testing.T) {
		for _, text := range hostile {
			if _, err := db.Search(ctx, bot.Query{Text: text, Limit: 3, Offset: 2}); err != nil {
				t.Errorf("Search(%.40q): %v", text, err)
			}
		}
	})
	t.Run("StopWords", func(t *testing.T) {
		// "of" is in nearly every abstract: bm25 cannot rank it, so the
		// newest papers come, those with it in the title first.
		hits, err := db.Search(ctx, bot.Query{Text: "of", Limit: 100})
		if err != nil || len(hits) != 100 {
			t.Fatalf("%d hits, %v", len(hits), err)
		}
		inTitle := func(h bot.Hit) bool { return slices.Contains(strings.Fields(strings.ToLower(h.Paper.Title)), "of") }
		if !inTitle(hits[0]) {
			t.Fatalf("first hit %q has no \"of\" in its title", hits[0].Paper.Title)
		}
		seenOther := false
		for i, h := range hits {
			if h.Score != 0 {
				t.Fatalf("hit %d: Score %v, want 0 (unranked)", i, h.Score)
			}
			if !inTitle(h) {
				seenOther = true
			} else if seenOther {
				t.Fatalf("hit %d (%q) has \"of\" in its title but comes after one without", i, h.Paper.Title)
			}
		}
		if !seenOther {
			t.Fatal("every hit has \"of\" in its title; the test needs papers without it")
		}
	})
}

// TestDB_Search_Window checks that a word many papers have is ranked among
// the newest papers only, while rare words still find the oldest paper.
func TestDB_Search_Window(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	t.Parallel() // a store of its own
	db := MustOpenDB(t)
	papers := bottest.Corpus(3, 6000)
	mustSave(t, db, bot.Batch{Papers: papers})
	index := make(map[string]int, len(papers))
	for i, p := range papers {
		index[p.ID] = i
	}
	oldest := func(hits []bot.Hit) int {
		min := len(papers)
		for _, h := range hits {
			min = slices.Min([]int{min, index[h.Paper.ID]})
		}
		return min
	}

	exact, err := db.Search(ctx, bot.Query{Text: "neural"})
	if err != nil || len(exact) != 10 {
		t.Fatalf("exact: %d hits, %v", len(exact), err)
	}
	store.SetExactBelow(db, 0)
	planned, err := db.Search(ctx, bot.Query{Text: "neural"})
	if err != nil || len(planned) != 10 {
		t.Fatalf("planned: %d hits, %v", len(planned), err)
	}
	// About a quarter of the papers say "neural": ~1,600 matches, more than
	// the 1,000 the planner ranks, so it searches the newest ~3,700 papers.
	if got := oldest(planned); got < 2000 {
		t.Errorf("planned search returned paper %d of 6000, want only the newest", got)
	}
	if got := oldest(exact); got >= 2000 {
		t.Errorf("exact search: oldest hit is paper %d; the test needs an older one to mean anything", got)
	}

	// A title's words are rare together: searched across every paper.
	hits, err := db.Search(ctx, bot.Query{Text: papers[10].Title})
	if err != nil || len(hits) == 0 || hits[0].Paper.ID != papers[10].ID {
		t.Fatalf("title of paper 10: %v, %v", hits, err)
	}

	// Paging through a window widens it when a page needs more hits.
	page, err := db.Search(ctx, bot.Query{Text: "neural", Offset: 1500, Limit: 10})
	if err != nil || len(page) != 10 {
		t.Fatalf("page at 1500: %d hits, %v", len(page), err)
	}
}
