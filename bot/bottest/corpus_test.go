package bottest_test

import (
	"reflect"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestCorpus(t *testing.T) {
	papers := bottest.Corpus(42, 2000)

	t.Run("Deterministic", func(t *testing.T) {
		if again := bottest.Corpus(42, 2000); !reflect.DeepEqual(papers, again) {
			t.Fatal("same seed gave different papers")
		}
		if prefix := bottest.Corpus(42, 10); !reflect.DeepEqual(prefix, papers[:10]) {
			t.Fatal("Corpus(42, 10) is not a prefix of Corpus(42, 2000)")
		}
		if other := bottest.Corpus(43, 10); reflect.DeepEqual(other, papers[:10]) {
			t.Fatal("different seeds gave the same papers")
		}
	})

	t.Run("Shape", func(t *testing.T) {
		var titles, abstracts int
		for i, p := range papers {
			titles += len(p.Title)
			abstracts += len(p.Abstract)
			if n := len(p.Authors); n < 1 || n > 12 {
				t.Fatalf("paper %d has %d authors", i, n)
			}
			if _, ok := bot.ParseArxivID(p.ID); !ok {
				t.Fatalf("paper %d: id %q is not an arXiv id", i, p.ID)
			}
			if i > 0 && (p.ID <= papers[i-1].ID || !p.Published.After(papers[i-1].Published)) {
				t.Fatalf("paper %d (%s, %v) does not follow %s", i, p.ID, p.Published, papers[i-1].ID)
			}
		}
		if got := titles / len(papers); got < 70 || got > 95 {
			t.Errorf("mean title length %d, want about 80", got)
		}
		if got := abstracts / len(papers); got < 1100 || got > 1350 {
			t.Errorf("mean abstract length %d, want about 1200", got)
		}
	})

	t.Run("Frequencies", func(t *testing.T) {
		var the, model int
		for _, p := range papers {
			words := " " + strings.ToLower(p.Abstract) + " "
			if strings.Contains(words, " the ") {
				the++
			}
			if strings.Contains(words, " model ") {
				model++
			}
		}
		if the < len(papers)*95/100 {
			t.Errorf(`"the" in %d of %d abstracts, want nearly all`, the, len(papers))
		}
		if model < len(papers)/4 || model == len(papers) {
			t.Errorf(`"model" in %d of %d abstracts, want a large share`, model, len(papers))
		}
	})
}

func TestQueries(t *testing.T) {
	for name, qs := range map[string][]string{
		"Typical": bottest.TypicalQueries,
		"Common":  bottest.CommonQueries,
		"Prefix":  bottest.PrefixQueries,
	} {
		t.Run(name, func(t *testing.T) {
			if len(qs) < 100 {
				t.Fatalf("%d queries, want at least 100", len(qs))
			}
			for _, q := range qs {
				words := strings.Fields(q)
				if len(words) < 1 || len(words) > 3 {
					t.Fatalf("query %q has %d words", q, len(words))
				}
				if name == "Prefix" && len(words[len(words)-1]) < 3 {
					t.Fatalf("query %q: last word shorter than 3", q)
				}
			}
		})
	}
	if v := bottest.Vocabulary(); v[0] != "the" || len(v) != 60000 {
		t.Fatalf("Vocabulary()[0]=%q, len %d", v[0], len(v))
	}
}

func TestIDQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("volume, one goroutine: the race pass (-short) has nothing to find here; go test ./... runs it")
	}
	ids := make(map[string]bool)
	for p := range bottest.CorpusSeq(1, 70000) {
		ids[p.ID] = true
	}
	for _, q := range bottest.IDQueries {
		if !ids[q] {
			t.Fatalf("IDQueries has %s, not in the first 70,000 papers", q)
		}
	}
}
