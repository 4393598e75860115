-- 0007_rate_budgets (PostgreSQL only): the rate budgets that replicas
-- sharing one bot token share (store/budget.go). One row per budget, e.g.
-- Discord's global limit of one bot: tat is the GCRA's theoretical arrival
-- time, the earliest moment the budget is back to full. Rows are small and
-- few (one per token and limit); nothing else refers to them, and copy-store
-- does not move them (a new store starts with full budgets). SQLite needs no
-- table: one SQLite file is one machine, whose process paces itself.
-- UNLOGGED: a booking is written often and matters for a second, so it
-- skips the write-ahead log; after a crash of the server (or on a standby)
-- the table starts empty, which is every budget full.
-- Append-only: never edit this file once shipped; add a later file instead.
CREATE UNLOGGED TABLE rate_budgets (
	name TEXT        PRIMARY KEY,
	tat  TIMESTAMPTZ NOT NULL
);
