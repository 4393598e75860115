package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"paperboy/bot"
)

// Search limits and query shaping.
const (
	defaultLimit = 10
	maxLimit     = 100
	// maxTerms caps the words of a query: each one is a posting-list scan.
	maxTerms = 8
	// maxTermBytes cuts absurdly long words; no real word is that long.
	maxTermBytes = 64
	// minPrefix is the shortest last word that is also matched as a prefix.
	// Shorter prefixes expand to too many terms to be useful or fast.
	minPrefix = 3
	// maxCompletions caps the whole words a partial last word expands to.
	maxCompletions = 6
	// maxOffset bounds paging: FTS5 ranks offset+limit hits per page.
	maxOffset = 10000
)

// Search runs a free-text search over every stored paper's title, abstract
// and authors. Any text is safe: it becomes a quoted FTS5 expression (see
// MatchExpr), so it never produces a query-syntax error. All words must
// match; when no paper has them all, papers with any of them are returned,
// bm25 still ranking those with more of the words first. The last word may
// be unfinished ("diffusi"), so search-as-you-type works. Hits are ordered
// by relevance (bm25, title matches weighted highest), ties by newer
// publication. Text with nothing searchable in it, or an Offset past
// maxOffset, gives no hits and no error.
//
// The driver cannot interrupt a running SELECT, so Search returns as soon as
// ctx is done, leaving the query to finish in the background; at most
// maxSearches queries run at once, the others wait.
func (db *DB) Search(ctx context.Context, q bot.Query) ([]bot.Hit, error) {
	terms := queryTerms(q.Text)
	if len(terms) == 0 || q.Offset > maxOffset {
		return nil, nil
	}
	limit, offset := q.Limit, max(q.Offset, 0)
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	if err := db.searches.Acquire(ctx, 1); err != nil {
		return nil, fmt.Errorf("search papers: %w", err)
	}
	type result struct {
		hits []bot.Hit
		err  error
	}
	done := make(chan result, 1)
	db.running.Add(1)
	go func() {
		defer db.running.Done()
		defer db.searches.Release(1)
		hits, err := db.search(context.WithoutCancel(ctx), terms, limit, offset)
		done <- result{hits, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("search papers: %w", r.err)
		}
		return r.hits, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("search papers: %w", ctx.Err())
	}
}

// search runs the AND query for terms and, when that finds nothing at all,
// the OR query.
func (db *DB) search(ctx context.Context, terms []string, limit, offset int) ([]bot.Hit, error) {
	last, err := db.completions(ctx, terms[len(terms)-1])
	if err != nil {
		return nil, err
	}
	and := buildExpr(terms, last, " AND ")
	hits, err := db.match(ctx, and, limit, offset)
	if err != nil || len(hits) > 0 || len(terms) == 1 {
		return hits, err
	}
	if offset > 0 { // an empty page past the end of the AND results?
		if first, err := db.match(ctx, and, 1, 0); err != nil || len(first) > 0 {
			return nil, err
		}
	}
	return db.match(ctx, buildExpr(terms, last, " OR "), limit, offset)
}

// hitRow is a paper row with its rank (bm25: more negative is better).
type hitRow struct {
	Paper paperRow `gorm:"embedded"`
	Rank  float64  `gorm:"column:rank"`
}

// matchSQL ranks inside FTS5 (ORDER BY rank uses the weights configured in
// the migration and touches papers only for the rows kept), then breaks ties
// by publication. Ties are broken among the first offset+limit hits only.
const matchSQL = `SELECT ` + paperColumns + `, f.rank AS rank
FROM (SELECT rowid, rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ?) AS f
JOIN papers AS p ON p.id = f.rowid
ORDER BY f.rank, p.published DESC
LIMIT ? OFFSET ?`

// match runs one FTS5 expression and returns a page of hits.
func (db *DB) match(ctx context.Context, expr string, limit, offset int) ([]bot.Hit, error) {
	var rows []hitRow
	err := db.gorm.WithContext(ctx).Raw(matchSQL, expr, offset+limit, limit, offset).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	hits := make([]bot.Hit, len(rows))
	for i, r := range rows {
		hits[i] = bot.Hit{Paper: r.Paper.paper(), Score: -r.Rank}
	}
	return hits, nil
}

// completions returns up to maxCompletions whole words that the last query
// word may be the beginning of, most common first, from the titles and
// authors (papers_words, which is not stemmed). It returns nil when the
// word's last run of letters is shorter than minPrefix.
//
// Why: papers_fts stores Porter stems, so a prefix query for a partial word
// longer than its stem ("diffusi"*, stem "diffus") matches nothing. The
// whole words ("diffusion") do, stemmed like the index. Asking
// for the completions instead of a prefix of the big index is also faster:
// the vocabulary lookup takes well under a millisecond, while a short prefix
// on papers_fts merges the posting lists of every stem it begins.
func (db *DB) completions(ctx context.Context, term string) ([]string, error) {
	run := lastRun(term)
	if utf8.RuneCountInString(run) < minPrefix {
		return nil, nil
	}
	prefix := strings.ToLower(run)
	var words []string
	err := db.gorm.WithContext(ctx).Raw(`SELECT term FROM papers_words_vocab
		WHERE term >= ? AND term < ? AND term <> ? ORDER BY doc DESC LIMIT ?`,
		prefix, prefix+"\U0010FFFF", prefix, maxCompletions).Scan(&words).Error
	if err != nil {
		return nil, fmt.Errorf("complete %q: %w", prefix, err)
	}
	return words, nil
}

// MatchExpr turns free text into a safe FTS5 match expression, or "" when
// the text has nothing searchable (an empty MATCH is a syntax error, so the
// caller must not run one). Every whitespace-separated word becomes a
// quoted string with inner quotes doubled, so FTS5 operators and syntax
// (AND, OR, NOT, NEAR, -, *, :, ^, parentheses, column filters) lose their
// meaning, and FTS5's tokenizer splits "gpt-4" into the phrase "gpt 4". Words
// are ANDed, at most maxTerms of them; the last one is also a prefix when its
// last run of letters or digits has at least minPrefix characters. Search
// uses the same expression, except that where it knows whole words the last
// word begins, it asks for those instead of the prefix (see completions).
func MatchExpr(text string) string {
	return buildExpr(queryTerms(text), nil, " AND ")
}

// queryTerms splits text into at most maxTerms distinct words that contain a
// letter or digit, with invalid UTF-8 and NUL bytes (which would end the
// string early in C) turned into spaces.
func queryTerms(text string) []string {
	text = strings.ToValidUTF8(text, " ")
	text = strings.ReplaceAll(text, "\x00", " ")
	var terms []string
	seen := make(map[string]bool)
	for _, f := range strings.Fields(text) {
		if !strings.ContainsFunc(f, isWordRune) {
			continue // "--", "*", "(", `"`: nothing to search for
		}
		f = truncate(f, maxTermBytes)
		if key := strings.ToLower(f); !seen[key] {
			seen[key] = true
			terms = append(terms, f)
		}
		if len(terms) == maxTerms {
			break
		}
	}
	return terms
}

// buildExpr joins the quoted terms with op (" AND " or " OR "). A last
// term whose last run of letters has at least minPrefix characters becomes
// a choice: with completions, the whole word or any of them (the completion
// replacing that run, so "self-superv" gives "self-supervised"); without, a
// prefix query on the stemmed index.
func buildExpr(terms, completions []string, op string) string {
	if len(terms) == 0 {
		return ""
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = quote(t)
	}
	last := terms[len(terms)-1]
	run := lastRun(last)
	switch {
	case utf8.RuneCountInString(run) < minPrefix:
	case len(completions) == 0:
		parts[len(parts)-1] += "*"
	default:
		alts := []string{quote(last)}
		head := last[:len(last)-len(run)]
		for _, c := range completions {
			alts = append(alts, quote(head+c))
		}
		parts[len(parts)-1] = "(" + strings.Join(alts, " OR ") + ")"
	}
	return strings.Join(parts, op)
}

// quote returns t as an FTS5 string: in double quotes, inner ones doubled.
func quote(t string) string {
	return `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
}

// lastRun returns the trailing letters and digits of t: "" for "c++", "4"
// for "gpt-4", "superv" for "self-superv".
func lastRun(t string) string {
	i := strings.LastIndexFunc(t, func(r rune) bool { return !isWordRune(r) })
	if i < 0 {
		return t
	}
	_, size := utf8.DecodeRuneInString(t[i:])
	return t[i+size:]
}

// isWordRune reports whether FTS5's unicode61 tokenizer keeps r in a token.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
