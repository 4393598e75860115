-- 0011_search_inline (PostgreSQL only): papers.search stays in the papers
-- row instead of the TOAST table. A paper's tsvector is about 3 KB, which
-- pglz does not compress, so with the default storage (EXTENDED) every one
-- went out of line, and each read of it (ranking, the sampled density of
-- the newest papers, a GIN recheck) was a TOAST index lookup and a copy of
-- two chunks: about 9 µs a paper, 1,000 papers ranked per search. With
-- STORAGE MAIN the tsvector stays inline unless a row would not fit in a
-- page even so (then it goes out of line as before); the abstract, being
-- compressible, goes out of line first. Measured at 50k papers: ranking
-- 1,000 candidates by two words 5.0 ms -> 1.5 ms. The heap is larger (two
-- rows a page) and the database a little (304 -> 347 MB at 50k papers).
--
-- SET STORAGE changes only the rows written after it, so CLUSTER rewrites
-- the table once, in primary-key order (the order rows are stored in
-- anyway), re-storing each row by the new rule, and rebuilds its indexes.
-- It holds an exclusive lock on papers meanwhile: about 20 s at 50k papers.
-- The generated column is copied, not recomputed, and no trigger fires, so
-- papers_words_vocab (0008) is unchanged. The table is then not marked as
-- clustered: later writes need not keep any order.
-- Append-only: never edit this file once shipped; add a later file instead.
ALTER TABLE papers ALTER COLUMN search SET STORAGE MAIN;
CLUSTER papers USING papers_pkey;
ALTER TABLE papers SET WITHOUT CLUSTER;
