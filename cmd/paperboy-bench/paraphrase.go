package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"paperboy/bot"
	"paperboy/bot/text"
	"paperboy/store"
)

// lsaModel names the stand-in embedding's vectors in the store.
const lsaModel = "lsa-tfidf"

// paraphraseQuery is a query and the paper it means.
type paraphraseQuery struct{ text, want string }

// paraphraseSets builds the query sets from the fixture: for each paper
// with Hugging Face's one-line summary, "summary" is that line less every
// word of the title (a topic in other words, as a person recalls it);
// "reworded" is that query again with common words swapped for synonyms
// (see synonyms), so it shares fewer words with the abstract too; "title"
// is the title, a known item whose order hybrid search must keep. Papers
// alternate between the tuning half (even) and the reporting half (odd).
func paraphraseSets(papers []fixturePaper, half int) map[string][]paraphraseQuery {
	sets := map[string][]paraphraseQuery{}
	for i, p := range papers {
		if i%2 != half || p.aiSummary() == "" {
			continue
		}
		q := withoutTitleWords(p.aiSummary(), p.Title, 12)
		if len(strings.Fields(q)) < 4 {
			continue
		}
		sets["summary"] = append(sets["summary"], paraphraseQuery{q, p.ID})
		sets["reworded"] = append(sets["reworded"], paraphraseQuery{reword(q), p.ID})
		sets["title"] = append(sets["title"], paraphraseQuery{text.CleanTitle(p.Title), p.ID})
	}
	return sets
}

// withoutTitleWords returns the first n words of text that are not words
// of title (nor stop words), compared by their first five letters.
func withoutTitleWords(text, title string, n int) string {
	inTitle := map[string]bool{}
	for _, w := range lsaTokens(title) {
		inTitle[w[:min(len(w), 5)]] = true
	}
	var out []string
	for _, f := range strings.Fields(text) {
		w := strings.Trim(strings.ToLower(f), ".,;:()\"'")
		toks := lsaTokens(w)
		if len(toks) != 1 || inTitle[toks[0][:min(len(toks[0]), 5)]] {
			continue
		}
		out = append(out, w)
		if len(out) == n {
			break
		}
	}
	return strings.Join(out, " ")
}

// synonyms swap common words of ML abstracts for words people also use.
var synonyms = map[string]string{
	"language": "text", "large": "big", "image": "picture", "images": "pictures", "video": "footage",
	"videos": "clips", "generation": "synthesis", "training": "learning", "benchmark": "testbed",
	"reasoning": "thinking", "performance": "accuracy", "efficient": "fast", "efficiency": "speed",
	"framework": "system", "dataset": "corpus", "agents": "assistants", "agent": "assistant",
	"improves": "boosts", "enhances": "boosts", "enhance": "boost", "improve": "boost",
	"evaluation": "assessment", "tasks": "problems", "task": "problem", "multimodal": "vision-language",
	"reinforcement": "reward-driven", "generate": "produce", "generates": "produces", "novel": "new",
	"robust": "reliable", "accurate": "precise", "capabilities": "skills", "complex": "hard",
	"retrieval": "search", "diverse": "varied", "method": "technique", "significantly": "greatly",
	"outperforms": "beats", "achieves": "reaches", "reduces": "cuts", "memory": "storage",
	"inference": "serving", "scalable": "scaling", "real-world": "practical", "3d": "three-dimensional",
	"speech": "voice", "audio": "sound", "code": "programs", "mathematical": "math", "visual": "seeing",
}

func reword(q string) string {
	f := strings.Fields(q)
	for i, w := range f {
		if s, ok := synonyms[w]; ok {
			f[i] = s
		}
	}
	return strings.Join(f, " ")
}

// paraphraseDB stores the fixture and its stand-in vectors in a new
// SQLite file under dir.
func paraphraseDB(ctx context.Context, papers []fixturePaper, dir string, dims int) (*store.DB, *lsa, error) {
	db, err := store.Open(filepath.Join(dir, "paraphrase.db"))
	if err != nil {
		return nil, nil, err
	}
	var ps []bot.Paper
	var docs []string
	for _, p := range papers {
		bp := bot.Paper{ID: p.ID, Title: p.Title, Abstract: p.Summary, Authors: p.Authors, Upvotes: p.Upvotes}
		ps = append(ps, bp)
		docs = append(docs, bot.EmbedText(bp))
	}
	if _, err := db.AddPapers(ctx, ps); err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	m := fitLSA(docs, dims)
	vs := make([]bot.PaperVector, len(ps))
	for i, p := range ps {
		vs[i] = bot.PaperVector{ID: p.ID, Vector: m.embed(docs[i])}
	}
	if err := db.SaveVectors(ctx, lsaModel, vs); err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	return db, m, nil
}

// lists are the bm25 and vector rankings of one query, as hybrid search
// fetches them (textHits: limit+1 each).
type lists struct{ words, near []bot.Hit }

func fetchLists(ctx context.Context, db *store.DB, m *lsa, qs []paraphraseQuery) ([]lists, error) {
	out := make([]lists, len(qs))
	for i, q := range qs {
		words, err := db.Search(ctx, bot.Query{Text: q.text, Limit: 11})
		if err != nil {
			return nil, err
		}
		near, err := db.Nearest(ctx, lsaModel, m.embed(q.text), 11)
		if err != nil {
			return nil, err
		}
		out[i] = lists{words, near}
	}
	return out, nil
}

// quality is top-1, top-3 and MRR@10 of a set of rankings.
type quality struct{ top1, top3, mrr float64 }

func measure(qs []paraphraseQuery, rank func(i int) []bot.Hit) quality {
	var q quality
	for i, pq := range qs {
		for r, h := range rank(i)[:min(10, len(rank(i)))] {
			if h.Paper.ID == pq.want {
				q.mrr += 1 / float64(r+1)
				if r == 0 {
					q.top1++
				}
				if r < 3 {
					q.top3++
				}
				break
			}
		}
	}
	n := float64(len(qs))
	return quality{q.top1 / n, q.top3 / n, q.mrr / n}
}

func runParaphrase(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("paraphrase", flag.ContinueOnError)
	fixture := fs.String("fixture", "cmd/paperboy-bench/testdata/hf_daily_2026-01_2026-06.jsonl.gz", "Daily Papers fixture (JSON Lines, gzip)")
	dims := fs.Int("dims", 128, "dimensions of the LSA stand-in embedding")
	if err := fs.Parse(args); err != nil {
		return err
	}
	papers, err := loadFixture(*fixture)
	if err != nil {
		return fmt.Errorf("paraphrase: %w", err)
	}
	dir, err := os.MkdirTemp("", "paperboy-paraphrase-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, m, err := paraphraseDB(ctx, papers, dir, *dims)
	if err != nil {
		return fmt.Errorf("paraphrase: %w", err)
	}
	defer db.Close()
	fmt.Fprintf(stdout, "%d papers, LSA stand-in embedding of %d dimensions\n", len(papers), *dims)
	best, err := tuneFusion(ctx, db, m, paraphraseSets(papers, 0), stdout)
	if err != nil {
		return err
	}
	return reportFusion(ctx, db, m, paraphraseSets(papers, 1), best, stdout)
}
