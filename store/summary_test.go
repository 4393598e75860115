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
