package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"paperboy/bot"
)

// rowsPerStatement is how many papers one insert statement carries. The
// papers travel as one JSON array in a single parameter, read back with
// jsonb_each: the driver binds parameters in time quadratic in their number
// (for each parameter it scans all arguments), which made multi-row VALUES
// lists slow, and each statement is compiled once however many rows it has.
// The bound keeps a statement's JSON text and RETURNING rows to a few MiB.
const rowsPerStatement = 1000

// paperColumnList names the papers columns every insert here writes, in the
// order of paperValues.
const paperColumnList = `paper_id, title, abstract, authors, published, upvotes,
	arxiv_url, pdf_url, hf_url, github_url, project_url, thumbnail, ai_summary,
	ai_summary_model, keywords, categories, created_at, updated_at`

// paperValues selects, from jsonb_each(?1) over an array of paperJSON, the
// values of paperColumnList; ?2 is the time stamp. jsonb_each, unlike
// json_each, hands each object on in binary form, so the 16 ->> lookups
// need not parse text (measured: JSON work 16 % → 5 % of AddPapers' CPU).
// "WHERE true" lets SQLite parse the ON CONFLICT clause that follows an
// INSERT … SELECT.
const paperValues = `SELECT value->>'id', value->>'title', value->>'abstract',
	value->>'authors', value->>'published', value->>'upvotes', value->>'arxiv_url',
	value->>'pdf_url', value->>'hf_url', value->>'github_url', value->>'project_url',
	value->>'thumbnail', value->>'ai_summary', value->>'ai_summary_model',
	value->>'keywords', value->>'categories', ?2, ?2
	FROM jsonb_each(?1) WHERE true`

// paperValuesPG is paperValues for PostgreSQL: jsonb_array_elements reads
// the array, and ->> gives text, so upvotes is cast.
const paperValuesPG = `SELECT value->>'id', value->>'title', value->>'abstract',
	value->>'authors', value->>'published', (value->>'upvotes')::integer, value->>'arxiv_url',
	value->>'pdf_url', value->>'hf_url', value->>'github_url', value->>'project_url',
	value->>'thumbnail', value->>'ai_summary', value->>'ai_summary_model',
	value->>'keywords', value->>'categories', ?2, ?2
	FROM jsonb_array_elements(?1::jsonb) AS j (value) WHERE true`

// upsertTail is the conflict clause of upsertSQL.
const upsertTail = `
ON CONFLICT (paper_id) DO UPDATE SET
	title = COALESCE(NULLIF(excluded.title, ''), papers.title),
	abstract = COALESCE(NULLIF(excluded.abstract, ''), papers.abstract),
	authors = COALESCE(NULLIF(excluded.authors, '[]'), papers.authors),
	published = COALESCE(excluded.published, papers.published),
	upvotes = CASE WHEN excluded.upvotes > papers.upvotes THEN excluded.upvotes ELSE papers.upvotes END,
	arxiv_url = COALESCE(NULLIF(excluded.arxiv_url, ''), papers.arxiv_url),
	pdf_url = COALESCE(NULLIF(excluded.pdf_url, ''), papers.pdf_url),
	hf_url = COALESCE(NULLIF(excluded.hf_url, ''), papers.hf_url),
	github_url = COALESCE(NULLIF(excluded.github_url, ''), papers.github_url),
	project_url = COALESCE(NULLIF(excluded.project_url, ''), papers.project_url),
	thumbnail = COALESCE(NULLIF(excluded.thumbnail, ''), papers.thumbnail),
	ai_summary_model = CASE WHEN excluded.ai_summary <> '' THEN excluded.ai_summary_model ELSE papers.ai_summary_model END,
	ai_summary = COALESCE(NULLIF(excluded.ai_summary, ''), papers.ai_summary),
	keywords = COALESCE(NULLIF(excluded.keywords, '[]'), papers.keywords),
	categories = COALESCE(NULLIF(excluded.categories, '[]'), papers.categories),
	updated_at = excluded.updated_at
RETURNING paper_id, id`

// upsertSQL stores the papers of its JSON parameter, adding new ones and
// refreshing known ones. On conflict, a field is replaced only when the new
// copy has it, so an arXiv record never wipes what Hugging Face added
// (links, ai_summary, keywords), and upvotes keep the maximum: HF's count is
// cumulative and arXiv records carry 0. upsertSQLPG is the same for
// PostgreSQL.
const (
	upsertSQL   = `INSERT INTO papers (` + paperColumnList + `) ` + paperValues + upsertTail
	upsertSQLPG = `INSERT INTO papers (` + paperColumnList + `) ` + paperValuesPG + upsertTail
)

// addSQL stores the papers of its JSON parameter that are not stored yet;
// stored ones are left as they are, and cost no index work. addSQLPG is the
// same for PostgreSQL.
const (
	addSQL   = `INSERT INTO papers (` + paperColumnList + `) ` + paperValues + ` ON CONFLICT (paper_id) DO NOTHING`
	addSQLPG = `INSERT INTO papers (` + paperColumnList + `) ` + paperValuesPG + ` ON CONFLICT (paper_id) DO NOTHING`
)

// pick returns sqlite's SQL, or pg's on PostgreSQL.
func (t *txn) pick(sqlite, pg string) string {
	if t.pg {
		return pg
	}
	return sqlite
}

// SaveBatch stores the batch's papers in one transaction, adding new ones
// and refreshing known ones, never duplicating a paper (see upsertSQL for
// what a refresh keeps). A paper listed twice is stored once: the copies are
// merged, the later one winning, and it keeps the rank of its first
// appearance. When b.Date is set, the day's batch becomes exactly those
// papers in that order, from b.Source, replacing an earlier one. The error
// has code EINVALID for a bad date or a paper without an id; then nothing is
// saved.
func (db *DB) SaveBatch(ctx context.Context, b bot.Batch) (bot.SaveResult, error) {
	var res bot.SaveResult
	if b.Date != "" {
		date, err := bot.ParseDate(b.Date)
		if err != nil {
			return res, err
		}
		b.Date = date
	}
	papers, err := dedupe(b.Papers)
	if err != nil {
		return res, err
	}
	now := db.now()
	err = db.writePapers(ctx, func(tx *txn) error {
		ids, err := upsertPapers(ctx, tx, papers, now, &res)
		if err != nil || b.Date == "" {
			return err
		}
		return replaceBatch(ctx, tx, b.Date, b.Source, ids, now)
	})
	if err != nil {
		return bot.SaveResult{}, fmt.Errorf("save batch: %w", err)
	}
	return res, nil
}

// AddPapers stores, in one transaction, the papers whose id is not stored
// yet, and leaves stored papers exactly as they are: no field is refreshed
// and no index work is done for them, so rerunning an interrupted import
// costs little for what it already stored. A paper listed twice is stored
// once, as its first copy. Keep calls to a few hundred papers (500 take
// about 0.1 s): the transaction holds the write lock, which other processes
// wait for at most busy_timeout; see also yieldWriteLock. The error has code
// EINVALID for a paper without an id; then nothing is saved.
func (db *DB) AddPapers(ctx context.Context, papers []bot.Paper) (bot.SaveResult, error) {
	for i, p := range papers {
		if strings.TrimSpace(p.ID) == "" {
			return bot.SaveResult{}, bot.Errorf(bot.EINVALID, "Paper %d (%q) has no id.", i+1, p.Title)
		}
	}
	if len(papers) == 0 {
		return bot.SaveResult{}, nil
	}
	db.bulk.mu.Lock()
	defer db.bulk.mu.Unlock()
	// PostgreSQL has row locks, not one write lock: nobody to yield to.
	if !db.sql.pg {
		if err := db.yieldWriteLock(ctx); err != nil {
			return bot.SaveResult{}, fmt.Errorf("add papers: %w", err)
		}
	}
	defer func() { db.bulk.last = db.bulk.clock() }()
	now := db.now()
	added := 0
	err := db.writePapers(ctx, func(tx *txn) error {
		for chunk := range slices.Chunk(papers, rowsPerStatement) {
			papersJSON, err := encodePapers(chunk, tx.pg)
			if err != nil {
				return err
			}
			r, err := tx.ExecContext(ctx, tx.pick(addSQL, addSQLPG), papersJSON, now)
			if err != nil {
				return fmt.Errorf("insert papers: %w", err)
			}
			n, err := r.RowsAffected() // rows of papers only, not the triggers'
			if err != nil {
				return fmt.Errorf("insert papers: %w", err)
			}
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return bot.SaveResult{}, fmt.Errorf("add papers: %w", err)
	}
	return bot.SaveResult{Added: added, AlreadyStored: len(papers) - added}, nil
}

// A bulk writer (AddPapers, called chunk after chunk by an import) that has
// kept the write lock busy for yieldEvery pauses for yieldFor before its
// next write. yieldFor is longer than the longest sleep of SQLite's busy
// handler (100 ms), so a writer waiting in another process (the running
// bot) retries inside the pause and gets the lock within about yieldEvery
// plus one write, well within its busy_timeout of 5 s. Without the pauses
// such a writer measured waits of up to 4.8 s, as it only got the lock if
// a retry happened to fall in the few milliseconds between two writes. The
// pauses cost an import about 6 % of its time.
const (
	yieldEvery = 2 * time.Second
	yieldFor   = 120 * time.Millisecond
)

// bulkWrites is what yieldWriteLock keeps between bulk writes.
type bulkWrites struct {
	mu    sync.Mutex // serializes bulk writes and guards since and last
	since time.Time  // start of the current run of bulk writes without a pause
	last  time.Time  // end of the last bulk write
	// now and sleep are the clock and the pause; nil is the real ones
	// (tests set both).
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

func (b *bulkWrites) clock() time.Time {
	if b.now != nil {
		return b.now()
	}
	return time.Now()
}

// yieldWriteLock pauses before a bulk write when bulk writes have kept the
// write lock busy for yieldEvery without a pause of yieldFor. The caller
// holds db.bulk.mu.
func (db *DB) yieldWriteLock(ctx context.Context) error {
	b := &db.bulk
	now := b.clock()
	switch {
	case now.Sub(b.last) >= yieldFor: // a pause happened anyway
		b.since = now
	case now.Sub(b.since) >= yieldEvery:
		sleep := b.sleep
		if sleep == nil {
			sleep = bot.Sleep
		}
		if err := sleep(ctx, yieldFor); err != nil {
			return err
		}
		b.since = b.clock()
	}
	return nil
}

// dedupe returns the papers with each id once, in order of first
// appearance, later copies merged over earlier ones. A paper without an id
// is an EINVALID error.
func dedupe(papers []bot.Paper) ([]bot.Paper, error) {
	out := make([]bot.Paper, 0, len(papers))
	seen := make(map[string]int, len(papers))
	for i, p := range papers {
		if strings.TrimSpace(p.ID) == "" {
			return nil, bot.Errorf(bot.EINVALID, "Paper %d of the batch (%q) has no id.", i+1, p.Title)
		}
		if j, ok := seen[p.ID]; ok {
			out[j] = mergePaper(out[j], p)
			continue
		}
		seen[p.ID] = len(out)
		out = append(out, p)
	}
	return out, nil
}

// write runs fn in a transaction (on SQLite BEGIN IMMEDIATE, see dsn) and
// commits when fn returns nil. A full disk or a read-only file is told in
// words (fileErr), whichever statement hits it.
func (db *DB) write(ctx context.Context, fn func(tx *txn) error) error {
	return fileErr(db.writeTx(ctx, fn))
}

// writePapers is write for a transaction that writes papers; SaveBatch,
// AddPapers and CopyFrom write them through it, and nothing else may. On
// PostgreSQL it first takes the papers advisory lock for the transaction,
// so paper writers run one after another. Without it they deadlock (one of
// two is aborted with SQLSTATE 40P01 after deadlock_timeout): every
// statement on papers makes the triggers of migrations_pg/0008 lock the
// rows of its words in papers_words_vocab until commit, and words like
// "model" are in nearly every title. One trigger locks its words in word
// order, but a transaction that runs more than one of them starts that
// order afresh each time: an upsert fires the insert and then the update
// trigger, CopyFrom inserts row by row, more than rowsPerStatement papers
// take a statement per chunk. Two upserts of the same papers in different
// orders also lock the paper rows crosswise. TestDB_PaperWriters_Postgres
// had 17 of its 60 writes fail so.
//
// Retrying the failed transaction instead would keep the concurrency, but
// each retry comes a deadlock_timeout (1 s) late, a steady importer beside
// the daily fetch keeps colliding, and every fn would have to be safe to run
// twice. Queueing costs little: paper writes are few and batched, and
// an uncontended lock is one round trip per transaction (an import of 10,000
// papers, 20 transactions, took 16 to 26 s either way). SQLite needs no
// lock: BEGIN IMMEDIATE already admits one writer at a time.
func (db *DB) writePapers(ctx context.Context, fn func(tx *txn) error) error {
	return db.write(ctx, func(tx *txn) error {
		if tx.pg {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", lockPapers); err != nil {
				return fmt.Errorf("lock papers: %w", err)
			}
		}
		return fn(tx)
	})
}

func (db *DB) writeTx(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		// ErrTxDone: database/sql already rolled back on ctx cancellation.
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// upsertPapers stores papers in chunks and returns their rowids, in order.
// It adds to res what was added and what was updated.
func upsertPapers(ctx context.Context, tx *txn, papers []bot.Paper, now string, res *bot.SaveResult) ([]int64, error) {
	ids := make([]int64, 0, len(papers))
	for chunk := range slices.Chunk(papers, rowsPerStatement) {
		papersJSON, err := encodePapers(chunk, tx.pg)
		if err != nil {
			return nil, err
		}
		known, err := knownPapers(ctx, tx, papersJSON)
		if err != nil {
			return nil, err
		}
		rowids, err := upsertChunk(ctx, tx, papersJSON, len(chunk), now)
		if err != nil {
			return nil, err
		}
		for _, p := range chunk {
			ids = append(ids, rowids[p.ID])
		}
		res.Updated += known
		res.Added += len(chunk) - known
	}
	return ids, nil
}

// knownPapers counts how many of the papers (distinct ids, as JSON from
// encodePapers) are stored.
func knownPapers(ctx context.Context, tx *txn, papersJSON string) (int, error) {
	q := tx.pick(`SELECT count(*) FROM papers WHERE paper_id IN (SELECT value->>'id' FROM jsonb_each(?))`,
		`SELECT count(*) FROM papers WHERE paper_id IN (SELECT value->>'id' FROM jsonb_array_elements(?::jsonb) AS j (value))`)
	var n int
	if err := tx.QueryRowContext(ctx, q, papersJSON).Scan(&n); err != nil {
		return 0, fmt.Errorf("count known papers: %w", err)
	}
	return n, nil
}

// upsertChunk runs one upsert of the papers (as JSON from encodePapers) and
// returns the rowid of each id.
func upsertChunk(ctx context.Context, tx *txn, papersJSON string, n int, now string) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, tx.pick(upsertSQL, upsertSQLPG), papersJSON, now)
	if err != nil {
		return nil, fmt.Errorf("upsert papers: %w", err)
	}
	return scanPairs(rows, make(map[string]int64, n), "upsert papers")
}

// paperJSON is how encodePapers hands one paper to paperValues. The lists
// are JSON strings holding the stored JSON text (encodeList), so ->> gives
// exactly the text the column keeps.
type paperJSON struct {
	ID             string  `json:"id"`
	Title          string  `json:"title"`
	Abstract       string  `json:"abstract"`
	Authors        string  `json:"authors"`
	Published      *string `json:"published"` // null when unknown
	Upvotes        int     `json:"upvotes"`
	ArxivURL       string  `json:"arxiv_url"`
	PDFURL         string  `json:"pdf_url"`
	HFURL          string  `json:"hf_url"`
	GitHubURL      string  `json:"github_url"`
	ProjectURL     string  `json:"project_url"`
	Thumbnail      string  `json:"thumbnail"`
	AISummary      string  `json:"ai_summary"`
	AISummaryModel string  `json:"ai_summary_model"`
	Keywords       string  `json:"keywords"`
	Categories     string  `json:"categories"`
}

// encodePapers returns the papers as one JSON array of paperJSON, the
// single parameter of upsertSQL and addSQL. Text that is not valid UTF-8
// has its bad bytes replaced by U+FFFD, as encoding/json does everywhere.
// With pg set, text is made storable (bot.Paper.Clean; the engine normally
// gets papers cleaned already): PostgreSQL's text (and jsonb) cannot hold
// NUL characters.
func encodePapers(papers []bot.Paper, pg bool) (string, error) {
	if pg {
		papers = slices.Clone(papers)
		for i := range papers {
			papers[i].Clean()
		}
	}
	var buf bytes.Buffer
	buf.Grow(len(papers) * 1536)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	rows := make([]paperJSON, len(papers))
	for i, p := range papers {
		var published *string
		if !p.Published.IsZero() {
			s := formatTime(p.Published)
			published = &s
		}
		rows[i] = paperJSON{ID: p.ID, Title: p.Title, Abstract: p.Abstract,
			Authors: encodeList(p.Authors), Published: published, Upvotes: p.Upvotes,
			ArxivURL: p.ArxivURL, PDFURL: p.PDFURL, HFURL: p.HFURL, GitHubURL: p.GitHubURL,
			ProjectURL: p.ProjectURL, Thumbnail: p.Thumbnail, AISummary: p.AISummary,
			AISummaryModel: p.AISummaryModel, Keywords: encodeList(p.Keywords),
			Categories: encodeList(p.Categories)}
	}
	if err := enc.Encode(rows); err != nil {
		return "", fmt.Errorf("encode papers: %w", err)
	}
	return buf.String(), nil
}

// replaceBatch makes the day's batch the papers with the given rowids, in
// order, from source.
func replaceBatch(ctx context.Context, tx *txn, date, source string, ids []int64, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO batches (date, source, fetched_at) VALUES (?, ?, ?)
		ON CONFLICT (date) DO UPDATE SET source = excluded.source, fetched_at = excluded.fetched_at`,
		date, source, now)
	if err != nil {
		return fmt.Errorf("save batch row: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM batch_papers WHERE date = ?", date); err != nil {
		return fmt.Errorf("clear batch papers: %w", err)
	}
	const perStatement = 300 // × 3 parameters
	for start := 0; start < len(ids); start += perStatement {
		end := min(start+perStatement, len(ids))
		args := make([]any, 0, 3*(end-start))
		for rank := start; rank < end; rank++ {
			args = append(args, date, rank, ids[rank])
		}
		q := "INSERT INTO batch_papers (date, rank, paper) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?,?,?),", end-start), ",")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("save batch papers: %w", err)
		}
	}
	return nil
}

// batchRow is a row of the batches table.
type batchRow struct {
	Date   string `gorm:"column:date;primaryKey"`
	Source string `gorm:"column:source"`
}

// TableName tells GORM the table of batchRow.
func (batchRow) TableName() string { return "batches" }

// Batch returns the newest batch dated on or before date, papers in rank
// order. The error has code ENOTFOUND when there is none, and EINVALID when
// date is not a date.
func (db *DB) Batch(ctx context.Context, date string) (bot.Batch, error) {
	date, err := bot.ParseDate(date)
	if err != nil {
		return bot.Batch{}, err
	}
	g := db.gorm.WithContext(ctx)
	var b batchRow
	err = g.Where("date <= ?", date).Order("date DESC").Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return bot.Batch{}, bot.Errorf(bot.ENOTFOUND, "No batch on or before %s in the database; fetch one first.", date)
	} else if err != nil {
		return bot.Batch{}, fmt.Errorf("get batch: %w", err)
	}
	var rows []paperRow
	err = g.Raw(`SELECT `+paperColumns+` FROM batch_papers AS bp
		JOIN papers AS p ON p.id = bp.paper
		WHERE bp.date = ? ORDER BY bp.rank`, b.Date).Scan(&rows).Error
	if err != nil {
		return bot.Batch{}, fmt.Errorf("get batch papers: %w", err)
	}
	out := bot.Batch{Date: b.Date, Source: b.Source, Papers: make([]bot.Paper, len(rows))}
	for i, r := range rows {
		out.Papers[i] = r.paper()
	}
	return out, nil
}

// FetchedAt returns when the batch of date was last saved. The error has
// code ENOTFOUND when the day has no batch, and EINVALID when date is not
// a date.
func (db *DB) FetchedAt(ctx context.Context, date string) (time.Time, error) {
	date, err := bot.ParseDate(date)
	if err != nil {
		return time.Time{}, err
	}
	var at string
	err = db.sql.QueryRowContext(ctx, "SELECT fetched_at FROM batches WHERE date = ?", date).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, bot.Errorf(bot.ENOTFOUND, "No batch for %s in the database.", date)
	} else if err != nil {
		return time.Time{}, fmt.Errorf("get batch time: %w", err)
	}
	return parseTime(at), nil
}

var _ bot.BatchDates = (*DB)(nil)

// InBatches returns which papers of ids are listed in a batch dated
// from..to, both included; an empty end is open. It is one query, through
// the index on batch_papers.paper.
func (db *DB) InBatches(ctx context.Context, ids []string, from, to string) (map[string]bool, error) {
	in := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return in, nil
	}
	if to == "" {
		to = "9999-12-31"
	}
	var found []string
	err := db.gorm.WithContext(ctx).Raw(`SELECT DISTINCT p.paper_id FROM papers AS p
		JOIN batch_papers AS bp ON bp.paper = p.id
		WHERE p.paper_id IN ? AND bp.date >= ? AND bp.date <= ?`, ids, from, to).Scan(&found).Error
	if err != nil {
		return nil, fmt.Errorf("papers in batches: %w", err)
	}
	for _, id := range found {
		in[id] = true
	}
	return in, nil
}
