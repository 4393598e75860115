package store_test

import (
	"reflect"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestDB_AddPapers(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			path := e.dsn(t)
			db := mustOpenPath(t, path)
			stored := hfPaper() // upvotes, HF links, AI summary
			mustSave(t, db, bot.Batch{Papers: []bot.Paper{stored}})

			fresh := bottest.Corpus(3, 3)
			res, err := db.AddPapers(ctx, append([]bot.Paper{arxivPaper()}, fresh...))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (bot.SaveResult{Added: 3, AlreadyStored: 1}); got != want {
				t.Fatalf("AddPapers=%+v, want %+v", got, want)
			}
			// The stored paper is exactly as it was: title, upvotes, links.
			got, err := db.Paper(ctx, stored.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, stored) {
				t.Fatalf("stored paper changed:\n got %+v\nwant %+v", got, stored)
			}
			for _, want := range fresh {
				got, err := db.Paper(ctx, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("Paper(%s)=%+v\nwant %+v", want.ID, got, want)
				}
				if ids := searchIDs(t, db, want.Title); len(ids) == 0 {
					t.Errorf("search for the title of %s finds nothing", want.ID)
				}
			}
			if e.pg() {
				return // the FTS5 checks below are SQLite's
			}
			// The indexes are in step with papers.
			raw := rawDB(t, path)
			for _, table := range []string{"papers_fts", "papers_words"} {
				q := "INSERT INTO " + table + "(" + table + ", rank) VALUES ('integrity-check', 1)"
				if _, err := raw.Exec(q); err != nil {
					t.Errorf("%s: %v", table, err)
				}
			}
		})

		t.Run("Rerun", func(t *testing.T) {
			db := e.open(t)
			papers := bottest.Corpus(4, 2500) // more than one statement's worth
			if _, err := db.AddPapers(ctx, papers[:1200]); err != nil {
				t.Fatal(err)
			}
			res, err := db.AddPapers(ctx, papers)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (bot.SaveResult{Added: 1300, AlreadyStored: 1200}); got != want {
				t.Fatalf("AddPapers=%+v, want %+v", got, want)
			}
		})

		t.Run("Duplicate", func(t *testing.T) {
			db := e.open(t)
			first, second := arxivPaper(), arxivPaper()
			second.Title = "A later copy"
			res, err := db.AddPapers(ctx, []bot.Paper{first, second})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (bot.SaveResult{Added: 1, AlreadyStored: 1}); got != want {
				t.Fatalf("AddPapers=%+v, want %+v", got, want)
			}
			if got, _ := db.Paper(ctx, first.ID); got.Title != first.Title {
				t.Fatalf("Title=%q, want the first copy's %q", got.Title, first.Title)
			}
		})

		t.Run("Text", func(t *testing.T) {
			// Papers travel to SQLite as JSON: text that JSON escapes comes back
			// byte for byte, through both insert paths.
			db := e.open(t)
			text := "a\x00b \"q\" \\ \t\n <c> & \u2028 é 日本"
			for i, save := range []func(bot.Paper) error{
				func(p bot.Paper) error { _, err := db.AddPapers(ctx, []bot.Paper{p}); return err },
				func(p bot.Paper) error { _, err := db.SaveBatch(ctx, bot.Batch{Papers: []bot.Paper{p}}); return err },
			} {
				want := bot.Paper{ID: "2401.0000" + string(rune('1'+i)), Title: text, Abstract: text, Authors: []string{text}}
				if err := save(want); err != nil {
					t.Fatal(err)
				}
				if e.pg() { // PostgreSQL's text cannot hold NUL: it is dropped
					nul := strings.NewReplacer("\x00", "")
					want.Title, want.Abstract, want.Authors = nul.Replace(text), nul.Replace(text), []string{nul.Replace(text)}
				}
				got, err := db.Paper(ctx, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("Paper=%+v\nwant  %+v", got, want)
				}
			}
		})

		t.Run("ErrNoID", func(t *testing.T) {
			db := e.open(t)
			papers := bottest.Corpus(5, 2)
			papers[1].ID = " "
			if _, err := db.AddPapers(ctx, papers); bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("err=%v, want EINVALID", err)
			}
			if _, err := db.Paper(ctx, papers[0].ID); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("Paper after a failed AddPapers: err=%v, want ENOTFOUND", err)
			}
		})
	})
}

// TestDB_SaveBatch_Large checks SaveBatch over more papers than one
// statement carries: counts, rank order and refresh rules hold across
// statements.
func TestDB_SaveBatch_Large(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		papers := bottest.Corpus(6, 2300)
		papers[1050].Upvotes = 42
		if _, err := db.AddPapers(ctx, papers[1000:1100]); err != nil {
			t.Fatal(err)
		}
		papers[1050].Upvotes = 0 // a refresh keeps the larger count
		// The last paper repeats the first, with a new title: merged, first rank.
		dup := papers[0]
		dup.Title = "Merged title"
		batch := append(papers[:len(papers):len(papers)], dup)
		res := mustSave(t, db, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: batch})
		if got, want := res, (bot.SaveResult{Added: 2200, Updated: 100}); got != want {
			t.Fatalf("SaveBatch=%+v, want %+v", got, want)
		}
		b, err := db.Batch(ctx, "2026-08-19")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := paperIDs(b.Papers), paperIDs(papers); !reflect.DeepEqual(got, want) {
			t.Fatalf("batch has %d papers in another order than the %d saved", len(got), len(want))
		}
		if got, want := b.Papers[0].Title, "Merged title"; got != want {
			t.Errorf("Title=%q, want %q", got, want)
		}
		if got, want := b.Papers[1050].Upvotes, 42; got != want {
			t.Errorf("Upvotes=%d, want the stored %d", got, want)
		}
	})
}
