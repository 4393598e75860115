package store

import (
	"context"
	"fmt"
	"strings"
)

// maxCount caps the counts the vocabulary lookups return, the same on both
// engines, so that they pick the same replacement words.
const maxCount = 100

// vocab returns the engine's vocabulary for respell.
func (db *DB) vocab() vocabulary {
	if db.sql.pg {
		return pgVocab{db}
	}
	return sqliteVocab{db}
}

// sqliteVocab looks words up in papers_words (titles and bylines, not
// stemmed) and papers_fts.
type sqliteVocab struct{ db *DB }

func (v sqliteVocab) titleCounts(ctx context.Context, words []string) (map[string]int, error) {
	counts := make(map[string]int, len(words))
	if len(words) == 0 {
		return counts, nil
	}
	args := make([]any, len(words))
	for i, w := range words {
		args[i] = w
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(words)), ",")
	rows, err := v.db.sql.QueryContext(ctx, "SELECT term, min(doc, ?) FROM papers_words_vocab WHERE term IN ("+marks+")",
		append([]any{maxCount}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("look up words: %w", err)
	}
	return scanCounts(rows, counts)
}

func (v sqliteVocab) anywhere(ctx context.Context, word string, max int) (int, error) {
	var n int
	err := v.db.sql.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM papers_fts
		WHERE papers_fts MATCH ? LIMIT ?)`, quote(word), max).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("look up %q: %w", word, err)
	}
	return n, nil
}

func (v sqliteVocab) completes(ctx context.Context, word string) (bool, error) {
	words, err := v.db.completions(ctx, word)
	return len(words) > 0, err
}

// pgVocab looks words up in papers_words_vocab (migration 0008: the title
// and author lexemes of the papers' tsvectors, stemmed and as written, each
// with its number of papers); anywhere looks for the word's stem in the
// tsvectors' GIN index, as SQLite does in papers_fts.
type pgVocab struct{ db *DB }

func (v pgVocab) titleCounts(ctx context.Context, words []string) (map[string]int, error) {
	counts := make(map[string]int, len(words))
	if len(words) == 0 {
		return counts, nil
	}
	rows, err := v.db.sql.QueryContext(ctx, `SELECT term, least(doc, ?) FROM papers_words_vocab
		WHERE term = ANY(?::text[]) AND doc > 0`, maxCount, words)
	if err != nil {
		return nil, fmt.Errorf("look up words: %w", err)
	}
	return scanCounts(rows, counts)
}

func (v pgVocab) anywhere(ctx context.Context, word string, max int) (int, error) {
	var n int
	err := v.db.sql.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM papers
		WHERE search @@ phraseto_tsquery('paperboy_english', ?) LIMIT ?) AS m`, word, max).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("look up %q: %w", word, err)
	}
	return n, nil
}

func (v pgVocab) completes(ctx context.Context, word string) (bool, error) {
	var ok bool
	err := v.db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM papers_words_vocab
		WHERE term >= ? AND term < ? AND doc > 0)`, word, word+"\U0010FFFF").Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look up %q: %w", word, err)
	}
	return ok, nil
}

// rowScanner is the part of *sql.Rows scanPairs needs.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// scanCounts reads (word, count) rows into counts.
func scanCounts(rows rowScanner, counts map[string]int) (map[string]int, error) {
	return scanPairs(rows, counts, "look up words")
}

// scanPairs reads two-column (key, value) rows into into and closes rows;
// what names the operation in its errors.
func scanPairs[K comparable, V any](rows rowScanner, into map[K]V, what string) (map[K]V, error) {
	defer rows.Close()
	for rows.Next() {
		var k K
		var v V
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		into[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return into, nil
}
