package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"paperboy/bot"
	"paperboy/bot/text"
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
// publication. On stores of more than exactBelow papers, very common words
// neither rank nor filter, and broad queries rank the newest papers first
// (see Scale below). Text with nothing searchable in it, or an Offset past
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
		hits, err := db.ranked(context.WithoutCancel(ctx), terms, limit, offset, q.Any)
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

// ranked runs the engine's search for terms and puts known items first
// (see rerank): it asks for at least rerankDepth bm25 hits and returns a
// page of the reordered list. Any-word searches (Query.Any: papers like a
// given one) keep bm25's order.
func (db *DB) ranked(ctx context.Context, terms []string, limit, offset int, any bool) ([]bot.Hit, error) {
	search := db.search
	if db.sql.pg {
		search = db.searchPG
	}
	if any {
		return search(ctx, terms, limit, offset, true)
	}
	sp, err := respell(ctx, db.vocab(), terms)
	if err != nil {
		return nil, err
	}
	var hits []bot.Hit
	var forms [][]string
	for _, form := range sp.forms {
		found, err := search(ctx, form, max(rerankDepth, offset+limit), 0, false)
		if err != nil {
			return nil, err
		}
		hits = mergeHits(hits, found)
		forms = append(forms, foldWords(strings.Join(form, " ")))
	}
	hits = rerank(forms, hits)
	if sp.corrected {
		for i := range hits {
			hits[i].Respelled = strings.Join(sp.forms[0], " ")
		}
	}
	if offset >= len(hits) {
		return nil, nil
	}
	return hits[offset:min(offset+limit, len(hits))], nil
}

// Scale. Ranking every paper that matches costs about 3 µs each (bm25 reads
// the paper's column sizes), and bm25 first reads the whole posting list of
// every query word to weigh it (about 75 ns a paper that has the word). At
// arXiv scale both grow past what a chat command may take, so search plans
// each query from the share of recent papers that have each word (see
// plan.ranked and plan.from for the details):
//
//   - Stores of at most exactBelow papers are always searched exactly.
//   - A word in at least stopShare of the papers is a stop word ("the",
//     "using"): bm25 gives it no weight (its IDF is not positive), so it is
//     left out of the query, which saves reading its posting list. Papers
//     then need not contain it. Phrases lose their stop words the same way
//     ("mixture-of-experts" becomes NEAR("mixture" "experts", 1)).
//   - The posting lists bm25 reads are kept within postingBudget: the
//     completions of a partial last word are trimmed, then the costliest
//     words dropped, down to one.
//   - A query of stop words only, or of one word too common for the budget,
//     gets the newest papers that match, titles first, unranked (Score 0):
//     bm25 could not rank them, or not in time.
//   - When more than scoreBudget papers are expected to match, the newest
//     papers are searched first: a window of the most recently stored papers
//     expected to hold scoreBudget matches. Only when it has fewer hits than
//     asked for does the window widen, fourfold at a time, to every paper.
//     Queries that match many papers ("deep learning") thus rank the newest
//     of their matches; rare words and specific titles are always searched
//     across every paper, because they match few.
//
// Expected matches are estimated from the newest sampleRows papers, assuming
// words occur independently. Recent means recently stored (rowid order).
const (
	exactBelow    = 20000
	sampleRows    = 4096
	stopShare     = 0.5
	scoreBudget   = 1000
	postingBudget = 300000
)

// search runs the AND query for terms and, when that finds nothing at all,
// the OR query. With any set, it runs the OR query alone, for words as
// given: no word is taken as unfinished.
func (db *DB) search(ctx context.Context, terms []string, limit, offset int, any bool) ([]bot.Hit, error) {
	var last []string
	if !any {
		var err error
		if last, err = db.completions(ctx, terms[len(terms)-1]); err != nil {
			return nil, err
		}
	}
	papers, err := db.paperCount(ctx)
	if err != nil {
		return nil, err
	}
	p := plan{papers: papers, groups: queryGroups(terms, last, !any && papers <= db.exactBelow)}
	if papers > db.exactBelow {
		if err := db.sample(ctx, &p); err != nil {
			return nil, err
		}
	}
	keep := p.ranked()
	if len(keep) == 0 {
		return db.newest(ctx, joinGroups(p.groups, " AND "), limit, offset)
	}
	if any {
		return db.windowed(ctx, joinGroups(keep, " OR "), papers, p.from(keep, true, offset+limit), limit, offset)
	}
	and := joinGroups(keep, " AND ")
	hits, err := db.windowed(ctx, and, papers, p.from(keep, false, offset+limit), limit, offset)
	if err != nil || len(hits) > 0 || len(keep) == 1 {
		return hits, err
	}
	if offset > 0 { // an empty page past the end of the AND results?
		if first, err := db.windowed(ctx, and, papers, 0, 1, 0); err != nil || len(first) > 0 {
			return nil, err
		}
	}
	return db.windowed(ctx, joinGroups(keep, " OR "), papers, p.from(keep, true, offset+limit), limit, offset)
}

// group is one query word as an FTS5 expression: a quoted term, or for a
// partial last word a choice of the word and its completions.
type group struct {
	expr    string
	phrases []string  // the quoted terms in expr: one each for bm25 to weigh
	share   float64   // share of the sampled papers that match (see plan.sample)
	costs   []float64 // per phrase, the posting lists bm25 reads, per paper (see plan.reshape)
}

// cost returns the posting lists bm25 reads for the group, per paper.
func (g group) cost() float64 {
	sum := 0.0
	for _, c := range g.costs {
		sum += c
	}
	return sum
}

// queryGroups returns the groups for terms, see buildExpr. Without
// completions, a partial last word becomes a prefix query only when prefix
// is set: on the stemmed index such a query merges the posting lists of
// every stem the prefix begins, which takes tens of milliseconds at 300k
// papers, so large stores search for the word as typed instead.
func queryGroups(terms, completions []string, prefix bool) []group {
	groups := make([]group, len(terms))
	for i, t := range terms {
		groups[i] = group{expr: quote(t), phrases: []string{quote(t)}}
	}
	last := terms[len(terms)-1]
	run := lastRun(last)
	g := &groups[len(groups)-1]
	switch {
	case utf8.RuneCountInString(run) < minPrefix:
	case len(completions) == 0 && prefix:
		g.expr += "*"
		g.phrases[0] = g.expr
	case len(completions) == 0:
	default:
		head := last[:len(last)-len(run)]
		for _, c := range completions {
			// Porter stems "methods" as "method": the plural of the word as
			// typed matches the same papers, and bm25 would weigh it twice.
			if !strings.HasSuffix(run, "s") && strings.EqualFold(c, run+"s") {
				continue
			}
			g.phrases = append(g.phrases, quote(head+c))
		}
		g.expr = orExpr(g.phrases)
	}
	return groups
}

// orExpr returns the phrases as one expression: a choice when several.
func orExpr(phrases []string) string {
	if len(phrases) == 1 {
		return phrases[0]
	}
	return "(" + strings.Join(phrases, " OR ") + ")"
}

// phraseWords returns the words FTS5's tokenizer makes of a quoted phrase:
// several for "human-in-the-loop" or "gpt-4".
func phraseWords(phrase string) []string {
	return strings.FieldsFunc(phrase, func(r rune) bool { return !isWordRune(r) })
}

// joinGroups joins the groups' expressions with op (" AND " or " OR ").
func joinGroups(groups []group, op string) string {
	exprs := make([]string, len(groups))
	for i, g := range groups {
		exprs[i] = g.expr
	}
	return strings.Join(exprs, op)
}

// plan holds what search knows about a query before running it.
type plan struct {
	papers int64 // the highest paper rowid: about the number of papers
	groups []group
	// shares holds, for each group, phrase and word of a phrase of the
	// query, the share of the newest sampleRows papers it matches. It is
	// nil when the store is small enough to search exactly.
	shares map[string]float64
}

// paperCount returns the highest rowid of papers, which is the number of
// papers give or take the deleted ones, at the cost of one index lookup.
func (db *DB) paperCount(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := db.sql.QueryRowContext(ctx, "SELECT max(id) FROM papers").Scan(&n); err != nil {
		return 0, fmt.Errorf("count papers: %w", err)
	}
	return n.Int64, nil
}

// sample measures, in one statement, the share of the newest sampleRows
// papers that match each group, each phrase and each word of a phrase.
// Counting matches without ranking them is cheap: FTS5 seeks to the window
// in each posting list.
func (db *DB) sample(ctx context.Context, p *plan) error {
	var exprs []string
	for _, g := range p.groups {
		exprs = append(exprs, g.expr)
		for _, ph := range g.phrases {
			exprs = append(exprs, ph)
			if words := phraseWords(ph); len(words) > 1 {
				for _, w := range words {
					exprs = append(exprs, quote(w))
				}
			}
		}
	}
	slices.Sort(exprs)
	exprs = slices.Compact(exprs)
	// ?1 is the window's start; the expressions follow as ?2, ?3…
	subs := make([]string, len(exprs))
	args := []any{p.papers - sampleRows}
	counts := make([]int64, len(exprs))
	dest := make([]any, len(exprs))
	for i, e := range exprs {
		subs[i] = fmt.Sprintf("(SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?%d AND rowid > ?1)", i+2)
		args = append(args, e)
		dest[i] = &counts[i]
	}
	if err := db.sql.QueryRowContext(ctx, "SELECT "+strings.Join(subs, ", "), args...).Scan(dest...); err != nil {
		return fmt.Errorf("sample word frequencies: %w", err)
	}
	rows := float64(min(sampleRows, max(p.papers, 1)))
	p.shares = make(map[string]float64, len(exprs))
	for i, e := range exprs {
		p.shares[e] = float64(counts[i]) / rows
	}
	return nil
}

// ranked returns the groups to rank by: all of them when nothing was
// sampled. Otherwise it leaves out the stop words, reshapes the rest, and
// keeps the posting lists that bm25 will read within postingBudget: first
// by keeping only the commonest completions of a partial last word that fit
// in half of it, then by dropping the costliest groups, down to one, and
// last by cutting that one's completions. It returns none when every group
// is a stop word, or one word alone is too common to rank: such queries get
// the newest papers instead.
func (p *plan) ranked() []group {
	if p.shares == nil {
		return p.groups
	}
	budget := postingBudget / float64(p.papers) // in posting lists per paper
	var keep []group
	for _, g := range p.groups {
		if p.shares[g.expr] < stopShare {
			keep = append(keep, p.reshape(g).trim(budget/2))
		}
	}
	// Costliest first, so that the loop below drops from the front.
	slices.SortStableFunc(keep, func(a, b group) int { return cmp.Compare(b.cost(), a.cost()) })
	for len(keep) > 1 && totalCost(keep) > budget {
		keep = keep[1:]
	}
	if len(keep) == 1 && keep[0].cost() > budget {
		if keep[0] = keep[0].trim(budget); keep[0].cost() > budget {
			return nil
		}
	}
	return keep
}

// totalCost returns the groups' summed cost.
func totalCost(groups []group) float64 {
	sum := 0.0
	for _, g := range groups {
		sum += g.cost()
	}
	return sum
}

// trim returns g with as many of its phrases, in order, as fit in budget,
// at least the first: the word as typed, then its completions, commonest
// first. Only a partial last word has more than one phrase.
func (g group) trim(budget float64) group {
	if len(g.phrases) == 1 || g.cost() <= budget {
		return g
	}
	n, cost := 1, g.costs[0]
	for n < len(g.phrases) && cost+g.costs[n] <= budget {
		cost += g.costs[n]
		n++
	}
	if cost == 0 { // the word as typed matches nothing: keep a completion
		n = 2
	}
	return group{expr: orExpr(g.phrases[:n]), phrases: g.phrases[:n], share: g.share, costs: g.costs[:n]}
}

// reshape returns g with its costs, and with the stop words taken out of its
// phrases: FTS5 reads a phrase's every word, so "mixture-of-experts" would
// read the posting list of "of", nearly every paper. The other words must
// then be near each other instead: NEAR("mixture" "experts", 1).
func (p *plan) reshape(g group) group {
	out := group{share: p.shares[g.expr]}
	for _, ph := range g.phrases {
		words := phraseWords(ph)
		if len(words) <= 1 {
			out.phrases = append(out.phrases, ph)
			out.costs = append(out.costs, p.shares[ph])
			continue
		}
		cost := 0.0
		var rest []string
		for _, w := range words {
			if share := p.shares[quote(w)]; share < stopShare {
				rest = append(rest, quote(w))
				cost += share
			}
		}
		switch {
		case len(rest) == len(words):
		case len(rest) == 0: // stop words only ("and/or"): all read
			cost = float64(len(words))
		case len(rest) == 1:
			ph = rest[0]
		default:
			ph = fmt.Sprintf("NEAR(%s, %d)", strings.Join(rest, " "), len(words)-len(rest))
		}
		out.phrases = append(out.phrases, ph)
		out.costs = append(out.costs, cost)
	}
	out.expr = orExpr(out.phrases)
	return out
}

// from returns the rowid after which to search first: the newest papers
// of which about max(scoreBudget, 2·want) match the groups (ANDed, or ORed
// when or is set). It returns 0, every paper, when they are expected to
// match fewer.
func (p *plan) from(groups []group, or bool, want int) int64 {
	if p.shares == nil {
		return 0
	}
	share := 1.0
	if or {
		none := 1.0
		for _, g := range groups {
			none *= 1 - g.share
		}
		share = 1 - none
	} else {
		for _, g := range groups {
			// A word not seen in the sample may still be common elsewhere;
			// count it as half a paper of the sample.
			share *= max(g.share, 0.5/sampleRows)
		}
	}
	budget := float64(max(scoreBudget, 2*want))
	if share*float64(p.papers) <= budget {
		return 0
	}
	return max(p.papers-int64(budget/share), 0)
}

// hitRow is a paper row with its rank (bm25: more negative is better).
type hitRow struct {
	Paper paperRow `gorm:"embedded"`
	Rank  float64  `gorm:"column:rank"`
}

// matchSQL ranks inside FTS5 (ORDER BY rank uses the weights configured in
// the migration and touches papers only for the rows kept), among the papers
// with a rowid above the second parameter, then breaks ties by publication.
// Ties are broken among the first offset+limit hits only.
const matchSQL = `SELECT ` + paperColumns + `, f.rank AS rank
FROM (SELECT rowid, rank FROM papers_fts WHERE papers_fts MATCH ? AND rowid > ? ORDER BY rank LIMIT ?) AS f
JOIN papers AS p ON p.id = f.rowid
ORDER BY f.rank, p.published DESC
LIMIT ? OFFSET ?`

// windowed runs one FTS5 expression over the papers with a rowid above
// from and returns a page of hits. While that window of the newest papers
// has fewer hits than the page needs, it widens fourfold, up to every paper
// (from 0); papers is the highest rowid.
func (db *DB) windowed(ctx context.Context, expr string, papers, from int64, limit, offset int) ([]bot.Hit, error) {
	for {
		var rows []hitRow
		err := db.gorm.WithContext(ctx).Raw(matchSQL, expr, from, offset+limit, limit, offset).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		if len(rows) == limit || from <= 0 {
			return toHits(rows), nil
		}
		from = max(papers-4*(papers-from), 0)
	}
}

// newestSQL returns the newest papers matching an expression, unranked;
// %s is the index to search.
const newestSQL = `SELECT ` + paperColumns + `, 0 AS rank
FROM (SELECT rowid FROM %[1]s WHERE %[1]s MATCH ? ORDER BY rowid DESC LIMIT ?) AS f
JOIN papers AS p ON p.id = f.rowid
ORDER BY p.id DESC`

// newest returns a page of the most recently stored papers that match expr,
// for queries bm25 cannot rank: those with the words in their title first,
// then the others. Titles are searched in papers_words, whose posting lists
// are short: the search stops at the page's last hit, or at the end of the
// lists of words few titles have.
func (db *DB) newest(ctx context.Context, expr string, limit, offset int) ([]bot.Hit, error) {
	var title, any []hitRow
	g := db.gorm.WithContext(ctx)
	err := g.Raw(fmt.Sprintf(newestSQL, "papers_words"), "{title} : ("+expr+")", offset+limit).Scan(&title).Error
	if err != nil {
		return nil, err
	}
	if err := g.Raw(fmt.Sprintf(newestSQL, "papers_fts"), expr, offset+limit+len(title)).Scan(&any).Error; err != nil {
		return nil, err
	}
	rows := title
	seen := make(map[int64]bool, len(title))
	for _, r := range title {
		seen[r.Paper.ID] = true
	}
	for _, r := range any {
		if !seen[r.Paper.ID] {
			rows = append(rows, r)
		}
	}
	if offset >= len(rows) {
		return nil, nil
	}
	return toHits(rows[offset:min(offset+limit, len(rows))]), nil
}

// toHits converts rows to hits; Score is the negated bm25 rank.
func toHits(rows []hitRow) []bot.Hit {
	hits := make([]bot.Hit, len(rows))
	for i, r := range rows {
		hits[i] = bot.Hit{Paper: r.Paper.paper(), Score: -r.Rank}
	}
	return hits
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
	prefix := foldDiacritics(strings.ToLower(run))
	var words []string
	err := db.gorm.WithContext(ctx).Raw(`SELECT term FROM papers_words_vocab
		WHERE term >= ? AND term < ? AND term <> ? ORDER BY doc DESC LIMIT ?`,
		prefix, prefix+"\U0010FFFF", prefix, maxCompletions).Scan(&words).Error
	if err != nil {
		return nil, fmt.Errorf("complete %q: %w", prefix, err)
	}
	return words, nil
}

// diacritics holds transformers that remove combining marks after
// canonical decomposition: "müll" becomes "mull", as the indexes' tokenizer
// (remove_diacritics 2) stores it. A transform.Chain keeps state between
// calls and is not safe for concurrent use, and searches run concurrently:
// each call takes a transformer of its own.
var diacritics = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// foldDiacritics returns s without diacritics, as the vocabulary has it.
func foldDiacritics(s string) string {
	t := diacritics.Get().(transform.Transformer)
	defer diacritics.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
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

// queryTerms splits s into at most maxTerms distinct words that contain a
// letter or digit, with invalid UTF-8 and NUL bytes (which would end the
// string early in C) turned into spaces.
func queryTerms(s string) []string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.ReplaceAll(s, "\x00", " ")
	var terms []string
	seen := make(map[string]bool)
	for _, f := range strings.Fields(s) {
		if !strings.ContainsFunc(f, isWordRune) {
			continue // "--", "*", "(", `"`: nothing to search for
		}
		f = text.CutBytes(f, maxTermBytes)
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
	return joinGroups(queryGroups(terms, completions, true), op)
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
