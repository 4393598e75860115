package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
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
// it counts the matches among the newest pgSample papers (a bounded read,
// and exactly the papers a backward walk reads first) and walks backwards
// only when at least pgDense of them match, so that the walk reads at most
// pgRankCap/pgDense papers; otherwise it makes PostgreSQL use the GIN
// index, whose cost grows with the matches, which are then few.
const (
	pgSample = 512
	pgDense  = 0.1
)

// pgNewestSQL lists the newest pgRankCap matches of a tsquery.
const pgNewestSQL = `SELECT id FROM papers WHERE search @@ ?::tsquery ORDER BY id DESC LIMIT ?`

// searchPG is search on PostgreSQL.
func (db *DB) searchPG(ctx context.Context, terms []string, limit, offset int, any bool) ([]bot.Hit, error) {
	groups, err := db.tsGroups(ctx, terms)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	w := pgWords{groups: groups}
	if len(groups) > 1 {
		w.counts, w.papers, err = db.matchCounts(ctx, groups)
	} else {
		err = db.sql.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM papers").Scan(&w.papers)
	}
	if err != nil {
		return nil, err
	}
	if any { // papers with any of the words (Query.Any)
		return db.anyPG(ctx, w, limit, offset)
	}
	and := joinTS(groups, " & ")
	hits, err := db.rankAll(ctx, w, and, limit, offset)
	if err != nil || len(hits) > 0 || len(groups) == 1 {
		return hits, err
	}
	if offset > 0 { // an empty page past the end of the AND results?
		if first, err := db.rankAll(ctx, w, and, 1, 0); err != nil || len(first) > 0 {
			return nil, err
		}
	}
	return db.anyPG(ctx, w, limit, offset)
}

// pgWords are a query's word tsqueries and, for more than one, how many
// papers match each (see matchCounts); papers is the highest paper id,
// read once a search.
type pgWords struct {
	groups []string
	counts map[string]int
	papers int64
}

// weights returns each word's weight in the ranking: its idf.
func (w pgWords) weights() []float64 {
	out := make([]float64, len(w.groups))
	for i, g := range w.groups {
		out[i] = 1
		if w.counts != nil {
			out[i] = idf(w.papers, w.counts[g])
		}
	}
	return out
}

// rankAll returns a page of the newest pgRankCap papers matching the
// tsquery of all the words, ranked by the words' weighted ts_rank (see
// rankWeighted).
func (db *DB) rankAll(ctx context.Context, w pgWords, and string, limit, offset int) ([]bot.Hit, error) {
	ids, err := db.newestPG(ctx, and, w.papers)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return db.rankWeighted(ctx, w.groups, w.weights(), ids, limit, offset)
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
// their rarity (see rankWeighted).
func (db *DB) anyPG(ctx context.Context, w pgWords, limit, offset int) ([]bot.Hit, error) {
	candidates := joinTS(w.groups, " | ")
	if rare := rareGroups(w.groups, w.counts); len(rare) > 0 && len(rare) < len(w.groups) {
		candidates = joinTS(rare, " | ")
	}
	ids, err := db.newestPG(ctx, candidates, w.papers)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return db.rankWeighted(ctx, w.groups, w.weights(), ids, limit, offset)
}

// matchCounts returns how many papers match each word tsquery, and the
// number of papers (the highest id, give or take the deleted ones). It
// counts first among the newest pgSample papers: a word there in more than
// twice pgRankCap papers' worth of the store is counted as its share of the
// sample times the papers (a GIN count of its matches reads a long posting
// list and a thousand rows: 40–60 ms for "using and" at 50k papers, against
// 17 ms for the whole statement); the other words' matches are counted
// through the GIN index, up to pgRankCap+1.
func (db *DB) matchCounts(ctx context.Context, groups []string) (map[string]int, int64, error) {
	rows, err := db.sql.QueryContext(ctx, `WITH newest AS MATERIALIZED (
			SELECT search AS s FROM papers ORDER BY id DESC LIMIT ?),
		shares AS (SELECT q, (SELECT count(*) FROM newest WHERE s @@ q::tsquery)::float8
			/ greatest((SELECT count(*) FROM newest), 1) AS share FROM unnest(?::text[]) AS q),
		top AS (SELECT coalesce(max(id), 0) AS papers FROM papers)
		SELECT q, CASE WHEN share * papers > ? THEN round(share * papers)::bigint
			ELSE (SELECT count(*) FROM (SELECT 1 FROM papers WHERE search @@ q::tsquery LIMIT ?) AS m) END
		FROM shares, top
		UNION ALL SELECT '', papers FROM top`, pgSample, groups, 2*pgRankCap, pgRankCap+1)
	if err != nil {
		return nil, 0, fmt.Errorf("count matches: %w", err)
	}
	counts, err := scanCounts(rows, make(map[string]int, len(groups)+1))
	if err != nil {
		return nil, 0, fmt.Errorf("count matches: %w", err)
	}
	papers := int64(counts[""])
	delete(counts, "")
	return counts, papers, nil
}

// rareGroups returns the rarest of the word tsqueries whose matches add up
// to at most pgRankCap papers, rarest first; none when the rarest alone
// has more.
func rareGroups(groups []string, counts map[string]int) []string {
	byRarity := slices.Clone(groups)
	slices.SortStableFunc(byRarity, func(a, b string) int { return cmp.Compare(counts[a], counts[b]) })
	total, n := 0, 0
	for n < len(byRarity) && total+counts[byRarity[n]] <= pgRankCap {
		total += counts[byRarity[n]]
		n++
	}
	return byRarity[:n]
}

// idf is a word's weight from the number of papers, and of papers that
// have it: bm25's inverse document frequency (in Lucene's form, never
// negative). Between pgRankCap and twice as many papers, a word's matches
// are counted as pgRankCap+1 (see matchCounts), a little more weight than
// bm25 would give it.
func idf(papers int64, matches int) float64 {
	n := float64(matches)
	return math.Log(1 + (float64(max(papers, int64(matches)))-n+0.5)/(n+0.5))
}

// rankWeighted returns a page of the papers ids ranked by the sum of each
// word tsquery's ts_rank times its weight: ts_rank of the words ORed
// weighs a word every paper has as much as one in a single paper, which
// on known-item questions put the described paper behind papers with more
// of the common words. The tsvectors are read in place, in the papers row
// (migration 0011); when they were out of line, a copy (search || ”)
// saved reading one once a word.
func (db *DB) rankWeighted(ctx context.Context, groups []string, weights []float64, ids []int64, limit, offset int) ([]bot.Hit, error) {
	var rank strings.Builder
	args := make([]any, 0, 2*len(groups)+3)
	for i, g := range groups {
		if i > 0 {
			rank.WriteString(" + ")
		}
		rank.WriteString("ts_rank('{0.1, 0.2, 0.4, 1.0}', p.s, ?::tsquery) * ?")
		args = append(args, g, weights[i])
	}
	q := `SELECT ` + paperColumns + `, -(` + rank.String() + `) AS rank
FROM (SELECT *, search AS s FROM papers WHERE id = ANY(?::bigint[])) AS p
ORDER BY rank, p.published DESC NULLS LAST, p.id DESC
LIMIT ? OFFSET ?`
	args = append(args, idArray(ids), limit, offset)
	var rows []hitRow
	if err := db.gorm.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	return toHits(rows), nil
}

// idArray returns ids as a bigint[] literal.
func idArray(ids []int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte('}')
	return b.String()
}

// newestPG returns the ids of the newest pgRankCap papers matching a
// tsquery, newest first, the way the comment above pgSample explains; top
// is the highest paper id.
func (db *DB) newestPG(ctx context.Context, query string, top int64) ([]int64, error) {
	var n int64
	// The LIMIT keeps the planner from using the GIN index here: a prefix
	// of a common word expands to many posting lists.
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT search FROM papers
		WHERE id > ? ORDER BY id DESC LIMIT ?) AS newest WHERE search @@ ?::tsquery`,
		top-pgSample, pgSample, query).Scan(&n)
	if err != nil {
		return nil, err
	}
	if float64(n) >= pgDense*float64(min(top, pgSample)) {
		return db.queryIDs(ctx, db.sql.QueryContext, query)
	}
	// Sparse: only bitmap scans, which on papers means the GIN index.
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"); err != nil {
		return nil, err
	}
	return db.queryIDs(ctx, tx.QueryContext, query)
}

// queryIDs runs pgNewestSQL with query.
func (db *DB) queryIDs(ctx context.Context, run func(context.Context, string, ...any) (*sql.Rows, error), query string) ([]int64, error) {
	rows, err := run(ctx, pgNewestSQL, query, pgRankCap)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// joinTS joins tsquery texts with op (" & " or " | ").
func joinTS(groups []string, op string) string {
	return "(" + strings.Join(groups, ")"+op+"(") + ")"
}

// tsGroups returns each term's tsquery as text, see the comment on Search
// on PostgreSQL above; terms with nothing to search for (punctuation) are
// left out.
func (db *DB) tsGroups(ctx context.Context, terms []string) ([]string, error) {
	prefixes := make([]string, len(terms))
	prefixes[len(terms)-1] = prefixWords(terms[len(terms)-1])
	rows, err := db.sql.QueryContext(ctx, `SELECT phraseto_tsquery('paperboy_english', t)::text,
		phraseto_tsquery('paperboy_simple', t)::text, phraseto_tsquery('paperboy_simple', w)::text
		FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u (t, w, i) ORDER BY i`, terms, prefixes)
	if err != nil {
		return nil, fmt.Errorf("parse query: %w", err)
	}
	defer rows.Close()
	var groups []string
	for rows.Next() {
		var english, simple, prefix string
		if err := rows.Scan(&english, &simple, &prefix); err != nil {
			return nil, fmt.Errorf("parse query: %w", err)
		}
		g := english
		if g == "" {
			g = simple
		}
		// PostgreSQL's output ends with the quoted last lexeme: make it a
		// prefix.
		if strings.HasSuffix(prefix, "'") {
			g = joinOr(g, prefix+":*")
		}
		if g != "" {
			groups = append(groups, g)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("parse query: %w", err)
	}
	return groups, nil
}

// joinOr returns the choice of tsquery texts a and b, either of which may
// be empty.
func joinOr(a, b string) string {
	if a == "" {
		return b
	}
	return "(" + a + ") | (" + b + ")"
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
