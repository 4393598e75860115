package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"paperboy/bot"
)

// rowsPerStatement is how many papers one upsert statement carries. The
// driver compiles every statement on every execution (its prepared
// statements keep only the SQL text), and compiling an INSERT also compiles
// the FTS triggers; multi-row statements pay that once per chunk.
// 64 rows × 18 columns stays far below SQLite's 32766 bound parameters.
const rowsPerStatement = 64

// upsertSQL is the start of the papers upsert; one upsertRow per paper and
// upsertTail follow. On conflict, a field is replaced only when the new copy
// has it, so an arXiv record never wipes what Hugging Face added (links,
// ai_summary, keywords), and upvotes keep the maximum: HF's count is
// cumulative and arXiv records carry 0.
const (
	upsertSQL = `INSERT INTO papers (paper_id, title, abstract, authors, published, upvotes,
	arxiv_url, pdf_url, hf_url, github_url, project_url, thumbnail, ai_summary,
	ai_summary_model, keywords, categories, created_at, updated_at) VALUES `
	upsertRow  = `(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	upsertTail = ` ON CONFLICT (paper_id) DO UPDATE SET
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
RETURNING id, paper_id`
)

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
	err = db.write(ctx, func(tx *sql.Tx) error {
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

// write runs fn in a transaction (BEGIN IMMEDIATE, see dsn) and commits
// when fn returns nil.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
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
func upsertPapers(ctx context.Context, tx *sql.Tx, papers []bot.Paper, now string, res *bot.SaveResult) ([]int64, error) {
	ids := make([]int64, 0, len(papers))
	for start := 0; start < len(papers); start += rowsPerStatement {
		chunk := papers[start:min(start+rowsPerStatement, len(papers))]
		known, err := knownPapers(ctx, tx, chunk)
		if err != nil {
			return nil, err
		}
		rowids, err := upsertChunk(ctx, tx, chunk, now)
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

// knownPapers counts how many of the papers (distinct ids) are stored.
func knownPapers(ctx context.Context, tx *sql.Tx, papers []bot.Paper) (int, error) {
	args := make([]any, len(papers))
	for i, p := range papers {
		args[i] = p.ID
	}
	q := "SELECT count(*) FROM papers WHERE paper_id IN (" + placeholders(len(papers)) + ")"
	var n int
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count known papers: %w", err)
	}
	return n, nil
}

// upsertChunk runs one multi-row upsert and returns the rowid of each id.
func upsertChunk(ctx context.Context, tx *sql.Tx, papers []bot.Paper, now string) (map[string]int64, error) {
	q := upsertSQL + strings.TrimSuffix(strings.Repeat(upsertRow+",", len(papers)), ",") + upsertTail
	args := make([]any, 0, len(papers)*18)
	for _, p := range papers {
		args = append(args, upsertArgs(p, now)...)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("upsert papers: %w", err)
	}
	defer rows.Close()
	ids := make(map[string]int64, len(papers))
	for rows.Next() {
		var id int64
		var paperID string
		if err := rows.Scan(&id, &paperID); err != nil {
			return nil, fmt.Errorf("upsert papers: %w", err)
		}
		ids[paperID] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("upsert papers: %w", err)
	}
	return ids, nil
}

// upsertArgs returns the values of one upsertRow.
func upsertArgs(p bot.Paper, now string) []any {
	var published any // NULL when unknown
	if !p.Published.IsZero() {
		published = formatTime(p.Published)
	}
	return []any{p.ID, p.Title, p.Abstract, encodeList(p.Authors), published, p.Upvotes,
		p.ArxivURL, p.PDFURL, p.HFURL, p.GitHubURL, p.ProjectURL, p.Thumbnail, p.AISummary,
		p.AISummaryModel, encodeList(p.Keywords), encodeList(p.Categories), now, now}
}

// placeholders returns n comma-separated "?".
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// replaceBatch makes the day's batch the papers with the given rowids, in
// order, from source.
func replaceBatch(ctx context.Context, tx *sql.Tx, date, source string, ids []int64, now string) error {
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
