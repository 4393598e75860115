package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/search/query"

	"paperboy/bot"
	"paperboy/store"
	"paperboy/store/pgtest"
)

// searcher returns the ids of the top hits for a query, best first.
type searcher func(ctx context.Context, q string) ([]string, error)

// runKnown measures the known-item set: top-1, top-3 and MRR (over the top
// 10) per kind, for paperboy's search and for a Bleve index of the same
// papers.
func runKnown(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("known", flag.ContinueOnError)
	fixture := fs.String("fixture", "cmd/paperboy-bench/testdata/hf_daily_2026-01_2026-06.jsonl.gz", "Daily Papers fixture")
	seed := fs.Uint64("seed", 1, "query seed: the same seed builds the same queries")
	half := fs.String("half", "report", "which half of the papers' queries: tune, report or all")
	pg := fs.Bool("pg", false, "also search a throwaway PostgreSQL (needs its binaries)")
	pgURL := fs.String("pg-url", "", "also search this PostgreSQL database instead of a throwaway one; the papers are stored when it has none (to repeat runs without importing again)")
	misses := fs.String("misses", "", "print paperboy's misses of this kind (all: every kind)")
	perKind := fs.Int("per-kind", 150, "queries of each kind, drawn at random (seeded)")
	only := fs.String("engine", "", "run only the engines whose name has this in it")
	kind := fs.String("kind", "", "run only the queries of this kind (and the all row over them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	papers, err := loadFixture(*fixture)
	if err != nil {
		return err
	}
	items := sample(pickHalf(makeItems(papers, *seed), *half), *perKind, *seed)
	if len(items) == 0 {
		return fmt.Errorf("known: -half must be tune, report or all, not %q", *half)
	}
	runKinds := kinds
	if *kind != "" {
		if !slices.Contains(kinds, *kind) {
			return fmt.Errorf("known: -kind must be one of %s, not %q", strings.Join(kinds, ", "), *kind)
		}
		runKinds = []string{*kind}
		items = itemsOf(items, *kind)
	}
	engines, cleanup, err := knownEngines(ctx, papers, *pg, *pgURL, *only)
	defer cleanup()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d papers, %d queries (%s half), seed %d\n\n", len(papers), len(items), *half, *seed)
	fmt.Fprintln(stdout, "| kind | queries | "+strings.Join(engineHeads(engines), " | ")+" |")
	fmt.Fprintln(stdout, "|---|---|"+strings.Repeat("---|", len(engines)))
	for _, kind := range append(slices.Clone(runKinds), "all") {
		of := itemsOf(items, kind)
		row := fmt.Sprintf("| %s | %d |", kind, len(of))
		for i, e := range engines {
			s, err := scoreItems(ctx, e.search, of, kindMatches(*misses, kind) && i == 0, stdout)
			if err != nil {
				return err
			}
			row += fmt.Sprintf(" %.0f%% / %.0f%% / %.2f |", 100*s.top1, 100*s.top3, s.mrr)
		}
		fmt.Fprintln(stdout, row)
	}
	fmt.Fprintln(stdout, "\neach cell: top-1 / top-3 / MRR over the top 10")
	return nil
}

func kindMatches(want, kind string) bool {
	return want == kind || (want == "all" && kind != "all")
}

// namedSearcher is one engine of the comparison.
type namedSearcher struct {
	name   string
	search searcher
}

func engineHeads(es []namedSearcher) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.name)
	}
	return out
}

// knownEngines stores the papers in paperboy (SQLite, and PostgreSQL when
// pg is set, or the database at pgURL) and in two Bleve queries over one
// in-memory index; only those whose name has only in it.
func knownEngines(ctx context.Context, papers []fixturePaper, pg bool, pgURL, only string) ([]namedSearcher, func(), error) {
	var closers []func()
	cleanup := func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}
	dir, err := os.MkdirTemp("", "paperboy-known-")
	if err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, func() { os.RemoveAll(dir) })
	dsns := []string{filepath.Join(dir, "known.db")}
	names := []string{"paperboy SQLite"}
	if pgURL != "" {
		dsns, names = append(dsns, pgURL), append(names, "paperboy PostgreSQL")
	} else if pg {
		srv, err := pgtest.Start()
		if err != nil {
			return nil, cleanup, err
		}
		closers = append(closers, srv.Stop)
		url, err := srv.CreateDatabase(ctx)
		if err != nil {
			return nil, cleanup, err
		}
		dsns, names = append(dsns, url), append(names, "paperboy PostgreSQL")
	}
	var out []namedSearcher
	for i, dsn := range dsns {
		if !strings.Contains(names[i], only) {
			continue
		}
		db, err := store.Open(dsn)
		if err != nil {
			return nil, cleanup, err
		}
		closers = append(closers, func() { db.Close() })
		if err := fill(ctx, db, papers, dsn == pgURL); err != nil {
			return nil, cleanup, err
		}
		out = append(out, namedSearcher{names[i], engineSearcher(&bot.Engine{Store: db})})
	}
	if !strings.Contains("Bleve", only) && !strings.Contains("Bleve fuzzy", only) {
		return out, cleanup, nil
	}
	idx, err := bleveIndex(papers)
	if err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, func() { idx.Close() })
	for _, e := range []namedSearcher{{"Bleve", bleveSearcher(idx, 0)}, {"Bleve fuzzy", bleveSearcher(idx, 1)}} {
		if strings.Contains(e.name, only) {
			out = append(out, e)
		}
	}
	return out, cleanup, nil
}

// fill stores the papers, unless kept is set and db has papers already (a
// database of an earlier run, see -pg-url).
func fill(ctx context.Context, db *store.DB, papers []fixturePaper, kept bool) error {
	if kept {
		if stored, err := db.HasPapers(ctx); err != nil || stored {
			return err
		}
	}
	return saveDays(ctx, db, papers)
}

// saveDays stores the papers as their days' batches.
func saveDays(ctx context.Context, db *store.DB, papers []fixturePaper) error {
	for i := 0; i < len(papers); {
		j := i
		var b bot.Batch
		b.Date, b.Source = papers[i].Day, "hf"
		for ; j < len(papers) && papers[j].Day == b.Date; j++ {
			b.Papers = append(b.Papers, papers[j].paper())
		}
		if _, err := db.SaveBatch(ctx, b); err != nil {
			return err
		}
		i = j
	}
	return nil
}

func engineSearcher(e *bot.Engine) searcher {
	return func(ctx context.Context, q string) ([]string, error) {
		hits, _, err := e.Search(ctx, q, 10, 0)
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Paper.ID)
		}
		return ids, err
	}
}

// bleveIndex indexes the papers the way a Go service would: the English
// analyzer on title, abstract and authors.
func bleveIndex(papers []fixturePaper) (bleve.Index, error) {
	doc := bleve.NewDocumentMapping()
	for _, f := range []string{"title", "abstract", "authors"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = en.AnalyzerName
		doc.AddFieldMappingsAt(f, fm)
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, err
	}
	b := idx.NewBatch()
	for _, p := range papers {
		err := b.Index(p.ID, map[string]any{"title": p.Title, "abstract": p.Summary,
			"authors": strings.Join(p.Authors, ", ")})
		if err != nil {
			return nil, err
		}
	}
	return idx, idx.Batch(b)
}

// bleveTitleBoost is the title's weight in the Bleve queries.
const bleveTitleBoost = 3

// bleveSearcher runs a disjunction of match queries, title boosted, with
// the given fuzziness (0: plain).
func bleveSearcher(idx bleve.Index, fuzziness int) searcher {
	return func(_ context.Context, q string) ([]string, error) {
		var qs []query.Query
		for _, f := range []string{"title", "abstract", "authors"} {
			mq := bleve.NewMatchQuery(q)
			mq.SetField(f)
			mq.Analyzer = en.AnalyzerName
			mq.SetFuzziness(fuzziness)
			if f == "title" {
				mq.SetBoost(bleveTitleBoost)
			}
			qs = append(qs, mq)
		}
		res, err := idx.Search(bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 10, 0, false))
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids, nil
	}
}

// scores are one engine's figures on one set of items.
type scores struct{ top1, top3, mrr float64 }

// scoreItems runs the items' queries; with misses set it prints the queries
// whose paper is not first.
func scoreItems(ctx context.Context, search searcher, items []item, misses bool, w io.Writer) (scores, error) {
	var s scores
	if len(items) == 0 {
		return s, nil
	}
	for _, it := range items {
		ids, err := search(ctx, it.query)
		if err != nil {
			return s, fmt.Errorf("search %q: %w", it.query, err)
		}
		i := slices.Index(ids, it.want)
		if i == 0 {
			s.top1++
		}
		if i >= 0 && i < 3 {
			s.top3++
		}
		if i >= 0 {
			s.mrr += 1 / float64(i+1)
		}
		if misses && i != 0 {
			fmt.Fprintf(w, "miss %s %q: %s at %d, top %v\n", it.kind, it.query, it.want, i, ids[:min(3, len(ids))])
		}
	}
	n := float64(len(items))
	return scores{s.top1 / n, s.top3 / n, s.mrr / n}, nil
}

// pickHalf returns the items of the tuning half, the reporting half, or all.
func pickHalf(items []item, half string) []item {
	var out []item
	for _, it := range items {
		if half == "all" || half == "tune" && it.tuning || half == "report" && !it.tuning {
			out = append(out, it)
		}
	}
	return out
}

func itemsOf(items []item, kind string) []item {
	if kind == "all" {
		return items
	}
	var out []item
	for _, it := range items {
		if it.kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// sample keeps up to n items of each kind, drawn with a seeded shuffle.
func sample(items []item, n int, seed uint64) []item {
	r := rand.New(rand.NewPCG(seed, 0))
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	var out []item
	for _, kind := range kinds {
		of := itemsOf(items, kind)
		out = append(out, of[:min(n, len(of))]...)
	}
	return out
}
