package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// conn is the database handle the store's hand-written SQL goes through. The
// SQL is written once, with SQLite's ? placeholders; on PostgreSQL, whose
// driver knows only $1, $2…, each statement is rewritten by rebind. GORM
// does the same for the queries it builds.
type conn struct {
	*sql.DB
	pg bool
}

// txn is a transaction of a conn, rebinding like it.
type txn struct {
	*sql.Tx
	pg bool
}

// ExecContext runs a statement, rebound for the engine.
func (c *conn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.DB.ExecContext(ctx, rebind(c.pg, q), args...)
}

// QueryContext runs a query, rebound for the engine.
func (c *conn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.DB.QueryContext(ctx, rebind(c.pg, q), args...)
}

// QueryRowContext runs a one-row query, rebound for the engine.
func (c *conn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.DB.QueryRowContext(ctx, rebind(c.pg, q), args...)
}

// BeginTx starts a transaction whose statements are rebound too.
func (c *conn) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	t, err := c.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: t, pg: c.pg}, nil
}

// ExecContext runs a statement in the transaction, rebound for the engine.
func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, rebind(t.pg, q), args...)
}

// QueryContext runs a query in the transaction, rebound for the engine.
func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, rebind(t.pg, q), args...)
}

// QueryRowContext runs a one-row query in the transaction, rebound for the
// engine.
func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, rebind(t.pg, q), args...)
}

// forUpdate returns the clause that locks the rows a SELECT reads until the
// transaction ends: " FOR UPDATE" on PostgreSQL, nothing on SQLite, where a
// write transaction (BEGIN IMMEDIATE) already excludes every other writer.
func (t *txn) forUpdate() string {
	if t.pg {
		return " FOR UPDATE"
	}
	return ""
}

// rebind returns q with SQLite's placeholders (? and ?N) as PostgreSQL's
// ($N) when pg is set, and q itself otherwise. A bare ? takes the next
// number, as SQLite numbers it. Placeholders inside quoted strings and
// identifiers are left alone.
func rebind(pg bool, q string) string {
	if !pg || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			b.WriteByte(c)
		case c == '\'' || c == '"':
			quote = c
			b.WriteByte(c)
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				num, _ := strconv.Atoi(q[i+1 : j])
				n = max(n, num)
				b.WriteString("$" + q[i+1:j])
				i = j - 1
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
