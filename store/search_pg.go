package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
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
//   - Hits rank by ts_rank with weights title (A) 1.0, abstract (B) 0.4,
//     authors (C) 0.2, ties by newer publication. To keep broad queries
//     fast, only the pgRankCap most recently stored matches are ranked
//     (SQLite's planner does the like above exactBelow papers).
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

// pgRankSQL ranks papers by id (a bigint[] literal) against a tsquery and
// returns a page (limit, offset).
const pgRankSQL = `SELECT ` + paperColumns + `, -ts_rank('{0.1, 0.2, 0.4, 1.0}', p.search, ?::tsquery) AS rank
FROM papers AS p WHERE p.id = ANY(?::bigint[])
ORDER BY rank, p.published DESC NULLS LAST, p.id DESC
LIMIT ? OFFSET ?`

// searchPG is search on PostgreSQL.
func (db *DB) searchPG(ctx context.Context, terms []string, limit, offset int, any bool) ([]bot.Hit, error) {
	groups, err := db.tsGroups(ctx, terms)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	if any { // papers with any of the words (Query.Any)
		return db.anyPG(ctx, groups, limit, offset)
	}
	and := joinTS(groups, " & ")
	hits, err := db.rankPG(ctx, and, limit, offset)
	if err != nil || len(hits) > 0 || len(groups) == 1 {
		return hits, err
	}
	if offset > 0 { // an empty page past the end of the AND results?
		if first, err := db.rankPG(ctx, and, 1, 0); err != nil || len(first) > 0 {
			return nil, err
		}
	}
	return db.anyPG(ctx, groups, limit, offset)
}

// anyPG returns a page of the papers with any of the words' tsqueries.
// Ranking every paper with a common word is what pgRankCap forbids, and
// ranking only the newest of them loses the paper a long question
// describes (its common words match most of the store; measured: 25% of
// known-item questions first, against 46% on SQLite, whose bm25 sees
// every match). So the candidates are the papers with the query's rarest
// words, as many of the words as keep them within pgRankCap, ranked by
// all the words; when even the rarest word is that common, the newest
// pgRankCap papers with any word, as before.
func (db *DB) anyPG(ctx context.Context, groups []string, limit, offset int) ([]bot.Hit, error) {
	all := joinTS(groups, " | ")
	rare, err := db.rareGroups(ctx, groups)
	if err != nil || len(rare) == 0 || len(rare) == len(groups) {
		if err != nil {
			return nil, err
		}
		return db.rankPG(ctx, all, limit, offset)
	}
	ids, err := db.newestPG(ctx, joinTS(rare, " | "))
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return db.rankIDs(ctx, all, ids, limit, offset)
}

// rareGroups returns the rarest of the word tsqueries whose matches add up
// to at most pgRankCap papers, rarest first; none when the rarest alone
// has more. Each word's matches are counted up to pgRankCap+1, through the
// GIN index.
func (db *DB) rareGroups(ctx context.Context, groups []string) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT q, (SELECT count(*) FROM (SELECT 1 FROM papers
		WHERE search @@ q::tsquery LIMIT ?) AS m) FROM unnest(?::text[]) AS q`, pgRankCap+1, groups)
	if err != nil {
		return nil, fmt.Errorf("count matches: %w", err)
	}
	counts, err := scanCounts(rows, make(map[string]int, len(groups)))
	if err != nil {
		return nil, fmt.Errorf("count matches: %w", err)
	}
	byRarity := slices.Clone(groups)
	slices.SortStableFunc(byRarity, func(a, b string) int { return cmp.Compare(counts[a], counts[b]) })
	total, n := 0, 0
	for n < len(byRarity) && total+counts[byRarity[n]] <= pgRankCap {
		total += counts[byRarity[n]]
		n++
	}
	return byRarity[:n], nil
}

// rankPG returns a page of the papers matching a tsquery, ranked among the
// newest pgRankCap matches.
func (db *DB) rankPG(ctx context.Context, query string, limit, offset int) ([]bot.Hit, error) {
	ids, err := db.newestPG(ctx, query)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return db.rankIDs(ctx, query, ids, limit, offset)
}

// rankIDs returns a page of the papers ids ranked against a tsquery.
func (db *DB) rankIDs(ctx context.Context, query string, ids []int64, limit, offset int) ([]bot.Hit, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte('}')
	var rows []hitRow
	err := db.gorm.WithContext(ctx).Raw(pgRankSQL, query, b.String(), limit, offset).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	return toHits(rows), nil
}

// newestPG returns the ids of the newest pgRankCap papers matching a
// tsquery, newest first, the way the comment above pgSample explains.
func (db *DB) newestPG(ctx context.Context, query string) ([]int64, error) {
	var top int64
	if err := db.sql.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM papers").Scan(&top); err != nil {
		return nil, err
	}
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

// tsGroups returns each term's tsquery as text, see the comment above
// pgRankSQL; terms with nothing to search for (punctuation) are left out.
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
