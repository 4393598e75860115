package bot_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// concepts make the fake embedder put paraphrases close together.
var concepts = map[string]string{
	"self-play": "selfplay", "themselves": "selfplay", "playing": "selfplay", "play": "selfplay",
	"kv-cache": "kvcache", "cache": "kvcache", "memory": "kvcache",
	"compress": "shrink", "compression": "shrink", "shrinking": "shrink", "smaller": "shrink",
	"proteins": "protein", "enzymes": "protein",
	"diffusion": "generative", "generative": "generative",
}

// hybridEngine is askEngine with every paper embedded by the fake.
func hybridEngine(t *testing.T) (*bot.Engine, *bottest.Embedder, *bottest.Vectors) {
	t.Helper()
	e, st := askEngine(t, nil)
	emb := &bottest.Embedder{Model: "fake-embed", Concepts: concepts}
	vecs := &bottest.Vectors{Store: st}
	e.Embedder, e.Vectors = emb, vecs
	stats, err := e.EmbedStored(context.Background(), bot.EmbedOptions{BatchSize: 4})
	if err != nil || stats.Embedded != 6 || stats.Total != 6 {
		t.Fatalf("EmbedStored=%+v, %v; want 6 of 6", stats, err)
	}
	return e, emb, vecs
}

func top(t *testing.T, e *bot.Engine, query string, n int) []string {
	t.Helper()
	hits, _, err := e.Search(context.Background(), query, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ids(papersOfHits(hits))
}

func TestEngine_Search_Hybrid(t *testing.T) {
	e, _, _ := hybridEngine(t)
	plain, _ := askEngine(t, nil)
	t.Run("Paraphrase", func(t *testing.T) {
		for query, want := range map[string]string{
			"models that learn by playing against themselves": "2608.17001",
			"shrinking the memory of transformers":            "2608.17002",
			"generative design of enzymes":                    "2608.17003",
		} {
			if got := top(t, e, query, 3); !slices.Contains(got, want) {
				t.Errorf("%q: top 3 %v, want %s", query, got, want)
			}
			if got := top(t, plain, query, 3); slices.Contains(got, want) {
				t.Errorf("%q: words alone found %s: the test proves nothing", query, want)
			}
		}
	})
	t.Run("KeywordsAsBefore", func(t *testing.T) {
		for _, query := range []string{"KV-Cache Compression", "sparse attention", "ASI-Bench", "2608.17004", "Diffusion Models for Protein Design"} {
			before, after := top(t, plain, query, 1), top(t, e, query, 1)
			if len(before) == 0 || len(after) == 0 || before[0] != after[0] {
				t.Errorf("%q: first hit %v with words alone, %v hybrid", query, before, after)
			}
		}
	})
	t.Run("EmbedderDown", func(t *testing.T) {
		e, emb, _ := hybridEngine(t)
		emb.Err = errors.New("down")
		if got := top(t, e, "sparse attention", 3); !slices.Equal(got, []string{"2608.10002"}) {
			t.Fatalf("got %v, want words alone", got)
		}
	})
}

func TestFuse_ExactTitleFirst(t *testing.T) {
	p := func(id, title string) bot.Hit { return bot.Hit{Paper: bot.Paper{ID: id, Title: title}} }
	words := []bot.Hit{p("b", "Other"), p("a", "Sparse Attention!")}
	near := []bot.Hit{p("b", "Other"), p("c", "Third")}
	got := ids(papersOfHits(bot.Fuse("sparse attention", words, near)))
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("Fuse=%v, want the exact title first, then b (both lists), then c", got)
	}
	got = ids(papersOfHits(bot.Fuse("x", []bot.Hit{p("w", "")}, []bot.Hit{p("n", "")})))
	if !slices.Equal(got, []string{"w", "n"}) {
		t.Fatalf("Fuse=%v, want a tie to go to the words' hit", got)
	}
}

func TestEngine_EmbedStored(t *testing.T) {
	ctx := context.Background()
	e, emb, _ := hybridEngine(t)
	if stats, err := e.EmbedStored(ctx, bot.EmbedOptions{}); err != nil || stats.Total != 0 || stats.Embedded != 0 {
		t.Fatalf("second run: %+v, %v; want nothing left to do", stats, err)
	}
	emb.Model = "fake-embed-2"
	var progress [][2]int
	stats, err := e.EmbedStored(ctx, bot.EmbedOptions{BatchSize: 2, Concurrency: 1, Progress: func(done, total int) {
		progress = append(progress, [2]int{done, total})
	}})
	if err != nil || stats.Embedded != 6 {
		t.Fatalf("new model: %+v, %v; want all 6 embedded again", stats, err)
	}
	if want := [][2]int{{2, 6}, {4, 6}, {6, 6}}; !slices.Equal(progress, want) {
		t.Fatalf("progress=%v, want %v", progress, want)
	}
	t.Run("EndpointDown", func(t *testing.T) {
		emb.Model, emb.Err = "fake-embed-3", errors.New("down")
		stats, err := e.EmbedStored(ctx, bot.EmbedOptions{BatchSize: 1, Concurrency: 1})
		if err == nil || stats.Embedded != 0 || stats.Failed != 3 {
			t.Fatalf("%+v, %v; want to give up after 3 failed batches", stats, err)
		}
	})
	t.Run("NoEmbedder", func(t *testing.T) {
		plain, _ := askEngine(t, nil)
		if _, err := plain.EmbedStored(ctx, bot.EmbedOptions{}); bot.ErrorCode(err) != bot.EINVALID {
			t.Fatalf("err=%v, want EINVALID", err)
		}
	})
}

func TestEngine_Related_Vectors(t *testing.T) {
	e, _, _ := hybridEngine(t)
	_, hits, err := e.Related(context.Background(), "2608.17002", 3)
	if err != nil {
		t.Fatal(err)
	}
	// Neither shares a title word with "KV-Cache Compression with Low-Rank Keys".
	if got := ids(papersOfHits(hits)); len(got) != 3 || slices.Contains(got, "2608.17002") {
		t.Fatalf("related=%v, want 3 papers by vectors, never the paper itself", got)
	}
}

func TestEngine_Fetch_Embeds(t *testing.T) {
	e, emb, vecs := hybridEngine(t)
	e.Source = &bottest.Source{FetchFunc: func(context.Context, string) (bot.Batch, error) {
		return bot.Batch{Date: "2026-08-20", Papers: []bot.Paper{{ID: "2608.20001", Title: "New"}, {ID: "2608.17001", Title: "Self-Play Reasoning at Scale"}}}, nil
	}}
	_, before := emb.Calls()
	if _, _, err := e.Fetch(context.Background(), "2026-08-20"); err != nil {
		t.Fatal(err)
	}
	if _, err := vecs.Vector(context.Background(), "fake-embed", "2608.20001"); err != nil {
		t.Fatalf("the new paper has no vector: %v", err)
	}
	if _, after := emb.Calls(); after-before != 1 {
		t.Fatalf("embedded %d texts, want only the 1 new paper", after-before)
	}
}

func TestFuse_WeighsHowSureEachListIs(t *testing.T) {
	hit := func(id, title string, score float64) bot.Hit {
		return bot.Hit{Paper: bot.Paper{ID: id, Title: title}, Score: score}
	}
	partial := []bot.Hit{hit("a", "Alpha Only", 3), hit("b", "Alpha Again", 2)} // no "beta": the any-word fallback
	full := []bot.Hit{hit("a", "Alpha and Beta", 3), hit("b", "Alpha Again", 2)}
	sharp := []bot.Hit{hit("x", "Something Else", 0.9), hit("y", "Other", 0.4)}
	flat := []bot.Hit{hit("y", "Other", 0.51), hit("z", "Third", 0.50)}
	tests := []struct {
		name        string
		words, near []bot.Hit
		plain, want string // first two hits of plain RRF and of the weighted fusion
	}{
		{"PartialWordsGiveWay", partial, sharp, "a x", "x y"},
		{"FlatVectorsGiveWay", full, flat, "a y", "a b"},
		{"SureWordsKeepTheirOrder", full, sharp, "a x", "a x"},
	}
	first2 := func(hits []bot.Hit) string { return hits[0].Paper.ID + " " + hits[1].Paper.ID }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := first2((bot.Fusion{Partial: 1}).Fuse("alpha beta", tt.words, tt.near)); got != tt.plain {
				t.Errorf("plain RRF first %s, want %s", got, tt.plain)
			}
			if got := first2(bot.Fuse("alpha beta", tt.words, tt.near)); got != tt.want {
				t.Errorf("weighted fusion first %s, want %s", got, tt.want)
			}
		})
	}
}

// panickyVectors is a vector index whose search panics.
type panickyVectors struct{ bot.Vectors }

func (panickyVectors) Nearest(context.Context, string, []float32, int) ([]bot.Hit, error) {
	panic("index corrupted")
}

// TestEngine_Search_VectorPanic: the vector search runs in a goroutine of
// its own; a panic there is the search's error, counted, never the end of
// the process.
func TestEngine_Search_VectorPanic(t *testing.T) {
	e, _, vecs := hybridEngine(t)
	e.Vectors = panickyVectors{vecs}
	before := bot.Panics()["vector search"]
	_, _, err := e.Search(context.Background(), "sparse attention", 3, 0)
	if bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Fatalf("err=%v, want EUNAVAILABLE", err)
	}
	if got := bot.Panics()["vector search"]; got != before+1 {
		t.Fatalf("panics counted %d, want %d", got, before+1)
	}
}

// calls records the order of calls made from several goroutines.
type calls struct {
	mu    sync.Mutex
	names []string
}

func (c *calls) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names = append(c.names, name)
}

// preparingVectors is a vector index that can get ready ahead of Nearest.
type preparingVectors struct {
	*bottest.Vectors
	calls *calls
}

func (v preparingVectors) PrepareNearest(_ context.Context, model string) {
	v.calls.add("prepare " + model)
}

func (v preparingVectors) Nearest(ctx context.Context, model string, q []float32, limit int) ([]bot.Hit, error) {
	v.calls.add("nearest")
	return v.Vectors.Nearest(ctx, model, q, limit)
}

// recordingEmbedder records its calls.
type recordingEmbedder struct {
	*bottest.Embedder
	calls *calls
}

func (e recordingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.calls.add("embed")
	return e.Embedder.Embed(ctx, texts)
}

// TestEngine_Search_PreparesVectors: a hybrid search asks a vector index
// that can get ready (a one-shot command's store, which has loaded no
// vector) to do so before the query is embedded, and finds what it found
// without.
func TestEngine_Search_PreparesVectors(t *testing.T) {
	e, emb, vecs := hybridEngine(t)
	want := top(t, e, "models that learn by playing against themselves", 3)
	c := &calls{}
	e.Vectors, e.Embedder = preparingVectors{vecs, c}, recordingEmbedder{emb, c}
	if got := top(t, e, "models that learn by playing against themselves", 3); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v as without", got, want)
	}
	if want := []string{"prepare fake-embed", "embed", "nearest"}; !slices.Equal(c.names, want) {
		t.Fatalf("calls %v, want %v", c.names, want)
	}
}
