-- 0012_vector_mags (PostgreSQL): SQLite's 0012_vector_mags for the second
-- engine; see that file for what the column means and why the chunks
-- written before go. The blob is bytea.
-- Append-only: never edit this file once shipped; add a new one instead.
DELETE FROM vector_signs;
ALTER TABLE vector_signs ADD COLUMN mags BYTEA NOT NULL DEFAULT '';
