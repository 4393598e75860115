package store_test

import (
	"testing"

	"paperboy/bot"
	"paperboy/store"
)

// TestDB_CopyFrom_OneSnapshot writes to the source while it is being
// copied: a new day's batch with a new paper, after the papers table is
// read and before the batches are. The copy is the source as it was when
// the copy began: no batch without its papers, and the new day not at all.
func TestDB_CopyFrom_OneSnapshot(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		src, dst := e.open(t), e.open(t)
		old := bot.Batch{Date: "2026-08-19", Source: "hf", Papers: []bot.Paper{
			{ID: "2608.00001", Title: "First paper"}, {ID: "2608.00002", Title: "Second paper"}}}
		if _, err := src.SaveBatch(ctx, old); err != nil {
			t.Fatal(err)
		}
		want, err := src.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wrote := false
		err = dst.CopyFrom(ctx, src, func(p store.CopyProgress) {
			if p.Table != "papers" || p.Done != p.Total || wrote {
				return
			}
			wrote = true
			day := bot.Batch{Date: "2026-08-20", Source: "hf", Papers: []bot.Paper{{ID: "2608.00003", Title: "Third paper"}}}
			if _, err := src.SaveBatch(ctx, day); err != nil {
				t.Errorf("write to the source during the copy: %v", err)
			}
		})
		if err != nil {
			t.Fatalf("CopyFrom: %v", err)
		}
		if !wrote {
			t.Fatal("the papers table was never reported done")
		}
		got, err := dst.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"papers", "batches", "batch_papers"} {
			if got[table] != want[table] {
				t.Errorf("%s: copied %d rows, want %d: the source as the copy began", table, got[table], want[table])
			}
		}
		if now, _ := src.Counts(ctx); now["batches"] != want["batches"]+1 {
			t.Errorf("source batches=%d, want the new day written (%d)", now["batches"], want["batches"]+1)
		}
	})
}
