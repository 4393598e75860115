package store_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"paperboy/bot"
)

func TestVectors(t *testing.T) { eachEngine(t, testVectors) }

func testVectors(t *testing.T, e engine) {
	ctx := context.Background()
	db := e.open(t)
	mustSave(t, db, bot.Batch{Papers: []bot.Paper{
		{ID: "2608.00001", Title: "A"}, {ID: "2608.00002", Title: "B"}, {ID: "2608.00003", Title: "C"},
	}})
	if hits, err := db.Nearest(ctx, "m1", []float32{1, 0, 0}, 3); err != nil || len(hits) != 0 {
		t.Fatalf("no vectors yet: %d hits, err %v", len(hits), err)
	}
	err := db.SaveVectors(ctx, "m1", []bot.PaperVector{
		{ID: "2608.00001", Vector: []float32{1, 0, 0}},
		{ID: "2608.00002", Vector: []float32{0.6, 0.8, 0}},
		{ID: "2501.99999", Vector: []float32{1, 1, 1}}, // not stored: skipped
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Unembedded", func(t *testing.T) {
		papers, missing, err := db.Unembedded(ctx, "m1", "", 10)
		if err != nil || missing != 1 || len(papers) != 1 || papers[0].ID != "2608.00003" {
			t.Fatalf("Unembedded=%v, %d, %v; want 2608.00003 alone", papers, missing, err)
		}
		papers, missing, _ = db.Unembedded(ctx, "m2", "2608.00001", 10)
		if got := len(papers); got != 2 || missing != 3 {
			t.Fatalf("another model: %d papers after 2608.00001, %d missing; want 2 and 3", got, missing)
		}
	})
	t.Run("Vector", func(t *testing.T) {
		v, err := db.Vector(ctx, "m1", "2608.00002")
		if err != nil || len(v) != 3 || math.Abs(float64(v[0])-0.6) > 0.01 || math.Abs(float64(v[1])-0.8) > 0.01 {
			t.Fatalf("Vector=%v, %v; want about (0.6, 0.8, 0)", v, err)
		}
		if _, err := db.Vector(ctx, "m2", "2608.00002"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Fatalf("other model: err=%v, want ENOTFOUND", err)
		}
	})
	t.Run("Nearest", func(t *testing.T) {
		hits, err := db.Nearest(ctx, "m1", []float32{0, 2, 0}, 5)
		if err != nil || len(hits) != 2 || hits[0].Paper.ID != "2608.00002" || math.Abs(hits[0].Score-0.8) > 0.02 {
			t.Fatalf("Nearest=%v, %v; want 2608.00002 first with similarity 0.8", hits, err)
		}
		// A vector written since is seen at once, and replaces the old one.
		if err := db.SaveVectors(ctx, "m1", []bot.PaperVector{{ID: "2608.00003", Vector: []float32{0, 1, 0}}, {ID: "2608.00001", Vector: []float32{0, 0, 1}}}); err != nil {
			t.Fatal(err)
		}
		hits, err = db.Nearest(ctx, "m1", []float32{0, 2, 0}, 2)
		if err != nil || len(hits) != 2 || hits[0].Paper.ID != "2608.00003" || hits[1].Paper.ID != "2608.00002" {
			t.Fatalf("after an update: %v, %v", hits, err)
		}
	})
	t.Run("ModelChange", func(t *testing.T) {
		if err := db.SaveVectors(ctx, "m2", []bot.PaperVector{{ID: "2608.00003", Vector: []float32{1, 0}}}); err != nil {
			t.Fatal(err)
		}
		_, missing, _ := db.Unembedded(ctx, "m1", "", 10)
		hits, _ := db.Nearest(ctx, "m1", []float32{0, 1, 0}, 5)
		var got []string
		for _, h := range hits {
			got = append(got, h.Paper.ID)
		}
		if missing != 1 || slices.Contains(got, "2608.00003") {
			t.Fatalf("after m2 embedded 2608.00003: m1 misses %d, m1 nearest %v; want it re-embedded by m1, not mixed", missing, got)
		}
	})
}

func TestQuantize(t *testing.T) {
	v := []float32{3, -4, 0.5, 0}
	q, s := bot.Quantize(v)
	back := bot.Dequantize(q, s)
	norm := math.Sqrt(9 + 16 + 0.25)
	for i := range v {
		if d := math.Abs(float64(back[i]) - float64(v[i])/norm); d > 0.01 {
			t.Fatalf("component %d: %v, want %v", i, back[i], float64(v[i])/norm)
		}
	}
	if q, s := bot.Quantize([]float32{0, 0}); s != 0 || q[0] != 0 {
		t.Fatalf("zero vector: %v %v", q, s)
	}
}
