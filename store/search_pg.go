package store

import (
	"context"
	"fmt"
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

// pgRankSQL ranks the papers matching a tsquery (the first and third
// parameters) among the newest pgRankCap matches (the second), and returns
// a page (limit, offset).
// The planner chooses how to find the newest matches from the words'
// statistics: the GIN index for rare words, the primary key backwards for
// common ones, which then stops after the first pgRankCap matches (measured
// at 100k papers: 13 ms instead of 980 ms for "model" when the index was
// forced by materializing every match first).
const pgRankSQL = `WITH newest AS (
	SELECT id FROM papers WHERE search @@ ?::tsquery ORDER BY id DESC LIMIT ?
)
SELECT ` + paperColumns + `, -ts_rank('{0.1, 0.2, 0.4, 1.0}', p.search, ?::tsquery) AS rank
FROM newest JOIN papers AS p USING (id)
ORDER BY rank, p.published DESC NULLS LAST, p.id DESC
LIMIT ? OFFSET ?`

// searchPG is search on PostgreSQL.
func (db *DB) searchPG(ctx context.Context, terms []string, limit, offset int, any bool) ([]bot.Hit, error) {
	groups, err := db.tsGroups(ctx, terms)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	if any { // papers with any of the words (Query.Any)
		return db.rankPG(ctx, joinTS(groups, " | "), limit, offset)
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
	return db.rankPG(ctx, joinTS(groups, " | "), limit, offset)
}

// rankPG runs pgRankSQL for one tsquery.
func (db *DB) rankPG(ctx context.Context, query string, limit, offset int) ([]bot.Hit, error) {
	var rows []hitRow
	err := db.gorm.WithContext(ctx).Raw(pgRankSQL, query, pgRankCap, query, limit, offset).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	return toHits(rows), nil
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
