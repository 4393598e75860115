package store_test

import (
	"reflect"
	"testing"

	"paperboy/bot"
)

func TestDB_Batch(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		early := loadFixture(t, "testdata/daily_papers_2026-08-13.json")
		late := loadFixture(t, "testdata/daily_papers_2026-08-19.json")
		mustSave(t, db, bot.Batch{Date: "2026-08-13", Source: "hf", Papers: early})
		mustSave(t, db, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: late})

		tests := []struct {
			name     string
			date     string
			wantDate string
			want     []bot.Paper
			wantCode string
		}{
			{name: "OK", date: "2026-08-19", wantDate: "2026-08-19", want: late},
			{name: "OnOrBefore", date: "2026-08-18", wantDate: "2026-08-13", want: early},
			{name: "Later", date: "2027-01-01", wantDate: "2026-08-19", want: late},
			{name: "ErrNotFound", date: "2026-08-12", wantCode: bot.ENOTFOUND},
			{name: "ErrInvalid", date: "yesterday", wantCode: bot.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b, err := db.Batch(ctx, tt.date)
				if tt.wantCode != "" {
					if got := bot.ErrorCode(err); got != tt.wantCode {
						t.Fatalf("ErrorCode=%q, want %q (err %v)", got, tt.wantCode, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if b.Date != tt.wantDate || b.Source != "hf" {
					t.Fatalf("Date=%q Source=%q, want %q hf", b.Date, b.Source, tt.wantDate)
				}
				if got, want := paperIDs(b.Papers), paperIDs(tt.want); !reflect.DeepEqual(got, want) {
					t.Fatalf("papers=%v\nwant    %v", got, want)
				}
			})
		}

		t.Run("SharedPaper", func(t *testing.T) {
			// 2608.12313 is in both days' batches: stored once, with the higher upvotes.
			if got, want := countSearch(t, db, "AVA-Encoder Agent-Native"), 1; got != want {
				t.Fatalf("%d copies of 2608.12313, want %d", got, want)
			}
			if p, err := db.Paper(ctx, "2608.12313"); err != nil || p.Upvotes != 27 {
				t.Fatalf("Upvotes=%d (err %v), want 27", p.Upvotes, err)
			}
		})
	})
}

func TestDB_SaveBatch_Replace(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		a, b, c := bot.Paper{ID: "2608.00001", Title: "A"}, bot.Paper{ID: "2608.00002", Title: "B"}, bot.Paper{ID: "2608.00003", Title: "C"}
		mustSave(t, db, bot.Batch{Date: "2026-08-19", Source: "arxiv", Papers: []bot.Paper{a, b, c}})
		res := mustSave(t, db, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: []bot.Paper{c, a}})
		if got, want := res, (bot.SaveResult{Updated: 2}); got != want {
			t.Fatalf("SaveResult=%+v, want %+v", got, want)
		}
		got, err := db.Batch(ctx, "2026-08-19")
		if err != nil {
			t.Fatal(err)
		}
		if got.Source != "hf" || !reflect.DeepEqual(paperIDs(got.Papers), []string{c.ID, a.ID}) {
			t.Fatalf("batch=%s %v, want hf [%s %s]", got.Source, paperIDs(got.Papers), c.ID, a.ID)
		}
		if _, err := db.Paper(ctx, b.ID); err != nil {
			t.Fatalf("paper dropped from the batch was deleted: %v", err)
		}

		t.Run("Empty", func(t *testing.T) {
			mustSave(t, db, bot.Batch{Date: "2026-08-19", Source: "hf"})
			got, err := db.Batch(ctx, "2026-08-19")
			if err != nil || got.Date != "2026-08-19" || len(got.Papers) != 0 {
				t.Fatalf("Batch=%+v, %v; want an empty batch", got, err)
			}
		})

		t.Run("NoDate", func(t *testing.T) {
			mustSave(t, db, bot.Batch{Papers: []bot.Paper{{ID: "2608.00004", Title: "D"}}})
			if _, err := db.Batch(ctx, "2026-08-18"); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("a batch without a date made a day batch (err %v)", err)
			}
		})
	})
}

func TestDB_InBatches(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		early := loadFixture(t, "testdata/daily_papers_2026-08-13.json")
		late := loadFixture(t, "testdata/daily_papers_2026-08-19.json")
		mustSave(t, db, bot.Batch{Date: "2026-08-13", Source: "hf", Papers: early})
		mustSave(t, db, bot.Batch{Date: "2026-08-19", Source: "hf", Papers: late})
		ids := []string{early[0].ID, late[0].ID, "2601.00001"}
		tests := []struct {
			from, to string
			want     map[string]bool
		}{
			{"2026-08-01", "2026-08-13", map[string]bool{early[0].ID: true}},
			{"2026-08-14", "", map[string]bool{late[0].ID: true}},
			{"", "2026-08-31", map[string]bool{early[0].ID: true, late[0].ID: true}},
			{"2026-08-14", "2026-08-18", map[string]bool{}},
		}
		for _, tt := range tests {
			got, err := db.InBatches(ctx, ids, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("InBatches(%s..%s)=%v, want %v", tt.from, tt.to, got, tt.want)
			}
		}
	})
}
