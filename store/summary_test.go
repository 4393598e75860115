package store_test

import (
	"testing"
	"time"

	"paperboy/bot"
)

func TestDB_Summary(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		key := bot.SummaryKey{PaperID: "2608.17271", Model: "gpt-4o-mini", PromptVersion: "v1"}

		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			if err := db.SaveSummary(ctx, bot.Summary{SummaryKey: key, Text: "A benchmark.", Source: bot.SourceLLM}); err != nil {
				t.Fatal(err)
			}
			got, err := db.Summary(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			want := bot.Summary{SummaryKey: key, Text: "A benchmark.", Source: bot.SourceLLM, Created: db.Now(), Cached: true}
			if got != want {
				t.Fatalf("Summary=%+v, want %+v", got, want)
			}
		})

		t.Run("Replace", func(t *testing.T) {
			db := e.open(t)
			created := time.Date(2026, 8, 1, 9, 30, 0, 0, time.UTC)
			for _, text := range []string{"Old.", "New."} {
				if err := db.SaveSummary(ctx, bot.Summary{SummaryKey: key, Text: text, Source: bot.SourceHF, Created: created}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.Summary(ctx, key)
			if err != nil || got.Text != "New." || !got.Created.Equal(created) {
				t.Fatalf("Summary=%+v, %v; want New. created %v", got, err, created)
			}
			other := key
			other.PromptVersion = "v2" // a new prompt misses the cache
			if _, err := db.Summary(ctx, other); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("Summary(v2) err=%v, want ENOTFOUND", err)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			db := e.open(t)
			if _, err := db.Summary(ctx, key); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("err=%v, want ENOTFOUND", err)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			db := e.open(t)
			if err := db.SaveSummary(ctx, bot.Summary{Text: "No key."}); bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("err=%v, want EINVALID", err)
			}
		})
	})
}

func TestDB_CachedSummaries(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		v1 := bot.SummaryKey{PaperID: "2608.17271", Model: "gpt-4o-mini", PromptVersion: "v1"}
		v2 := bot.SummaryKey{PaperID: "2608.17271", Model: "gpt-4o-mini", PromptVersion: "v2"}
		other := bot.SummaryKey{PaperID: "2608.00001", Model: "gpt-4o-mini", PromptVersion: "v1"}
		missing := bot.SummaryKey{PaperID: "2608.99999", Model: "gpt-4o-mini", PromptVersion: "v1"}
		for _, k := range []bot.SummaryKey{v1, v2, other} {
			if err := db.SaveSummary(ctx, bot.Summary{SummaryKey: k, Text: "About " + k.PromptVersion, Source: bot.SourceLLM}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.CachedSummaries(ctx, []bot.SummaryKey{v1, other, missing, v2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[v1].Text != "About v1" || got[v2].Text != "About v2" || !got[other].Cached {
			t.Fatalf("CachedSummaries=%+v, want v1, v2 and other", got)
		}
		if _, ok := got[missing]; ok {
			t.Fatalf("CachedSummaries has %v, which was never cached", missing)
		}
		want, _ := db.Summary(ctx, v1)
		if got[v1] != want {
			t.Fatalf("CachedSummaries[v1]=%+v, want what Summary says, %+v", got[v1], want)
		}
	})
}
