-- 0010_papers_write_lock (PostgreSQL only): every statement that writes
-- papers first takes the papers write lock, the transaction advisory lock
-- that the store's paper writers take at the start of their transactions
-- (store.writePapers, lockPapers = 0x7062706170657273, "pbpapers"). The
-- words table's triggers (0008) lock shared word rows ("model",
-- "learning"), and two transactions that each write papers in more than
-- one statement deadlock on them unless paper writers queue. The store's
-- writers queue in Go, before they read; this makes any other writer (SQL
-- run by hand, a code path that forgot) queue too. Re-entrant: a
-- transaction that holds the lock takes it again at once.
-- Append-only: never edit this file once shipped; add a later file instead.
CREATE FUNCTION papers_write_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(8098158643765408371); -- lockPapers
	RETURN NULL;
END $$;

CREATE TRIGGER papers_write_lock BEFORE INSERT OR UPDATE OR DELETE ON papers
	FOR EACH STATEMENT EXECUTE FUNCTION papers_write_lock();
