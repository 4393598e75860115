package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"paperboy/bot/text"
)

// copyTable is one table as Copy moves it: its columns, the order it is
// read in, and the key whose conflict means "already there".
type copyTable struct {
	name     string
	columns  string // as in SELECT and INSERT
	order    string
	conflict string
	// insert, when set, is the INSERT to use instead of the plain one.
	insert string
	// blob names the column (as in columns) that holds bytes, not text, copied
	// as they are; "" when none does.
	blob string
}

// blobIndex returns the index of t.blob among t.columns, or -1.
func (t copyTable) blobIndex() int {
	if t.blob == "" {
		return -1
	}
	for i, c := range strings.Split(t.columns, ",") {
		if strings.TrimSpace(c) == t.blob {
			return i
		}
	}
	return -1
}

// copyTables are the tables Copy moves, in an order that satisfies the
// foreign keys. replays is left out: its rows live for minutes. Papers
// travel without their id, which is the target's own; batch_papers and
// paper_vectors find their paper by paper_id.
var copyTables = []copyTable{
	{name: "papers", columns: paperColumnList, order: "id", conflict: "paper_id"},
	{name: "batches", columns: "date, source, fetched_at", order: "date", conflict: "date"},
	{name: "batch_papers", columns: "bp.date, bp.rank, p.paper_id", order: "bp.date, bp.rank", conflict: "date, rank",
		insert: "INSERT INTO batch_papers (date, rank, paper) SELECT ?, ?, id FROM papers WHERE paper_id = ? ON CONFLICT (date, rank) DO NOTHING"},
	{name: "summaries", columns: "paper_id, model, prompt_version, text, source, created_at",
		order: "paper_id, model, prompt_version", conflict: "paper_id, model, prompt_version"},
	{name: "paper_vectors", columns: "v.model, v.dims, v.scale, v.vector, v.created_at, p.paper_id", order: "p.paper_id", conflict: "paper",
		insert: "INSERT INTO paper_vectors (model, dims, scale, vector, created_at, paper) SELECT ?, ?, ?, ?, ?, id FROM papers WHERE paper_id = ? ON CONFLICT (paper) DO NOTHING",
		blob:   "v.vector"},
	{name: "subscriptions", columns: "platform, channel, schedule, timezone, include, exclude, min_upvotes, top, style, period, rank, interests, origin, since, created_at",
		order: "platform, channel", conflict: "platform, channel"},
	{name: "deliveries", columns: deliveryColumns, order: "platform, channel, date", conflict: "platform, channel, date"},
	{name: "delivery_items", columns: "platform, channel, date, item, ids, recorded_at",
		order: "platform, channel, date, item", conflict: "platform, channel, date, item"},
	{name: "signals", columns: "platform, channel, paper_id, user_id, user_name, kind, created_at",
		order: "platform, channel, paper_id, user_id, kind", conflict: "platform, channel, paper_id, user_id, kind"},
}

// from returns the FROM clause that reads t.
func (t copyTable) from() string {
	switch t.name {
	case "batch_papers":
		return "batch_papers AS bp JOIN papers AS p ON p.id = bp.paper"
	case "paper_vectors":
		return "paper_vectors AS v JOIN papers AS p ON p.id = v.paper"
	}
	return t.name
}

// insertSQL returns the statement that adds one row of t unless its key is
// there already.
func (t copyTable) insertSQL() string {
	if t.insert != "" {
		return t.insert
	}
	n := len(strings.Split(t.columns, ","))
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO NOTHING",
		t.name, t.columns, strings.TrimSuffix(strings.Repeat("?, ", n), ", "), t.conflict)
}

// CopyProgress is what Copy reports as it goes: the table, the rows read
// from it so far and its row count, and the rows the target did not have.
type CopyProgress struct {
	Table       string
	Done, Total int64
	Added       int64
}

// copyChunk is how many rows Copy writes per transaction.
const copyChunk = 500

// Counts returns the number of rows of each table that CopyFrom moves, by
// table name, for copy-store's checks and summary.
func (db *DB) Counts(ctx context.Context) (map[string]int64, error) {
	return countRows(ctx, db.sql)
}

// reader is what reading a store needs: its connection pool, or one
// transaction of it.
type reader interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func countRows(ctx context.Context, r reader) (map[string]int64, error) {
	counts := make(map[string]int64, len(copyTables))
	for _, t := range copyTables {
		var n int64
		if err := r.QueryRowContext(ctx, "SELECT count(*) FROM "+t.name).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.name, err)
		}
		counts[t.name] = n
	}
	return counts, nil
}

// CopyFrom adds to db every row of src's papers, batches, summaries,
// subscriptions and delivery ledger that db does not have yet, keyed as in
// the schema (a paper by its id, a delivery by platform, channel and date):
// rows already there are left as they are, so an interrupted copy resumes
// by running it again. Rows keep their timestamps, claims and tokens.
// progress, when set, is called after each chunk of rows and at the end of
// each table. The engines may differ: this is how a SQLite store moves to
// PostgreSQL and back. Text with NUL characters cannot go to PostgreSQL.
//
// src is read in one snapshot (a read-only repeatable-read transaction on
// PostgreSQL, one read transaction on SQLite), so a store in use copies as
// it was at one moment: a day's batch never arrives without its papers,
// nor a delivery's items without the delivery.
func (db *DB) CopyFrom(ctx context.Context, src *DB, progress func(CopyProgress)) error {
	snap, done, err := src.snapshot(ctx)
	if err != nil {
		return fmt.Errorf("copy store: read the source: %w", err)
	}
	defer done()
	counts, err := countRows(ctx, snap)
	if err != nil {
		return fmt.Errorf("copy store: %w", err)
	}
	for _, t := range copyTables {
		p := CopyProgress{Table: t.name, Total: counts[t.name]}
		if err := db.copyTable(ctx, snap, t, &p, progress); err != nil {
			return fmt.Errorf("copy store: %s: %w", t.name, err)
		}
		if progress != nil {
			progress(p)
		}
	}
	return nil
}

// snapshot starts a read of db that sees it as it is now, whatever is
// written meanwhile, until done is called.
func (db *DB) snapshot(ctx context.Context) (r reader, done func(), err error) {
	if db.sql.pg {
		tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, nil, err
		}
		return tx, func() { tx.Rollback() }, nil // read only: nothing to commit
	}
	// On SQLite BeginTx takes the write lock (_txlock=immediate, see dsn),
	// which would stall every writer for as long as the copy reads. A
	// plain BEGIN on a connection of its own is a read transaction: its
	// first read fixes the snapshot, and writers go on beside it (WAL).
	c, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		c.Close()
		return nil, nil, err
	}
	return c, func() {
		if _, err := c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
			// Never hand a connection still in a transaction back to the pool.
			c.Raw(func(any) error { return driver.ErrBadConn })
		}
		c.Close()
	}, nil
}

// copyTable streams one table from src into db, copyChunk rows per
// transaction.
func (db *DB) copyTable(ctx context.Context, src reader, t copyTable, p *CopyProgress, progress func(CopyProgress)) error {
	rows, err := src.QueryContext(ctx, "SELECT "+t.columns+" FROM "+t.from()+" ORDER BY "+t.order)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var chunk [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		chunk = append(chunk, vals)
		if len(chunk) == copyChunk {
			if err := db.insertChunk(ctx, t, chunk, p); err != nil {
				return err
			}
			chunk = chunk[:0]
			if progress != nil {
				progress(*p)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return db.insertChunk(ctx, t, chunk, p)
}

// insertChunk writes rows in one transaction and counts them in p. Rows of
// papers go through writePapers.
func (db *DB) insertChunk(ctx context.Context, t copyTable, rows [][]any, p *CopyProgress) error {
	if len(rows) == 0 {
		return nil
	}
	write := db.write
	if t.name == "papers" {
		write = db.writePapers
	}
	return write(ctx, func(tx *txn) error {
		stmt, err := tx.PrepareContext(ctx, rebind(tx.pg, t.insertSQL()))
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		defer stmt.Close()
		blob := t.blobIndex()
		for _, vals := range rows {
			res, err := stmt.ExecContext(ctx, copyValues(vals, tx.pg, blob)...)
			if err != nil {
				return fmt.Errorf("write: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("write: %w", err)
			}
			p.Added += n
		}
		p.Done += int64(len(rows))
		return nil
	})
}

// copyValues returns a row's values as the target takes them: text as
// string (SQLite may hand it over as bytes), without NUL for PostgreSQL;
// the column at index blob (-1: none) stays bytes.
func copyValues(vals []any, pg bool, blob int) []any {
	for i, v := range vals {
		if i == blob {
			if b, ok := v.([]byte); ok {
				vals[i] = bytes.Clone(b)
			}
			continue
		}
		switch s := v.(type) {
		case []byte:
			vals[i] = string(s)
		case sql.RawBytes:
			vals[i] = string(s)
		}
		if s, ok := vals[i].(string); ok && pg {
			vals[i] = text.StorableText(s)
		}
	}
	return vals
}
