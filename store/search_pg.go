package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"paperboy/bot"
)

// Search on PostgreSQL. The same rules as on SQLite, over the papers.search
// tsvector (see migrations_pg/0001_init.sql):
//
//   - Each query word becomes a tsquery made by PostgreSQL itself from the
//     word as plain text (phraseto_tsquery, which never fails, whatever the
//     text): stemmed (paperboy_english), or as written (paperboy_simple)
//     when stemming drops it as a stop word. "gpt-4" becomes a phrase.
//     Both configurations fold accents when unaccent is installed.
//   - A last word whose last run of letters has at least minPrefix of them
//     may also be the start of a word: its runs of letters and digits, made
//     a phrase by phraseto_tsquery('paperboy_simple'), the last lexeme then
//     marked as a prefix ('self' <-> 'superv':*), which matches the unstemmed
//     half of the document.
//   - The words' tsqueries are combined as text and cast to tsquery: every
//     lexeme in it was quoted by PostgreSQL, so no user text is ever parsed
//     as tsquery syntax.
//   - All words must match; when no paper has them all, any word.
//   - Hits rank by the sum of each word's ts_rank (weights title (A) 1.0,
//     abstract (B) 0.4, authors (C) 0.2) times the word's idf, as bm25
//     weighs words on SQLite; ties by newer publication. To keep broad
//     queries fast, only the pgRankCap most recently stored matches are
//     ranked (SQLite's planner does the like above exactBelow papers).
const pgRankCap = 1000

// How the newest pgRankCap matches are found. PostgreSQL's planner
// estimates a tsquery's matches from the words' statistics, and picks by
// that estimate: walking the primary key backwards (fast when matches are
// dense: it stops at the cap) or the GIN index (fast when they are sparse).
// Its estimates for prefixes and for ANDed or ORed words are often off by
// 5×, and a backward walk for a query with fewer matches than the cap reads
// every paper (measured at 300k papers: 3.8 s). So search measures instead:
// it counts the matches among the newest pgSample papers (planPG: a
// bounded read, and exactly the papers a backward walk reads first) and
// lets the planner walk backwards only when at least pgDense of them
// match, so that the walk reads at most pgRankCap/pgDense papers;
// otherwise it makes PostgreSQL use the GIN index (rankPG), whose cost
// grows with the matches, which are then few.
const (
	pgSample = 512
	pgDense  = 0.1
)

// searchPG is search on PostgreSQL: one statement plans it (planPG), one
// more finds and ranks the hits (rankPG), two more when no paper has all
// the words. Each statement costs a one-shot process a parse, a plan and
// two round trips (pgx prepares every statement, and a new process has no
// statement cache): a dozen of them were ~7 ms of a 60 ms search at 50k
// papers.
func (db *DB) searchPG(ctx context.Context, terms []string, limit, offset int, any bool) ([]bot.Hit, error) {
	w, err := db.planPG(ctx, terms)
	if err != nil || len(w.groups) == 0 {
		return nil, err
	}
	if any { // papers with any of the words (Query.Any)
		return db.anyPG(ctx, w, limit, offset)
	}
	hits, err := db.rankAll(ctx, w, limit, offset)
	if err != nil || len(hits) > 0 || len(w.groups) == 1 {
		return hits, err
	}
	if offset > 0 { // an empty page past the end of the AND results?
		if first, err := db.rankAll(ctx, w, 1, 0); err != nil || len(first) > 0 {
			return nil, err
		}
	}
	return db.anyPG(ctx, w, limit, offset)
}

// pgWords is what planPG learns about a query: its word tsqueries, how
// many papers match each (for more than one word), the highest paper id,
// and which of the words each of the newest pgSample papers has.
type pgWords struct {
	groups []string
	counts []int // per group; nil for a single word
	papers int64
	// sample holds the number of sampled papers by the bitmask of the
	// words they match (bit i for groups[i]); sampled is their sum.
	sample  map[uint32]int
	sampled int
}

// weights returns each word's weight in the ranking: its idf.
func (w pgWords) weights() []float64 {
	out := make([]float64, len(w.groups))
	for i := range w.groups {
		out[i] = 1
		if w.counts != nil {
			out[i] = idf(w.papers, w.counts[i])
		}
	}
	return out
}

// all returns the mask of every word.
func (w pgWords) all() uint32 { return 1<<len(w.groups) - 1 }

// dense reports whether at least pgDense of the sampled papers match the
// words in mask: all of them when and is set, else any.
func (w pgWords) dense(mask uint32, and bool) bool {
	n := 0
	for m, papers := range w.sample {
		if and && m&mask == mask || !and && m&mask != 0 {
			n += papers
		}
	}
	return float64(n) >= pgDense*float64(w.sampled)
}

// pgPlanSQL turns the query's terms into word tsqueries (see the comment
// on Search on PostgreSQL above; terms with nothing to search for are left
// out) and measures them, in one statement: which of the words each of the
// newest pgSample papers has, and, for more than one word, how many papers
// match each. A word in more than twice pgRankCap papers' worth of the
// sample is counted as its share of the sample times the papers (a GIN
// count of its matches reads a long posting list and a thousand rows:
// 40–60 ms for "using and" at 50k papers); the other words' matches are
// counted through the GIN index, up to pgRankCap+1. PostgreSQL's output
// for the prefix words ends with the quoted last lexeme, which is then
// marked as a prefix; the words before the last have no prefix text, and
// are not made a tsquery, which for empty text would send the client a
// notice ("text-search query doesn't contain lexemes") each time it is
// used, three per word. Rows (kind, number, text, number): "group", i, the
// word's tsquery, its matches, per word in query order; "sample", a
// bitmask of words, empty text, the sampled papers with just those words;
// "top", the papers sampled, empty text, the highest paper id. The
// sampled tsvectors are read once, each as the scan reaches it: kept in a
// CTE of their own (1.6 MB copied at 3.2 KB a paper) they cost a one-shot
// process 1.3-1.5 ms more (5.1 against 3.7 ms for "masked" at 50k papers).
const pgPlanSQL = `WITH words AS (
		SELECT i, coalesce(nullif(phraseto_tsquery('paperboy_english', t)::text, ''),
			phraseto_tsquery('paperboy_simple', t)::text) AS g,
			CASE WHEN w <> '' THEN phraseto_tsquery('paperboy_simple', w)::text ELSE '' END AS p
		FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u (t, w, i)),
	groups AS MATERIALIZED (
		SELECT row_number() OVER (ORDER BY i) - 1 AS n, g, g::tsquery AS q FROM (
			SELECT i, CASE WHEN right(p, 1) <> '''' THEN g WHEN g = '' THEN p || ':*'
				ELSE '(' || g || ') | (' || p || ':*)' END AS g FROM words) AS w
		WHERE g <> ''),
	masks AS MATERIALIZED (SELECT mask, count(*) AS papers FROM (SELECT (SELECT coalesce(bit_or(1 << n::int), 0)
			FROM groups WHERE search @@ q) AS mask
		FROM (SELECT search FROM papers ORDER BY id DESC LIMIT ?) AS newest) AS m GROUP BY mask),
	top AS (SELECT coalesce(max(id), 0) AS top, (SELECT coalesce(sum(papers), 0) FROM masks) AS sampled,
			(SELECT count(*) FROM groups) AS words FROM papers),
	shares AS (SELECT n, g, q, coalesce((SELECT sum(papers) FROM masks WHERE mask & (1 << n::int) <> 0), 0)::float8
			/ greatest(sampled, 1) AS share FROM groups, top)
SELECT 'group', n, g, CASE WHEN words = 1 THEN 0 WHEN share * top > ? THEN round(share * top)::bigint
		ELSE (SELECT count(*) FROM (SELECT FROM papers WHERE search @@ q LIMIT ?) AS m) END
	FROM shares, top
UNION ALL SELECT 'sample', mask, '', papers FROM masks
UNION ALL SELECT 'top', sampled, '', top FROM top`

// planPG runs pgPlanSQL for terms.
func (db *DB) planPG(ctx context.Context, terms []string) (pgWords, error) {
	prefixes := make([]string, len(terms))
	prefixes[len(terms)-1] = prefixWords(terms[len(terms)-1])
	rows, err := db.sql.QueryContext(ctx, pgPlanSQL, terms, prefixes, pgSample, 2*pgRankCap, pgRankCap+1)
	if err != nil {
		return pgWords{}, fmt.Errorf("plan search: %w", err)
	}
	defer rows.Close()
	w := pgWords{sample: make(map[uint32]int)}
	var counts []int
	for rows.Next() {
		var kind, g string
		var i, n int64
		if err := rows.Scan(&kind, &i, &g, &n); err != nil {
			return pgWords{}, fmt.Errorf("plan search: %w", err)
		}
		switch kind {
		case "group":
			w.groups = append(w.groups, g)
			counts = append(counts, int(n))
		case "sample":
			w.sample[uint32(i)] = int(n)
		case "top":
			w.sampled, w.papers = int(i), n
		}
	}
	if err := rows.Err(); err != nil {
		return pgWords{}, fmt.Errorf("plan search: %w", err)
	}
	if len(w.groups) > 1 {
		w.counts = counts
	}
	return w, nil
}

// rankAll returns a page of the newest pgRankCap papers matching all the
// words, ranked by the words' weighted ts_rank (see rankPG).
func (db *DB) rankAll(ctx context.Context, w pgWords, limit, offset int) ([]bot.Hit, error) {
	return db.rankPG(ctx, w, w.all(), true, limit, offset)
}

// anyPG returns a page of the papers with any of the words' tsqueries.
// Ranking every paper with a common word is what pgRankCap forbids, and
// ranking only the newest of them loses the paper a long question
// describes (its common words match most of the store; measured: 25% of
// known-item questions first, against 46% on SQLite, whose bm25 sees
// every match). So the candidates are the papers with the query's rarest
// words, as many of the words as keep them within pgRankCap, ranked by
// all the words; when even the rarest word is that common, the newest
// pgRankCap papers with any word, as before. The words are weighed by
// their rarity (see rankPG).
func (db *DB) anyPG(ctx context.Context, w pgWords, limit, offset int) ([]bot.Hit, error) {
	mask := w.all()
	if rare := rareGroups(w.counts); rare != 0 && rare != mask {
		mask = rare
	}
	return db.rankPG(ctx, w, mask, false, limit, offset)
}

// rareGroups returns the mask of the rarest words whose matches (counts,
// per word) add up to at most pgRankCap papers, 0 when the rarest alone
// has more; of words as rare, the earlier in the query first.
func rareGroups(counts []int) uint32 {
	byRarity := make([]int, len(counts))
	for i := range byRarity {
		byRarity[i] = i
	}
	slices.SortStableFunc(byRarity, func(a, b int) int { return cmp.Compare(counts[a], counts[b]) })
	var mask uint32
	total := 0
	for _, i := range byRarity {
		if total+counts[i] > pgRankCap {
			break
		}
		total += counts[i]
		mask |= 1 << i
	}
	return mask
}

// idf is a word's weight from the number of papers, and of papers that
// have it: bm25's inverse document frequency (in Lucene's form, never
// negative). Between pgRankCap and twice as many papers, a word's matches
// are counted as pgRankCap+1 (see pgPlanSQL), a little more weight than
// bm25 would give it.
func idf(papers int64, matches int) float64 {
	n := float64(matches)
	return math.Log(1 + (float64(max(papers, int64(matches)))-n+0.5)/(n+0.5))
}

// rankTerms returns rankPG's rank expression (each word group's ts_rank by
// its weight) and its arguments, then the match of the groups in mask:
// all of them when and, else any.
func (w pgWords) rankTerms(mask uint32, and bool) (string, []any) {
	op := " | "
	if and {
		op = " & "
	}
	weights := w.weights()
	var rank strings.Builder
	var picked []string
	args := make([]any, 0, 2*len(w.groups)+4)
	for i, g := range w.groups {
		if i > 0 {
			rank.WriteString(" + ")
		}
		rank.WriteString("ts_rank('{0.1, 0.2, 0.4, 1.0}', p.search, ?::tsquery) * ?")
		args = append(args, g, weights[i])
		if mask&(1<<i) != 0 {
			picked = append(picked, g)
		}
	}
	return rank.String(), append(args, joinTS(picked, op))
}

// rankPG returns a page of the newest pgRankCap papers that match the
// words in mask (all of them when and is set, else any), ranked by the
// sum of each word tsquery's ts_rank times its weight: ts_rank of the
// words ORed weighs a word every paper has as much as one in a single
// paper, which on known-item questions put the described paper behind
// papers with more of the common words. Finding the candidates and
// ranking them is one statement (how the candidates are found: see
// pgSample); the tsvectors are read in place, in the papers rows
// (migration 0011).
func (db *DB) rankPG(ctx context.Context, w pgWords, mask uint32, and bool, limit, offset int) ([]bot.Hit, error) {
	rank, args := w.rankTerms(mask, and)
	args = append(args, pgRankCap, limit, offset)
	if w.dense(mask, and) {
		// Each candidate is read once, ranked as the walk finds it; the
		// page's papers are then read again by id (measured for one
		// common word: 6–12 ms, against 8–17 ms ranking by id after the
		// walk). The match is written as the @@ operator's function,
		// ts_match_vq, which no index serves: the planner can then only
		// walk backwards. With @@ it sometimes chose the GIN index for a
		// word it thought rarer than it is ("sah" at 50k papers: 2,406
		// matches expected, 4,596 found), and then ranked every match
		// before keeping the newest 1,000 (one-shot processes: 27–32 ms,
		// against 25–27 ms walking).
		q := `WITH hits AS (SELECT id, rank FROM (SELECT p.id, p.published, -(` + rank + `) AS rank
	FROM papers AS p WHERE ts_match_vq(p.search, ?::tsquery) ORDER BY p.id DESC LIMIT ?) AS c
	ORDER BY rank, published DESC NULLS LAST, id DESC LIMIT ? OFFSET ?)
SELECT ` + paperColumns + `, hits.rank FROM hits JOIN papers AS p USING (id)
ORDER BY hits.rank, p.published DESC NULLS LAST, p.id DESC`
		rows, err := db.sql.QueryContext(ctx, q, args...)
		return db.scanHits(rows, err)
	}
	// Sparse: the GIN index's candidates come sorted by id, so they are
	// ranked after that, not as found, which would rank every match.
	q := `SELECT ` + paperColumns + `, -(` + rank + `) AS rank
FROM papers AS p
WHERE p.id = ANY(ARRAY(SELECT id FROM papers WHERE search @@ ?::tsquery ORDER BY id DESC LIMIT ?))
ORDER BY rank, p.published DESC NULLS LAST, p.id DESC
LIMIT ? OFFSET ?`
	// Only bitmap scans, which on papers means the GIN index; and no
	// parallel workers: for a match the planner expects in many papers it
	// planned a parallel bitmap scan, whose workers (new processes) cost
	// more than they save ("the a" at 50k papers: 72-80 ms, against 45-49
	// ms without them). Nor JIT compilation, which costs tens of
	// milliseconds and which such estimates may ask for on large stores.
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;
		SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off`); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	return db.scanHits(rows, err)
}

// scanHits reads hit rows (paperColumns, then rank) and closes them.
func (db *DB) scanHits(rows *sql.Rows, err error) ([]bot.Hit, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hitRow
	for rows.Next() {
		var r hitRow
		if err := db.gorm.ScanRows(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return toHits(out), nil
}

// joinTS joins tsquery texts with op (" & " or " | ").
func joinTS(groups []string, op string) string {
	return "(" + strings.Join(groups, ")"+op+"(") + ")"
}

// prefixWords returns t's runs of letters and digits, space-separated, for
// a phrase whose last word is a prefix, or "" when t's last run is shorter
// than minPrefix or t ends in something else ("c++").
func prefixWords(t string) string {
	runs := phraseWords(t)
	last := lastRun(t)
	if len(runs) == 0 || utf8.RuneCountInString(last) < minPrefix || runs[len(runs)-1] != last {
		return ""
	}
	return strings.Join(runs, " ")
}
